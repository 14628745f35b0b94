// kimctl's shared state: the global options, the database and the engines on it, and how
// results are printed.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <kimflow/core/clock.hpp>
#include <kimflow/core/policy.hpp>
#include <kimflow/default_policy.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/resolution/resolution_engine.hpp>
#include <kimflow/store/sqlite_store.hpp>

namespace kimctl {

/// Exit codes, as the README documents them.
enum Exit : int {
    ok = 0,
    failure = 1,          ///< anything else (e.g. Graphviz missing, a file not writable)
    usage = 2,            ///< bad command line, bad field value, bad input file
    rejected = 3,         ///< event not allowed now, or a guard said no; nothing changed
    not_found = 4,        ///< no such paper or case
    version_conflict = 5, ///< --expect-version did not match
    storage = 6,          ///< the database cannot be opened, read or written, or `verify` found it unsound
    not_permitted = 7,    ///< the policy does not let the actor do this; nothing changed, the refusal is logged
    partial = 8,          ///< an import or sync took the good objects and left out others (see its report)
};

/// The role that may still act through kimctl on an administered database (Context::administered):
/// the people who run the server.
inline constexpr const char* kAdministratorRole = "administrator";

/// A mistake on the command line that the parser cannot see (exit code 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Refused before anything was tried (exit code 7): the database keeps accounts or a policy of
/// its own, and the command line (or the configuration file) asserted who acts or what they may
/// do. Not logged as a denial: no actor was checked against the policy.
class LocalRefusal : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A failure that is not the user's input nor the database (exit code 1).
class ToolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The global options as given on the command line; empty: not given.
struct Flags {
    std::string config;
    std::string db;
    std::string actor;
    std::string role;
    std::string organization;
    std::string policy;
    /// --signing-key FILE.
    std::string signing_key;
    /// --server URL; `server_given` tells an empty --server (work on the file) from none.
    std::string server;
    bool server_given = false;
};

/// The global options, once the command line, the environment and the configuration file
/// (config.hpp) are taken together.
struct Options {
    std::string db;
    /// Who acts; empty when neither the flags nor the configuration file say.
    std::string actor;
    std::string role;
    std::string organization;
    /// The policy file; empty: default_policy().
    std::string policy;
    /// The configuration file read, if any (named in messages).
    std::string config;
    /// Whether the actor and the policy came from the configuration file rather than a flag
    /// (named in a refusal, so that the user knows which line to remove).
    bool actor_from_config = false;
    bool policy_from_config = false;
    std::string at;
    bool json = false;

    /// kimflowd's URL, from --server, else `$KIMFLOW_SERVER`, else the configuration's `server`;
    /// empty: kimctl works on the database file.
    std::string server;
    /// Where `server` came from (`--server`, `$KIMFLOW_SERVER`, `server in FILE`), for messages.
    std::string server_from;
    /// The API token, from `$KIMFLOW_TOKEN`, else the configuration's `token` (never a flag: a
    /// command line is seen by every user of the machine).
    std::string token;
    /// Where `token` came from, for messages.
    std::string token_from;
    /// The key that signs the audit trail's checkpoints when this run writes (kimflow/audit/):
    /// --signing-key, else `$KIMFLOW_SIGNING_KEY`; empty: none (a signed database then refuses
    /// writes).
    std::string signing_key;
    /// The CA file for the server's certificate: `$KIMFLOW_CA_FILE`, else the configuration's
    /// `ca_file`; empty: the system's CA store.
    std::string ca_file;
    /// What was given that says who acts or where the file is: the command-line options
    /// (`--as`, `--db` …) and the configuration's keys (`as in FILE` …); refused with a server.
    std::vector<std::string> local_only;
};

/// Each option from its flag, else (the database) `$KIMFLOW_DB`, else the configuration file,
/// else its default (`kimflow.db`; no actor; the default policy).
/// @throws UsageError for a configuration file that is missing or malformed
Options resolve(const Flags& flags, std::string at, bool json);

/// What every command works with. The database opens on first use.
class Context {
public:
    explicit Context(Options options);

    const Options& options() const { return options_; }
    bool json() const { return options_.json; }
    /// Whether the command goes to kimflowd (remote_commands.hpp) rather than to the file.
    bool remote() const { return !options_.server.empty(); }
    /// --at, or the system time when the command started.
    kimflow::Timestamp now() const;
    /// --as / --role / --org, or the configuration file's `as`, `role`, `org`.
    /// @throws UsageError if neither says who acts, or in which role
    /// @throws LocalRefusal for a role other than `administrator` on an administered() database
    kimflow::Actor actor();
    /// The policy every engine checks: the database's stored policy if it keeps one, else the
    /// policy file's, else default_policy().
    /// @throws UsageError if the policy file cannot be read or is malformed
    /// @throws LocalRefusal for a policy file on an administered() database
    std::shared_ptr<const kimflow::Policy> policy();
    /// Whether the database keeps accounts or a policy of its own (kimflow::Accounts,
    /// kimflow/identity/stored_policy.hpp): then kimctl no longer takes the caller's word for
    /// who they are or what they may do; people work through kimflowd, and only an
    /// administrator on the server acts here. False while there is no database file.
    bool administered();

    /// The database. @p create: make a new file if there is none, or fill an empty one (only
    /// `init` does). Without it, a file this process may not write (or in a folder or on a
    /// mount it may not write) opens read-only: reads and `verify` work, writes give
    /// kimflow::StoreReadOnly.
    /// @throws kimflow::StoreError if it cannot be opened, also for a missing or empty file (the
    ///         message says to run `kimctl init`)
    kimflow::SqliteStore& store(bool create = false);
    std::shared_ptr<kimflow::SqliteStore> store_ptr(bool create = false);
    /// The time fires and creations are recorded at: `--at`, if given (a time before an
    /// instance's last transition is refused); none: now.
    std::optional<kimflow::Timestamp> recorded_at() const;

    kimflow::paper::PaperEngine& papers();
    kimflow::kim::CaseEngine& cases();
    /// The resolutions (Beschlusskontrolle), beside papers() on the same database.
    kimflow::resolution::ResolutionEngine& resolutions();

    /// Prints @p j on stdout (pretty, with a final newline).
    void print(const nlohmann::json& j) const;
    /// Prints @p text on stdout, or writes it to @p path if one is given.
    void emit(const std::string& text, const std::string& path) const;

private:
    kimflow::EngineOptions engine_options();

    Options options_;
    kimflow::Timestamp now_;
    /// Reads now() for the whole run: guards and queries see the time `--at` gives.
    std::shared_ptr<kimflow::ManualClock> clock_;
    std::shared_ptr<kimflow::SqliteStore> store_;
    std::shared_ptr<const kimflow::Policy> policy_;
    /// What administered() found, once it looked: accounts, a stored policy.
    struct Administration {
        bool accounts = false;
        bool policy = false;
    };
    std::optional<Administration> administration_;
    Administration administration();
    std::unique_ptr<kimflow::paper::PaperEngine> papers_;
    std::unique_ptr<kimflow::kim::CaseEngine> cases_;
    std::unique_ptr<kimflow::resolution::ResolutionEngine> resolutions_;
};

/// The whole of file @p path (an import, vocabulary or rules file).
/// @throws UsageError naming the file if it cannot be read
std::string read_file(const std::string& path);

/// "paper", "case" or "resolution" as given on the command line (checked by the parser).
enum class Kind { paper, kim_case, resolution };
Kind kind_of(const std::string& word);

}  // namespace kimctl
