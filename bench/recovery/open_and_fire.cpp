// Recovery: open a database of n instances and fire one event on a random KIM case.
// Cold: a new store and engine every time (nothing of the file in memory but the OS cache).
// Warm: one store and engine, a random case each time (mostly not resident at 10^5 and up).
#include <memory>

#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "common/fixture_database.hpp"
#include "common/samples.hpp"
#include "common/suite.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::kim;

void BM_Recovery_OpenAndFire_Cold(benchmark::State& state)
{
    const std::int64_t n = state.range(0);
    const std::string path = bench::fixture_copy(n);
    bench::Random random;
    std::size_t fired = 0;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        auto store = std::make_shared<SqliteStore>(path);
        CaseEngine engine(CaseConfig{}, std::make_shared<SystemClock>(), store);
        const std::string id = bench::fixture_case_id(static_cast<std::int64_t>(random.below(static_cast<std::size_t>(n / 2))));
        engine.fire(id, bench::sample_assign(fired++), bench::case_manager());
        state.SetIterationTime(bench::seconds_since(start));
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_Recovery_Fire_Warm(benchmark::State& state)
{
    const std::int64_t n = state.range(0);
    auto store = std::make_shared<SqliteStore>(bench::fixture_copy(n));
    CaseEngine engine(CaseConfig{}, std::make_shared<SystemClock>(), store);
    bench::Random random;
    std::size_t fired = 0;
    for (auto _ : state) {
        const std::string id = bench::fixture_case_id(static_cast<std::int64_t>(random.below(static_cast<std::size_t>(n / 2))));
        engine.fire(id, bench::sample_assign(fired++), bench::case_manager());
    }
    state.SetItemsProcessed(state.iterations());
}

const int registered = bench::later([] {
    for (std::int64_t n : bench::database_sizes()) {
        benchmark::RegisterBenchmark("BM_Recovery_OpenAndFire_Cold", BM_Recovery_OpenAndFire_Cold)
            ->Arg(n)
            ->ArgName("instances")
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark("BM_Recovery_Fire_Warm", BM_Recovery_Fire_Warm)
            ->Arg(n)
            ->ArgName("instances")
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
    }
});

}  // namespace
