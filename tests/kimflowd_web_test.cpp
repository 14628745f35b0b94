// kimflowd's web pages at the HTTP level: the files come from the binary under a
// Content-Security-Policy without inline code; a page's login is an HttpOnly, SameSite cookie
// (Secure over TLS) whose token the page never sees; every write with that cookie needs the
// session's CSRF token and the service's own origin; a session ends after its idle time and at
// logout; reports download as CSV for German Excel. The pages themselves, in a browser, are
// tested in tests/web/.
#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;

/// The Set-Cookie headers of @p r.
std::vector<std::string> set_cookies(const httplib::Result& r)
{
    std::vector<std::string> out;
    const auto range = r->headers.equal_range("Set-Cookie");
    for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
    return out;
}

/// The whole Set-Cookie header for @p name ("" if it is not set).
std::string cookie_header(const httplib::Result& r, const std::string& name)
{
    for (const auto& c : set_cookies(r))
        if (c.rfind(name + "=", 0) == 0) return c;
    return {};
}

/// The value cookie @p name is set to in @p r ("" if it is not set).
std::string cookie_value(const httplib::Result& r, const std::string& name)
{
    const std::string header = cookie_header(r, name);
    return header.empty() ? header : header.substr(name.size() + 1, header.find(';') - name.size() - 1);
}

class Web : public ::testing::Test {
protected:
    Database db;
    std::string caritas_token = db.add("mkoch", "case_manager", "caritas");
    std::unique_ptr<Server> server;
    std::unique_ptr<httplib::Client> http;
    /// The page's session: its cookies and its CSRF token.
    std::string session, active, csrf;

    void start(const std::vector<std::string>& config = {})
    {
        db.close();
        server = std::make_unique<Server>(db.path(), config);
        http = server->client();
    }

    std::string origin() const { return "http://127.0.0.1:" + std::to_string(server->port()); }

    /// Logs in as a page does.
    httplib::Result page_login(httplib::Headers headers = {})
    {
        auto r = http->Post("/api/v1/session", headers,
                            json{{"name", "mkoch"}, {"password", "password-of-mkoch"}, {"cookie", true}}.dump(),
                            "application/json");
        if (r && r->status == 201) {
            session = cookie_value(r, "kimflow_session");
            active = cookie_value(r, "kimflow_active");
            if (session.empty()) session = cookie_value(r, "__Host-kimflow_session");
            if (active.empty()) active = cookie_value(r, "__Host-kimflow_active");
            csrf = body_of(r).value("csrf_token", "");
        }
        return r;
    }

    /// Headers of the page's requests: its cookies, and @p more.
    httplib::Headers with_cookies(httplib::Headers more = {}) const
    {
        more.emplace("Cookie", "kimflow_session=" + session + "; kimflow_active=" + active);
        return more;
    }

    httplib::Result open_case_by_token(const std::string& id)
    {
        return http->Post("/api/v1/cases", bearer(caritas_token), open_case(id, "caritas").dump(), "application/json");
    }

    std::uint64_t version_of(const std::string& id)
    {
        return body_of(http->Get("/api/v1/cases/" + id, bearer(caritas_token)))["version"].get<std::uint64_t>();
    }
};

TEST_F(Web, ThePagesComeFromTheBinaryUnderAPolicyWithoutInlineCode)
{
    start();
    auto index = http->Get("/");
    ASSERT_TRUE(index);
    ASSERT_EQ(index->status, 200);
    EXPECT_NE(index->get_header_value("Content-Type").find("text/html"), std::string::npos);
    EXPECT_NE(index->body.find("<html lang=\"de\">"), std::string::npos);
    const std::string csp = index->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
    EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
    // Every script and style the page names is served, none inline.
    EXPECT_EQ(index->body.find("<script>"), std::string::npos);
    EXPECT_EQ(index->body.find("style="), std::string::npos);
    for (const char* asset : {"app.js", "api.js", "dom.js", "pages.js", "instance.js", "reports.js", "app.css"}) {
        auto r = http->Get(std::string("/assets/") + asset);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200) << asset;
        EXPECT_FALSE(r->body.empty()) << asset;
        EXPECT_EQ(r->body.find("innerHTML"), std::string::npos) << asset << " builds markup from strings";
    }
    EXPECT_NE(http->Get("/assets/app.js")->get_header_value("Content-Type").find("javascript"), std::string::npos);
    // A second request with the ETag is answered 304.
    auto again = http->Get("/assets/app.css", {{"If-None-Match", http->Get("/assets/app.css")->get_header_value("ETag")}});
    EXPECT_EQ(again->status, 304);
    EXPECT_EQ(http->Get("/assets/nothing.js")->status, 404);
    EXPECT_EQ(http->Get("/assets/index.html")->status, 404);
}

TEST_F(Web, EachLifecycleIsDrawnWithItsStatesAsNodesAndGermanWords)
{
    start();
    for (const auto& [lifecycle, state] : std::vector<std::pair<std::string, std::string>>{
             {"case", "monitoring"}, {"paper", "acknowledged"}, {"resolution", "in_progress"}}) {
        auto r = http->Get("/assets/diagram-" + lifecycle + ".svg");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << lifecycle;
        EXPECT_EQ(r->get_header_value("Content-Type"), "image/svg+xml");
        // Graphviz names each node by its state id (the page marks the current one by it).
        EXPECT_NE(r->body.find("<title>" + state + "</title>"), std::string::npos) << lifecycle;
    }
    auto labels = body_of(http->Get("/api/v1/labels"));
    const std::string monitoring = labels["case"]["states"]["monitoring"];
    EXPECT_NE(monitoring, "monitoring");
    EXPECT_NE(http->Get("/assets/diagram-case.svg")->body.find(">" + monitoring + "<"), std::string::npos) << monitoring;
}

TEST_F(Web, APageLoginSetsAnHttpOnlySameSiteCookieAndGivesThePageOnlyTheCsrfToken)
{
    start();
    auto r = page_login();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    const json body = body_of(r);
    EXPECT_FALSE(body.contains("token")) << "the token would be readable by the page's script";
    EXPECT_FALSE(csrf.empty());
    const std::string header = cookie_header(r, "kimflow_session");
    EXPECT_NE(header.find("HttpOnly"), std::string::npos) << header;
    EXPECT_NE(header.find("SameSite=Strict"), std::string::npos) << header;
    EXPECT_EQ(header.find("Secure"), std::string::npos) << "plain HTTP on 127.0.0.1 cannot keep a Secure cookie";
    auto me = http->Get("/api/v1/me", with_cookies());
    ASSERT_EQ(me->status, 200) << me->body;
    EXPECT_EQ(body_of(me)["via"], "cookie");
    EXPECT_EQ(body_of(me)["csrf_token"], csrf);
    EXPECT_EQ(body_of(me)["actor"]["organization"], "caritas");
    EXPECT_EQ(me->get_header_value("Cache-Control"), "no-store");
    // An API token's /me has no CSRF token: it is not a page's session.
    EXPECT_FALSE(body_of(http->Get("/api/v1/me", bearer(caritas_token))).contains("csrf_token"));
}

TEST_F(Web, AWriteWithTheCookieButWithoutTheCsrfTokenIsRefusedAndChangesNothing)
{
    start();
    ASSERT_EQ(open_case_by_token("C-1")->status, 201);
    ASSERT_EQ(page_login()->status, 201);
    const auto before = version_of("C-1");
    const std::string consent = json{{"recipients", {"Jobcenter"}}, {"purpose", "Arbeit"}}.dump();
    for (const auto& headers : {with_cookies(), with_cookies({{"X-CSRF-Token", "0000"}}),
                                with_cookies({{"X-CSRF-Token", csrf}, {"Origin", "https://elsewhere.example"}})}) {
        auto r = http->Post("/api/v1/cases/C-1/events/grant_consent", headers, consent, "application/json");
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 403) << r->body;
        EXPECT_EQ(version_of("C-1"), before);
    }
    EXPECT_EQ(body_of(http->Post("/api/v1/cases/C-1/events/grant_consent", with_cookies(), consent, "application/json"))["type"],
              "urn:kimflow:problem:csrf-token-invalid");
    auto done = http->Post("/api/v1/cases/C-1/events/grant_consent",
                           with_cookies({{"X-CSRF-Token", csrf}, {"Origin", origin()}}), consent, "application/json");
    ASSERT_EQ(done->status, 200) << done->body;
    EXPECT_EQ(version_of("C-1"), before + 1);
    // A login with a cookie from another site's page is refused too.
    auto foreign = page_login({{"Origin", "https://elsewhere.example"}});
    EXPECT_EQ(foreign->status, 403);
    EXPECT_TRUE(set_cookies(foreign).empty());
}

TEST_F(Web, ASessionEndsAfterItsIdleTimeAndIsRevokedOnTheServer)
{
    start({"session_idle_seconds = 2"});
    ASSERT_EQ(page_login()->status, 201);
    auto fresh = http->Get("/api/v1/me", with_cookies());
    ASSERT_EQ(fresh->status, 200);
    EXPECT_FALSE(cookie_value(fresh, "kimflow_active").empty()) << "each request renews the activity stamp";
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    auto idle = http->Get("/api/v1/me", with_cookies());
    ASSERT_EQ(idle->status, 401);
    EXPECT_EQ(body_of(idle)["type"], "urn:kimflow:problem:session-ended");
    EXPECT_NE(body_of(idle)["detail"].get<std::string>().find("without use"), std::string::npos);
    EXPECT_NE(cookie_header(idle, "kimflow_session").find("Max-Age=0"), std::string::npos);
    // Revoked in the database, so that no copy of the cookie works again on any node.
    server->stop();
    kimflow::SqliteOptions read;
    read.read_only = true;
    const auto tokens = kimflow::Accounts(std::make_shared<kimflow::SqliteStore>(db.path(), read)).tokens("mkoch");
    const auto web_token = std::find_if(tokens.begin(), tokens.end(), [](const auto& t) { return t.kind == "web"; });
    ASSERT_NE(web_token, tokens.end());
    EXPECT_TRUE(web_token->revoked_at.has_value());
}

TEST_F(Web, AForgedOrPlantedCookieIsRefusedWithoutEndingTheSession)
{
    start();
    ASSERT_EQ(page_login()->status, 201);
    // A stamp with a later time but not signed by the service.
    const std::string forged_active = std::to_string(std::time(nullptr) + 3600) + active.substr(active.find('.'));
    auto forged = http->Get("/api/v1/me", {{"Cookie", "kimflow_session=" + session + "; kimflow_active=" + forged_active}});
    EXPECT_EQ(forged->status, 401);
    EXPECT_EQ(body_of(forged)["type"], "urn:kimflow:problem:session-ended");
    // A second session cookie beside the real one (planted for a path or a sibling domain).
    auto planted = http->Get("/api/v1/me", {{"Cookie", "kimflow_session=" + caritas_token + "; kimflow_session=" + session +
                                                           "; kimflow_active=" + active}});
    EXPECT_EQ(planted->status, 401);
    // Neither ended the real session, which another site could otherwise end at will.
    EXPECT_EQ(http->Get("/api/v1/me", with_cookies())->status, 200);
}

TEST_F(Web, APagesTokenWorksOnlyAsItsCookieNeverAsABearerToken)
{
    start();
    ASSERT_EQ(page_login()->status, 201);
    EXPECT_EQ(http->Get("/api/v1/me", with_cookies())->status, 200);
    // As a bearer token it would skip the idle timeout and the CSRF check.
    auto as_bearer = http->Get("/api/v1/me", bearer(session));
    EXPECT_EQ(as_bearer->status, 401);
    EXPECT_EQ(body_of(as_bearer)["type"], "urn:kimflow:problem:invalid-token");
    // An API token in the session cookie is no session either.
    auto api_in_cookie = http->Get("/api/v1/me", {{"Cookie", "kimflow_session=" + caritas_token + "; kimflow_active=" + active}});
    EXPECT_EQ(api_in_cookie->status, 401);
    // Another Authorization than Bearer (a proxy's Basic) does not hide the cookie.
    EXPECT_EQ(http->Get("/api/v1/me", with_cookies({{"Authorization", "Basic dXNlcjpwYXNz"}}))->status, 200);
}

TEST_F(Web, BehindATrustedProxyTheForwardedHostIsTheSitesOrigin)
{
    start({"trusted_proxy = 127.0.0.1", "proxy_secret = proxy-secret-of-the-test"});
    // The proxy passes Host as 127.0.0.1:PORT; the browser names the public host.
    const httplib::Headers proxied{{"X-Forwarded-Host", "kimflow.kreis-re.example"}, {"X-Forwarded-Proto", "https"},
                                   {"Origin", "https://kimflow.kreis-re.example"}};
    auto r = page_login(proxied);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    // The proxy said https: the cookies are Secure and __Host- cookies.
    EXPECT_NE(cookie_header(r, "__Host-kimflow_session").find("; Secure"), std::string::npos);
    auto other = page_login({{"X-Forwarded-Host", "kimflow.kreis-re.example"}, {"X-Forwarded-Proto", "https"},
                             {"Origin", "https://elsewhere.example"}});
    EXPECT_EQ(other->status, 403);
}

TEST_F(Web, LogoutNeedsTheCsrfTokenAndEndsTheSession)
{
    start();
    ASSERT_EQ(page_login()->status, 201);
    EXPECT_EQ(http->Delete("/api/v1/session", with_cookies())->status, 403);
    EXPECT_EQ(http->Get("/api/v1/me", with_cookies())->status, 200);
    auto out = http->Delete("/api/v1/session", with_cookies({{"X-CSRF-Token", csrf}}));
    ASSERT_EQ(out->status, 204);
    EXPECT_NE(cookie_header(out, "kimflow_session").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(http->Get("/api/v1/me", with_cookies())->status, 401);
}

TEST(WebTls, OverTlsTheSessionCookieIsASecureHostCookie)
{
    Database db;
    db.add("mkoch", "case_manager", "caritas");
    TempDir folder("kimflowd-web-tls");
    const std::string cert = folder.path() + "/cert.pem", key = folder.path() + "/key.pem";
    write_self_signed_certificate(cert, key);
    db.close();
    Server server(db.path(), {"tls_cert = " + cert, "tls_key = " + key});
    httplib::SSLClient tls("127.0.0.1", server.port());
    tls.set_ca_cert_path(cert.c_str());
    tls.enable_server_certificate_verification(true);
    tls.set_connection_timeout(10, 0);
    tls.set_read_timeout(10, 0);
    auto r = tls.Post("/api/v1/session", json{{"name", "mkoch"}, {"password", "password-of-mkoch"}, {"cookie", true}}.dump(),
                      "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 201) << r->body;
    // __Host- cookies: only this host can set them, and only with Secure and Path=/.
    for (const char* name : {"__Host-kimflow_session", "__Host-kimflow_active"}) {
        EXPECT_NE(cookie_header(r, name).find("; Secure"), std::string::npos) << name;
        EXPECT_NE(cookie_header(r, name).find("Path=/;"), std::string::npos) << name;
    }
}

TEST_F(Web, ReportsDownloadAsCsvForGermanExcel)
{
    start();
    ASSERT_EQ(open_case_by_token("C-2")->status, 201);
    const std::string year = today_plus(0).substr(0, 4);
    auto r = http->Get("/api/v1/reports/kim?from=" + year + "-01-01&to=" + today_plus(0) + "&format=csv", bearer(caritas_token));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
    EXPECT_NE(r->get_header_value("Content-Disposition").find("attachment; filename=\"kim-kennzahlen-"), std::string::npos);
    ASSERT_GE(r->body.size(), 3u);
    EXPECT_EQ(r->body.substr(0, 3), "\xEF\xBB\xBF") << "German Excel reads UTF-8 only after a BOM";
    const std::string header = r->body.substr(3, r->body.find('\n') - 3);
    EXPECT_NE(header.find(';'), std::string::npos) << header;
    EXPECT_EQ(header.find(','), std::string::npos) << header;
    auto resolutions = http->Get("/api/v1/reports/resolutions?from=2025-01-01&to=2025-12-31&format=csv", bearer(caritas_token));
    ASSERT_EQ(resolutions->status, 200) << resolutions->body;
    EXPECT_EQ(resolutions->body.substr(0, 3), "\xEF\xBB\xBF");
    auto wrong = http->Get("/api/v1/reports/kim?from=2025-01-01&to=2025-12-31&format=xlsx", bearer(caritas_token));
    EXPECT_EQ(wrong->status, 400);
    EXPECT_NE(body_of(wrong)["detail"].get<std::string>().find("csv"), std::string::npos);
}

}  // namespace
