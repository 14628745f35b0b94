/// @file
/// kimflow::PgStore: a Store in a PostgreSQL database, shared by several hosts (kimflowd nodes,
/// kimctl) of a Kreis. Link kimflow::postgresql; libpq stays out of this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kimflow/store/rows.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow {

/// The database server cannot be reached (down, restarting, or the connection was lost). A
/// StoreBusy, so that hosts that retry a busy store retry this too; the next call reconnects. A
/// commit whose answer was lost with the connection may or may not have happened: retry with the
/// same idempotency key, or read the instance's version.
class StoreUnavailable : public StoreBusy {
public:
    /// Takes the message and the backend's error code, as StoreError does.
    using StoreBusy::StoreBusy;
};

/// How PgStore connects.
struct PgOptions {
    /// Create kimflow's tables if the database has none. False: use only a database that holds
    /// them (an empty one gives NotAKimflowDatabase), so that a mistyped database name does not
    /// quietly become a new, empty store; an older schema is still migrated.
    bool create = true;
    /// How long a writer waits for the write lock (another node's transaction) before StoreBusy.
    std::chrono::milliseconds busy_timeout{5000};
    /// How long connecting may take before StoreUnavailable.
    std::chrono::seconds connect_timeout{5};
    /// Signs the audit trail's heads at every commit that extends a log, as
    /// SqliteOptions::signer does for a file.
    std::shared_ptr<const CheckpointSigner> signer{};
};

/// A Store in a PostgreSQL database (15 or later), through libpq. Several PgStore objects, in
/// one process or on several machines, may share one database: each write transaction holds a
/// database-wide lock (a transaction-level advisory lock) from its start to its commit, so that
/// writes are serialised as in a SQLite file, the logs' seqs follow commit order without gaps
/// (the event feed's cursor is global), and each entry's hash chains the one committed before
/// it. Reads do not wait for writers. change_counter() reads a counter that every write
/// transaction moves, so an engine's copies in memory stay correct when another node writes.
/// Values are stored as in SqliteStore (times in microseconds, payloads as bytes), so that
/// `kimctl store copy` moves a database between the two unchanged.
class PgStore final : public Store {
public:
    /// The schema version of kimflow's tables in PostgreSQL (table kimflow_meta).
    static constexpr int schema_version = 1;

    /// Connects to @p connection (a libpq connection string or `postgresql://` URI) and
    /// creates or migrates kimflow's tables.
    /// @throws StoreUnavailable, NotAKimflowDatabase, SchemaTooNew, StoreError
    explicit PgStore(const std::string& connection, PgOptions options = {});
    ~PgStore() override;
    PgStore(const PgStore&) = delete;
    PgStore& operator=(const PgStore&) = delete;

    std::optional<StoredInstance> load(std::string_view lifecycle, std::string_view id) override;
    std::optional<std::uint64_t> version(std::string_view lifecycle, std::string_view id) override;
    void insert(const StoredInstance& instance) override;
    using Store::append;
    void append(const StoredInstance& after, const StoredTransition& transition) override;
    std::vector<StoredTransition> history(std::string_view lifecycle, std::string_view id) override;
    std::vector<std::string> find(const InstanceQuery& query) override;
    std::uint64_t count(std::string_view lifecycle) override;
    void log_denial(const StoredDenial& denial) override;
    std::vector<StoredDenial> denials(std::string_view lifecycle, std::string_view id = {}) override;
    void erase(const StoredInstance& erased, const std::vector<ErasedEntry>& entries,
               const StoredTransition& record) override;
    /// Rewrites the tables that held erased values (VACUUM FULL of the transition and instance
    /// tables), so that no old row version keeps them in the table files; docs/postgresql.md says
    /// what the server's WAL and backups keep.
    /// @throws StoreError inside a transaction
    void scrub() override;
    using Store::verify_chain;
    ChainCheck verify_chain(const std::vector<Checkpoint>& witnessed) override;
    std::vector<Checkpoint> checkpoints() override;
    /// Writes a signed checkpoint of the logs as they stand now (SqliteStore::sign_heads).
    /// @throws StoreError without a signer
    void sign_heads();
    std::optional<std::string> setting(std::string_view key) override;
    void put_setting(std::string_view key, std::string_view value) override;
    std::vector<std::pair<std::string, std::string>> settings(std::string_view prefix) override;
    void erase_setting(std::string_view key) override;
    std::vector<LoggedTransition> log_after(std::uint64_t seq, std::size_t limit) override;
    void set_timer(std::string_view lifecycle, std::string_view id, std::uint64_t version,
                   std::optional<Timestamp> at) override;
    void reset_timers(std::string_view lifecycle) override;
    /// The database's write counter (moved by every write transaction of every node) plus this
    /// object's rollbacks; outside a transaction each call asks the server.
    std::optional<std::uint64_t> change_counter() override;
    void begin() override;
    void commit() override;
    void rollback() override;

    /// Every lifecycle that has instances in the database, with how many, sorted by name.
    std::vector<std::pair<std::string, std::uint64_t>> lifecycles();

    /// PostgreSQL's plan for @p sql (EXPLAIN, one line per row), to check that queries use
    /// indexes. Parameters ($1 …) are planned as unknown values.
    std::vector<std::string> explain(const std::string& sql);

    /// The SQL find() runs for @p query (for explain()).
    static std::string find_sql(const InstanceQuery& query);

    /// Every row as stored, hashes and seqs included, into @p sink, read in one snapshot: the
    /// source of `kimctl store copy` (kimflow/store/rows.hpp).
    void export_rows(RowSink& sink);
    /// A sink that fills this store with another store's rows in one write transaction, committed
    /// by RowSink::finish(): the destination of `kimctl store copy`.
    /// @throws StoreError if the store holds any row (nothing is changed)
    std::unique_ptr<RowSink> import_rows();

    /// The connection string without its password, for messages.
    const std::string& where() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kimflow
