/// @file
/// Wiedervorlage: which cases are due for follow-up at a time.
#pragma once

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
std::vector<DueFollowUp> due_for_follow_up(const CaseEngine& engine, Timestamp at);

}  // namespace kimflow::kim
