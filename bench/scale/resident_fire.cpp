// Scale: the engine's in-memory fire of `assign` on a random KIM case among n resident ones
// (10^3 … 10^6), on the InMemoryStore an engine without a file keeps. The cost per fire should
// not depend on n; the counter bytes_per_instance is the heap an opened case takes, the
// engine's copy and the store's together (malloc's own count before and after opening them).
#include <malloc.h>

#include <memory>

#include "common/samples.hpp"
#include "common/suite.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::kim;

struct Population {
    std::int64_t size = 0;
    std::vector<std::string> ids;
    std::unique_ptr<CaseEngine> engine;
    double bytes_per_instance = 0;
};

/// The engine with n open cases; kept while the benchmark runs at one size (Google Benchmark
/// calls the function more than once), replaced for the next.
Population& population(std::int64_t n)
{
    static Population p;
    if (p.size == n) return p;
    p = Population{};
    p.ids = bench::make_ids("KIM-RE", static_cast<std::size_t>(n));
    const std::size_t heap_before = ::mallinfo2().uordblks;
    EngineOptions options;
    options.max_resident = static_cast<std::size_t>(n);  // every case stays resident
    p.engine = std::make_unique<CaseEngine>(CaseConfig{}, std::make_shared<SystemClock>(), nullptr, options);
    for (std::size_t i = 0; i < p.ids.size(); ++i)
        open_case(*p.engine, p.ids[i], bench::sample_opening(i), bench::case_manager());
    p.bytes_per_instance = static_cast<double>(::mallinfo2().uordblks - heap_before) / static_cast<double>(n);
    p.size = n;
    return p;
}

void BM_Scale_ResidentFire(benchmark::State& state)
{
    Population& p = population(state.range(0));
    bench::Random random;
    std::size_t fired = 0;
    for (auto _ : state) {
        const std::string& id = p.ids[random.below(p.ids.size())];
        benchmark::DoNotOptimize(p.engine->fire(id, bench::sample_assign(fired++), bench::case_manager()));
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes_per_instance"] = p.bytes_per_instance;
}

const int registered = bench::later([] {
    for (std::int64_t n : bench::resident_sizes())
        benchmark::RegisterBenchmark("BM_Scale_ResidentFire", BM_Scale_ResidentFire)->Arg(n)->ArgName("instances");
});

}  // namespace
