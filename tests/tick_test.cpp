// Deadlines that act: the time-triggered rows a tick fires, each exactly once, whoever ticks and
// however late.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/default_policy.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/resolution/resolution_engine.hpp>
#include <kimflow/store/memory_store.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "forwarding_store.hpp"
#include "kim_fixture.hpp"
#include "paper_fixture.hpp"
#include "temp_file.hpp"
#if KIMFLOW_TEST_POSTGRESQL
#include <kimflow/store/pg_store.hpp>

#include "pg_test_server.hpp"
#endif

namespace {

using namespace paper_test;
namespace res = kimflow::resolution;

/// Anfragen submitted on 2025-01-06: their answer period (28 days) ends 2025-02-04T00:00Z.
void submitted_anfragen(PaperEngine& engine, int n, const std::string& prefix = "A/")
{
    auto unit = engine.unit_of_work();
    for (int i = 0; i < n; ++i) {
        const std::string ref = prefix + std::to_string(i);
        engine.create(ref, anfrage(ref), fraktion);
        engine.fire(ref, Submit{}, fraktion);
    }
    unit.commit();
}

/// How often each instance's history holds @p event.
std::map<std::string, int> count_of(const PaperEngine& engine, const std::string& event)
{
    std::map<std::string, int> out;
    for (const auto& id : engine.find(InstanceQuery{"paper"}))
        for (const auto& r : engine.history(id)) out[id] += r.event == event;
    return out;
}

const Timestamp kEnd = parse_timestamp("2025-02-04T00:00:00Z");

TEST_F(PaperTest, AnAnswerPeriodThatPassesIsRecordedOnceAsTheSystemWithItsDueTime)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    engine.create("14/1924", anfrage("14/1924"), fraktion);
    engine.fire("14/1924", Submit{}, fraktion);
    at("2025-01-20T09:00:00Z");
    engine.fire("14/1924", Answer{"14/1924-1"}, verwaltung);

    EXPECT_TRUE(engine.tick(parse_timestamp("2025-02-03T23:59:59Z")).fired.empty());
    const auto allowed = engine.allowed_events("14/1923");
    EXPECT_EQ(std::count(allowed.begin(), allowed.end(), "answer_overdue"), 0) << "not before it is due";
    at("2025-02-10T08:00:00Z");
    const TickReport report = engine.tick(parse_timestamp("2025-02-10T08:00:00Z"));
    ASSERT_EQ(report.fired.size(), 1u) << "the answered Anfrage is not overdue";
    EXPECT_EQ(report.fired[0].instance, "14/1923");
    EXPECT_EQ(report.fired[0].event, "answer_overdue");
    EXPECT_EQ(report.fired[0].due, kEnd);
    const auto history = engine.history("14/1923");
    EXPECT_EQ(history.back().event, "answer_overdue");
    EXPECT_EQ(history.back().actor, system_actor());
    EXPECT_EQ(history.back().at, parse_timestamp("2025-02-10T08:00:00Z")) << "recorded when the tick ran";
    EXPECT_EQ(history.back().payload, "due=2025-02-04T00:00:00Z") << "with the time it fell due";
    EXPECT_EQ(history.back().from, "submitted");
    EXPECT_EQ(history.back().to, "submitted");
    EXPECT_EQ(engine.data("14/1923").answer_overdue_at, parse_timestamp("2025-02-10T08:00:00Z"));
    EXPECT_TRUE(engine.tick(parse_timestamp("2025-03-01T00:00:00Z")).fired.empty()) << "once";
    EXPECT_TRUE(engine.tick(parse_timestamp("2025-03-01T00:00:00Z")).fired.empty());
    EXPECT_EQ(engine.history("14/1923").size(), 2u);
}

TEST_F(PaperTest, AfterALongGapATickCatchesUpEverythingThatFellDueMeanwhile)
{
    res::ResolutionEngine resolutions{engine};
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    engine.fire("14/2001", Recommend{}, sitzungsdienst);
    schedule("14/2001");
    engine.fire("14/2001", Decide{}, sitzungsdienst);
    for (const char* due : {"2025-04-30", "2025-06-30", "2025-12-31"}) {
        res::Resolution r;
        r.paper = "14/2001";
        r.office = "FB 5";
        r.task = std::string("Aufgabe bis ") + due;
        r.due = parse_date(due);
        resolutions.create(std::string("R-") + due, r, sitzungsdienst);
    }
    submitted_anfragen(engine, 3);
    // The machine was off from February to August.
    const Timestamp august = parse_timestamp("2025-08-15T06:00:00Z");
    clock->set(august);
    const TickReport papers = engine.tick(august);
    const TickReport late = resolutions.tick(august);
    EXPECT_EQ(papers.fired.size(), 3u);
    ASSERT_EQ(late.fired.size(), 2u) << "the one due in December is not";
    EXPECT_EQ(late.fired[0].instance, "R-2025-04-30");
    EXPECT_EQ(late.fired[0].due, parse_timestamp("2025-05-01T00:00:00Z"));
    EXPECT_EQ(late.fired[1].due, parse_timestamp("2025-07-01T00:00:00Z"));
    EXPECT_EQ(resolutions.engine().data("R-2025-04-30").overdue_since, august);
    EXPECT_TRUE(resolutions.tick(august).fired.empty());
    // The due date moves: it can become overdue again, for the new date, once.
    resolutions.fire("R-2025-06-30", res::Extend{parse_date("2025-09-30"), "Nachfrist"}, sitzungsdienst);
    EXPECT_TRUE(resolutions.tick(parse_timestamp("2025-09-30T23:00:00Z")).fired.empty());
    clock->set(parse_timestamp("2026-02-01T00:00:00Z"));
    const TickReport again = resolutions.tick(parse_timestamp("2026-02-01T00:00:00Z"));
    ASSERT_EQ(again.fired.size(), 2u);
    EXPECT_EQ(again.fired[0].instance, "R-2025-06-30");
    EXPECT_EQ(again.fired[1].instance, "R-2025-12-31");
}

TEST(Tick, WhatThePolicyRefusesIsReportedAndTriedAgainLater)
{
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    auto policy = std::make_shared<const Policy>(default_policy());
    PaperEngine engine{PaperConfig{}, clock, nullptr, EngineOptions{100000, policy}};
    engine.create("14/1923", anfrage(), sitzungsdienst);
    engine.fire("14/1923", Submit{}, Actor{"x", "fraktion", "Fraktion Die Linke"});
    clock->set(parse_timestamp("2025-03-01T00:00:00Z"));
    const TickReport refused = engine.tick(clock->now(), Actor{"cron", "fraktion", ""});
    EXPECT_TRUE(refused.fired.empty());
    ASSERT_EQ(refused.refused.size(), 1u);
    EXPECT_NE(refused.refused[0].reason.find("not permitted"), std::string::npos) << refused.refused[0].reason;
    EXPECT_EQ(engine.version("14/1923"), 1u);
    EXPECT_EQ(engine.tick(clock->now()).fired.size(), 1u) << "the system may";
}

/// A store that notes which instances are read one by one, and refuses to write a transition
/// whose summary holds a given text (as a full disk or a busy file would refuse it).
class WatchedStore final : public ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    /// Appends whose summary contains this are refused; none when empty.
    std::string refuse{};

    std::set<std::string> read() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return read_;
    }
    std::optional<StoredInstance> load(std::string_view l, std::string_view id) override
    {
        note(id);
        return ForwardingStore::load(l, id);
    }
    std::optional<std::uint64_t> version(std::string_view l, std::string_view id) override
    {
        note(id);
        return ForwardingStore::version(l, id);
    }
    std::vector<StoredTransition> history(std::string_view l, std::string_view id) override
    {
        note(id);
        return ForwardingStore::history(l, id);
    }
    void append(const StoredInstance& a, const StoredTransition& t) override
    {
        check(t);
        ForwardingStore::append(a, t);
    }
    void append(StoredInstance&& a, StoredTransition&& t) override
    {
        check(t);
        ForwardingStore::append(std::move(a), std::move(t));
    }

private:
    void note(std::string_view id)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        read_.emplace(id);
    }
    void check(const StoredTransition& t) const
    {
        if (!refuse.empty() && t.summary.find(refuse) != std::string::npos)
            throw StoreError("the disk is full (refusing '" + t.summary + "')", 13);
    }
    mutable std::mutex mutex_;
    std::set<std::string> read_;
};

TEST(Tick, ATimerThatIsRefusedDoesNotStopTheInstancesOtherDueTimers)
{
    // Three Wiedervorlagen of one case fall due while the machine is off; the store refuses to
    // record the first. The other two are still fired, and the first by a later tick.
    using namespace kim_test;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    auto store = std::make_shared<WatchedStore>(make_memory_store());
    CaseEngine cases{CaseConfig{}, clock, store};
    open_case(cases, "K-1", castrop_rauxel(), caritas);
    for (const char* day : {"2025-03-10", "2025-03-12", "2025-03-14"})
        cases.fire("K-1", kim::FollowUpOn{parse_date(day), ""}, caritas);
    clock->set(parse_timestamp("2025-03-20T06:00:00Z"));
    store->refuse = "number=1,";
    const TickReport report = cases.tick(clock->now());
    ASSERT_EQ(report.refused.size(), 1u);
    EXPECT_EQ(report.refused[0].instance, "K-1");
    EXPECT_EQ(report.refused[0].event, "follow_up_due");
    EXPECT_EQ(report.refused[0].due, parse_timestamp("2025-03-10T00:00:00Z"));
    EXPECT_NE(report.refused[0].reason.find("disk is full"), std::string::npos) << report.refused[0].reason;
    ASSERT_EQ(report.fired.size(), 2u) << "the refusal of the first stopped the others";
    EXPECT_EQ(report.fired[0].due, parse_timestamp("2025-03-12T00:00:00Z"));
    EXPECT_EQ(report.fired[1].due, parse_timestamp("2025-03-14T00:00:00Z"));
    const auto follow_ups = cases.data("K-1").follow_ups;
    EXPECT_FALSE(follow_ups[0].fell_due_at);
    EXPECT_TRUE(follow_ups[1].fell_due_at && follow_ups[2].fell_due_at);
    store->refuse.clear();
    const TickReport again = cases.tick(clock->now());
    ASSERT_EQ(again.fired.size(), 1u) << "tried again";
    EXPECT_EQ(again.fired[0].due, parse_timestamp("2025-03-10T00:00:00Z"));
    EXPECT_TRUE(again.refused.empty());
}

TEST(Tick, TheQueryForWhatIsDueUsesTheTimerIndex)
{
    TempFile file;
    SqliteStore store(file.path());
    InstanceQuery due{"paper"};  // what EngineCore::tick asks
    due.timer_until = kEnd;
    std::string plan;
    for (const auto& line : store.explain(SqliteStore::find_sql(due))) plan += line + "\n";
    EXPECT_NE(plan.find("instance_by_timer"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN instance"), std::string::npos) << plan;
}

TEST(Tick, ATickOverManyInstancesReadsOnlyTheDueOnes)
{
    TempFile file;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2024-12-02T09:00:00Z"));
    auto sqlite = std::make_shared<SqliteStore>(file.path());
    {
        PaperEngine writer{PaperConfig{}, clock, sqlite};
        submitted_anfragen(writer, 3, "early/");  // due 2024-12-31
        clock->set(parse_timestamp("2025-01-06T09:00:00Z"));
        submitted_anfragen(writer, 300, "late/");  // due 2025-02-04
    }
    // A new engine has nothing in memory: what it reads, the tick asked for.
    auto watched = std::make_shared<WatchedStore>(sqlite);
    PaperEngine engine{PaperConfig{}, clock, watched};
    clock->set(parse_timestamp("2025-01-10T00:00:00Z"));
    const TickReport report = engine.tick(clock->now());
    EXPECT_EQ(report.fired.size(), 3u);
    const std::set<std::string> read = watched->read();
    ASSERT_EQ(read.size(), 3u) << "the tick read instances that were not due";
    EXPECT_EQ(read, (std::set<std::string>{"early/0", "early/1", "early/2"}));
    EXPECT_EQ(engine.resident(), 3u);
}

/// Both ways to tick at once: one engine from two threads, and two engines (two connections to
/// one file) from two threads. Each paper's answer_overdue fires exactly once between them.
void expect_each_once(PaperEngine& a, PaperEngine& b, int papers)
{
    std::atomic<std::size_t> fired{0}, others{0};
    std::vector<std::thread> threads;
    for (PaperEngine* e : {&a, &b})
        threads.emplace_back([&, e] {
            for (int round = 0; round < 3; ++round) {
                const TickReport r = e->tick(parse_timestamp("2025-02-05T00:00:00Z"));
                fired += r.fired.size();
                others += r.taken_by_others;
                EXPECT_TRUE(r.refused.empty()) << r.refused.front().reason;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(fired.load(), static_cast<std::size_t>(papers));
    for (const auto& [id, n] : count_of(a, "answer_overdue")) EXPECT_EQ(n, 1) << id;
    testing::Test::RecordProperty("taken_by_others", std::to_string(others.load()));
}

TEST(Tick, TwoThreadsOnOneEngineFireEachOnce)
{
    for (bool on_disk : {false, true}) {
        TempFile file;
        auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
        std::shared_ptr<Store> store = on_disk ? std::shared_ptr<Store>(std::make_shared<SqliteStore>(file.path()))
                                               : make_memory_store();
        PaperEngine engine{PaperConfig{}, clock, store};
        submitted_anfragen(engine, 200);
        clock->set(parse_timestamp("2025-02-05T00:00:00Z"));
        expect_each_once(engine, engine, 200);
    }
}

TEST(Tick, TwoConnectionsToOneFileFireEachOnce)
{
    TempFile file;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    PaperEngine a{PaperConfig{}, clock, std::make_shared<SqliteStore>(file.path())};
    submitted_anfragen(a, 200);
    PaperEngine b{PaperConfig{}, clock, std::make_shared<SqliteStore>(file.path())};
    clock->set(parse_timestamp("2025-02-05T00:00:00Z"));
    expect_each_once(a, b, 200);
    EXPECT_TRUE(a.store()->verify_chain().ok());
}

#if KIMFLOW_TEST_POSTGRESQL
// The same on PostgreSQL: two nodes, each with its connection to one database, tick at once.
TEST(Tick, TwoConnectionsToOnePostgresqlDatabaseFireEachOnce)
{
    kimflow_test::PgDatabase db;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    PaperEngine a{PaperConfig{}, clock, std::make_shared<PgStore>(db.connection())};
    submitted_anfragen(a, 200);
    PaperEngine b{PaperConfig{}, clock, std::make_shared<PgStore>(db.connection())};
    clock->set(parse_timestamp("2025-02-05T00:00:00Z"));
    expect_each_once(a, b, 200);
    EXPECT_TRUE(a.store()->verify_chain().ok());
}
#endif

TEST(Tick, AFileFromBeforeTimersWereIndexedIsIndexedByItsFirstTick)
{
    TempFile file;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    {
        PaperEngine engine{PaperConfig{}, clock, std::make_shared<SqliteStore>(file.path())};
        submitted_anfragen(engine, 2);
        clock->set(parse_timestamp("2025-01-25T09:00:00Z"));
        engine.create("B/1", anfrage("B/1"), fraktion);
        engine.fire("B/1", Submit{}, fraktion);  // due 2025-02-23
    }
    {
        // The layout of schema 4: no timer column, and its version number.
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec("DROP INDEX instance_by_timer");
        db.exec("ALTER TABLE instance DROP COLUMN timer_at");
        db.exec("PRAGMA user_version = 4");
    }
    PaperEngine engine{PaperConfig{}, clock, std::make_shared<SqliteStore>(file.path())};
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READONLY);
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM instance WHERE timer_at = 0").getInt(), 3)
            << "migrated rows are marked: not known yet";
    }
    clock->set(parse_timestamp("2025-02-10T00:00:00Z"));
    const TickReport report = engine.tick(clock->now());
    EXPECT_EQ(report.fired.size(), 2u);
    SQLite::Database db(file.path(), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM instance WHERE timer_at = 0").getInt(), 0);
    SQLite::Statement b1(db, "SELECT timer_at FROM instance WHERE id = 'B/1'");
    ASSERT_TRUE(b1.executeStep());
    EXPECT_EQ(b1.getColumn(0).getInt64(),
              parse_timestamp("2025-02-23T00:00:00Z").time_since_epoch().count())
        << "the paper not yet due got its real timer";
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM instance WHERE timer_at IS NULL").getInt(), 2)
        << "the fired ones have no timer left";
    clock->set(parse_timestamp("2025-02-23T00:00:00Z"));
    EXPECT_EQ(engine.tick(clock->now()).fired.size(), 1u);
}

TEST(Tick, RulesThatShortenAPeriodReachTheTimersThroughResetTimers)
{
    TempFile file;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    auto store = std::make_shared<SqliteStore>(file.path());
    {
        PaperEngine engine{PaperConfig{}, clock, store};  // 28 days: the key says 2025-02-04
        submitted_anfragen(engine, 2);
    }
    PaperConfig shorter;
    shorter.defaults.answer_period_days = 10;  // due 2025-01-16, overdue from 2025-01-17
    PaperEngine engine{shorter, clock, store};
    clock->set(parse_timestamp("2025-01-20T00:00:00Z"));
    EXPECT_TRUE(engine.tick(clock->now()).fired.empty()) << "the stored keys still say February";
    store->reset_timers("paper");  // what `kimctl rules paper` does with the new rules
    const TickReport report = engine.tick(clock->now());
    ASSERT_EQ(report.fired.size(), 2u);
    EXPECT_EQ(report.fired[0].due, parse_timestamp("2025-01-17T00:00:00Z"));
}

TEST(Tick, ResolutionsAndPaperWritesOnTwoThreadsDoNotWaitForEachOther)
{
    // A unit over both engines takes both gates before the transaction: a paper fire or tick on
    // another thread, holding the papers' gate and waiting for the store, cannot deadlock it.
    TempFile file;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    auto store = std::make_shared<SqliteStore>(file.path());
    PaperEngine papers{PaperConfig{}, clock, store};
    res::ResolutionEngine resolutions{papers};
    constexpr int kPapers = 40;
    for (int i = 0; i < kPapers; ++i) {
        const std::string ref = "D/" + std::to_string(i);
        Paper p = antrag(ref);
        p.consultations = {{kRat, ConsultationRole::entscheidung, true}};
        papers.create(ref, p, fraktion);
        papers.fire(ref, Submit{}, fraktion);
        Schedule s;
        s.meeting_date = parse_date("2025-03-01");
        papers.fire(ref, s, sitzungsdienst);
        papers.fire(ref, Decide{}, sitzungsdienst);
    }
    submitted_anfragen(papers, 60);
    clock->set(parse_timestamp("2025-02-10T00:00:00Z"));
    std::atomic<int> settled{0};
    std::thread carrying_out([&] {
        for (int i = 0; i < kPapers; ++i) {
            const std::string ref = "D/" + std::to_string(i), id = "R-" + std::to_string(i);
            res::Resolution r;
            r.paper = ref;
            r.office = "FB 5";
            r.task = "t";
            r.due = parse_date("2025-12-31");
            resolutions.create(id, r, sitzungsdienst);
            resolutions.fire(id, res::Complete{"erledigt"}, Actor{"amt", "verwaltung", "FB 5"});
            ++settled;
        }
    });
    std::size_t fired = 0;
    for (int round = 0; round < 20; ++round) fired += papers.tick(clock->now()).fired.size();
    carrying_out.join();
    EXPECT_EQ(settled.load(), kPapers);
    EXPECT_EQ(fired, 60u);
    for (int i = 0; i < kPapers; ++i) EXPECT_EQ(papers.state("D/" + std::to_string(i)), "completed");
}

TEST(Tick, ADayNoClockReachesNeverFallsDue)
{
    // Damaged data may hold a day millions of years away: no timer, and no overflow.
    const Date far{date::days{1702064993}};
    EXPECT_EQ(start_of(far), Timestamp::max());
    EXPECT_EQ(end_of(far), Timestamp::max());
    EXPECT_EQ(start_of(Date{date::days{-1702064993}}), Timestamp::min());
    EXPECT_EQ(end_of(Date{date::days{-1702064993}}), Timestamp::min());
    EXPECT_FALSE(format_timestamp(Timestamp::min()).empty()) << "no overflow at the ends of the range";
    EXPECT_FALSE(format_timestamp(Timestamp::max()).empty());
    EXPECT_EQ(end_of(parse_date("2025-05-31")), parse_timestamp("2025-06-01T00:00:00Z"));
    res::Resolution r;
    r.due = far;
    EXPECT_TRUE(res::ResolutionLifecycle::timers(r, "open", res::ResolutionConfig{}).empty());
    kim::KimCase c;
    kim::FollowUp f;
    f.date = far;
    c.follow_ups.push_back(f);
    f.date = Date{date::days{-1702064993}};
    c.follow_ups.push_back(f);
    EXPECT_TRUE(kim::CaseLifecycle::timers(c, "monitoring", kim::CaseConfig{}).empty());
}

}  // namespace
