// The KIM case lifecycle's model: its MSM transition table (53 rows, the heaviest machine of the
// library) compiled once, here and in case_events.cpp, and the hooks its description declares.
#include "case_events.hpp"

#include <algorithm>

#define KIMFLOW_COMPILED_APART(Event) \
    extern template class kimflow::msm_detail::TypedEvent<kimflow::kim::CaseLifecycle, kimflow::kim::Event>;
KIMFLOW_CASE_EVENTS_COMPILED_APART(KIMFLOW_COMPILED_APART)

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

std::vector<Timer> CaseLifecycle::timers(const KimCase& c, std::string_view phase, const CaseConfig&)
{
    std::vector<Timer> out;
    if (!is_open(phase)) return out;
    for (std::size_t i = 0; i < c.follow_ups.size(); ++i) {
        const FollowUp& f = c.follow_ups[i];
        // A day no clock reaches (damaged data) never falls due.
        if (!f.open() || f.fell_due_at || f.due() == Timestamp::max() || f.due() == Timestamp::min()) continue;
        out.push_back({FollowUpDue::id, f.due(), Fields{{"number", std::to_string(i + 1)}, {"due", format_timestamp(f.due())}}});
    }
    // Earliest first; stable, so that Wiedervorlagen of one day fire in the order they were set.
    std::stable_sort(out.begin(), out.end(), [](const Timer& a, const Timer& b) { return a.due < b.due; });
    return out;
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
    for (auto& f : c.follow_ups) f.subject.clear();
}

}  // namespace kimflow::kim

template const kimflow::LifecycleModel& kimflow::model_of<kimflow::kim::CaseLifecycle>();
