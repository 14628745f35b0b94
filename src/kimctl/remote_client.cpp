// The HTTP(S) side of `kimctl --server URL` (cpp-httplib's client, built with OpenSSL): requests
// with the token, time limits, the retry of a fire, and problems turned into exit codes.
#include "remote_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <random>

#include <httplib.h>

#include <kimflow/core/error_kind.hpp>

namespace kimctl {

namespace {

/// Seconds a connection, a send and an answer may each take.
constexpr int kTimeoutSeconds = 10;

constexpr std::string_view kProblemPrefix = "urn:kimflow:problem:";

/// A fresh random key (a UUID of version 4): one per fire, kept for its retry.
std::string idempotency_key()
{
    std::random_device random;
    unsigned char bytes[16];
    for (auto& b : bytes) b = static_cast<unsigned char>(random() & 0xff);
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    std::string out;
    char hex[3];
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
        out += hex;
    }
    return out;
}

/// Whether a failed request may be sent again: the connection failed, not the certificate.
bool transient(httplib::Error e)
{
    return e != httplib::Error::SSLServerVerification && e != httplib::Error::SSLLoadingCerts &&
           e != httplib::Error::SSLConnection;
}

std::string describe(httplib::Error e)
{
    switch (e) {
    case httplib::Error::Connection: return "no connection (is kimflowd running there, and the port right?)";
    case httplib::Error::ConnectionTimeout:
        return "no connection within " + std::to_string(kTimeoutSeconds) + " seconds";
    case httplib::Error::Read:
        return "the connection broke or no answer came within " + std::to_string(kTimeoutSeconds) + " seconds";
    case httplib::Error::Write: return "the connection broke while sending";
    case httplib::Error::SSLConnection: return "the TLS handshake failed (is it an https:// server?)";
    case httplib::Error::SSLLoadingCerts: return "the CA certificates could not be loaded";
    case httplib::Error::SSLServerVerification:
        return "its TLS certificate could not be verified (for a private CA, name its certificate in "
               "$KIMFLOW_CA_FILE or `ca_file = FILE` in the configuration)";
    default: return "the request failed (" + httplib::to_string(e) + ")";
    }
}

}  // namespace

struct Remote::Answer {
    std::string method;
    std::string target;
    int status = 0;
    std::string body;
    std::string content_type;
    std::string retry_after;
};

int exit_code_of_problem(const std::string& type, int status)
{
    for (const auto& kind : kimflow::error_kinds())
        if (kind.type == type) return kind.exit_code;
    if (status == 401 || status == 403) return Exit::not_permitted;
    if (status == 429 || status == 502 || status == 503 || status == 504) return Exit::storage;
    if (status == 409) return Exit::rejected;
    if (status == 412) return Exit::version_conflict;
    if (type == "no-such-route" || type == "method-not-allowed") return Exit::failure;  // not kimctl's kimflowd
    if (status >= 400 && status < 500) return Exit::usage;
    return Exit::failure;
}

Remote::Remote(const Options& options) : url_(options.server), token_(options.token), token_from_(options.token_from)
{
    const std::string& url = options.server;
    const auto scheme_end = url.find("://");
    std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::string how = " (from " + options.server_from + ")";
    if (scheme != "http" && scheme != "https")
        throw UsageError("the server '" + url + "'" + how + " is not a URL kimctl can use; give http://HOST:PORT or "
                         "https://HOST[:PORT][/PATH], e.g. https://kimflow.kreis-re.de");
    const std::string rest = url.substr(scheme_end + 3);
    const auto path_start = rest.find_first_of("/?#");
    const std::string authority = rest.substr(0, path_start);
    base_path_ = path_start == std::string::npos ? "" : rest.substr(path_start);
    if (authority.empty() || base_path_.find_first_of("?#") != std::string::npos)
        throw UsageError("the server '" + url + "'" + how +
                         " needs a host and no query or fragment, e.g. https://kimflow.kreis-re.de");
    while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
    if (token_.empty())
        throw UsageError("no token for " + url + ": set KIMFLOW_TOKEN to your API token (an administrator makes one "
                         "with `kimctl admin token create NAME` on the server), or write `token = TOKEN` into " +
                         (options.config.empty() ? std::string("~/.config/kimflow/kimctl.conf") : options.config));
    if (!options.ca_file.empty() && !std::ifstream(options.ca_file))
        throw UsageError("cannot read the CA file '" + options.ca_file + "' ($KIMFLOW_CA_FILE or ca_file); check the path");

    client_ = std::make_unique<httplib::Client>(scheme + "://" + authority);
    if (!client_->is_valid())
        throw UsageError("the server '" + url + "'" + how + " is not a URL kimctl can use; give http://HOST:PORT or "
                         "https://HOST[:PORT][/PATH]");
    client_->set_connection_timeout(kTimeoutSeconds, 0);
    client_->set_read_timeout(kTimeoutSeconds, 0);
    client_->set_write_timeout(kTimeoutSeconds, 0);
    client_->set_url_encode(false);  // paths and queries are encoded here, ids as one segment
    client_->set_keep_alive(false);
    if (scheme == "https") {
        client_->enable_server_certificate_verification(true);
        if (!options.ca_file.empty()) client_->set_ca_cert_path(options.ca_file.c_str());
    }
}

Remote::~Remote() = default;

Remote::Answer Remote::send(const std::string& method, const std::string& target, const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers, bool retry)
{
    httplib::Headers h{{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}};
    for (const auto& [name, value] : headers) h.emplace(name, value);
    const std::string full = base_path_ + target;
    for (int attempt = 0;; ++attempt) {
        httplib::Result r = method == "POST" ? client_->Post(full, h, body, "application/json") : client_->Get(full, h);
        if (r) {
            return Answer{method, target, r->status, r->body, r->get_header_value("Content-Type"),
                          r->get_header_value("Retry-After")};
        }
        if (retry && attempt == 0 && transient(r.error())) continue;
        throw RemoteError(Exit::storage, "cannot reach kimflowd at " + url_ + ": " + describe(r.error()) +
                                             (attempt ? " (tried twice)" : ""));
    }
}

nlohmann::json Remote::json_of(const Answer& answer) const
{
    if (answer.status < 200 || answer.status >= 300) fail(answer);
    nlohmann::json j = nlohmann::json::parse(answer.body, nullptr, false);
    if (j.is_discarded())
        throw RemoteError(Exit::failure, "the answer of " + url_ + " to " + answer.method + " " + answer.target +
                                             " is not JSON; is " + url_ + " kimflowd?");
    return j;
}

void Remote::fail(const Answer& answer) const
{
    const nlohmann::json problem = nlohmann::json::parse(answer.body, nullptr, false);
    const std::string type_uri = problem.is_object() ? problem.value("type", "") : "";
    if (type_uri.rfind(kProblemPrefix, 0) != 0)
        throw RemoteError(exit_code_of_problem("", answer.status),
                          url_ + " answered HTTP " + std::to_string(answer.status) + " to " + answer.method + " " +
                              answer.target + ", without saying why; is " + url_ + " kimflowd?");
    const std::string type = type_uri.substr(kProblemPrefix.size());
    const int code = exit_code_of_problem(type, answer.status);
    std::string message = problem.value("detail", "");
    if (message.empty()) message = problem.value("title", type);
    if (type == "no-such-route")
        message = url_ + " does not serve " + answer.target + ": is it kimflowd's address (without /api/v1)?";
    else if (answer.status == 401)
        message += "\n(the token is the one in " + token_from_ + ")";
    else if (code == Exit::not_permitted)
        message += "\n(nothing changed; the refusal is logged on the server)";
    else if (code == Exit::version_conflict)
        message += "\n(nothing changed; show it again and decide)";
    else if (code == Exit::rejected && type != "duplicate-instance")
        message += "\n(nothing changed)";
    else if (code == Exit::storage && !answer.retry_after.empty())
        message += "\n(kimflowd asks to try again in " + answer.retry_after + " seconds)";
    throw RemoteError(code, message);
}

namespace {

std::string with_query(const std::string& path, const Remote::Query& query)
{
    std::string target = path;
    char separator = '?';
    for (const auto& [name, value] : query) {
        target += separator + kimflow::percent_encode(name) + "=" + kimflow::percent_encode(value);
        separator = '&';
    }
    return target;
}

}  // namespace

nlohmann::json Remote::get(const std::string& path, const Query& query)
{
    return json_of(send("GET", with_query(path, query), "", {}, false));
}

std::optional<nlohmann::json> Remote::get_if_found(const std::string& path)
{
    const Answer answer = send("GET", path, "", {}, false);
    if (answer.status == 404) return std::nullopt;
    return json_of(answer);
}

nlohmann::json Remote::post(const std::string& path, const nlohmann::json& body,
                            std::optional<std::uint64_t> expected_version)
{
    std::vector<std::pair<std::string, std::string>> headers{{"Idempotency-Key", idempotency_key()}};
    if (expected_version) headers.emplace_back("If-Match", "\"" + std::to_string(*expected_version) + "\"");
    return json_of(send("POST", path, body.dump(), headers, true));
}

}  // namespace kimctl
