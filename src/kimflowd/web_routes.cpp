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
    res.set_header("ETag", std::string(asset.etag));
    if (call.req.get_header_value("If-None-Match") == asset.etag) {
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

void Service::authenticate_by_cookie(Call& call)
{
    const auto& req = call.req;
    const bool secure = over_tls(req);
    const auto ended = [&](const std::string& detail) {
        return Problem{401, "session-ended", "Session ended", detail + "; log in again", {},
                       {{"Set-Cookie", web::set_cookie(web::session_cookie(secure), "", secure, 0)},
                        {"Set-Cookie", web::set_cookie(web::activity_cookie(secure), "", secure, 0)}}};
    };
    const auto session = web::cookie(req, web::session_cookie(secure));
    const auto stamp = web::cookie(req, web::activity_cookie(secure));
    // A second cookie of the same name was planted for another path or domain: which one is
    // ours cannot be told.
    if (!session.value || session.twice || stamp.twice)
        throw ended("the session cookie is missing or given twice");
    const std::string& token = *session.value;
    const Timestamp at = Handlers::now();
    auto checked = account_reader_->check_token_record(token, at);
    if (!checked || checked->second.kind != web::token_kind)
        throw ended("the session has ended (logged out, expired, or the account was disabled)");
    const auto last = stamp.value ? web::activity_of(web_secret_, token, *stamp.value) : std::nullopt;
    // A stamp that is not kimflowd's is refused, but ends nothing: another site could plant one.
    if (!last) throw ended("the session's activity stamp is missing or not kimflowd's");
    if (at - *last > std::chrono::seconds(config_.session_idle_seconds)) {
        // Revoked, so that no copy of the cookie works again, on any node.
        try {
            accounts_->revoke_token(token, checked->first.actor, at);
        } catch (const Error& e) {
            log_.warn("session_not_revoked", {{"account", checked->first.name}, {"detail", e.what()}});
        }
        log_.info("session_idle", {{"account", checked->first.name}});
        throw ended("the session ended after " + std::to_string(config_.session_idle_seconds / 60) +
                    " minutes without use");
    }
    const bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
    if (!safe) {
        if (!web::same_origin(req, trusted_proxy(req.remote_addr)))
            throw Problem{403, "cross-origin", "Request from another site",
                          "a write with the session cookie must come from kimflowd's own pages"};
        const std::string given = req.get_header_value(web::csrf_header);
        if (given.empty() || !web::same_secret(given, web::csrf_token(web_secret_, token))) {
            log_.warn("csrf_refused", {{"account", checked->first.name}, {"path", req.path}});
            throw Problem{403, "csrf-token-invalid", "CSRF token missing or wrong",
                          std::string("a write with the session cookie needs the header ") + web::csrf_header +
                              " with the csrf_token of the login's answer or of GET /api/v1/me; reload the page"};
        }
    }
    call.account = std::move(checked->first);
    call.via = "cookie";
    call.token = token;
    call.res.set_header("Set-Cookie", web::set_cookie(web::activity_cookie(secure),
                                                      web::activity_stamp(web_secret_, token, at), secure));
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
