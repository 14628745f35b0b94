// The audit trail's hash chains: SHA-256 itself, a chain that verifies, edits made with plain
// SQL that it catches, and files of schema 1 that get their chain on migration.
#include <memory>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "store/sha256.hpp"  // private to the library: the tests see src/
#include <kimflow/default_policy.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "kim_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kim_test;

TEST(Sha256, MatchesTheFipsExamples)
{
    EXPECT_EQ(to_hex(Sha256::of("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(Sha256::of("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(Sha256::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // Fed in pieces that straddle the 64-byte blocks, the digest is the same.
    const std::string million(1000000, 'a');
    Sha256 pieces;
    for (std::size_t at = 0; at < million.size(); at += 997) pieces.update(std::string_view(million).substr(at, 997));
    EXPECT_EQ(to_hex(pieces.digest()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/// Three KIM cases with a few transitions each, and one refusal, in a SQLite file.
class AuditChainTest : public ::testing::Test {
protected:
    TempFile file;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));

    void SetUp() override
    {
        EngineOptions options;
        options.policy = std::make_shared<const Policy>(default_policy());
        CaseEngine engine{CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path()), options};
        for (const char* id : {"K-1", "K-2", "K-3"}) {
            open_case(engine, id, castrop_rauxel(), caritas);
            engine.fire(id, GrantConsent{{kJobcenter}, "Arbeitsmarkt"}, caritas);
            engine.fire(id, Accept{}, caritas);
        }
        // AGORA may not read K-2: refused as if it did not exist, and logged all the same.
        EXPECT_THROW(engine.fire("K-2", CompleteAssessment{}, Actor{"x", "case_manager", "agora"}), InstanceNotFound);
    }

    ChainCheck check() { return SqliteStore(file.path()).verify_chain(); }

    void sql(const std::string& statement)
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec(statement);
    }
};

TEST_F(AuditChainTest, AnUntouchedFileVerifies)
{
    const ChainCheck c = check();
    EXPECT_TRUE(c.ok()) << c.first_break->problem;
    EXPECT_EQ(c.transitions, 9u);
    EXPECT_EQ(c.denials, 1u);
    EXPECT_EQ(c.erased, 0u);
    EXPECT_EQ(c.transition_head.size(), 64u);
    EXPECT_EQ(c.denial_head.size(), 64u);
    EXPECT_EQ(check().transition_head, c.transition_head);  // the same file, the same heads
}

TEST_F(AuditChainTest, TheHeadMovesWithEveryEntry)
{
    const ChainCheck before = check();
    {
        CaseEngine engine{CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path())};
        engine.fire("K-1", CompleteAssessment{}, caritas);
    }
    const ChainCheck after = check();
    EXPECT_TRUE(after.ok());
    EXPECT_EQ(after.transitions, before.transitions + 1);
    EXPECT_NE(after.transition_head, before.transition_head);
    EXPECT_EQ(after.denial_head, before.denial_head);
}

TEST_F(AuditChainTest, AnActorChangedWithPlainSqlIsCaughtAtThatEntry)
{
    // K-2's second entry (grant_consent) is the 5th of the log.
    sql("UPDATE transition SET actor = 'someone-else' WHERE version = 2 AND instance = "
        "(SELECT key FROM instance WHERE id = 'K-2')");
    const ChainCheck c = check();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->log, "transition");
    EXPECT_EQ(c.first_break->position, 5u);
    EXPECT_EQ(c.first_break->lifecycle, "case");
    EXPECT_EQ(c.first_break->instance, "K-2");
    EXPECT_EQ(c.first_break->version, 2u);
    EXPECT_NE(c.first_break->problem.find("hash does not match"), std::string::npos) << c.first_break->problem;
}

TEST_F(AuditChainTest, AChangedPayloadSummaryIsCaught)
{
    sql("UPDATE transition SET summary = 'recipients=Jobcenter, purpose=anything' WHERE seq = 2");
    const ChainCheck c = check();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->position, 2u);
    EXPECT_NE(c.first_break->problem.find("payload or summary was changed"), std::string::npos);
}

TEST_F(AuditChainTest, ARemovedEntryIsCaughtAtTheOneAfterIt)
{
    sql("DELETE FROM transition WHERE seq = 4");
    const ChainCheck c = check();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->position, 4u);  // the 4th entry left is the one that was 5th
    EXPECT_EQ(c.first_break->instance, "K-2");
    EXPECT_EQ(c.first_break->version, 2u);
}

TEST_F(AuditChainTest, AWholeInstanceRemovedWithItsEntriesIsCaught)
{
    sql("PRAGMA foreign_keys = OFF; DELETE FROM transition WHERE instance = (SELECT key FROM instance WHERE id = "
        "'K-1'); DELETE FROM instance WHERE id = 'K-1'");
    const ChainCheck c = check();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->position, 1u);
    EXPECT_EQ(c.first_break->instance, "K-2");
}

TEST_F(AuditChainTest, ARewrittenDenialIsCaught)
{
    sql("UPDATE denial SET actor = 'nobody'");
    const ChainCheck c = check();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->log, "denial");
    EXPECT_EQ(c.first_break->position, 1u);
    EXPECT_EQ(c.first_break->instance, "K-2");
}

TEST_F(AuditChainTest, ABackDatedEntryIsCaught)
{
    sql("UPDATE transition SET at = at + 1 WHERE seq = 7");
    EXPECT_FALSE(check().ok());
}

TEST(AuditChainWriters, TwoConnectionsWritingInTurnAndRollbacksKeepOneChain)
{
    TempFile file;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    auto store_a = std::make_shared<SqliteStore>(file.path());
    auto store_b = std::make_shared<SqliteStore>(file.path());
    CaseEngine a{CaseConfig{}, clock, store_a};
    CaseEngine b{CaseConfig{}, clock, store_b};
    open_case(a, "K-1", castrop_rauxel(), caritas);
    open_case(b, "K-2", castrop_rauxel(), caritas);
    for (int day = 1; day <= 4; ++day) {
        const FollowUpOn follow_up{parse_date("2025-04-0" + std::to_string(day))};
        a.fire("K-1", follow_up, caritas);
        {
            auto unit = b.unit_of_work();
            b.fire("K-2", follow_up, caritas);
            unit.rollback();  // appended, then undone: the next entry chains to the one before
        }
        b.fire("K-2", follow_up, caritas);
        (day % 2 ? store_a : store_b)->log_denial({"case", "K-1", "accept", caritas, clock->now(), "test"});
    }
    const ChainCheck c = SqliteStore(file.path()).verify_chain();
    EXPECT_TRUE(c.ok()) << c.first_break->problem << " at " << c.first_break->position;
    EXPECT_EQ(c.transitions, 10u);
    EXPECT_EQ(c.denials, 4u);
}

TEST(AuditChainMigration, AFileOfSchemaOneGetsItsChainAndKeepsEverything)
{
    TempFile file;
    {
        // Schema 1 as kimflow 0.1 before the chain wrote it, with one case and two entries.
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(R"(CREATE TABLE instance (key INTEGER PRIMARY KEY, lifecycle TEXT NOT NULL, id TEXT NOT NULL,
            version INTEGER NOT NULL, state TEXT NOT NULL, states TEXT NOT NULL, data BLOB NOT NULL,
            created_at INTEGER NOT NULL, created_by TEXT NOT NULL, created_role TEXT NOT NULL,
            created_org TEXT NOT NULL, due INTEGER, owner TEXT NOT NULL, area TEXT NOT NULL, UNIQUE (lifecycle, id)))");
        db.exec("CREATE INDEX instance_by_state ON instance (lifecycle, state, id)");
        db.exec("CREATE INDEX instance_by_due ON instance (lifecycle, due) WHERE due IS NOT NULL");
        db.exec("CREATE INDEX instance_by_owner ON instance (lifecycle, owner, id)");
        db.exec("CREATE INDEX instance_by_area ON instance (lifecycle, area, id)");
        db.exec(R"(CREATE TABLE transition (seq INTEGER PRIMARY KEY, instance INTEGER NOT NULL REFERENCES instance (key),
            version INTEGER NOT NULL, event TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,
            actor TEXT NOT NULL, actor_role TEXT NOT NULL, actor_org TEXT NOT NULL, at INTEGER NOT NULL,
            payload BLOB NOT NULL, summary TEXT NOT NULL))");
        db.exec("CREATE UNIQUE INDEX transition_by_instance ON transition (instance, version)");
        db.exec("INSERT INTO instance VALUES (1, 'case', 'K-1', 2, 'assessment', 'granted,assessment', x'00', 0, "
                "'cm-1', 'case_manager', 'caritas', NULL, 'Caritas Recklinghausen', 'Castrop-Rauxel')");
        db.exec("INSERT INTO transition VALUES (1, 1, 1, 'open', 'new', 'intake', 'cm-1', 'case_manager', 'caritas', "
                "10, x'01', 'kommune=Castrop-Rauxel')");
        db.exec("INSERT INTO transition VALUES (2, 1, 2, 'accept', 'intake', 'assessment', 'cm-1', 'case_manager', "
                "'caritas', 20, x'', '')");
        db.exec("PRAGMA application_id = " + std::to_string(SqliteStore::application_id));
        db.exec("PRAGMA user_version = 1");
    }
    SqliteStore store(file.path());
    const ChainCheck c = store.verify_chain();
    EXPECT_TRUE(c.ok()) << c.first_break->problem;
    EXPECT_EQ(c.transitions, 2u);
    const auto log = store.history("case", "K-1");
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].summary, "kommune=Castrop-Rauxel");
    EXPECT_EQ(log[1].event, "accept");
    // Owner keys are organisation keys from now on, so that policies and queries agree.
    EXPECT_EQ(store.load("case", "K-1")->owner, "caritas-recklinghausen");
    SQLite::Database db(file.path());
    EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), SqliteStore::schema_version);
}

}  // namespace
