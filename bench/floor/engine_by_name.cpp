// Floor, competitor 4: the engine's fire by event name with a payload of strings (what a
// command line, a form or another language has), on resident instances, history kept.
#include "floor/engine_walk.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::paper;

void BM_Floor_EngineByName(benchmark::State& state)
{
    const Fields none;
    const Fields answer{{"answer_reference", "14/1923-1"}};
    const Fields schedule{{"meeting_date", "2099-02-06"}, {"agenda_item", "9.2"}};
    const Actor& actor = bench::sitzungsdienst();
    bench::time_engine_walks(state, [&](PaperEngine& engine, const std::string& id) {
        engine.fire(id, "submit", none, actor);
        engine.fire(id, "answer", answer, actor);
        engine.fire(id, "schedule", schedule, actor);
        benchmark::DoNotOptimize(engine.fire(id, "acknowledge", none, actor));
    });
}
BENCHMARK(BM_Floor_EngineByName)->UseManualTime();

}  // namespace
