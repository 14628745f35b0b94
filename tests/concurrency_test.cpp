// Firing from several threads: different instances in parallel (in memory and on SQLite), the
// same instance serialised.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/store/sqlite_store.hpp>

#include "complaint_lifecycle.hpp"
#include "latch.hpp"
#include "temp_file.hpp"

using namespace kimflow;

namespace {

const Actor clerk{"clerk"};

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

/// How an engine under test keeps its instances.
enum class Keeping { in_memory, on_sqlite };

class ConcurrencyOnInstances : public ::testing::TestWithParam<Keeping> {
protected:
    TempFile file{"parallel"};
    std::shared_ptr<Store> store =
        GetParam() == Keeping::on_sqlite ? std::shared_ptr<Store>(std::make_shared<SqliteStore>(file.path())) : nullptr;
    complaint::Engine engine{complaint::Settings{}, std::make_shared<SystemClock>(), store};
};

TEST_P(ConcurrencyOnInstances, AFireOnBCompletesWhileAFireOnAIsStillUnderWay)
{
    engine.create("A", complaint::Complaint{"Straßenlaterne"}, clerk);
    engine.create("B", complaint::Complaint{"Parkplatz"}, clerk);
    // A's fire is held inside its observer, after its transition (and, on SQLite, after its
    // commit) and before it returns, until B's fire has completed.
    Latch a_inside, b_done;
    std::atomic<bool> b_completed_while_a_held{false};
    engine.observe([&](const complaint::Engine::Notice& n) {
        if (n.instance != "A") return;
        a_inside.open();
        b_completed_while_a_held = b_done.wait();
    });
    std::thread a([&] { engine.fire("A", complaint::Review{"r"}, clerk); });
    ASSERT_TRUE(a_inside.wait()) << "the fire on A never reached its observer";
    std::thread b([&] {
        engine.fire("B", complaint::Review{"r"}, clerk);
        b_done.open();
    });
    b.join();
    a.join();
    EXPECT_TRUE(b_completed_while_a_held) << "the fire on B waited for the fire on A";
    EXPECT_EQ(engine.state("A"), "in_review");
    EXPECT_EQ(engine.state("B"), "in_review");
}

TEST_P(ConcurrencyOnInstances, ManyThreadsOnManyInstancesLoseNothing)
{
    // Fewer on SQLite, where every fire waits for its commit on disk.
    const int threads = store ? 4 : 8, per_thread = store ? 60 : 200;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string id = "B-" + std::to_string(t) + "-" + std::to_string(i);
                engine.create(id, complaint::Complaint{"s"}, clerk);
                engine.fire(id, complaint::Review{"r"}, clerk);
                engine.fire(id, "add_note", Fields{{"text", "n"}}, clerk);
                engine.fire(id, complaint::Resolve{"done"}, clerk);
            }
        });
    for (auto& th : pool) th.join();
    const auto all = static_cast<std::size_t>(threads * per_thread);
    EXPECT_EQ(engine.size(), all);
    std::size_t resolved = 0;
    engine.for_each([&](const Instance<complaint::Lifecycle>& in) {
        // The history is read from the store (an InMemoryStore when there is no file).
        const std::size_t logged = engine.history(in.id()).size();
        resolved += in.state() == "resolved" && in.version() == 3 && logged == 3;
    });
    EXPECT_EQ(resolved, all);
    if (store) {
        // What a second engine reads from the file is the same.
        complaint::Engine reread(complaint::Settings{}, std::make_shared<SystemClock>(), store);
        EXPECT_EQ(reread.history("B-3-59").size(), 3u);
        EXPECT_EQ(reread.state("B-0-0"), "resolved");
    }
}

INSTANTIATE_TEST_SUITE_P(Keepings, ConcurrencyOnInstances, ::testing::Values(Keeping::in_memory, Keeping::on_sqlite),
                         [](const ::testing::TestParamInfo<Keeping>& info) {
                             return info.param == Keeping::in_memory ? std::string("InMemory") : std::string("OnSqlite");
                         });

}  // namespace
