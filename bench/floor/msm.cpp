// Floor, competitor 2: raw Boost.MSM, the paper lifecycle's own machine (its guards and
// actions included), process_event without the engine.
#include <memory>
#include <vector>

#include <kimflow/core/lifecycle.hpp>
#include <kimflow/paper/machine.hpp>

#include "common/samples.hpp"
#include "common/suite.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::paper;
using Machine = LifecycleTraits<PaperLifecycle>::Machine;

void BM_Floor_RawMsm(benchmark::State& state)
{
    const Paper paper = bench::sample_paper();
    const Schedule schedule = bench::sample_schedule();
    const Answer answer{"14/1923-1"};
    const PaperConfig config;
    FireContext<PaperConfig> context{SystemClock().now(), &bench::sitzungsdienst(), &config, {}};
    bench::timed_batches(
        state, bench::kWalkBatch * bench::kEventsPerWalk,
        [&] {
            auto machines = std::make_unique<std::vector<Machine>>(bench::kWalkBatch);
            for (Machine& m : *machines) {
                m.data = paper;
                m.context = &context;
                m.start();
            }
            return machines;
        },
        [&](std::unique_ptr<std::vector<Machine>>& machines) {
            for (Machine& m : *machines) {
                benchmark::DoNotOptimize(m.process_event(Submit{}));
                benchmark::DoNotOptimize(m.process_event(answer));
                benchmark::DoNotOptimize(m.process_event(schedule));
                benchmark::DoNotOptimize(m.process_event(Acknowledge{}));
            }
        });
}
BENCHMARK(BM_Floor_RawMsm)->UseManualTime();

}  // namespace
