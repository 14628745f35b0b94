// The KIM case lifecycle's model: its MSM transition table (46 rows, the heaviest machine of the
// library) compiled once, here, and the hooks its description declares.
#include "kimflow/core/msm_model.hpp"
#include "kimflow/kim/machine.hpp"

namespace kimflow::kim {

namespace {
bool is_open(std::string_view phase)
{
    return phase != state_id::new_case && phase != state_id::closed && phase != state_id::aborted;
}
}  // namespace

StoreKeys CaseLifecycle::store_keys(const KimCase& c, std::string_view phase, const CaseConfig&)
{
    return StoreKeys{is_open(phase) ? c.next_follow_up() : std::nullopt, c.traeger, c.kommune, c.kreis};
}

std::optional<std::string> CaseLifecycle::stored_inconsistency(const KimCase& c, const std::vector<std::string>& states)
{
    if (states.size() != 2) return std::nullopt;
    if (states[1] != state_id::new_case && c.phases.empty()) return "a case in " + states[1] + " without phases";
    if (states[0] == state_id::consent_granted && !c.consent.granted_at) return "consent granted without a date";
    return std::nullopt;
}

std::optional<Timestamp> CaseLifecycle::ended_at(const KimCase& c, std::string_view phase)
{
    if (phase != state_id::closed && phase != state_id::aborted) return std::nullopt;
    return c.phase_since();
}

void CaseLifecycle::erase_personal(KimCase& c)
{
    for (auto& goal : c.goals) goal.clear();
    c.consent.purpose.clear();
    c.note.clear();
}

}  // namespace kimflow::kim

template const kimflow::LifecycleModel& kimflow::model_of<kimflow::kim::CaseLifecycle>();
