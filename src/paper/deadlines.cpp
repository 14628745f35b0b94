// Due dates of papers, and the papers overdue at a time.
#include "kimflow/paper/deadlines.hpp"

#include <algorithm>

namespace kimflow::paper {

namespace {

/// @p days of the rules' kind from @p from (back from it, for a negative count).
Date period_end(const RulesOfProcedure& rules, Date from, int days)
{
    return rules.shift_to_working_day ? end_of_period(from, days, rules.counting, rules.calendar)
                                      : add_days(from, days, rules.counting, rules.calendar);
}

}  // namespace

std::optional<Date> answer_due(const Paper& paper, const PaperConfig& config)
{
    if (paper.type != PaperType::anfrage || !paper.submitted_at) return std::nullopt;
    const RulesOfProcedure& rules = config.rules_for(paper.body);
    return period_end(rules, date_of(*paper.submitted_at), rules.answer_period_days);
}

std::optional<Timestamp> answer_period_end(const Paper& paper, const PaperConfig& config)
{
    const std::optional<Date> due = answer_due(paper, config);
    if (!due) return std::nullopt;
    return end_of(*due);
}

Date agenda_deadline(const Paper& paper, const PaperConfig& config, Date meeting)
{
    const RulesOfProcedure& rules = config.rules_for(paper.body);
    return period_end(rules, meeting, -rules.deadline_days_for(paper.type));
}

bool meets_agenda_deadline(const Paper& paper, const PaperConfig& config, Date arrived, Date meeting)
{
    return arrived <= agenda_deadline(paper, config, meeting);
}

std::vector<OverduePaper> overdue_on(const Paper& paper, std::string_view state, const PaperConfig& config,
                                            Date today)
{
    std::vector<OverduePaper> out;
    const bool waiting = state == state_id::submitted || state == state_id::on_agenda;
    if (waiting && !paper.answered_at) {
        if (auto due = answer_due(paper, config); due && today > *due)
            out.push_back({paper.reference, std::string(state), Overdue::answer, *due});
    }
    if (state == state_id::on_agenda) {
        const Consultation* c = paper.current();
        if (c && c->meeting_date && today > *c->meeting_date)
            out.push_back({paper.reference, std::string(state), Overdue::result, *c->meeting_date});
    }
    return out;
}

std::vector<OverduePaper> overdue_papers(const PaperEngine& engine, Timestamp at)
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
