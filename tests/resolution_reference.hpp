// The resolution lifecycle (Beschlusskontrolle) and its papers as plain code, for the random
// walk (resolution_random_test.cpp): written from the rules, without MSM and without the
// library's date helpers, so that a bug in either is not mirrored.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <kimflow/resolution/resolution_engine.hpp>
#include <kimflow/resolution/status.hpp>

#include "history_reference.hpp"
#include "outcome.hpp"
#include "paper_fixture.hpp"

namespace resolution_reference {

using namespace paper_test;

/// The walk's days of "due soon": not the default (14), so that a rule that forgets the
/// configuration shows.
inline constexpr int kDueSoonDays = 10;

// ---- the model's own calendar: sys_days arithmetic, no library helpers -------------------

inline Date day_of(Timestamp t) { return date::floor<date::days>(t); }
inline Timestamp midnight(Date d) { return std::chrono::time_point_cast<std::chrono::microseconds>(d); }
inline std::string iso(Date d) { return date::format("%F", d); }
inline std::string german(Date d) { return date::format("%d.%m.%Y", d); }
inline std::string iso(Timestamp t) { return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t)); }

using history_reference::Entry;

/// The actors the walk fires with: the Verwaltung reports on and carries out a resolution,
/// the Sitzungsdienst extends and drops it, the tick (`system`) records it overdue and
/// ResolutionEngine keeps the papers in step as `system`.
inline const Actor& actor_for(const std::string& event)
{
    static const Actor system = system_actor();
    if (event == "became_overdue" || event == "attach_resolution" || event == "settle_resolution") return system;
    return event == "extend" || event == "drop" ? sitzungsdienst : verwaltung;
}

/// One event to fire on a resolution: the union of the six payloads.
struct Ev {
    std::string name;
    std::string text;                 // start's and complete's note, report's text, extend's and drop's reason
    std::string delay_reason;         // report_progress
    std::optional<Date> date;         // report_progress's new_due, extend's due
    std::optional<Timestamp> ends;    // became_overdue's due
    bool german_date = false, offset_time = false;  // how the by-name payload spells them
};

/// A Sachstandsbericht as the model expects it.
struct RefReport {
    Timestamp at{};
    std::string text, delay_reason;
    std::optional<Date> new_due;
};

/// A due date moved by `extend`, as the model expects it.
struct RefExtension {
    Timestamp at{};
    Date from{}, to{};
    std::string reason;
};

/// The resolution lifecycle as plain code.
struct RefResolution {
    std::string id;
    std::size_t paper = 0;
    /// What it was created with, and took from its paper (committee, body, day of decision).
    std::string paper_reference, office, task, committee, body;
    std::optional<Date> decided_on;
    std::string state = "open";
    Date due{}, original_due{};
    std::vector<RefReport> reports;
    std::vector<RefExtension> extensions;
    std::optional<Date> overdue_for;
    std::optional<Timestamp> started_at, overdue_since, done_at, dropped_at;
    std::string completion_note, drop_reason;
    std::vector<Entry> log;
    /// Which rule refused the last event its guard refused (for the walk's coverage).
    std::string refused_by;

    bool to_carry_out() const { return state == "open" || state == "in_progress"; }
    /// The start of the day after the due date.
    Timestamp due_ends() const { return midnight(due + date::days{1}); }
    bool overdue_timer_due(Timestamp now) const
    {
        return to_carry_out() && overdue_for != due && now >= due_ends();
    }
    std::string status(Date today) const
    {
        if (state == "done") return "done";
        if (state == "dropped") return "dropped";
        if (today > due) return "overdue";
        if ((due - today).count() < kDueSoonDays) return "due_soon";
        return "on_time";
    }
    /// The events allowed now: became_overdue only once it is due (its payload is not asked).
    std::set<std::string> allowed(Timestamp now) const
    {
        std::set<std::string> out;
        if (state == "open") out = {"start", "report_progress", "extend", "complete", "drop"};
        if (state == "in_progress") out = {"report_progress", "extend", "complete", "drop"};
        if (overdue_timer_due(now)) out.insert("became_overdue");
        return out;
    }

    Outcome refuse(const char* rule)
    {
        refused_by = rule;
        return Outcome::guard;
    }

    Outcome apply(const Ev& e, Timestamp now, const Actor& actor)
    {
        const Date today = day_of(now);
        if (!to_carry_out()) return Outcome::not_allowed;
        const std::string from = state;
        std::string payload;
        if (e.name == "start") {
            if (state != "open") return Outcome::not_allowed;
            if (!started_at) started_at = now;
            state = "in_progress";
            payload = e.text.empty() ? "" : "note=" + e.text;
        } else if (e.name == "report_progress") {
            if (e.date) {
                if (*e.date == due) return refuse("report: the same due date");
                if (*e.date < today) return refuse("report: a past due date");
                if (*e.date > due && e.delay_reason.empty()) return refuse("report: later without delay_reason");
            }
            if (!started_at) started_at = now;
            reports.push_back({now, e.text, e.delay_reason, e.date});
            if (e.date) due = *e.date;
            state = "in_progress";
            payload = "text=" + e.text;
            if (!e.delay_reason.empty()) payload += ", delay_reason=" + e.delay_reason;
            if (e.date) payload += ", new_due=" + iso(*e.date);
        } else if (e.name == "extend") {
            if (*e.date == due) return refuse("extend: the same due date");
            if (*e.date < today) return refuse("extend: a past due date");
            extensions.push_back({now, due, *e.date, e.text});
            due = *e.date;
            payload = "due=" + iso(*e.date) + ", reason=" + e.text;
        } else if (e.name == "complete") {
            state = "done";
            done_at = now;
            completion_note = e.text;
            payload = "note=" + e.text;
        } else if (e.name == "drop") {
            state = "dropped";
            dropped_at = now;
            drop_reason = e.text;
            payload = "reason=" + e.text;
        } else if (e.name == "became_overdue") {
            if (overdue_for == due) return refuse("became_overdue: twice for a due date");
            if (*e.ends != due_ends()) return refuse("became_overdue: a wrong due");
            if (now < due_ends()) return refuse("became_overdue: too early");
            overdue_for = due;
            overdue_since = now;
            payload = "due=" + iso(*e.ends);
        } else {
            ADD_FAILURE() << "unknown event " << e.name;
            return Outcome::not_allowed;
        }
        log.push_back({e.name, from, state, actor, now, payload});
        return Outcome::applied;
    }
};

/// A decided paper as the model sees it: its links to resolutions.
struct RefPaper {
    std::string reference;
    std::string state = "decided";
    Timestamp decided_at{};
    int planned = 0, attempted = 0;  // resolutions to create, creations tried
    std::vector<std::pair<std::string, std::string>> links;  // resolution id, outcome ("" while open)
    std::optional<Timestamp> completed_at;
    std::string completion_note;
    std::vector<Entry> log;  // from submit on

    std::vector<std::string> open() const
    {
        std::vector<std::string> out;
        for (const auto& [id, outcome] : links)
            if (outcome.empty()) out.push_back(id);
        return out;
    }
    void settle(const std::string& id, const std::string& outcome, Timestamp now)
    {
        for (auto& link : links)
            if (link.first == id) link.second = outcome;
        const std::string to = open().empty() ? "completed" : "decided";
        log.push_back({"settle_resolution", state, to, actor_for("settle_resolution"), now,
                       "resolution=" + id + ", outcome=" + outcome});
        state = to;
        if (to != "completed") return;
        // The last one settled completes the paper, with a note that lists them all.
        completed_at = now;
        completion_note = "Beschlusskontrolle: ";
        for (std::size_t i = 0; i < links.size(); ++i)
            completion_note +=
                (i ? ", " : "") + links[i].first + " " + (links[i].second == "done" ? "erledigt" : "entfallen");
    }
    Outcome complete(const std::string& note, Timestamp now)
    {
        if (state != "decided") return Outcome::not_allowed;
        if (!open().empty()) return Outcome::guard;
        log.push_back({"complete", "decided", "completed", actor_for("complete"), now, note.empty() ? "" : "note=" + note});
        state = "completed";
        completed_at = now;
        completion_note = note;
        return Outcome::applied;
    }
};

/// Everything the model predicts about resolution @p m (every field, the status, the events
/// allowed), against the engine.
inline void expect_resolution(const kimflow::resolution::ResolutionEngine& resolutions, const RefResolution& m,
                              Timestamp now)
{
    namespace res = kimflow::resolution;
    SCOPED_TRACE("resolution " + m.id);
    const Date today = day_of(now);
    const auto view = resolutions.engine().view(m.id);
    const res::Resolution& r = view.data;
    ASSERT_EQ(view.state(), m.state);
    ASSERT_EQ(view.version, m.log.size());
    ASSERT_EQ(r.paper, m.paper_reference);
    ASSERT_EQ(r.office, m.office);
    ASSERT_EQ(r.task, m.task);
    ASSERT_EQ(r.committee, m.committee);
    ASSERT_EQ(r.body, m.body);
    ASSERT_SAME_TIME(r.decided_on, m.decided_on);
    ASSERT_SAME_TIME(r.due, m.due);
    ASSERT_SAME_TIME(r.original_due, std::optional<Date>(m.original_due));
    ASSERT_EQ(r.reports.size(), m.reports.size());
    for (std::size_t i = 0; i < m.reports.size(); ++i) {
        SCOPED_TRACE("report " + std::to_string(i + 1));
        ASSERT_SAME_TIME(r.reports[i].at, m.reports[i].at);
        ASSERT_EQ(r.reports[i].text, m.reports[i].text);
        ASSERT_EQ(r.reports[i].delay_reason, m.reports[i].delay_reason);
        ASSERT_SAME_TIME(r.reports[i].new_due, m.reports[i].new_due);
    }
    ASSERT_EQ(r.extensions.size(), m.extensions.size());
    for (std::size_t i = 0; i < m.extensions.size(); ++i) {
        SCOPED_TRACE("extension " + std::to_string(i + 1));
        ASSERT_SAME_TIME(r.extensions[i].at, m.extensions[i].at);
        ASSERT_SAME_TIME(r.extensions[i].from, m.extensions[i].from);
        ASSERT_SAME_TIME(r.extensions[i].to, m.extensions[i].to);
        ASSERT_EQ(r.extensions[i].reason, m.extensions[i].reason);
    }
    ASSERT_SAME_TIME(r.overdue_for, m.overdue_for);
    ASSERT_SAME_TIME(r.overdue_since, m.overdue_since);
    ASSERT_SAME_TIME(r.started_at, m.started_at);
    ASSERT_SAME_TIME(r.done_at, m.done_at);
    ASSERT_EQ(r.completion_note, m.completion_note);
    ASSERT_SAME_TIME(r.dropped_at, m.dropped_at);
    ASSERT_EQ(r.drop_reason, m.drop_reason);
    ASSERT_EQ(to_string(res::status_at(r, view.state(), today, resolutions.engine().config())), m.status(today))
        << "on " << iso(today) << ", due " << iso(m.due);
    const std::set<std::string> allowed(view.allowed_events.begin(), view.allowed_events.end());
    ASSERT_EQ(allowed, m.allowed(now));
}

/// Everything the model predicts about decided paper @p m (its links to resolutions, its
/// completion, the events allowed), against the engine.
inline void expect_paper(const PaperEngine& papers, const RefPaper& m)
{
    SCOPED_TRACE("paper " + m.reference);
    const auto view = papers.view(m.reference);
    ASSERT_EQ(view.state(), m.state);
    ASSERT_EQ(view.version, m.log.size());
    ASSERT_SAME_TIME(view.data.decided_at, std::optional<Timestamp>(m.decided_at));
    ASSERT_SAME_TIME(view.data.completed_at, m.completed_at);
    ASSERT_EQ(view.data.completion_note, m.completion_note);
    ASSERT_EQ(view.data.resolutions.size(), m.links.size());
    std::vector<std::string> open;
    for (std::size_t i = 0; i < m.links.size(); ++i) {
        ASSERT_EQ(view.data.resolutions[i].id, m.links[i].first);
        ASSERT_EQ(view.data.resolutions[i].outcome, m.links[i].second);
        if (view.data.resolutions[i].open()) open.push_back(view.data.resolutions[i].id);
    }
    ASSERT_EQ(open, m.open());
    ASSERT_EQ(view.data.open_resolutions(), m.open().size());
    const auto& allowed = view.allowed_events;
    const bool may_complete = std::find(allowed.begin(), allowed.end(), "complete") != allowed.end();
    ASSERT_EQ(may_complete, m.state == "decided" && m.open().empty());
}

/// Everything the model predicts about every resolution and paper of a walk, against the engines.
inline void expect_agreement(const kimflow::resolution::ResolutionEngine& resolutions, const PaperEngine& papers,
                             const std::vector<RefResolution>& model_resolutions,
                             const std::vector<RefPaper>& model_papers, Timestamp now)
{
    for (const RefResolution& m : model_resolutions) ASSERT_NO_FATAL_FAILURE(expect_resolution(resolutions, m, now));
    for (const RefPaper& m : model_papers) ASSERT_NO_FATAL_FAILURE(expect_paper(papers, m));
}

/// The histories of resolution @p m and of its paper, whole.
inline void expect_histories_of(const kimflow::resolution::ResolutionEngine& resolutions, const PaperEngine& papers,
                                const RefResolution& m, const RefPaper& paper)
{
    {
        SCOPED_TRACE("history of " + m.id);
        ASSERT_NO_FATAL_FAILURE(history_reference::expect_history(resolutions.engine().history(m.id), m.log));
    }
    SCOPED_TRACE("history of " + paper.reference);
    ASSERT_NO_FATAL_FAILURE(history_reference::expect_history(papers.history(paper.reference), paper.log));
}

/// Every history of a walk, whole.
inline void expect_histories(const kimflow::resolution::ResolutionEngine& resolutions, const PaperEngine& papers,
                             const std::vector<RefResolution>& model_resolutions,
                             const std::vector<RefPaper>& model_papers)
{
    for (const RefResolution& m : model_resolutions) {
        SCOPED_TRACE("history of " + m.id);
        ASSERT_NO_FATAL_FAILURE(history_reference::expect_history(resolutions.engine().history(m.id), m.log));
    }
    for (const RefPaper& m : model_papers) {
        SCOPED_TRACE("history of " + m.reference);
        ASSERT_NO_FATAL_FAILURE(history_reference::expect_history(papers.history(m.reference), m.log));
    }
}

}  // namespace resolution_reference
