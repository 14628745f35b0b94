// kimflowd's service: the store and engines, who may come in, the routes and the server.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <kimflow/audit/signing.hpp>
#include <kimflow/core/actor.hpp>
#include <kimflow/core/policy.hpp>
#include <kimflow/identity/accounts.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/resolution/resolution_engine.hpp>
#include <kimflow/store/store.hpp>

#include "committer.hpp"
#include "config.hpp"
#include "limits.hpp"
#include "log.hpp"
#include "metrics.hpp"

namespace kimflowd {

struct Handlers;

/// Accepting connections failed while no one had asked the service to stop.
struct ListenFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// An answer other than success, as RFC 9457 describes it; thrown by handlers.
struct Problem {
    int status;
    /// Stable identifier (urn:kimflow:problem:TYPE).
    std::string type;
    std::string title;
    std::string detail;
    /// Further members (e.g. `retry_after`) and headers to send.
    nlohmann::json extra = nlohmann::json::object();
    std::vector<std::pair<std::string, std::string>> headers{};
};

/// One request on its way through a handler.
struct Call {
    const httplib::Request& req;
    httplib::Response& res;
    /// The route's `{…}` parts, decoded.
    std::vector<std::string> params;
    /// The account that called (none for the open routes).
    std::optional<kimflow::Account> account;
    /// How it proved who it is (`token`, `proxy`).
    std::string via;
    /// The token, if it came with one.
    std::string token;
    const kimflow::Actor& actor() const { return account->actor; }
};

struct Route {
    std::string method;
    /// `/api/v1/cases/{id}`: literal segments and `{name}` parameters.
    std::string pattern;
    /// Whether it needs an account.
    bool authenticated;
    std::function<void(Call&)> handler;
    std::vector<std::string> segments{};
};

class Service {
public:
    explicit Service(Config config);
    ~Service();

    /// Binds the address (throws ConfigError if it cannot), then serves until stop().
    /// @param ready  called with the bound port before serving starts
    void run(const std::function<void(int)>& ready);
    /// Stops taking connections, lets the requests in flight finish, and returns from run().
    void stop();

    /// Every route, in the order they are matched (for `kimflowd --routes` and the tests).
    const std::vector<Route>& routes() const { return routes_; }

private:
    friend struct Handlers;
    void add_routes();
    /// Opens the writer's store and the readers' (SQLite file or PostgreSQL database, by db).
    void open_stores();
    void add(std::string method, std::string pattern, bool authenticated, std::function<void(Call&)> handler);
    void dispatch(const httplib::Request& req, httplib::Response& res);
    void authenticate(Call& call);
    /// The web pages' way in (web_routes.cpp): the session cookie, not idle too long, with the
    /// CSRF token on every write; refreshes the activity stamp.
    void authenticate_by_cookie(Call& call);
    /// Whether the request came over TLS (built in, or at a trusted proxy that says so).
    bool over_tls(const httplib::Request& req) const;
    bool trusted_proxy(const std::string& address) const;
    /// The client's address: the peer's, or behind a trusted proxy the one it forwarded.
    std::string client_address(const httplib::Request& req) const;
    void answer_problem(const Problem& p, const httplib::Request& req, httplib::Response& res) const;
    void tick_loop();
    void sweep_idempotency();

    Config config_;
    Log log_;
    Metrics metrics_;
    std::shared_ptr<kimflow::Store> store_;
    /// The key that signs each commit's checkpoint (`signing_key`), if one is set; the public
    /// keys verify checks with: its own, and those of `public_keys` (earlier keys after a rotation).
    std::shared_ptr<const kimflow::audit::SigningKey> signing_key_;
    std::vector<kimflow::audit::PublicKey> public_keys_;
    std::shared_ptr<const kimflow::Policy> policy_;
    bool stored_policy_ = false;
    std::unique_ptr<kimflow::paper::PaperEngine> papers_;
    std::unique_ptr<kimflow::kim::CaseEngine> cases_;
    std::unique_ptr<kimflow::resolution::ResolutionEngine> resolutions_;
    std::unique_ptr<kimflow::Accounts> accounts_;
    /// A read-only connection to the same file, for the reads of request threads.
    std::shared_ptr<kimflow::Store> reader_;
    /// The store's schema version (/readyz), and its name for messages (no password).
    int schema_version_ = 0;
    std::string db_name_;
    std::unique_ptr<kimflow::Accounts> account_reader_;
    /// Signs the web sessions' activity stamps and derives their CSRF tokens (web_session.hpp).
    std::string web_secret_;
    std::unique_ptr<Committer> committer_;
    RateLimiter rate_;
    LoginThrottle logins_;
    std::vector<Route> routes_;
    /// What the routes' handlers share; lives as long as the routes.
    std::unique_ptr<Handlers> handlers_;
    std::unique_ptr<httplib::Server> server_;

    // The event feed: readers wait here for the next commit.
    std::mutex feed_mutex_;
    std::condition_variable feed_wake_;
    std::uint64_t commits_ = 0;
    std::atomic<bool> stopping_{false};

    std::optional<std::chrono::steady_clock::time_point> last_sweep_;
    // At most this many Argon2 checks at once (19 MiB each): a burst of logins cannot take every
    // worker and the memory.
    std::mutex argon_mutex_;
    std::condition_variable argon_free_;
    int argon_running_ = 0;
    std::thread ticker_;
    std::mutex tick_mutex_;
    std::condition_variable tick_wake_;
};

}  // namespace kimflowd
