// The web pages' sessions: a login's token in an HttpOnly cookie, a second cookie that says
// when the session was last used (signed, so that it ends after session_idle_seconds without a
// request on whichever node), and a CSRF token derived from the session for every write.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <httplib.h>

#include <kimflow/core/time.hpp>
#include <kimflow/store/store.hpp>

namespace kimflowd::web {

/// The kind of a web page's token (Accounts::create_token): taken only as the session cookie.
inline constexpr std::string_view token_kind = "web";
/// The header a page sends its CSRF token in, with every write.
inline constexpr const char* csrf_header = "X-CSRF-Token";

/// The cookie that holds the session's token. Over TLS it is a `__Host-` cookie, which only this
/// host can set (no sibling subdomain can plant one); plain HTTP cannot keep such a cookie.
std::string session_cookie(bool secure);
/// The cookie that says when the session was last used: `SECONDS.MAC`.
std::string activity_cookie(bool secure);

/// Whether the request carries a session cookie, under either name.
bool has_session_cookie(const httplib::Request& req);

/// What a request's Cookie headers hold under @p name: nothing, the value, or more than one
/// value (a cookie planted for another path or domain beside the service's own).
struct CookieValue {
    std::optional<std::string> value;
    bool twice = false;
};
CookieValue cookie(const httplib::Request& req, std::string_view name);

/// The key that signs activity stamps and derives CSRF tokens: kept in the database (setting
/// `kimflowd.web_secret`), made at the first start, so that every node of a database agrees.
std::string load_or_create_secret(kimflow::Store& writer);

/// The CSRF token of the session with @p token: only a page that read it from the login's answer
/// or GET /api/v1/me (which another site's page cannot) has it.
std::string csrf_token(std::string_view secret, std::string_view token);

/// A stamp saying the session @p token was used at @p at.
std::string activity_stamp(std::string_view secret, std::string_view token, kimflow::Timestamp at);

/// When the session was last used, if @p stamp is a valid stamp of @p token.
std::optional<kimflow::Timestamp> activity_of(std::string_view secret, std::string_view token, std::string_view stamp);

/// Whether @p a and @p b are equal, in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);

/// A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure if @p secure; @p max_age
/// seconds (0: delete it; negative: until the browser closes).
std::string set_cookie(std::string_view name, std::string_view value, bool secure, long max_age = -1);

/// Whether the request came over TLS: built in, or at a trusted proxy that says so.
bool over_tls(const httplib::Request& req, bool built_in_tls, bool from_trusted_proxy);

/// Whether an `Origin` header, if the browser sent one, names this service itself: the host the
/// request names, or, from a trusted proxy, the host and scheme it forwarded
/// (`X-Forwarded-Host`, `X-Forwarded-Proto`).
bool same_origin(const httplib::Request& req, bool from_trusted_proxy);

}  // namespace kimflowd::web
