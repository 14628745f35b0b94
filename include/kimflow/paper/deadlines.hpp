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

/// The day by which an Anfrage in @p paper must be answered, if it is a submitted Anfrage.
inline std::optional<Date> answer_due(const Paper& paper, const PaperConfig& config)
{
    if (paper.type != PaperType::anfrage || !paper.submitted_at) return std::nullopt;
    return date_of(*paper.submitted_at) + date::days{config.rules_for(paper.body).answer_period_days};
}

/// The last day a paper must arrive to go on the agenda of a meeting on @p meeting.
inline Date agenda_deadline(const Paper& paper, const PaperConfig& config, Date meeting)
{
    return meeting - date::days{config.rules_for(paper.body).deadline_days_for(paper.type)};
}

/// What the paper in @p state is overdue for on @p today (nothing, an answer, a result, or both).
inline std::vector<OverduePaper> overdue_on(const Paper& paper, std::string_view state, const PaperConfig& config,
                                            Date today)
{
    std::vector<OverduePaper> out;
    const bool waiting = state == state::Submitted::id || state == state::OnAgenda::id;
    if (waiting && !paper.answered_at) {
        if (auto due = answer_due(paper, config); due && today > *due)
            out.push_back({paper.reference, std::string(state), Overdue::answer, *due});
    }
    if (state == state::OnAgenda::id) {
        const Consultation* c = paper.current();
        if (c && c->meeting_date && today > *c->meeting_date)
            out.push_back({paper.reference, std::string(state), Overdue::result, *c->meeting_date});
    }
    return out;
}

/// Papers overdue at @p at: Anfragen unanswered past their answer period (waiting or already on
/// the agenda), and papers still on the agenda of a meeting that has passed. Sorted by due
/// date, then reference; a paper overdue for both appears twice.
inline std::vector<OverduePaper> overdue_papers(const PaperEngine& engine, Timestamp at)
{
    std::vector<OverduePaper> out;
    const Date today = date_of(at);
    // The index narrows the search to papers due before today; overdue_on decides.
    InstanceQuery due;
    due.due_before = today;
    for (const auto& id : engine.find(due))
        engine.visit(id, [&](const Instance<PaperLifecycle>& in) {
            for (auto& o : overdue_on(in.data(), in.state(), engine.config(), today)) out.push_back(std::move(o));
            return 0;
        });
    std::sort(out.begin(), out.end(), [](const OverduePaper& a, const OverduePaper& b) {
        return a.due != b.due ? a.due < b.due : a.reference < b.reference;
    });
    return out;
}

}  // namespace kimflow::paper
