/// @file
/// The policy a shared database keeps for itself: once one is stored, every host on that
/// database (kimflowd, kimctl) checks against it, and no caller can bring their own. It is
/// changed only through set_stored_policy(), which logs each change in the store's hash-chained
/// log (lifecycle admin_lifecycle, instance `policy`) with the new text's SHA-256.
#pragma once

#include <optional>
#include <string>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/policy.hpp"
#include "kimflow/core/time.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow {

/// The stored policy's text, if one is stored.
std::optional<std::string> stored_policy_text(Store& store);

/// The stored policy, parsed, if one is stored.
/// @throws InvalidData if the stored text does not parse (it was checked when stored)
std::optional<Policy> stored_policy(Store& store);

/// Stores @p text as the policy, after checking that it parses, logged as done by @p by at @p at.
/// @throws InvalidData naming the wrong line; then nothing is stored
void set_stored_policy(Store& store, const std::string& text, const Actor& by, Timestamp at);

}  // namespace kimflow
