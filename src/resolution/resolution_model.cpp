// The resolution lifecycle's model: its MSM transition table compiled once, here, and the hooks
// its description declares.
#include "kimflow/core/msm_model.hpp"
#include "kimflow/resolution/machine.hpp"

namespace kimflow::resolution {

namespace {
bool to_carry_out(std::string_view state) { return state == state_id::open || state == state_id::in_progress; }
}  // namespace

StoreKeys ResolutionLifecycle::store_keys(const Resolution& r, std::string_view state, const ResolutionConfig&)
{
    StoreKeys keys{std::nullopt, r.office, r.committee, r.body};
    // As a paper's: the last day, so that `due_before = today` finds the overdue.
    if (to_carry_out(state)) keys.due = r.due;
    return keys;
}

std::vector<Timer> ResolutionLifecycle::timers(const Resolution& r, std::string_view state, const ResolutionConfig&)
{
    if (!to_carry_out(state) || r.overdue_for == r.due) return {};
    const Timestamp end = end_of(r.due);
    if (end == Timestamp::max() || end == Timestamp::min()) return {};  // a day no clock holds (damaged data)
    return {Timer{BecameOverdue::id, end, Fields{{"due", format_timestamp(end)}}}};
}

}  // namespace kimflow::resolution

template const kimflow::LifecycleModel& kimflow::model_of<kimflow::resolution::ResolutionLifecycle>();
