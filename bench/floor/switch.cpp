// Floor, competitor 1: the paper walk as a hand-written switch over an enum, no library.
// It keeps what the walk needs (state, answer reference, planned consultations) and nothing else.
#include <array>
#include <string>

#include "common/samples.hpp"
#include "common/suite.hpp"

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

void BM_Floor_Switch(benchmark::State& state)
{
    bench::timed_batches(
        state, bench::kWalkBatch * bench::kEventsPerWalk,
        [] { return std::array<Plain, bench::kWalkBatch>{}; },
        [](std::array<Plain, bench::kWalkBatch>& papers) {
            for (Plain& p : papers) {
                benchmark::DoNotOptimize(fire(p, Event::submit));
                benchmark::DoNotOptimize(fire(p, Event::answer));
                benchmark::DoNotOptimize(fire(p, Event::schedule));
                benchmark::DoNotOptimize(fire(p, Event::acknowledge));
            }
            benchmark::ClobberMemory();
        });
}
BENCHMARK(BM_Floor_Switch)->UseManualTime();

}  // namespace
