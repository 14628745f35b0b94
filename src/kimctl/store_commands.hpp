// kimctl's commands about the database as a whole (store_commands.cpp).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace kimctl {

/// Adds `store copy` to @p app; @p choose runs the chosen command as main.cpp does.
void add_store_commands(CLI::App& app, const std::function<void(std::function<int(Context&)>)>& choose);

}  // namespace kimctl
