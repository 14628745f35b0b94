/// @file
/// Wiedervorlage: which open Wiedervorlagen of open cases fall in a period, for a case manager,
/// a Träger or a Kommune, and which are due at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "kimflow/kim/lifecycle.hpp"

namespace kimflow::kim {

/// An open Wiedervorlage of an open case.
struct DueFollowUp {
    /// The case's id.
    std::string case_id;
    /// Its phase (stable id).
    std::string phase;
    /// The Träger that runs it.
    std::string traeger;
    /// Its case manager.
    std::string manager;
    /// The Wiedervorlage's date.
    Date due;
    /// Its number in the case (from 1, as `follow_up_done` names it).
    std::size_t number = 0;
    /// What it is about (empty if not given, or erased).
    std::string subject{};
};

/// Which Wiedervorlagen follow_ups_due() lists: the open ones of open cases dated from `from`
/// to `to` (both days included), of one case manager, Träger or Kommune if given.
struct FollowUpQuery {
    /// The first day; none: every open Wiedervorlage up to `to`, however old.
    std::optional<Date> from{};
    /// The last day.
    Date to{};
    /// Only cases of this case manager (their staff id, as given); empty: every one.
    std::string manager{};
    /// Only cases of this Träger (as InstanceQuery::owner compares); empty: every one.
    std::string traeger{};
    /// Only cases of this Kommune (as InstanceQuery::area compares); empty: every one.
    std::string kommune{};
};

/// The open Wiedervorlagen @p query asks for, earliest first (then by case id and number).
/// A case with several in the period is listed once for each.
/// @throws InvalidData if `from` lies after `to`
std::vector<DueFollowUp> follow_ups_due(const CaseEngine& engine, const FollowUpQuery& query);

/// follow_ups_due() over the cases @p actor may read, by the engine's policy.
/// @throws InvalidData if `from` lies after `to`
std::vector<DueFollowUp> follow_ups_due(const CaseEngine& engine, const FollowUpQuery& query, const Actor& actor);

/// The open Wiedervorlagen of open cases dated on or before the day of @p at (UTC), earliest
/// first (then by case id and number): what is due for follow-up then.
std::vector<DueFollowUp> due_for_follow_up(const CaseEngine& engine, Timestamp at);

}  // namespace kimflow::kim
