// kimctl's shared state: the global options, the database and the engines on it, and how
// results are printed.
#pragma once

#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <kimflow/core/clock.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
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
};

/// A mistake on the command line that the parser cannot see (exit code 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A failure that is not the user's input nor the database (exit code 1).
class ToolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The global options.
struct Options {
    std::string db;
    std::string actor;
    std::string role;
    std::string organization;
    std::string at;
    bool json = false;
};

/// The defaults of the global options: `$KIMFLOW_DB` or `kimflow.db`; the login name.
std::string default_db();
std::string default_actor();

/// What every command works with. The database opens on first use.
class Context {
public:
    explicit Context(Options options);

    const Options& options() const { return options_; }
    bool json() const { return options_.json; }
    /// --at, or the system time when the command started.
    kimflow::Timestamp now() const;
    /// --as / --role / --org.
    kimflow::Actor actor() const;

    /// The database. @p create: make a new file if there is none (only `init` does).
    /// @throws kimflow::StoreError if it cannot be opened, also for a missing file (the
    ///         message says to run `kimctl init`)
    kimflow::SqliteStore& store(bool create = false);
    std::shared_ptr<kimflow::SqliteStore> store_ptr(bool create = false);
    /// The clock the engines run on: set to now(); import moves it to the data's times.
    kimflow::ManualClock& clock() { return *clock_; }

    kimflow::paper::PaperEngine& papers();
    kimflow::kim::CaseEngine& cases();

    /// Prints @p j on stdout (pretty, with a final newline).
    void print(const nlohmann::json& j) const;
    /// Prints @p text on stdout, or writes it to @p path if one is given.
    void emit(const std::string& text, const std::string& path) const;

private:
    Options options_;
    kimflow::Timestamp now_;
    std::shared_ptr<kimflow::ManualClock> clock_;
    std::shared_ptr<kimflow::SqliteStore> store_;
    std::unique_ptr<kimflow::paper::PaperEngine> papers_;
    std::unique_ptr<kimflow::kim::CaseEngine> cases_;
};

/// "paper" or "case" as given on the command line (checked by the parser).
enum class Kind { paper, kim_case };
Kind kind_of(const std::string& word);

}  // namespace kimctl
