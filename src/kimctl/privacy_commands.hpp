// kimctl's erasure on request: `case erase ID --reason CODE [--note TEXT]`, its options and
// how it reports. (purge and denials are declared in commands.hpp.)
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include <kimflow/core/personal_data.hpp>

#include "context.hpp"

namespace kimctl {

/// `case erase`'s arguments.
struct EraseArgs {
    std::string id;
    /// A code of kimflow::ErasureReason.
    std::string reason = "request_art17";
    /// Personal text about the request (who asked, how); erased with the case's personal data.
    std::string note;
};

/// The German label of @p reason, for people (the code stays in the log and in --json).
std::string_view reason_label(kimflow::ErasureReason reason);

/// Erases a case's personal data now (kimflow::Engine::erase) and says what was done: erased,
/// or erased already (then only the scrub runs), and, separately, whether another program's
/// read kept old copies in the write-ahead log.
/// @throws UsageError for a reason that is not a code
void case_erase(Context& ctx, const EraseArgs& args);

/// Registers `erase` (with `--reason CODE` and `--note TEXT`) under @p case_cmd; the command is
/// handed to @p choose, as add_admin_commands() does.
void add_case_erase_command(CLI::App& case_cmd, const std::function<void(std::function<int(Context&)>)>& choose);

}  // namespace kimctl
