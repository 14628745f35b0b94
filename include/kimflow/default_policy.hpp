/// @file
/// The policy kimflow ships: the rules each built-in lifecycle brings
/// (paper::default_policy_rules(), kim::default_policy_rules()) and one for every lifecycle,
/// that an `administrator` may purge. The README shows it as a table.
#pragma once

#include "kimflow/core/policy.hpp"

namespace kimflow {

/// The default policy (see the file comment).
Policy default_policy();

}  // namespace kimflow
