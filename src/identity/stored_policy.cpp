#include "kimflow/identity/stored_policy.hpp"

#include "admin_log.hpp"

namespace kimflow {

namespace {
constexpr std::string_view policy_key = "policy/text";
}

std::optional<std::string> stored_policy_text(Store& store)
{
    return store.setting(policy_key);
}

std::optional<Policy> stored_policy(Store& store)
{
    const auto text = stored_policy_text(store);
    if (!text) return std::nullopt;
    return Policy::parse(*text);
}

void set_stored_policy(Store& store, const std::string& text, const Actor& by, Timestamp at)
{
    const Policy parsed = Policy::parse(text);  // throws before anything is written
    if (parsed.rules().empty())
        throw InvalidData("the policy has no rules, so it would refuse everyone everything; give at least one "
                          "'allow' line");
    using namespace identity_detail;
    in_transaction(store, [&] {
        store.put_setting(policy_key, text);
        log_admin(store, "policy", "set_policy", "stored",
                  "rules=" + std::to_string(parsed.rules().size()) + ", sha256=" + sha256_hex(text), by, at);
    });
}

}  // namespace kimflow
