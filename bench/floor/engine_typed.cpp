// Floor, competitor 3: the engine's typed fire on resident instances, in memory, history kept,
// on the system clock (as a host runs it).
#include <memory>

#include "common/samples.hpp"
#include "common/suite.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::paper;

void BM_Floor_EngineTyped(benchmark::State& state)
{
    const Schedule schedule = bench::sample_schedule();
    const Answer answer{"14/1923-1"};
    const Actor& actor = bench::sitzungsdienst();
    const auto ids = bench::make_ids("14", bench::kWalkBatch);
    bench::timed_batches(
        state, bench::kWalkBatch * bench::kEventsPerWalk,
        [&] { return bench::engine_with_drafts(ids); },
        [&](std::unique_ptr<PaperEngine>& engine) {
            for (const auto& id : ids) {
                engine->fire(id, Submit{}, actor);
                engine->fire(id, answer, actor);
                engine->fire(id, schedule, actor);
                benchmark::DoNotOptimize(engine->fire(id, Acknowledge{}, actor));
            }
        });
}
BENCHMARK(BM_Floor_EngineTyped)->UseManualTime();

}  // namespace
