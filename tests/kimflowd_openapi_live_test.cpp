// Live answers of a running kimflowd against its OpenAPI document: status, media type, headers,
// problem type and body of each operation tried, checked with the document's own schemas.
#include "kimflowd_openapi_fixture.hpp"

namespace {

using namespace kimflowd_test;
using namespace kimflowd_openapi_test;

// ---------------------------------------------------------------------------------------------
// (d) Live answers as the document says.

TEST_F(kimflowd_openapi, AProblemDocumentHasExactlyTheRequiredMembersOfTheProblemSchema)
{
    auto r = get("/api/v1/cases/no-such-case", caritas);
    const json body = expect_documented("GET", "/api/v1/cases/{id}", r, 404);
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(media_type(r->get_header_value("Content-Type")), "application/problem+json");
    std::set<std::string> members, required;
    for (const auto& [name, value] : body.items()) members.insert(name);
    for (const auto& name : schema("Problem").at("required")) required.insert(name.get<std::string>());
    EXPECT_EQ(members, required) << "a 404's members are not the Problem schema's required ones: " << body.dump();
    EXPECT_EQ(body["instance"], "/api/v1/cases/no-such-case");

    // The extension members of other types are documented members of Problem.
    auto no_token = http->Get("/api/v1/cases/no-such-case");
    expect_documented("GET", "/api/v1/cases/{id}", no_token, 401);
    expect_documented("GET", "/api/v1/cases", get("/api/v1/cases?owner=caritas", caritas), 400);
    expect_documented("GET", "/api/v1/cases",
                      get("/api/v1/cases?due_for_follow_up=true&overdue=true", caritas), 400);
    ASSERT_EQ(post("/api/v1/cases", open_case("c-1", "caritas"), caritas)->status, 201);
    const json conflict = expect_documented(
        "POST", "/api/v1/cases/{id}/events/{event}",
        post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(7)}}, caritas, {{"If-Match", "\"0\""}}), 412);
    EXPECT_EQ(conflict.value("actual_version", 0), 1);
    const std::string fire = "/api/v1/cases/{id}/events/{event}";
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/close", {{"reason", "goals_achieved"}}, caritas), 409);
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/follow_up", {{"date", "tomorrow"}}, caritas), 422);
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/fly", json::object(), caritas), 422);
    expect_documented("POST", fire, http->Post("/api/v1/cases/c-1/events/accept", bearer(caritas), "{", "application/json"), 400);
    expect_documented("POST", fire, http->Post("/api/v1/cases/c-1/events/accept", bearer(caritas), "x", "text/plain"), 415);
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/decline", {{"note", "x"}}, kreis), 403);
    expect_documented("POST", fire, post("/api/v1/cases/c%2/events/accept", json::object(), caritas), 400);
    expect_documented("POST", "/api/v1/cases", post("/api/v1/cases", open_case("c-1", "caritas"), caritas), 409);
    expect_documented("POST", "/api/v1/cases", post("/api/v1/cases", {{"kommune", "Marl"}}, caritas), 422);
    expect_documented("POST", "/api/v1/cases",
                      post("/api/v1/cases", open_case("c-2", "caritas"), caritas, {{"Idempotency-Key", "no spaces"}}), 400);
    expect_documented("GET", "/api/v1/reports/kim", get("/api/v1/reports/kim", kreis), 400);
    expect_documented("GET", "/api/v1/events", get("/api/v1/events?limit=0", kreis), 400);
    expect_documented("POST", "/api/v1/session",
                      http->Post("/api/v1/session", json{{"name", "mkoch"}, {"password", "wrong"}}.dump(), "application/json"),
                      401);
}

TEST_F(kimflowd_openapi, ACaseAnswersAsDocumentedFromItsOpeningToItsList)
{
    auto created = post("/api/v1/cases", open_case("c-1", "caritas"), caritas);
    const json outcome = expect_documented("POST", "/api/v1/cases", created, 201);
    // The documented required members of the outcome, each there.
    const json& documented = resolve(doc, operation(doc, "POST", "/api/v1/cases")->at("responses").at("201"));
    const json& outcome_schema = resolve(doc, documented.at("content").at("application/json").at("schema"));
    ASSERT_TRUE(outcome_schema.contains("required"));
    for (const auto& member : outcome_schema["required"])
        EXPECT_TRUE(outcome.contains(member.get<std::string>())) << member << " missing from " << outcome.dump();
    EXPECT_EQ(outcome["transition"]["to"], "intake");

    const std::string fire = "/api/v1/cases/{id}/events/{event}";
    const json granted = {{"recipients", json::array({"Jobcenter"})}, {"purpose", "Hilfeplanung"}};
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/grant_consent", granted, caritas, {{"If-Match", "\"1\""}}),
                      200);
    const json follow_up = {{"date", today_plus(0)}, {"subject", "Termin Jobcenter"}};
    auto first = post("/api/v1/cases/c-1/events/follow_up", follow_up, caritas, {{"Idempotency-Key", "k-1"}});
    expect_documented("POST", fire, first, 200);
    auto replay = post("/api/v1/cases/c-1/events/follow_up", follow_up, caritas, {{"Idempotency-Key", "k-1"}});
    expect_documented("POST", fire, replay, 200);
    EXPECT_EQ(replay->get_header_value("Idempotent-Replayed"), "true");
    expect_documented("POST", fire,
                      post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(9)}}, caritas, {{"Idempotency-Key", "k-1"}}),
                      422);

    auto got = get("/api/v1/cases/c-1", caritas);
    expect_documented("GET", "/api/v1/cases/{id}", got, 200);
    expect_documented("GET", "/api/v1/cases/{id}", get("/api/v1/cases/c-1", caritas, {{"If-None-Match", got->get_header_value("ETag")}}),
                      304);
    expect_documented("GET", "/api/v1/cases/{id}/history", get("/api/v1/cases/c-1/history", caritas), 200);
    expect_documented("GET", "/api/v1/cases/{id}/events", get("/api/v1/cases/c-1/events", caritas), 200);
    expect_documented("GET", "/api/v1/cases", get("/api/v1/cases?traeger=caritas&state=intake", caritas), 200);
    const json due = expect_documented("GET", "/api/v1/cases", get("/api/v1/cases?due_for_follow_up=true", caritas), 200);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_TRUE(due[0].contains("due_follow_ups"));
    expect_documented("GET", "/api/v1/reports/kim",
                      get("/api/v1/reports/kim?from=" + today_plus(-1) + "&to=" + today_plus(1), kreis), 200);
    const json page = expect_documented("GET", "/api/v1/events", get("/api/v1/events?limit=2", kreis), 200);
    EXPECT_EQ(page["events"].size(), 2u);

    // The stream: its status and media type (the answer is cut after its head).
    int status = 0;
    std::string type;
    http->Get(
        "/api/v1/events/stream", bearer(kreis),
        [&](const httplib::Response& res) {
            status = res.status;
            type = res.get_header_value("Content-Type");
            return false;
        },
        [](const char*, std::size_t) { return false; });
    EXPECT_EQ(status, 200);
    const json& stream = resolve(doc, operation(doc, "GET", "/api/v1/events/stream")->at("responses").at("200"));
    EXPECT_TRUE(stream["content"].contains(media_type(type))) << "the stream answered " << type;
}

TEST_F(kimflowd_openapi, APaperAndItsResolutionAnswerAsDocumented)
{
    const json paper{{"reference", "14/2001"},
                     {"type", "Antrag"},
                     {"title", "Stand der Umsetzung des KIM"},
                     {"originator", "Fraktion Die Linke"},
                     {"body", "RVR"},
                     {"consultations", json::array({{{"organization", "Verbandsversammlung"}, {"role", "Entscheidung"},
                                                     {"authoritative", true}}})}};
    expect_documented("POST", "/api/v1/papers", post("/api/v1/papers", paper, fraktion), 201);
    expect_documented("POST", "/api/v1/papers", post("/api/v1/papers", {{"reference", "14/2002"}, {"submitted_at", "x"}}, fraktion),
                      422);
    const std::string fire = "/api/v1/papers/{id}/events/{event}";
    for (const auto& [event, body, token] : std::vector<std::tuple<std::string, json, std::string>>{
             {"submit", json::object(), fraktion},
             {"schedule", {{"meeting_date", today_plus(30)}, {"agenda_item", "5"}}, sitzung},
             {"decide", json::object(), sitzung}})
        expect_documented("POST", fire, post("/api/v1/papers/14%2F2001/events/" + event, body, token), 200);
    expect_documented("GET", "/api/v1/papers/{id}", get("/api/v1/papers/14%2F2001", fraktion), 200);
    expect_documented("GET", "/api/v1/papers/{id}/history", get("/api/v1/papers/14%2F2001/history", fraktion), 200);
    expect_documented("GET", "/api/v1/papers/{id}/events", get("/api/v1/papers/14%2F2001/events", fraktion), 200);
    expect_documented("GET", "/api/v1/papers", get("/api/v1/papers?state=decided", fraktion), 200);
    expect_documented("GET", "/api/v1/papers", get("/api/v1/papers?overdue=true", fraktion), 200);

    const json resolution{{"id", "2001-1"}, {"paper", "14/2001"}, {"office", "FB 5 Soziales"}, {"due", today_plus(-2)},
                          {"task", "Bericht zum Stand"}};
    expect_documented("POST", "/api/v1/resolutions", post("/api/v1/resolutions", resolution, amt), 403);
    expect_documented("POST", "/api/v1/resolutions", post("/api/v1/resolutions", resolution, sitzung), 201);
    expect_documented("POST", "/api/v1/resolutions", post("/api/v1/resolutions", {{"id", "x"}}, sitzung), 422);
    expect_documented("GET", "/api/v1/resolutions", get("/api/v1/resolutions?overdue=true", fraktion), 200);
    expect_documented("POST", "/api/v1/resolutions/{id}/events/{event}",
                      post("/api/v1/resolutions/2001-1/events/start", {{"note", "Arbeitsgruppe gebildet"}}, amt), 200);
    expect_documented("GET", "/api/v1/resolutions/{id}", get("/api/v1/resolutions/2001-1", fraktion), 200);
    expect_documented("GET", "/api/v1/resolutions/{id}/history", get("/api/v1/resolutions/2001-1/history", fraktion), 200);
    expect_documented("GET", "/api/v1/resolutions/{id}/events", get("/api/v1/resolutions/2001-1/events", amt), 200);
    expect_documented("GET", "/api/v1/reports/resolutions",
                      get("/api/v1/reports/resolutions?from=" + today_plus(-1) + "&to=" + today_plus(1), fraktion), 200);
    expect_documented("GET", "/api/v1/oparl/papers", get("/api/v1/oparl/papers?base_url=https://ris.example.org/oparl", fraktion),
                      200);
}

TEST_F(kimflowd_openapi, TheSessionAndTheOperationalRoutesAnswerAsDocumented)
{
    auto login = http->Post("/api/v1/session", json{{"name", "mkoch"}, {"password", "password-of-mkoch"}}.dump(),
                            "application/json");
    const json session = expect_documented("POST", "/api/v1/session", login, 201);
    const std::string token = session.value("token", "");
    ASSERT_FALSE(token.empty());
    expect_documented("POST", "/api/v1/session", http->Post("/api/v1/session", "{}", "application/json"), 400);
    expect_documented("GET", "/api/v1/me", get("/api/v1/me", token), 200);
    expect_documented("DELETE", "/api/v1/session", http->Delete("/api/v1/session", bearer(token)), 204);
    expect_documented("GET", "/api/v1/me", get("/api/v1/me", token), 401);
    expect_documented("GET", "/healthz", http->Get("/healthz"), 200);
    expect_documented("GET", "/readyz", http->Get("/readyz"), 200);
    expect_documented("GET", "/metrics", http->Get("/metrics"), 200);
    expect_documented("GET", "/api/v1/openapi.json", http->Get("/api/v1/openapi.json"), 200);
}

TEST_F(kimflowd_openapi, TheAuditRoutesAnswerAsDocumented)
{
    post("/api/v1/cases", open_case("K-1", "caritas"), caritas);
    const json verified = expect_documented("GET", "/api/v1/audit/verify", get("/api/v1/audit/verify", admin), 200);
    EXPECT_TRUE(verified.value("ok", false)) << verified.dump(2);
    expect_documented("GET", "/api/v1/audit/verify", get("/api/v1/audit/verify", caritas), 403);
    // This kimflowd has no signing key: no checkpoint to give a witness.
    expect_documented("GET", "/api/v1/audit/heads", get("/api/v1/audit/heads", admin), 404);
    expect_documented("GET", "/api/v1/audit/heads", get("/api/v1/audit/heads", caritas), 403);
}

}  // namespace
