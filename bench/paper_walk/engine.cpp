// kimflow::Engine: the walk by typed events and by event name with string payloads, on a
// fresh instance each time (history kept, as in production).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "paper_walk/walk.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::paper;

constexpr int kPapersPerEngine = 4096;

template <class Walk>
void run(benchmark::State& state, Walk&& walk_one)
{
    const Paper paper = walk::sample_paper();
    const Actor actor{"bench", "sitzungsdienst", "rvr"};
    std::vector<std::string> ids;
    for (int i = 0; i < kPapersPerEngine; ++i) ids.push_back("14/" + std::to_string(i));
    auto engine = std::make_unique<PaperEngine>();
    int next = 0;
    for (auto _ : state) {
        if (next == kPapersPerEngine) {
            state.PauseTiming();
            engine = std::make_unique<PaperEngine>();
            next = 0;
            state.ResumeTiming();
        }
        const std::string& id = ids[static_cast<std::size_t>(next++)];
        engine->create(id, paper, actor);
        walk_one(*engine, id, actor);
    }
    state.SetItemsProcessed(state.iterations() * walk::kEventsPerWalk);
}

void BM_PaperWalk_EngineTyped(benchmark::State& state)
{
    const Schedule schedule = walk::sample_schedule();
    run(state, [&](PaperEngine& e, const std::string& id, const Actor& a) {
        e.fire(id, Submit{}, a);
        e.fire(id, Answer{"14/1923-1"}, a);
        e.fire(id, schedule, a);
        benchmark::DoNotOptimize(e.fire(id, Acknowledge{}, a));
    });
}
BENCHMARK(BM_PaperWalk_EngineTyped);

void BM_PaperWalk_EngineByName(benchmark::State& state)
{
    const Fields none;
    const Fields answer{{"answer_reference", "14/1923-1"}};
    const Fields schedule{{"meeting_date", "2030-02-06"}, {"agenda_item", "9.2"}};
    run(state, [&](PaperEngine& e, const std::string& id, const Actor& a) {
        e.fire(id, "submit", none, a);
        e.fire(id, "answer", answer, a);
        e.fire(id, "schedule", schedule, a);
        benchmark::DoNotOptimize(e.fire(id, "acknowledge", none, a));
    });
}
BENCHMARK(BM_PaperWalk_EngineByName);

}  // namespace
