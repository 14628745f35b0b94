// kimctl store copy: a whole database, from a SQLite file to a PostgreSQL database or back, with
// every row as it is stored (hashes, seqs and signed checkpoints included), and both sides
// verified afterwards.
#include <iostream>
#include <memory>

#include <kimflow/store/sqlite_store.hpp>
#if KIMCTL_POSTGRESQL
#include <kimflow/store/pg_store.hpp>
#endif

#include "commands.hpp"
#include "store_commands.hpp"

namespace kimctl {

using namespace kimflow;

namespace {

bool is_postgresql(const std::string& where)
{
    return where.rfind("postgresql://", 0) == 0 || where.rfind("postgres://", 0) == 0;
}

/// One side of a copy: a SQLite file or a PostgreSQL database.
struct Side {
    std::shared_ptr<SqliteStore> sqlite;
#if KIMCTL_POSTGRESQL
    std::shared_ptr<PgStore> postgresql;
#endif
    std::string name;

    Store& store()
    {
#if KIMCTL_POSTGRESQL
        if (postgresql) return *postgresql;
#endif
        return *sqlite;
    }
    void export_rows(RowSink& sink)
    {
#if KIMCTL_POSTGRESQL
        if (postgresql) return postgresql->export_rows(sink);
#endif
        sqlite->export_rows(sink);
    }
    std::unique_ptr<RowSink> import_rows()
    {
#if KIMCTL_POSTGRESQL
        if (postgresql) return postgresql->import_rows();
#endif
        return sqlite->import_rows();
    }
};

/// Opens @p where: the source must hold a kimflow store; the destination is created if need be.
Side open_side(const std::string& where, bool source)
{
    Side side;
    if (is_postgresql(where)) {
#if KIMCTL_POSTGRESQL
        PgOptions options;
        options.create = !source;
        side.postgresql = std::make_shared<PgStore>(where, options);
        side.name = side.postgresql->where();
        return side;
#else
        throw UsageError(where + ": this kimctl was built without PostgreSQL (KIMFLOW_BUILD_POSTGRESQL)");
#endif
    }
    SqliteOptions options;
    options.create = !source;
    options.read_only = source;
    side.sqlite = std::make_shared<SqliteStore>(where, options);
    side.name = where;
    return side;
}

/// Passes every row on and counts them.
class CountingSink final : public RowSink {
public:
    explicit CountingSink(RowSink& to) : to_(to) {}
    void instance(const StoredInstance& row) override { ++instances, to_.instance(row); }
    void transition(const StoredLogEntry& row) override { ++transitions, to_.transition(row); }
    void denial(const StoredDenialEntry& row) override { ++denials, to_.denial(row); }
    void creation(const StoredCreationEntry& row) override { ++creations, to_.creation(row); }
    void checkpoint(const Checkpoint& row) override { ++checkpoints, to_.checkpoint(row); }
    void setting(const std::string& key, const std::string& value) override { ++settings, to_.setting(key, value); }
    void finish() override { to_.finish(); }

    std::uint64_t instances = 0, transitions = 0, denials = 0, creations = 0, checkpoints = 0, settings = 0;

private:
    RowSink& to_;
};

std::string break_text(const ChainCheck& check)
{
    if (check.first_break) return check.first_break->log + " entry " + std::to_string(check.first_break->position) +
                                  ": " + check.first_break->problem;
    return "row " + check.rows.front().lifecycle + " " + check.rows.front().id + ", column " + check.rows.front().column +
           " differs from what its log chained";
}

bool same_heads(const ChainCheck& a, const ChainCheck& b)
{
    return a.transition_head == b.transition_head && a.denial_head == b.denial_head &&
           a.creation_head == b.creation_head && a.last_transition_seq == b.last_transition_seq &&
           a.last_denial_seq == b.last_denial_seq && a.last_creation_seq == b.last_creation_seq;
}

int store_copy(Context& ctx, const std::string& from, const std::string& to)
{
    if (from == to) throw UsageError("--from and --to name the same database");
    Side source = open_side(from, true);
    // A copy of a broken trail would carry the break on as if it were the original's.
    const ChainCheck before = source.store().verify_chain();
    if (!before.ok()) {
        std::cerr << "kimctl: '" << source.name << "' does not verify (" << break_text(before)
                  << "); nothing was copied. Run kimctl verify on it, and copy a backup that verifies\n";
        return Exit::storage;
    }
    Side destination = open_side(to, false);
    std::unique_ptr<RowSink> sink = destination.import_rows();
    CountingSink counted(*sink);
    source.export_rows(counted);
    counted.finish();

    const ChainCheck after = destination.store().verify_chain();
    const std::size_t checkpoints = destination.store().checkpoints().size();
    const bool ok = after.ok() && same_heads(before, after) && checkpoints == counted.checkpoints;
    if (ctx.json()) {
        ctx.print({{"from", source.name},
                   {"to", destination.name},
                   {"ok", ok},
                   {"instances", counted.instances},
                   {"transitions", counted.transitions},
                   {"denials", counted.denials},
                   {"creations", counted.creations},
                   {"checkpoints", counted.checkpoints},
                   {"settings", counted.settings},
                   {"transition_head", after.transition_head},
                   {"denial_head", after.denial_head},
                   {"creation_head", after.creation_head}});
    } else {
        std::cout << "Kopiert von " << source.name << " nach " << destination.name << ": " << counted.instances
                  << " Instanzen, " << counted.transitions << " Übergänge, " << counted.denials << " Ablehnungen, "
                  << counted.creations << " Anlagen, " << counted.checkpoints << " signierte Prüfpunkte, "
                  << counted.settings << " Einstellungen\n";
        if (ok)
            std::cout << "Beide Seiten geprüft: die Hash-Ketten sind unversehrt und enden gleich (Übergänge "
                      << after.transition_head << ")\n";
    }
    if (ok) return Exit::ok;
    std::cerr << "kimctl: the copy in '" << destination.name << "' does not verify as its source does ("
              << (after.ok() ? "other heads or checkpoints" : break_text(after))
              << "); do not use it, and report this as a bug\n";
    return Exit::storage;
}

}  // namespace

void add_store_commands(CLI::App& app, const std::function<void(std::function<int(Context&)>)>& choose)
{
    auto paths = std::make_shared<std::pair<std::string, std::string>>();
    auto* store_cmd = app.add_subcommand("store", "The database as a whole");
    store_cmd->require_subcommand(1);
    auto* copy = store_cmd->add_subcommand(
        "copy", "Copy a whole database, every row with its hashes and signed checkpoints, from a SQLite file to a "
                "PostgreSQL database (postgresql://…) or back, into an empty one; both sides are verified");
    copy->add_option("--from", paths->first, "The database to copy (a file, or postgresql://…); it must verify")->required();
    copy->add_option("--to", paths->second, "The empty database to copy into (created if it is a missing file)")
        ->required();
    copy->callback([paths, choose] {
        choose([paths](Context& ctx) { return store_copy(ctx, paths->first, paths->second); });
    });
}

}  // namespace kimctl
