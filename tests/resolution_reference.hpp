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

/// One entry of an instance's history as the model expects it.
struct Entry {
    std::string event, from, to, payload;
    Timestamp at{};
};

/// One event to fire on a resolution: the union of the six payloads.
struct Ev {
    std::string name;
    std::string text;                 // start's and complete's note, report's text, extend's and drop's reason
    std::string delay_reason;         // report_progress
    std::optional<Date> date;         // report_progress's new_due, extend's due
    std::optional<Timestamp> ends;    // became_overdue's due
    bool german_date = false, offset_time = false;  // how the by-name payload spells them
};

/// The resolution lifecycle as plain code.
struct RefResolution {
    std::string id;
    std::size_t paper = 0;
    std::string state = "open";
    Date due{}, original_due{};
    std::vector<std::pair<std::optional<Date>, std::string>> reports;  // new_due, delay_reason
    std::vector<std::pair<Date, Date>> extensions;                     // from, to
    std::optional<Date> overdue_for;
    std::optional<Timestamp> started_at, overdue_since, done_at, dropped_at;
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

    Outcome apply(const Ev& e, Timestamp now)
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
            reports.push_back({e.date, e.delay_reason});
            if (e.date) due = *e.date;
            state = "in_progress";
            payload = "text=" + e.text;
            if (!e.delay_reason.empty()) payload += ", delay_reason=" + e.delay_reason;
            if (e.date) payload += ", new_due=" + iso(*e.date);
        } else if (e.name == "extend") {
            if (*e.date == due) return refuse("extend: the same due date");
            if (*e.date < today) return refuse("extend: a past due date");
            extensions.push_back({due, *e.date});
            due = *e.date;
            payload = "due=" + iso(*e.date) + ", reason=" + e.text;
        } else if (e.name == "complete") {
            state = "done";
            done_at = now;
            payload = "note=" + e.text;
        } else if (e.name == "drop") {
            state = "dropped";
            dropped_at = now;
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
        log.push_back({e.name, from, state, payload, now});
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
    std::vector<Entry> log;                                  // after submit, schedule and decide

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
        log.push_back({"settle_resolution", state, to, "resolution=" + id + ", outcome=" + outcome, now});
        state = to;
    }
    Outcome complete(const std::string& note, Timestamp now)
    {
        if (state != "decided") return Outcome::not_allowed;
        if (!open().empty()) return Outcome::guard;
        log.push_back({"complete", "decided", "completed", note.empty() ? "" : "note=" + note, now});
        state = "completed";
        return Outcome::applied;
    }
};

}  // namespace resolution_reference
