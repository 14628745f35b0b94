// Promises of docs/kimflowd.md, docs/input-rules.md and the README's "Through kimflowd" that no
// other test checks: the library's input rules at the HTTP door, kimctl's exit code 6 for 429
// and 503, kimflowd's own exit codes, 431, group commit, Idempotency-Keys that are decided anew
// and swept, /metrics without ids, the session lifetime, the warning for a proxy without a
// secret, and two services on one file. Every wait has a deadline; none decides an outcome.
#include <sys/wait.h>

#include <regex>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/audit/signing.hpp>
#include <kimflow/core/input.hpp>

#include "kimctl_fixture.hpp"
#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;
using Clock = std::chrono::steady_clock;
using kimctl_test::operator+;

/// A process's end: its exit code (-1 if a signal or the deadline ended it), stdout and stderr.
struct Ended {
    int code = -1;
    std::string out, err;
};

/// Waits up to 20 s for @p pid to end without reaping it (the caller's wait() does); false if
/// it did not.
bool ends_in_time(pid_t pid)
{
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

/// Runs kimflowd with @p args; one that has not ended after 20 s is killed and fails the test.
Ended run_kimflowd(const std::vector<std::string>& args)
{
    TempFile out_file{"kimflowd-out"}, err_file{"kimflowd-err"};
    std::vector<std::string> all{KIMFLOWD_PATH};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_file.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, KIMFLOWD_PATH, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    Ended ended;
    if (rc != 0) {
        ADD_FAILURE() << "cannot start kimflowd";
        return ended;
    }
    if (!ends_in_time(pid)) {
        ::kill(pid, SIGKILL);
        ADD_FAILURE() << "kimflowd " << testing::PrintToString(args) << " still ran after 20 s";
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ended.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    ended.out = read_text(out_file.path());
    ended.err = read_text(err_file.path());
    return ended;
}

/// Sends @p signal to @p server and returns its exit code (bounded: a server that does not end
/// is killed and fails the test).
int exit_after(Server& server, int signal)
{
    ::kill(server.pid(), signal);
    if (!ends_in_time(server.pid())) {
        ADD_FAILURE() << "kimflowd did not end after signal " << signal;
        server.kill();
        return -1;
    }
    return server.wait();
}

class KimflowdPromises : public ::testing::Test {
protected:
    Database db;
    std::string caritas = db.add("mkoch", "case_manager", "caritas");
    std::unique_ptr<Server> server;
    std::unique_ptr<httplib::Client> http;

    void start(const std::vector<std::string>& config = {})
    {
        db.close();
        server = std::make_unique<Server>(db.path(), config);
        http = server->client();
    }
    httplib::Result post(const std::string& path, const json& body, const std::string& token, httplib::Headers more = {})
    {
        return http->Post(path.c_str(), bearer(token, std::move(more)), body.dump(), "application/json");
    }
    json get(const std::string& path, const std::string& token)
    {
        auto r = http->Get(path.c_str(), bearer(token));
        return r && r->status == 200 ? body_of(r) : json(nullptr);
    }
    std::string metrics()
    {
        auto r = http->Get("/metrics");
        return r ? r->body : std::string();
    }
    static void expect_problem(const httplib::Result& r, int status, const std::string& type)
    {
        ASSERT_TRUE(r) << "no answer";
        EXPECT_EQ(r->status, status) << r->body.substr(0, 300);
        EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
        const json j = body_of(r);
        EXPECT_EQ(j.value("type", ""), "urn:kimflow:problem:" + type) << r->body.substr(0, 300);
        EXPECT_EQ(j.value("status", json()), status);
    }
    void open(const std::string& id)
    {
        auto r = post("/api/v1/cases", open_case(id, "caritas"), caritas);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 201) << r->body;
    }
};

// --- 1. The library's input rules, at the HTTP door: 422 and a problem document ---------------

TEST_F(KimflowdPromises, BadIdsActorsAndTextsAreRefusedWith422AsTheLibraryRefusesThem)
{
    const std::string fraktion = db.add("kretschmer", "fraktion", "Fraktion Die Linke");
    // Accounts take any organisation; the engine's actor rule refuses the bad ones at every call.
    const std::string bidi_org = db.add("bidi", "case_manager", "cari\xE2\x80\xAEtas");
    const std::string long_org = db.add("longorg", "case_manager", std::string(201, 'o'));
    start();
    const std::string nul("ti\0tel", 6);
    using K = kimflow::InputKind;
    // text, its kind for the library, and the request that carries it to kimflowd
    struct Row {
        std::string text;
        K kind;
        std::function<httplib::Result()> send;
        std::string type;
    };
    const auto case_id = [&](const std::string& id) {
        return [&, id] { return post("/api/v1/cases", open_case(id, "caritas"), caritas); };
    };
    const auto paper_title = [&](const std::string& title) {
        return [&, title] {
            return post("/api/v1/papers", {{"reference", "14/3000"}, {"type", "Anfrage"}, {"title", title},
                                           {"originator", "Fraktion Die Linke"}, {"body", "RVR"}}, fraktion);
        };
    };
    const auto fire = [&](const std::string& event, const json& body) {
        return [&, event, body] { return post("/api/v1/cases/K-1/events/" + event, body, caritas); };
    };
    const auto as = [&](const std::string& token) {
        return [&, token] { return post("/api/v1/cases", open_case("K-9", "caritas"), token); };
    };
    open("K-1");
    const std::vector<Row> refused{
        {"K-\xE2\x80\xAE" "1", K::id, case_id("K-\xE2\x80\xAE" "1"), "invalid-data"},     // U+202E
        {"K\xE2\x80\x8B" "1", K::id, case_id("K\xE2\x80\x8B" "1"), "invalid-data"},       // zero-width space
        {" ", K::id, case_id(" "), "invalid-data"},                                        // a lone blank
        {"\xC2\xA0", K::id, case_id("\xC2\xA0"), "invalid-data"},                          // a no-break space
        {std::string(201, 'k'), K::id, case_id(std::string(201, 'k')), "invalid-data"},    // over 200 bytes
        {"a\x1b[31mb", K::line, paper_title("a\x1b[31mb"), "invalid-data"},                // ESC in a title
        {nul, K::line, paper_title(nul), "invalid-data"},                                  // NUL in a title
        {std::string(65537, 't'), K::line, paper_title(std::string(65537, 't')), "invalid-data"},
        {"a\nb", K::line, fire("follow_up", {{"date", today_plus(3)}, {"subject", "a\nb"}}), "invalid-payload"},
        {"a\r\nb", K::multiline, fire("decline", {{"note", "a\r\nb"}}), "invalid-payload"},
        {"da\xE2\x80\x8Bte", K::id, fire("follow_up", {{"da\xE2\x80\x8Bte", today_plus(3)}}), "invalid-payload"},
        {"cari\xE2\x80\xAEtas", K::actor_field, as(bidi_org), "invalid-data"},
        {std::string(201, 'o'), K::actor_field, as(long_org), "invalid-data"},
    };
    for (const Row& row : refused) {
        SCOPED_TRACE(kimflow::terminal_safe(row.text.substr(0, 40)));
        EXPECT_TRUE(kimflow::input_problem(row.text, row.kind)) << "the library takes it: the row is wrong";
        expect_problem(row.send(), 422, row.type);
    }
    // What the rules allow goes through: bidi marks in a title, LF in a multi-line note, 200 bytes.
    const std::string rtl = "\xD8\xAA\xD9\x82\xD8\xB1\xD9\x8A\xD8\xB1\xE2\x80\x8F";
    EXPECT_FALSE(kimflow::input_problem(rtl, K::line));
    EXPECT_EQ(paper_title(rtl)()->status, 201);
    EXPECT_EQ(case_id(std::string(200, 'k'))()->status, 201);
    EXPECT_EQ(fire("decline", {{"note", "erste Zeile\nzweite"}})()->status, 200);
    // Nothing refused was stored: K-1 (declined once), the 200-byte id, and no K-9.
    EXPECT_EQ(get("/api/v1/cases", caritas).size(), 2u);
    EXPECT_EQ(get("/api/v1/cases/K-1/history", caritas).size(), 2u);
}

// --- 2. kimctl --server: 429 and 503 exit 6 ---------------------------------------------------

TEST_F(KimflowdPromises, KimctlThroughTheServiceExits6OnA429AndA503)
{
    for (const char* name : {"KIMFLOW_SERVER", "KIMFLOW_CA_FILE"}) ::unsetenv(name);
    ::setenv("KIMFLOW_TOKEN", caritas.c_str(), 1);
    struct Unset {
        ~Unset() { ::unsetenv("KIMFLOW_TOKEN"); }
    } unset;
    // 503: another process's writer holds the database past the service's busy timeout.
    start({"busy_timeout_ms = 200"});
    open("K-1");
    const auto run = [&](const kimctl_test::Args& args) {
        return kimctl_test::kimctl(kimctl_test::Args{"--server", "http://127.0.0.1:" + std::to_string(server->port())} + args);
    };
    kimctl_test::Result busy;
    {
        SQLite::Database other(db.path(), SQLite::OPEN_READWRITE);
        other.exec("BEGIN IMMEDIATE");
        busy = run({"fire", "case", "K-1", "assign", "manager=mkoch"});
        other.exec("ROLLBACK");
    }
    EXPECT_EQ(busy.exit, 6) << kimctl_test::describe(busy);
    EXPECT_NE(busy.err.find("try again"), std::string::npos) << busy.err;
    EXPECT_EQ(run({"fire", "case", "K-1", "assign", "manager=mkoch"}).exit, 0);

    // 429: one request per second, no burst. The address's bucket is emptied, then kimctl asks;
    // a refill before its request (a slow machine) lets it through: then again. A refusal decides.
    start({"rate_per_second = 1", "rate_burst = 1"});
    kimctl_test::Result limited;
    for (int round = 0; round < 5 && limited.exit <= 0; ++round) {
        for (int i = 0; i < 10; ++i)
            if (auto r = http->Get("/healthz"); r && r->status == 429) break;
        limited = run({"show", "case", "K-1"});
    }
    EXPECT_EQ(limited.exit, 6) << kimctl_test::describe(limited);
    EXPECT_NE(limited.err.find("per second"), std::string::npos) << "not the rate limit's 429: " << limited.err;
}

// --- 3. kimflowd's own exit codes ------------------------------------------------------------

TEST(KimflowdPromisesExitCodes, ABadCommandLineExits2)
{
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--no-such-option"}, {"--db"}, {"--db", "x.db", "surplus"}}) {
        const Ended e = run_kimflowd(args);
        EXPECT_EQ(e.code, 2) << testing::PrintToString(args) << ": " << e.err;
    }
}

TEST(KimflowdPromisesExitCodes, ABadConfigurationExits2AndAnUnknownKeyListsTheKnownOnes)
{
    Database db;
    db.close();
    TempDir folder("kimflowd-conf");
    const auto with_config = [&](const std::string& text) {
        std::ofstream(folder / "kimflowd.conf") << text;
        return run_kimflowd({"--db", db.path(), "--listen", "127.0.0.1:0", "--config", folder / "kimflowd.conf"});
    };
    const Ended unknown = with_config("tick_seconds = 0\nsesion_hours = 8\n");
    EXPECT_EQ(unknown.code, 2) << unknown.err;
    EXPECT_NE(unknown.err.find("line 2"), std::string::npos) << unknown.err;
    EXPECT_NE(unknown.err.find("sesion_hours"), std::string::npos) << unknown.err;
    for (const char* key : {"session_hours", "max_header_bytes", "idempotency_hours", "trusted_proxy", "tls_cert"})
        EXPECT_NE(unknown.err.find(key), std::string::npos) << key << " is not listed: " << unknown.err;
    for (const char* text : {"session_hours = 0\n", "durability = sometimes\n", "max_header_bytes = x\n", "listen\n"}) {
        const Ended e = with_config(text);
        EXPECT_EQ(e.code, 2) << text << e.err;
        EXPECT_NE(e.err.find("line 1"), std::string::npos) << e.err;
    }
    EXPECT_EQ(run_kimflowd({"--listen", "127.0.0.1:0"}).code, 2) << "no database";
    EXPECT_EQ(run_kimflowd({"--db", db.path(), "--listen", "nonsense"}).code, 2);
    EXPECT_EQ(run_kimflowd({"--db", db.path(), "--config", folder / "missing.conf"}).code, 2);
}

TEST(KimflowdPromisesExitCodes, ADatabaseThatCannotBeOpenedExits6)
{
    TempDir folder("kimflowd-db");
    std::ofstream(folder / "text.db") << "not a database\n";
    SQLite::Database(folder / "other.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE).exec("CREATE TABLE t(x)");
    { kimflow::SqliteStore newer(folder / "newer.db"); }
    SQLite::Database(folder / "newer.db", SQLite::OPEN_READWRITE).exec("PRAGMA user_version = 999999");
    for (const std::string& file : {folder / "text.db", folder / "other.db", folder / "newer.db", folder / "no/such/dir.db"}) {
        const Ended e = run_kimflowd({"--db", file, "--listen", "127.0.0.1:0"});
        EXPECT_EQ(e.code, 6) << file << ": " << e.err;
        EXPECT_NE(e.err.find(file), std::string::npos) << "the message names the file: " << e.err;
    }
}

TEST(KimflowdPromisesExitCodes, SigintAndSigtermEndItWith0)
{
    Database db;
    db.close();
    for (int signal : {SIGINT, SIGTERM}) {
        Server server(db.path());
        EXPECT_EQ(exit_after(server, signal), 0) << server.log();
        EXPECT_NE(server.log().find("\"event\":\"stopped\""), std::string::npos) << server.log();
    }
}

// --- 4. Headers over max_header_bytes: 431 ----------------------------------------------------

TEST_F(KimflowdPromises, HeadersOverMaxHeaderBytesGet431)
{
    start({"max_header_bytes = 4096"});
    const std::string kb3(3000, 'h');
    auto fits = http->Get("/healthz", {{"X-Padding", kb3}});
    ASSERT_TRUE(fits);
    EXPECT_EQ(fits->status, 200);
    expect_problem(http->Get("/healthz", {{"X-Padding-1", kb3}, {"X-Padding-2", kb3}}), 431, "headers-too-large");
    expect_problem(http->Get("/healthz", {{"X-Padding", std::string(5000, 'h')}}), 431, "headers-too-large");
}

// cpp-httplib refuses a single header line over 8192 bytes itself (400, before kimflowd sees
// it): the documented limit is max_header_bytes, 16384 by default, and larger headers get 431.
// cpp-httplib (compiled with an 8192-byte line limit in Debian) refuses a longer single line
// before kimflowd sees the request: docs/kimflowd.md says so.
TEST_F(KimflowdPromises, OneHeaderLineOver8192BytesIsRefusedWith400)
{
    start();
    const auto answer = http->Get("/healthz", {{"X-Padding", std::string(20000, 'h')}});
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 400);
    EXPECT_EQ(http->Get("/healthz", {{"X-Padding", std::string(8000, 'h')}})->status, 200)
        << "a line under the library's limit and max_header_bytes passes";
}

// --- 5. Group commit --------------------------------------------------------------------------

// Each commit of a signed store writes one checkpoint with the logs' lengths, so the checkpoints
// show which writes shared a transaction, and a refusal's denial entry (kept although its write
// is undone) shows which commit it was in. The writes queue while this test holds the database's
// write lock; when it lets go, those queued commit together.
TEST_F(KimflowdPromises, ConcurrentWritesShareOneCommitAndARefusedOneIsUndoneAlone)
{
    const std::string kreis = db.add("kreisler", "kreis_coordinator", "Kreis Recklinghausen");
    TempFile key_file{"signing-key"};
    std::remove(key_file.path().c_str());
    const auto key = kimflow::audit::SigningKey::generate();
    key.save(key_file.path());
    kimflow::SqliteOptions signed_options;
    signed_options.signer = std::make_shared<kimflow::audit::SigningKey>(key);
    kimflow::SqliteStore(db.path(), signed_options).sign_heads();
    start({"signing_key = " + key_file.path(), "busy_timeout_ms = 30000", "rate_per_second = 0"});
    constexpr int kGood = 5;
    bool shown = false;
    for (int round = 0; round < 3 && !shown; ++round) {
        const std::string p = "r" + std::to_string(round) + "-";
        for (int i = 0; i <= kGood; ++i) open(p + std::to_string(i));
        const std::size_t before = kimflow::SqliteStore(db.path()).checkpoints().size();
        std::vector<int> status(kGood + 1, -1);
        std::vector<std::thread> clients;
        {
            SQLite::Database holder(db.path(), SQLite::OPEN_READWRITE);
            holder.exec("BEGIN IMMEDIATE");
            for (int i = 0; i <= kGood; ++i)
                clients.emplace_back([&, i] {
                    auto c = server->client();
                    const std::string path = "/api/v1/cases/" + p + std::to_string(i);
                    // The last one: the Kreis may read the case but not decline it (403, a denial).
                    auto r = i < kGood ? c->Post((path + "/events/assign").c_str(), bearer(caritas),
                                                 json{{"manager", "m" + std::to_string(i)}}.dump(), "application/json")
                                       : c->Post((path + "/events/decline").c_str(), bearer(kreis),
                                                 json{{"note", "nein"}}.dump(), "application/json");
                    status[i] = r ? r->status : -1;
                });
            // Until all but one wait in the queue (one may be in the transaction that waits for
            // the lock); at most 3 s (the committer may have taken more), then on regardless:
            // the checkpoints decide.
            const auto deadline = Clock::now() + std::chrono::seconds(3);
            while (metrics().find("\nkimflowd_write_queue_depth " + std::to_string(kGood) + "\n") == std::string::npos &&
                   Clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            holder.exec("ROLLBACK");
        }
        for (auto& t : clients) t.join();
        for (int i = 0; i < kGood; ++i) EXPECT_EQ(status[i], 200) << p << i;
        EXPECT_EQ(status[kGood], 403);
        for (int i = 0; i < kGood; ++i) EXPECT_EQ(get("/api/v1/cases/" + p + std::to_string(i), caritas)["version"], 2);
        EXPECT_EQ(get("/api/v1/cases/" + p + std::to_string(kGood), caritas)["version"], 1) << "refused: unchanged";
        if (HasFailure()) return;
        // The commit that holds the denial: how many of the writes it committed besides.
        const auto checkpoints = kimflow::SqliteStore(db.path()).checkpoints();
        ASSERT_GT(checkpoints.size(), before);
        for (std::size_t c = before; c < checkpoints.size(); ++c)
            if (checkpoints[c].denials > checkpoints[c - 1].denials) {
                EXPECT_EQ(checkpoints[c].denials, checkpoints[c - 1].denials + 1);
                shown = checkpoints[c].transitions - checkpoints[c - 1].transitions >= 2;
            }
    }
    EXPECT_TRUE(shown) << "in three rounds, the refused write never shared a commit with two others";
    EXPECT_EQ(exit_after(*server, SIGTERM), 0);
    EXPECT_TRUE(kimflow::SqliteStore(db.path()).verify_chain().ok());
}

// --- 6. Idempotency-Keys: a refusal is decided anew; keys are swept ---------------------------

TEST_F(KimflowdPromises, ARefusedRequestWithAnIdempotencyKeyIsDecidedAnewOnRetry)
{
    start({"busy_timeout_ms = 200"});
    open("K-1");
    const auto accept = [&] { return post("/api/v1/cases/K-1/events/accept", json::object(), caritas, {{"Idempotency-Key", "acc-1"}}); };
    expect_problem(accept(), 409, "guard-rejected");  // no consent yet
    ASSERT_EQ(post("/api/v1/cases/K-1/events/grant_consent",
                   {{"recipients", json::array({"Jobcenter"})}, {"purpose", "Hilfeplanung"}}, caritas)->status, 200);
    auto retried = accept();
    ASSERT_TRUE(retried);
    EXPECT_EQ(retried->status, 200) << retried->body;
    EXPECT_FALSE(retried->has_header("Idempotent-Replayed"));
    EXPECT_EQ(accept()->get_header_value("Idempotent-Replayed"), "true") << "the success is kept";

    // Refused by a busy database (the whole group commit failed): also decided anew.
    const auto assign = [&] { return post("/api/v1/cases/K-1/events/assign", {{"manager", "x"}}, caritas, {{"Idempotency-Key", "as-1"}}); };
    {
        SQLite::Database other(db.path(), SQLite::OPEN_READWRITE);
        other.exec("BEGIN IMMEDIATE");
        expect_problem(assign(), 503, "store-busy");
        other.exec("ROLLBACK");
    }
    auto again = assign();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200) << again->body;
    EXPECT_FALSE(again->has_header("Idempotent-Replayed"));
    EXPECT_EQ(get("/api/v1/cases/K-1/history", caritas).size(), 4u) << "open, grant_consent, accept, assign";
}

// The sweep runs at the ticker's first wake (tick_seconds = 1) and then hourly. The test ages two
// keys' records as stored (their "at") instead of waiting hours: one past idempotency_hours, one
// within it.
TEST_F(KimflowdPromises, IdempotencyKeysExpireAfterIdempotencyHoursAndAreSwept)
{
    start();
    open("K-1");
    const auto assign = [&](const std::string& key) {
        return post("/api/v1/cases/K-1/events/assign", {{"manager", key}}, caritas, {{"Idempotency-Key", key}});
    };
    ASSERT_EQ(assign("old")->status, 200);
    ASSERT_EQ(assign("recent")->status, 200);
    ASSERT_EQ(exit_after(*server, SIGTERM), 0);
    {
        kimflow::SqliteStore store(db.path());
        const auto records = store.settings("idem/");
        ASSERT_EQ(records.size(), 2u);
        for (const auto& [name, value] : records) {
            json record = json::parse(value);
            ASSERT_TRUE(record.contains("at")) << value;
            const auto age = name.find("/old") != std::string::npos ? std::chrono::hours(3) : std::chrono::hours(1);
            record["at"] = kimflow::format_timestamp(wall_now() - age);
            store.put_setting(name, record.dump());
        }
    }
    server = std::make_unique<Server>(db.path(), std::vector<std::string>{"idempotency_hours = 2", "tick_seconds = 1"});
    http = server->client();
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (server->log().find("expired_records_removed") == std::string::npos && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_NE(server->log().find("\"idempotency_keys\":1"), std::string::npos) << server->log();
    // The old key is forgotten: its request fires again. The recent one is still answered.
    auto old = assign("old");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->status, 200);
    EXPECT_FALSE(old->has_header("Idempotent-Replayed"));
    EXPECT_EQ(old->get_header_value("ETag"), "\"4\"");
    auto recent = assign("recent");
    ASSERT_TRUE(recent);
    EXPECT_EQ(recent->get_header_value("Idempotent-Replayed"), "true");
    EXPECT_EQ(recent->get_header_value("ETag"), "\"3\"");
}

// --- 7. /metrics: routes by pattern, never by id ---------------------------------------------

TEST_F(KimflowdPromises, MetricsLabelRoutesByTheirPatternNeverByIds)
{
    start();
    open("fall-4711");
    post("/api/v1/cases/fall-4711/events/assign", {{"manager", "x"}}, caritas);
    for (const std::string path : {"/api/v1/cases/fall-4711", "/api/v1/cases/fall-4711/history",
                                   "/api/v1/cases/fall-4711/events", "/api/v1/cases/fall-0815",
                                   "/api/v1/papers/14%2F9999", "/api/v1/unbekannt-3141"})
        http->Get(path.c_str(), bearer(caritas));
    // The patterns kimflowd serves, as `kimflowd --routes` prints them.
    std::set<std::string> patterns{"(none)"};
    std::istringstream lines(run_kimflowd({"--routes"}).out);
    for (std::string method, pattern; lines >> method >> pattern;) patterns.insert(pattern);
    const std::string text = metrics();
    std::set<std::string> labelled;
    static const std::regex route("route=\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), route); it != std::sregex_iterator(); ++it)
        labelled.insert((*it)[1]);
    for (const std::string& label : labelled) EXPECT_EQ(patterns.count(label), 1u) << "not a route pattern: " << label;
    for (const char* pattern : {"/api/v1/cases/{id}", "/api/v1/cases/{id}/history", "/api/v1/cases/{id}/events",
                                "/api/v1/cases/{id}/events/{event}", "/api/v1/papers/{id}", "/api/v1/cases"})
        EXPECT_EQ(labelled.count(pattern), 1u) << pattern << " missing from\n" << text;
    for (const char* id : {"fall-4711", "fall-0815", "14/9999", "14%2F9999", "unbekannt-3141"})
        EXPECT_EQ(text.find(id), std::string::npos) << id;
}

// --- 8. Sessions live session_hours -----------------------------------------------------------

TEST_F(KimflowdPromises, ALoginsTokenLivesSessionHours)
{
    for (const int hours : {8, 3}) {
        start(hours == 8 ? std::vector<std::string>{} : std::vector<std::string>{"session_hours = 3"});
        auto r = http->Post("/api/v1/session", json{{"name", "mkoch"}, {"password", "password-of-mkoch"}}.dump(),
                            "application/json");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 201) << r->body;
        // As stored: the session token's record, made now, expires `hours` after it was made.
        kimflow::Accounts accounts(std::make_shared<kimflow::SqliteStore>(db.path()));
        std::vector<kimflow::TokenRecord> sessions;
        for (const auto& t : accounts.tokens("mkoch"))
            if (t.kind == "session" && !t.revoked_at) sessions.push_back(t);
        ASSERT_EQ(sessions.size(), 1u);
        EXPECT_EQ(sessions[0].expires_at - sessions[0].created_at, std::chrono::hours(hours));
        // As answered: the same instant.
        EXPECT_EQ(body_of(r)["expires_at"], kimflow::format_timestamp(sessions[0].expires_at));
        ASSERT_EQ(http->Delete("/api/v1/session", bearer(body_of(r)["token"].get<std::string>()))->status, 204);
    }
}

// --- 9. A trusted proxy without a secret is warned of at start --------------------------------

TEST_F(KimflowdPromises, ATrustedProxyWithoutASecretIsWarnedOfAtStart)
{
    const auto warned = [&] {
        std::istringstream lines(server->log());
        for (std::string line; std::getline(lines, line);) {
            const json j = json::parse(line, nullptr, false);
            if (j.is_object() && j.value("event", "") == "proxy_without_secret") return j.value("level", "") == "warn";
        }
        return false;
    };
    start({"trusted_proxy = 127.0.0.1"});
    EXPECT_TRUE(warned()) << server->log();
    start({"trusted_proxy = 127.0.0.1", "proxy_secret = s3cr3t-of-the-proxy"});
    EXPECT_FALSE(warned()) << server->log();
    start();
    EXPECT_FALSE(warned()) << server->log();
}

// --- 10. Two services on one SQLite file ------------------------------------------------------

TEST_F(KimflowdPromises, TwoServicesOnOneFileSeeEachOthersWritesAndConflict)
{
    start();
    Server second(db.path());
    auto other = second.client();
    const auto fire = [&](httplib::Client& c, const std::string& manager, const std::string& version) {
        return c.Post("/api/v1/cases/K-1/events/assign", bearer(caritas, {{"If-Match", "\"" + version + "\""}}),
                      json{{"manager", manager}}.dump(), "application/json");
    };
    const auto version_at = [&](httplib::Client& c) {
        auto r = c.Get("/api/v1/cases/K-1", bearer(caritas));
        return r && r->status == 200 ? body_of(r)["version"].get<int>() : -1;
    };
    open("K-1");
    EXPECT_EQ(version_at(*other), 1) << "the second reads the first's creation";
    EXPECT_EQ(fire(*other, "b", "1")->status, 200);
    EXPECT_EQ(version_at(*http), 2) << "the first reads the second's fire";
    EXPECT_EQ(fire(*http, "a", "2")->status, 200);
    // The second still names version 2: refused, with the version the first made.
    auto stale = fire(*other, "c", "2");
    expect_problem(stale, 412, "version-conflict");
    EXPECT_EQ(body_of(stale)["actual_version"], 3);
    expect_problem(other->Post("/api/v1/cases", bearer(caritas), open_case("K-1", "caritas").dump(), "application/json"),
                   409, "duplicate-instance");
    const json history = body_of(other->Get("/api/v1/cases/K-1/history", bearer(caritas)));
    ASSERT_EQ(history.size(), 3u);
    EXPECT_NE(history[1].dump().find("manager=b"), std::string::npos) << history.dump();
    EXPECT_NE(history[2].dump().find("manager=a"), std::string::npos) << history.dump();
    EXPECT_EQ(exit_after(second, SIGTERM), 0);
}

}  // namespace
