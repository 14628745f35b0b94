// kimctl's commands about the audit trail (audit_commands.cpp).
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace kimctl {

/// `verify`'s options.
struct VerifyArgs {
    /// The public key file to check the checkpoints' signatures with; empty: not checked.
    std::string public_key;
    /// A witness file of heads kept elsewhere (`kimctl audit heads`); empty: none.
    std::string witness;
};

/// `kimctl verify`. @return the exit code: ok when the database is sound, storage otherwise
int verify(Context& ctx, const VerifyArgs& args);

/// Adds `verify`, `audit heads` and `admin key init` to @p app (after the `admin` command);
/// @p choose runs the chosen command as main.cpp does.
void add_audit_commands(CLI::App& app, const std::function<void(std::function<int(Context&)>)>& choose);

}  // namespace kimctl
