// The suite's own settings and sized registrations. Benchmarks whose sizes depend on the run
// (the smoke mode CI uses keeps databases and instance counts small) register through later(),
// which main.cpp calls once the flags are read.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bench {

/// Settings of one run of kimflow_bench, from its own flags (see main.cpp).
struct Settings {
    /// --smoke: the smallest sizes only, so that CI proves the suite still runs.
    bool smoke = false;
    /// --data-dir=DIR: where the fixture databases of the recovery group are kept between runs.
    std::string data_dir = "kimflow-bench-data";
};

Settings& settings();

/// Queues @p registration to run after the flags are read; returns a dummy for static init.
int later(std::function<void()> registration);

/// Runs the queued registrations (main.cpp).
void register_all();

/// Instance counts of the recovery group's databases: 10^4 … 10^6 (smoke: 10^3).
std::vector<std::int64_t> database_sizes();

/// Instance counts of the scale group: 10^3 … 10^6 (smoke: 10^3 and 10^4).
std::vector<std::int64_t> resident_sizes();

/// Seconds elapsed since @p start, for benchmarks with manual timing (set-up left out).
inline double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Runs @p work on what @p setup makes, once per iteration, timing only the work (register
/// with UseManualTime()); counts @p items per iteration.
template <class Setup, class Work>
void timed_batches(benchmark::State& state, std::int64_t items, Setup&& setup, Work&& work)
{
    for (auto _ : state) {
        auto prepared = setup();
        const auto start = std::chrono::steady_clock::now();
        work(prepared);
        state.SetIterationTime(seconds_since(start));
    }
    state.SetItemsProcessed(state.iterations() * items);
}

/// A small, fast pseudo-random sequence (xorshift64*), so that picking an instance costs
/// nanoseconds and every run picks the same ones.
class Random {
public:
    explicit Random(std::uint64_t seed = 0x9E3779B97F4A7C15ull) : state_(seed) {}
    std::uint64_t next()
    {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545F4914F6CDD1Dull;
    }
    /// A number in [0, n).
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

private:
    std::uint64_t state_;
};

}  // namespace bench
