// kimctl admin: the accounts, tokens and policy of a database that kimflowd serves, changed by
// an administrator on the server, on the database file itself. Each change is logged in the
// store's hash chain (lifecycle `admin`), as done by the administrator's --as actor, or else by
// `local:LOGIN`, the operating system's user who ran kimctl.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace kimctl {

/// Registers `admin account add|disable|enable|passwd|list`, `admin token create|list|revoke`
/// and `admin policy set|show` on @p app; the command the user chose is handed to @p choose,
/// which runs it once the command line is parsed.
void add_admin_commands(CLI::App& app, const std::function<void(std::function<int(Context&)>)>& choose);

/// Who an admin command's change is logged as: the --as actor if it acts as an administrator,
/// else `local:LOGIN` (role administrator, no organisation) for the operating system's user.
kimflow::Actor admin_actor(const Context& ctx);

}  // namespace kimctl
