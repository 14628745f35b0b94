// The KIM case lifecycle as plain code, for the random walk (kim_random_test.cpp): its two
// regions, every field of the case its events record, its timers and the history entries they
// leave. Written from the rules without MSM, and without the library's helpers that are under
// test with it: the reopen window counts months with the walk's own calendar
// (calendar_reference.hpp), not add_months; payloads are built and read here, not by the field
// codecs; dates are written by the walk's own ISO text.
#pragma once

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "calendar_reference.hpp"
#include "history_reference.hpp"
#include "kim_fixture.hpp"
#include "outcome.hpp"

namespace kim_reference {

using namespace kim_test;
using history_reference::Entry;
namespace cal = calendar_reference;

inline Timestamp midnight(long day) { return Timestamp{date::days{day}}; }
inline long day_of(Timestamp t) { return date::floor<date::days>(t).time_since_epoch().count(); }
inline Date date_at(long day) { return Date{date::days{day}}; }
inline long number_of(Date d) { return d.time_since_epoch().count(); }

/// How the history shows a Rechtskreis (the first of its names).
inline std::string shown(Rechtskreis r)
{
    switch (r) {
    case Rechtskreis::sgb2: return "SGB II";
    case Rechtskreis::sgb3: return "SGB III";
    case Rechtskreis::aufenthg: return "AufenthG";
    default: return "?";  // the walk refers to no other
    }
}

/// The closure reasons the walk gives, by the names payloads and the history use.
inline const std::vector<std::pair<std::string, ClosureReason>> kReasons = {
    {"goals_achieved", ClosureReason::goals_achieved},
    {"transferred_to_regular_services", ClosureReason::transferred_to_regular_services},
    {"moved_away", ClosureReason::moved_away},
    {"no_contact", ClosureReason::no_contact},
    {"not_suitable", ClosureReason::not_suitable},
    {"other", ClosureReason::other}};

inline ClosureReason reason_named(const std::string& name)
{
    for (const auto& [text, value] : kReasons)
        if (text == name) return value;
    ADD_FAILURE() << "unknown reason " << name;
    return ClosureReason::other;
}

/// One event to fire: the union of the payloads, typed, with how a by-name fire spells them.
struct CaseEv {
    std::string name;
    std::vector<std::string> recipients;  // grant_consent, extend_consent
    std::string purpose;                  // grant_consent, extend_consent (optional there)
    std::string recipient;                // narrow_consent, refer, complete_referral
    Rechtskreis rechtskreis = Rechtskreis::other;
    std::string rechtskreis_text;         // how the payload spells it (an alias such as SGB2)
    std::string text;                     // add_goal's goal, pause's reason; decline's, close's, abort's note
    std::string reason;                   // close, abort
    std::string traeger, manager;         // assign
    long date = 0;                        // follow_up; follow_up_done by date
    bool by_date = false;                 // follow_up_done names a date (and subject), not a number
    std::string subject;                  // follow_up; follow_up_done by date
    std::size_t number = 0;               // follow_up_done, follow_up_due
    std::string due;                      // follow_up_due, as given

    static std::string list(const std::vector<std::string>& v)
    {
        std::string out;
        for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
        return out;
    }

    /// The payload as a by-name fire gives it.
    Fields fields() const
    {
        Fields f;
        auto put = [&](const char* key, const std::string& value) {
            if (!value.empty()) f[key] = value;
        };
        if (name == "grant_consent" || name == "extend_consent") {
            f["recipients"] = list(recipients);
            put("purpose", purpose);
        }
        if (name == "narrow_consent") f["recipient"] = recipient;
        if (name == "refer" || name == "complete_referral")
            f = {{"recipient", recipient}, {"rechtskreis", rechtskreis_text}};
        if (name == "add_goal") f["goal"] = text;
        if (name == "pause") f["reason"] = text;
        if (name == "close" || name == "abort") f["reason"] = reason;
        if (name == "decline" || name == "close" || name == "abort") put("note", text);
        if (name == "assign") {
            put("traeger", traeger);
            put("manager", manager);
        }
        if (name == "follow_up" || (name == "follow_up_done" && by_date)) {
            f["date"] = cal::iso_date(date);
            put("subject", subject);
        }
        if ((name == "follow_up_done" && !by_date) || name == "follow_up_due") f["number"] = std::to_string(number);
        if (name == "follow_up_due") f["due"] = due;
        return f;
    }

    /// The payload as the history records it: `name=value, …` in the event's field order,
    /// optional fields at their default left out. @p due_as_recorded: follow_up_due's due time
    /// as the model reads it.
    std::string payload(const std::string& due_as_recorded = {}) const
    {
        std::string out;
        auto put = [&](const char* key, const std::string& value) {
            if (!value.empty()) out += (out.empty() ? "" : ", ") + std::string(key) + "=" + value;
        };
        if (name == "grant_consent" || name == "extend_consent") {
            put("recipients", list(recipients));
            put("purpose", purpose);
        }
        if (name == "narrow_consent") put("recipient", recipient);
        if (name == "refer" || name == "complete_referral") {
            put("recipient", recipient);
            put("rechtskreis", shown(rechtskreis));
        }
        if (name == "add_goal") put("goal", text);
        if (name == "pause") put("reason", text);
        if (name == "close" || name == "abort") put("reason", reason);
        if (name == "decline" || name == "close" || name == "abort") put("note", text);
        if (name == "assign") {
            put("traeger", traeger);
            put("manager", manager);
        }
        if (name == "follow_up_done" && !by_date) put("number", std::to_string(number));
        if (name == "follow_up" || (name == "follow_up_done" && by_date)) {
            put("date", cal::iso_date(date));
            put("subject", subject);
        }
        if (name == "follow_up_due") {
            put("number", std::to_string(number));
            put("due", due_as_recorded);
        }
        return out;
    }
};

const std::vector<std::string> kWorkingPhases = {"intake", "assessment", "planning", "linking", "monitoring", "evaluation"};

/// The case lifecycle as plain code: both regions, the case as its events leave it, the history.
struct CaseModel {
    /// CaseConfig::reopen_window_months of the walk's engine.
    int reopen_months = 12;
    std::string phase = "intake";
    std::string consent = "none";
    /// The case, every field as the engine must hold it.
    KimCase data;
    std::vector<Entry> log;
    long closed_day = 0;

    /// The case as open_case() leaves it: opened in intake, history entry 1.
    CaseModel(int months, const Open& open, Timestamp now, const Actor& actor) : reopen_months(months)
    {
        data.kommune = open.kommune;
        data.kreis = open.kreis;
        data.traeger = open.traeger.empty() ? open.kommune : open.traeger;
        data.manager = open.manager;
        data.phases.push_back({"intake", now, std::nullopt});
        std::string payload = "kommune=" + open.kommune;
        for (const auto& [key, value] : {std::pair{"traeger", open.traeger}, std::pair{"manager", open.manager},
                                         std::pair{"kreis", open.kreis}})
            if (!value.empty()) payload += ", " + std::string(key) + "=" + value;
        log.push_back({"open", "new", "intake", actor, now, payload});
    }

    bool open() const { return phase != "closed" && phase != "aborted"; }
    bool working() const { return std::count(kWorkingPhases.begin(), kWorkingPhases.end(), phase) > 0; }
    bool names(const std::string& r) const
    {
        const auto& v = data.consent.recipients;
        return std::find(v.begin(), v.end(), r) != v.end();
    }
    bool referral_open(const std::string& recipient, std::optional<Rechtskreis> rk = std::nullopt) const
    {
        return std::any_of(data.referrals.begin(), data.referrals.end(), [&](const Referral& r) {
            return !r.completed_at && r.recipient == recipient && (!rk || r.rechtskreis == *rk);
        });
    }
    bool any_referral_open() const
    {
        return std::any_of(data.referrals.begin(), data.referrals.end(), [](const Referral& r) { return !r.completed_at; });
    }
    bool any_follow_up_open() const
    {
        return std::any_of(data.follow_ups.begin(), data.follow_ups.end(), [](const FollowUp& f) { return !f.done_at; });
    }
    bool any_follow_up_due(long today) const
    {
        return std::any_of(data.follow_ups.begin(), data.follow_ups.end(), [&](const FollowUp& f) {
            return !f.done_at && !f.fell_due_at && number_of(f.date) <= today;
        });
    }
    /// The last day on which a closed case may be reopened: the day of its closure, so many
    /// calendar months on (clamped to the month's end).
    long last_reopen_day() const { return cal::plus_months(closed_day, reopen_months); }
    bool may_reopen(long today) const { return phase == "closed" && today <= last_reopen_day(); }

    std::set<std::string> allowed(long today) const
    {
        std::set<std::string> out;
        if (open() && consent != "withdrawn") {
            out.insert({"grant_consent", "assign", "follow_up"});
            if (any_follow_up_open()) out.insert("follow_up_done");
            if (any_follow_up_due(today)) out.insert("follow_up_due");
        }
        if (open() && consent == "granted") {
            out.insert({"withdraw_consent", "extend_consent"});
            if (data.consent.recipients.size() > 1) out.insert("narrow_consent");
            if (any_referral_open()) out.insert("complete_referral");
        }
        if (working()) out.insert({"pause", "abort"});
        if (phase == "intake") {
            out.insert("decline");
            if (consent == "granted") out.insert("accept");
        }
        if (phase == "assessment") out.insert("complete_assessment");
        if (phase == "planning") {
            out.insert("add_goal");
            if (!data.goals.empty()) out.insert("agree_plan");
        }
        if (phase == "linking") {
            out.insert("refer");
            if (!data.referrals.empty()) out.insert("start_monitoring");
        }
        if (phase == "monitoring") out.insert({"refer", "evaluate"});
        if (phase == "evaluation") out.insert({"replan", "close"});
        if (phase == "paused") out.insert({"resume", "abort"});
        if (may_reopen(today)) out.insert("reopen");
        return out;
    }

    /// follow_up_due for each open Wiedervorlage whose falling due is not recorded, earliest first.
    std::vector<Timer> timers() const
    {
        std::vector<Timer> out;
        if (!open()) return out;
        for (std::size_t i = 0; i < data.follow_ups.size(); ++i) {
            const FollowUp& f = data.follow_ups[i];
            if (f.done_at || f.fell_due_at) continue;
            const long day = number_of(f.date);
            out.push_back({"follow_up_due", midnight(day),
                           Fields{{"number", std::to_string(i + 1)}, {"due", cal::iso_midnight(day)}}});
        }
        std::stable_sort(out.begin(), out.end(), [](const Timer& a, const Timer& b) { return a.due < b.due; });
        return out;
    }

    /// Applies @p e as the engine must, fired at @p now by @p actor; an applied one is logged
    /// with the states of the region that moved (the phase's, if it did).
    Outcome apply(const CaseEv& e, Timestamp now, const Actor& actor)
    {
        const std::string phase_before = phase, consent_before = consent;
        std::string due_as_recorded;
        const Outcome o = rules(e, now, due_as_recorded);
        if (o != Outcome::applied) return o;
        const bool consent_only = phase == phase_before && consent != consent_before;
        log.push_back({e.name, consent_only ? consent_before : phase_before, consent_only ? consent : phase, actor, now,
                       e.payload(due_as_recorded)});
        return o;
    }

private:
    void enter(const std::string& to, Timestamp now)
    {
        phase = to;
        const bool ended = to == "closed" || to == "aborted";
        data.phases.push_back({to, now, ended ? data.closure_reason : std::nullopt});
    }
    /// The case ends: the reason and note kept, what is open ended with it.
    void end(ClosureReason reason, const std::string& note, Timestamp now)
    {
        data.closure_reason = reason;
        data.note = note;
        data.paused_from.clear();
        for (FollowUp& f : data.follow_ups)
            if (!f.done_at) {
                f.done_at = now;
                f.closed_with_case = true;
            }
        for (Referral& r : data.referrals)
            if (!r.completed_at) r.completed_at = now;
    }

    // The events of the case data: the consent's recipients, referrals, Wiedervorlagen.
    Outcome case_data(const CaseEv& e, Timestamp now, std::string& due_as_recorded)
    {
        const long today = day_of(now);
        const bool needs_consent = e.name == "extend_consent" || e.name == "narrow_consent" || e.name == "complete_referral";
        if (consent == "withdrawn" || (needs_consent && consent != "granted")) return Outcome::not_allowed;
        if (!open()) return Outcome::guard;
        Consent& c = data.consent;
        if (e.name == "assign") {
            if (e.traeger.empty() && e.manager.empty()) return Outcome::guard;
            if (!e.traeger.empty()) data.traeger = e.traeger;
            if (!e.manager.empty()) data.manager = e.manager;
        } else if (e.name == "grant_consent") {
            for (const auto& r : data.referrals)  // it would drop a referred recipient
                if (!r.completed_at && std::find(e.recipients.begin(), e.recipients.end(), r.recipient) == e.recipients.end())
                    return Outcome::guard;
            consent = "granted";
            c.recipients = e.recipients;
            c.purpose = e.purpose;
            c.granted_at = now;
            c.withdrawn_at.reset();
        } else if (e.name == "extend_consent") {
            if (std::all_of(e.recipients.begin(), e.recipients.end(), [&](const std::string& r) { return names(r); }))
                return Outcome::guard;
            for (const auto& r : e.recipients)
                if (!names(r)) c.recipients.push_back(r);
            if (!e.purpose.empty()) c.purpose = e.purpose;
            c.changed_at = now;
        } else if (e.name == "narrow_consent") {
            if (c.recipients.size() < 2 || !names(e.recipient) || referral_open(e.recipient)) return Outcome::guard;
            c.recipients.erase(std::remove(c.recipients.begin(), c.recipients.end(), e.recipient), c.recipients.end());
            c.changed_at = now;
        } else if (e.name == "complete_referral") {
            if (!referral_open(e.recipient, e.rechtskreis)) return Outcome::guard;
            for (Referral& r : data.referrals)
                if (!r.completed_at && r.recipient == e.recipient && r.rechtskreis == e.rechtskreis) r.completed_at = now;
        } else if (e.name == "follow_up") {
            if (e.date < today) return Outcome::guard;
            for (const FollowUp& f : data.follow_ups)
                if (!f.done_at && number_of(f.date) == e.date && f.subject == e.subject) return Outcome::guard;
            FollowUp f;
            f.date = date_at(e.date);
            f.set_at = now;
            f.subject = e.subject;
            data.follow_ups.push_back(f);
        } else if (e.name == "follow_up_done") {
            std::optional<std::size_t> which;
            if (!e.by_date) {
                if (e.number >= 1 && e.number <= data.follow_ups.size() && !data.follow_ups[e.number - 1].done_at)
                    which = e.number - 1;
            } else {
                // By date (and subject, if given): exactly one open Wiedervorlage.
                int found = 0;
                for (std::size_t i = 0; i < data.follow_ups.size(); ++i) {
                    const FollowUp& f = data.follow_ups[i];
                    if (!f.done_at && number_of(f.date) == e.date && (e.subject.empty() || f.subject == e.subject))
                        ++found, which = i;
                }
                if (found != 1) which.reset();
            }
            if (!which) return Outcome::guard;
            data.follow_ups[*which].done_at = now;
        } else {  // follow_up_due
            const std::size_t n = e.number;
            if (!any_follow_up_due(today) || n == 0 || n > data.follow_ups.size()) return Outcome::guard;
            FollowUp& f = data.follow_ups[n - 1];
            const long day = number_of(f.date);
            if (f.done_at || f.fell_due_at || e.due != cal::iso_midnight(day) || today < day) return Outcome::guard;
            f.fell_due_at = now;
            due_as_recorded = cal::iso_midnight(day);
        }
        return Outcome::applied;
    }

    Outcome rules(const CaseEv& e, Timestamp now, std::string& due_as_recorded)
    {
        static const std::set<std::string> case_data_events{"grant_consent",  "extend_consent", "narrow_consent",
                                                            "complete_referral", "assign",      "follow_up",
                                                            "follow_up_done", "follow_up_due"};
        if (case_data_events.count(e.name)) return case_data(e, now, due_as_recorded);
        const long today = day_of(now);
        if (e.name == "withdraw_consent") {
            if (consent == "granted" && open()) {
                consent = "withdrawn";
                data.consent.withdrawn_at = now;
                end(ClosureReason::consent_withdrawn, "", now);
                enter("aborted", now);
                return Outcome::applied;
            }
            if (consent == "granted" || (consent == "none" && open())) return Outcome::guard;
            return Outcome::not_allowed;
        }
        if (e.name == "pause") {
            if (!working()) return Outcome::not_allowed;
            data.paused_from = phase;
            data.note = e.text;
            enter("paused", now);
            return Outcome::applied;
        }
        if (e.name == "abort") {
            if (!open()) return Outcome::not_allowed;
            end(reason_named(e.reason), e.text, now);
            enter("aborted", now);
            return Outcome::applied;
        }
        if (e.name == "resume") {
            if (phase != "paused") return Outcome::not_allowed;
            const std::string back = data.paused_from;
            data.paused_from.clear();
            data.note.clear();
            enter(back, now);
            return Outcome::applied;
        }
        // The rows of the phases: an event is not allowed in a phase without its row.
        static const std::vector<std::pair<std::string, std::string>> rows = {
            {"accept", "intake"},     {"decline", "intake"},          {"complete_assessment", "assessment"},
            {"add_goal", "planning"}, {"agree_plan", "planning"},     {"refer", "linking"},
            {"refer", "monitoring"},  {"start_monitoring", "linking"}, {"evaluate", "monitoring"},
            {"replan", "evaluation"}, {"close", "evaluation"},        {"reopen", "closed"}};
        if (std::none_of(rows.begin(), rows.end(), [&](const auto& r) { return r.first == e.name; }))
            ADD_FAILURE() << "unknown event " << e.name;
        if (std::find(rows.begin(), rows.end(), std::pair{e.name, phase}) == rows.end()) return Outcome::not_allowed;
        if (e.name == "accept") {
            if (consent != "granted") return Outcome::guard;
            enter("assessment", now);
        } else if (e.name == "decline" || e.name == "close") {
            end(e.name == "decline" ? ClosureReason::not_suitable : reason_named(e.reason), e.text, now);
            enter("closed", now);
            closed_day = today;
        } else if (e.name == "complete_assessment") {
            enter("planning", now);
        } else if (e.name == "add_goal") {
            data.goals.push_back(e.text);
        } else if (e.name == "agree_plan") {
            if (data.goals.empty()) return Outcome::guard;
            enter("linking", now);
        } else if (e.name == "refer") {
            if (consent != "granted" || !names(e.recipient)) return Outcome::guard;
            if (referral_open(e.recipient, e.rechtskreis)) return Outcome::guard;  // the same, still open
            data.referrals.push_back({e.recipient, e.rechtskreis, now, std::nullopt});
        } else if (e.name == "start_monitoring") {
            if (data.referrals.empty()) return Outcome::guard;
            enter("monitoring", now);
        } else if (e.name == "evaluate") {
            enter("evaluation", now);
        } else if (e.name == "replan") {
            enter("planning", now);
        } else {  // reopen
            if (!may_reopen(today)) return Outcome::guard;
            data.closure_reason.reset();
            data.note.clear();
            enter("intake", now);
        }
        return Outcome::applied;
    }
};

}  // namespace kim_reference
