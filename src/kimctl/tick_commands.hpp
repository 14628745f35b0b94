// kimctl tick: the deadlines that act by themselves.
#pragma once

#include <string>

#include "context.hpp"

namespace kimctl {

/// `kimctl tick [--lifecycle L]`: fires every time-triggered row due by --at (default now), as
/// the actor `system`, each once however often and however many at once it runs; prints what
/// it fired. @return Exit::ok, or Exit::partial when a due row was refused (listed)
int tick(Context& ctx, const std::string& only);

}  // namespace kimctl
