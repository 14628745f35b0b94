// The signed audit trail (issue 19) against an attacker who can write the database file but has
// no signing key: plain SQL on every instance column; the rewrite that recomputes every
// documented hash (store/chain.hpp) after its edit, with the checkpoints deleted, rewritten or
// signed with a key of the attacker's own; cutting off the end, against a witness; writes
// without the key; key rotation; key files; a file of schema 5. The fixture and the attacker's
// tools are in audit_signing_fixture.hpp.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "audit_signing_fixture.hpp"

namespace {

using namespace audit_signing_test;

TEST_F(AuditSigning, AnUntouchedSignedFileVerifiesWithEveryColumnCompared)
{
    const ChainCheck c = verify();
    ASSERT_TRUE(c.ok()) << c.first_break->problem;
    EXPECT_EQ(c.transitions, static_cast<std::uint64_t>(count("transition")));
    EXPECT_EQ(c.denials, 3u);
    EXPECT_EQ(c.creations, 5u);  // three cases, two papers
    EXPECT_GE(c.erased, 1u);     // K-3's consent, checked in its erased form
    // Every commit that extended a log was signed, and the checks found every checkpoint.
    EXPECT_EQ(c.checkpoints, static_cast<std::uint64_t>(count("checkpoint")));
    EXPECT_GE(c.checkpoints, 10u);
    EXPECT_TRUE(signature_problems().empty()) << signature_problems().front();
    // Every row is compared ...
    EXPECT_EQ(c.rows_checked, 5u);
    // ... on every column but the query key a tick writes without a transition: a column added
    // to the table without being chained would be one an attacker could change unseen.
    std::set<std::string> columns;
    SQLite::Database db(file.path());
    SQLite::Statement info(db, "SELECT name FROM pragma_table_info('instance')");
    while (info.executeStep()) columns.insert(info.getColumn(0).getString());
    std::set<std::string> chained(std::begin(chain::row_columns), std::end(chain::row_columns));
    EXPECT_EQ(chained.size(), chain::row_column_count);
    for (const char* not_chained : {"key", "lifecycle", "id", "timer_at"}) chained.insert(not_chained);
    EXPECT_EQ(columns, chained);
}

// Plain SQL on one column of an instance row, without rehashing (the findings: owner, overseer,
// area, created_by, created_at, erased_at and same-length data passed verify; an owner change
// moved a Caritas case into AWO's lists). Each edit must be named: that instance, that column,
// nothing else. K-1 is chained by its last transition; 14/1924 (created, never fired) by its
// creation entry; K-3 is erased.
TEST_F(AuditSigning, EachInstanceColumnChangedWithPlainSqlIsNamed)
{
    struct Edit {
        const char* column;
        const char* set;  // the SET clause
    };
    const Edit edits[] = {
        {"state", "state = 'closed'"},
        {"states", "states = states || ',paused'"},
        {"version", "version = version + 1"},
        {"data", nullptr},  // a byte changed, same length: below
        {"created_at", "created_at = created_at - 1"},
        {"created_by", "created_by = 'someone-else'"},
        {"created_role", "created_role = 'administrator'"},
        {"created_org", "created_org = 'awo'"},
        {"due", "due = coalesce(due, 20000) + 1"},
        {"owner", "owner = 'awo'"},
        {"area", "area = 'Herten'"},
        {"overseer", "overseer = 'kreis-unna'"},
        {"erased_at", "erased_at = 1"},
    };
    static_assert(sizeof(edits) / sizeof(edits[0]) == chain::row_column_count, "one edit per chained column");
    for (const auto& [lifecycle, id] : {std::pair<std::string, std::string>{"case", "K-1"}, {"paper", "14/1924"}}) {
        for (const Edit& e : edits) {
            SCOPED_TRACE(lifecycle + " " + id + " " + e.column);
            const std::string where = " WHERE lifecycle = '" + lifecycle + "' AND id = '" + id + "'";
            const Row before = row_of(lifecycle, id);
            {
                SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
                if (e.set) {
                    db.exec("UPDATE instance SET " + std::string(e.set) + where);
                } else {
                    std::string data = db.execAndGet("SELECT data FROM instance" + where).getString();
                    ASSERT_FALSE(data.empty());
                    data[data.size() / 2] ^= 0x01;
                    SQLite::Statement update(db, "UPDATE instance SET data = ?" + where);
                    update.bind(1, data.data(), static_cast<int>(data.size()));
                    update.exec();
                }
            }
            ASSERT_NE(row_of(lifecycle, id), before) << "the edit changed nothing";
            const ChainCheck c = verify();
            EXPECT_FALSE(c.first_break) << c.first_break->problem;
            ASSERT_EQ(c.rows.size(), 1u);
            EXPECT_EQ(c.rows[0].lifecycle, lifecycle);
            EXPECT_EQ(c.rows[0].id, id);
            EXPECT_EQ(c.rows[0].column, e.column);
            restore_row(before);
            ASSERT_TRUE(verify().ok()) << "the row put back as it was verifies again";
        }
    }
    // K-3 was erased: setting erased_at back to nothing (undoing the record of the erasure) is named too.
    sql("UPDATE instance SET erased_at = NULL WHERE id = 'K-3'");
    const ChainCheck c = verify();
    ASSERT_EQ(c.rows.size(), 1u);
    EXPECT_EQ(c.rows[0].id, "K-3");
    EXPECT_EQ(c.rows[0].column, "erased_at");
}

// A whole instance row inserted with plain SQL (a forged case in AWO's lists), chained by no
// entry at all: every row kimflow writes is chained by one (its creation, its transitions, or the
// migration to schema 6), whatever key it has.
TEST_F(AuditSigning, AnInstanceRowInsertedWithPlainSqlIsCaught)
{
    const std::string columns = "lifecycle, version, state, states, data, created_at, created_by, created_role, "
                                "created_org, due, owner, area, overseer, erased_at, timer_at";
    for (const char* key : {"(SELECT max(key) + 1 FROM instance)", "0", "-7"}) {
        SCOPED_TRACE(key);
        sql(std::string("INSERT INTO instance (key, id, ") + columns + ") SELECT " + key + ", 'K-9', " + columns +
            " FROM instance WHERE id = 'K-2'");
        const ChainCheck c = verify();
        ASSERT_FALSE(c.ok());
        ASSERT_TRUE(c.first_break);
        EXPECT_EQ(c.first_break->log, "creation");
        EXPECT_EQ(c.first_break->instance, "K-9");
        EXPECT_NE(c.first_break->problem.find("inserted outside kimflow"), std::string::npos) << c.first_break->problem;
        sql("DELETE FROM instance WHERE id = 'K-9'");
        ASSERT_TRUE(verify().ok());
    }
}

// Personal data erased with plain SQL, without an erasure: K-1's consent replaced by its erased
// form (the one chained when it was written, and the same as K-3's erased consent) and marked
// erased. The chain checks an erased entry in its erased form, so only the missing record of the
// erasure (an erase_personal_data entry of K-1 at that time, after it) shows it.
TEST_F(AuditSigning, PersonalDataErasedWithPlainSqlWithoutAnErasureIsCaught)
{
    {
        // Erasures through kimflow pass, also a second one of K-3 (which erases the first one's note).
        CaseEngine cases{CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path(), signed_by(key))};
        cases.fire("K-3", GrantConsent{{kAbh}, "Aufenthalt"}, caritas);
        cases.erase("K-3", kreis, ErasureReason::consent_withdrawn, "zweiter Antrag");
        const ChainCheck c = verify();
        ASSERT_TRUE(c.ok()) << c.first_break->problem;
        EXPECT_GE(c.erased, 3u);
    }
    const std::string k1 = " WHERE version = 2 AND instance = (SELECT key FROM instance WHERE id = 'K-1')";
    const std::string k3 = " WHERE version = 2 AND instance = (SELECT key FROM instance WHERE id = 'K-3')";
    ASSERT_EQ(count("transition" + k3 + " AND erased_at IS NOT NULL"), 1);
    sql("UPDATE transition SET payload = (SELECT payload FROM transition" + k3 + "), summary = (SELECT summary FROM "
        "transition" + k3 + "), erased_at = (SELECT erased_at FROM transition" + k3 + ")" + k1);
    const ChainCheck c = verify();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->log, "transition");
    EXPECT_EQ(c.first_break->instance, "K-1");
    EXPECT_EQ(c.first_break->version, 2u);
    EXPECT_NE(c.first_break->problem.find("erased outside kimflow"), std::string::npos) << c.first_break->problem;
}

// Every log wiped back to the checkpoint `kimctl admin key init` signs on a new database (no
// entries yet), and the later checkpoints deleted: the one checkpoint left is validly signed and
// covers the (now empty) logs, but the rows left are chained by no entry, and every row must be
// (a file migrated to schema 6 gets a creation entry for each row it had).
TEST_F(AuditSigning, LogsWipedBackToAnEmptySignedCheckpointAreCaught)
{
    TempFile wiped{"audit-wiped"};
    SqliteStore(wiped.path(), signed_by(key)).sign_heads();  // as admin key init does on a new database
    build(wiped.path());
    {
        SQLite::Database db(wiped.path(), SQLite::OPEN_READWRITE);
        db.exec("DELETE FROM transition; DELETE FROM creation; DELETE FROM denial; DELETE FROM checkpoint WHERE seq > 1; "
                "UPDATE instance SET owner = 'awo' WHERE id = 'K-1'");
    }
    const ChainCheck c = verify({}, wiped.path());
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->log, "creation");
    EXPECT_NE(c.first_break->problem.find("no entry of any log chains this instance"), std::string::npos)
        << c.first_break->problem;
}

// The rewrite-and-recompute attack (the findings: a script rewrote an actor, a time, a payload,
// deleted a middle case and a denial, recomputed every later hash, and verify passed 7 of 8).
// Each forgery below leaves the three chains internally consistent; expect_forgery_caught()
// shows that the stored checkpoints no longer match, and that deleting them, rewriting their
// heads, or signing new ones with the attacker's own key is reported by check_signatures.

TEST_F(AuditSigning, ARewrittenActorWithEveryLaterHashRecomputedIsCaught)
{
    expect_forgery_caught([](SQLite::Database& db) {
        db.exec("UPDATE transition SET actor = 'someone-else' WHERE version = 2 AND instance = "
                "(SELECT key FROM instance WHERE id = 'K-1')");
    });
}

TEST_F(AuditSigning, ARewrittenTimeWithEveryLaterHashRecomputedIsCaught)
{
    expect_forgery_caught([](SQLite::Database& db) {
        db.exec("UPDATE transition SET at = at - 86400000000 WHERE version = 3 AND instance = "
                "(SELECT key FROM instance WHERE id = 'K-2')");
    });
}

TEST_F(AuditSigning, ARewrittenPayloadWithEveryLaterHashRecomputedIsCaught)
{
    expect_forgery_caught([](SQLite::Database& db) {
        // The purpose of K-1's consent, in the payload and its summary, at the same length.
        const std::string where = " WHERE version = 2 AND instance = (SELECT key FROM instance WHERE id = 'K-1')";
        std::string payload = db.execAndGet("SELECT payload FROM transition" + where).getString();
        std::string summary = db.execAndGet("SELECT summary FROM transition" + where).getString();
        for (std::string* text : {&payload, &summary}) {
            const auto at = text->find("Arbeitsmarkt");
            ASSERT_NE(at, std::string::npos) << *text;
            text->replace(at, 12, "Strafverfolg");
        }
        SQLite::Statement update(db, "UPDATE transition SET payload = ?, summary = ?" + where);
        update.bind(1, payload.data(), static_cast<int>(payload.size()));
        update.bind(2, summary);
        update.exec();
    });
}

TEST_F(AuditSigning, AWholeMiddleCaseDeletedWithEveryLaterHashRecomputedIsCaught)
{
    expect_forgery_caught([](SQLite::Database& db) {
        db.exec("DELETE FROM transition WHERE instance = (SELECT key FROM instance WHERE id = 'K-2')");
        db.exec("DELETE FROM creation WHERE id = 'K-2'");
        db.exec("DELETE FROM instance WHERE id = 'K-2'");
    });
}

TEST_F(AuditSigning, ADeletedDenialWithEveryLaterHashRecomputedIsCaught)
{
    expect_forgery_caught([](SQLite::Database& db) { db.exec("DELETE FROM denial WHERE instance = 'K-2'"); });
}

TEST_F(AuditSigning, AnOwnerMovedToAwoWithItsRowDigestAndEveryLaterHashRecomputedIsCaught)
{
    expect_forgery_caught([](SQLite::Database& db) {
        db.exec("UPDATE instance SET owner = 'awo' WHERE id = 'K-1'");
        rechain_row(db, "case", "K-1");
    });
}

// Cutting off the end: K-1's last transitions deleted, its row set back to what it was before
// them, the checkpoints written since deleted. Nothing left in the file contradicts that, so it
// passes without a witness: the known limit (store/chain.hpp). A checkpoint kept outside the
// file before (kimctl audit heads >> witness) names entries that are gone, and verify says so.
TEST_F(AuditSigning, EntriesCutOffAtTheEndPassWithoutAWitnessAndAreCaughtWithOne)
{
    const Row before = row_of("case", "K-1");
    const std::uint64_t signed_before = SqliteStore(file.path()).checkpoints().back().seq;
    {
        EngineOptions options;
        options.policy = std::make_shared<const Policy>(default_policy());
        CaseEngine cases{CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path(), signed_by(key)), options};
        cases.fire("K-1", AddGoal{"Sprachkurs B1"}, caritas);
        cases.fire("K-1", AddGoal{"Bewerbungstraining"}, caritas);
    }
    // The witness keeps the latest signed heads in a file, one JSON line each, and reads them back.
    TempDir dir("audit-witness");
    const Checkpoint latest = SqliteStore(file.path()).checkpoints().back();
    std::ofstream(dir / "witness.jsonl") << audit::checkpoint_to_json(latest) << "\n";
    const std::vector<Checkpoint> witnessed = audit::read_witness(dir / "witness.jsonl");
    ASSERT_EQ(witnessed.size(), 1u);
    EXPECT_EQ(witnessed[0].transitions, latest.transitions);
    EXPECT_EQ(witnessed[0].transition_head, latest.transition_head);
    EXPECT_EQ(witnessed[0].creation_head, latest.creation_head);
    EXPECT_EQ(witnessed[0].at, latest.at);
    EXPECT_EQ(witnessed[0].signature, latest.signature);
    ASSERT_TRUE(verify(witnessed).ok());
    EXPECT_EQ(verify(witnessed).witnessed, 1u);
    EXPECT_TRUE(signature_problems(witnessed).empty());

    sql("DELETE FROM transition WHERE instance = " + before.at(0).second + " AND version > " + before.at(3).second);
    restore_row(before);
    sql("DELETE FROM checkpoint WHERE seq > " + std::to_string(signed_before));
    ASSERT_EQ(row_of("case", "K-1"), before);
    const ChainCheck unwitnessed = verify();
    EXPECT_TRUE(unwitnessed.ok()) << "the known limit: a cut-off end leaves nothing in the file to contradict it";
    EXPECT_TRUE(signature_problems().empty());
    const ChainCheck c = verify(witnessed);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.first_break->log, "witness");
    EXPECT_NE(c.first_break->problem.find("cut off at the end"), std::string::npos) << c.first_break->problem;
}

// A witness line whose heads were changed (to fit a rewritten file) no longer carries a valid
// signature.
TEST_F(AuditSigning, AWitnessLineWithChangedHeadsIsNotSigned)
{
    Checkpoint forged = SqliteStore(file.path()).checkpoints().back();
    forged.transition_head = std::string(64, 'a');
    EXPECT_FALSE(verify({forged}).ok());
    const auto problems = signature_problems({forged});
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("witnessed checkpoint"), std::string::npos) << problems[0];
    EXPECT_NE(problems[0].find("no valid signature"), std::string::npos) << problems[0];
}

// A signed file opened without the key: each write would be covered by no signature, so it is
// refused, and nothing of it stays (an unsigned tail would be reported as forged by verify).
TEST_F(AuditSigning, ASignedFileRefusesWritesWithoutTheKeyAndChangesNothing)
{
    const auto counts = [&] {
        return std::vector<std::int64_t>{count("instance"), count("transition"), count("denial"), count("creation"),
                                         count("checkpoint")};
    };
    const auto before = counts();
    const ChainCheck heads = verify();
    const Row k1 = row_of("case", "K-1");
    {
        auto store = std::make_shared<SqliteStore>(file.path());
        EngineOptions options;
        options.policy = std::make_shared<const Policy>(default_policy());
        CaseEngine cases{CaseConfig{}, clock, store, options};
        try {
            cases.fire("K-1", AddGoal{"Sprachkurs B1"}, caritas);
            ADD_FAILURE() << "a transition was written without the key";
        } catch (const StoreError& e) {
            EXPECT_NE(std::string(e.what()).find("signed"), std::string::npos) << e.what();
        }
        EXPECT_THROW(open_case(cases, "K-4", castrop_rauxel(), caritas), StoreError);
        EXPECT_ANY_THROW(cases.fire("K-1", AddGoal{"x"}, kreis));  // a refusal, whose record cannot be signed
        EXPECT_THROW(cases.erase("K-1", kreis, ErasureReason::request_art17), StoreError);
        EXPECT_THROW(store->log_denial({"case", "K-1", "read", stranger, clock->now(), "test"}), StoreError);
        StoredInstance in = *store->load("paper", "14/1924");
        in.id = "14/1925";
        store->begin();
        store->insert(in);
        EXPECT_THROW(store->commit(), StoreError);
        EXPECT_THROW(store->sign_heads(), StoreError);
        EXPECT_EQ(store->load("case", "K-1")->version, 4u);
    }
    EXPECT_EQ(counts(), before);
    EXPECT_EQ(row_of("case", "K-1"), k1);
    const ChainCheck after = verify();
    EXPECT_TRUE(after.ok());
    EXPECT_EQ(after.transition_head, heads.transition_head);
    EXPECT_EQ(after.denial_head, heads.denial_head);
    EXPECT_EQ(after.creation_head, heads.creation_head);
    EXPECT_TRUE(signature_problems().empty());
}

// Key rotation: a second key signs the checkpoints from now on. Checked with both public keys
// (one file, as kimctl admin key init appends them) everything is signed; with only the first,
// the second's checkpoints are named as signed by an unknown key (they could be an attacker's).
TEST_F(AuditSigning, AfterAKeyRotationBothPublicKeysAreNeededAndAnUnknownKeyIsNamed)
{
    const std::shared_ptr<const SigningKey> second = std::make_shared<SigningKey>(SigningKey::generate());
    {
        CaseEngine cases{CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path(), signed_by(second))};
        cases.fire("K-1", AddGoal{"Sprachkurs B1"}, caritas);
    }
    const auto checkpoints = SqliteStore(file.path()).checkpoints();
    EXPECT_EQ(checkpoints.front().key_id, key->key_id());
    EXPECT_EQ(checkpoints.back().key_id, second->key_id());
    TempDir dir("audit-rotation");
    std::ofstream(dir / "public.keys") << "# Kreis Recklinghausen\n"
                                       << key->public_key().line() << "\n"
                                       << second->public_key().line() << "\n";
    const auto both = audit::read_public_keys(dir / "public.keys");
    ASSERT_EQ(both.size(), 2u);
    EXPECT_TRUE(signature_problems({}, both).empty());
    for (const auto& [given, unknown] : {std::pair{key, second}, std::pair{second, key}}) {
        const auto problems = signature_problems({}, std::vector<audit::PublicKey>{given->public_key()});
        ASSERT_FALSE(problems.empty());
        for (const auto& p : problems) {
            EXPECT_NE(p.find(unknown->key_id()), std::string::npos) << p;
            EXPECT_NE(p.find("not among the public keys"), std::string::npos) << p;
        }
    }
}

// The key files: a signing key readable or writable by others signs nothing worth trusting; a
// key is never overwritten (checkpoints signed with it would lose their key), not even through
// a symbolic link; a key file changed after it was written is refused, as is a changed public key.
TEST(AuditSigningKeys, KeyFilesAreOwnersOnlyNeverOverwrittenAndRefusedWhenChanged)
{
    TempDir dir("audit-keys");
    const SigningKey key = SigningKey::generate();
    const std::string path = dir / "signing.key";
    key.save(path);
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    const SigningKey loaded = SigningKey::load(path);
    EXPECT_EQ(loaded.key_id(), key.key_id());
    EXPECT_EQ(loaded.sign("kimflow"), key.sign("kimflow"));

    const std::string text = read_text(path);
    EXPECT_THROW(SigningKey::generate().save(path), audit::KeyError);
    EXPECT_EQ(read_text(path), text);
    ASSERT_EQ(::symlink((dir / "elsewhere.key").c_str(), (dir / "link.key").c_str()), 0);
    EXPECT_THROW(SigningKey::generate().save(dir / "link.key"), audit::KeyError);
    EXPECT_FALSE(std::filesystem::exists(dir / "elsewhere.key"));

    for (mode_t mode : {0644, 0640, 0604, 0620, 0660}) {
        SCOPED_TRACE(mode);
        ASSERT_EQ(::chmod(path.c_str(), mode), 0);
        EXPECT_THROW(SigningKey::load(path), audit::KeyError);
    }
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    EXPECT_NO_THROW(SigningKey::load(path));

    const auto changed = [&](std::string t, std::size_t at) {
        t[at] = t[at] == '0' ? '1' : '0';
        return t;
    };
    const std::size_t seed_digit = text.size() - 2, id_digit = text.find(' ') + 1;
    for (const std::string& edited : {changed(text, seed_digit), changed(text, id_digit), text.substr(0, text.size() - 3),
                                      "kimflow-ed25519-public-key" + text.substr(text.find(' '))}) {
        SCOPED_TRACE(edited);
        const std::string other = dir / "changed.key";
        std::remove(other.c_str());
        std::ofstream(other) << edited;
        ASSERT_EQ(::chmod(other.c_str(), 0600), 0);
        EXPECT_THROW(SigningKey::load(other), audit::KeyError);
    }

    const std::string line = key.public_key().line();
    std::ofstream(dir / "public.keys") << changed(line, line.size() - 1) << "\n";
    EXPECT_THROW(audit::read_public_keys(dir / "public.keys"), audit::KeyError);
    std::ofstream(dir / "public.keys") << line << "\n";
    EXPECT_EQ(audit::read_public_keys(dir / "public.keys").at(0).bytes, key.public_key().bytes);
}

}  // namespace
