// How an exception becomes an answer: kimflow's errors through the one table
// (kimflow/core/error_kind.hpp), the service's own through theirs.
#pragma once

#include <exception>

#include "metrics.hpp"
#include "service.hpp"

namespace kimflowd {

/// The problem document for @p error (counting conflicts and busy stores in @p metrics).
Problem problem_of(std::exception_ptr error, Metrics& metrics);

/// A 400 for a body that is not the JSON object expected.
Problem malformed_json(const std::string& what);

}  // namespace kimflowd
