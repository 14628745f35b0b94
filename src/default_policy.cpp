#include "kimflow/default_policy.hpp"

#include "kimflow/kim/lifecycle.hpp"
#include "kimflow/paper/lifecycle.hpp"
#include "kimflow/resolution/lifecycle.hpp"

namespace kimflow {

Policy default_policy()
{
    std::vector<PolicyRule> rules = paper::default_policy_rules();
    for (auto& rule : kim::default_policy_rules()) rules.push_back(std::move(rule));
    for (auto& rule : resolution::default_policy_rules()) rules.push_back(std::move(rule));
    rules.push_back({"*", "administrator", {"purge"}, Scope::any});
    // The audit trail (denial log, chain checks): the administrator everywhere; a Kreis's
    // Datenschutz for what its organisation oversees (the cases of its Kreis), so that it sees
    // no other Kreis's refusals (docs/audit-permission.md).
    rules.push_back({"*", "administrator", {std::string(action::audit)}, Scope::any});
    rules.push_back({"*", "datenschutz", {std::string(action::audit)}, Scope::overseer});
    return Policy(std::move(rules));
}

}  // namespace kimflow
