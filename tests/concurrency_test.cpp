// Firing from several threads: different instances in parallel, the same instance serialised.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "complaint_lifecycle.hpp"

using namespace kimflow;

namespace {

const Actor clerk{"clerk"};

TEST(EngineConcurrency, ManyThreadsOnManyInstances)
{
    complaint::Engine engine;
    constexpr int threads = 8, per_thread = 200;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string id = "B-" + std::to_string(t) + "-" + std::to_string(i);
                engine.create(id, complaint::Complaint{"s"}, clerk);
                engine.fire(id, complaint::Review{"r"}, clerk);
                engine.fire(id, "add_note", Fields{{"text", "n"}}, clerk);
                engine.fire(id, complaint::Resolve{"done"}, clerk);
            }
        });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(engine.size(), std::size_t{threads * per_thread});
    std::size_t resolved = 0;
    engine.for_each([&](const Instance<complaint::Lifecycle>& in) {
        resolved += in.state() == "resolved" && in.version() == 3 && in.history().size() == 3;
    });
    EXPECT_EQ(resolved, std::size_t{threads * per_thread});
}

TEST(EngineConcurrency, FiresOnOneInstanceAreSerialisedWithoutGapsOrLosses)
{
    complaint::Engine engine;
    engine.create("B-1", complaint::Complaint{"s"}, clerk);
    engine.fire("B-1", complaint::Review{"r"}, clerk);
    std::atomic<std::uint64_t> observed_sum{0};
    engine.observe([&](const complaint::Engine::Notice& n) { observed_sum += n.record.version; });

    constexpr int threads = 6, per_thread = 300;
    std::vector<std::thread> pool;
    std::atomic<int> conflicts{0};
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                engine.fire("B-1", complaint::AddNote{std::to_string(t)}, clerk);
                // A conditional fire with a version read just before may lose the race: it must
                // then fail cleanly, never apply twice.
                try {
                    engine.fire("B-1", complaint::AddNote{"c"}, clerk, engine.version("B-1"));
                } catch (const VersionConflict&) {
                    ++conflicts;
                }
                (void)engine.allowed_events("B-1");
            }
        });
    }
    for (auto& th : pool) th.join();

    const auto history = engine.history("B-1");
    const std::uint64_t conditional_applied = threads * per_thread - conflicts.load();
    const std::uint64_t expected = 1 + threads * per_thread + conditional_applied;
    ASSERT_EQ(history.size(), expected);
    EXPECT_EQ(engine.version("B-1"), expected);
    EXPECT_EQ(engine.data("B-1").notes.size(), expected - 1);
    for (std::size_t i = 0; i < history.size(); ++i) ASSERT_EQ(history[i].version, i + 1);
    // Observers saw versions 2..expected exactly once each.
    EXPECT_EQ(observed_sum.load(), expected * (expected + 1) / 2 - 1);
}

}  // namespace
