// The floor: the walk as a hand-written switch over an enum, no library.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "paper_walk/walk.hpp"

namespace {

enum class State { draft, submitted, answered, on_agenda, acknowledged };
enum class Event { submit, answer, schedule, acknowledge };

struct Plain {
    State state = State::draft;
    std::string answer_reference;
    int consultations_planned = 1;
    bool anfrage = true;
};

bool fire(Plain& p, Event e)
{
    switch (p.state) {
    case State::draft:
        if (e == Event::submit) return p.state = State::submitted, true;
        return false;
    case State::submitted:
        if (e == Event::answer && p.anfrage) return p.answer_reference = "14/1923-1", p.state = State::answered, true;
        [[fallthrough]];
    case State::answered:
        if (e == Event::schedule && p.consultations_planned > 0)
            return --p.consultations_planned, p.state = State::on_agenda, true;
        return false;
    case State::on_agenda:
        if (e == Event::acknowledge) return p.state = State::acknowledged, true;
        return false;
    default: return false;
    }
}

void BM_PaperWalk_Switch(benchmark::State& state)
{
    for (auto _ : state) {
        Plain p;
        benchmark::DoNotOptimize(fire(p, Event::submit));
        benchmark::DoNotOptimize(fire(p, Event::answer));
        benchmark::DoNotOptimize(fire(p, Event::schedule));
        benchmark::DoNotOptimize(fire(p, Event::acknowledge));
        benchmark::DoNotOptimize(p);
    }
    state.SetItemsProcessed(state.iterations() * walk::kEventsPerWalk);
}
BENCHMARK(BM_PaperWalk_Switch);

}  // namespace
