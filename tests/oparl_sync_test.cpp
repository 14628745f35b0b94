// Tests of the OParl sync (kimflow/io/oparl_sync.hpp) against a RIS on this machine:
// tests/oparl/serve_body.py serves a System, a Body and its paged lists on 127.0.0.1, with a
// 500, a page slower than the timeout and a page cut short, once each. The tests read its request
// log and change its data through its test endpoints (`/_log`, `/_control`).
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/io/oparl_sync.hpp>

extern char** environ;

namespace {

using namespace kimflow;
using namespace kimflow::paper;
using nlohmann::json;

const std::string kPython = KIMFLOW_PYTHON3;
const std::string kServer = std::string(KIMFLOW_TESTS_DIR) + "/oparl/serve_body.py";
const Actor importer{"oparl-import", "sitzungsdienst", "Stadt Beispielstadt"};
const std::vector<std::string> kAllPapers{"0001/2024", "0002/2024", "0003/2024", "0004/2024",
                                          "0005/2024", "0006/2024", "0007/2024"};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* out)
{
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

/// serve_body.py as a child process, killed at the end of the test.
class Ris {
public:
    explicit Ris(bool faults = true)
    {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        std::vector<std::string> args{kPython, kServer};
        if (!faults) args.push_back("--no-faults");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int spawned = posix_spawn(&pid_, kPython.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);
        if (spawned != 0) {
            close(fds[0]);
            throw std::runtime_error("cannot start " + kPython);
        }
        // The first line is the port; wait for it at most 20 s.
        std::string line;
        pollfd p{fds[0], POLLIN, 0};
        char c = 0;
        while (line.find('\n') == std::string::npos && poll(&p, 1, 20000) > 0 && read(fds[0], &c, 1) == 1) line += c;
        close(fds[0]);
        port_ = std::atoi(line.c_str());
        if (port_ <= 0) {
            stop();
            throw std::runtime_error("serve_body.py told no port");
        }
    }
    ~Ris() { stop(); }
    Ris(const Ris&) = delete;
    Ris& operator=(const Ris&) = delete;

    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    std::string body_id() const { return url("/oparl/body/1"); }

    void control(const json& command) const { ASSERT_EQ(request("/_control", command.dump()), json({{"ok", true}})); }
    /// The requests the RIS saw since the last clear_log, as path and query.
    std::vector<std::string> log() const { return request("/_log", "").get<std::vector<std::string>>(); }

private:
    void stop()
    {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
    }

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

std::size_t count_of(const std::vector<std::string>& log, const std::string& part)
{
    return static_cast<std::size_t>(
        std::count_if(log.begin(), log.end(), [&](const std::string& r) { return r.find(part) != std::string::npos; }));
}

class OparlSyncTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        // Requests go to 127.0.0.1; a proxy in the environment must not see them.
        setenv("no_proxy", "127.0.0.1,localhost", 1);
        setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    }

    /// Short timeouts and backoff, so the faults cost a second or two.
    static oparl::SyncOptions options()
    {
        oparl::SyncOptions o;
        o.timeout = std::chrono::milliseconds(1000);
        o.retries = 3;
        o.backoff = std::chrono::milliseconds(20);
        o.interval = std::chrono::milliseconds(1);
        return o;
    }

    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    PaperEngine engine{PaperConfig{}, clock};

    std::string setting(const std::string& key) { return engine.store()->setting(key).value_or(""); }
    std::map<std::string, std::uint64_t> versions()
    {
        std::map<std::string, std::uint64_t> out;
        for (const auto& id : engine.find(InstanceQuery{})) out[id] = engine.view(id).version;
        return out;
    }
    std::string state(const std::string& id) { return std::string(engine.view(id).state()); }
};

TEST_F(OparlSyncTest, FirstRunReadsEverythingThroughTheFaultsThenOnlyWhatChanged)
{
    Ris ris;
    const oparl::SyncReport first = oparl::sync_oparl(engine, ris.url("/oparl/system"), importer, options());

    EXPECT_EQ(engine.find(InstanceQuery{}), kAllPapers);
    EXPECT_EQ(first.imported.created, kAllPapers);
    EXPECT_TRUE(first.imported.advanced.empty());
    EXPECT_TRUE(first.imported.quarantined.empty()) << first.imported.quarantined.front().reason;
    ASSERT_EQ(first.imported.skipped.size(), 1u);  // the tombstone of a paper never imported
    EXPECT_EQ(first.imported.skipped[0].id, ris.url("/oparl/paper/99"));
    // The 500, the slow page and the page cut short were each tried again.
    EXPECT_GE(first.retries, 3u);
    EXPECT_FALSE(first.incremental);
    EXPECT_EQ(first.bodies, std::vector<std::string>{ris.body_id()});
    EXPECT_EQ(first.pages, 1u + 3u + 3u + 3u);  // bodies, organizations, meetings, papers
    EXPECT_GE(first.requests, first.pages + first.retries);
    EXPECT_EQ(state("0001/2024"), "acknowledged");
    EXPECT_EQ(state("0002/2024"), "decided");
    EXPECT_EQ(state("0005/2024"), "on_agenda");
    EXPECT_EQ(state("0006/2024"), "rejected");
    EXPECT_FALSE(setting("oparl:sync:" + ris.body_id()).empty());
    EXPECT_EQ(setting("oparl:sync:" + ris.body_id() + ":next"), "");

    // The council decides 0005/2024 in its meeting 5; 0002/2024 is edited without news.
    const auto before = versions();
    ris.control({{"action", "decide"}, {"meeting", 5}, {"paper", 5}, {"result", "beschlossen"}});
    ris.control({{"action", "touch"}, {"paper", 2}});
    ris.control({{"action", "clear_log"}});
    const oparl::SyncReport second = oparl::sync_oparl(engine, ris.url("/oparl/system"), importer, options());

    EXPECT_TRUE(second.incremental);
    EXPECT_TRUE(second.imported.created.empty());
    EXPECT_EQ(second.imported.advanced, std::vector<std::string>{"0005/2024"});
    EXPECT_EQ(second.imported.unchanged, std::vector<std::string>{"0002/2024"});
    EXPECT_TRUE(second.imported.quarantined.empty()) << second.imported.quarantined.front().reason;
    EXPECT_EQ(state("0005/2024"), "decided");
    auto after = versions();
    EXPECT_GT(after["0005/2024"], before.at("0005/2024"));
    after["0005/2024"] = before.at("0005/2024");
    EXPECT_EQ(after, before);  // nothing else moved

    const auto log = ris.log();
    for (const char* list : {"/body/1/organizations", "/body/1/meetings", "/body/1/papers"}) {
        EXPECT_GE(count_of(log, list), 1u) << list;
        for (const auto& r : log) {
            if (r.find(list) != std::string::npos) {
                EXPECT_NE(r.find("modified_since="), std::string::npos) << r;
            }
        }
    }
    // Of the papers, only the one whose meeting changed was fetched on its own; the unchanged
    // ones were not read at all.
    EXPECT_GE(std::count(log.begin(), log.end(), "/oparl/paper/5"), 1);
    for (const char* unchanged : {"/oparl/paper/1", "/oparl/paper/3", "/oparl/paper/4", "/oparl/paper/6",
                                  "/oparl/paper/7"})
        EXPECT_EQ(count_of(log, unchanged), 0u) << unchanged;
}

TEST_F(OparlSyncTest, AnInterruptedRunKeepsItsPagesAndTheNextResumes)
{
    Ris ris(false);
    ris.control({{"action", "fail"}, {"list", "papers"}, {"page", 3}, {"status", 503}});
    auto o = options();
    o.retries = 2;
    try {
        oparl::sync_oparl(engine, ris.url("/oparl/system"), importer, o);
        FAIL() << "page 3 fails for good: the sync must give up";
    } catch (const oparl::SyncError& e) {
        EXPECT_EQ(e.status(), 503);
        EXPECT_NE(e.url().find("page=3"), std::string::npos) << e.url();
    }
    // Pages 1 and 2 stay imported; the sync point is not set, the page to resume from is.
    EXPECT_EQ(engine.find(InstanceQuery{}),
              (std::vector<std::string>{"0001/2024", "0002/2024", "0003/2024", "0004/2024", "0005/2024"}));
    EXPECT_EQ(setting("oparl:sync:" + ris.body_id()), "");
    EXPECT_NE(setting("oparl:sync:" + ris.body_id() + ":next").find("page=3"), std::string::npos);

    ris.control({{"action", "heal"}});
    ris.control({{"action", "clear_log"}});
    const oparl::SyncReport resumed = oparl::sync_oparl(engine, ris.url("/oparl/system"), importer, o);

    EXPECT_EQ(engine.find(InstanceQuery{}), kAllPapers);
    EXPECT_EQ(resumed.imported.created, (std::vector<std::string>{"0006/2024", "0007/2024"}));
    EXPECT_FALSE(resumed.incremental);
    EXPECT_EQ(setting("oparl:sync:" + ris.body_id() + ":next"), "");
    EXPECT_FALSE(setting("oparl:sync:" + ris.body_id()).empty());
    const auto log = ris.log();
    EXPECT_GE(count_of(log, "/body/1/papers?page=3"), 1u);
    EXPECT_EQ(count_of(log, "/body/1/papers"), count_of(log, "/body/1/papers?page=3"));  // pages 1 and 2 not again
    EXPECT_GE(count_of(log, "/body/1/meetings"), 1u);  // the context is read again
}

TEST_F(OparlSyncTest, ABodyListServedAsOneBodyIsReadAsAListOfOne)
{
    Ris ris(false);
    ris.control({{"action", "bodies_as_object"}});
    const oparl::SyncReport report = oparl::sync_oparl(engine, ris.url("/oparl/system"), importer, options());
    EXPECT_EQ(report.bodies, std::vector<std::string>{ris.body_id()});
    EXPECT_EQ(engine.find(InstanceQuery{}), kAllPapers);
}

TEST_F(OparlSyncTest, AUrlThatIsNeitherSystemNorBodyIsRefused)
{
    Ris ris(false);
    try {
        oparl::sync_oparl(engine, ris.url("/oparl/person/1"), importer, options());
        FAIL() << "a Person is no place to sync from";
    } catch (const oparl::SyncError& e) {
        EXPECT_NE(std::string(e.what()).find("not a System or Body"), std::string::npos) << e.what();
        EXPECT_EQ(e.url(), ris.url("/oparl/person/1"));
    }
    try {
        oparl::sync_oparl(engine, ris.url("/oparl/nothing"), importer, options());
        FAIL() << "a 404 ends the sync at once";
    } catch (const oparl::SyncError& e) {
        EXPECT_EQ(e.status(), 404);
    }
    EXPECT_TRUE(engine.find(InstanceQuery{}).empty());
}

}  // namespace
