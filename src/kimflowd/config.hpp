// kimflowd's settings: the command line over the configuration file over the defaults.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace kimflowd {

/// A mistake in the command line or the configuration file: kimflowd says what and exits 2.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Config {
    /// The configuration file read, if any (named in messages).
    std::string path;
    /// The database (`db`): a SQLite file, or a PostgreSQL database as a `postgresql://` URI.
    std::string db;
    /// Where to listen (`listen = HOST:PORT`); port 0 takes a free one, which the log names.
    std::string host = "127.0.0.1";
    int port = 8080;
    /// `durability = full|normal` (SqliteOptions::Synchronous): full by default.
    bool durability_full = true;
    /// How long a write waits for another writer of the database (`busy_timeout_ms`), before
    /// the request is answered 503 with Retry-After.
    int busy_timeout_ms = 5000;
    /// TLS built in (`tls_cert`, `tls_key`, PEM files); both empty: plain HTTP, for a reverse
    /// proxy that terminates TLS in front of it.
    std::string tls_cert;
    std::string tls_key;
    /// The key that signs the audit trail's checkpoints at each commit (`signing_key`, made by
    /// `kimctl admin key init`; readable only by kimflowd's user). Empty: none, and a database
    /// whose trail is signed refuses writes.
    std::string signing_key;
    /// Further public keys the verify endpoint checks checkpoints with (`public_keys`): the keys
    /// before a rotation. The signing key's own public half is always among them.
    std::string public_keys;
    /// Addresses whose requests may name the user in proxy_user_header (`trusted_proxy`, one
    /// or more, comma-separated); empty: the header is refused from everyone.
    std::vector<std::string> trusted_proxies;
    /// The header a trusted proxy names the authenticated account in (`proxy_user_header`).
    std::string proxy_user_header = "X-Remote-User";
    /// A secret the proxy sends in `X-Proxy-Secret` beside the user header (`proxy_secret`):
    /// then another process on the proxy's address cannot name a user. Empty: not required.
    std::string proxy_secret;
    /// Limits (`max_body_bytes`, `max_header_bytes`, `timeout_seconds`).
    std::size_t max_body_bytes = 1 << 20;
    std::size_t max_header_bytes = 16 * 1024;
    int timeout_seconds = 10;
    /// Requests per second per client address, and the burst above it (`rate_per_second`,
    /// `rate_burst`); 0: no limit.
    double rate_per_second = 200;
    double rate_burst = 400;
    /// Worker threads (`threads`): each serves one connection at a time.
    int threads = 64;
    /// At most this many event streams at once (`max_streams`); they hold a thread each.
    int max_streams = 16;
    /// How long a login's token lives (`session_hours`).
    int session_hours = 8;
    /// A web page's session ends after this many seconds without a request
    /// (`session_idle_seconds`, 30 minutes by default); API tokens have no idle limit.
    int session_idle_seconds = 1800;
    /// How often the deadline tick runs (`tick_seconds`); 0: never.
    int tick_seconds = 60;
    /// At most this many writes in one commit (`max_batch`).
    std::size_t max_batch = 512;
    /// Failed logins before an account, or an address, must wait (`login_failures_per_account`,
    /// `login_failures_per_address`), and for how long (`login_lock_seconds`).
    int login_failures_per_account = 5;
    int login_failures_per_address = 20;
    int login_lock_seconds = 900;
    /// How long an Idempotency-Key is remembered (`idempotency_hours`).
    int idempotency_hours = 24;
};

/// Reads `key = value` lines (`#` starts a comment) from @p path into @p config.
/// @throws ConfigError naming the file and line
void read_config_file(const std::string& path, Config& config);

/// Whether @p db names a PostgreSQL database (a `postgresql://` or `postgres://` URI) rather
/// than a SQLite file.
bool is_postgresql(const std::string& db);

/// Sets `listen` from "HOST:PORT". @throws ConfigError
void set_listen(Config& config, const std::string& value);

}  // namespace kimflowd
