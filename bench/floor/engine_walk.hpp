// The engine competitors of the floor group: the same set-up and timing, only the way each
// event is fired differs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/samples.hpp"
#include "common/suite.hpp"

namespace bench {

/// Times @p walk_one (engine, id) on each of kWalkBatch fresh drafts of the sample paper, in an
/// engine in memory (history kept, system clock) set up untimed before each batch.
template <class WalkOne>
void time_engine_walks(benchmark::State& state, WalkOne&& walk_one)
{
    const auto ids = make_ids("14", kWalkBatch);
    const kimflow::paper::Paper paper = sample_paper();
    timed_batches(
        state, kWalkBatch * kEventsPerWalk,
        [&] {
            auto engine = std::make_unique<kimflow::paper::PaperEngine>();
            for (const auto& id : ids) engine->create(id, paper, sitzungsdienst());
            return engine;
        },
        [&](std::unique_ptr<kimflow::paper::PaperEngine>& engine) {
            for (const auto& id : ids) walk_one(*engine, id);
        });
}

}  // namespace bench
