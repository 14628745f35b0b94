// Two kimflowd nodes on one PostgreSQL database, as a Kreis runs them behind a load balancer:
// clients spread over both fire with Idempotency-Keys while one node is killed with SIGKILL and
// started again, and while the database server restarts. A client whose node does not answer,
// or answers 503, sends the same request with the same key to the other node. Afterwards every
// acknowledged fire is in its case's history exactly once, at the version its answer named; both
// nodes read the same histories; the hash chain and the signed checkpoints verify.
//
// Timing decides only how many requests are cut off, never whether the assertions hold (as in
// kimflowd_fault_test.cpp): each fault waits for the clients' progress since the last one.
#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include <kimflow/audit/signing.hpp>
#include <kimflow/store/pg_store.hpp>

#include "kimflowd_fixture.hpp"
#include "pg_test_server.hpp"

namespace {

using namespace kimflowd_test;
using Clock = std::chrono::steady_clock;

constexpr int kClients = 6;
/// Acknowledged fires (all clients together) before each fault, and after the last.
constexpr int kFiresPerRound = 40;
/// No part of the test waits longer than this for anything.
constexpr auto kPatience = std::chrono::seconds(20);

struct Fire {
    std::string key;
    json body;
    int status = 0;
    std::uint64_t version = 0;
    int failed_over = 0;  ///< attempts that got no answer or a 503, sent again
};

std::unique_ptr<httplib::Client> connect(int port) { return keep_alive_client(port, 2); }

class Nodes : public ::testing::Test {
protected:
    kimflow_test::PgServer database;
    /// kimflowd's `db`: the test server's database `postgres`, over its Unix socket.
    std::string uri = database.uri();
    TempDir keys;
    std::string token;
    std::atomic<int> ports[2] = {0, 0};  // 0 while the node is down
    std::atomic<int> acknowledged{0};
    std::atomic<bool> finish{false};
    std::atomic<int> failed_clients{0};

    static std::string case_id(int client) { return "node-case-" + std::to_string(client); }

    void SetUp() override
    {
        kimflow::audit::SigningKey::generate().save(keys.path() + "/signing.key");
        auto store = std::make_shared<kimflow::PgStore>(database.connection());
        kimflow::Accounts accounts(store);
        accounts.add("mkoch", "case_manager", "caritas", "password-of-mkoch", kSetup, wall_now());
        token = accounts.create_token("mkoch", std::chrono::hours(1), "api", kSetup, wall_now());
        // The service signs from a verified start: the accounts' entries get their checkpoint.
        kimflow::PgOptions options;
        options.signer = std::make_shared<kimflow::audit::SigningKey>(
            kimflow::audit::SigningKey::load(keys.path() + "/signing.key"));
        kimflow::PgStore(database.connection(), options).sign_heads();
    }

    std::vector<std::string> config() const
    {
        return {"rate_per_second = 0", "signing_key = " + keys.path() + "/signing.key"};
    }

    /// Client @p n: fires `assign` with a key of its own (the payload carries it as the manager),
    /// first on node n % 2, and on a failure the same request on the other node.
    std::vector<Fire> run_client(int n)
    {
        std::vector<Fire> fires;
        const std::string path = "/api/v1/cases/" + case_id(n) + "/events/assign";
        int node = n % 2;
        std::unique_ptr<httplib::Client> http;
        int connected_port = 0;
        for (int seq = 0; !finish.load(); ++seq) {
            Fire f;
            f.key = "n-" + std::to_string(n) + "-" + std::to_string(seq);
            f.body = {{"manager", f.key}};
            const std::string text = f.body.dump();
            const auto deadline = Clock::now() + kPatience;
            for (;;) {
                if (Clock::now() > deadline) {
                    ADD_FAILURE() << f.key << ": no answer from either node within " << kPatience.count() << " s";
                    ++failed_clients;
                    return fires;
                }
                const int port = ports[node].load();
                if (port == 0) {
                    node = 1 - node;
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    continue;
                }
                if (port != connected_port) {
                    http = connect(port);
                    connected_port = port;
                }
                auto r = http->Post(path.c_str(), bearer(token, {{"Idempotency-Key", f.key}}), text, "application/json");
                if (!r || r->status == 503) {
                    ++f.failed_over;
                    node = 1 - node;
                    connected_port = 0;
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    continue;
                }
                f.status = r->status;
                const std::string etag = r->get_header_value("ETag");
                if (etag.size() > 2) f.version = std::stoull(etag.substr(1, etag.size() - 2));
                if (f.status / 100 != 2) {
                    ADD_FAILURE() << f.key << " answered " << f.status << ": " << r->body;
                    ++failed_clients;
                    return fires;
                }
                break;
            }
            fires.push_back(f);
            ++acknowledged;
        }
        return fires;
    }

    /// Waits until the clients have kFiresPerRound more answers. False if they made none.
    bool progress()
    {
        const int target = acknowledged.load() + kFiresPerRound;
        const auto deadline = Clock::now() + kPatience;
        while (acknowledged.load() < target && failed_clients.load() == 0 && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return acknowledged.load() >= target;
    }
};

TEST_F(Nodes, TwoNodesOnOneDatabaseLoseNothingAcrossANodeKillAndADatabaseRestart)
{
    const auto started = Clock::now();
    Server a(uri, config()), b(uri, config());
    ports[0] = a.port();
    ports[1] = b.port();
    {
        auto http = a.client();
        for (int n = 0; n < kClients; ++n) {
            auto r = http->Post("/api/v1/cases", bearer(token), open_case(case_id(n), "caritas").dump(), "application/json");
            ASSERT_TRUE(r);
            ASSERT_EQ(r->status, 201) << r->body;
        }
    }

    std::vector<std::vector<Fire>> results(kClients);
    std::vector<std::thread> clients;
    for (int n = 0; n < kClients; ++n) clients.emplace_back([this, n, &results] { results[n] = run_client(n); });

    bool moved = progress();
    EXPECT_TRUE(moved) << "no progress with both nodes up";
    if (moved) {  // node a killed, its clients go to b; then a comes back
        ports[0] = 0;
        a.kill();
        moved = progress();
        EXPECT_TRUE(moved) << "no progress on node b alone";
        a.restart();
        ports[0] = a.port();
    }
    if (moved) {  // the database restarts under both nodes
        moved = progress();
        EXPECT_TRUE(moved) << "no progress after node a came back";
        database.halt();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        database.resume();
    }
    if (moved) {
        EXPECT_TRUE(progress()) << "no progress after the database restarted";
    }
    finish = true;
    for (auto& t : clients) t.join();
    ASSERT_FALSE(HasFailure()) << "node a:\n" << a.log() << "\nnode b:\n" << b.log();

    std::size_t fired = 0, failed_over = 0;
    for (const auto& fires : results)
        for (const Fire& f : fires) {
            ++fired;
            if (f.failed_over) ++failed_over;
        }
    // Every key in its case's history exactly once, at the version its answer named, and the
    // same history read through either node.
    auto http_a = a.client(), http_b = b.client();
    for (int n = 0; n < kClients; ++n) {
        const std::string path = "/api/v1/cases/" + case_id(n) + "/history";
        auto from_a = http_a->Get(path.c_str(), bearer(token));
        auto from_b = http_b->Get(path.c_str(), bearer(token));
        ASSERT_TRUE(from_a && from_b);
        ASSERT_EQ(from_a->status, 200) << from_a->body;
        EXPECT_EQ(body_of(from_a), body_of(from_b)) << case_id(n) << ": the nodes read different histories";
        std::map<std::string, std::vector<std::uint64_t>> versions_of;
        std::size_t assigns = 0;
        for (const json& entry : body_of(from_a)) {
            if (entry.value("event", "") != "assign") continue;
            ++assigns;
            versions_of[manager_of(entry)].push_back(entry.at("version").get<std::uint64_t>());
        }
        EXPECT_EQ(assigns, results[n].size()) << case_id(n);
        for (const Fire& f : results[n]) {
            const auto& v = versions_of[f.key];
            ASSERT_EQ(v.size(), 1u) << f.key << " is in the history " << v.size() << " times";
            EXPECT_EQ(v.front(), f.version) << f.key;
        }
    }
    EXPECT_EQ(a.stop(), 0) << a.log();
    EXPECT_EQ(b.stop(), 0) << b.log();

    kimflow::PgStore store(database.connection());
    const kimflow::ChainCheck chain = store.verify_chain();
    ASSERT_TRUE(chain.ok()) << chain.first_break->problem;
    EXPECT_GE(chain.transitions, fired + kClients);
    const auto checkpoints = store.checkpoints();
    ASSERT_FALSE(checkpoints.empty());
    EXPECT_EQ(checkpoints.back().transitions, chain.last_transition_seq) << "the last commit is not signed";
    const auto key = kimflow::audit::SigningKey::load(keys.path() + "/signing.key");
    std::vector<std::string> problems;
    kimflow::audit::check_signatures(checkpoints, {}, chain, {key.public_key()}, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();

    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::printf("[ nodes    ] %zu fires by %d clients on 2 nodes in %.1f s across a SIGKILL of a node and a restart "
                "of PostgreSQL; %zu sent again to the other node\n",
                fired, kClients, seconds, failed_over);
}

// What a client sees across nodes: a version another node moved on is 412 on this one, as on one
// node; while the database is down every node answers 503 with Retry-After (and /readyz says so,
// for the load balancer); once it is back, the same request succeeds without a restart.
TEST_F(Nodes, AStaleVersionIs412OnTheOtherNodeAndADatabaseThatIsDownIs503WithRetryAfter)
{
    Server a(uri, config()), b(uri, config());
    auto on_a = a.client(), on_b = b.client();
    auto created = on_a->Post("/api/v1/cases", bearer(token), open_case("c-1", "caritas").dump(), "application/json");
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    const std::string path = "/api/v1/cases/c-1/events/assign";
    auto read_on_b = on_b->Get("/api/v1/cases/c-1", bearer(token));
    ASSERT_TRUE(read_on_b);
    EXPECT_EQ(read_on_b->get_header_value("ETag"), "\"1\"");
    auto first = on_a->Post(path.c_str(), bearer(token, {{"If-Match", "\"1\""}}), json{{"manager", "m-a"}}.dump(),
                            "application/json");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200) << first->body;
    auto stale = on_b->Post(path.c_str(), bearer(token, {{"If-Match", "\"1\""}}), json{{"manager", "m-b"}}.dump(),
                            "application/json");
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->status, 412) << stale->body;

    database.halt();
    auto down = on_a->Post(path.c_str(), bearer(token), json{{"manager", "m-c"}}.dump(), "application/json");
    ASSERT_TRUE(down);
    EXPECT_EQ(down->status, 503) << down->body;
    EXPECT_FALSE(down->get_header_value("Retry-After").empty()) << down->body;
    auto ready = on_b->Get("/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 503) << ready->body;
    database.resume();
    auto again = on_a->Post(path.c_str(), bearer(token), json{{"manager", "m-c"}}.dump(), "application/json");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200) << again->body;
    EXPECT_EQ(again->get_header_value("ETag"), "\"3\"") << "the request refused while the database was down wrote nothing";
    auto history = on_b->Get("/api/v1/cases/c-1/history", bearer(token));
    ASSERT_TRUE(history);
    EXPECT_EQ(body_of(history).size(), 3u);
}

}  // namespace
