// The recovery group's databases: n instances (half papers, half KIM cases), 10 transitions
// each, written through the engines and the SqliteStore as a host would write them, built on
// first use and kept under --data-dir for later runs.
#pragma once

#include <cstdint>
#include <string>

#include <kimflow/core/time.hpp>

namespace bench {

/// The day the fixture's stories end; queries ask what is due then.
kimflow::Timestamp fixture_now();

/// Id of the i-th paper / case of a fixture database.
std::string fixture_paper_id(std::int64_t i);
std::string fixture_case_id(std::int64_t i);

/// Path of the fixture database of @p instances instances; built if it is not there yet.
std::string fixture_database(std::int64_t instances);

/// A copy of that database for benchmarks that write, made once per run and size.
std::string fixture_copy(std::int64_t instances);

}  // namespace bench
