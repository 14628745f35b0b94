// Parallel: 1, 2 and 4 threads fire `assign` on KIM cases of their own (no two threads share an
// instance), in memory and on a SqliteStore with synchronous=NORMAL. In memory nothing but the
// instance's own lock is shared; on SQLite the commit itself is serialised (one connection, one
// writer), while the engine's share of a fire (the machine, the record, encoding, the policy,
// observers) runs in parallel.
#include <memory>
#include <string>
#include <vector>

#include <kimflow/core/policy.hpp>
#include <kimflow/default_policy.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "common/files.hpp"
#include "common/samples.hpp"
#include "common/suite.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::kim;

/// Cases per thread: each thread cycles through its own.
constexpr std::size_t kCasesPerThread = 250;

/// What the threads of one run share, made by thread 0 before the timed loop.
struct Shared {
    std::unique_ptr<bench::ScratchDir> dir;
    std::unique_ptr<CaseEngine> engine;
    std::vector<std::vector<std::string>> ids;
};
Shared shared;

void set_up(benchmark::State& state, bool on_sqlite)
{
    if (state.thread_index() != 0) return;  // the others wait at the loop until thread 0 is done
    shared = Shared{};
    EngineOptions options;
    options.policy = std::make_shared<const Policy>(default_policy());  // as a service checks it
    std::shared_ptr<Store> store;
    if (on_sqlite) {
        shared.dir = std::make_unique<bench::ScratchDir>();
        SqliteOptions sqlite;
        sqlite.synchronous = SqliteOptions::Synchronous::normal;
        store = std::make_shared<SqliteStore>(shared.dir->file("parallel.db"), sqlite);
    }
    shared.engine = std::make_unique<CaseEngine>(CaseConfig{}, std::make_shared<SystemClock>(), store, options);
    const Actor& actor = bench::case_manager();
    for (int t = 0; t < state.threads(); ++t) {
        shared.ids.push_back(bench::make_ids("KIM-T" + std::to_string(t), kCasesPerThread));
        for (std::size_t i = 0; i < kCasesPerThread; ++i)
            open_case(*shared.engine, shared.ids.back()[i], Open{"Marl", "Caritas", "cm-1", "Kreis Recklinghausen"},
                      actor);
    }
}

void fire_on_own_cases(benchmark::State& state, bool on_sqlite)
{
    set_up(state, on_sqlite);
    const Actor& actor = bench::case_manager();
    std::size_t next = 0;
    for (auto _ : state) {
        const auto& mine = shared.ids[static_cast<std::size_t>(state.thread_index())];
        benchmark::DoNotOptimize(shared.engine->fire(mine[next % mine.size()], bench::sample_assign(next), actor));
        ++next;
    }
    state.SetItemsProcessed(state.iterations());
    if (state.thread_index() == 0) state.SetLabel(on_sqlite ? "SQLite NORMAL" : "in memory");
}

void BM_Parallel_InMemory(benchmark::State& state) { fire_on_own_cases(state, false); }
void BM_Parallel_Sqlite(benchmark::State& state) { fire_on_own_cases(state, true); }

BENCHMARK(BM_Parallel_InMemory)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(BM_Parallel_Sqlite)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

}  // namespace
