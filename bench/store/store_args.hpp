// The store group's arguments, shared by its competitors so that their rows line up:
// fires per transaction, synchronous mode, and whether fires go to one instance (keys in
// order) or round-robin over many (as a host fires them).
#pragma once

#include <cstdint>
#include <string>

#include <benchmark/benchmark.h>

#include <kimflow/store/sqlite_store.hpp>

#include "common/suite.hpp"

namespace bench {

/// Instances the interleaved pattern fires on in turn.
inline constexpr int kInterleavedInstances = 1000;

enum Pattern : int { one_instance = 0, interleaved = 1 };

/// Rows each store benchmark writes (per_txn 1: fewer, a commit each): the same for every
/// competitor, so that their log tables reach the same size, which decides how many index pages
/// a batch dirties.
inline std::int64_t rows_per_run(int per_txn)
{
    if (settings().smoke) return 2 * per_txn;
    return per_txn == 1 ? 2000 : 100000;
}

/// Registers @p fn for every combination of the group's arguments.
inline void register_store_benchmark(const char* name, void (*fn)(benchmark::State&))
{
    for (int pattern : {one_instance, interleaved})
        for (int full : {0, 1})
            for (int per_txn : {1, 10, 100, 1000})
                benchmark::RegisterBenchmark(name, fn)
                    ->ArgNames({"per_txn", "full_sync", "interleaved"})
                    ->Args({per_txn, full, pattern})
                    ->Iterations(rows_per_run(per_txn) / per_txn)
                    ->UseRealTime()
                    ->Unit(benchmark::kMicrosecond);
}

inline kimflow::SqliteOptions sqlite_options(const benchmark::State& state)
{
    kimflow::SqliteOptions o;
    o.synchronous = state.range(1) ? kimflow::SqliteOptions::Synchronous::full : kimflow::SqliteOptions::Synchronous::normal;
    return o;
}

inline std::string store_label(const benchmark::State& state)
{
    return std::string(state.range(1) ? "FULL" : "NORMAL") + (state.range(2) ? ", 1000 instances" : ", one instance");
}

}  // namespace bench
