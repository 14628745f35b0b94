// kimflow::Engine on a store: what is acknowledged is stored, and comes back exactly. Each test runs
// on SqliteStore and on PgStore (a database of its own on the tests' PostgreSQL server), with
// the same assertions; a full disk is SQLite's alone (a page limit of the file).
#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/kim/follow_up.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/deadlines.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "complaint_lifecycle.hpp"
#include "forwarding_store.hpp"
#include "temp_file.hpp"
#if KIMFLOW_TEST_POSTGRESQL
#include <kimflow/store/pg_store.hpp>

#include "pg_test_server.hpp"
#endif

using namespace kimflow;

namespace {

const Actor clerk{"clerk", "verwaltung", "rvr"};

/// A store that passes every call on to another, notes which instances were read one by one
/// (load, version, history), and can fail its next outermost commit as a busy database does.
class WatchedStore final : public ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    /// The ids read one by one so far (single-threaded tests only).
    std::set<std::string> touched;
    bool fail_next_commit = false;

    std::optional<StoredInstance> load(std::string_view l, std::string_view id) override
    {
        touched.emplace(id);
        return ForwardingStore::load(l, id);
    }
    std::optional<std::uint64_t> version(std::string_view l, std::string_view id) override
    {
        touched.emplace(id);
        return ForwardingStore::version(l, id);
    }
    std::vector<StoredTransition> history(std::string_view l, std::string_view id) override
    {
        touched.emplace(id);
        return ForwardingStore::history(l, id);
    }
    void begin() override
    {
        inner().begin();
        ++depth_;
    }
    void commit() override
    {
        if (--depth_ == 0 && std::exchange(fail_next_commit, false)) {
            inner().rollback();  // as the stores do when their COMMIT fails
            throw StoreBusy("busy while committing: another connection holds it; try again later", 5 /* SQLITE_BUSY */);
        }
        inner().commit();
    }
    void rollback() override
    {
        --depth_;
        inner().rollback();
    }

private:
    int depth_ = 0;
};

class EngineStoreTest : public ::testing::TestWithParam<std::string> {
protected:
    TempFile file;
#if KIMFLOW_TEST_POSTGRESQL
    std::unique_ptr<kimflow_test::PgDatabase> database;  // the postgresql backend's, made on first open
#endif
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));

    /// A new connection to the test's database: a second call gives a second connection to the
    /// same file or database, as a second process or node would have.
    std::shared_ptr<Store> open(std::chrono::milliseconds busy_timeout = std::chrono::milliseconds(5000))
    {
#if KIMFLOW_TEST_POSTGRESQL
        if (GetParam() == "postgresql") {
            if (!database) database = std::make_unique<kimflow_test::PgDatabase>();
            PgOptions options;
            options.busy_timeout = busy_timeout;
            return std::make_shared<PgStore>(database->connection(), options);
        }
#endif
        SqliteOptions options;
        options.busy_timeout = busy_timeout;
        return std::make_shared<SqliteStore>(file.path(), options);
    }

    paper::PaperEngine papers(std::shared_ptr<Store> store = nullptr)
    {
        return paper::PaperEngine(paper::PaperConfig{}, clock, store ? store : open());
    }
};

paper::Paper anfrage(const std::string& ref)
{
    paper::Paper p;
    p.reference = ref;
    p.type = paper::PaperType::anfrage;
    p.title = "Zusammenarbeit der Kommunalen Integrationszentren";
    p.body = "Regionalverband Ruhr";
    p.originator = "Fraktion Die Linke";
    p.consultations.push_back({"Ausschuss für Kultur, Sport und Vielfalt", paper::ConsultationRole::kenntnisnahme});
    return p;
}

TEST_P(EngineStoreTest, APaperComesBackExactlyInANewEngine)
{
    {
        auto engine = papers();
        engine.create("14/1923", anfrage("14/1923"), clerk);
        engine.fire("14/1923", paper::Submit{}, clerk);
        clock->set(parse_timestamp("2025-01-27T10:00:00Z"));
        engine.fire("14/1923", paper::Answer{"14/1923-1"}, clerk);
        engine.fire("14/1923", "schedule", Fields{{"meeting_date", "2025-02-06"}, {"agenda_item", "9.2"}}, clerk);
    }
    auto engine = papers();  // as after a restart
    const auto view = engine.view("14/1923");
    EXPECT_EQ(view.states, std::vector<std::string_view>{"on_agenda"});
    EXPECT_EQ(view.version, 3u);
    EXPECT_EQ(view.data.answer_reference, "14/1923-1");
    EXPECT_EQ(view.data.related_papers, std::vector<std::string>{"14/1923-1"});
    EXPECT_EQ(view.data.consultations.at(0).agenda_item, "9.2");
    EXPECT_EQ(view.data.consultations.at(0).meeting_date, parse_date("2025-02-06"));
    EXPECT_EQ(view.data.current_consultation, 0u);
    EXPECT_EQ(view.data.waiting_state, "answered");
    EXPECT_EQ(view.data.submitted_at, parse_timestamp("2025-01-06T09:00:00Z"));
    EXPECT_EQ(view.created_by, clerk);
    EXPECT_EQ(view.allowed_events,
              (std::vector<std::string_view>{"acknowledge", "recommend", "postpone", "refer", "withdraw"}));
    const auto history = engine.history("14/1923");
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[1].event, "answer");
    EXPECT_EQ(history[1].from, "submitted");
    EXPECT_EQ(history[1].to, "answered");
    EXPECT_EQ(history[1].actor, clerk);
    EXPECT_EQ(history[1].at, parse_timestamp("2025-01-27T10:00:00Z"));
    EXPECT_EQ(history[1].payload, "answer_reference=14/1923-1");
    // It goes on where it stopped.
    EXPECT_EQ(engine.fire("14/1923", paper::Acknowledge{}, clerk).to, "acknowledged");
}

TEST_P(EngineStoreTest, AKimCaseComesBackWithItsConsentAndThePhaseItResumesTo)
{
    using namespace kimflow::kim;
    const Actor cm{"cm-1", "case_manager", "caritas"};
    {
        CaseEngine engine(CaseConfig{}, clock, open());
        open_case(engine, "K-1", Open{"Castrop-Rauxel", "Caritas", "cm-1", "Kreis Recklinghausen"}, cm);
        engine.fire("K-1", GrantConsent{{"Jobcenter"}, "Arbeit"}, cm);
        engine.fire("K-1", Accept{}, cm);
        engine.fire("K-1", CompleteAssessment{}, cm);
        engine.fire("K-1", AddGoal{"Arbeit"}, cm);
        engine.fire("K-1", AgreePlan{}, cm);
        engine.fire("K-1", Pause{"Urlaub"}, cm);
    }
    CaseEngine engine(CaseConfig{}, clock, open());
    EXPECT_EQ(engine.view("K-1").states, (std::vector<std::string_view>{"granted", "paused"}));
    EXPECT_EQ(engine.data("K-1").consent.recipients, std::vector<std::string>{"Jobcenter"});
    EXPECT_EQ(engine.fire("K-1", Resume{}, cm).to, "linking");
    EXPECT_EQ(engine.fire("K-1", Refer{"Jobcenter", Rechtskreis::sgb2}, cm).to, "linking");
    EXPECT_EQ(engine.history("K-1").size(), 9u);
    EXPECT_EQ(engine.history("K-1").front().event, "open");
}

TEST_P(EngineStoreTest, ARejectedOrFailedFireWritesNothing)
{
    auto store = open();
    auto engine = papers(store);
    engine.create("A", anfrage("A"), clerk);
    EXPECT_THROW(engine.fire("A", paper::Decide{}, clerk), EventNotAllowed);
    EXPECT_THROW(engine.create("B", anfrage("B"), clerk, paper::Decide{}), EventNotAllowed);
    EXPECT_EQ(store->version("paper", "A"), 0u);
    EXPECT_TRUE(store->history("paper", "A").empty());
    EXPECT_FALSE(store->version("paper", "B"));
    EXPECT_THROW(engine.create("A", anfrage("A"), clerk), DuplicateInstance);
}

TEST_P(EngineStoreTest, TwoConnectionsOnOneFileSeeEachOthersWrites)
{
    auto first = papers(open());
    auto second = papers(open());
    first.create("A", anfrage("A"), clerk);
    EXPECT_EQ(second.state("A"), "draft");
    first.fire("A", paper::Submit{}, clerk);
    // second's copy in memory was at version 0: it reloads and goes on from version 1
    EXPECT_EQ(second.fire("A", paper::Answer{"A-1"}, clerk).version, 2u);
    EXPECT_EQ(first.state("A"), "answered");
    // A fire that names the version it read is refused once the other has moved on.
    const auto seen = first.version("A");
    second.fire("A", paper::Withdraw{"zurückgezogen"}, clerk);
    EXPECT_THROW(first.fire("A", "schedule", Fields{{"meeting_date", "2030-01-01"}}, clerk, seen), VersionConflict);
    EXPECT_EQ(first.state("A"), "withdrawn");
    EXPECT_EQ(first.history("A").size(), 3u);
}

// Two engines of one lifecycle on one store object share a connection: neither may trust its
// copy in memory after the other has written, nor after a rollback has undone its own fire.
TEST_P(EngineStoreTest, TwoEnginesOnOneStoreObjectSeeEachOthersWritesAndRollbacks)
{
    auto store = open();
    auto first = papers(store);
    auto second = papers(store);
    first.create("A", anfrage("A"), clerk);
    EXPECT_EQ(second.state("A"), "draft");  // now in second's memory too
    first.fire("A", paper::Submit{}, clerk);
    EXPECT_EQ(second.fire("A", paper::Answer{"A-1"}, clerk).version, 2u);
    EXPECT_EQ(first.state("A"), "answered");
    {
        auto unit = first.unit_of_work();
        second.fire("A", paper::Withdraw{"zurückgezogen"}, clerk);  // inside first's transaction
        EXPECT_EQ(second.state("A"), "withdrawn");
    }  // first's unit rolls back, and second's fire with it
    EXPECT_EQ(second.state("A"), "answered");
    EXPECT_EQ(second.version("A"), 2u);
    EXPECT_EQ(second.fire("A", paper::Withdraw{"zurückgezogen"}, clerk).version, 3u);
    EXPECT_EQ(first.history("A").size(), 3u);
}

TEST_P(EngineStoreTest, AUnitOfWorkCommitsAllOrNothing)
{
    auto store = open();
    auto engine = papers(store);
    std::vector<std::string> heard;
    engine.observe([&](const paper::PaperEngine::Notice& n) { heard.push_back(n.instance); });
    {
        auto unit = engine.unit_of_work();
        for (int i = 0; i < 20; ++i) engine.create("U" + std::to_string(i), anfrage("U" + std::to_string(i)), clerk,
                                                   paper::Submit{});
        EXPECT_TRUE(heard.empty()) << "observers hear after the commit";
        EXPECT_THROW(engine.fire("U0", paper::Decide{}, clerk), EventNotAllowed);  // the unit goes on
        engine.fire("U0", paper::Answer{"U0-1"}, clerk);
        unit.commit();
    }
    EXPECT_EQ(heard.size(), 21u);
    EXPECT_EQ(store->count("paper"), 20u);
    EXPECT_EQ(store->version("paper", "U0"), 2u);

    {
        auto unit = engine.unit_of_work();
        engine.fire("U1", paper::Answer{"U1-1"}, clerk);
        engine.create("V", anfrage("V"), clerk);
        EXPECT_THROW(engine.unit_of_work(), Error);
        // destroyed without commit: rolled back
    }
    EXPECT_EQ(store->count("paper"), 20u);
    EXPECT_EQ(store->version("paper", "U1"), 1u);
    EXPECT_EQ(engine.state("U1"), "submitted") << "memory follows the store after a rollback";
    EXPECT_FALSE(engine.contains("V"));
    EXPECT_EQ(heard.size(), 21u);
}

TEST_P(EngineStoreTest, AnAttemptInAUnitUndoesItsOwnPartAlone)
{
    auto store = open();
    auto engine = papers(store);
    std::vector<std::string> heard;
    engine.observe([&](const paper::PaperEngine::Notice& n) { heard.push_back(n.instance + " " + std::string(n.record.event)); });
    {
        auto unit = engine.unit_of_work();
        engine.create("A", anfrage("A"), clerk, paper::Submit{});
        // A part that creates and fires, then fails: all of it is undone, the unit goes on.
        EXPECT_THROW(unit.attempt([&] {
            engine.create("B", anfrage("B"), clerk, paper::Submit{});
            engine.fire("A", paper::Answer{"A-1"}, clerk);
            engine.fire("B", paper::Decide{}, clerk);  // not allowed: the part fails
        }),
                     EventNotAllowed);
        EXPECT_FALSE(engine.contains("B"));
        EXPECT_EQ(engine.state("A"), "submitted") << "memory follows the store after the part's rollback";
        unit.attempt([&] { engine.fire("A", paper::Answer{"A-2"}, clerk); });
        unit.commit();
    }
    EXPECT_EQ(store->count("paper"), 1u);
    EXPECT_EQ(engine.data("A").answer_reference, "A-2");
    EXPECT_EQ(heard, (std::vector<std::string>{"A submit", "A answer"})) << "no notice of what was undone";
    auto ended = engine.unit_of_work();
    ended.commit();
    EXPECT_THROW(ended.attempt([] {}), Error);
}

TEST_P(EngineStoreTest, ARefusalInAnAttemptStaysLoggedWhenTheUnitCommits)
{
    auto store = open();
    EngineOptions options;
    // Everyone may read (as papers are public), so that the stranger's refusal is NotPermitted,
    // not the InstanceNotFound of an instance it may not see.
    options.policy = std::make_shared<const Policy>(
        Policy().allow("paper", "verwaltung", {"*"}, Scope::any).allow("paper", "*", {"read"}, Scope::any));
    paper::PaperEngine engine(paper::PaperConfig{}, clock, store, options);
    const Actor stranger{"x", "fraktion", "SPD"};
    {
        auto unit = engine.unit_of_work();
        engine.create("A", anfrage("A"), clerk, paper::Submit{});
        // The part is undone with its savepoint, the refusal in it is not.
        EXPECT_THROW(unit.attempt([&] { engine.fire("A", paper::Withdraw{"zurückgezogen"}, stranger); }), NotPermitted);
        unit.commit();
    }
    const auto denials = store->denials("paper", "A");
    ASSERT_EQ(denials.size(), 1u);
    EXPECT_EQ(denials[0].action, "withdraw");
    EXPECT_EQ(denials[0].actor.id, "x");
    EXPECT_TRUE(store->verify_chain().ok());
    {
        // A unit rolled back as a whole keeps it once, too.
        auto unit = engine.unit_of_work();
        EXPECT_THROW(unit.attempt([&] { engine.fire("A", paper::Withdraw{"zurückgezogen"}, stranger); }), NotPermitted);
    }
    EXPECT_EQ(store->denials("paper", "A").size(), 2u);
}

TEST_P(EngineStoreTest, InstancesLoadOnDemandAndMemoryStaysBounded)
{
    complaint::Engine engine(complaint::Settings{}, clock, open(), EngineOptions{50});
    for (int i = 0; i < 300; ++i) engine.create("B" + std::to_string(i), complaint::Complaint{"s"}, clerk);
    for (int i = 0; i < 300; ++i) engine.fire("B" + std::to_string(i), complaint::Review{"r"}, clerk);
    EXPECT_LE(engine.resident(), 50u);
    EXPECT_EQ(engine.size(), 300u);
    std::size_t reviewed = 0;
    engine.for_each([&](const Instance<complaint::Lifecycle>& in) { reviewed += in.state() == "in_review"; });
    EXPECT_EQ(reviewed, 300u);
    EXPECT_LE(engine.resident(), 50u);
}

TEST_P(EngineStoreTest, ThreadsShareAStoreBackedEngine)
{
    complaint::Engine engine(complaint::Settings{}, clock, open(), EngineOptions{8});
    for (int i = 0; i < 16; ++i) engine.create("B" + std::to_string(i), complaint::Complaint{"s"}, clerk,
                                               complaint::Review{"r"});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                const std::string id = "B" + std::to_string((t * 7 + i) % 16);
                if (i % 10 == 0) {
                    auto unit = engine.unit_of_work();
                    engine.fire(id, complaint::AddNote{"batched"}, clerk);
                    unit.commit();
                } else {
                    engine.fire(id, complaint::AddNote{"single"}, clerk);
                }
                (void)engine.view(id);
            }
        });
    }
    for (auto& th : threads) th.join();
    std::uint64_t notes = 0;
    engine.for_each([&](const Instance<complaint::Lifecycle>& in) { notes += in.data().notes.size(); });
    EXPECT_EQ(notes, 200u);
    EXPECT_LE(engine.resident(), 8u);
}

// A fire whose write fails because another connection holds the database keeps nothing of
// itself in memory: the copy it moved on is dropped, and the next read shows what is stored.
TEST_P(EngineStoreTest, AFireThatFindsTheDatabaseBusyIsDroppedFromMemory)
{
    auto store = std::make_shared<WatchedStore>(open(std::chrono::milliseconds(50)));
    auto engine = papers(store);
    engine.create("A", anfrage("A"), clerk, paper::Submit{});
    ASSERT_EQ(engine.resident(), 1u);

    auto holder = open();
    holder->begin();  // another connection (or node) takes the write lock
    EXPECT_THROW(engine.fire("A", paper::Answer{"A-1"}, clerk), StoreBusy);
    EXPECT_EQ(engine.resident(), 0u) << "the copy that was not stored stays in memory";
    EXPECT_EQ(engine.version("A"), 1u);
    EXPECT_EQ(engine.state("A"), "submitted");
    EXPECT_EQ(engine.data("A").answer_reference, "");
    holder->rollback();

    // The same when the write went through and only its commit found the database busy.
    store->fail_next_commit = true;
    EXPECT_THROW(engine.fire("A", paper::Answer{"A-1"}, clerk), StoreBusy);
    EXPECT_EQ(engine.resident(), 0u) << "the copy that was not stored stays in memory";
    EXPECT_EQ(engine.version("A"), 1u);
    EXPECT_EQ(engine.state("A"), "submitted");
    EXPECT_TRUE(engine.data("A").related_papers.empty());
    EXPECT_EQ(engine.fire("A", paper::Answer{"A-2"}, clerk).version, 2u);
    EXPECT_EQ(papers().data("A").answer_reference, "A-2");
}

// A filtered list reads only the instances it lists: the store's keys narrow it, not a walk
// over every instance. A fresh engine has nothing in memory, so each instance it reads is
// asked of the store, one by one.
TEST_P(EngineStoreTest, AFilteredListReadsOnlyTheInstancesItLists)
{
    {
        auto engine = papers();
        for (int i = 0; i < 60; ++i) {
            const std::string id = "P" + std::to_string(i);
            paper::Paper p = anfrage(id);
            p.originator = i % 3 == 0 ? "Fraktion A" : "Fraktion B";
            if (i == 10) clock->set(parse_timestamp("2025-03-03T09:00:00Z"));  // the rest are due later
            if (i < 45) engine.create(id, p, clerk, paper::Submit{});  // due four weeks on
            else engine.create(id, p, clerk);                          // drafts: due never
        }
    }
    const std::set<std::string> early{"P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"};
    auto store = std::make_shared<WatchedStore>(open());
    auto engine = papers(store);
    EXPECT_EQ(engine.find(InstanceQuery{"", "submitted"}).size(), 45u);
    EXPECT_TRUE(store->touched.empty()) << "a find reads no instance";

    const auto overdue = paper::overdue_papers(engine, parse_timestamp("2025-02-10T00:00:00Z"));
    EXPECT_EQ(overdue.size(), early.size());
    EXPECT_EQ(store->touched, early) << "overdue_papers read papers that are not due";

    // A policy that lets a Fraktion read only its own papers: its list reads only those.
    store->touched.clear();
    EngineOptions options;
    options.policy = std::make_shared<const Policy>(Policy().allow("paper", "fraktion", {"read"}, Scope::owner));
    paper::PaperEngine scoped(paper::PaperConfig{}, clock, store, options);
    std::set<std::string> listed;
    scoped.for_each(Actor{"a", "fraktion", "Fraktion A"},
                    [&](const Instance<paper::PaperLifecycle>& in) { listed.insert(in.id()); });
    EXPECT_EQ(listed.size(), 20u);
    EXPECT_EQ(store->touched, listed) << "the list read papers of another Fraktion";
}

TEST_P(EngineStoreTest, QueriesUseTheStoredKeys)
{
    auto engine = papers();
    engine.create("A", anfrage("A"), clerk, paper::Submit{});  // answer due 2025-02-03
    clock->set(parse_timestamp("2025-01-20T09:00:00Z"));
    engine.create("B", anfrage("B"), clerk, paper::Submit{});  // answer due 2025-02-17
    auto overdue = paper::overdue_papers(engine, parse_timestamp("2025-02-10T00:00:00Z"));
    ASSERT_EQ(overdue.size(), 1u);
    EXPECT_EQ(overdue[0].reference, "A");
    EXPECT_EQ(engine.find(InstanceQuery{"", "submitted"}), (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(engine.find(InstanceQuery{"", "", "Fraktion Die Linke"}).size(), 2u);

    using namespace kimflow::kim;
    CaseEngine cases(CaseConfig{}, clock, engine.store());
    const Actor cm{"cm", "case_manager", "agora"};
    open_case(cases, "K-1", Open{"Castrop-Rauxel", "AGORA", "cm", ""}, cm);
    open_case(cases, "K-2", Open{"Datteln", "Caritas", "cm", ""}, cm);
    cases.fire("K-1", FollowUpOn{parse_date("2025-01-25")}, cm);
    cases.fire("K-2", FollowUpOn{parse_date("2025-03-01")}, cm);
    auto due = due_for_follow_up(cases, parse_timestamp("2025-01-25T12:00:00Z"));
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].case_id, "K-1");
    EXPECT_EQ(cases.find(InstanceQuery{"", "", "Caritas"}), std::vector<std::string>{"K-2"});
    EXPECT_EQ(cases.find(InstanceQuery{"", "", "", "Castrop-Rauxel"}), std::vector<std::string>{"K-1"});
    EXPECT_EQ(engine.size(), 2u) << "papers and cases share the file, not their ids";
}

INSTANTIATE_TEST_SUITE_P(Backends, EngineStoreTest,
#if KIMFLOW_TEST_POSTGRESQL
                         ::testing::Values("sqlite", "postgresql"),
#else
                         ::testing::Values("sqlite"),
#endif
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(EngineOnSqlite, AFullDiskLosesNothingAcknowledged)
{
    TempFile file;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    const auto open = [&](SqliteOptions options = {}) { return std::make_shared<SqliteStore>(file.path(), options); };
    {
        complaint::Engine engine(complaint::Settings{}, clock, open());
        engine.create("B", complaint::Complaint{"Lärm"}, clerk, complaint::Review{"r"});
    }
    SqliteOptions tight;
    tight.max_page_count = 8;  // a handful of 4 KiB pages: the disk is full soon
    complaint::Engine engine(complaint::Settings{}, clock, open(tight));
    std::uint64_t acknowledged = 1;
    const std::string note(600, 'n');
    bool full = false;
    for (int i = 0; i < 1000 && !full; ++i) {
        try {
            acknowledged = engine.fire("B", complaint::AddNote{note}, clerk).version;
        } catch (const StoreFull& e) {
            full = true;
            EXPECT_NE(std::string(e.what()).find("full"), std::string::npos);
        }
    }
    ASSERT_TRUE(full) << "the page limit was never reached";
    EXPECT_EQ(engine.version("B"), acknowledged) << "memory follows the store after a failed write";
    complaint::Engine reopened(complaint::Settings{}, clock, open());
    EXPECT_EQ(reopened.version("B"), acknowledged);
    EXPECT_EQ(reopened.data("B").notes.size(), acknowledged - 1);
    EXPECT_EQ(reopened.history("B").size(), acknowledged);
}

}  // namespace
