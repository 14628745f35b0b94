#include "service.hpp"
#include "web_session.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <openssl/crypto.h>

#include <kimflow/store/sqlite_store.hpp>
#if KIMFLOWD_POSTGRESQL
#include <kimflow/store/pg_store.hpp>
#endif
#include <sys/socket.h>

#include <kimflow/core/error_kind.hpp>
#include <kimflow/default_policy.hpp>
#include <kimflow/identity/stored_policy.hpp>

#include "handlers.hpp"
#include "problems.hpp"

namespace kimflowd {

using namespace kimflow;

namespace {

Timestamp now()
{
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The path of @p target split at '/', each segment percent-decoded on its own, so that an id
/// with a slash (`14%2F1923`) stays one segment. None if an escape is malformed.
std::optional<std::vector<std::string>> path_segments(const std::string& target)
{
    const std::string path = target.substr(0, target.find('?'));
    std::vector<std::string> out;
    std::size_t start = 1;
    if (path.empty() || path[0] != '/') return std::nullopt;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const std::string raw = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        std::string decoded;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '%') {
                decoded += raw[i];
                continue;
            }
            if (i + 2 >= raw.size()) return std::nullopt;
            const int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            decoded += static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        out.push_back(std::move(decoded));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return out;
}

std::vector<std::string> pattern_segments(const std::string& pattern)
{
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= pattern.size()) {
        const auto slash = pattern.find('/', start);
        out.push_back(pattern.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return out;
}

}  // namespace

Service::Service(Config config)
    : config_(std::move(config)), rate_(config_.rate_per_second, config_.rate_burst),
      logins_(config_.login_failures_per_account, config_.login_failures_per_address,
              std::chrono::seconds(config_.login_lock_seconds))
{
    if (!config_.public_keys.empty()) public_keys_ = audit::read_public_keys(config_.public_keys);
    if (!config_.signing_key.empty()) {
        signing_key_ = std::make_shared<const audit::SigningKey>(audit::SigningKey::load(config_.signing_key));
        public_keys_.push_back(signing_key_->public_key());
    }
    open_stores();
    if (signing_key_ && store_->checkpoints().empty()) {
        // Signing starts from a verified file, never by signing what someone wrote without the key.
        const ChainCheck chain = store_->verify_chain();
        if (chain.last_transition_seq || chain.last_denial_seq || chain.last_creation_seq)
            throw ConfigError("'" + db_name_ +
                              "' holds entries no signed checkpoint covers; check it with kimctl verify, then sign "
                              "its heads once: kimctl --db FILE --signing-key KEY audit sign");
    }
    if (auto stored = stored_policy(*store_)) {
        policy_ = std::make_shared<const Policy>(std::move(*stored));
        stored_policy_ = true;
    } else {
        policy_ = std::make_shared<const Policy>(default_policy());
    }
    EngineOptions engine_options;
    engine_options.policy = policy_;
    engine_options.max_payload_bytes = config_.max_body_bytes;
    const auto clock = std::make_shared<SystemClock>();
    papers_ = std::make_unique<paper::PaperEngine>(paper::PaperConfig{}, clock, store_, engine_options);
    cases_ = std::make_unique<kim::CaseEngine>(kim::CaseConfig{}, clock, store_, engine_options);
    resolutions_ = std::make_unique<resolution::ResolutionEngine>(*papers_, resolution::ResolutionConfig{}, clock,
                                                                  engine_options);
    web_secret_ = web::load_or_create_secret(*store_);
    accounts_ = std::make_unique<Accounts>(store_);
    account_reader_ = std::make_unique<Accounts>(reader_);
    committer_ = std::make_unique<Committer>(
        *store_,
        [this](Family family) { return family == Family::cases ? cases_->unit_of_work() : resolutions_->unit_of_work(); },
        metrics_, config_.max_batch, [this] {
            {
                std::lock_guard<std::mutex> lock(feed_mutex_);
                ++commits_;
            }
            feed_wake_.notify_all();
        });
    add_routes();
}

void Service::open_stores()
{
    const auto busy_timeout = std::chrono::milliseconds(config_.busy_timeout_ms);
    if (is_postgresql(config_.db)) {
#if KIMFLOWD_POSTGRESQL
        // Several nodes may serve one database: each writes under the database's write lock, and
        // its reads (tokens, may this caller read it, the feed) go through a second connection,
        // which does not wait for the writer.
        PgOptions options;
        options.busy_timeout = busy_timeout;
        options.signer = signing_key_;
        auto store = std::make_shared<PgStore>(config_.db, options);
        db_name_ = store->where();
        store_ = store;
        options.signer = nullptr;
        options.create = false;
        reader_ = std::make_shared<PgStore>(config_.db, options);
        schema_version_ = PgStore::schema_version;
        return;
#else
        throw ConfigError("db = " + config_.db + ": this kimflowd was built without PostgreSQL (KIMFLOW_BUILD_POSTGRESQL)");
#endif
    }
    SqliteOptions options;
    options.synchronous = config_.durability_full ? SqliteOptions::Synchronous::full : SqliteOptions::Synchronous::normal;
    options.busy_timeout = busy_timeout;
    options.signer = signing_key_;
    store_ = std::make_shared<SqliteStore>(config_.db, options);
    schema_version_ = SqliteStore::schema_version;
    db_name_ = config_.db;
    // Reads on request threads (tokens, may this caller read it, the feed) go through a
    // connection of their own: the writer's holds its lock from BEGIN to COMMIT, sync included,
    // and requests that wait for it cannot queue for the next group commit meanwhile.
    if (config_.db == ":memory:") {
        reader_ = store_;
    } else {
        SqliteOptions read;
        read.read_only = true;
        read.busy_timeout = busy_timeout;
        reader_ = std::make_shared<SqliteStore>(config_.db, read);
    }
}

Service::~Service()
{
    stop();
    if (ticker_.joinable()) ticker_.join();
}

void Service::add(std::string method, std::string pattern, bool authenticated, std::function<void(Call&)> handler)
{
    Route r{std::move(method), std::move(pattern), authenticated, std::move(handler)};
    r.segments = pattern_segments(r.pattern);
    routes_.push_back(std::move(r));
}

void Service::answer_problem(const Problem& p, const httplib::Request& req, httplib::Response& res) const
{
    nlohmann::json body{{"type", "urn:kimflow:problem:" + p.type},
                        {"title", p.title},
                        {"status", p.status},
                        {"detail", p.detail},
                        {"instance", req.target.substr(0, req.target.find('?'))}};
    if (p.extra.is_object()) body.update(p.extra);
    res.status = p.status;
    for (const auto& [name, value] : p.headers) res.set_header(name, value);
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                    "application/problem+json");
}

void Service::dispatch(const httplib::Request& req, httplib::Response& res)
{
    const auto started = std::chrono::steady_clock::now();
    std::string route_name = "(none)";
    try {
        std::size_t header_bytes = 0;
        for (const auto& [name, value] : req.headers) header_bytes += name.size() + value.size() + 4;
        if (header_bytes > config_.max_header_bytes)
            throw Problem{431, "headers-too-large", "Request headers too large",
                          "the request's headers take " + std::to_string(header_bytes) + " bytes; at most " +
                              std::to_string(config_.max_header_bytes) + " are taken"};
        int retry_after = 0;
        if (!rate_.take(client_address(req), retry_after)) {
            ++metrics_.rate_limited;
            throw Problem{429, "rate-limited", "Too many requests",
                          "this address sent more requests than kimflowd takes per second; wait and try again",
                          {{"retry_after", retry_after}},
                          {{"Retry-After", std::to_string(retry_after)}}};
        }
        const auto segments = path_segments(req.target);
        if (!segments)
            throw Problem{400, "malformed-path", "Malformed path", "the path has a malformed %-escape; encode it anew"};
        const Route* matched = nullptr;
        std::vector<std::string> params;
        std::string allow;
        for (const Route& r : routes_) {
            if (r.segments.size() != segments->size()) continue;
            std::vector<std::string> found;
            bool same = true;
            for (std::size_t i = 0; i < r.segments.size() && same; ++i) {
                const std::string& s = r.segments[i];
                if (s.size() > 2 && s.front() == '{' && s.back() == '}')
                    found.push_back((*segments)[i]);
                else
                    same = s == (*segments)[i];
            }
            if (!same) continue;
            // HEAD is GET without the body (cpp-httplib leaves the body out).
            if (r.method != req.method && !(req.method == "HEAD" && r.method == "GET")) {
                if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
                continue;
            }
            matched = &r;
            params = std::move(found);
            break;
        }
        if (!matched) {
            if (!allow.empty())
                throw Problem{405, "method-not-allowed", "Method not allowed",
                              req.method + " is not answered here; this path takes " + allow, {}, {{"Allow", allow}}};
            throw Problem{404, "no-such-route", "No such route",
                          "nothing is served at " + req.path + "; /api/v1/openapi.json lists the API"};
        }
        route_name = matched->pattern;
        Call call{req, res, std::move(params), std::nullopt, {}, {}};
        if (matched->authenticated) authenticate(call);
        matched->handler(call);
    } catch (const Problem& p) {
        answer_problem(p, req, res);
    } catch (...) {
        const auto error = std::current_exception();
        const Problem p = problem_of(error, metrics_);
        if (p.status >= 500) {
            // The answer says only that the log says why: here is why.
            std::string cause = p.detail;
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                cause = e.what();
            } catch (...) {
            }
            log_.error("request_failed", {{"method", req.method}, {"path", req.path}, {"status", p.status}, {"detail", cause}});
        }
        answer_problem(p, req, res);
    }
    metrics_.request(route_name, req.method, res.status,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

bool Service::trusted_proxy(const std::string& address) const
{
    return std::find(config_.trusted_proxies.begin(), config_.trusted_proxies.end(), address) !=
           config_.trusted_proxies.end();
}

std::string Service::client_address(const httplib::Request& req) const
{
    // Behind a trusted proxy every request comes from the proxy: the client is the last
    // address it added to X-Forwarded-For (earlier ones the client may have written itself).
    if (!trusted_proxy(req.remote_addr) || !req.has_header("X-Forwarded-For")) return req.remote_addr;
    const std::string chain = req.get_header_value("X-Forwarded-For");
    std::string last = chain.substr(chain.rfind(',') == std::string::npos ? 0 : chain.rfind(',') + 1);
    last.erase(0, last.find_first_not_of(' '));
    last.erase(last.find_last_not_of(' ') + 1);
    return last.empty() ? req.remote_addr : last;
}

void Service::authenticate(Call& call)
{
    const auto& req = call.req;
    if (req.has_header(config_.proxy_user_header.c_str())) {
        if (!trusted_proxy(req.remote_addr)) {
            log_.warn("proxy_header_refused", {{"address", req.remote_addr}, {"header", config_.proxy_user_header}});
            throw Problem{401, "untrusted-proxy-header", "Proxy header not trusted",
                          "the " + config_.proxy_user_header +
                              " header is taken only from the configured reverse proxy (trusted_proxy); "
                              "authenticate with 'Authorization: Bearer TOKEN' instead",
                          {},
                          {{"WWW-Authenticate", "Bearer realm=\"kimflow\""}}};
        }
        if (!config_.proxy_secret.empty()) {
            const std::string secret = req.get_header_value("X-Proxy-Secret");
            if (secret.size() != config_.proxy_secret.size() ||
                CRYPTO_memcmp(secret.data(), config_.proxy_secret.data(), secret.size()) != 0) {
                log_.warn("proxy_secret_wrong", {{"address", req.remote_addr}});
                throw Problem{401, "untrusted-proxy-header", "Proxy header not trusted",
                              "the " + config_.proxy_user_header +
                                  " header is taken only with the proxy's secret (proxy_secret); authenticate with "
                                  "'Authorization: Bearer TOKEN' instead",
                              {},
                              {{"WWW-Authenticate", "Bearer realm=\"kimflow\""}}};
            }
        }
        const std::string name = req.get_header_value(config_.proxy_user_header.c_str());
        auto account = account_reader_->find(name);
        if (!account || account->disabled) {
            log_.warn("proxy_user_unknown", {{"address", req.remote_addr}, {"account", name}});
            throw Problem{401, "unknown-account", "No such account",
                          "the proxy named '" + name + "', who has no enabled account here; an administrator adds "
                          "accounts with 'kimctl admin account add'",
                          {},
                          {{"WWW-Authenticate", "Bearer realm=\"kimflow\""}}};
        }
        call.account = std::move(account);
        call.via = "proxy";
        return;
    }
    const std::string authorization = req.get_header_value("Authorization");
    constexpr std::string_view bearer = "Bearer ";
    const bool has_bearer = authorization.compare(0, bearer.size(), bearer) == 0;
    // A web page's session, unless a bearer token came (another Authorization, e.g. a proxy's
    // Basic, does not hide the cookie).
    if (!has_bearer && web::has_session_cookie(req)) return authenticate_by_cookie(call);
    if (authorization.empty()) {
        throw Problem{401, "unauthenticated", "Authentication needed",
                      "send 'Authorization: Bearer TOKEN'; a token comes from POST /api/v1/session (name and "
                      "password) or from an administrator ('kimctl admin token create')",
                      {},
                      {{"WWW-Authenticate", "Bearer realm=\"kimflow\""}}};
    }
    if (!has_bearer)
        throw Problem{401, "unauthenticated", "Authentication needed",
                      "the Authorization header must be 'Bearer TOKEN'", {},
                      {{"WWW-Authenticate", "Bearer realm=\"kimflow\""}}};
    const std::string token = authorization.substr(bearer.size());
    auto checked = account_reader_->check_token_record(token, now());
    // A web page's token counts only as its cookie, with the idle timeout and the CSRF check.
    if (!checked || checked->second.kind == web::token_kind)
        throw Problem{401, "invalid-token", "Token not valid",
                      "the token is unknown, expired or revoked, or its account is disabled; log in again or ask "
                      "an administrator for a new token",
                      {},
                      {{"WWW-Authenticate", "Bearer realm=\"kimflow\", error=\"invalid_token\""}}};
    call.account = std::move(checked->first);
    call.via = "token";
    call.token = token;
}

void Service::run(const std::function<void(int)>& ready)
{
    if (!config_.tls_cert.empty() || !config_.tls_key.empty()) {
        if (config_.tls_cert.empty() || config_.tls_key.empty())
            throw ConfigError("TLS needs both tls_cert and tls_key (PEM files); give both, or neither to serve plain "
                              "HTTP behind a reverse proxy");
        server_ = std::make_unique<httplib::SSLServer>(config_.tls_cert.c_str(), config_.tls_key.c_str());
        if (!static_cast<httplib::SSLServer&>(*server_).is_valid())
            throw ConfigError("cannot load the TLS certificate '" + config_.tls_cert + "' or key '" + config_.tls_key +
                              "'; check that both are readable PEM files that belong together");
    } else {
        server_ = std::make_unique<httplib::Server>();
    }
    httplib::Server& s = *server_;
    const int threads = config_.threads;
    s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    s.set_payload_max_length(config_.max_body_bytes);
    s.set_read_timeout(config_.timeout_seconds, 0);
    s.set_write_timeout(config_.timeout_seconds, 0);
    // Answers go out as headers and body in two writes: without TCP_NODELAY the second waits for
    // the client's delayed ACK (40 ms on Linux) on every request of a kept-alive connection.
    s.set_tcp_nodelay(true);
    s.set_keep_alive_max_count(10000);
    s.set_keep_alive_timeout(config_.timeout_seconds);
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
    for (const char* pattern : {".*"}) {
        s.Get(pattern, handler);
        s.Post(pattern, handler);
        s.Put(pattern, handler);
        s.Delete(pattern, handler);
        s.Patch(pattern, handler);
        s.Options(pattern, handler);
    }
    // What the HTTP layer refuses before a handler runs (a body past the limit, a malformed
    // request) gets a problem document too.
    s.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (res.get_header_value("Content-Type") == "application/problem+json") return;
        if (res.status == 413)
            return answer_problem({413, "payload-too-large", "Request body too large",
                                   "the body is larger than the " + std::to_string(config_.max_body_bytes) +
                                       " bytes kimflowd takes (max_body_bytes)"},
                                  req, res);
        if (res.status == 414)
            return answer_problem({414, "uri-too-long", "URI too long", "the request's URI is too long"}, req, res);
        answer_problem({res.status, "bad-request", "Bad request", "the request is not well-formed HTTP (a POST needs a Content-Length header: 0 for no body)"}, req, res);
    });
    // cpp-httplib 0.11 listens with a backlog of 5: a burst of connecting clients overflows it.
    // The listening socket is taken here and listened on again, with the system's maximum.
    int listening = -1;
    s.set_socket_options([&listening](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listening = sock;
    });
    const int port = config_.port == 0 ? s.bind_to_any_port(config_.host) : (s.bind_to_port(config_.host, config_.port) ? config_.port : -1);
    if (port < 0)
        throw ConfigError("cannot listen on " + config_.host + ":" + std::to_string(config_.port) +
                          "; is the address this machine's, and the port free?");
    if (listening >= 0) ::listen(listening, SOMAXCONN);
    ticker_ = std::thread([this] { tick_loop(); });
    if (!config_.trusted_proxies.empty() && config_.proxy_secret.empty())
        log_.warn("proxy_without_secret", {{"detail", "every process that can connect from a trusted_proxy address can "
                                                      "name any account in " + config_.proxy_user_header +
                                                      "; set proxy_secret and have the proxy send it"}});
    log_.info("listening", {{"address", config_.host + ":" + std::to_string(port)},
                            {"tls", !config_.tls_cert.empty()},
                            {"db", config_.db},
                            {"durability", config_.durability_full ? "full" : "normal"},
                            {"policy", stored_policy_ ? "stored" : "default"}});
    ready(port);
    if (!stopping_) s.listen_after_bind();
    // Requests in flight have been answered (the worker pool drains before listen returns).
    committer_->stop();
    if (!stopping_) {
        // Not stopped by a signal: accepting connections failed. Say so, and end non-zero so
        // that a supervisor restarts it.
        log_.error("listening_failed", {{"detail", std::string("accepting connections failed: ") + std::strerror(errno)}});
        throw ListenFailed("kimflowd stopped accepting connections (" + std::string(std::strerror(errno)) + ")");
    }
    log_.info("stopped");
}

void Service::stop()
{
    if (stopping_.exchange(true)) return;
    {
        std::lock_guard<std::mutex> lock(feed_mutex_);
        ++commits_;
    }
    feed_wake_.notify_all();
    {
        std::lock_guard<std::mutex> lock(tick_mutex_);
    }
    tick_wake_.notify_all();
    if (server_) server_->stop();
}

void Service::tick_loop()
{
    std::unique_lock<std::mutex> lock(tick_mutex_);
    while (!stopping_) {
        // Without ticks it still wakes now and then to sweep what has expired.
        tick_wake_.wait_for(lock, std::chrono::seconds(config_.tick_seconds > 0 ? config_.tick_seconds : 60),
                            [&] { return stopping_.load(); });
        if (stopping_) break;
        lock.unlock();
        try {
            sweep_idempotency();
        } catch (const std::exception& e) {
            log_.error("sweep_failed", {{"detail", e.what()}});
        }
        if (config_.tick_seconds <= 0) {
            lock.lock();
            continue;
        }
        try {
            const Timestamp until = now();
            std::size_t fired = 0, refused = 0;
            for (const TickReport& r : {cases_->tick(until), papers_->tick(until), resolutions_->tick(until)}) {
                fired += r.fired.size();
                refused += r.refused.size();
            }
            ++metrics_.ticks;
            metrics_.tick_firings += fired;
            if (fired > 0) {
                {
                    std::lock_guard<std::mutex> feed(feed_mutex_);
                    ++commits_;
                }
                feed_wake_.notify_all();
            }
            if (fired > 0 || refused > 0) log_.info("tick", {{"fired", fired}, {"refused", refused}});
        } catch (const std::exception& e) {
            log_.error("tick_failed", {{"detail", e.what()}});
        }
        lock.lock();
    }
}

void Service::sweep_idempotency()
{
    // Once an hour: the records of Idempotency-Keys older than idempotency_hours go.
    const auto at = std::chrono::steady_clock::now();
    if (last_sweep_ && at - *last_sweep_ < std::chrono::hours(1)) return;
    last_sweep_ = at;
    const Timestamp cutoff = now() - std::chrono::hours(config_.idempotency_hours);
    std::size_t removed = 0;
    for (const auto& [key, value] : store_->settings("idem/")) {
        const auto record = nlohmann::json::parse(value, nullptr, false);
        if (record.is_discarded() || !record.contains("at")) continue;
        if (parse_timestamp(record["at"].get<std::string>()) < cutoff) {
            store_->erase_setting(key);
            ++removed;
        }
    }
    // Tokens a day past their expiry or revocation are no use to anyone: their records go too.
    const Timestamp day_ago = now() - std::chrono::hours(24);
    std::size_t tokens = 0;
    for (const auto& [key, value] : store_->settings("token/")) {
        const auto record = nlohmann::json::parse(value, nullptr, false);
        if (record.is_discarded() || !record.contains("expires_at")) continue;
        const Timestamp expired = parse_timestamp(record["expires_at"].get<std::string>());
        const bool revoked = record.contains("revoked_at") && parse_timestamp(record["revoked_at"].get<std::string>()) < day_ago;
        if (expired < day_ago || revoked) {
            store_->erase_setting(key);
            ++tokens;
        }
    }
    if (removed > 0 || tokens > 0) log_.info("expired_records_removed", {{"idempotency_keys", removed}, {"tokens", tokens}});
}

}  // namespace kimflowd
