// The sync's HTTP side: GET a URL and get back JSON, through libcurl, with the retries, backoff
// and request rate of SyncOptions. Private to kimflow_oparl_sync; nothing else sees libcurl.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace kimflow::oparl::detail {

/// A JSON document as the RIS served it.
struct Fetched {
    /// The URL asked for (redirects followed); messages and import sources name it.
    std::string url;
    /// The body as it came: import parses it again, with its own file and field messages.
    std::string text;
    nlohmann::json json;
};

/// How the client treats the RIS.
struct HttpSettings {
    std::chrono::milliseconds timeout{30000};
    int retries = 4;
    std::chrono::milliseconds backoff{1000};
    std::chrono::milliseconds interval{200};
    /// Told of each retry (German, for a terminal); may be empty.
    std::function<void(const std::string&)> progress{};
};

/// GETs JSON documents over HTTP(S), one at a time, on one connection where the server keeps it
/// open. A request that times out, is cut short, fails to connect, gets a 5xx or 429, or brings
/// a body that is no JSON is tried again after backoff×2^n (or the server's `Retry-After`, up
/// to a minute); other failures, and any 4xx but 429, end it at once.
class HttpClient {
public:
    explicit HttpClient(HttpSettings settings);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// The JSON at @p url.
    /// @throws SyncError once the retries are spent, or at once for a failure not worth retrying
    Fetched get(const std::string& url);

    /// Requests made so far (every try counts), and how many of them were retries.
    std::size_t requests() const noexcept { return requests_; }
    std::size_t retries() const noexcept { return retries_; }

private:
    struct Attempt;
    Attempt attempt(const std::string& url);
    void keep_interval();

    struct Handle;
    std::unique_ptr<Handle> handle_;
    HttpSettings settings_;
    std::size_t requests_ = 0, retries_ = 0;
    std::chrono::steady_clock::time_point last_{};
    bool asked_ = false;
};

}  // namespace kimflow::oparl::detail
