// `kimctl --server URL`: show, list, history, fire and the reports through kimflowd, with the
// output and exit codes they have on a file. Everything else is refused (exit code 2).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "resolution_commands.hpp"

namespace kimctl {

/// Refuses, for a run with a server, a command that does not go through it and the options that
/// say who acts or where the file is (`--as`, `--role`, `--org`, `--policy`, `--at`, `--db`, and
/// the configuration's `as`, `role`, `org`, `policy`): who one is comes from one's token.
/// @param app the parsed command line
/// @throws UsageError saying what to do instead
void check_remote(const CLI::App& app, const Options& options);

void remote_show(Context& ctx, Kind kind, const std::string& id);
void remote_history(Context& ctx, Kind kind, const std::string& id);
void remote_fire(Context& ctx, Kind kind, const FireArgs& args);
void remote_list(Context& ctx, Kind kind, const ListArgs& args, const ResolutionListArgs& resolution_args);
void remote_kim_report(Context& ctx, const std::string& from, const std::string& to, const std::string& format);
void remote_resolution_report(Context& ctx, const ResolutionReportArgs& args);

}  // namespace kimctl
