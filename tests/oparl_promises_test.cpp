// OParl promises that no other test checked: the export says when a paper fell overdue and since
// when a resolution is (README#tick); a tombstone leaves a paper in a final state as it is
// (oparl.hpp#Tombstones); and the sync honours a 429's Retry-After and `full` starts over
// (README#Sync; oparl_sync.hpp), against tests/oparl/serve_body.py on 127.0.0.1.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/io/oparl.hpp>
#include <kimflow/io/oparl_sync.hpp>
#include <kimflow/resolution/resolution_engine.hpp>

#include "oparl_fixture.hpp"
#include "paper_fixture.hpp"

extern char** environ;

namespace {

using nlohmann::json;

// --- The export: kimflow:answerOverdueAt and a resolution's overdueSince ---

class OparlExportPromises : public paper_test::PaperTest {
protected:
    kimflow::resolution::ResolutionEngine resolutions{engine};

    /// The exported Paper of @p reference, with the resolutions' details.
    json exported(const std::string& reference) const
    {
        kimflow::oparl::ExportOptions options;
        options.resolutions = &resolutions;
        for (const auto& p : kimflow::oparl::export_papers(engine, options).papers)
            if (p.at("reference") == reference) return p;
        return nullptr;
    }
};

TEST_F(OparlExportPromises, AnOverduePaperAndResolutionSayWhenTheTickFoundThemOverdue)
{
    using namespace paper_test;
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);  // 2025-01-06: the answer period ends on 2025-02-04
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    engine.fire("14/2001", Recommend{}, sitzungsdienst);
    schedule("14/2001");
    engine.fire("14/2001", Decide{}, sitzungsdienst);
    at("2025-01-07T09:00:00Z");
    kimflow::resolution::Resolution r;
    r.paper = "14/2001";
    r.office = "FB 5 Soziales";
    r.task = "Bericht über den Stand von KIM";
    r.due = parse_date("2025-03-31");
    resolutions.create("R1", r, sitzungsdienst);
    EXPECT_FALSE(exported("14/1923").contains("kimflow:answerOverdueAt")) << "not before a tick found it";
    EXPECT_FALSE(exported("14/2001").at("kimflow:resolutions").at(0).contains("overdueSince"));

    at("2025-02-10T08:00:00Z");
    ASSERT_EQ(engine.tick(clock->now()).fired.size(), 1u);
    at("2025-04-15T06:00:00Z");
    ASSERT_EQ(resolutions.tick(clock->now()).fired.size(), 1u);
    const json paper = exported("14/1923");
    EXPECT_EQ(paper.value("kimflow:answerOverdueAt", json()), json("2025-02-10T08:00:00Z")) << paper.dump(2);
    const json item = exported("14/2001").at("kimflow:resolutions").at(0);
    EXPECT_EQ(item.value("id", json()), json("R1"));
    EXPECT_EQ(item.value("overdueSince", json()), json("2025-04-15T06:00:00Z")) << item.dump(2);
}

// --- Tombstones: a paper in a final state keeps its history ---

TEST(OparlTombstones, ATombstoneOfAPaperInAFinalStateKeepsItsHistoryAndIsSkippedWithAReason)
{
    using namespace oparl_fixture;
    for (const char* result : {"beschlossen", "abgelehnt"}) {
        SCOPED_TRACE(result);
        Council c;
        ASSERT_EQ(c.import(rat_treats(result)).created, Refs{"0300/2025"});
        const std::string state = c.state("0300/2025");
        ASSERT_TRUE(state == "decided" || state == "rejected") << state;
        const auto before = histories(c);
        const auto r = c.import({file("papers-since.json", R"({"data": [{"id": "{ris}paper/300",
            "type": "{1.1}Paper", "created": "2025-02-24T10:00:00+01:00", "modified": "2025-04-01T10:00:00+02:00",
            "deleted": true}]})")});
        ASSERT_EQ(r.skipped.size(), 1u) << describe(r);
        EXPECT_EQ(r.skipped[0].id, "https://ris.example.de/oparl/paper/300");
        EXPECT_EQ(r.skipped[0].reference, "0300/2025");
        EXPECT_NE(r.skipped[0].reason.find("the paper stays " + state + " (a final state keeps its history)"),
                  std::string::npos) << r.skipped[0].reason;
        EXPECT_TRUE(r.created.empty() && r.advanced.empty() && r.unchanged.empty() && r.quarantined.empty())
            << describe(r);
        EXPECT_EQ(c.state("0300/2025"), state);
        EXPECT_EQ(histories(c), before);
    }
}

// --- Sync: 429 with Retry-After, and `full` ---

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* out)
{
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

/// serve_body.py without faults, as oparl_sync_test.cpp runs it, but started through a few lines
/// that add `Retry-After: 1` to every 429 it sends (serve_body.py sends none of its own).
class RisWithRetryAfter {
public:
    RisWithRetryAfter()
    {
        static const char* const kWrapper =
            "import sys\n"
            "sys.path.insert(0, sys.argv[1])\n"
            "sys.argv = ['serve_body.py', '--no-faults']\n"
            "import serve_body\n"
            "plain = serve_body.Handler.send_response\n"
            "def send_response(self, code, message=None):\n"
            "    plain(self, code, message)\n"
            "    if code == 429:\n"
            "        self.send_header('Retry-After', '1')\n"
            "serve_body.Handler.send_response = send_response\n"
            "serve_body.main()\n";
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        std::vector<std::string> args{KIMFLOW_PYTHON3, "-c", kWrapper, std::string(KIMFLOW_TESTS_DIR) + "/oparl"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int spawned = posix_spawn(&pid_, KIMFLOW_PYTHON3, &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);
        std::string line;
        pollfd p{fds[0], POLLIN, 0};
        char c = 0;
        while (spawned == 0 && line.find('\n') == std::string::npos && poll(&p, 1, 20000) > 0 && read(fds[0], &c, 1) == 1)
            line += c;
        close(fds[0]);
        if (spawned != 0) pid_ = 0;
        port_ = std::atoi(line.c_str());
        if (port_ <= 0) throw std::runtime_error("serve_body.py told no port");
    }
    ~RisWithRetryAfter()
    {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    RisWithRetryAfter(const RisWithRetryAfter&) = delete;
    RisWithRetryAfter& operator=(const RisWithRetryAfter&) = delete;

    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    void control(const json& command) const { ASSERT_EQ(request("/_control", command.dump()), json({{"ok", true}})); }
    /// The requests the RIS saw since the last clear_log, as path and query, in order.
    std::vector<std::string> log() const { return request("/_log", "").get<std::vector<std::string>>(); }

private:
    json request(const std::string& path, const std::string& post) const
    {
        std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
        std::string body;
        const std::string u = url(path);
        curl_easy_setopt(curl.get(), CURLOPT_URL, u.c_str());
        curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
        curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
        curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
        if (!post.empty()) curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, post.c_str());
        if (curl_easy_perform(curl.get()) != CURLE_OK) throw std::runtime_error("no answer from " + u);
        return json::parse(body);
    }

    pid_t pid_ = 0;
    int port_ = 0;
};

/// The requests of @p log that contain @p part, in order.
std::vector<std::string> requests_for(const std::vector<std::string>& log, const std::string& part)
{
    std::vector<std::string> out;
    std::copy_if(log.begin(), log.end(), std::back_inserter(out),
                 [&](const std::string& r) { return r.find(part) != std::string::npos; });
    return out;
}

class OparlSyncPromises : public ::testing::Test {
protected:
    void SetUp() override
    {
        setenv("no_proxy", "127.0.0.1,localhost", 1);  // a proxy in the environment must not see them
        setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    }
    /// Short timeouts; a backoff of 20 ms, so that a wait of a second can only be the server's.
    static kimflow::oparl::SyncOptions options()
    {
        kimflow::oparl::SyncOptions o;
        o.timeout = std::chrono::milliseconds(2000);
        o.retries = 3;
        o.backoff = std::chrono::milliseconds(20);
        o.interval = std::chrono::milliseconds(1);
        return o;
    }
    kimflow::oparl::SyncReport sync(const kimflow::oparl::SyncOptions& o)
    {
        return kimflow::oparl::sync_oparl(engine, ris.url("/oparl/system"), importer, o);
    }
    std::string setting(const std::string& key) { return engine.store()->setting(key).value_or(""); }
    std::string next_key() const { return "oparl:sync:" + ris.url("/oparl/body/1") + ":next"; }

    RisWithRetryAfter ris;
    const kimflow::Actor importer{"oparl-import", "sitzungsdienst", "Stadt Beispielstadt"};
    std::shared_ptr<kimflow::ManualClock> clock =
        std::make_shared<kimflow::ManualClock>(kimflow::parse_timestamp("2025-01-06T09:00:00Z"));
    kimflow::paper::PaperEngine engine{kimflow::paper::PaperConfig{}, clock};
};

TEST_F(OparlSyncPromises, A429IsTriedAgainAfterTheWaitItsRetryAfterAsksFor)
{
    ris.control({{"action", "fail"}, {"list", "papers"}, {"page", 2}, {"status", 429}});
    auto o = options();
    std::vector<std::string> retries;  // what the sync says before each wait: the wait it asks for
    o.progress = [&](const std::string& line) {
        if (line.rfind("Wiederholung", 0) != 0) return;
        retries.push_back(line);
        ris.control({{"action", "heal"}});  // the server is ready again by the time it asks
    };
    const auto report = sync(o);
    ASSERT_EQ(retries.size(), 1u);
    EXPECT_EQ(retries[0], "Wiederholung 1 von 3 in 1 s (HTTP 429): " + ris.url("/oparl/body/1/papers?page=2"))
        << "Retry-After: 1, not the backoff of 20 ms";
    EXPECT_EQ(report.retries, 1u);
    EXPECT_EQ(engine.size(), 7u);
    // Page 2 asked twice, one right after the other, then page 3.
    EXPECT_EQ(requests_for(ris.log(), "/body/1/papers"),
              (std::vector<std::string>{"/oparl/body/1/papers", "/oparl/body/1/papers?page=2",
                                        "/oparl/body/1/papers?page=2", "/oparl/body/1/papers?page=3"}));
}

TEST_F(OparlSyncPromises, FullIgnoresTheSyncPointAndAnInterruptedIncrementalRun)
{
    auto o = options();
    sync(o);
    // Every paper changes at the source, so the incremental run has three pages; it stops at page 2.
    for (int n = 1; n <= 7; ++n) ris.control({{"action", "touch"}, {"paper", n}});
    ris.control({{"action", "fail"}, {"list", "papers"}, {"page", 2}, {"status", 503}});
    o.retries = 0;
    EXPECT_THROW(sync(o), kimflow::oparl::SyncError);
    ASSERT_NE(setting(next_key()).find("modified_since="), std::string::npos) << setting(next_key());
    ris.control({{"action", "heal"}});
    ris.control({{"action", "clear_log"}});

    o.full = true;
    const auto full = sync(o);
    EXPECT_FALSE(full.incremental);
    EXPECT_EQ(full.pages, 1u + 3u + 3u + 3u);  // bodies, organizations, meetings, papers: every list whole
    const auto log = ris.log();
    for (const auto& r : log) EXPECT_EQ(r.find("modified_since"), std::string::npos) << r;
    EXPECT_EQ(requests_for(log, "/body/1/papers"),
              (std::vector<std::string>{"/oparl/body/1/papers", "/oparl/body/1/papers?page=2",
                                        "/oparl/body/1/papers?page=3"}))
        << "from the first page, not from where the incremental run stopped";
    EXPECT_EQ(setting(next_key()), "");
}

TEST_F(OparlSyncPromises, AnInterruptedFullRunIsResumedByTheNextFullRun)
{
    auto o = options();
    o.full = true;
    o.retries = 0;
    ris.control({{"action", "fail"}, {"list", "papers"}, {"page", 3}, {"status", 503}});
    EXPECT_THROW(sync(o), kimflow::oparl::SyncError);
    ris.control({{"action", "heal"}});
    ris.control({{"action", "clear_log"}});
    const auto resumed = sync(o);
    EXPECT_EQ(requests_for(ris.log(), "/body/1/papers"), std::vector<std::string>{"/oparl/body/1/papers?page=3"});
    EXPECT_EQ(resumed.imported.created, (std::vector<std::string>{"0006/2024", "0007/2024"}));
    EXPECT_EQ(engine.size(), 7u);
}

}  // namespace
