// The web pages' sessions (web_session.hpp).
#include "web_session.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <chrono>
#include <stdexcept>

namespace kimflowd::web {

namespace {

constexpr std::string_view secret_key = "kimflowd.web_secret";

std::string hex(const unsigned char* bytes, std::size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

std::string mac(std::string_view key, std::string_view message)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &length))
        throw std::runtime_error("HMAC-SHA256 failed");
    return hex(out, length);
}

}  // namespace

std::string session_cookie(bool secure) { return secure ? "__Host-kimflow_session" : "kimflow_session"; }

std::string activity_cookie(bool secure) { return secure ? "__Host-kimflow_active" : "kimflow_active"; }

bool has_session_cookie(const httplib::Request& req)
{
    return cookie(req, session_cookie(true)).value || cookie(req, session_cookie(false)).value;
}

CookieValue cookie(const httplib::Request& req, std::string_view name)
{
    // Browsers send one Cookie header, "a=1; b=2".
    CookieValue out;
    const auto range = req.headers.equal_range("Cookie");
    for (auto it = range.first; it != range.second; ++it) {
        std::string_view rest = it->second;
        while (!rest.empty()) {
            const auto end = rest.find(';');
            std::string_view pair = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
            if (out.value) out.twice = true;
            else out.value = std::string(pair.substr(eq + 1));
        }
    }
    return out;
}

std::string load_or_create_secret(kimflow::Store& writer)
{
    if (auto stored = writer.setting(secret_key)) return *stored;
    // Under the store's write lock: two nodes starting at once keep the same secret.
    writer.begin();
    try {
        std::string secret;
        if (auto stored = writer.setting(secret_key)) {
            secret = *stored;
        } else {
            unsigned char bytes[32];
            if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for the web secret");
            secret = hex(bytes, sizeof bytes);
            writer.put_setting(secret_key, secret);
        }
        writer.commit();
        return secret;
    } catch (...) {
        writer.rollback();
        throw;
    }
}

std::string csrf_token(std::string_view secret, std::string_view token)
{
    return mac(secret, "csrf|" + std::string(token));
}

std::string activity_stamp(std::string_view secret, std::string_view token, kimflow::Timestamp at)
{
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
    const std::string when = std::to_string(seconds);
    return when + "." + mac(secret, "active|" + when + "|" + std::string(token));
}

std::optional<kimflow::Timestamp> activity_of(std::string_view secret, std::string_view token, std::string_view stamp)
{
    const auto dot = stamp.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 12) return std::nullopt;
    const std::string when(stamp.substr(0, dot));
    if (when.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    if (!same_secret(stamp.substr(dot + 1), mac(secret, "active|" + when + "|" + std::string(token))))
        return std::nullopt;
    return kimflow::Timestamp(std::chrono::seconds(std::stoll(when)));
}

bool same_secret(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string set_cookie(std::string_view name, std::string_view value, bool secure, long max_age)
{
    std::string out = std::string(name) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Strict";
    if (secure) out += "; Secure";
    if (max_age >= 0) out += "; Max-Age=" + std::to_string(max_age);
    return out;
}

bool over_tls(const httplib::Request& req, bool built_in_tls, bool from_trusted_proxy)
{
    if (built_in_tls) return true;
    return from_trusted_proxy && req.get_header_value("X-Forwarded-Proto") == "https";
}

bool same_origin(const httplib::Request& req, bool from_trusted_proxy)
{
    if (!req.has_header("Origin")) return true;  // not a browser's cross-site request
    const std::string origin = req.get_header_value("Origin");
    const std::string host = req.get_header_value("Host");
    if (!host.empty() && (origin == "http://" + host || origin == "https://" + host)) return true;
    // Behind a reverse proxy the browser names the proxy's host; the proxy says which it was.
    if (!from_trusted_proxy) return false;
    const std::string forwarded_host = req.get_header_value("X-Forwarded-Host");
    const std::string proto = req.get_header_value("X-Forwarded-Proto");
    return !forwarded_host.empty() && origin == (proto.empty() ? "https" : proto) + "://" + forwarded_host;
}

}  // namespace kimflowd::web
