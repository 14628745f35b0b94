// Who gets into kimflowd: logins with Argon2id passwords and their limits, tokens that expire
// and are revoked, disabled accounts, a reverse proxy's user header from the configured proxy
// only, and the policy stored in the database.
#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;

class Auth : public ::testing::Test {
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

    httplib::Result login(const std::string& name, const std::string& password)
    {
        return http->Post("/api/v1/session", json{{"name", name}, {"password", password}}.dump(), "application/json");
    }

    int status_with(const std::string& token)
    {
        auto r = http->Get("/api/v1/me", bearer(token));
        return r ? r->status : -1;
    }
};

TEST_F(Auth, ALoginGivesATokenThatActsAsTheAccountUntilLogout)
{
    start();
    auto r = login("mkoch", "password-of-mkoch");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
    const std::string token = body_of(r)["token"];
    auto me = http->Get("/api/v1/me", bearer(token));
    ASSERT_TRUE(me);
    EXPECT_EQ(body_of(me)["actor"]["organization"], "caritas");
    auto out = http->Delete("/api/v1/session", bearer(token));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->status, 204);
    EXPECT_EQ(status_with(token), 401);
    EXPECT_EQ(status_with(caritas), 200);  // the API token is another token
}

TEST_F(Auth, AWrongPasswordIsRefusedAndLoggedWithoutIt)
{
    start();
    for (const auto& [name, password] : std::vector<std::pair<std::string, std::string>>{
             {"mkoch", "guessed-password-1"}, {"nobody", "password-of-mkoch"}, {"", ""}}) {
        auto r = login(name, password);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 401) << r->body;
        EXPECT_EQ(body_of(r)["type"], "urn:kimflow:problem:invalid-credentials");
    }
    const std::string log = server->log();
    EXPECT_NE(log.find("\"event\":\"login_failed\""), std::string::npos);
    EXPECT_NE(log.find("\"account\":\"mkoch\""), std::string::npos);
    EXPECT_NE(log.find("\"address\":\"127.0.0.1\""), std::string::npos);
    EXPECT_EQ(log.find("guessed-password-1"), std::string::npos);
    EXPECT_EQ(log.find("password-of-mkoch"), std::string::npos);
}

TEST_F(Auth, RepeatedFailuresLockTheAccountEvenForTheRightPassword)
{
    start({"login_failures_per_account = 3", "login_failures_per_address = 100"});
    for (int i = 0; i < 3; ++i) EXPECT_EQ(login("mkoch", "wrong-password-" + std::to_string(i))->status, 401);
    auto locked = login("mkoch", "password-of-mkoch");
    ASSERT_TRUE(locked);
    EXPECT_EQ(locked->status, 429) << locked->body;
    EXPECT_EQ(body_of(locked)["type"], "urn:kimflow:problem:too-many-failed-logins");
    EXPECT_FALSE(locked->get_header_value("Retry-After").empty());
    // Another account is not locked by them.
    db.accounts().add("aweber", "case_manager", "awo", std::string("password-of-aweber"), kSetup, wall_now());
    EXPECT_EQ(login("aweber", "password-of-aweber")->status, 201);
}

TEST_F(Auth, FailuresFromOneAddressLockThatAddressForEveryAccount)
{
    start({"login_failures_per_account = 100", "login_failures_per_address = 3"});
    for (int i = 0; i < 3; ++i) EXPECT_EQ(login("user" + std::to_string(i), "wrong-password-xy")->status, 401);
    EXPECT_EQ(login("mkoch", "password-of-mkoch")->status, 429);
}

TEST_F(Auth, BehindATrustedProxyTheForwardedAddressIsTheOneLimited)
{
    start({"trusted_proxy = 127.0.0.1", "login_failures_per_account = 100", "login_failures_per_address = 3"});
    const auto login_from = [&](const std::string& address, const std::string& password) {
        return http->Post("/api/v1/session", {{"X-Forwarded-For", "203.0.113.9, " + address}},
                          json{{"name", "mkoch"}, {"password", password}}.dump(), "application/json")->status;
    };
    for (int i = 0; i < 3; ++i) EXPECT_EQ(login_from("10.0.0.1", "wrong-password-xy"), 401);
    EXPECT_EQ(login_from("10.0.0.1", "password-of-mkoch"), 429);
    EXPECT_EQ(login_from("10.0.0.2", "password-of-mkoch"), 201);  // another client behind the same proxy
    EXPECT_NE(server->log().find("\"address\":\"10.0.0.1\""), std::string::npos);
}

TEST_F(Auth, ExpiredRevokedAndDisabledTokensAreRefused)
{
    // A token made two hours ago for one hour has expired.
    const std::string expired = db.accounts().create_token("mkoch", std::chrono::hours(1), "api", kSetup,
                                                           wall_now() - std::chrono::hours(2));
    const std::string revoked = db.accounts().create_token("mkoch", std::chrono::hours(1), "api", kSetup, wall_now());
    start();
    EXPECT_EQ(status_with(caritas), 200);
    EXPECT_EQ(status_with(revoked), 200);
    auto r = http->Get("/api/v1/me", bearer(expired));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(body_of(r)["type"], "urn:kimflow:problem:invalid-token");
    EXPECT_NE(r->get_header_value("WWW-Authenticate").find("invalid_token"), std::string::npos);

    // Revoked and disabled on the database while the service runs: effective at the next request.
    kimflow::SqliteStore store(db.path());
    kimflow::Accounts accounts(std::shared_ptr<kimflow::Store>(&store, [](kimflow::Store*) {}));
    accounts.revoke_token(revoked, kSetup, wall_now());
    EXPECT_EQ(status_with(revoked), 401);
    EXPECT_EQ(status_with(caritas), 200);
    accounts.set_disabled("mkoch", true, kSetup, wall_now());
    EXPECT_EQ(status_with(caritas), 401);
    EXPECT_EQ(login("mkoch", "password-of-mkoch")->status, 401);
    // A token with one character changed is no token.
    std::string forged = caritas;
    forged.back() = forged.back() == 'a' ? 'b' : 'a';
    accounts.set_disabled("mkoch", false, kSetup, wall_now());
    EXPECT_EQ(status_with(caritas), 200);
    EXPECT_EQ(status_with(forged), 401);
    EXPECT_EQ(status_with("kft_x"), 401);
}

TEST_F(Auth, TheProxyHeaderIsTakenFromTheConfiguredProxyOnly)
{
    start({"trusted_proxy = 127.0.0.1", "proxy_user_header = X-Remote-User"});
    auto r = http->Get("/api/v1/me", {{"X-Remote-User", "mkoch"}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(body_of(r)["via"], "proxy");
    EXPECT_EQ(body_of(r)["actor"]["id"], "mkoch");
    auto unknown = http->Get("/api/v1/me", {{"X-Remote-User", "mallory"}});
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 401);
    EXPECT_EQ(body_of(unknown)["type"], "urn:kimflow:problem:unknown-account");

    // Configured for another proxy: the same header from here is refused, and logged.
    start({"trusted_proxy = 10.0.0.7"});
    auto refused = http->Get("/api/v1/me", {{"X-Remote-User", "mkoch"}});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
    EXPECT_EQ(body_of(refused)["type"], "urn:kimflow:problem:untrusted-proxy-header");
    // Even with a valid token beside it: the header is not silently ignored.
    auto both = http->Get("/api/v1/me", bearer(caritas, {{"X-Remote-User", "mkoch"}}));
    ASSERT_TRUE(both);
    EXPECT_EQ(both->status, 401);
    EXPECT_NE(server->log().find("proxy_header_refused"), std::string::npos);

    // With a secret: the header counts only beside it.
    start({"trusted_proxy = 127.0.0.1", "proxy_secret = s3cr3t-of-the-proxy"});
    EXPECT_EQ(http->Get("/api/v1/me", {{"X-Remote-User", "mkoch"}})->status, 401);
    EXPECT_EQ(http->Get("/api/v1/me", {{"X-Remote-User", "mkoch"}, {"X-Proxy-Secret", "s3cr3t-of-the-proxx"}})->status, 401);
    EXPECT_EQ(http->Get("/api/v1/me", {{"X-Remote-User", "mkoch"}, {"X-Proxy-Secret", "s3cr3t-of-the-proxy"}})->status, 200);

    // No proxy configured at all: likewise.
    start();
    EXPECT_EQ(http->Get("/api/v1/me", {{"X-Remote-User", "mkoch"}})->status, 401);
}

TEST_F(Auth, TheStoredPolicyDecidesWhatAnAccountMayDo)
{
    // Case managers may open cases, but not read papers, by this database's policy.
    kimflow::set_stored_policy(db.store(), "allow case case_manager open,read owner\n", kSetup, wall_now());
    start();
    EXPECT_NE(server->log().find("\"policy\":\"stored\""), std::string::npos);
    auto opened = http->Post("/api/v1/cases", bearer(caritas), open_case("c-1", "caritas").dump(), "application/json");
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->status, 201) << opened->body;
    auto fired = http->Post("/api/v1/cases/c-1/events/follow_up", bearer(caritas),
                            json{{"date", "2099-01-01"}}.dump(), "application/json");
    ASSERT_TRUE(fired);
    EXPECT_EQ(fired->status, 403) << fired->body;  // the default policy would allow it
    auto papers = http->Get("/api/v1/oparl/papers", bearer(caritas));
    ASSERT_TRUE(papers);
    EXPECT_EQ(papers->status, 403) << papers->body;
}

TEST(Tls, BuiltInTlsServesTheApiAndRefusesPlainHttp)
{
    Database db;
    const std::string token = db.add("mkoch", "case_manager", "caritas");
    TempDir folder("kimflowd-tls");
    const std::string cert = folder.path() + "/cert.pem", key = folder.path() + "/key.pem";
    write_self_signed_certificate(cert, key);
    db.close();
    Server server(db.path(), {"tls_cert = " + cert, "tls_key = " + key});
    EXPECT_NE(server.log().find("\"tls\":true"), std::string::npos) << server.log();
    httplib::SSLClient tls("127.0.0.1", server.port());
    tls.set_ca_cert_path(cert.c_str());
    tls.enable_server_certificate_verification(true);
    tls.set_connection_timeout(10, 0);
    tls.set_read_timeout(10, 0);
    auto me = tls.Get("/api/v1/me", bearer(token));
    ASSERT_TRUE(me) << httplib::to_string(me.error());
    EXPECT_EQ(me->status, 200);
    EXPECT_EQ(body_of(me)["actor"]["id"], "mkoch");
    httplib::Client plain_http("127.0.0.1", server.port());
    plain_http.set_read_timeout(5, 0);
    auto refused = plain_http.Get("/healthz");
    EXPECT_TRUE(!refused || refused->status != 200);
}

}  // namespace
