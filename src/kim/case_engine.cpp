// The case engine's members, compiled once here, and the rules the default policy has for
// cases.
#include "kimflow/kim/lifecycle.hpp"

template class kimflow::Engine<kimflow::kim::CaseLifecycle>;

namespace kimflow::kim {

std::vector<PolicyRule> default_policy_rules()
{
    return {
        {"case", "case_manager", {"*"}, Scope::owner},
        {"case", "kreis_coordinator", {"read", "assign", "erase"}, Scope::overseer},
        // What falls due by itself: the tick fires it as {"system", "system"} (no organisation,
        // so on every case); nothing else.
        {"case", "system", {std::string(FollowUpDue::id)}, Scope::any},
    };
}

Fired open_case(CaseEngine& engine, const std::string& id, const Open& open, const Actor& actor, KimCase data)
{
    return engine.create(id, std::move(data), actor, open);
}

}  // namespace kimflow::kim
