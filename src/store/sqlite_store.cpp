// SqliteStore: the instance calls (load, insert, append, history, queries), its
// transactions, the file's own checks, and the mapping of SQLite's errors that every call uses.
#include "kimflow/store/sqlite_store.hpp"

#include <sqlite3.h>

#include "sqlite_impl.hpp"

namespace kimflow {

namespace sqlite_detail {

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

}  // namespace sqlite_detail

using sqlite_detail::date_from_db;
using sqlite_detail::join_states;
using sqlite_detail::rethrow;
using sqlite_detail::split_states;
using sqlite_detail::timestamp_from_db;
using sqlite_detail::to_db;

SqliteStore::SqliteStore(const std::string& path, SqliteOptions options)
{
    try {
        impl_ = std::make_unique<Impl>(path, options, sqlite_detail::open_database(path, options));
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
                            "due, owner, area, overseer, erased_at, timer_at, (SELECT t.at FROM transition t WHERE t.instance = "
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
        if (!s->getColumn(13).isNull()) in.timer_at = timestamp_from_db(s->getColumn(13).getInt64());
        if (!s->getColumn(14).isNull()) in.last_transition_at = timestamp_from_db(s->getColumn(14).getInt64());
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
                            "created_role, created_org, due, owner, area, overseer, timer_at) VALUES (:lifecycle, :id, "
                            ":version, :state, :states, :data, :created_at, :created_by, :created_role, :created_org, :due, "
                            ":owner, :area, :overseer, :timer_at)");
        Impl::bind_instance(*s, in);
        s->bind(":created_at", to_db(in.created_at));
        s->bind(":created_by", in.created_by.id);
        s->bind(":created_role", in.created_by.role);
        s->bind(":created_org", in.created_by.organization);
        s->exec();
        // The creation log chains the new row as stored (see store/chain.hpp).
        const std::string row = chain::row_digest(impl_->row_at(impl_->db.getLastInsertRowid()));
        const auto hash =
            chain::creation_hash(impl_->last_head(impl_->creation_head, "creation").hash, in.lifecycle, in.id, row);
        auto created = impl_->statement("INSERT INTO creation (lifecycle, id, row_digest, hash) VALUES (?, ?, ?, ?)");
        created->bind(1, in.lifecycle);
        created->bind(2, in.id);
        created->bind(3, row.data(), static_cast<int>(row.size()));
        created->bind(4, hash.data(), static_cast<int>(hash.size()));
        created->exec();
        impl_->extended(impl_->creation_head, impl_->db.getLastInsertRowid(), hash);
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
        const bool has_timer = after.timer_at.has_value();
        const std::int64_t timer = has_timer ? to_db(*after.timer_at) : 0;
        {
            auto current = impl_->statement("SELECT key, version, state, due, owner, area, overseer, timer_at FROM instance "
                                            "WHERE lifecycle = ? AND id = ?");
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
            const SQLite::Column stored_timer = current->getColumn(7);
            if (stored_timer.isNull() ? has_timer : (!has_timer || timer != stored_timer.getInt64()))
                changed |= Impl::timer_key;
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
            if (changed & Impl::timer_key) {
                if (has_timer)
                    update->bind(":timer_at", timer);
                else
                    update->bind(":timer_at");
            }
            update->exec();
        }
        // The chain: the digests of the payload as written and erased, the row as written now,
        // and the entry's hash after the last entry's.
        const auto payload = chain::payload_digest(t.payload, t.summary);
        const auto erased = t.personal ? chain::payload_digest(t.erased_payload, t.erased_summary) : payload;
        const std::string row = chain::row_digest(impl_->row_at(key));
        const auto hash = chain::transition_hash(impl_->last_head(impl_->transition_head, "transition").hash,
                                                 after.lifecycle, after.id, t, payload, erased, &row);
        auto insert = impl_->statement(
            "INSERT INTO transition (instance, version, event, from_state, to_state, actor, actor_role, actor_org, at, "
            "payload, summary, payload_hash, erased_hash, hash, row_digest) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
        insert->bindNoCopy(15, row.data(), static_cast<int>(row.size()));
        insert->exec();
        impl_->extended(impl_->transition_head, impl_->db.getLastInsertRowid(), hash);
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
    if (q.timer_until) sql += " AND timer_at IS NOT NULL AND timer_at <= :timer";
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
        if (q.timer_until) s->bind(":timer", to_db(*q.timer_until));
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

std::optional<std::string> SqliteStore::setting(std::string_view key)
{
    return impl_->read("reading a setting", [&]() -> std::optional<std::string> {
        auto s = impl_->statement("SELECT value FROM setting WHERE key = ?");
        s->bind(1, std::string(key));
        if (!s->executeStep()) return std::nullopt;
        return s->getColumn(0).getString();
    });
}

void SqliteStore::put_setting(std::string_view key, std::string_view value)
{
    impl_->write("writing a setting", [&] {
        auto s = impl_->statement("INSERT INTO setting (key, value) VALUES (?, ?) "
                                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        s->bind(1, std::string(key));
        s->bind(2, std::string(value));
        s->exec();
        return 0;
    });
}

void SqliteStore::set_timer(std::string_view lifecycle, std::string_view id, std::uint64_t version,
                            std::optional<Timestamp> at)
{
    impl_->write("indexing a timer", [&] {
        auto s = impl_->statement("UPDATE instance SET timer_at = ? WHERE lifecycle = ? AND id = ? AND version = ?");
        if (at)
            s->bind(1, to_db(*at));
        else
            s->bind(1);
        s->bind(2, std::string(lifecycle));
        s->bind(3, std::string(id));
        s->bind(4, static_cast<std::int64_t>(version));
        s->exec();
        return 0;
    });
}

void SqliteStore::reset_timers(std::string_view lifecycle)
{
    impl_->write("marking timers to be looked at", [&] {
        auto s = impl_->statement("UPDATE instance SET timer_at = 0 WHERE lifecycle = ?");
        s->bind(1, std::string(lifecycle));
        s->exec();
        return 0;
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
        impl_->seal();
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
    } catch (...) {
        // The checkpoint could not be signed: nothing of the transaction is kept unsigned.
        impl_->forget_heads();
        try {
            impl_->db.exec("ROLLBACK");
        } catch (...) {
        }
        impl_->transaction_lock.unlock();
        throw;
    }
    impl_->transaction_lock.unlock();
}

void SqliteStore::rollback()
{
    std::lock_guard<std::recursive_mutex> guard(impl_->mutex);
    if (impl_->depth == 0) return;
    ++impl_->changes;  // what engines keep in memory may now be ahead of the store
    const int level = --impl_->depth;
    impl_->forget_heads(level == 0);
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
