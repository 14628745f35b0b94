/// @file
/// Due dates of papers under the rules of procedure, and "which papers are overdue at T".
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/paper/lifecycle.hpp"

namespace kimflow::paper {

/// What a paper is overdue for.
enum class Overdue {
    answer, ///< an Anfrage still unanswered after the answer period
    result, ///< on the agenda of a meeting that has passed, with no result recorded
};

/// The names an Overdue value is read from and shown by.
constexpr auto enum_names(Overdue)
{
    return std::array{std::pair{Overdue::answer, std::string_view{"answer"}},
                      std::pair{Overdue::result, std::string_view{"result"}}};
}

/// A paper that is overdue at some time.
struct OverduePaper {
    /// The paper's reference (instance id).
    std::string reference;
    /// Its state (stable id).
    std::string state;
    /// An answer or a result.
    Overdue what;
    /// The last day it was due.
    Date due;
};

/// The day by which an Anfrage in @p paper must be answered, if it is a submitted Anfrage: the
/// answer period of its body's rules after the day of submission, counted as the rules count
/// (RulesOfProcedure::counting, RulesOfProcedure::calendar, RulesOfProcedure::shift_to_working_day).
std::optional<Date> answer_due(const Paper& paper, const PaperConfig& config);

/// The moment an Anfrage's answer period ends (the start of the day after answer_due(), UTC),
/// if it waits for an answer: when the time-triggered `answer_overdue` falls due.
std::optional<Timestamp> answer_period_end(const Paper& paper, const PaperConfig& config);
/// The last day a paper must arrive to go on the agenda of a meeting on @p meeting: the paper
/// type's deadline (RulesOfProcedure::deadline_days_for) counted back from the meeting as its
/// body's rules count.
Date agenda_deadline(const Paper& paper, const PaperConfig& config, Date meeting);

/// Whether a paper that arrived on @p arrived is in time for the agenda of a meeting on
/// @p meeting (@p arrived is not after agenda_deadline()). Urgency (Dringlichkeit) and a meeting
/// before the arrival are the caller's to judge.
bool meets_agenda_deadline(const Paper& paper, const PaperConfig& config, Date arrived, Date meeting);

/// What the paper in @p state is overdue for on @p today (nothing, an answer, a result, or both).
std::vector<OverduePaper> overdue_on(const Paper& paper, std::string_view state, const PaperConfig& config, Date today);

/// Papers overdue at @p at: Anfragen unanswered past their answer period (waiting or already on
/// the agenda), and papers still on the agenda of a meeting that has passed. Sorted by due
/// date, then reference; a paper overdue for both appears twice.
std::vector<OverduePaper> overdue_papers(const PaperEngine& engine, Timestamp at);

}  // namespace kimflow::paper
