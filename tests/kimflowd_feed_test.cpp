// The event feed: committed transitions in commit order, each once, only those the reader may
// read; paged by cursor and streamed as Server-Sent Events, resumable from the last id.
#include <set>

#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;

class Feed : public ::testing::Test {
protected:
    Database db;
    std::string caritas = db.add("mkoch", "case_manager", "caritas");
    std::string awo = db.add("aweber", "case_manager", "awo");
    std::string kreis = db.add("kreisler", "kreis_coordinator", "Kreis Recklinghausen");
    std::unique_ptr<Server> server;
    std::unique_ptr<httplib::Client> http;

    void SetUp() override
    {
        db.close();
        // No rate limit: a reader polling as fast as it can is what these tests are about.
        server = std::make_unique<Server>(db.path(), std::vector<std::string>{"rate_per_second = 0"});
        http = server->client();
    }

    void fire(httplib::Client& c, const std::string& path, const json& body, const std::string& token)
    {
        auto r = c.Post(path.c_str(), bearer(token), body.dump(), "application/json");
        ASSERT_TRUE(r);
        ASSERT_LT(r->status, 300) << path << ": " << r->body;
    }

    /// Every entry after @p cursor, page by page of @p limit.
    json read_all(const std::string& token, std::uint64_t cursor, int limit)
    {
        json all = json::array();
        for (;;) {
            auto r = http->Get(("/api/v1/events?after=" + std::to_string(cursor) + "&limit=" + std::to_string(limit)).c_str(),
                               bearer(token));
            if (!r || r->status != 200) {
                ADD_FAILURE() << (r ? r->body : "no answer");
                return all;
            }
            const json page = body_of(r);
            for (const auto& e : page["events"]) all.push_back(e);
            const std::uint64_t next = page["next"];
            if (next == cursor) return all;
            cursor = next;
        }
    }
};

TEST_F(Feed, AReaderSeesWhatItMayReadInCommitOrderPageByPage)
{
    fire(*http, "/api/v1/cases", open_case("c-1", "caritas"), caritas);
    fire(*http, "/api/v1/cases", open_case("a-1", "awo"), awo);
    fire(*http, "/api/v1/cases/c-1/events/follow_up", {{"date", "2099-01-01"}, {"subject", "Termin"}}, caritas);
    fire(*http, "/api/v1/cases/a-1/events/follow_up", {{"date", "2099-01-02"}}, awo);

    const json mine = read_all(caritas, 0, 1);
    ASSERT_EQ(mine.size(), 2u) << mine.dump();
    EXPECT_EQ(mine[0]["id"], "c-1");
    EXPECT_EQ(mine[0]["event"], "open");
    EXPECT_EQ(mine[1]["event"], "follow_up");
    EXPECT_LT(mine[0]["cursor"].get<std::uint64_t>(), mine[1]["cursor"].get<std::uint64_t>());
    EXPECT_EQ(read_all(awo, 0, 100).size(), 2u);
    // The Kreis oversees both Träger.
    const json both = read_all(kreis, 0, 3);
    ASSERT_EQ(both.size(), 4u);
    EXPECT_EQ(both[1]["id"], "a-1");
    // Resuming after the last cursor gives nothing new, and nothing twice.
    EXPECT_TRUE(read_all(kreis, both[3]["cursor"], 10).empty());
    // Admin changes (accounts, tokens) are in the log too, but in no reader's feed.
    for (const auto& e : both) EXPECT_NE(e["lifecycle"], "admin");

    auto bad = http->Get("/api/v1/events?after=-1", bearer(caritas));
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_EQ(http->Get("/api/v1/events?limit=0", bearer(caritas))->status, 400);
}

TEST_F(Feed, AReaderPollingWhileOthersWriteMissesNothingAndSeesNothingTwice)
{
    fire(*http, "/api/v1/cases", open_case("c-1", "caritas"), caritas);
    fire(*http, "/api/v1/cases", open_case("c-2", "caritas"), caritas);
    std::atomic<bool> writing{true};
    std::vector<std::thread> writers;
    for (const std::string id : {"c-1", "c-2"})
        writers.emplace_back([&, id] {
            auto c = server->client();
            for (int i = 0; i < 40; ++i)
                fire(*c, "/api/v1/cases/" + id + "/events/follow_up", {{"date", "2099-01-01"}, {"subject", id + std::to_string(i)}},
                     caritas);
        });
    std::vector<std::uint64_t> seen;
    std::uint64_t cursor = 0;
    bool answered = true;
    // Polls once; an answer that is not a page ends the polling (a failure, never an exception
    // that would leave the threads running).
    auto poll = [&] {
        auto r = http->Get(("/api/v1/events?limit=7&after=" + std::to_string(cursor)).c_str(), bearer(caritas));
        if (!r || r->status != 200) {
            ADD_FAILURE() << "the feed answered " << (r ? std::to_string(r->status) + ": " + r->body : "nothing");
            answered = false;
            return;
        }
        const json page = body_of(r);
        for (const auto& e : page["events"]) seen.push_back(e["cursor"]);
        cursor = page["next"];
    };
    std::thread stopper([&] {
        for (auto& w : writers) w.join();
        writing = false;
    });
    while (writing && answered) poll();
    stopper.join();
    for (int i = 0; i < 20 && answered; ++i) poll();  // the rest
    ASSERT_EQ(seen.size(), 82u);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(std::set<std::uint64_t>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(Feed, TheStreamSendsEachTransitionAsAnEventAndResumesFromLastEventId)
{
    fire(*http, "/api/v1/cases", open_case("c-1", "caritas"), caritas);
    fire(*http, "/api/v1/cases", open_case("a-1", "awo"), awo);
    // Read the stream on a thread until it has shown three events.
    std::string received;
    std::mutex mutex;
    std::thread reader([&] {
        auto c = server->client();
        c->Get("/api/v1/events/stream", bearer(caritas), [&](const char* data, std::size_t n) {
            std::lock_guard<std::mutex> lock(mutex);
            received.append(data, n);
            std::size_t count = 0;
            for (auto at = received.find("event: transition"); at != std::string::npos;
                 at = received.find("event: transition", at + 1))
                ++count;
            return count < 3;
        });
    });
    auto c = server->client();
    fire(*c, "/api/v1/cases/c-1/events/follow_up", {{"date", "2099-01-01"}}, caritas);
    fire(*c, "/api/v1/cases/a-1/events/follow_up", {{"date", "2099-01-01"}}, awo);
    fire(*c, "/api/v1/cases/c-1/events/follow_up", {{"date", "2099-01-02"}}, caritas);
    reader.join();
    std::vector<json> events;
    std::vector<std::string> ids;
    std::istringstream lines(received);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("data: ", 0) == 0) events.push_back(json::parse(line.substr(6)));
        if (line.rfind("id: ", 0) == 0) ids.push_back(line.substr(4));
    }
    ASSERT_EQ(events.size(), 3u) << received;
    EXPECT_EQ(events[0]["event"], "open");
    EXPECT_EQ(events[1]["event"], "follow_up");
    EXPECT_EQ(events[2]["event"], "follow_up");
    for (const auto& e : events) EXPECT_EQ(e["id"], "c-1");  // never the AWO case
    EXPECT_EQ(ids[2], std::to_string(events[2]["cursor"].get<std::uint64_t>()));

    // Resumed from the second id: the third again, then what came since.
    fire(*c, "/api/v1/cases/c-1/events/follow_up", {{"date", "2099-01-03"}}, caritas);
    std::string resumed;
    auto again = server->client();
    again->Get("/api/v1/events/stream", bearer(caritas, {{"Last-Event-ID", ids[1]}}), [&](const char* data, std::size_t n) {
        resumed.append(data, n);
        return resumed.find("2099-01-03") == std::string::npos;
    });
    EXPECT_NE(resumed.find("id: " + ids[2] + "\n"), std::string::npos) << resumed;
    EXPECT_EQ(resumed.find("id: " + ids[1] + "\n"), std::string::npos) << resumed;
}

TEST_F(Feed, ARevokedTokenEndsItsStream)
{
    fire(*http, "/api/v1/cases", open_case("c-1", "caritas"), caritas);
    const std::string session = db.accounts().create_token("mkoch", std::chrono::hours(1), "session", kSetup, wall_now());
    std::string received;
    std::mutex mutex;
    std::atomic<bool> ended{false};
    std::thread reader([&] {
        auto c = server->client();
        c->set_read_timeout(30, 0);
        c->Get("/api/v1/events/stream", bearer(session), [&](const char* data, std::size_t n) {
            std::lock_guard<std::mutex> lock(mutex);
            received.append(data, n);
            return received.find("follow_up") == std::string::npos;  // a stream that goes on: stop, and fail below
        });
        ended = true;
    });
    const auto seen = [&](const char* what) {
        std::lock_guard<std::mutex> lock(mutex);
        return received.find(what) != std::string::npos;
    };
    // Once the stream has shown the opening: revoke, and make something happen.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!seen("\"event\":\"open\"") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(seen("\"event\":\"open\""));
    db.accounts().revoke_token(session, kSetup, wall_now());
    fire(*http, "/api/v1/cases/c-1/events/follow_up", {{"date", "2099-01-01"}}, caritas);
    reader.join();  // the stream ends (or the client's 30 s read limit would end it, and fail below)
    EXPECT_TRUE(ended.load());
    EXPECT_FALSE(seen("follow_up")) << "nothing after the revocation";
}

TEST_F(Feed, AMalformedCursorDoesNotTakeAStreamSlot)
{
    server = std::make_unique<Server>(db.path(), std::vector<std::string>{"max_streams = 1"});
    http = server->client();
    fire(*http, "/api/v1/cases", open_case("c-1", "caritas"), caritas);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(http->Get("/api/v1/events/stream?after=x", bearer(caritas))->status, 400);
    std::string received;
    auto r = http->Get("/api/v1/events/stream", bearer(caritas), [&](const char* data, std::size_t n) {
        received.append(data, n);
        return false;  // one chunk is enough
    });
    EXPECT_NE(received.find("event: transition"), std::string::npos) << "the one slot was free: " << received;
}

TEST_F(Feed, StreamsBeyondTheLimitAreRefusedWith503)
{
    server = std::make_unique<Server>(db.path(), std::vector<std::string>{"max_streams = 0"});
    http = server->client();
    auto r = http->Get("/api/v1/events/stream", bearer(caritas));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(body_of(r)["type"], "urn:kimflow:problem:too-many-streams");
}

}  // namespace
