// The paper engine's members, compiled once here, and the rules the default policy has for
// papers.
#include "kimflow/paper/lifecycle.hpp"

template class kimflow::Engine<kimflow::paper::PaperLifecycle>;

namespace kimflow::paper {

std::vector<PolicyRule> default_policy_rules()
{
    return {
        {"paper", "fraktion", {"create", "submit", "withdraw"}, Scope::owner},
        {"paper", "verwaltung", {"create", "submit", "withdraw"}, Scope::owner},
        {"paper", "verwaltung", {"answer", "complete"}, Scope::any},
        {"paper",
         "sitzungsdienst",
         {"create", "schedule", "acknowledge", "recommend", "decide", "reject", "postpone", "refer"},
         Scope::any},
        {"paper", "system", {"answer_overdue", "attach_resolution", "settle_resolution"}, Scope::any},
        {"paper", "*", {"read"}, Scope::any},
        {"paper", "importer", {"*"}, Scope::any},
    };
}

}  // namespace kimflow::paper
