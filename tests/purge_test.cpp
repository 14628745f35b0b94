// Erasure and retention: purge() erases the personal data of cases past their retention period,
// erase() on request (DSGVO art. 17); the figures, the states and the hash chain stay, and the
// erased text is nowhere in the database's files afterwards.
#include <memory>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <kimflow/default_policy.hpp>
#include <kimflow/io/kim_report.hpp>
#include <kimflow/store/sqlite_store.hpp>
#include <kimflow/core/verify.hpp>

#include "kim_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kim_test;

const Actor administrator{"it-admin", "administrator", "Kreis Recklinghausen"};
const Actor agora{"cm-agora-7", "case_manager", "agora"};

// Text about the client, unique enough to be searched for in the raw file.
const std::string kGoal = "Sprachkurs-B1-fuer-Klientin-QX7Z";
const std::string kPurpose = "Arbeitsmarkt-und-Gesundheit-QX7Z";
// Long enough to spill into SQLite's overflow pages, which an erasure frees.
const std::string kNote = "zog-zu-Verwandten-nach-Dortmund-QX7Z" + std::string(6000, '.');
const std::string kPause = "Krankenhausaufenthalt-QX7Z";
const std::string kMarker = "QX7Z";

class PurgeTest : public ::testing::Test {
protected:
    TempFile file;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2020-02-03T09:00:00Z"));
    EngineOptions options = [] {
        EngineOptions o;
        o.policy = std::make_shared<const Policy>(default_policy());
        return o;
    }();
    std::unique_ptr<CaseEngine> engine = make_engine();

    std::unique_ptr<CaseEngine> make_engine()
    {
        return std::make_unique<CaseEngine>(CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path()), options);
    }
    void at(const char* when) { clock->set(parse_timestamp(when)); }

    /// A case worked through every phase, with goals, a pause and a referral, closed on @p closed.
    void closed_case(const std::string& id, const char* closed)
    {
        open_case(*engine, id, castrop_rauxel(), caritas);
        engine->fire(id, GrantConsent{{kJobcenter}, kPurpose}, caritas);
        engine->fire(id, Accept{}, caritas);
        engine->fire(id, CompleteAssessment{}, caritas);
        engine->fire(id, AddGoal{kGoal}, caritas);
        engine->fire(id, AddGoal{"Wohnung-QX7Z"}, caritas);
        engine->fire(id, AgreePlan{}, caritas);
        engine->fire(id, Refer{kJobcenter, Rechtskreis::sgb2}, caritas);
        engine->fire(id, StartMonitoring{}, caritas);
        engine->fire(id, Pause{kPause}, caritas);
        engine->fire(id, Resume{}, caritas);
        engine->fire(id, Evaluate{}, caritas);
        at(closed);
        engine->fire(id, Close{ClosureReason::moved_away, kNote}, caritas);
    }

    std::string report_json()
    {
        return to_json(make_report(*engine, parse_date("2019-01-01"), parse_date("2030-12-31"))).dump();
    }

    /// Every byte of the database's files.
    std::string raw_files() const
    {
        return read_text(file.path()) + read_text(file.path() + "-wal") + read_text(file.path() + "-journal");
    }
};

TEST_F(PurgeTest, ErasesAtTheEndOfTheFifthCalendarYearAfterClosureNotBefore)
{
    closed_case("K-2020", "2020-06-15T10:00:00Z");
    closed_case("K-2021", "2021-01-04T10:00:00Z");
    EXPECT_TRUE(engine->purge(parse_timestamp("2025-12-31T23:59:59Z"), administrator).empty());
    EXPECT_EQ(engine->data("K-2020").goals[0], kGoal);

    EXPECT_EQ(engine->purge(parse_timestamp("2026-01-01T00:00:00Z"), administrator),
              (std::vector<std::string>{"K-2020"}));
    EXPECT_EQ(engine->data("K-2021").goals[0], kGoal);
    EXPECT_EQ(engine->purge(parse_timestamp("2027-01-01T00:00:00Z"), administrator),
              (std::vector<std::string>{"K-2021"}));
    // Purging again finds nothing new.
    EXPECT_TRUE(engine->purge(parse_timestamp("2030-01-01T00:00:00Z"), administrator).empty());
}

TEST_F(PurgeTest, KeepsStatePhasesFiguresAndTheTrailButNotTheTextAboutTheClient)
{
    closed_case("K-1", "2020-06-15T10:00:00Z");
    const auto before = engine->view("K-1");
    const std::string figures = report_json();
    at("2026-01-02T08:00:00Z");
    ASSERT_EQ(engine->purge(clock->now(), administrator).size(), 1u);

    const auto after = engine->view("K-1");
    EXPECT_EQ(after.states, before.states);
    EXPECT_EQ(after.version, before.version + 1);
    const KimCase& c = after.data;
    ASSERT_EQ(c.goals.size(), 2u);  // how many goals there were is a figure
    EXPECT_EQ(c.goals[0], "");
    EXPECT_EQ(c.consent.purpose, "");
    EXPECT_EQ(c.note, "");
    EXPECT_EQ(c.consent.recipients, before.data.consent.recipients);
    EXPECT_EQ(c.closure_reason, ClosureReason::moved_away);
    EXPECT_EQ(c.phases.size(), before.data.phases.size());
    EXPECT_EQ(c.manager, before.data.manager);
    EXPECT_EQ(report_json(), figures);

    const auto log = engine->history("K-1");
    ASSERT_EQ(log.size(), before.version + 1);
    EXPECT_EQ(log[1].payload, "recipients=" + kJobcenter + ", purpose=");
    EXPECT_EQ(log[4].payload, "goal=");
    EXPECT_EQ(log[4].actor, caritas);  // who acted stays
    EXPECT_EQ(log.back().event, erasure_event);
    EXPECT_EQ(log.back().actor, administrator);
    EXPECT_EQ(log.back().from, "closed");
    EXPECT_EQ(log.back().to, "closed");

    auto store = std::make_shared<SqliteStore>(file.path());
    const ChainCheck chain = store->verify_chain();
    EXPECT_TRUE(chain.ok()) << chain.first_break->problem;
    EXPECT_EQ(chain.erased, 5u);  // grant_consent, two add_goal, pause, close
    std::vector<VerifyFinding> findings;
    verify_instances<CaseLifecycle>(*store, findings);
    EXPECT_TRUE(findings.empty()) << findings[0].problem;
}

TEST_F(PurgeTest, NothingErasedRemainsInTheFileTheWalOrFreePages)
{
    closed_case("K-1", "2020-06-15T10:00:00Z");
    open_case(*engine, "K-2", castrop_rauxel(), caritas);  // a case that stays as it is
    engine->fire("K-2", GrantConsent{{kJobcenter}, "Bleibt-stehen-7Y"}, caritas);
    // As SQLite's automatic checkpoints do: the text moves from the WAL into the file itself.
    SqliteStore(file.path()).scrub();
    ASSERT_NE(read_text(file.path()).find(kGoal), std::string::npos) << "the scan would not see the text";
    engine->purge(parse_timestamp("2026-01-01T00:00:00Z"), administrator);
    const std::string while_open = raw_files();
    EXPECT_EQ(while_open.find(kMarker), std::string::npos) << "erased text is still in the database's files";
    engine.reset();
    const std::string closed = raw_files();
    EXPECT_EQ(closed.find(kMarker), std::string::npos) << "erased text is still in the database's files";
    EXPECT_NE(closed.find("Bleibt-stehen-7Y"), std::string::npos);  // what was not erased is kept
}

TEST_F(PurgeTest, ErasureOnRequestWorksOnAnOpenCaseWhichGoesOn)
{
    open_case(*engine, "K-1", castrop_rauxel(), caritas);
    engine->fire("K-1", GrantConsent{{kJobcenter}, kPurpose}, caritas);
    engine->fire("K-1", Accept{}, caritas);
    EXPECT_THROW(engine->erase("K-1", agora), InstanceNotFound);  // AGORA may not even see it
    EXPECT_EQ(engine->data("K-1").consent.purpose, kPurpose);

    const ErasureOutcome done = engine->erase("K-1", caritas, ErasureReason::consent_withdrawn, "Brief vom 2. März");
    EXPECT_TRUE(done.recorded);
    EXPECT_FALSE(done.scrub_pending);
    EXPECT_EQ(engine->data("K-1").consent.purpose, "");
    EXPECT_TRUE(engine->view("K-1").data.consent.names(kJobcenter));
    EXPECT_EQ(engine->history("K-1").back().payload, "reason=consent_withdrawn, note=Brief vom 2. März");
    EXPECT_FALSE(engine->erase("K-1", caritas).recorded) << "nothing recorded since: nothing to log again";
    EXPECT_EQ(engine->state("K-1"), "assessment");
    engine->fire("K-1", CompleteAssessment{}, caritas);  // the case goes on
    EXPECT_EQ(engine->state("K-1"), "planning");
    EXPECT_TRUE(SqliteStore(file.path()).verify_chain().ok());
    engine.reset();
    EXPECT_EQ(raw_files().find(kPurpose), std::string::npos);
}

TEST_F(PurgeTest, AnotherEngineDoesNotWriteErasedDataBack)
{
    open_case(*engine, "K-1", castrop_rauxel(), caritas);
    engine->fire("K-1", GrantConsent{{kJobcenter}, kPurpose}, caritas);
    auto other = make_engine();
    EXPECT_EQ(other->data("K-1").consent.purpose, kPurpose);  // resident in the other engine now
    engine->erase("K-1", caritas);
    // The other engine's copy is older than the store's: it reads the erased one back before it
    // fires, and so writes no personal data back.
    other->fire("K-1", FollowUpOn{parse_date("2020-03-01")}, caritas);
    EXPECT_EQ(other->data("K-1").consent.purpose, "");
    EXPECT_EQ(engine->data("K-1").consent.purpose, "");
    engine.reset();
    other.reset();
    EXPECT_EQ(raw_files().find(kPurpose), std::string::npos);
}

TEST_F(PurgeTest, OnlyWhomThePolicyAllowsMayPurge)
{
    closed_case("K-1", "2020-06-15T10:00:00Z");
    EXPECT_THROW(engine->purge(parse_timestamp("2026-01-01T00:00:00Z"), caritas), NotPermitted);
    EXPECT_EQ(engine->data("K-1").goals[0], kGoal);
    ASSERT_EQ(engine->denials().size(), 1u);
    EXPECT_EQ(engine->denials()[0].action, "purge");
}

TEST_F(PurgeTest, TheHostSetsTheRetentionPeriod)
{
    options.retention = Retention{1};
    engine = make_engine();
    closed_case("K-1", "2020-06-15T10:00:00Z");
    EXPECT_EQ(engine->purge(parse_timestamp("2022-01-01T00:00:00Z"), administrator).size(), 1u);
}

TEST_F(PurgeTest, AnErasedEntryEditedAfterwardsIsCaught)
{
    closed_case("K-1", "2020-06-15T10:00:00Z");
    engine->purge(parse_timestamp("2026-01-01T00:00:00Z"), administrator);
    engine.reset();
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE transition SET summary = 'goal=made up later' WHERE version = 5");
    }
    const ChainCheck c = SqliteStore(file.path()).verify_chain();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->version, 5u);
    EXPECT_NE(c.first_break->problem.find("after erasure"), std::string::npos) << c.first_break->problem;
}

// An engine without a file keeps its cases in an InMemoryStore, which purges as a file does: the
// same path, not a second one.
TEST(PurgeInMemory, ErasesAsOnAFile)
{
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2020-02-03T09:00:00Z"));
    CaseEngine engine(CaseConfig{}, clock);
    open_case(engine, "K-1", castrop_rauxel(), caritas);
    engine.fire("K-1", GrantConsent{{kJobcenter}, kPurpose}, caritas);
    engine.fire("K-1", Accept{}, caritas);
    engine.fire("K-1", CompleteAssessment{}, caritas);
    engine.fire("K-1", AddGoal{kGoal}, caritas);
    clock->set(parse_timestamp("2020-06-15T10:00:00Z"));
    engine.fire("K-1", Abort{ClosureReason::no_contact, kNote}, caritas);

    EXPECT_TRUE(engine.purge(parse_timestamp("2025-12-31T23:59:59Z"), administrator).empty());
    EXPECT_EQ(engine.purge(parse_timestamp("2026-01-01T00:00:00Z"), administrator), std::vector<std::string>{"K-1"});
    const KimCase erased = engine.data("K-1");
    EXPECT_EQ(erased.goals, std::vector<std::string>{""});
    EXPECT_TRUE(erased.note.empty());
    EXPECT_TRUE(erased.consent.purpose.empty());
    for (const auto& r : engine.history("K-1")) EXPECT_EQ(r.payload.find(kMarker), std::string::npos) << r.payload;
    EXPECT_TRUE(engine.store()->verify_chain().ok());
}

}  // namespace
