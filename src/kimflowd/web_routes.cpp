// The web pages: served from the binary (web_assets.hpp) under a Content-Security-Policy that
// allows only kimflowd's own files, and their way in, a session cookie (web_session.hpp). The
// pages use the API as any client does; nothing here reads or writes an instance.
#include <kimflow/io/labels.hpp>

#include "handlers.hpp"
#include "web_assets.hpp"
#include "web_session.hpp"

namespace kimflowd {

using namespace kimflow;

namespace {

/// Only kimflowd's own scripts and styles, no inline code, no frames, no other site to talk to.
constexpr const char* content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void serve(Call& call, const WebAsset& asset)
{
    auto& res = call.res;
    res.set_header("Content-Security-Policy", content_security_policy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    // Another build serves other files under the same names: ask each time, answer 304 if same.
    res.set_header("Cache-Control", "no-cache");
    const std::string etag = "\"" + std::to_string(std::hash<std::string_view>{}(asset.body)) + "\"";
    res.set_header("ETag", etag);
    if (call.req.get_header_value("If-None-Match") == etag) {
        res.status = 304;
        return;
    }
    res.status = 200;
    res.set_content(std::string(asset.body), std::string(asset.media_type));
}

const WebAsset* asset_named(std::string_view name)
{
    for (const auto& a : web_assets())
        if (a.name == name) return &a;
    return nullptr;
}

}  // namespace

bool Service::over_tls(const httplib::Request& req) const
{
    return web::over_tls(req, !config_.tls_cert.empty(), trusted_proxy(req.remote_addr));
}

void Service::authenticate_by_cookie(Call& call, const std::string& token)
{
    const auto& req = call.req;
    const bool secure = over_tls(req);
    const auto ended = [&](const std::string& detail) {
        return Problem{401, "session-ended", "Session ended", detail, {},
                       {{"Set-Cookie", web::set_cookie(web::session_cookie, "", secure, 0)},
                        {"Set-Cookie", web::set_cookie(web::activity_cookie, "", secure, 0)}}};
    };
    auto account = account_reader_->check_token(token, Handlers::now());
    if (!account) throw ended("the session has ended (logged out, expired, or the account was disabled); log in again");
    const Timestamp at = Handlers::now();
    const auto stamp = web::cookie(req, web::activity_cookie);
    const auto last = stamp ? web::activity_of(web_secret_, token, *stamp) : std::nullopt;
    if (!last || at - *last > std::chrono::seconds(config_.session_idle_seconds)) {
        const std::string why = !last ? "the session's activity stamp is missing or not kimflowd's"
                                      : "the session ended after " + std::to_string(config_.session_idle_seconds / 60) +
                                            " minutes without use";
        // Revoked, so that no copy of the cookie works again, on any node.
        try {
            accounts_->revoke_token(token, account->actor, at);
        } catch (const AccountError&) {
        }
        log_.info("session_idle", {{"account", account->name}});
        throw ended(why + "; log in again");
    }
    const bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
    if (!safe) {
        if (!web::same_origin(req))
            throw Problem{403, "cross-origin", "Request from another site",
                          "a write with the session cookie must come from kimflowd's own pages"};
        const std::string given = req.get_header_value(web::csrf_header);
        if (given.empty() || !web::same_secret(given, web::csrf_token(web_secret_, token))) {
            log_.warn("csrf_refused", {{"account", account->name}, {"path", req.path}});
            throw Problem{403, "csrf-token-invalid", "CSRF token missing or wrong",
                          std::string("a write with the session cookie needs the header ") + web::csrf_header +
                              " with the csrf_token of the login's answer or of GET /api/v1/me; reload the page"};
        }
    }
    call.account = std::move(account);
    call.via = "cookie";
    call.token = token;
    call.res.set_header("Set-Cookie",
                        web::set_cookie(web::activity_cookie, web::activity_stamp(web_secret_, token, at), secure));
    call.res.set_header("Cache-Control", "no-store");
}

void Handlers::add_web_routes()
{
    add("GET", "/", [](Call& call) { serve(call, *asset_named("index.html")); }, false);
    add("GET", "/assets/{name}", [](Call& call) {
        const WebAsset* asset = asset_named(call.params.at(0));
        if (!asset || asset->name == "index.html")
            throw Problem{404, "no-such-asset", "No such file", "kimflowd's web pages have no file '" +
                                                                    call.params.at(0) + "'"};
        serve(call, *asset);
    }, false);
    // The German words for states, events, fields and choices (kimflow/io/labels.hpp): the
    // same table kimctl prints with. Not secret, so open like the OpenAPI document.
    add("GET", "/api/v1/labels", [](Call& call) {
        call.res.set_header("Cache-Control", "no-cache");
        call.res.set_content(labels::to_json(), "application/json");
    }, false);
}

}  // namespace kimflowd
