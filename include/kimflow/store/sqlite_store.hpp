/// @file
/// kimflow::SqliteStore: the embedded default store, one SQLite file through SQLiteCpp.
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

/// How SqliteStore opens its file.
struct SqliteOptions {
    /// What a commit promises (the journal is always WAL):
    /// - `full`: a committed transaction survives a process crash and a power loss.
    /// - `normal`: a committed transaction survives a process crash; a power loss may undo the
    ///   last transactions (the database stays consistent, never half-written). Faster.
    enum class Synchronous { normal, full };
    /// What a commit promises; full by default.
    Synchronous synchronous = Synchronous::full;
    /// How long to wait for another writer before StoreBusy.
    std::chrono::milliseconds busy_timeout{5000};
    /// Open without writing (reads only; writes give StoreReadOnly). Works on a read-only file,
    /// in a read-only folder or on a read-only mount, and then creates no file: where nobody
    /// can write the database, it is read as an unchanging file (SQLite's `immutable`), and a
    /// `-wal` file beside it is read through its `-shm` file (a `-wal` that holds changes but
    /// has no `-shm` cannot be read there: StoreReadOnly says so). On a file this process could
    /// write, the connection takes part in SQLite's locking like any other, which needs the
    /// `-wal` and `-shm` files: SQLite creates them if no connection has.
    bool read_only = false;
    /// With read_only: read the file as one that does not change while it is open (SQLite's
    /// `immutable`): no locks, and no `-wal` or `-shm` file made beside it, even where the file
    /// could be written. Only for a file no process writes meanwhile (a look into a file that
    /// is not served); what a `-wal` file beside it holds is not read.
    bool immutable = false;
    /// Create the database if the file is missing or empty. False: open only a kimflow database
    /// that is there (a missing file gives StoreError, an empty one NotAKimflowDatabase), so that
    /// a mistyped path does not quietly become a new, empty database; an older schema is still
    /// migrated. Read-only opens never create.
    bool create = true;
    /// Limit the file's size in pages (PRAGMA max_page_count), e.g. to test a full disk.
    std::optional<std::int64_t> max_page_count{};
    /// Signs the audit trail's heads at every commit that extends a log (a signed checkpoint,
    /// Store::checkpoints). The key stays with the signer, never in the file. Without one, a
    /// file that has checkpoints refuses writes (StoreError): what it wrote would be covered by
    /// no signature, and verify with the public key would report it as forged.
    std::shared_ptr<const CheckpointSigner> signer{};
};

/// A Store in one SQLite file. Creates and migrates the schema on open; refuses files that
/// are not kimflow databases, or come from a newer kimflow. Its logs are hash-chained (SHA-256
/// over every field of an entry and the hash before it; Store::verify_chain), and it deletes securely: what it erases is overwritten, not just unlinked. Safe to use from several
/// threads (one connection, serialised) and from several processes on the same file.
class SqliteStore final : public Store {
public:
    /// The schema version this kimflow writes (PRAGMA user_version).
    static constexpr int schema_version = 6;
    /// PRAGMA application_id of kimflow databases ("KIMF").
    static constexpr std::int32_t application_id = 0x4B494D46;

    /// Opens (or creates) the database at @p path.
    /// @throws NotAKimflowDatabase, SchemaTooNew, StoreCorrupt, StoreReadOnly, StoreError
    explicit SqliteStore(const std::string& path, SqliteOptions options = {});
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

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
    /// Checkpoints the WAL into the file and truncates it (PRAGMA wal_checkpoint(TRUNCATE)); the
    /// file deletes securely (PRAGMA secure_delete) at all times.
    /// @throws StoreBusy if another connection's read keeps old pages in the WAL
    void scrub() override;
    using Store::verify_chain;
    ChainCheck verify_chain(const std::vector<Checkpoint>& witnessed) override;
    std::vector<Checkpoint> checkpoints() override;
    /// Writes a signed checkpoint of the logs as they stand now, with SqliteOptions::signer:
    /// the first one of a file whose logs were written without a key, or the first of a new key
    /// after a rotation. It signs whatever the logs hold, also entries written after the last
    /// checkpoint without the key (which every other commit refuses to sign along): check the
    /// file with verify_chain() first (`kimctl audit sign` and `admin key init` do).
    /// @throws StoreError without a signer
    void sign_heads();
    std::optional<std::string> setting(std::string_view key) override;
    void put_setting(std::string_view key, std::string_view value) override;
    std::vector<std::pair<std::string, std::string>> settings(std::string_view prefix) override;
    std::vector<LoggedTransition> log_after(std::uint64_t seq, std::size_t limit) override;
    void erase_setting(std::string_view key) override;
    void set_timer(std::string_view lifecycle, std::string_view id, std::uint64_t version,
                   std::optional<Timestamp> at) override;
    void reset_timers(std::string_view lifecycle) override;
    /// Counts this object's writes and rollbacks, and the commits of other connections (SQLite's
    /// PRAGMA data_version, read at the start of each transaction and by reads outside one).
    std::optional<std::uint64_t> change_counter() override;
    void begin() override;
    void commit() override;
    void rollback() override;

    /// Every lifecycle that has instances in the file, with how many, sorted by name (also
    /// those of host lifecycles this program does not know).
    std::vector<std::pair<std::string, std::uint64_t>> lifecycles();

    /// SQLite's own check of the file (PRAGMA integrity_check and foreign_key_check): what is
    /// damaged, one line per problem; empty when the file is sound.
    std::vector<std::string> integrity_check();

    /// The file's path.
    const std::string& path() const noexcept;

    /// Every row as stored, hashes and seqs included, into @p sink, read in one snapshot: the
    /// source of `kimctl store copy` (kimflow/store/rows.hpp).
    void export_rows(RowSink& sink);
    /// A sink that fills this store with another store's rows in one transaction, committed by
    /// RowSink::finish(): the destination of `kimctl store copy`.
    /// @throws StoreError if the store holds any row (nothing is changed)
    std::unique_ptr<RowSink> import_rows();

    /// SQLite's plan for @p sql (the `detail` column of EXPLAIN QUERY PLAN), to check that
    /// queries use indexes.
    std::vector<std::string> explain(const std::string& sql);

    /// The SQL the query methods run for @p query (for explain()).
    static std::string find_sql(const InstanceQuery& query);

private:
    /// verify_chain() inside the read transaction it opens.
    ChainCheck verify_chain_now(const std::vector<Checkpoint>& witnessed);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kimflow
