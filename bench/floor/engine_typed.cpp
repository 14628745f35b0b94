// Floor, competitor 3: the engine's typed fire on resident instances, in memory, history kept,
// on the system clock (as a host runs it).
#include "floor/engine_walk.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::paper;

void BM_Floor_EngineTyped(benchmark::State& state)
{
    const Schedule schedule = bench::sample_schedule();
    const Answer answer{"14/1923-1"};
    const Actor& actor = bench::sitzungsdienst();
    bench::time_engine_walks(state, [&](PaperEngine& engine, const std::string& id) {
        engine.fire(id, Submit{}, actor);
        engine.fire(id, answer, actor);
        engine.fire(id, schedule, actor);
        benchmark::DoNotOptimize(engine.fire(id, Acknowledge{}, actor));
    });
}
BENCHMARK(BM_Floor_EngineTyped)->UseManualTime();

}  // namespace
