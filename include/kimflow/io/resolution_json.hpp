/// @file
/// A resolution's data as JSON, in the shape of io/json.hpp (days as `2025-02-06`, instants as
/// `2025-02-06T17:00:00Z`, empty optional values left out), so that to_json(engine, id) writes
/// resolutions as it writes papers and cases.
#pragma once

#include <nlohmann/json.hpp>

#include "kimflow/resolution/resolution.hpp"

namespace kimflow::resolution {
/// A resolution's data: paper, office, task, due, committee, body, decided_on, original_due,
/// started_at, reports, extensions, overdue_for, overdue_since, done_at, completion_note,
/// dropped_at, drop_reason.
nlohmann::json to_json(const Resolution& r);

/// The inverse of to_json(const Resolution&): a resolution's data, every member to_json writes
/// read back (members it does not know are ignored). Implemented in src/io/json_read.cpp.
/// @throws InvalidData naming a member of the wrong type or with a value that does not parse
Resolution resolution_from_json(const nlohmann::json& j);
}  // namespace kimflow::resolution
