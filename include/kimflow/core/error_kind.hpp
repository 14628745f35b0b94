/// @file
/// One table from kimflow's error types to the codes hosts give them: the `type` of an HTTP
/// problem (kimflowd), its HTTP status, kimctl's exit code and the C ABI's status. A host that catches
/// kimflow::Error asks error_kind() instead of writing its own list, so that the same refusal
/// means the same thing at every door.
#pragma once

#include <exception>
#include <string_view>
#include <vector>

namespace kimflow {

/// What an error means to a client.
struct ErrorKind {
    /// Stable identifier, e.g. `not-found`, `event-not-allowed` (the last part of an HTTP
    /// problem's `type` URI). Never changes once released.
    std::string_view type;
    /// A short English title for it.
    std::string_view title;
    /// The HTTP status kimflowd answers with.
    int http_status;
    /// kimctl's exit code (its README table).
    int exit_code;
    /// The C ABI's `kimflow_status` (include/kimflow/c/kimflow.h).
    int c_status;
};

/// The kind of @p e: the most specific row whose error type @p e is; `internal` for an
/// exception that is no kimflow error.
const ErrorKind& error_kind(const std::exception& e);

/// Every kind, in the table's order (for documentation and tests).
const std::vector<ErrorKind>& error_kinds();

}  // namespace kimflow
