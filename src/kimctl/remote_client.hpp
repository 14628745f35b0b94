// kimctl as a client of kimflowd (`kimctl --server URL`): HTTP(S) with the caller's token, and
// the service's answers turned into what kimctl does on a file: its JSON, or its exit codes
// and messages.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <kimflow/core/text.hpp>

#include "context.hpp"

namespace httplib {
class Client;
}

namespace kimctl {

/// A remote command's failure: the exit code it means (as a local run would exit) and what to
/// print on stderr.
class RemoteError : public std::runtime_error {
public:
    RemoteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};


/// The exit code for a problem of kimflowd: its `type` through kimflow::error_kinds(), else the
/// service's own by status (401 → not permitted, 429 and 503 → storage, 409 → rejected, 412 →
/// version conflict, other 4xx → usage; a route the service does not have → failure).
int exit_code_of_problem(const std::string& type, int status);

/// kimflowd at the configured URL, called with the configured token.
class Remote {
public:
    using Query = std::vector<std::pair<std::string, std::string>>;

    /// @throws UsageError for a URL that is not http(s)://HOST[:PORT][/PATH], or without a token
    explicit Remote(const Options& options);
    ~Remote();
    Remote(const Remote&) = delete;
    Remote& operator=(const Remote&) = delete;

    /// GET @p path (below the URL's path) with @p query; the answer's JSON.
    /// @throws RemoteError for a problem, an unreachable server or an answer that is not JSON
    nlohmann::json get(const std::string& path, const Query& query = {});
    /// As get(), but none for a 404 (the instance is not there, or not the caller's to read).
    std::optional<nlohmann::json> get_if_found(const std::string& path);
    /// POSTs @p body to @p path with a fresh random Idempotency-Key (and `If-Match: "N"` for
    /// @p expected_version). If the connection fails before an answer, it is sent once more
    /// with the same key: the service answers a repeat with the first answer, so it never
    /// fires twice.
    nlohmann::json post(const std::string& path, const nlohmann::json& body,
                        std::optional<std::uint64_t> expected_version);

private:
    struct Answer;
    Answer send(const std::string& method, const std::string& target, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers, bool retry);
    nlohmann::json json_of(const Answer& answer) const;
    [[noreturn]] void fail(const Answer& answer) const;

    std::string url_;
    std::string base_path_;
    std::string token_;
    std::string token_from_;
    std::unique_ptr<httplib::Client> client_;
};

}  // namespace kimctl
