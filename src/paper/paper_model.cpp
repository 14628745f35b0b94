// The paper lifecycle's model: its MSM transition table compiled once, here, and the hooks its
// description declares.
#include "kimflow/core/msm_model.hpp"
#include "kimflow/paper/deadlines.hpp"
#include "kimflow/paper/machine.hpp"

namespace kimflow::paper {

StoreKeys PaperLifecycle::store_keys(const Paper& p, std::string_view state, const PaperConfig& config)
{
    StoreKeys keys{std::nullopt, p.originator, p.body};
    const bool waiting = state == state_id::submitted || state == state_id::on_agenda;
    if (waiting && !p.answered_at) keys.due = answer_due(p, config);
    if (state == state_id::on_agenda)
        if (const Consultation* c = p.current(); c && c->meeting_date && (!keys.due || *c->meeting_date < *keys.due))
            keys.due = c->meeting_date;
    return keys;
}

std::optional<std::string> PaperLifecycle::stored_inconsistency(const Paper& p, const std::vector<std::string>& states)
{
    if (p.current_consultation && *p.current_consultation >= p.consultations.size())
        return "its current consultation is number " + std::to_string(*p.current_consultation + 1) + " of " +
               std::to_string(p.consultations.size());
    if (!states.empty() && states[0] == state_id::on_agenda && !p.current_consultation)
        return "on the agenda without a current consultation";
    return std::nullopt;
}

std::vector<Timer> PaperLifecycle::timers(const Paper& p, std::string_view state, const PaperConfig& config)
{
    const bool waiting = state == state_id::submitted || state == state_id::on_agenda;
    if (!waiting || p.answered_at || p.answer_overdue_at) return {};
    const std::optional<Timestamp> end = answer_period_end(p, config);
    if (!end) return {};
    return {Timer{AnswerOverdue::id, *end, Fields{{"due", format_timestamp(*end)}}}};
}

}  // namespace kimflow::paper

template const kimflow::LifecycleModel& kimflow::model_of<kimflow::paper::PaperLifecycle>();
