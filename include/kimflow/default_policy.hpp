/// @file
/// The policy kimflow ships: the rules each built-in lifecycle brings
/// (paper::default_policy_rules(), kim::default_policy_rules()) and, for every lifecycle, that
/// an `administrator` may purge and `audit` everything, and a `datenschutz` (a Kreis's data
/// protection officer) may `audit` what its organisation oversees. The README shows it as a
/// table; docs/audit-permission.md describes `audit`.
#pragma once

#include "kimflow/core/policy.hpp"

namespace kimflow {

/// The default policy (see the file comment).
Policy default_policy();

}  // namespace kimflow
