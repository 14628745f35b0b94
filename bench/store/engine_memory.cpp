// Store, competitor 3: the same `assign` fires on the same 1000 KIM cases with no store: the
// engine's own share of a persisted fire.
#include "common/samples.hpp"
#include "common/suite.hpp"
#include "store/store_args.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::kim;

void BM_Store_EngineInMemory(benchmark::State& state)
{
    CaseEngine engine;
    const Actor& actor = bench::case_manager();
    const auto ids = bench::make_ids("KIM-RE", bench::kInterleavedInstances);
    for (std::size_t i = 0; i < ids.size(); ++i) open_case(engine, ids[i], bench::sample_opening(i), actor);
    std::size_t next = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(engine.fire(ids[next % ids.size()], bench::sample_assign(next), actor));
        ++next;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("no store, 1000 instances");
}
BENCHMARK(BM_Store_EngineInMemory);

}  // namespace
