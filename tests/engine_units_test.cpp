// Units of work and purge() run alone on their engine (README "Thread safety"; engine.hpp): while
// one is open, other threads' calls on that engine wait, so that none sees what the unit has not
// committed. And a unit that could never be granted, inside an observer or a visit of its own
// engine, or over two stores, is refused. The suite's name is one the tsan test preset runs.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <typeinfo>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "complaint_lifecycle.hpp"
#include "forwarding_store.hpp"
#include "kim_fixture.hpp"
#include "latch.hpp"

using namespace kimflow;

namespace {

const Actor clerk{"clerk"};

/// How long a call that must wait is given to finish anyway. Not a timing check: with the
/// promise kept it waits for the unit, however long; only a broken promise lets it finish.
constexpr std::chrono::milliseconds kWouldFinishBy{300};

/// Waits for @p done; a call still running after a generous bound is a deadlock, and ends the
/// test program rather than hang it (the thread cannot be joined or left behind).
void expect_finished(Latch& done, const char* what)
{
    if (done.wait()) return;
    std::fprintf(stderr, "%s never finished: a deadlock\n", what);
    std::abort();
}

/// Runs @p f on a thread of its own, bounded: a call that waits for itself fails, not hangs.
template <class F>
void bounded(F f)
{
    Latch done;
    std::thread t([&] {
        f();
        done.open();
    });
    expect_finished(done, "the call");
    t.join();
}

/// The dynamic type of what @p f throws, by name; "nothing" if it returns.
template <class F>
std::string thrown_by(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return typeid(e).name();
    }
    return "nothing";
}

/// A call on another thread: started, and whether it has finished.
struct Call {
    Latch started, done;
    std::thread thread;
    template <class F>
    explicit Call(F f)
        : thread([this, f = std::move(f)] {
              started.open();
              f();
              done.open();
          })
    {
    }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    ~Call() { finish("a call"); }
    void finish(const char* what)
    {
        if (!thread.joinable()) return;
        expect_finished(done, what);
        thread.join();
    }
};

TEST(UnitOfWorkAndPurge, WhileAUnitIsOpenOtherThreadsWaitAndSeeNothingItHasNotCommitted)
{
    complaint::Engine engine;
    engine.create("A", complaint::Complaint{"Straßenlaterne"}, clerk);
    engine.create("B", complaint::Complaint{"Parkplatz"}, clerk);
    auto unit = engine.unit_of_work();
    engine.fire("A", complaint::Review{"r"}, clerk);  // in memory now, not committed
    std::string seen;
    Call read([&] { seen = engine.state("A"); });
    Call fire([&] { engine.fire("B", complaint::Review{"r"}, clerk); });
    EXPECT_TRUE(read.started.wait() && fire.started.wait());
    EXPECT_FALSE(read.done.wait(kWouldFinishBy)) << "a read finished while the unit was open";
    // Started with the read: it has had as long.
    EXPECT_FALSE(fire.done.wait(std::chrono::milliseconds(0)))
        << "a fire on another instance finished while the unit was open";
    unit.rollback();
    read.finish("the read after the unit");
    fire.finish("the fire after the unit");
    EXPECT_EQ(seen, "received") << "the read saw the unit's fire, which was rolled back";
    EXPECT_EQ(engine.state("A"), "received");
    EXPECT_EQ(engine.state("B"), "in_review") << "the waiting fire went ahead once the unit ended";
    EXPECT_EQ(engine.version("B"), 1u);
}

/// A store whose erase() can be held: purge() is then open, inside its transaction.
class HoldingStore final : public ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    Latch in_erase, release;

    void erase(const StoredInstance& e, const std::vector<ErasedEntry>& entries, const StoredTransition& r) override
    {
        in_erase.open();
        release.wait();  // bounded: a test that never releases fails on its own checks
        ForwardingStore::erase(e, entries, r);
    }
};

TEST(UnitOfWorkAndPurge, WhilePurgeRunsOtherThreadsWaitForIt)
{
    using namespace kim_test;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2020-02-03T09:00:00Z"));
    auto store = std::make_shared<HoldingStore>(make_memory_store());
    CaseEngine cases{CaseConfig{}, clock, store};
    open_case(cases, "K-ended", castrop_rauxel(), caritas);
    cases.fire("K-ended", Decline{}, caritas);
    // One to read and one to fire on: a read of the one being fired would wait for its lock.
    for (const char* id : {"K-read", "K-fire"}) {
        open_case(cases, id, castrop_rauxel(), caritas);
        cases.fire(id, GrantConsent{{kJobcenter}, "Arbeitsmarkt"}, caritas);
    }
    clock->set(parse_timestamp("2031-01-02T00:00:00Z"));  // past the five years of the ended case

    std::vector<std::string> purged;
    Call purge([&] { purged = cases.purge(clock->now(), Actor{"it", "administrator", ""}); });
    EXPECT_TRUE(store->in_erase.wait()) << "purge never reached the ended case";
    Call read([&] { (void)cases.state("K-read"); });
    Call fire([&] { cases.fire("K-fire", Accept{}, caritas); });
    EXPECT_TRUE(read.started.wait() && fire.started.wait());
    EXPECT_FALSE(read.done.wait(kWouldFinishBy)) << "a read of another case finished while purge ran";
    EXPECT_FALSE(fire.done.wait(std::chrono::milliseconds(0))) << "a fire finished while purge ran";
    store->release.open();
    purge.finish("purge");
    read.finish("the read after purge");
    fire.finish("the fire after purge");
    EXPECT_EQ(purged, std::vector<std::string>{"K-ended"});
    EXPECT_EQ(cases.state("K-fire"), "assessment");
}

TEST(UnitOfWorkAndPurge, AUnitCannotStartInsideAVisitAnObserverOrAUnitOfItsEngine)
{
    // Either holds the engine's gate shared on this thread: a unit, which takes it alone, would
    // wait for itself. Run bounded, so that a unit that does wait fails the test.
    complaint::Engine engine;
    engine.create("A", complaint::Complaint{"s"}, clerk);
    std::string in_visit, in_observer;
    bounded([&] {
        engine.visit("A", [&](const Instance<complaint::Lifecycle>&) {
            in_visit = thrown_by([&] { engine.unit_of_work(); });
        });
    });
    EXPECT_EQ(in_visit, typeid(Error).name());
    engine.observe([&](const complaint::Engine::Notice&) { in_observer = thrown_by([&] { engine.unit_of_work(); }); });
    bounded([&] { engine.fire("A", complaint::Review{"r"}, clerk); });
    EXPECT_EQ(in_observer, typeid(Error).name());
    // The refusals left nothing held: a unit starts afterwards, though not a second one inside it.
    EXPECT_FALSE(engine.in_unit());
    std::string in_unit;
    bounded([&] {
        auto unit = engine.unit_of_work();
        in_unit = thrown_by([&] { engine.unit_of_work(); });
        unit.commit();
    });
    EXPECT_EQ(in_unit, typeid(Error).name());
}

TEST(UnitOfWorkAndPurge, AUnitOverTwoEnginesOnDifferentStoresIsRefused)
{
    complaint::Engine first, second;  // each on an InMemoryStore of its own
    EXPECT_EQ(thrown_by([&] { first.unit_of_work(second); }), typeid(Error).name());
    EXPECT_FALSE(first.in_unit());
    EXPECT_FALSE(second.in_unit());
    // On one store it is granted, and both engines' fires commit together.
    auto store = make_memory_store();
    complaint::Engine a{complaint::Settings{}, std::make_shared<SystemClock>(), store};
    complaint::Engine b{complaint::Settings{}, std::make_shared<SystemClock>(), store};
    auto unit = a.unit_of_work(b);
    EXPECT_TRUE(a.in_unit() && b.in_unit());
    unit.commit();
}

}  // namespace
