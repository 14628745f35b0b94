// SqliteStore: schema, migrations, error mapping, and the statements behind the Store calls.
#include "kimflow/store/sqlite_store.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string_view>
#include <utility>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "chain.hpp"
#include "kimflow/core/text.hpp"

namespace kimflow {

namespace {

// Timestamps are stored as microseconds since 1970 (UTC), dates as days since 1970.
std::int64_t to_db(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp timestamp_from_db(std::int64_t v) { return Timestamp{std::chrono::microseconds{v}}; }
std::int64_t to_db(Date d) { return d.time_since_epoch().count(); }
Date date_from_db(std::int64_t v) { return Date{date::days{v}}; }

// Region states are stored as one text, separated by commas (state ids are identifiers).
std::string join_states(const std::vector<std::string>& states)
{
    std::string out;
    for (const auto& s : states) out += (out.empty() ? "" : ",") + s;
    return out;
}
std::vector<std::string> split_states(const std::string& text)
{
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ',')) out.push_back(item);
    return out;
}

// Turns SQLite's error into the kimflow error a host can act on.
[[noreturn]] void rethrow(const SQLite::Exception& e, const std::string& path, const char* doing)
{
    const int code = e.getErrorCode();
    const int extended = e.getExtendedErrorCode();
    const std::string where = "kimflow database '" + path + "': ";
    switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        throw StoreBusy(where + "busy while " + doing + ": another process or connection holds it; try again later (" +
                            e.what() + ")",
                        extended);
    case SQLITE_READONLY:
        throw StoreReadOnly(where + "cannot be written while " + doing +
                                ": the file or its folder is read-only; check permissions or open it read-only (" +
                                e.what() + ")",
                            extended);
    case SQLITE_FULL:
        throw StoreFull(where + "full while " + doing + ": free disk space; nothing of this change was written (" +
                            e.what() + ")",
                        extended);
    case SQLITE_CORRUPT:
        throw StoreCorrupt(where + "damaged (" + e.what() + "); restore it from a backup", extended);
    case SQLITE_NOTADB:
        throw NotAKimflowDatabase(where + "is not a database (" + e.what() + "); check the path", extended);
    case SQLITE_CANTOPEN:
        throw StoreError(where + "cannot be opened (" + std::string(e.what()) +
                             "); check that the folder exists and may be written",
                         extended);
    default: throw StoreError(where + std::string(e.what()) + " while " + doing, extended);
    }
}

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

std::string_view as_bytes(const Sha256::Digest& d)
{
    return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

Sha256::Digest digest_from_db(const SQLite::Column& c)
{
    Sha256::Digest d{};
    if (c.isNull() || c.getBytes() != static_cast<int>(d.size())) return d;
    const auto* bytes = static_cast<const std::uint8_t*>(c.getBlob());
    std::copy(bytes, bytes + d.size(), d.begin());
    return d;
}

bool same_digest(const SQLite::Column& c, const Sha256::Digest& d)
{
    return !c.isNull() && c.getBytes() == static_cast<int>(d.size()) &&
           std::equal(d.begin(), d.end(), static_cast<const std::uint8_t*>(c.getBlob()));
}

}  // namespace

struct SqliteStore::Impl {
    std::string path;
    SqliteOptions options;
    SQLite::Database db;
    std::recursive_mutex mutex;
    std::unique_lock<std::recursive_mutex> transaction_lock{mutex, std::defer_lock};
    int depth = 0;  // nesting of begin() on the thread that holds transaction_lock
    /// Prepared statements by SQL text, kept for the connection's life: preparing costs more
    /// than running most of them. Declared after db, so destroyed before it.
    /// Looked up by the caller's text without copying it (a fire looks up several).
    std::map<std::string, std::unique_ptr<SQLite::Statement>, std::less<>> statements;
    /// change_counter(): this object's writes and rollbacks, and other connections' commits seen.
    std::uint64_t changes = 0;
    /// The last PRAGMA data_version read (it moves when another connection commits).
    std::int64_t data_version = -1;
    /// The hashes of the logs' last entries, known while no other connection has written and
    /// nothing was rolled back (each append would otherwise look them up).
    std::optional<Sha256::Digest> transition_head, denial_head;

    Impl(const std::string& p, SqliteOptions o)
        : path(p), options(o),
          db(p, o.read_only ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE),
             static_cast<int>(o.busy_timeout.count()))
    {
    }

    /// A prepared statement in use: reset and unbound again when the user is done with it.
    class Use {
    public:
        explicit Use(SQLite::Statement& s) : s_(s) {}
        ~Use()
        {
            try {
                s_.reset();
                s_.clearBindings();
            } catch (...) {
                // reset() repeats the error of the last step, which its caller has reported
            }
        }
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;
        SQLite::Statement* operator->() const noexcept { return &s_; }
        SQLite::Statement& operator*() const noexcept { return s_; }

    private:
        SQLite::Statement& s_;
    };

    Use statement(std::string_view sql)
    {
        auto it = statements.find(sql);
        if (it == statements.end()) {
            std::string text(sql);
            auto prepared = std::make_unique<SQLite::Statement>(db, text);
            it = statements.emplace(std::move(text), std::move(prepared)).first;
        }
        return Use(*it->second);
    }

    /// Counts a change if another connection has committed since the last look.
    void notice_other_connections()
    {
        auto s = statement("PRAGMA data_version");
        s->executeStep();
        const std::int64_t now = s->getColumn(0).getInt64();
        if (now != data_version) {
            data_version = now;
            ++changes;
            forget_heads();
        }
    }

    std::int64_t pragma(const std::string& name)
    {
        return db.execAndGet("PRAGMA " + name).getInt64();
    }

    void open()
    {
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
    void migrate(std::int64_t from)
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
        db.exec("PRAGMA application_id=" + std::to_string(application_id));
        db.exec("PRAGMA user_version=" + std::to_string(schema_version));
        t.commit();
    }

    /// Schema 3 (kimflow 0.2): owner and overseer keys folded as organization_key() folds them
    /// now (Unicode case folding; schema 2 folded ASCII letters only, so "Ärztekammer" and
    /// "ÄRZTEKAMMER" were two owners). Folding the old key gives the new one: ASCII lower case
    /// is part of Unicode's folding.
    void fold_organization_keys()
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

    /// Schema 2: hashes for the entries a schema-1 file has (none were erased then).
    void chain_existing_log()
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

    /// A transition from the ten columns version, event, from, to, actor, role, org, at,
    /// payload, summary of @p s, starting at @p first.
    static StoredTransition transition_from(SQLite::Statement& s, int first)
    {
        StoredTransition t;
        t.version = static_cast<std::uint64_t>(s.getColumn(first).getInt64());
        t.event = s.getColumn(first + 1).getString();
        t.from = s.getColumn(first + 2).getString();
        t.to = s.getColumn(first + 3).getString();
        t.actor = Actor{s.getColumn(first + 4).getString(), s.getColumn(first + 5).getString(),
                        s.getColumn(first + 6).getString()};
        t.at = timestamp_from_db(s.getColumn(first + 7).getInt64());
        const SQLite::Column payload = s.getColumn(first + 8);
        t.payload.assign(static_cast<const char*>(payload.getBlob()), static_cast<std::size_t>(payload.getBytes()));
        t.summary = s.getColumn(first + 9).getString();
        return t;
    }

    void forget_heads()
    {
        transition_head.reset();
        denial_head.reset();
    }

    /// The hash of the last entry of a log: @p head if known, else read with @p sql.
    Sha256::Digest last_hash(std::optional<Sha256::Digest>& head, const char* sql)
    {
        if (head) return *head;
        auto s = statement(sql);
        return *(head = s->executeStep() ? digest_from_db(s->getColumn(0)) : chain::genesis);
    }

    /// Runs @p f under the store's lock, inside a transaction unless begin() has opened one.
    template <class F>
    auto write(const char* doing, F&& f)
    {
        std::lock_guard<std::recursive_mutex> lock(mutex);
        ++changes;
        try {
            if (depth > 0) return f();
            SQLite::Transaction t(db, SQLite::TransactionBehavior::IMMEDIATE);
            notice_other_connections();  // the log heads may have moved
            try {
                auto result = f();
                t.commit();
                return result;
            } catch (...) {
                forget_heads();  // the transaction rolls back what f() appended
                throw;
            }
        } catch (const SQLite::Exception& e) {
            rethrow(e, path, doing);
        }
    }

    template <class F>
    auto read(const char* doing, F&& f)
    {
        std::lock_guard<std::recursive_mutex> lock(mutex);
        try {
            return f();
        } catch (const SQLite::Exception& e) {
            rethrow(e, path, doing);
        }
    }

    /// Query keys an append may change (bits of the mask update_sql() takes).
    enum : unsigned { state_key = 1, due_key = 2, owner_key = 4, area_key = 8, overseer_key = 16 };

    /// The UPDATE of an instance row after a transition that changes the keys in @p changed
    /// (the 32 texts are made once, not on every append).
    static const std::string& update_sql(unsigned changed)
    {
        static const std::array<std::string, 32> texts = [] {
            std::array<std::string, 32> out;
            for (unsigned mask = 0; mask < out.size(); ++mask) {
                std::string sql = "UPDATE instance SET version = :version, states = :states, data = :data";
                if (mask & state_key) sql += ", state = :state";
                if (mask & due_key) sql += ", due = :due";
                if (mask & owner_key) sql += ", owner = :owner";
                if (mask & area_key) sql += ", area = :area";
                if (mask & overseer_key) sql += ", overseer = :overseer";
                out[mask] = sql + " WHERE key = :key";
            }
            return out;
        }();
        return texts[changed];
    }

    static void bind_instance(SQLite::Statement& s, const StoredInstance& in)
    {
        s.bind(":lifecycle", in.lifecycle);
        s.bind(":id", in.id);
        s.bind(":version", static_cast<std::int64_t>(in.version));
        s.bind(":state", in.state);
        s.bind(":states", join_states(in.states));
        s.bind(":data", in.data.data(), static_cast<int>(in.data.size()));
        if (in.due)
            s.bind(":due", to_db(*in.due));
        else
            s.bind(":due");
        s.bind(":owner", in.owner);
        s.bind(":area", in.area);
        s.bind(":overseer", in.overseer);
    }
};

SqliteStore::SqliteStore(const std::string& path, SqliteOptions options)
{
    try {
        impl_ = std::make_unique<Impl>(path, options);
        impl_->open();
    } catch (const SQLite::Exception& e) {
        rethrow(e, path, "opening it");
    }
}

SqliteStore::~SqliteStore()
{
    if (impl_ && impl_->depth > 0) {
        try {
            impl_->db.exec("ROLLBACK");
        } catch (...) {
        }
    }
}

const std::string& SqliteStore::path() const noexcept { return impl_->path; }

std::optional<StoredInstance> SqliteStore::load(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("loading an instance", [&]() -> std::optional<StoredInstance> {
        auto s = impl_->statement(
                            "SELECT version, state, states, data, created_at, created_by, created_role, created_org, "
                            "due, owner, area, overseer, erased_at, (SELECT t.at FROM transition t WHERE t.instance = "
                            "instance.key ORDER BY t.version DESC LIMIT 1) FROM instance WHERE lifecycle = ? AND id = ?");
        s->bind(1, std::string(lifecycle));
        s->bind(2, std::string(id));
        if (!s->executeStep()) return std::nullopt;
        StoredInstance in;
        in.lifecycle = lifecycle;
        in.id = id;
        in.version = static_cast<std::uint64_t>(s->getColumn(0).getInt64());
        in.state = s->getColumn(1).getString();
        in.states = split_states(s->getColumn(2).getString());
        const SQLite::Column data = s->getColumn(3);
        in.data.assign(static_cast<const char*>(data.getBlob()), static_cast<std::size_t>(data.getBytes()));
        in.created_at = timestamp_from_db(s->getColumn(4).getInt64());
        in.created_by = Actor{s->getColumn(5).getString(), s->getColumn(6).getString(), s->getColumn(7).getString()};
        if (!s->getColumn(8).isNull()) in.due = date_from_db(s->getColumn(8).getInt64());
        in.owner = s->getColumn(9).getString();
        in.area = s->getColumn(10).getString();
        in.overseer = s->getColumn(11).getString();
        if (!s->getColumn(12).isNull()) in.erased_at = timestamp_from_db(s->getColumn(12).getInt64());
        if (!s->getColumn(13).isNull()) in.last_transition_at = timestamp_from_db(s->getColumn(13).getInt64());
        return in;
    });
}

std::optional<std::uint64_t> SqliteStore::version(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("reading a version", [&]() -> std::optional<std::uint64_t> {
        auto s = impl_->statement("SELECT version FROM instance WHERE lifecycle = ? AND id = ?");
        s->bind(1, std::string(lifecycle));
        s->bind(2, std::string(id));
        if (!s->executeStep()) return std::nullopt;
        return static_cast<std::uint64_t>(s->getColumn(0).getInt64());
    });
}

void SqliteStore::insert(const StoredInstance& in)
{
    impl_->write("creating an instance", [&] {
        {
            auto exists = impl_->statement("SELECT 1 FROM instance WHERE lifecycle = ? AND id = ?");
            exists->bind(1, in.lifecycle);
            exists->bind(2, in.id);
            if (exists->executeStep()) throw DuplicateInstance(in.lifecycle, in.id);
        }
        auto s = impl_->statement(
                            "INSERT INTO instance (lifecycle, id, version, state, states, data, created_at, created_by, "
                            "created_role, created_org, due, owner, area, overseer) VALUES (:lifecycle, :id, :version, "
                            ":state, :states, :data, :created_at, :created_by, :created_role, :created_org, :due, :owner, "
                            ":area, :overseer)");
        Impl::bind_instance(*s, in);
        s->bind(":created_at", to_db(in.created_at));
        s->bind(":created_by", in.created_by.id);
        s->bind(":created_role", in.created_by.role);
        s->bind(":created_org", in.created_by.organization);
        s->exec();
        return 0;
    });
}

void SqliteStore::append(const StoredInstance& after, const StoredTransition& t)
{
    impl_->write("recording a transition", [&] {
        std::int64_t key = 0;
        // Which query keys change: the UPDATE names only those, because SQLite rewrites the entry
        // of every index on a column the statement sets, changed or not.
        unsigned changed = 0;
        const bool has_due = after.due.has_value();
        const std::int64_t due = has_due ? to_db(*after.due) : 0;
        {
            auto current = impl_->statement(
                "SELECT key, version, state, due, owner, area, overseer FROM instance WHERE lifecycle = ? AND id = ?");
            current->bind(1, after.lifecycle);
            current->bind(2, after.id);
            if (!current->executeStep()) throw InstanceNotFound(after.lifecycle, after.id);
            key = current->getColumn(0).getInt64();
            const auto stored = static_cast<std::uint64_t>(current->getColumn(1).getInt64());
            if (stored + 1 != after.version) throw VersionConflict(after.id, after.version - 1, stored);
            const auto text = [&](int column) {
                const SQLite::Column c = current->getColumn(column);
                return std::string_view(c.getText(), static_cast<std::size_t>(c.getBytes()));
            };
            const SQLite::Column stored_due = current->getColumn(3);
            if (text(2) != after.state) changed |= Impl::state_key;
            if (stored_due.isNull() ? has_due : (!has_due || due != stored_due.getInt64())) changed |= Impl::due_key;
            if (text(4) != after.owner) changed |= Impl::owner_key;
            if (text(5) != after.area) changed |= Impl::area_key;
            if (text(6) != after.overseer) changed |= Impl::overseer_key;
        }
        {
            // Bound without copies: the values outlive the statement's run.
            const std::string states = join_states(after.states);
            auto update = impl_->statement(Impl::update_sql(changed));
            update->bind(":key", key);
            update->bind(":version", static_cast<std::int64_t>(after.version));
            update->bindNoCopy(":states", states);
            update->bindNoCopy(":data", after.data.data(), static_cast<int>(after.data.size()));
            if (changed & Impl::state_key) update->bind(":state", after.state);
            if (changed & Impl::due_key) {
                if (has_due)
                    update->bind(":due", due);
                else
                    update->bind(":due");
            }
            if (changed & Impl::owner_key) update->bind(":owner", after.owner);
            if (changed & Impl::area_key) update->bind(":area", after.area);
            if (changed & Impl::overseer_key) update->bind(":overseer", after.overseer);
            update->exec();
        }
        // The chain: the digests of the payload as written and erased, and the entry's hash
        // after the last entry's.
        const auto payload = chain::payload_digest(t.payload, t.summary);
        const auto erased = t.personal ? chain::payload_digest(t.erased_payload, t.erased_summary) : payload;
        const auto hash = chain::transition_hash(
            impl_->last_hash(impl_->transition_head, "SELECT hash FROM transition ORDER BY seq DESC LIMIT 1"),
            after.lifecycle, after.id, t,
            payload, erased);
        auto insert = impl_->statement(
            "INSERT INTO transition (instance, version, event, from_state, to_state, actor, actor_role, actor_org, at, "
            "payload, summary, payload_hash, erased_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert->bind(1, key);
        insert->bind(2, static_cast<std::int64_t>(t.version));
        insert->bindNoCopy(3, t.event);
        insert->bindNoCopy(4, t.from);
        insert->bindNoCopy(5, t.to);
        insert->bindNoCopy(6, t.actor.id);
        insert->bindNoCopy(7, t.actor.role);
        insert->bindNoCopy(8, t.actor.organization);
        insert->bind(9, to_db(t.at));
        insert->bindNoCopy(10, t.payload.data(), static_cast<int>(t.payload.size()));
        insert->bindNoCopy(11, t.summary);
        insert->bindNoCopy(12, payload.data(), static_cast<int>(payload.size()));
        insert->bindNoCopy(13, erased.data(), static_cast<int>(erased.size()));
        insert->bindNoCopy(14, hash.data(), static_cast<int>(hash.size()));
        insert->exec();
        impl_->transition_head = hash;
        return 0;
    });
}

std::vector<StoredTransition> SqliteStore::history(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("reading a history", [&] {
        auto s = impl_->statement(
                            "SELECT t.version, t.event, t.from_state, t.to_state, t.actor, t.actor_role, t.actor_org, "
                            "t.at, t.payload, t.summary, t.erased_at FROM transition t JOIN instance i ON t.instance = "
                            "i.key WHERE i.lifecycle = ? AND i.id = ? ORDER BY t.version");
        s->bind(1, std::string(lifecycle));
        s->bind(2, std::string(id));
        std::vector<StoredTransition> out;
        while (s->executeStep()) {
            out.push_back(Impl::transition_from(*s, 0));
            if (!s->getColumn(10).isNull()) out.back().erased_at = timestamp_from_db(s->getColumn(10).getInt64());
        }
        return out;
    });
}

std::string SqliteStore::find_sql(const InstanceQuery& q)
{
    std::string sql = "SELECT id FROM instance WHERE lifecycle = :lifecycle";
    if (!q.state.empty()) sql += " AND state = :state";
    if (!q.owner.empty()) sql += " AND owner = :owner";
    if (!q.area.empty()) sql += " AND area = :area";
    if (!q.overseer.empty()) sql += " AND overseer = :overseer";
    if (q.due_before) sql += " AND due IS NOT NULL AND due < :due";
    return sql + " ORDER BY id";
}

std::vector<std::string> SqliteStore::find(const InstanceQuery& q)
{
    return impl_->read("querying instances", [&] {
        auto s = impl_->statement(find_sql(q));
        s->bind(":lifecycle", q.lifecycle);
        if (!q.state.empty()) s->bind(":state", q.state);
        if (!q.owner.empty()) s->bind(":owner", q.owner);
        if (!q.area.empty()) s->bind(":area", q.area);
        if (!q.overseer.empty()) s->bind(":overseer", q.overseer);
        if (q.due_before) s->bind(":due", to_db(*q.due_before));
        std::vector<std::string> out;
        while (s->executeStep()) out.push_back(s->getColumn(0).getString());
        return out;
    });
}

std::uint64_t SqliteStore::count(std::string_view lifecycle)
{
    return impl_->read("counting instances", [&] {
        auto s = impl_->statement("SELECT count(*) FROM instance WHERE lifecycle = ?");
        s->bind(1, std::string(lifecycle));
        s->executeStep();
        return static_cast<std::uint64_t>(s->getColumn(0).getInt64());
    });
}

void SqliteStore::log_denial(const StoredDenial& d)
{
    impl_->write("recording a refusal", [&] {
        const auto hash =
            chain::denial_hash(impl_->last_hash(impl_->denial_head, "SELECT hash FROM denial ORDER BY seq DESC LIMIT 1"), d);
        auto s = impl_->statement("INSERT INTO denial (lifecycle, instance, action, actor, actor_role, actor_org, at, "
                                  "reason, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s->bind(1, d.lifecycle);
        s->bind(2, d.instance);
        s->bind(3, d.action);
        s->bind(4, d.actor.id);
        s->bind(5, d.actor.role);
        s->bind(6, d.actor.organization);
        s->bind(7, to_db(d.at));
        s->bind(8, d.reason);
        s->bind(9, hash.data(), static_cast<int>(hash.size()));
        s->exec();
        impl_->denial_head = hash;
        return 0;
    });
}

std::vector<StoredDenial> SqliteStore::denials(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("reading refusals", [&] {
        auto s = impl_->statement(id.empty()
                                      ? "SELECT lifecycle, instance, action, actor, actor_role, actor_org, at, reason "
                                        "FROM denial WHERE lifecycle = ? ORDER BY seq"
                                      : "SELECT lifecycle, instance, action, actor, actor_role, actor_org, at, reason "
                                        "FROM denial WHERE lifecycle = ? AND instance = ? ORDER BY seq");
        s->bind(1, std::string(lifecycle));
        if (!id.empty()) s->bind(2, std::string(id));
        std::vector<StoredDenial> out;
        while (s->executeStep())
            out.push_back({s->getColumn(0).getString(), s->getColumn(1).getString(), s->getColumn(2).getString(),
                           Actor{s->getColumn(3).getString(), s->getColumn(4).getString(), s->getColumn(5).getString()},
                           timestamp_from_db(s->getColumn(6).getInt64()), s->getColumn(7).getString()});
        return out;
    });
}

void SqliteStore::erase(const StoredInstance& erased, const std::vector<ErasedEntry>& entries,
                        const StoredTransition& record)
{
    begin();
    try {
        impl_->write("erasing personal data", [&] {
            std::int64_t key = 0;
            {
                auto current = impl_->statement("SELECT key, version FROM instance WHERE lifecycle = ? AND id = ?");
                current->bind(1, erased.lifecycle);
                current->bind(2, erased.id);
                if (!current->executeStep()) throw InstanceNotFound(erased.lifecycle, erased.id);
                key = current->getColumn(0).getInt64();
                const auto stored = static_cast<std::uint64_t>(current->getColumn(1).getInt64());
                if (stored + 1 != erased.version) throw VersionConflict(erased.id, erased.version - 1, stored);
            }
            for (const auto& e : entries) {
                {
                    auto chained =
                        impl_->statement("SELECT erased_hash FROM transition WHERE instance = ? AND version = ?");
                    chained->bind(1, key);
                    chained->bind(2, static_cast<std::int64_t>(e.version));
                    if (!chained->executeStep() ||
                        !same_digest(chained->getColumn(0), chain::payload_digest(e.payload, e.summary)))
                        throw StoreError("cannot erase " + erased.lifecycle + " '" + erased.id +
                                         "': the erased form of version " + std::to_string(e.version) +
                                         " is not the one chained when it was written; nothing was erased. Was the "
                                         "event's list of personal fields changed? Run kimctl verify");
                }
                auto update = impl_->statement(
                    "UPDATE transition SET payload = ?, summary = ?, erased_at = ? WHERE instance = ? AND version = ?");
                update->bindNoCopy(1, e.payload.data(), static_cast<int>(e.payload.size()));
                update->bindNoCopy(2, e.summary);
                update->bind(3, to_db(record.at));
                update->bind(4, key);
                update->bind(5, static_cast<std::int64_t>(e.version));
                update->exec();
            }
            return 0;
        });
        append(erased, record);
        impl_->write("erasing personal data", [&] {
            auto mark = impl_->statement("UPDATE instance SET erased_at = ? WHERE lifecycle = ? AND id = ?");
            mark->bind(1, to_db(record.at));
            mark->bind(2, erased.lifecycle);
            mark->bind(3, erased.id);
            mark->exec();
            return 0;
        });
        commit();
    } catch (...) {
        rollback();
        throw;
    }
}

void SqliteStore::scrub()
{
    impl_->read("moving erasures out of the write-ahead log", [&] {
        if (impl_->depth > 0) throw StoreError("scrub() inside a transaction; call it after the commit");
        // TRUNCATE: every page in the WAL (old copies included) goes into the database file, and
        // the WAL file is cut to nothing.
        SQLite::Statement s(impl_->db, "PRAGMA wal_checkpoint(TRUNCATE)");
        s.executeStep();
        if (s.getColumn(0).getInt() != 0)
            throw StoreBusy("kimflow database '" + impl_->path +
                                "': another connection is reading, so erased data may remain in the write-ahead "
                                "log; close other programs using it and purge again (nothing is lost)",
                            SQLITE_BUSY);
        return 0;
    });
}

ChainCheck SqliteStore::verify_chain()
{
    return impl_->read("checking the audit trail", [&] {
        ChainCheck check;
        SQLite::Statement rows(impl_->db,
                               "SELECT t.seq, i.lifecycle, i.id, t.version, t.event, t.from_state, t.to_state, t.actor, "
                               "t.actor_role, t.actor_org, t.at, t.payload, t.summary, t.payload_hash, t.erased_hash, "
                               "t.hash, t.erased_at FROM transition t LEFT JOIN instance i ON t.instance = i.key "
                               "ORDER BY t.seq");
        Sha256::Digest previous = chain::genesis;
        while (rows.executeStep()) {
            ++check.transitions;
            const StoredTransition t = Impl::transition_from(rows, 3);
            const std::string lifecycle = rows.getColumn(1).getString(), id = rows.getColumn(2).getString();
            const auto fail = [&](const std::string& problem) {
                check.first_break = ChainBreak{"transition", check.transitions, lifecycle, id, t.version, problem};
            };
            const bool is_erased = !rows.getColumn(16).isNull();
            if (is_erased) ++check.erased;
            if (rows.getColumn(1).isNull()) {
                fail("the entry belongs to no instance (its instance row was deleted)");
                break;
            }
            const auto payload = digest_from_db(rows.getColumn(13));
            const auto erased = digest_from_db(rows.getColumn(14));
            if (!same_digest(rows.getColumn(is_erased ? 14 : 13), chain::payload_digest(t.payload, t.summary))) {
                fail(std::string("its payload or summary was changed after it was written") +
                     (is_erased ? " (after erasure)" : ""));
                break;
            }
            previous = chain::transition_hash(previous, lifecycle, id, t, payload, erased);
            if (!same_digest(rows.getColumn(15), previous)) {
                fail("its hash does not match its content and the entry before it: the entry, or one before it, was "
                     "changed, inserted or removed");
                break;
            }
        }
        check.transition_head = to_hex(previous);
        if (check.first_break) return check;
        SQLite::Statement denials(impl_->db, "SELECT seq, lifecycle, instance, action, actor, actor_role, actor_org, "
                                             "at, reason, hash FROM denial ORDER BY seq");
        previous = chain::genesis;
        while (denials.executeStep()) {
            ++check.denials;
            const StoredDenial d{denials.getColumn(1).getString(),
                                 denials.getColumn(2).getString(),
                                 denials.getColumn(3).getString(),
                                 Actor{denials.getColumn(4).getString(), denials.getColumn(5).getString(),
                                       denials.getColumn(6).getString()},
                                 timestamp_from_db(denials.getColumn(7).getInt64()),
                                 denials.getColumn(8).getString()};
            previous = chain::denial_hash(previous, d);
            if (!same_digest(denials.getColumn(9), previous)) {
                check.first_break = ChainBreak{"denial", check.denials, d.lifecycle, d.instance, 0,
                                               "its hash does not match its content and the entry before it: the "
                                               "entry, or one before it, was changed, inserted or removed"};
                break;
            }
        }
        check.denial_head = to_hex(previous);
        return check;
    });
}

std::optional<std::uint64_t> SqliteStore::change_counter()
{
    return impl_->read("checking for changes", [&]() -> std::optional<std::uint64_t> {
        // Inside this thread's transaction nobody else can commit: begin() has looked already.
        if (impl_->depth == 0) impl_->notice_other_connections();
        return impl_->changes;
    });
}

// Level 1 is a transaction (BEGIN IMMEDIATE: the write lock at once, so a busy database shows
// at the start, not at the commit); deeper levels are savepoints inside it.
void SqliteStore::begin()
{
    std::unique_lock<std::recursive_mutex> lock(impl_->mutex);
    try {
        if (impl_->depth == 0) {
            impl_->statement("BEGIN IMMEDIATE")->exec();
            impl_->notice_other_connections();  // nobody else can commit until this one ends
        } else {
            impl_->statement("SAVEPOINT kimflow_" + std::to_string(impl_->depth))->exec();
        }
    } catch (const SQLite::Exception& e) {
        rethrow(e, impl_->path, "starting a transaction");
    }
    // The outermost level keeps the lock until it ends: other threads wait for the transaction.
    if (impl_->depth++ == 0) impl_->transaction_lock = std::move(lock);
}

void SqliteStore::commit()
{
    std::lock_guard<std::recursive_mutex> guard(impl_->mutex);
    if (impl_->depth == 0) throw StoreError("commit() without begin()");
    const int level = --impl_->depth;
    try {
        if (level > 0) {
            impl_->statement("RELEASE kimflow_" + std::to_string(level))->exec();
            return;
        }
        impl_->statement("COMMIT")->exec();
    } catch (const SQLite::Exception& e) {
        if (level == 0) {
            // A failed COMMIT (e.g. busy) leaves the transaction open: roll it back so that
            // nothing half-done stays, and report.
            impl_->forget_heads();
            try {
                impl_->db.exec("ROLLBACK");
            } catch (...) {
            }
            impl_->transaction_lock.unlock();
        }
        rethrow(e, impl_->path, "committing");
    }
    impl_->transaction_lock.unlock();
}

void SqliteStore::rollback()
{
    std::lock_guard<std::recursive_mutex> guard(impl_->mutex);
    if (impl_->depth == 0) return;
    ++impl_->changes;  // what engines keep in memory may now be ahead of the store
    impl_->forget_heads();
    const int level = --impl_->depth;
    try {
        if (level > 0) {
            impl_->statement("ROLLBACK TO kimflow_" + std::to_string(level))->exec();
            impl_->statement("RELEASE kimflow_" + std::to_string(level))->exec();
            return;
        }
        impl_->db.exec("ROLLBACK");
    } catch (...) {
        // SQLite may have rolled back already (e.g. after SQLITE_FULL); nothing is left to undo.
        if (level > 0) {
            impl_->depth = 0;
            try {
                impl_->db.exec("ROLLBACK");
            } catch (...) {
            }
        }
    }
    impl_->transaction_lock.unlock();
}

std::vector<std::pair<std::string, std::uint64_t>> SqliteStore::lifecycles()
{
    return impl_->read("listing lifecycles", [&] {
        auto s = impl_->statement("SELECT lifecycle, count(*) FROM instance GROUP BY lifecycle ORDER BY lifecycle");
        std::vector<std::pair<std::string, std::uint64_t>> out;
        while (s->executeStep())
            out.emplace_back(s->getColumn(0).getString(), static_cast<std::uint64_t>(s->getColumn(1).getInt64()));
        return out;
    });
}

std::vector<std::string> SqliteStore::integrity_check()
{
    return impl_->read("checking the file", [&] {
        std::vector<std::string> out;
        SQLite::Statement integrity(impl_->db, "PRAGMA integrity_check");
        while (integrity.executeStep())
            if (const std::string line = integrity.getColumn(0).getString(); line != "ok") out.push_back(line);
        SQLite::Statement keys(impl_->db, "PRAGMA foreign_key_check");
        while (keys.executeStep())
            out.push_back("table " + keys.getColumn(0).getString() + " row " + keys.getColumn(1).getString() +
                          " refers to a missing row of " + keys.getColumn(2).getString());
        return out;
    });
}

std::vector<std::string> SqliteStore::explain(const std::string& sql)
{
    return impl_->read("explaining a query", [&] {
        SQLite::Statement s(impl_->db, "EXPLAIN QUERY PLAN " + sql);
        std::vector<std::string> out;
        while (s.executeStep()) out.push_back(s.getColumn(3).getString());
        return out;
    });
}

}  // namespace kimflow
