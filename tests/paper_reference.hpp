// The paper lifecycle as plain code, for the random walk (paper_random_test.cpp): its states,
// every field of the paper its events record, and the history entries they leave. Written
// from the rules without MSM, and without the library's date, enum and field helpers
// (parse_date, parse_enum, format_timestamp, the field codecs), so that a bug in them is not
// mirrored.
#pragma once

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "calendar_reference.hpp"
#include "history_reference.hpp"
#include "outcome.hpp"
#include "paper_fixture.hpp"

namespace paper_reference {

using namespace paper_test;
using history_reference::Entry;
namespace cal = calendar_reference;

inline Timestamp midnight(long day) { return Timestamp{date::days{day}}; }
inline long day_of(Timestamp t) { return date::floor<date::days>(t).time_since_epoch().count(); }

/// How the history shows a role: the first of its names.
inline std::string role_name(ConsultationRole r)
{
    switch (r) {
    case ConsultationRole::kenntnisnahme: return "Kenntnisnahme";
    case ConsultationRole::vorberatung: return "Vorberatung";
    case ConsultationRole::empfehlung: return "Empfehlung";
    case ConsultationRole::entscheidung: return "Entscheidung";
    case ConsultationRole::anhoerung: return "Anhörung";
    }
    return "?";
}

/// One event to fire: the union of the payloads, typed, with how a by-name fire spells them.
struct PaperEv {
    std::string name;
    std::string organization;              // schedule (optional), refer
    std::optional<ConsultationRole> role;  // schedule, refer
    std::string role_text;                 // how the payload spells the role: an alias, any case
    long meeting_day = 0;                  // schedule
    bool german_date = false;              // meeting_date written 06.02.2025
    std::string agenda_item, skip_reason;  // schedule
    std::string urgent_text;               // schedule: "", "true", "ja" or "false"
    std::string result;                    // acknowledge, recommend, decide, reject
    std::string answer_reference, reason, note;
    long due_day = 0;                      // answer_overdue: its due is this day's midnight
    std::string resolution, outcome;

    bool urgent() const { return urgent_text == "true" || urgent_text == "ja"; }

    /// The payload as a by-name fire gives it.
    Fields fields() const
    {
        Fields f;
        auto put = [&](const char* key, const std::string& value) {
            if (!value.empty()) f[key] = value;
        };
        if (name == "answer") put("answer_reference", answer_reference);
        if (name == "schedule") {
            put("organization", organization);
            put("role", role_text);
            f["meeting_date"] = german_date ? cal::german_date(meeting_day) : cal::iso_date(meeting_day);
            put("agenda_item", agenda_item);
            put("urgent", urgent_text);
            put("skip_reason", skip_reason);
        }
        if (name == "acknowledge" || name == "recommend" || name == "decide" || name == "reject") put("result", result);
        if (name == "refer") {
            f["organization"] = organization;
            put("role", role_text);
        }
        if (name == "withdraw") f["reason"] = reason;
        if (name == "complete") put("note", note);
        if (name == "answer_overdue") f["due"] = cal::iso_midnight(due_day);
        if (name == "attach_resolution" || name == "settle_resolution") f["resolution"] = resolution;
        if (name == "settle_resolution") f["outcome"] = outcome;
        return f;
    }

    /// The payload as the history records it: `name=value, …` in the event's field order,
    /// optional fields at their default left out, dates and names as the library writes them.
    std::string payload() const
    {
        std::string out;
        auto put = [&](const char* key, const std::string& value) {
            if (!value.empty()) out += (out.empty() ? "" : ", ") + std::string(key) + "=" + value;
        };
        if (name == "answer") put("answer_reference", answer_reference);
        if (name == "schedule") {
            put("organization", organization);
            put("meeting_date", cal::iso_date(meeting_day));
            put("agenda_item", agenda_item);
            if (role) put("role", role_name(*role));
            if (urgent()) put("urgent", "true");
            put("skip_reason", skip_reason);
        }
        if (name == "acknowledge" || name == "recommend" || name == "decide" || name == "reject") put("result", result);
        if (name == "refer") {
            put("organization", organization);
            if (role) put("role", role_name(*role));
        }
        if (name == "withdraw") put("reason", reason);
        if (name == "complete") put("note", note);
        if (name == "answer_overdue") put("due", cal::iso_midnight(due_day));
        if (name == "attach_resolution" || name == "settle_resolution") put("resolution", resolution);
        if (name == "settle_resolution") put("outcome", outcome);
        return out;
    }
};

/// The paper lifecycle as plain code: the state, the paper as its events leave it, the history.
struct PaperModel {
    std::string state = "draft";
    /// Days a paper must arrive before the meeting: 14 for papers of members, 7 (Ladungsfrist)
    /// for the Verwaltung's, under the default rules.
    long deadline = 14;
    /// The paper, every field as the engine must hold it.
    Paper data;
    std::vector<Entry> log;
    long submitted_day = 0;

    explicit PaperModel(Paper created) : data(std::move(created))
    {
        deadline = data.type == PaperType::beschlussvorlage ? 7 : 14;
    }

    bool anfrage() const { return data.type == PaperType::anfrage; }
    /// The first day on which the answer is overdue (the answer period is 28 days): the day
    /// after the 28th.
    long answer_overdue_day() const { return submitted_day + 29; }
    bool waiting_for_answer() const
    {
        return (state == "submitted" || state == "on_agenda") && anfrage() && !data.answered_at &&
               !data.answer_overdue_at;
    }
    bool answer_overdue_allowed(long today) const { return waiting_for_answer() && today >= answer_overdue_day(); }
    std::size_t open_resolutions() const
    {
        return static_cast<std::size_t>(std::count_if(data.resolutions.begin(), data.resolutions.end(),
                                                      [](const ResolutionLink& r) { return r.outcome.empty(); }));
    }
    std::optional<std::size_t> next_planned(const std::string& org = {}) const
    {
        for (std::size_t i = 0; i < data.consultations.size(); ++i)
            if (data.consultations[i].status == ConsultationStatus::planned &&
                (org.empty() || data.consultations[i].organization == org))
                return i;
        return std::nullopt;
    }
    static bool decides(const Consultation& c) { return c.authoritative || c.role == ConsultationRole::entscheidung; }
    bool current_decides() const { return decides(data.consultations[*data.current_consultation]); }
    /// Closes the consultation on the agenda with @p result; returns a copy of it.
    Consultation close_current(const std::string& result)
    {
        Consultation& c = data.consultations[*data.current_consultation];
        c.status = ConsultationStatus::treated;
        c.result = result;
        data.current_consultation.reset();
        return c;
    }
    /// Plans @p c again right after @p index: without meeting, agenda item, result or source.
    void plan_after(std::size_t index, Consultation c)
    {
        c.status = ConsultationStatus::planned;
        c.meeting_date.reset();
        c.agenda_item.clear();
        c.result.clear();
        c.source_id.clear();
        data.consultations.insert(data.consultations.begin() + static_cast<long>(index) + 1, c);
    }

    std::set<std::string> allowed(long today) const
    {
        std::set<std::string> out;
        if (state == "draft") out = {"submit", "withdraw"};
        if (state == "submitted") out = anfrage() ? std::set<std::string>{"answer", "schedule", "withdraw"}
                                                  : std::set<std::string>{"schedule", "withdraw"};
        if (state == "answered") out = {"schedule", "withdraw"};
        if (state == "on_agenda") {
            out = {"acknowledge", "recommend", "postpone", "refer", "withdraw"};
            if (current_decides()) out.insert({"decide", "reject"});
        }
        if (state == "decided") {
            out = {"attach_resolution"};
            out.insert(open_resolutions() == 0 ? "complete" : "settle_resolution");
        }
        if (answer_overdue_allowed(today)) out.insert("answer_overdue");
        return out;
    }

    /// The time-triggered rows due some time: answer_overdue while an Anfrage waits for its answer.
    std::vector<Timer> timers() const
    {
        if (!waiting_for_answer()) return {};
        return {Timer{"answer_overdue", midnight(answer_overdue_day()),
                      Fields{{"due", cal::iso_midnight(answer_overdue_day())}}}};
    }

    /// Applies @p e as the engine must, fired at @p now by @p actor; an applied one is logged.
    Outcome apply(const PaperEv& e, Timestamp now, const Actor& actor)
    {
        const std::string from = state;
        const Outcome o = rules(e, now);
        if (o == Outcome::applied) log.push_back({e.name, from, state, actor, now, e.payload()});
        return o;
    }

private:
    Outcome rules(const PaperEv& e, Timestamp now)
    {
        const long today = day_of(now);
        if (e.name == "answer_overdue") {
            if (state != "submitted" && state != "on_agenda") return Outcome::not_allowed;
            if (!answer_overdue_allowed(today) || e.due_day != answer_overdue_day()) return Outcome::guard;
            data.answer_overdue_at = now;
            return Outcome::applied;
        }
        if (e.name == "attach_resolution" || e.name == "settle_resolution") {
            if (state != "decided") return Outcome::not_allowed;
            auto it = std::find_if(data.resolutions.begin(), data.resolutions.end(),
                                   [&](const ResolutionLink& r) { return r.id == e.resolution; });
            if (e.name == "attach_resolution") {
                if (it != data.resolutions.end()) return Outcome::guard;
                data.resolutions.push_back({e.resolution, ""});
                return Outcome::applied;
            }
            if (it == data.resolutions.end() || !it->outcome.empty()) return Outcome::guard;
            if (e.outcome != "done" && e.outcome != "dropped") return Outcome::guard;
            it->outcome = e.outcome;
            if (open_resolutions() == 0) {
                // The last one settled completes the paper, with a note that lists them all.
                state = "completed";
                data.completed_at = now;
                data.completion_note = "Beschlusskontrolle: ";
                for (std::size_t i = 0; i < data.resolutions.size(); ++i)
                    data.completion_note += (i ? ", " : "") + data.resolutions[i].id + " " +
                                            (data.resolutions[i].outcome == "done" ? "erledigt" : "entfallen");
            }
            return Outcome::applied;
        }
        const bool open = state == "draft" || state == "submitted" || state == "answered" || state == "on_agenda";
        if (e.name == "withdraw") {
            if (!open) return Outcome::not_allowed;
            data.withdrawal_reason = e.reason;
            if (data.current_consultation) close_current("zurückgezogen");
            state = "withdrawn";
            return Outcome::applied;
        }
        if (e.name == "submit") {
            if (state != "draft") return Outcome::not_allowed;
            submitted_day = today;
            data.submitted_at = now;
            state = "submitted";
            return Outcome::applied;
        }
        if (e.name == "answer") {
            if (state != "submitted") return Outcome::not_allowed;
            if (!anfrage()) return Outcome::guard;
            data.answered_at = now;
            data.answer_reference = e.answer_reference;
            auto& related = data.related_papers;
            if (std::find(related.begin(), related.end(), e.answer_reference) == related.end())
                related.push_back(e.answer_reference);
            state = "answered";
            return Outcome::applied;
        }
        if (e.name == "schedule") return schedule(e, now);
        if (state == "decided" && e.name == "complete") {
            if (open_resolutions() > 0) return Outcome::guard;
            data.completed_at = now;
            data.completion_note = e.note;
            state = "completed";
            return Outcome::applied;
        }
        if (state != "on_agenda" || e.name == "complete") return Outcome::not_allowed;
        const std::size_t index = *data.current_consultation;
        auto result = [&](const char* by_default) { return e.result.empty() ? std::string(by_default) : e.result; };
        if (e.name == "acknowledge") {
            const bool more = next_planned().has_value();
            close_current(result("zur Kenntnis genommen"));
            state = more ? data.waiting_state : "acknowledged";
        } else if (e.name == "recommend") {
            close_current(result("empfohlen"));
            state = data.waiting_state;
        } else if (e.name == "decide" || e.name == "reject") {
            if (!current_decides()) return Outcome::guard;
            close_current(result(e.name == "decide" ? "beschlossen" : "abgelehnt"));
            if (e.name == "decide") data.decided_at = now;
            state = e.name == "decide" ? "decided" : "rejected";
        } else if (e.name == "postpone") {
            plan_after(index, close_current("vertagt"));
            state = data.waiting_state;
        } else if (e.name == "refer") {
            // A deciding consultation that refers keeps its place after the one referred to.
            const Consultation referring = close_current("verwiesen an " + e.organization);
            if (decides(referring)) plan_after(index, referring);
            plan_after(index, Consultation{e.organization, e.role.value_or(ConsultationRole::vorberatung), false});
            state = data.waiting_state;
        } else {
            return Outcome::not_allowed;
        }
        return Outcome::applied;
    }

    Outcome schedule(const PaperEv& e, Timestamp)
    {
        if (state != "submitted" && state != "answered") return Outcome::not_allowed;
        auto index = next_planned(e.organization);
        if (!index && (e.organization.empty() || !e.role)) return Outcome::guard;
        // The Beratungsfolge in order, unless the event gives a reason to skip it.
        if (next_planned() && (!index || next_planned() < index) && e.skip_reason.empty()) return Outcome::guard;
        const long days = e.meeting_day - submitted_day;
        if (days < 0 || (!e.urgent() && days < deadline)) return Outcome::guard;
        if (!index) {
            index = data.consultations.size();
            data.consultations.push_back(Consultation{e.organization, *e.role, false});
        }
        Consultation& c = data.consultations[*index];
        if (e.role) c.role = *e.role;
        c.status = ConsultationStatus::scheduled;
        c.meeting_date = Date{date::days{e.meeting_day}};
        c.agenda_item = e.agenda_item;
        data.current_consultation = index;
        data.waiting_state = state;
        state = "on_agenda";
        return Outcome::applied;
    }
};

/// Every field of paper @p got is as the model's @p want.
inline void expect_paper(const Paper& got, const Paper& want)
{
    ASSERT_EQ(got.reference, want.reference);
    ASSERT_EQ(got.type, want.type);
    ASSERT_EQ(got.title, want.title);
    ASSERT_SAME_TIME(got.date, want.date);
    ASSERT_EQ(got.originator, want.originator);
    ASSERT_EQ(got.body, want.body);
    ASSERT_EQ(got.related_papers, want.related_papers);
    ASSERT_EQ(got.type_name, want.type_name);
    ASSERT_EQ(got.source.id, want.source.id);
    ASSERT_EQ(got.source.system, want.source.system);
    ASSERT_EQ(got.source.oparl_version, want.source.oparl_version);
    ASSERT_SAME_TIME(got.source.modified, want.source.modified);
    ASSERT_EQ(got.consultations.size(), want.consultations.size());
    for (std::size_t i = 0; i < want.consultations.size(); ++i) {
        SCOPED_TRACE("consultation " + std::to_string(i + 1));
        const Consultation& g = got.consultations[i];
        const Consultation& w = want.consultations[i];
        ASSERT_EQ(g.organization, w.organization);
        ASSERT_EQ(role_name(g.role), role_name(w.role));
        ASSERT_EQ(g.authoritative, w.authoritative);
        ASSERT_EQ(static_cast<int>(g.status), static_cast<int>(w.status));
        ASSERT_SAME_TIME(g.meeting_date, w.meeting_date);
        ASSERT_EQ(g.agenda_item, w.agenda_item);
        ASSERT_EQ(g.result, w.result);
        ASSERT_EQ(g.source_id, w.source_id);
    }
    ASSERT_SAME_TIME(got.submitted_at, want.submitted_at);
    ASSERT_SAME_TIME(got.answered_at, want.answered_at);
    ASSERT_EQ(got.answer_reference, want.answer_reference);
    ASSERT_EQ(got.current_consultation, want.current_consultation);
    ASSERT_EQ(got.waiting_state, want.waiting_state);
    ASSERT_SAME_TIME(got.decided_at, want.decided_at);
    ASSERT_SAME_TIME(got.completed_at, want.completed_at);
    ASSERT_EQ(got.completion_note, want.completion_note);
    ASSERT_EQ(got.withdrawal_reason, want.withdrawal_reason);
    ASSERT_SAME_TIME(got.answer_overdue_at, want.answer_overdue_at);
    ASSERT_EQ(got.resolutions.size(), want.resolutions.size());
    for (std::size_t i = 0; i < want.resolutions.size(); ++i) {
        ASSERT_EQ(got.resolutions[i].id, want.resolutions[i].id) << "resolution " << i + 1;
        ASSERT_EQ(got.resolutions[i].outcome, want.resolutions[i].outcome) << "resolution " << i + 1;
    }
}

}  // namespace paper_reference
