// What a signed store's commits sign: the checkpoint of a unit whose last attempt was rolled
// back, entries written without the key that no commit signs along, and a file of schema 5 that
// migrates with every row chained. The fixture is in audit_signing_fixture.hpp.
#include "audit_signing_fixture.hpp"

namespace {

using namespace audit_signing_test;

// A savepoint rolled back inside a unit (kimflowd's group commit runs each request in one)
// leaves the appends before it, and the unit's commit must sign them: it used to write no
// checkpoint at all, and then a writer without the key passed too.
TEST_F(AuditSigning, AUnitWhoseLastAttemptFailedIsStillSigned)
{
    auto store = std::make_shared<SqliteStore>(file.path(), signed_by(key));
    CaseEngine cases{CaseConfig{}, clock, store};
    const auto before = store->checkpoints().size();
    {
        auto unit = cases.unit_of_work();
        unit.attempt([&] { cases.fire("K-1", FollowUpOn{parse_date("2025-04-01")}, caritas); });
        EXPECT_THROW(unit.attempt([&] { cases.fire("K-404", FollowUpOn{parse_date("2025-04-01")}, caritas); }),
                     InstanceNotFound);
        unit.commit();
    }
    ASSERT_EQ(store->checkpoints().size(), before + 1);
    const ChainCheck c = store->verify_chain();
    ASSERT_TRUE(c.ok()) << c.first_break->problem;
    std::vector<std::string> problems;
    audit::check_signatures(store->checkpoints(), {}, c, {key->public_key()}, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();

    // Without the key the same unit is refused, and nothing of it stays.
    auto unsigned_store = std::make_shared<SqliteStore>(file.path());
    CaseEngine unsigned_cases{CaseConfig{}, clock, unsigned_store};
    const std::uint64_t version = unsigned_cases.version("K-1");
    {
        auto unit = unsigned_cases.unit_of_work();
        unit.attempt([&] { unsigned_cases.fire("K-1", FollowUpOn{parse_date("2025-04-02")}, caritas); });
        EXPECT_THROW(unit.attempt([&] { unsigned_cases.fire("K-404", FollowUpOn{parse_date("2025-04-02")}, caritas); }),
                     InstanceNotFound);
        EXPECT_THROW(unit.commit(), StoreError);
    }
    EXPECT_EQ(SqliteStore(file.path()).version("case", "K-1"), version);
}

// An entry someone appended without the key, after the last checkpoint, is not signed along by
// the next commit of the key's holder: that commit is refused, until verify has looked and the
// heads are signed as they are on purpose (sign_heads, `kimctl audit sign`).
TEST_F(AuditSigning, AnEntryWrittenWithoutTheKeyIsNotSignedAlong)
{
    sql("INSERT INTO denial (lifecycle, instance, action, actor, actor_role, actor_org, at, reason, hash) "
        "VALUES ('case', 'K-9', 'read', 'x', 'y', 'z', 0, 'r', zeroblob(32))");
    auto store = std::make_shared<SqliteStore>(file.path(), signed_by(key));
    CaseEngine cases{CaseConfig{}, clock, store};
    const std::uint64_t version = cases.version("K-1");
    try {
        cases.fire("K-1", FollowUpOn{parse_date("2025-04-01")}, caritas);
        ADD_FAILURE() << "a commit signed an entry written without the key";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("written without the signing key"), std::string::npos) << e.what();
    }
    EXPECT_EQ(SqliteStore(file.path()).version("case", "K-1"), version);
}

// A file of schema 5 (here: written today without a key, then stripped to what schema 5 had: no
// creation log, no checkpoints, no row digests, its entries hashed in format 1) migrates and
// verifies; the migration chains each of its rows as it stands in a creation entry, and its next
// transition chains it again. Defends the migration: no old file may fail, and no old row may be
// left unchained.
TEST(AuditSigningMigration, ASchemaFiveFileMigratesVerifiesAndHasEveryRowChained)
{
    TempFile file{"audit-schema5"};
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    {
        auto store = std::make_shared<SqliteStore>(file.path());
        CaseEngine cases{CaseConfig{}, clock, store};
        open_case(cases, "K-1", castrop_rauxel(), caritas);
        cases.fire("K-1", GrantConsent{{kJobcenter}, "Arbeitsmarkt"}, caritas);
        open_case(cases, "K-2", Open{"Herten", "AWO", "awo-1", ""}, awo);
        store->log_denial({"case", "K-2", "accept", stranger, clock->now(), "test"});
        paper::Paper p;
        p.type = paper::PaperType::anfrage;
        p.title = "Eine Anfrage";
        p.reference = "14/1923";
        paper::PaperEngine{paper::PaperConfig{}, clock, store}.create("14/1923", p, clerk);  // no transition
    }
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE transition SET row_digest = NULL");
        rechain_transitions(db);
        db.exec("DROP TABLE creation");
        db.exec("DROP TABLE checkpoint");
        db.exec("ALTER TABLE transition DROP COLUMN row_digest");
        db.exec("PRAGMA user_version = 5");
    }
    const auto key = std::make_shared<SigningKey>(SigningKey::generate());
    SqliteOptions options;
    options.signer = key;
    auto store = std::make_shared<SqliteStore>(file.path(), options);
    ChainCheck c = store->verify_chain();
    ASSERT_TRUE(c.ok()) << c.first_break->problem;
    EXPECT_EQ(c.transitions, 3u);
    EXPECT_EQ(c.denials, 1u);
    EXPECT_EQ(c.creations, 3u);  // the migration chains every row there is, as it stands
    EXPECT_EQ(c.rows_checked, 3u);
    {
        SQLite::Database db(file.path());
        EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), SqliteStore::schema_version);
    }
    std::vector<std::string> problems;
    audit::check_signatures(store->checkpoints(), {}, c, {key->public_key()}, problems);
    EXPECT_FALSE(problems.empty()) << "nothing is signed until the key signs the heads";

    CaseEngine cases{CaseConfig{}, clock, store};
    // Entries no checkpoint signs: a commit does not sign them along until they were checked
    // and their heads signed on purpose.
    EXPECT_THROW(cases.fire("K-1", Accept{}, caritas), StoreError);
    store->sign_heads();
    cases.fire("K-1", Accept{}, caritas);
    open_case(cases, "K-3", castrop_rauxel(), caritas);  // a new instance: a creation entry of its own
    c = store->verify_chain();
    ASSERT_TRUE(c.ok()) << c.first_break->problem;
    EXPECT_EQ(c.rows_checked, 4u);  // K-1 by its new transition, K-2 and the paper by the migration's entries, K-3
    problems.clear();
    audit::check_signatures(store->checkpoints(), {}, c, {key->public_key()}, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE instance SET owner = 'awo' WHERE id = 'K-1'");
    }
    c = store->verify_chain();
    ASSERT_EQ(c.rows.size(), 1u);
    EXPECT_EQ(c.rows[0].id, "K-1");
    EXPECT_EQ(c.rows[0].column, "owner");
    // A row inserted now, chained by nothing, is not taken for one of the old rows.
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE instance SET owner = 'caritas' WHERE id = 'K-1'");
        db.exec("INSERT INTO instance (lifecycle, id, version, state, states, data, created_at, created_by, created_role, "
                "created_org, due, owner, area, overseer) SELECT lifecycle, '14/1999', version, state, states, data, "
                "created_at, created_by, created_role, created_org, due, owner, area, overseer FROM instance WHERE id = "
                "'14/1923'");
    }
    c = store->verify_chain();
    ASSERT_TRUE(c.first_break);
    EXPECT_EQ(c.first_break->instance, "14/1999");
}

}  // namespace
