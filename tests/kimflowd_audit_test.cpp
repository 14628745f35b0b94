// kimflowd holds the signing key: every group commit is signed, the verify route checks the
// signatures and names an edited column, the heads route gives a witness what it keeps, both
// only for who may audit; a key others may read keeps kimflowd from starting, and a signed
// database without the key refuses writes.
#include <sys/stat.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/audit/signing.hpp>

#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;

class AuditRoutes : public ::testing::Test {
protected:
    Database db;
    std::string caritas = db.add("mkoch", "case_manager", "caritas");
    std::string admin = db.add("root", "administrator", "Kreis Recklinghausen");
    TempFile key_file{"signing-key"};
    kimflow::audit::SigningKey key = kimflow::audit::SigningKey::generate();
    std::unique_ptr<Server> server;
    std::unique_ptr<httplib::Client> http;

    void SetUp() override
    {
        std::remove(key_file.path().c_str());
        key.save(key_file.path());
        // The accounts were written without a key: their heads are signed once, as `kimctl audit
        // sign` does, before kimflowd signs every commit.
        kimflow::SqliteOptions options;
        options.signer = std::make_shared<kimflow::audit::SigningKey>(key);
        kimflow::SqliteStore(db.path(), options).sign_heads();
    }

    void start(const std::vector<std::string>& config)
    {
        db.close();
        server = std::make_unique<Server>(db.path(), config);
        http = server->client();
    }
    void start_signed() { start({"signing_key = " + key_file.path()}); }

    int open(const std::string& id)
    {
        auto r = http->Post("/api/v1/cases", bearer(caritas), open_case(id, "caritas").dump(), "application/json");
        return r ? r->status : -1;
    }
    json get(const std::string& path, const std::string& token, int expected_status)
    {
        auto r = http->Get(path.c_str(), bearer(token));
        EXPECT_TRUE(r);
        if (!r) return nullptr;
        EXPECT_EQ(r->status, expected_status) << path << ": " << r->body;
        return body_of(r);
    }
};

TEST_F(AuditRoutes, EveryCommitIsSignedAndTheVerifyRouteChecksTheSignatures)
{
    start_signed();
    ASSERT_EQ(open("K-1"), 201);
    ASSERT_EQ(open("K-2"), 201);
    const json v = get("/api/v1/audit/verify", admin, 200);
    EXPECT_TRUE(v["ok"].get<bool>()) << v.dump(2);
    EXPECT_TRUE(v["signatures"]["checked"].get<bool>());
    EXPECT_TRUE(v["signatures"]["ok"].get<bool>());
    EXPECT_GE(v["signatures"]["checkpoints"].get<int>(), 2);  // one per commit at least
    EXPECT_EQ(v["signatures"]["key_id"], key.key_id());
    EXPECT_EQ(v["checked"]["case"], 2);
    EXPECT_GE(v["chain"]["rows_checked"].get<int>(), 2);  // the two cases, and the accounts' rows

    // The heads a witness keeps: signed with the service's key, over the whole log.
    const json heads = get("/api/v1/audit/heads", admin, 200);
    EXPECT_EQ(heads["key_id"], key.key_id());
    EXPECT_EQ(heads["transition_head"], v["chain"]["transition_head"]);
    TempFile witness{"witness"};
    std::ofstream(witness.path()) << heads.dump() << '\n';
    const auto kept = kimflow::audit::read_witness(witness.path());
    server->stop();
    kimflow::SqliteStore store(db.path(), [] {
        kimflow::SqliteOptions o;
        o.read_only = true;
        return o;
    }());
    std::vector<std::string> problems;
    const kimflow::ChainCheck chain = store.verify_chain(kept);
    EXPECT_TRUE(chain.ok());
    EXPECT_EQ(chain.witnessed, 1u);
    kimflow::audit::check_signatures(store.checkpoints(), kept, chain, {key.public_key()}, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST_F(AuditRoutes, OnlyWhoMayAuditSeesTheFigures)
{
    start_signed();
    ASSERT_EQ(open("K-1"), 201);
    const json refused = get("/api/v1/audit/verify", caritas, 403);
    EXPECT_EQ(refused["type"], "urn:kimflow:problem:not-permitted");
    get("/api/v1/audit/heads", caritas, 403);
    // No figure of the database in the refusal.
    EXPECT_EQ(refused.dump().find("transition"), std::string::npos) << refused.dump();
}

TEST_F(AuditRoutes, AColumnEditedInTheFileIsNamedByTheVerifyRoute)
{
    start_signed();
    ASSERT_EQ(open("K-1"), 201);
    server->stop();
    {
        // Someone with the file, not the key, moves Caritas's case to AWO.
        SQLite::Database file(db.path(), SQLite::OPEN_READWRITE);
        ASSERT_EQ(file.exec("UPDATE instance SET owner = 'awo' WHERE id = 'K-1'"), 1);
    }
    server->restart();
    http = server->client();
    const json v = get("/api/v1/audit/verify", admin, 200);
    EXPECT_FALSE(v["ok"].get<bool>());
    bool named = false;
    for (const auto& p : v["problems"])
        named |= p["id"] == "K-1" && p["problem"].get<std::string>().find("column owner") != std::string::npos;
    EXPECT_TRUE(named) << v.dump(2);
}

TEST_F(AuditRoutes, ASignedDatabaseServedWithoutItsKeyRefusesWritesAndKeepsWhatItHas)
{
    start_signed();
    ASSERT_EQ(open("K-1"), 201);
    server->stop();
    start({});
    EXPECT_EQ(open("K-2"), 503);
    auto r = http->Get("/api/v1/cases/K-2", bearer(caritas));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(get("/api/v1/cases/K-1", caritas, 200)["id"], "K-1");
}

TEST_F(AuditRoutes, EntriesWrittenWithoutTheKeyAreNotSignedAlong)
{
    db.close();
    {
        // Someone with the file, not the key, appends an entry after the last checkpoint: the next
        // commit would sign it along with its own, so kimflowd refuses to commit.
        SQLite::Database file(db.path(), SQLite::OPEN_READWRITE);
        file.exec("INSERT INTO denial (lifecycle, instance, action, actor, actor_role, actor_org, at, reason, hash) "
                  "VALUES ('case', 'K-9', 'read', 'x', 'y', 'z', 0, 'r', zeroblob(32))");
    }
    start_signed();
    auto w = http->Post("/api/v1/cases", bearer(caritas), open_case("K-1", "caritas").dump(), "application/json");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->status, 503);
    EXPECT_NE(w->body.find("written without the signing key"), std::string::npos) << w->body;
    auto r = http->Get("/api/v1/cases/K-1", bearer(caritas));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    server->stop();
    {
        // With every checkpoint deleted, kimflowd does not start signing what it cannot vouch for.
        SQLite::Database file(db.path(), SQLite::OPEN_READWRITE);
        file.exec("DELETE FROM checkpoint");
    }
    try {
        Server refused(db.path(), {"signing_key = " + key_file.path()});
        ADD_FAILURE() << "kimflowd started signing a file whose checkpoints are gone";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("audit sign"), std::string::npos) << e.what();
    }
}

TEST_F(AuditRoutes, AKeyOthersMayReadKeepsKimflowdFromStarting)
{
    ASSERT_EQ(::chmod(key_file.path().c_str(), 0644), 0);
    db.close();
    try {
        Server refused(db.path(), {"signing_key = " + key_file.path()});
        ADD_FAILURE() << "kimflowd started with a key others may read";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    }
}

}  // namespace
