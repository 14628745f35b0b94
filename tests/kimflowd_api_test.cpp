// kimflowd's API over real HTTP: every lifecycle's routes, reports, the OParl export and the
// operational routes, and each kind of error with its status and problem type.
#include <SQLiteCpp/SQLiteCpp.h>

#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;

class Api : public ::testing::Test {
protected:
    Database db;
    std::string caritas = db.add("mkoch", "case_manager", "caritas");
    std::string awo = db.add("aweber", "case_manager", "awo");
    std::string kreis = db.add("kreisler", "kreis_coordinator", "Kreis Recklinghausen");
    std::string fraktion = db.add("kretschmer", "fraktion", "Fraktion Die Linke");
    std::string sitzung = db.add("sitzung", "sitzungsdienst", "RVR");
    std::string amt = db.add("amt5", "verwaltung", "FB 5 Soziales");
    std::unique_ptr<Server> server;
    std::unique_ptr<httplib::Client> http;

    void SetUp() override { start({}); }

    void start(const std::vector<std::string>& config)
    {
        db.close();
        server = std::make_unique<Server>(db.path(), config);
        http = server->client();
    }

    httplib::Result post(const std::string& path, const json& body, const std::string& token,
                         httplib::Headers headers = {})
    {
        return http->Post(path.c_str(), bearer(token, std::move(headers)), body.dump(), "application/json");
    }
    httplib::Result get(const std::string& path, const std::string& token, httplib::Headers headers = {})
    {
        return http->Get(path.c_str(), bearer(token, std::move(headers)));
    }

    /// Asserts that @p r is a problem document of @p status and @p type.
    static void expect_problem(const httplib::Result& r, int status, const std::string& type)
    {
        ASSERT_TRUE(r) << "no answer";
        EXPECT_EQ(r->status, status) << r->body;
        EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json") << r->body;
        const json j = body_of(r);
        ASSERT_TRUE(j.is_object()) << r->body;
        EXPECT_EQ(j.value("type", ""), "urn:kimflow:problem:" + type) << r->body;
        EXPECT_EQ(j.value("status", 0), status);
        EXPECT_FALSE(j.value("title", "").empty());
        EXPECT_FALSE(j.value("detail", "").empty());
    }

    void open(const std::string& id, const std::string& traeger, const std::string& token)
    {
        auto r = post("/api/v1/cases", open_case(id, traeger), token);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 201) << r->body;
    }

    /// Paper 14/2001 through its Vorberatung to the decision, all over HTTP.
    void decided_paper()
    {
        const json paper{{"reference", "14/2001"},
                         {"type", "Antrag"},
                         {"title", "Stand der Umsetzung des KIM"},
                         {"originator", "Fraktion Die Linke"},
                         {"body", "RVR"},
                         {"consultations",
                          json::array({{{"organization", "Ausschuss für Soziales"}, {"role", "Vorberatung"}},
                                       {{"organization", "Verbandsversammlung"}, {"role", "Entscheidung"},
                                        {"authoritative", true}}})}};
        auto r = post("/api/v1/papers", paper, fraktion);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 201) << r->body;
        // Sent as /api/v1/papers/14%2F2001; cpp-httplib's client decodes a Location it reads.
        EXPECT_EQ(r->get_header_value("Location"), "/api/v1/papers/14/2001");
        const std::string base = "/api/v1/papers/14%2F2001/events/";
        const json schedule{{"meeting_date", today_plus(30)}, {"agenda_item", "5"}};
        for (const auto& [event, body, token] : std::vector<std::tuple<std::string, json, std::string>>{
                 {"submit", json::object(), fraktion},
                 {"schedule", schedule, sitzung},
                 {"recommend", json::object(), sitzung},
                 {"schedule", schedule, sitzung},
                 {"decide", json::object(), sitzung}}) {
            auto fired = post(base + event, body, token);
            ASSERT_TRUE(fired);
            ASSERT_EQ(fired->status, 200) << event << ": " << fired->body;
        }
    }
};

TEST_F(Api, ACaseIsOpenedReadFiredAndListedWithVersionsAsETags)
{
    auto r = post("/api/v1/cases", open_case("c-1", "caritas"), caritas);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    EXPECT_EQ(r->get_header_value("ETag"), "\"1\"");
    EXPECT_EQ(r->get_header_value("Location"), "/api/v1/cases/c-1");
    EXPECT_EQ(body_of(r)["transition"]["to"], "intake");

    auto got = get("/api/v1/cases/c-1", caritas);
    ASSERT_TRUE(got);
    ASSERT_EQ(got->status, 200);
    EXPECT_EQ(got->get_header_value("ETag"), "\"1\"");
    const json j = body_of(got);
    EXPECT_EQ(j["state"], "intake");
    EXPECT_EQ(j["data"]["traeger"], "caritas");
    EXPECT_EQ(j["history"].size(), 1u);
    auto unchanged = get("/api/v1/cases/c-1", caritas, {{"If-None-Match", "\"1\""}});
    ASSERT_TRUE(unchanged);
    EXPECT_EQ(unchanged->status, 304);

    auto allowed = get("/api/v1/cases/c-1/events", caritas);
    ASSERT_TRUE(allowed);
    EXPECT_EQ(body_of(allowed), json::array({"grant_consent", "assign", "follow_up", "decline", "pause", "abort"}));

    auto fired = post("/api/v1/cases/c-1/events/grant_consent", {{"recipients", json::array({"Jobcenter"})}, {"purpose", "Hilfeplanung"}},
                      caritas, {{"If-Match", "\"1\""}});
    ASSERT_TRUE(fired);
    ASSERT_EQ(fired->status, 200) << fired->body;
    EXPECT_EQ(fired->get_header_value("ETag"), "\"2\"");
    EXPECT_EQ(body_of(fired)["transition"]["version"], 2);

    auto history = get("/api/v1/cases/c-1/history", caritas);
    ASSERT_TRUE(history);
    const json h = body_of(history);
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[1]["event"], "grant_consent");
    EXPECT_EQ(h[1]["actor"]["id"], "mkoch");  // the account's actor, not one the caller named

    open("c-2", "caritas", caritas);
    auto listed = get("/api/v1/cases?traeger=caritas&state=intake", caritas);
    ASSERT_TRUE(listed);
    const json l = body_of(listed);
    ASSERT_EQ(l.size(), 2u);
    EXPECT_EQ(l[0]["id"], "c-1");
    auto bad_filter = get("/api/v1/cases?owner=caritas", caritas);
    expect_problem(bad_filter, 400, "unknown-parameter");
}

TEST_F(Api, ACaseOfAnotherTraegerIsInvisibleAndItsExistenceIsNotRevealed)
{
    open("c-1", "caritas", caritas);
    auto missing = get("/api/v1/cases/no-such-case", awo);
    for (const std::string path : {"/api/v1/cases/c-1", "/api/v1/cases/c-1/history", "/api/v1/cases/c-1/events"}) {
        auto r = get(path, awo);
        expect_problem(r, 404, "not-found");
    }
    // The same answer as for an id nobody has, but for the id.
    auto r = get("/api/v1/cases/c-1", awo);
    std::string detail = body_of(r)["detail"], none = body_of(missing)["detail"];
    EXPECT_EQ(detail.replace(detail.find("c-1"), 3, "no-such-case"), none);
    auto fired = post("/api/v1/cases/c-1/events/assign", {{"manager", "awo-mann"}}, awo);
    expect_problem(fired, 404, "not-found");
    auto list = get("/api/v1/cases", awo);
    ASSERT_TRUE(list);
    EXPECT_EQ(body_of(list), json::array());
    // Taking its id says no more than that the id is taken.
    auto taken = post("/api/v1/cases", open_case("c-1", "awo"), awo);
    expect_problem(taken, 409, "duplicate-instance");
    EXPECT_EQ(taken->body.find("caritas"), std::string::npos);
    // Nothing changed.
    EXPECT_EQ(body_of(get("/api/v1/cases/c-1", caritas))["version"], 1);
}

TEST_F(Api, WhoMayReadButNotFireIsRefusedWith403)
{
    open("c-1", "caritas", caritas);
    // The Kreis oversees the case: it may read it, but accepting is the Träger's.
    auto read = get("/api/v1/cases/c-1", kreis);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->status, 200);
    auto r = post("/api/v1/cases/c-1/events/decline", {{"note", "x"}}, kreis);
    expect_problem(r, 403, "not-permitted");
}

TEST_F(Api, IfMatchAndIdempotencyKeyKeepRetriesAndRacesSafe)
{
    open("c-1", "caritas", caritas);
    auto stale = post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(7)}}, caritas, {{"If-Match", "\"0\""}});
    expect_problem(stale, 412, "version-conflict");
    EXPECT_EQ(body_of(stale)["actual_version"], 1);
    expect_problem(post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(7)}}, caritas, {{"If-Match", "one"}}),
                   400, "malformed-if-match");

    const json body{{"date", today_plus(7)}, {"subject", "Termin Jobcenter"}};
    auto first = post("/api/v1/cases/c-1/events/follow_up", body, caritas, {{"Idempotency-Key", "k-1"}});
    ASSERT_TRUE(first);
    ASSERT_EQ(first->status, 200) << first->body;
    auto again = post("/api/v1/cases/c-1/events/follow_up", body, caritas, {{"Idempotency-Key", "k-1"}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
    EXPECT_EQ(again->body, first->body);
    EXPECT_EQ(again->get_header_value("ETag"), first->get_header_value("ETag"));
    EXPECT_EQ(again->get_header_value("Idempotent-Replayed"), "true");
    EXPECT_EQ(body_of(get("/api/v1/cases/c-1/history", caritas)).size(), 2u);  // fired once

    auto other = post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(8)}}, caritas, {{"Idempotency-Key", "k-1"}});
    expect_problem(other, 422, "idempotency-key-reused");
    // Keys are the account's own: another account's k-1 is another request.
    open("a-1", "awo", awo);
    auto theirs = post("/api/v1/cases/a-1/events/follow_up", body, awo, {{"Idempotency-Key", "k-1"}});
    ASSERT_TRUE(theirs);
    EXPECT_EQ(theirs->status, 200) << theirs->body;
    EXPECT_EQ(body_of(get("/api/v1/cases/c-1/history", caritas)).size(), 2u);
}

TEST_F(Api, EachKindOfBadRequestGetsItsStatusAndChangesNothing)
{
    open("c-1", "caritas", caritas);
    auto no_token = http->Get("/api/v1/cases/c-1");
    expect_problem(no_token, 401, "unauthenticated");
    EXPECT_EQ(no_token->get_header_value("WWW-Authenticate"), "Bearer realm=\"kimflow\"");
    expect_problem(http->Post("/api/v1/cases/c-1/events/accept", bearer(caritas), "{", "application/json"), 400,
                   "malformed-json");
    expect_problem(http->Post("/api/v1/cases/c-1/events/accept", bearer(caritas), "[]", "application/json"), 400,
                   "malformed-json");
    expect_problem(http->Post("/api/v1/cases/c-1/events/accept", bearer(caritas), "x=1", "text/plain"), 415,
                   "unsupported-media-type");
    expect_problem(post("/api/v1/cases/c-1/events/fly", json::object(), caritas), 422, "unknown-event");
    expect_problem(post("/api/v1/cases/c-1/events/follow_up", {{"date", "tomorrow"}}, caritas), 422, "invalid-payload");
    expect_problem(post("/api/v1/cases/c-1/events/close", {{"reason", "goals_achieved"}}, caritas), 409, "event-not-allowed");
    expect_problem(post("/api/v1/cases", open_case("c-1", "caritas"), caritas), 409, "duplicate-instance");
    expect_problem(post("/api/v1/cases", {{"kommune", "Marl"}}, caritas), 422, "invalid-data");
    expect_problem(get("/api/v1/nothing", caritas), 404, "no-such-route");
    auto wrong_method = http->Put("/api/v1/cases/c-1", bearer(caritas), "{}", "application/json");
    expect_problem(wrong_method, 405, "method-not-allowed");
    EXPECT_EQ(wrong_method->get_header_value("Allow"), "GET");
    expect_problem(get("/api/v1/cases/c%2", caritas), 400, "malformed-path");
    // The problem names the path as it was sent.
    EXPECT_EQ(body_of(get("/api/v1/cases/c%2F9", caritas))["instance"], "/api/v1/cases/c%2F9");
    auto head = http->Head("/api/v1/cases/c-1", bearer(caritas));
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->get_header_value("ETag"), "\"1\"");
    EXPECT_TRUE(head->body.empty());
    EXPECT_EQ(body_of(get("/api/v1/cases/c-1", caritas))["version"], 1);
}

TEST_F(Api, LimitsOnBodySizeAndRateAnswer413And429)
{
    start({"max_body_bytes = 2048", "rate_per_second = 1", "rate_burst = 4"});
    const std::string big(4096, 'x');
    auto r = http->Post("/api/v1/cases", bearer(caritas), "{\"id\":\"" + big + "\"}", "application/json");
    expect_problem(r, 413, "payload-too-large");
    int limited = 0;
    for (int i = 0; i < 10 && limited == 0; ++i) {
        auto g = get("/api/v1/cases", caritas);
        ASSERT_TRUE(g);
        if (g->status == 429) {
            ++limited;
            expect_problem(g, 429, "rate-limited");
            EXPECT_FALSE(g->get_header_value("Retry-After").empty());
        }
    }
    EXPECT_EQ(limited, 1) << "ten requests at once past a burst of four";
}

TEST_F(Api, ABusyDatabaseAnswers503WithRetryAfterAndTheFireIsNotMade)
{
    start({"busy_timeout_ms = 200"});
    open("c-1", "caritas", caritas);
    {
        // Another process's writer holds the database past the service's busy timeout.
        SQLite::Database other(db.path(), SQLite::OPEN_READWRITE);
        other.exec("BEGIN IMMEDIATE");
        auto r = post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(7)}}, caritas);
        expect_problem(r, 503, "store-busy");
        EXPECT_EQ(r->get_header_value("Retry-After"), "1");
        other.exec("ROLLBACK");
    }
    auto h = get("/api/v1/cases/c-1/history", caritas);
    ASSERT_TRUE(h);
    EXPECT_EQ(body_of(h).size(), 1u) << h->body;
    auto again = post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(7)}}, caritas);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200) << again->body;
}

TEST_F(Api, APaperIsDecidedAndItsResolutionCarriedOutThroughTheApi)
{
    decided_paper();
    auto paper = get("/api/v1/papers/14%2F2001", fraktion);
    ASSERT_TRUE(paper);
    ASSERT_EQ(paper->status, 200) << paper->body;
    EXPECT_EQ(body_of(paper)["state"], "decided");
    auto decided = get("/api/v1/papers?state=decided", amt);
    ASSERT_TRUE(decided);
    EXPECT_EQ(body_of(decided).size(), 1u);

    const json resolution{{"id", "2001-1"}, {"paper", "14/2001"}, {"office", "FB 5 Soziales"}, {"due", today_plus(60)},
                          {"task", "Bericht zum Stand"}};
    expect_problem(post("/api/v1/resolutions", resolution, amt), 403, "not-permitted");
    auto created = post("/api/v1/resolutions", resolution, sitzung);
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    expect_problem(post("/api/v1/resolutions", json{{"id", "x"}, {"paper", "14/2001"}}, sitzung), 422, "invalid-data");
    for (const auto& [event, body] : std::vector<std::pair<std::string, json>>{
             {"start", {{"note", "Arbeitsgruppe gebildet"}}}, {"complete", {{"note", "Bericht erstattet"}}}}) {
        auto r = post("/api/v1/resolutions/2001-1/events/" + event, body, amt);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << event << ": " << r->body;
    }
    auto listed = get("/api/v1/resolutions?state=done", fraktion);
    ASSERT_TRUE(listed);
    ASSERT_EQ(body_of(listed).size(), 1u);
    EXPECT_EQ(body_of(listed)[0]["status"], "done");
    // Settling the resolution completed its paper, in the same transaction.
    EXPECT_EQ(body_of(get("/api/v1/papers/14%2F2001", fraktion))["state"], "completed");

    auto report = get("/api/v1/reports/resolutions?from=" + today_plus(-1) + "&to=" + today_plus(1), fraktion);
    ASSERT_TRUE(report);
    ASSERT_EQ(report->status, 200) << report->body;
    EXPECT_NE(report->body.find("2001-1"), std::string::npos);
    auto oparl = get("/api/v1/oparl/papers?base_url=https://ris.example.org/oparl", fraktion);
    ASSERT_TRUE(oparl);
    ASSERT_EQ(oparl->status, 200) << oparl->body;
    EXPECT_NE(oparl->body.find("https://ris.example.org/oparl/paper/14%2F2001"), std::string::npos);
}

TEST_F(Api, TheKimReportCountsTheCasesTheCallerMayRead)
{
    open("c-1", "caritas", caritas);
    open("a-1", "awo", awo);
    auto r = get("/api/v1/reports/kim?from=" + today_plus(-1) + "&to=" + today_plus(1), kreis);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_FALSE(body_of(r).empty());
    expect_problem(get("/api/v1/reports/kim?from=2026-13-01&to=" + today_plus(1), kreis), 400, "malformed-parameter");
    expect_problem(get("/api/v1/reports/kim?from=" + today_plus(1) + "&to=" + today_plus(-1), kreis), 400,
                   "malformed-parameter");
}

TEST_F(Api, OperationalRoutesAnswerWithoutAToken)
{
    auto health = http->Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    auto ready = http->Get("/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(body_of(ready)["status"], "ready");
    open("c-1", "caritas", caritas);
    auto metrics = http->Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    EXPECT_NE(metrics->body.find("kimflowd_fires_total{lifecycle=\"case\"} 1"), std::string::npos) << metrics->body;
    EXPECT_NE(metrics->body.find("kimflowd_requests_total{route=\"/api/v1/cases\",method=\"POST\",status=\"201\"} 1"),
              std::string::npos);
    EXPECT_NE(metrics->body.find("kimflowd_request_duration_seconds_bucket{route=\"/api/v1/cases\",le=\"+Inf\"}"),
              std::string::npos);
    EXPECT_NE(metrics->body.find("kimflowd_write_queue_depth 0"), std::string::npos);
    auto me = get("/api/v1/me", caritas);
    ASSERT_TRUE(me);
    EXPECT_EQ(body_of(me)["actor"], json({{"id", "mkoch"}, {"role", "case_manager"}, {"organization", "caritas"}}));
}

TEST_F(Api, TheDeadlineTickRunsInsideTheServiceOnItsSchedule)
{
    start({"tick_seconds = 1"});
    open("c-1", "caritas", caritas);
    // A Wiedervorlage for today is due from the start of the day: the next tick fires it.
    auto r = post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(0)}}, caritas);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    json history;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        history = body_of(get("/api/v1/cases/c-1/history", caritas));
        if (history.size() == 3) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(history.size(), 3u) << history.dump();
    EXPECT_EQ(history[2]["event"], "follow_up_due");
    EXPECT_EQ(history[2]["actor"]["id"], "system");
    EXPECT_NE(http->Get("/metrics")->body.find("kimflowd_tick_firings_total 1"), std::string::npos);
}

TEST_F(Api, SigtermFinishesTheRequestsInFlightAndExitsZero)
{
    open("c-1", "caritas", caritas);
    std::vector<std::thread> clients;
    std::atomic<int> acknowledged{0};
    for (int t = 0; t < 4; ++t)
        clients.emplace_back([&, t] {
            auto c = server->client();
            for (int i = 0; i < 50; ++i) {
                auto r = c->Post("/api/v1/cases/c-1/events/follow_up", bearer(caritas),
                                 json{{"date", today_plus(1 + t)}, {"subject", std::to_string(t) + "/" + std::to_string(i)}}.dump(),
                                 "application/json");
                if (!r) break;
                if (r->status == 200) ++acknowledged;
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(server->stop(), 0) << server->log();
    for (auto& c : clients) c.join();
    EXPECT_NE(server->log().find("\"event\":\"stopped\""), std::string::npos);
    // Every acknowledged fire is in the history.
    kimflow::SqliteStore store(db.path());
    EXPECT_EQ(store.history("case", "c-1").size(), static_cast<std::size_t>(acknowledged.load()) + 1);
}

}  // namespace
