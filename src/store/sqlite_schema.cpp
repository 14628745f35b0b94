// SqliteStore's file: the schema of each released version, the migrations between them, and
// opening a file, refusing one that is no kimflow database or was written by a newer kimflow.
#include <string>

#include <sqlite3.h>
#include <unistd.h>

#include "kimflow/core/text.hpp"
#include "sqlite_impl.hpp"

namespace kimflow {

using sqlite_detail::as_bytes;

namespace {

const char* const kSchemaV1[] = {
    R"(CREATE TABLE instance (
        key INTEGER PRIMARY KEY,
        lifecycle TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        states TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_role TEXT NOT NULL,
        created_org TEXT NOT NULL,
        due INTEGER,
        owner TEXT NOT NULL,
        area TEXT NOT NULL,
        UNIQUE (lifecycle, id)))",
    // Each query index ends in id, so that a query answers in id order without sorting.
    "CREATE INDEX instance_by_state ON instance (lifecycle, state, id)",
    "CREATE INDEX instance_by_due ON instance (lifecycle, due) WHERE due IS NOT NULL",
    "CREATE INDEX instance_by_owner ON instance (lifecycle, owner, id)",
    "CREATE INDEX instance_by_area ON instance (lifecycle, area, id)",
    // Transitions are appended in commit order (rowid); the unique index keeps versions of an
    // instance unique and serves the history of one instance.
    R"(CREATE TABLE transition (
        seq INTEGER PRIMARY KEY,
        instance INTEGER NOT NULL REFERENCES instance (key),
        version INTEGER NOT NULL,
        event TEXT NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_org TEXT NOT NULL,
        at INTEGER NOT NULL,
        payload BLOB NOT NULL,
        summary TEXT NOT NULL))",
    "CREATE UNIQUE INDEX transition_by_instance ON transition (instance, version)",
};

// Schema 2 (kimflow 0.1 with issue 7): the overseer key, erasure, the hash chains and the
// denial log. Owner keys become organisation keys (organization_key(): trimmed, ASCII lower
// case, blanks and '_' as '-'); the hashes of older entries are computed by migrate().
const char* const kSchemaV2[] = {
    "ALTER TABLE instance ADD COLUMN overseer TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE instance ADD COLUMN erased_at INTEGER",
    ("UPDATE instance SET owner = replace(replace(replace(lower(trim(owner, ' ' || char(9))), ' ', '-'), '_', '-'), "
     "char(9), '-')"),
    "CREATE INDEX instance_by_overseer ON instance (lifecycle, overseer, id)",
    // payload_hash and erased_hash: digests of (payload, summary) as written and in their erased
    // form; hash: the chain through the log in seq order (see store/chain.hpp).
    "ALTER TABLE transition ADD COLUMN payload_hash BLOB",
    "ALTER TABLE transition ADD COLUMN erased_hash BLOB",
    "ALTER TABLE transition ADD COLUMN hash BLOB",
    "ALTER TABLE transition ADD COLUMN erased_at INTEGER",
    R"(CREATE TABLE denial (
        seq INTEGER PRIMARY KEY,
        lifecycle TEXT NOT NULL,
        instance TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_org TEXT NOT NULL,
        at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        hash BLOB NOT NULL))",
    "CREATE INDEX denial_by_instance ON denial (lifecycle, instance)",
};

// Schema 4 (kimflow 0.2, with the OParl sync): the hosts' settings (Store::setting), such as an OParl sync point.
const char* const kSchemaV4[] = {
    "CREATE TABLE IF NOT EXISTS setting (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
};

// Schema 5 (kimflow 0.3, with time-triggered rows): when an instance's next timer falls due, for
// the tick. Rows written before it are marked 0 ("not known yet"): the first tick looks at each
// once and stores its real time (Store::set_timer).
// The column is added only where it is missing, so that a file whose version number was set
// back by hand migrates too.
const char* const kSchemaV5[] = {
    "UPDATE instance SET timer_at = 0",
    "CREATE INDEX IF NOT EXISTS instance_by_timer ON instance (lifecycle, timer_at) WHERE timer_at IS NOT NULL",
};

// Schema 6 (kimflow 0.4, with signed checkpoints): each transition chains the row it wrote
// (row_digest, store/chain.hpp; entries written before stay format 1, without one); the creation
// log chains the row of every instance created, and on migration the row of every instance
// there is (chain_existing_rows); a checkpoint is the logs' heads signed at a commit
// (Store::checkpoints). Heads are the last entry's seq and hash of each log.
const char* const kSchemaV6[] = {
    R"(CREATE TABLE IF NOT EXISTS creation (
        seq INTEGER PRIMARY KEY,
        lifecycle TEXT NOT NULL,
        id TEXT NOT NULL,
        row_digest BLOB NOT NULL,
        hash BLOB NOT NULL))",
    "CREATE INDEX IF NOT EXISTS creation_by_instance ON creation (lifecycle, id)",
    R"(CREATE TABLE IF NOT EXISTS checkpoint (
        seq INTEGER PRIMARY KEY,
        transitions INTEGER NOT NULL,
        transition_head BLOB NOT NULL,
        denials INTEGER NOT NULL,
        denial_head BLOB NOT NULL,
        creations INTEGER NOT NULL,
        creation_head BLOB NOT NULL,
        at INTEGER NOT NULL,
        key_id TEXT NOT NULL,
        signature BLOB NOT NULL))",
};

}  // namespace

void SqliteStore::Impl::open()
{
    // A file refused below is left as it was: a -wal its own program left behind (killed
    // mid-work) is neither checkpointed into it when the connection closes nor removed.
    const bool left_wal = ::access((path + "-wal").c_str(), F_OK) == 0;
    if (left_wal) sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // The first read tells a non-database file apart (SQLITE_NOTADB).
    const std::int64_t app = pragma("application_id");
    const std::int64_t user_version = pragma("user_version");
    const std::int64_t objects = db.execAndGet("SELECT count(*) FROM sqlite_master").getInt64();
    if (app == 0 && objects > 0)
        throw NotAKimflowDatabase("'" + path +
                                  "' is an SQLite database of another application, not a kimflow database; "
                                  "choose another file");
    if (app != 0 && app != application_id)
        throw NotAKimflowDatabase("'" + path + "' belongs to another application (application_id " +
                                  std::to_string(app) + "); choose another file");
    if (user_version > schema_version)
        throw SchemaTooNew("'" + path + "' was written by a newer kimflow (schema " + std::to_string(user_version) +
                           ", this one reads up to " + std::to_string(schema_version) +
                           "); update kimflow to use it");
    if (app == 0 && !options.create)
        throw NotAKimflowDatabase("'" + path + "' holds no kimflow database" +
                                  (options.read_only ? std::string(" yet; open it for writing once")
                                                     : std::string(" (the file is empty); create the database first")));
    // A kimflow database of this schema or an older one: closing checkpoints as usual.
    if (left_wal) sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
    if (!options.read_only) {
        // Erased personal data must not linger in freed space: SQLite overwrites what it
        // deletes (old cells, freed pages) with zeros.
        db.exec("PRAGMA secure_delete=ON");
        db.exec("PRAGMA journal_mode=WAL");
        db.exec(std::string("PRAGMA synchronous=") +
                (options.synchronous == SqliteOptions::Synchronous::full ? "FULL" : "NORMAL"));
        if (app == 0 || user_version < schema_version) migrate(user_version);
        if (options.max_page_count) db.exec("PRAGMA max_page_count=" + std::to_string(*options.max_page_count));
    } else if (app == 0) {
        throw NotAKimflowDatabase("'" + path + "' holds no kimflow database yet; open it for writing once");
    }
    db.exec("PRAGMA foreign_keys=ON");
}

// Brings the schema from version @p from to schema_version in one transaction: each step is
// the script of one released schema change, so every earlier file can be opened.
void SqliteStore::Impl::migrate(std::int64_t from)
{
    SQLite::Transaction t(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have created or migrated it while we waited for the lock.
    from = pragma("user_version");
    if (from < 1)
        for (const char* sql : kSchemaV1) db.exec(sql);
    if (from < 2) {
        for (const char* sql : kSchemaV2) db.exec(sql);
        chain_existing_log();
    }
    if (from < 3) fold_organization_keys();
    if (from < 4)
        for (const char* sql : kSchemaV4) db.exec(sql);
    if (from < 5) {
        if (!db.execAndGet("SELECT count(*) FROM pragma_table_info('instance') WHERE name = 'timer_at'").getInt())
            db.exec("ALTER TABLE instance ADD COLUMN timer_at INTEGER");
        for (const char* sql : kSchemaV5) db.exec(sql);
    }
    if (from < 6) {
        // Added only where missing, as in schema 5: a file whose version was set back migrates too.
        if (!db.execAndGet("SELECT count(*) FROM pragma_table_info('transition') WHERE name = 'row_digest'").getInt())
            db.exec("ALTER TABLE transition ADD COLUMN row_digest BLOB");
        for (const char* sql : kSchemaV6) db.exec(sql);
        chain_existing_rows();
    }
    db.exec("PRAGMA application_id=" + std::to_string(application_id));
    db.exec("PRAGMA user_version=" + std::to_string(schema_version));
    t.commit();
}

/// Schema 3 (kimflow 0.2): owner and overseer keys folded as organization_key() folds them
/// now (Unicode case folding; schema 2 folded ASCII letters only, so "Ärztekammer" and
/// "ÄRZTEKAMMER" were two owners). Folding the old key gives the new one: ASCII lower case
/// is part of Unicode's folding.
void SqliteStore::Impl::fold_organization_keys()
{
    SQLite::Statement rows(db, "SELECT key, owner, overseer FROM instance");
    SQLite::Statement update(db, "UPDATE instance SET owner = ?, overseer = ? WHERE key = ?");
    while (rows.executeStep()) {
        const std::string owner = rows.getColumn(1).getString(), overseer = rows.getColumn(2).getString();
        const std::string owner_key = organization_key(owner), overseer_key = organization_key(overseer);
        if (owner_key == owner && overseer_key == overseer) continue;
        update.bind(1, owner_key);
        update.bind(2, overseer_key);
        update.bind(3, rows.getColumn(0).getInt64());
        update.exec();
        update.reset();
    }
}

/// Schema 6: a creation entry for each instance the file holds, chaining its row as it stands,
/// so that from now on every row is chained by an entry (its last transition's row digest, or
/// this). Only the new creation log is written: no hash of the older logs changes.
void SqliteStore::Impl::chain_existing_rows()
{
    if (db.execAndGet("SELECT count(*) FROM creation").getInt64() > 0) return;  // a file set back by hand
    SQLite::Statement rows(db, "SELECT lifecycle, id, version, state, states, data, created_at, created_by, "
                               "created_role, created_org, due, owner, area, overseer, erased_at FROM instance "
                               "ORDER BY key");
    SQLite::Statement insert(db, "INSERT INTO creation (lifecycle, id, row_digest, hash) VALUES (?, ?, ?, ?)");
    Sha256::Digest previous = chain::genesis;
    while (rows.executeStep()) {
        const StoredInstance in = row_from(rows, 0);
        const std::string row = chain::row_digest(in);
        previous = chain::creation_hash(previous, in.lifecycle, in.id, row);
        insert.bind(1, in.lifecycle);
        insert.bind(2, in.id);
        insert.bind(3, row.data(), static_cast<int>(row.size()));
        insert.bind(4, previous.data(), static_cast<int>(previous.size()));
        insert.exec();
        insert.reset();
    }
}

/// Schema 2: hashes for the entries a schema-1 file has (none were erased then).
void SqliteStore::Impl::chain_existing_log()
{
    SQLite::Statement rows(db, "SELECT t.seq, i.lifecycle, i.id, t.version, t.event, t.from_state, t.to_state, "
                               "t.actor, t.actor_role, t.actor_org, t.at, t.payload, t.summary FROM transition t "
                               "JOIN instance i ON t.instance = i.key ORDER BY t.seq");
    SQLite::Statement update(db, "UPDATE transition SET payload_hash = ?, erased_hash = ?, hash = ? WHERE seq = ?");
    Sha256::Digest previous = chain::genesis;
    while (rows.executeStep()) {
        StoredTransition t = transition_from(rows, 3);
        const auto payload = chain::payload_digest(t.payload, t.summary);
        previous = chain::transition_hash(previous, rows.getColumn(1).getString(), rows.getColumn(2).getString(), t,
                                          payload, payload);
        update.bind(1, as_bytes(payload).data(), static_cast<int>(payload.size()));
        update.bind(2, as_bytes(payload).data(), static_cast<int>(payload.size()));
        update.bind(3, as_bytes(previous).data(), static_cast<int>(previous.size()));
        update.bind(4, rows.getColumn(0).getInt64());
        update.exec();
        update.reset();
    }
}

}  // namespace kimflow
