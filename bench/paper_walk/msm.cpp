// Raw Boost.MSM: the paper lifecycle's own machine, process_event without the engine.
#include <benchmark/benchmark.h>

#include "paper_walk/walk.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::paper;

void BM_PaperWalk_RawMsm(benchmark::State& state)
{
    const Paper paper = walk::sample_paper();
    const Schedule schedule = walk::sample_schedule();
    const PaperConfig config;
    const Actor actor{"bench"};
    FireContext<PaperConfig> context{Timestamp{}, &actor, &config, {}};
    for (auto _ : state) {
        LifecycleTraits<PaperLifecycle>::Machine m;
        m.data = paper;
        m.context = &context;
        m.start();
        benchmark::DoNotOptimize(m.process_event(Submit{}));
        benchmark::DoNotOptimize(m.process_event(Answer{"14/1923-1"}));
        benchmark::DoNotOptimize(m.process_event(schedule));
        benchmark::DoNotOptimize(m.process_event(Acknowledge{}));
        benchmark::DoNotOptimize(m.current_state());
    }
    state.SetItemsProcessed(state.iterations() * walk::kEventsPerWalk);
}
BENCHMARK(BM_PaperWalk_RawMsm);

}  // namespace
