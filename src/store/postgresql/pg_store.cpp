// PgStore: the instance calls (load, insert, append, history, queries), its transactions, and
// the mapping of PostgreSQL's errors that every call uses.
#include "kimflow/store/pg_store.hpp"

#include "kimflow/core/transition.hpp"
#include "pg_impl.hpp"

namespace kimflow {

namespace pg {

namespace {

/// SQLSTATE packed into an int as PostgreSQL packs it (MAKE_SQLSTATE): StoreError::code().
int packed(const std::string& sqlstate)
{
    int code = 0;
    for (std::size_t i = 0; i < sqlstate.size() && i < 5; ++i) code |= ((sqlstate[i] - '0') & 0x3F) << (6 * i);
    return code;
}

}  // namespace

[[noreturn]] void rethrow(const Failure& e, const std::string& where, const char* doing)
{
    const std::string at = "kimflow database '" + where + "': ";
    const std::string& s = e.sqlstate();
    const int code = packed(s);
    if (e.connection_lost())
        throw StoreUnavailable(at + "the database server cannot be reached while " + doing +
                                   "; try again later (the next call reconnects). A commit under way may or may not "
                                   "have happened: retry with the same idempotency key (" + e.what() + ")",
                               code);
    if (s == "40001" || s == "40P01" || s == "55P03" || s == "57014")
        throw StoreBusy(at + "busy while " + doing + ": another node or connection holds the write lock; try again "
                             "later (" + e.what() + ")",
                        code);
    if (s == "25006")
        throw StoreReadOnly(at + "cannot be written while " + doing +
                                ": the server or this connection is read-only (a replica?); connect to the primary (" +
                                e.what() + ")",
                            code);
    if (s == "53100")
        throw StoreFull(at + "full while " + doing + ": the server's disk is full; nothing of this change was written (" +
                            e.what() + ")",
                        code);
    if (s == "XX001" || s == "XX002")
        throw StoreCorrupt(at + "damaged (" + std::string(e.what()) + "); restore it from a backup", code);
    if (s == "22021")
        throw StoreError(at + "refused text it cannot hold (not UTF-8, or a NUL character) while " + doing +
                             "; nothing was written (" + e.what() + ")",
                         code);
    if (s == "42501")
        throw StoreError(at + "permission denied while " + doing +
                             ": grant kimflow's role the rights on its tables (docs/postgresql.md) (" + e.what() + ")",
                         code);
    throw StoreError(at + std::string(e.what()) + " while " + doing, code);
}

void insert_transition(Connection& conn, std::int64_t seq, std::int64_t key, const StoredTransition& t,
                       std::string_view payload_hash, std::string_view erased_hash, std::string_view hash,
                       std::optional<std::string_view> row_digest)
{
    conn.run("INSERT INTO transition (seq, instance, version, event, from_state, to_state, actor, actor_role, actor_org, "
             "at, payload, summary, payload_hash, erased_hash, hash, erased_at, row_digest) VALUES ($1, $2, $3, $4, $5, "
             "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
             Params()
                 .integer(seq)
                 .integer(key)
                 .integer(static_cast<std::int64_t>(t.version))
                 .text(t.event)
                 .text(t.from)
                 .text(t.to)
                 .text(t.actor.id)
                 .text(t.actor.role)
                 .text(t.actor.organization)
                 .integer(to_db(t.at))
                 .bytes(t.payload)
                 .text(t.summary)
                 .bytes(payload_hash)
                 .bytes(erased_hash)
                 .bytes(hash)
                 .integer(optional_time(t.erased_at))
                 .optional_bytes(row_digest));
}

void insert_denial(Connection& conn, std::int64_t seq, const StoredDenial& d, std::string_view hash)
{
    conn.run("INSERT INTO denial (seq, lifecycle, instance, action, actor, actor_role, actor_org, at, reason, hash) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
             Params()
                 .integer(seq)
                 .text(d.lifecycle)
                 .text(d.instance)
                 .text(d.action)
                 .text(d.actor.id)
                 .text(d.actor.role)
                 .text(d.actor.organization)
                 .integer(to_db(d.at))
                 .text(d.reason)
                 .bytes(hash));
}

StoredInstance row_from(const Result& r, int row, int first)
{
    StoredInstance in;
    in.lifecycle = r.text(row, first);
    in.id = r.text(row, first + 1);
    in.version = static_cast<std::uint64_t>(r.integer(row, first + 2));
    in.state = r.text(row, first + 3);
    in.states = split_states(r.text(row, first + 4));
    in.data = r.text(row, first + 5);
    in.created_at = timestamp_from_db(r.integer(row, first + 6));
    in.created_by = Actor{r.text(row, first + 7), r.text(row, first + 8), r.text(row, first + 9)};
    if (const auto due = r.optional_integer(row, first + 10)) in.due = date_from_db(*due);
    in.owner = r.text(row, first + 11);
    in.area = r.text(row, first + 12);
    in.overseer = r.text(row, first + 13);
    if (const auto erased = r.optional_integer(row, first + 14)) in.erased_at = timestamp_from_db(*erased);
    return in;
}

StoredTransition transition_from(const Result& r, int row, int first)
{
    StoredTransition t;
    t.version = static_cast<std::uint64_t>(r.integer(row, first));
    t.event = r.text(row, first + 1);
    t.from = r.text(row, first + 2);
    t.to = r.text(row, first + 3);
    t.actor = Actor{r.text(row, first + 4), r.text(row, first + 5), r.text(row, first + 6)};
    t.at = timestamp_from_db(r.integer(row, first + 7));
    t.payload = r.text(row, first + 8);
    t.summary = r.text(row, first + 9);
    return t;
}

}  // namespace pg

using pg::optional_days;
using pg::optional_time;
using pg::to_db;

PgStore::PgStore(const std::string& connection, PgOptions options)
{
    try {
        impl_ = std::make_unique<Impl>(connection, std::move(options));
        impl_->open();
    } catch (const pg::Failure& e) {
        pg::rethrow(e, impl_ ? impl_->where() : std::string("(connecting)"), "opening it");
    }
}

PgStore::~PgStore()
{
    if (impl_ && impl_->depth > 0) impl_->abandon();
}

const std::string& PgStore::where() const noexcept { return impl_->where(); }

std::optional<StoredInstance> PgStore::load(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("loading an instance", [&]() -> std::optional<StoredInstance> {
        const pg::Result r = impl_->conn.run(
            std::string("SELECT ") + pg::row_select +
                ", timer_at, (SELECT t.at FROM transition t WHERE t.instance = instance.key ORDER BY t.version DESC "
                "LIMIT 1) FROM instance WHERE lifecycle = $1 AND id = $2",
            pg::Params().text(lifecycle).text(id));
        if (r.rows() == 0) return std::nullopt;
        StoredInstance in = pg::row_from(r, 0, 0);
        if (const auto timer = r.optional_integer(0, 15)) in.timer_at = pg::timestamp_from_db(*timer);
        if (const auto last = r.optional_integer(0, 16)) in.last_transition_at = pg::timestamp_from_db(*last);
        return in;
    });
}

std::optional<std::uint64_t> PgStore::version(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("reading a version", [&]() -> std::optional<std::uint64_t> {
        const pg::Result r = impl_->conn.run("SELECT version FROM instance WHERE lifecycle = $1 AND id = $2",
                                             pg::Params().text(lifecycle).text(id));
        if (r.rows() == 0) return std::nullopt;
        return static_cast<std::uint64_t>(r.integer(0, 0));
    });
}

void PgStore::insert(const StoredInstance& in)
{
    impl_->write("creating an instance", [&] {
        if (impl_->conn.run("SELECT 1 FROM instance WHERE lifecycle = $1 AND id = $2",
                            pg::Params().text(in.lifecycle).text(in.id))
                .rows() > 0)
            throw DuplicateInstance(in.lifecycle, in.id);
        // RETURNING the row as stored: what the creation log chains is what verify will read.
        const pg::Result row = impl_->conn.run(
            std::string("INSERT INTO instance (lifecycle, id, version, state, states, data, created_at, created_by, "
                        "created_role, created_org, due, owner, area, overseer, timer_at) VALUES ($1, $2, $3, $4, $5, "
                        "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING ") +
                pg::row_select,
            pg::Params()
                .text(in.lifecycle)
                .text(in.id)
                .integer(static_cast<std::int64_t>(in.version))
                .text(in.state)
                .text(pg::join_states(in.states))
                .bytes(in.data)
                .integer(to_db(in.created_at))
                .text(in.created_by.id)
                .text(in.created_by.role)
                .text(in.created_by.organization)
                .integer(optional_days(in.due))
                .text(in.owner)
                .text(in.area)
                .text(in.overseer)
                .integer(optional_time(in.timer_at)));
        const std::string digest = chain::row_digest(pg::row_from(row, 0, 0));
        const auto hash = chain::creation_hash(impl_->last_head(impl_->creation_head, "creation").hash, in.lifecycle,
                                               in.id, digest);
        const std::int64_t seq = impl_->next_seq(impl_->creation_head, "creation");
        impl_->conn.run("INSERT INTO creation (seq, lifecycle, id, row_digest, hash) VALUES ($1, $2, $3, $4, $5)",
                        pg::Params().integer(seq).text(in.lifecycle).text(in.id).bytes(digest).bytes(pg::as_bytes(hash)));
        impl_->extended(impl_->creation_head, seq, hash);
        return 0;
    });
}

void PgStore::append(const StoredInstance& after, const StoredTransition& t)
{
    impl_->write("recording a transition", [&] {
        const pg::Result current = impl_->conn.run(
            "SELECT key, version FROM instance WHERE lifecycle = $1 AND id = $2",
            pg::Params().text(after.lifecycle).text(after.id));
        if (current.rows() == 0) throw InstanceNotFound(after.lifecycle, after.id);
        const std::int64_t key = current.integer(0, 0);
        const auto stored = static_cast<std::uint64_t>(current.integer(0, 1));
        if (stored + 1 != after.version) throw VersionConflict(after.id, after.version - 1, stored);
        const pg::Result row = impl_->conn.run(
            std::string("UPDATE instance SET version = $2, state = $3, states = $4, data = $5, due = $6, owner = $7, "
                        "area = $8, overseer = $9, timer_at = $10 WHERE key = $1 RETURNING ") +
                pg::row_select,
            pg::Params()
                .integer(key)
                .integer(static_cast<std::int64_t>(after.version))
                .text(after.state)
                .text(pg::join_states(after.states))
                .bytes(after.data)
                .integer(optional_days(after.due))
                .text(after.owner)
                .text(after.area)
                .text(after.overseer)
                .integer(optional_time(after.timer_at)));
        // The chain, as in SqliteStore: the payload's digests as written and erased, the row as
        // written now, and the entry's hash after the last entry's.
        const auto payload = chain::payload_digest(t.payload, t.summary);
        const auto erased = t.personal ? chain::payload_digest(t.erased_payload, t.erased_summary) : payload;
        const std::string digest = chain::row_digest(pg::row_from(row, 0, 0));
        const auto hash = chain::transition_hash(impl_->last_head(impl_->transition_head, "transition").hash,
                                                 after.lifecycle, after.id, t, payload, erased, &digest);
        const std::int64_t seq = impl_->next_seq(impl_->transition_head, "transition");
        pg::insert_transition(impl_->conn, seq, key, t, pg::as_bytes(payload), pg::as_bytes(erased), pg::as_bytes(hash),
                              digest);
        impl_->extended(impl_->transition_head, seq, hash);
        return 0;
    });
}

std::vector<StoredTransition> PgStore::history(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("reading a history", [&] {
        const pg::Result r = impl_->conn.run(
            "SELECT t.version, t.event, t.from_state, t.to_state, t.actor, t.actor_role, t.actor_org, t.at, t.payload, "
            "t.summary, t.erased_at FROM transition t JOIN instance i ON t.instance = i.key WHERE i.lifecycle = $1 AND "
            "i.id = $2 ORDER BY t.version",
            pg::Params().text(lifecycle).text(id));
        std::vector<StoredTransition> out;
        for (int row = 0; row < r.rows(); ++row) {
            out.push_back(pg::transition_from(r, row, 0));
            if (const auto erased = r.optional_integer(row, 10)) out.back().erased_at = pg::timestamp_from_db(*erased);
        }
        return out;
    });
}

std::string PgStore::find_sql(const InstanceQuery& q)
{
    // Parameters are numbered in the order they are present, as find() binds them.
    std::string sql = "SELECT id FROM instance WHERE lifecycle = $1";
    int n = 1;
    const auto next = [&] { return "$" + std::to_string(++n); };
    if (!q.state.empty()) sql += " AND state = " + next();
    if (!q.owner.empty()) sql += " AND owner = " + next();
    if (!q.area.empty()) sql += " AND area = " + next();
    if (!q.overseer.empty()) sql += " AND overseer = " + next();
    if (q.due_before) sql += " AND due IS NOT NULL AND due < " + next();
    if (q.timer_until) sql += " AND timer_at IS NOT NULL AND timer_at <= " + next();
    return sql + " ORDER BY id";
}

std::vector<std::string> PgStore::find(const InstanceQuery& q)
{
    return impl_->read("querying instances", [&] {
        pg::Params params;
        params.text(q.lifecycle);
        for (const std::string* key : {&q.state, &q.owner, &q.area, &q.overseer})
            if (!key->empty()) params.text(*key);
        if (q.due_before) params.integer(to_db(*q.due_before));
        if (q.timer_until) params.integer(to_db(*q.timer_until));
        const pg::Result r = impl_->conn.run(find_sql(q), params);
        std::vector<std::string> out;
        out.reserve(static_cast<std::size_t>(r.rows()));
        for (int row = 0; row < r.rows(); ++row) out.push_back(r.text(row, 0));
        return out;
    });
}

std::uint64_t PgStore::count(std::string_view lifecycle)
{
    return impl_->read("counting instances", [&] {
        return static_cast<std::uint64_t>(
            impl_->conn.run("SELECT count(*) FROM instance WHERE lifecycle = $1", pg::Params().text(lifecycle))
                .integer(0, 0));
    });
}

void PgStore::set_timer(std::string_view lifecycle, std::string_view id, std::uint64_t version,
                        std::optional<Timestamp> at)
{
    impl_->write("indexing a timer", [&] {
        impl_->conn.run("UPDATE instance SET timer_at = $1 WHERE lifecycle = $2 AND id = $3 AND version = $4",
                        pg::Params().integer(optional_time(at)).text(lifecycle).text(id).integer(
                            static_cast<std::int64_t>(version)));
        return 0;
    });
}

void PgStore::reset_timers(std::string_view lifecycle)
{
    impl_->write("marking timers to be looked at", [&] {
        impl_->conn.run("UPDATE instance SET timer_at = 0 WHERE lifecycle = $1", pg::Params().text(lifecycle));
        return 0;
    });
}

std::optional<std::uint64_t> PgStore::change_counter()
{
    return impl_->read("checking for changes", [&]() -> std::optional<std::uint64_t> {
        const auto counter = impl_->conn.run("SELECT counter FROM kimflow_writes WHERE id = 1").integer(0, 0);
        return static_cast<std::uint64_t>(counter) + impl_->rollbacks;
    });
}

// Level 1 is a write transaction that holds the write lock from its start (as SQLite's BEGIN
// IMMEDIATE: a busy database shows at the start, not at the commit); deeper levels are savepoints.
void PgStore::begin()
{
    std::unique_lock<std::recursive_mutex> lock(impl_->mutex);
    try {
        if (impl_->depth == 0)
            impl_->start_transaction();
        else
            impl_->conn.exec("SAVEPOINT kimflow_" + std::to_string(impl_->depth));
    } catch (const pg::Failure& e) {
        if (impl_->depth == 0) impl_->abandon();
        pg::rethrow(e, impl_->where(), "starting a transaction");
    }
    if (impl_->depth++ == 0) impl_->transaction_lock = std::move(lock);
}

void PgStore::commit()
{
    std::lock_guard<std::recursive_mutex> guard(impl_->mutex);
    if (impl_->depth == 0) throw StoreError("commit() without begin()");
    const int level = --impl_->depth;
    try {
        if (level > 0) {
            impl_->conn.exec("RELEASE kimflow_" + std::to_string(level));
            return;
        }
        impl_->seal();
        impl_->conn.exec("COMMIT");
        impl_->forget_heads();
    } catch (const pg::Failure& e) {
        if (level == 0) {
            impl_->abandon();
            impl_->transaction_lock.unlock();
        } else {
            ++impl_->depth;  // the savepoint is still open: the caller rolls it back
        }
        pg::rethrow(e, impl_->where(), "committing");
    } catch (...) {
        // The checkpoint could not be signed: nothing of the transaction is kept unsigned.
        impl_->abandon();
        impl_->transaction_lock.unlock();
        throw;
    }
    impl_->transaction_lock.unlock();
}

void PgStore::rollback()
{
    std::lock_guard<std::recursive_mutex> guard(impl_->mutex);
    if (impl_->depth == 0) return;
    impl_->rollbacks += 2;  // what engines keep in memory may now be ahead of the store
    const int level = --impl_->depth;
    if (level > 0) {
        try {
            // The heads may name entries the savepoint held: read them again.
            impl_->transition_head.reset();
            impl_->denial_head.reset();
            impl_->creation_head.reset();
            impl_->conn.exec("ROLLBACK TO kimflow_" + std::to_string(level) + "; RELEASE kimflow_" +
                             std::to_string(level));
            return;
        } catch (...) {
            impl_->depth = 0;  // the connection is gone: so is the whole transaction
        }
    }
    impl_->abandon();
    impl_->transaction_lock.unlock();
}

std::vector<std::pair<std::string, std::uint64_t>> PgStore::lifecycles()
{
    return impl_->read("listing lifecycles", [&] {
        const pg::Result r =
            impl_->conn.run("SELECT lifecycle, count(*) FROM instance GROUP BY lifecycle ORDER BY lifecycle");
        std::vector<std::pair<std::string, std::uint64_t>> out;
        for (int row = 0; row < r.rows(); ++row)
            out.emplace_back(r.text(row, 0), static_cast<std::uint64_t>(r.integer(row, 1)));
        return out;
    });
}

std::vector<std::string> PgStore::explain(const std::string& sql)
{
    return impl_->read("explaining a query", [&] {
        // A generic plan, as a prepared statement gets after its first runs: what the query costs
        // whatever the values.
        impl_->conn.exec("SET plan_cache_mode = force_generic_plan");
        std::vector<std::string> out;
        try {
            const std::string name = "kimflow_explain";
            impl_->conn.exec("PREPARE " + name + " AS " + sql);
            // EXPLAIN EXECUTE needs a value for each parameter: NULLs plan as any value would.
            int parameters = 0;
            for (std::size_t at = sql.find('$'); at != std::string::npos; at = sql.find('$', at + 1)) ++parameters;
            std::string args;
            for (int i = 0; i < parameters; ++i) args += (i ? ", " : "") + std::string("NULL");
            const pg::Result r = impl_->conn.run("EXPLAIN EXECUTE " + name + (args.empty() ? "" : "(" + args + ")"));
            for (int row = 0; row < r.rows(); ++row) out.push_back(r.text(row, 0));
            impl_->conn.exec("DEALLOCATE " + name + "; RESET plan_cache_mode");
        } catch (...) {
            try {
                impl_->conn.exec("DEALLOCATE kimflow_explain; RESET plan_cache_mode");
            } catch (...) {
            }
            throw;
        }
        return out;
    });
}

}  // namespace kimflow
