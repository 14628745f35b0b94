// libcurl behind HttpClient: one easy handle per client (so keep-alive connections are reused),
// HTTPS verified, redirects followed, compressed bodies accepted, and the retry policy of
// http_client.hpp.
#include "http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "kimflow/io/oparl_sync.hpp"
#include "kimflow/version.hpp"

namespace kimflow::oparl::detail {

namespace {

using std::chrono::milliseconds;

/// A list page of a large RIS is a few megabytes; a body far beyond that is no OParl page, and
/// reading it on would only fill the memory.
constexpr std::size_t kMaxBody = std::size_t{256} << 20;
/// The longest `Retry-After` honoured: a server asking for more is as good as down.
constexpr milliseconds kMaxRetryAfter{60000};

std::string user_agent()
{
    return "kimflow/" + std::to_string(KIMFLOW_VERSION_MAJOR) + "." + std::to_string(KIMFLOW_VERSION_MINOR) + "." +
           std::to_string(KIMFLOW_VERSION_PATCH);
}

/// curl_global_init is not thread-safe and must run once before any handle is made.
void init_curl()
{
    static std::once_flag once;
    static CURLcode code = CURLE_OK;
    std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (code != CURLE_OK)
        throw SyncError("", 0, std::string("libcurl cannot be initialised: ") + curl_easy_strerror(code));
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* body = static_cast<std::string*>(user);
    const std::size_t n = size * count;
    if (body->size() + n > kMaxBody) return 0;  // curl stops with CURLE_WRITE_ERROR
    body->append(data, n);
    return n;
}

/// Failures another try may get past: the network or the server had a bad moment.
bool transient(CURLcode code)
{
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

/// What went wrong, in a few German words, for the retry line on a terminal.
std::string german(CURLcode code)
{
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return "Zeitüberschreitung";
    case CURLE_COULDNT_CONNECT:
        return "keine Verbindung";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "Name nicht aufgelöst";
    case CURLE_PARTIAL_FILE:
        return "Antwort unvollständig";
    default:
        return "Verbindung abgebrochen";
    }
}

/// `2 s`, `500 ms`, `1,5 s`.
std::string seconds_text(milliseconds d)
{
    const auto ms = d.count();
    if (ms < 1000) return std::to_string(ms) + " ms";
    std::string out = std::to_string(ms / 1000);
    if (ms % 1000 >= 100) out += "," + std::to_string(ms % 1000 / 100);
    return out + " s";
}

}  // namespace

struct HttpClient::Handle {
    CURL* curl = nullptr;
    curl_slist* headers = nullptr;
    char error[CURL_ERROR_SIZE] = {};

    ~Handle()
    {
        if (headers) curl_slist_free_all(headers);
        if (curl) curl_easy_cleanup(curl);
    }
};

/// One try: curl's code (with its message), and the response if there was one.
struct HttpClient::Attempt {
    CURLcode code = CURLE_OK;
    std::string error;
    long status = 0;
    std::string body;
    milliseconds retry_after{0};
};

HttpClient::HttpClient(HttpSettings settings) : handle_(std::make_unique<Handle>()), settings_(std::move(settings))
{
    init_curl();
    Handle& h = *handle_;
    h.curl = curl_easy_init();
    if (!h.curl) throw SyncError("", 0, "libcurl cannot make a request handle");
    h.headers = curl_slist_append(nullptr, "Accept: application/json");
    CURL* c = h.curl;
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h.error);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h.headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent().c_str());  // curl keeps a copy
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever this libcurl can decode
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    const long timeout = static_cast<long>(std::max<milliseconds::rep>(1, settings_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    // Timeouts by alarm signals would disturb a host's threads.
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
}

HttpClient::~HttpClient() = default;

void HttpClient::keep_interval()
{
    if (!asked_) return;
    const auto due = last_ + settings_.interval;
    if (std::chrono::steady_clock::now() < due) std::this_thread::sleep_until(due);
}

HttpClient::Attempt HttpClient::attempt(const std::string& url)
{
    Handle& h = *handle_;
    Attempt a;
    h.error[0] = '\0';
    curl_easy_setopt(h.curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &a.body);
    keep_interval();
    ++requests_;
    a.code = curl_easy_perform(h.curl);
    last_ = std::chrono::steady_clock::now();
    asked_ = true;
    if (a.code != CURLE_OK) a.error = h.error[0] ? h.error : curl_easy_strerror(a.code);
    curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &a.status);
    curl_off_t retry_after = 0;
    if (curl_easy_getinfo(h.curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
        a.retry_after = std::min(kMaxRetryAfter, milliseconds(static_cast<milliseconds::rep>(retry_after) * 1000));
    return a;
}

Fetched HttpClient::get(const std::string& url)
{
    for (int tried = 0;; ++tried) {
        Attempt a = attempt(url);
        // The wait doubles with each retry; the shift is capped so that it cannot overflow.
        milliseconds wait = settings_.backoff * (1LL << std::min(tried, 20));
        std::string problem, reason;
        if (a.code != CURLE_OK) {
            if (!transient(a.code)) throw SyncError(url, a.status, a.error);
            problem = german(a.code);
            reason = a.error;
            a.status = 0;
        } else if (a.status == 429 || a.status >= 500) {
            problem = reason = "HTTP " + std::to_string(a.status);
            if (a.retry_after.count() > 0) wait = a.retry_after;
        } else if (a.status >= 400) {
            throw SyncError(url, a.status,
                            "HTTP " + std::to_string(a.status) +
                                (a.status == 404 || a.status == 410 ? ": the RIS does not serve this URL; check it"
                                                                    : ": the RIS refuses the request"));
        } else if (a.status < 200 || a.status >= 300) {
            throw SyncError(url, a.status, "HTTP " + std::to_string(a.status) + ": no document to read");
        } else {
            Fetched out;
            out.json = nlohmann::json::parse(a.body, nullptr, false);
            if (!out.json.is_discarded()) {
                out.url = url;
                out.text = std::move(a.body);
                return out;
            }
            // Mostly a body cut short on the way (a proxy, a server restarting); else it is no
            // JSON at all, and the retries end in the error below.
            problem = "keine gültige JSON-Antwort";
            reason = "the response is no valid JSON (" + std::to_string(a.body.size()) + " bytes)";
        }
        if (tried >= settings_.retries)
            throw SyncError(url, a.status,
                            reason + "; gave up after " + std::to_string(tried + 1) +
                                (tried == 0 ? " try" : " tries") + " (run again later: a sync resumes where it stopped)");
        ++retries_;
        if (settings_.progress)
            settings_.progress("Wiederholung " + std::to_string(tried + 1) + " von " +
                               std::to_string(settings_.retries) + " in " + seconds_text(wait) + " (" + problem +
                               "): " + url);
        std::this_thread::sleep_for(wait);
    }
}

}  // namespace kimflow::oparl::detail
