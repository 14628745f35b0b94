// kimflowd under SIGKILL: clients fire with Idempotency-Keys while the service is killed and
// restarted several times. Afterwards every fire that was acknowledged, and every one that was
// retried after its answer was lost, is in the case's history exactly once; a replayed answer
// carries the version of the original; the file's hash chain and SQLite's own check pass.
//
// Timing decides only how many requests are cut off, never whether the assertions hold: the
// main thread kills the service each time the clients have made some progress since the last
// start, and a client retries a request that got no answer with the same key and body until it
// gets one (from whichever process is up then).
#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;
using Clock = std::chrono::steady_clock;

constexpr int kClients = 4;
constexpr int kKills = 8;
/// Acknowledged fires (all clients together) between one start of the service and its kill.
constexpr int kFiresPerRound = 30;
/// Fires per client after the last restart, so that the last process is seen to work too.
constexpr int kFiresAfterLastRestart = 10;
/// No part of the test waits longer than this for anything (a normal run takes a few seconds).
constexpr auto kPatience = std::chrono::seconds(10);

/// One fire as a client saw it.
struct Fire {
    std::string key;
    json body;
    int status = 0;
    std::uint64_t version = 0;    ///< the ETag of the answer
    std::string answer;           ///< the body of the answer
    bool replayed = false;        ///< Idempotent-Replayed: true
    int lost = 0;                 ///< attempts that got no answer (connection cut off)
};

/// The client's side of the service's address: 0 while it is down.
class Address {
public:
    void set(int port) { port_.store(port); }
    /// The port of the running service; waits while it is down. 0 after kPatience.
    int wait() const
    {
        const auto deadline = Clock::now() + kPatience;
        while (Clock::now() < deadline) {
            if (const int p = port_.load(); p != 0) return p;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        return 0;
    }

private:
    std::atomic<int> port_{0};
};

std::unique_ptr<httplib::Client> connect(int port) { return keep_alive_client(port, 5); }

class Fault : public ::testing::Test {
protected:
    Database db;
    std::string token = db.add("mkoch", "case_manager", "caritas");
    Address address;
    std::atomic<int> acknowledged{0};
    std::atomic<bool> finish{false};
    /// Clients that have ended, done or failed: before `finish` only a failed one.
    std::atomic<int> ended_clients{0};

    static std::string case_id(int client) { return "fault-" + std::to_string(client); }

    /// Client @p n: fires `assign` on its case, each with a key of its own that the payload
    /// carries as the manager, until told to finish (and then kFiresAfterLastRestart more).
    /// `assign` takes the same payload twice, so a fire done twice would show in the history
    /// (a second `follow_up` of the same date and subject would be refused by the case itself),
    /// and it keeps the case's data small.
    std::vector<Fire> run_client(int n, int first_port)
    {
        struct Ended {
            std::atomic<int>& count;
            ~Ended() { ++count; }
        } ended{ended_clients};
        std::vector<Fire> fires;
        const std::string path = "/api/v1/cases/" + case_id(n) + "/events/assign";
        int port = first_port;
        auto http = connect(port);
        int after_finish = 0;
        for (int seq = 0; after_finish < kFiresAfterLastRestart; ++seq) {
            if (finish.load()) ++after_finish;
            Fire f;
            f.key = "k-" + std::to_string(n) + "-" + std::to_string(seq);
            f.body = {{"manager", f.key}};
            const std::string text = f.body.dump();
            const auto deadline = Clock::now() + kPatience;
            for (;;) {
                if (Clock::now() > deadline) {
                    ADD_FAILURE() << f.key << ": no answer within " << kPatience.count() << " s";
                    return fires;
                }
                auto r = http->Post(path.c_str(), bearer(token, {{"Idempotency-Key", f.key}}), text, "application/json");
                if (!r || r->status == 503) {
                    // Cut off (or refused while stopping): the same key and body again, on a new
                    // connection to wherever the service is now.
                    if (!r) ++f.lost;
                    port = address.wait();
                    if (port == 0) {
                        ADD_FAILURE() << f.key << ": the service did not come back";
                        return fires;
                    }
                    http = connect(port);
                    continue;
                }
                f.status = r->status;
                f.answer = r->body;
                f.replayed = r->get_header_value("Idempotent-Replayed") == "true";
                const std::string etag = r->get_header_value("ETag");
                if (etag.size() > 2) f.version = std::stoull(etag.substr(1, etag.size() - 2));
                break;
            }
            if (f.status / 100 != 2) {
                ADD_FAILURE() << f.key << " answered " << f.status << ": " << f.answer;
                return fires;
            }
            fires.push_back(f);
            ++acknowledged;
        }
        return fires;
    }
};

TEST_F(Fault, EveryAcknowledgedOrRetriedFireIsInTheHistoryExactlyOnceAcrossSigkills)
{
    const auto started = Clock::now();
    db.close();
    // Durability FULL is the default: a fire is acknowledged only after its commit is synced.
    Server server(db.path(), {"rate_per_second = 0", "durability = full"});
    {
        auto http = server.client();
        for (int n = 0; n < kClients; ++n) {
            auto r = http->Post("/api/v1/cases", bearer(token), open_case(case_id(n), "caritas").dump(), "application/json");
            ASSERT_TRUE(r);
            ASSERT_EQ(r->status, 201) << r->body;
        }
    }
    address.set(server.port());

    std::vector<std::vector<Fire>> results(kClients);
    std::vector<std::thread> clients;
    for (int n = 0; n < kClients; ++n)
        clients.emplace_back([this, n, &results, port = server.port()] { results[n] = run_client(n, port); });

    // Kill whenever the clients have got kFiresPerRound more answers since the last start.
    int kills = 0;
    for (; kills < kKills; ++kills) {
        const int target = acknowledged.load() + kFiresPerRound;
        const auto deadline = Clock::now() + kPatience;
        while (acknowledged.load() < target && ended_clients.load() == 0 && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (acknowledged.load() < target) {
            ADD_FAILURE() << "the clients made no progress in round " << kills
                          << (ended_clients.load() > 0 ? " (a client gave up)" : "");
            break;
        }
        // Right after an answer the other clients' next requests have mostly not committed yet;
        // a delay that differs from round to round spreads the kills over the cycle, so that
        // some may fall between a commit and the write of its answer (the retry then gets the
        // answer replayed). An answer written before the kill still arrives: the kernel sends
        // what is in the socket's buffer. Either way the assertions hold.
        std::this_thread::sleep_for(std::chrono::milliseconds((kills * 17) % 50));
        address.set(0);
        server.kill();
        server.restart();
        address.set(server.port());
    }
    finish = true;
    for (auto& t : clients) t.join();
    ASSERT_EQ(kills, kKills);
    ASSERT_FALSE(HasFailure());

    // What the clients saw.
    std::size_t fired = 0, retried = 0, retried_replayed = 0, lost_attempts = 0;
    for (const auto& fires : results)
        for (const Fire& f : fires) {
            ++fired;
            lost_attempts += static_cast<std::size_t>(f.lost);
            if (f.lost > 0) {
                ++retried;
                if (f.replayed) ++retried_replayed;
            } else {
                EXPECT_FALSE(f.replayed) << f.key << " was replayed though it was sent once";
            }
        }

    // Every key, acknowledged at once or after retries, is in its case's history exactly once, at
    // the version its answer named; the history has no assign of a key no client sent.
    auto http = server.client();
    for (int n = 0; n < kClients; ++n) {
        auto r = http->Get(("/api/v1/cases/" + case_id(n) + "/history").c_str(), bearer(token));
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << r->body;
        std::map<std::string, std::vector<std::uint64_t>> versions_of;
        std::size_t assigns = 0;
        for (const json& entry : body_of(r)) {
            if (entry.value("event", "") != "assign") continue;
            ++assigns;
            versions_of[manager_of(entry)].push_back(entry.at("version").get<std::uint64_t>());
        }
        EXPECT_EQ(assigns, results[n].size()) << case_id(n);
        for (const Fire& f : results[n]) {
            const auto& v = versions_of[f.key];
            ASSERT_EQ(v.size(), 1u) << f.key << " (lost " << f.lost << " times) is in the history " << v.size()
                                    << " times";
            EXPECT_EQ(v.front(), f.version) << f.key << (f.replayed ? ", replayed," : "")
                                            << " was answered with another version than its history entry";
        }
    }

    // Sent again now, every acknowledged fire is answered from its key's record (kept across the
    // kills) with the original's version and body, and fires nothing more.
    for (int n = 0; n < kClients; ++n) {
        const std::string path = "/api/v1/cases/" + case_id(n) + "/events/assign";
        for (const Fire& f : results[n]) {
            auto again = http->Post(path.c_str(), bearer(token, {{"Idempotency-Key", f.key}}), f.body.dump(),
                                    "application/json");
            ASSERT_TRUE(again) << f.key;
            EXPECT_EQ(again->status, f.status) << f.key << ": " << again->body;
            EXPECT_EQ(again->get_header_value("Idempotent-Replayed"), "true") << f.key;
            EXPECT_EQ(again->get_header_value("ETag"), "\"" + std::to_string(f.version) + "\"") << f.key;
            EXPECT_EQ(body_of(again), json::parse(f.answer)) << f.key;
        }
        auto r = http->Get(("/api/v1/cases/" + case_id(n) + "/history").c_str(), bearer(token));
        ASSERT_TRUE(r);
        EXPECT_EQ(body_of(r).size(), results[n].size() + 1) << case_id(n) << ": open and one entry per key";
    }

    EXPECT_EQ(server.stop(), 0) << server.log();
    kimflow::SqliteStore store(db.path());
    const kimflow::ChainCheck chain = store.verify_chain();
    EXPECT_TRUE(chain.ok()) << "the hash chain breaks: " << chain.first_break->problem;
    EXPECT_GE(chain.transitions, fired + kClients);
    EXPECT_TRUE(store.integrity_check().empty()) << store.integrity_check().front();

    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    RecordProperty("kills", kills);
    RecordProperty("fires", static_cast<int>(fired));
    RecordProperty("retried", static_cast<int>(retried));
    RecordProperty("retried_replayed", static_cast<int>(retried_replayed));
    RecordProperty("lost_attempts", static_cast<int>(lost_attempts));
    std::printf("[ fault    ] %d SIGKILLs, %zu fires by %d clients in %.1f s; %zu cut off and retried "
                "(%zu of them had committed and were replayed, %zu fired on retry), %zu attempts lost\n",
                kills, fired, kClients, seconds, retried, retried_replayed, retried - retried_replayed,
                lost_attempts);
    EXPECT_LT(seconds, 60.0);
}

}  // namespace
