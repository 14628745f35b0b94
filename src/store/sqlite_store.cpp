// SqliteStore: schema, migrations, error mapping, and the statements behind the Store calls.
#include "kimflow/store/sqlite_store.hpp"

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
        // Future: if (from < 2) { ALTER TABLE ... }
        db.exec("PRAGMA application_id=" + std::to_string(application_id));
        db.exec("PRAGMA user_version=" + std::to_string(schema_version));
        t.commit();
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
            auto result = f();
            t.commit();
            return result;
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
    enum : unsigned { state_key = 1, due_key = 2, owner_key = 4, area_key = 8 };

    /// The UPDATE of an instance row after a transition that changes the keys in @p changed
    /// (the 16 texts are made once, not on every append).
    static const std::string& update_sql(unsigned changed)
    {
        static const std::array<std::string, 16> texts = [] {
            std::array<std::string, 16> out;
            for (unsigned mask = 0; mask < out.size(); ++mask) {
                std::string sql = "UPDATE instance SET version = :version, states = :states, data = :data";
                if (mask & state_key) sql += ", state = :state";
                if (mask & due_key) sql += ", due = :due";
                if (mask & owner_key) sql += ", owner = :owner";
                if (mask & area_key) sql += ", area = :area";
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
                            "due, owner, area FROM instance WHERE lifecycle = ? AND id = ?");
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
                            "created_role, created_org, due, owner, area) VALUES (:lifecycle, :id, :version, :state, "
                            ":states, :data, :created_at, :created_by, :created_role, :created_org, :due, :owner, :area)");
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
                "SELECT key, version, state, due, owner, area FROM instance WHERE lifecycle = ? AND id = ?");
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
            update->exec();
        }
        auto insert = impl_->statement(
            "INSERT INTO transition (instance, version, event, from_state, to_state, actor, actor_role, actor_org, at, "
            "payload, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
        insert->exec();
        return 0;
    });
}

std::vector<StoredTransition> SqliteStore::history(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("reading a history", [&] {
        auto s = impl_->statement(
                            "SELECT t.version, t.event, t.from_state, t.to_state, t.actor, t.actor_role, t.actor_org, "
                            "t.at, t.payload, t.summary FROM transition t JOIN instance i ON t.instance = i.key "
                            "WHERE i.lifecycle = ? AND i.id = ? ORDER BY t.version");
        s->bind(1, std::string(lifecycle));
        s->bind(2, std::string(id));
        std::vector<StoredTransition> out;
        while (s->executeStep()) {
            StoredTransition t;
            t.version = static_cast<std::uint64_t>(s->getColumn(0).getInt64());
            t.event = s->getColumn(1).getString();
            t.from = s->getColumn(2).getString();
            t.to = s->getColumn(3).getString();
            t.actor = Actor{s->getColumn(4).getString(), s->getColumn(5).getString(), s->getColumn(6).getString()};
            t.at = timestamp_from_db(s->getColumn(7).getInt64());
            const SQLite::Column payload = s->getColumn(8);
            t.payload.assign(static_cast<const char*>(payload.getBlob()), static_cast<std::size_t>(payload.getBytes()));
            t.summary = s->getColumn(9).getString();
            out.push_back(std::move(t));
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
