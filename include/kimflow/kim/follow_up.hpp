/// @file
/// Wiedervorlage: which cases are due for follow-up at a time.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "kimflow/kim/lifecycle.hpp"

namespace kimflow::kim {

/// A case whose follow-up date has come.
struct DueFollowUp {
    /// The case's id.
    std::string case_id;
    /// Its phase (stable id).
    std::string phase;
    /// The Träger that runs it.
    std::string traeger;
    /// Its case manager.
    std::string manager;
    /// The follow-up date.
    Date due;
};

/// Open cases whose next follow-up date is on or before the day of @p at, earliest first
/// (then by case id).
inline std::vector<DueFollowUp> due_for_follow_up(const CaseEngine& engine, Timestamp at)
{
    std::vector<DueFollowUp> out;
    const Date today = date_of(at);
    // Open cases carry their next follow-up as the indexed due day.
    InstanceQuery due;
    due.due_before = today + date::days{1};
    for (const auto& id : engine.find(due))
        engine.visit(id, [&](const Instance<CaseLifecycle>& in) {
            const KimCase& c = in.data();
            out.push_back({in.id(), std::string(in.state()), c.traeger, c.manager, *c.next_follow_up()});
            return 0;
        });
    std::sort(out.begin(), out.end(), [](const DueFollowUp& a, const DueFollowUp& b) {
        return a.due != b.due ? a.due < b.due : a.case_id < b.case_id;
    });
    return out;
}

}  // namespace kimflow::kim
