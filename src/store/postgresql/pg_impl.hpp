// PgStore's connection state and the helpers its source files share: the instance calls
// (pg_store.cpp), the schema (pg_schema.cpp), the audit trail and feed (pg_audit.cpp) and its
// checks (pg_verify.cpp). Private to those; nothing here is part of kimflow's interface.
#pragma once

#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "../chain.hpp"
#include "../stored_values.hpp"
#include "kimflow/store/pg_store.hpp"
#include "pg_connection.hpp"

namespace kimflow {

namespace pg {

// Values as every store keeps them (stored_values.hpp), so that a copy between PostgreSQL and
// SQLite keeps every value (and every hash) as it is.
using stored::date_from_db;
using stored::join_states;
using stored::split_states;
using stored::timestamp_from_db;
using stored::to_db;

inline std::optional<std::int64_t> optional_days(const std::optional<Date>& d)
{
    return d ? std::optional<std::int64_t>(to_db(*d)) : std::nullopt;
}
inline std::optional<std::int64_t> optional_time(const std::optional<Timestamp>& t)
{
    return t ? std::optional<std::int64_t>(to_db(*t)) : std::nullopt;
}


inline std::string_view as_bytes(const Sha256::Digest& d)
{
    return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}
inline Sha256::Digest digest_of(std::string_view bytes)
{
    Sha256::Digest d{};
    if (bytes.size() == d.size()) std::copy(bytes.begin(), bytes.end(), d.begin());
    return d;
}

/// The key of the advisory lock every write transaction holds ("KIMF"): one writer at a time
/// per database, whichever node it runs on.
inline constexpr std::int64_t write_lock = 0x4B494D46;

/// Turns libpq's failure into the kimflow error a host can act on (pg_store.cpp).
[[noreturn]] void rethrow(const Failure& e, const std::string& where, const char* doing);

/// Runs @p sql (one parameter: the first column's last value, a seq or key) page after page of
/// at most 1000 rows, ordered by that column, calling @p each for every row until it returns
/// false; so that a large database is never held in memory at once. @return whether every row
/// was taken.
template <class Each>
bool pages(Connection& conn, const std::string& sql, Each&& each)
{
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    for (;;) {
        const Result r = conn.run(sql, Params().integer(after));
        for (int row = 0; row < r.rows(); ++row)
            if (!each(r, row)) return false;
        if (r.rows() < 1000) return true;
        after = r.integer(r.rows() - 1, 0);
    }
}

/// Writes the transition log entry @p t of instance row @p key at @p seq with its digests and
/// hash (raw bytes) and the row digest it chains (none: a format-1 entry).
void insert_transition(Connection& conn, std::int64_t seq, std::int64_t key, const StoredTransition& t,
                       std::string_view payload_hash, std::string_view erased_hash, std::string_view hash,
                       std::optional<std::string_view> row_digest);
/// Writes the denial log entry @p d at @p seq with its hash (raw bytes).
void insert_denial(Connection& conn, std::int64_t seq, const StoredDenial& d, std::string_view hash);

/// The columns row_from() reads, in its order (the fifteen a row digest covers, store/chain.hpp).
inline constexpr const char* row_select = "lifecycle, id, version, state, states, data, created_at, created_by, "
                                          "created_role, created_org, due, owner, area, overseer, erased_at";
/// An instance from row_select's fifteen columns of row @p row, from column @p first.
StoredInstance row_from(const Result& r, int row, int first);
/// A transition from the ten columns version, event, from, to, actor, role, org, at, payload,
/// summary of row @p row, from column @p first.
StoredTransition transition_from(const Result& r, int row, int first);

}  // namespace pg

struct PgStore::Impl {
    PgOptions options;
    pg::Connection conn;
    std::recursive_mutex mutex;
    std::unique_lock<std::recursive_mutex> transaction_lock{mutex, std::defer_lock};
    int depth = 0;  // nesting of begin() on the thread that holds transaction_lock
    /// Rollbacks of this object (two each): what change_counter() adds to the database's counter,
    /// which a rollback takes back.
    std::uint64_t rollbacks = 0;
    /// A log's last entry: its seq (0 for an empty log) and its hash.
    struct Head {
        std::uint64_t seq = 0;
        Sha256::Digest hash = chain::genesis;
    };
    /// The logs' last entries, known inside a write transaction (which holds the write lock, so
    /// no node can add to them meanwhile); read again in each transaction.
    std::optional<Head> transition_head, denial_head, creation_head;
    /// Whether this transaction added to a log, so that its commit writes a checkpoint.
    bool logs_grew = false;
    /// The seq of the first entry this transaction added to each log, if it added one.
    std::optional<std::uint64_t> first_added[3];
    /// sign_heads(): this commit signs the heads as they are.
    bool adopt_heads = false;
    /// Nesting of read() (only the outermost runs again after a lost connection).
    int reads = 0;

    Impl(const std::string& connection, PgOptions o)
        : options(std::move(o)), conn(connection, options.connect_timeout)
    {
    }

    const std::string& where() const noexcept { return conn.where(); }

    // The schema (pg_schema.cpp).
    void open();

    /// Starts the outermost write transaction: the write lock, then the write counter.
    void start_transaction()
    {
        conn.ensure();
        conn.leave_transaction();  // what a failure elsewhere may have left open
        forget_heads();
        const std::string begin = "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" +
                                  std::to_string(pg::write_lock) + "); UPDATE kimflow_writes SET counter = counter + 1";
        try {
            conn.exec(begin);
        } catch (const pg::Failure& e) {
            abandon();  // a lock that timed out leaves the transaction open, and aborted
            // A connection the server closed (a restart) shows only when it is used: connect
            // anew and start again, since nothing was done yet.
            if (!e.connection_lost()) throw;
            conn.ensure();
            try {
                conn.exec(begin);
            } catch (...) {
                abandon();
                throw;
            }
        }
    }

    void forget_heads()
    {
        transition_head.reset();
        denial_head.reset();
        creation_head.reset();
        logs_grew = false;
        adopt_heads = false;
        for (auto& seq : first_added) seq.reset();
    }

    /// Undoes the outermost transaction after a failure (the connection may be gone with it).
    void abandon() noexcept
    {
        forget_heads();
        try {
            if (conn.up()) conn.exec("ROLLBACK");
        } catch (...) {
        }
    }

    /// The last entry of log @p table: @p head if known, else read from the table.
    Head& last_head(std::optional<Head>& head, std::string_view table)
    {
        if (head) return *head;
        const pg::Result r = conn.run("SELECT seq, hash FROM " + std::string(table) + " ORDER BY seq DESC LIMIT 1");
        head = Head{};
        if (r.rows() == 1) head = Head{static_cast<std::uint64_t>(r.integer(0, 0)), pg::digest_of(r.view(0, 1))};
        return *head;
    }
    /// The seq the next entry of @p table gets, after @p head.
    std::int64_t next_seq(std::optional<Head>& head, std::string_view table)
    {
        return static_cast<std::int64_t>(last_head(head, table).seq + 1);
    }
    /// Records that entry @p seq with @p hash is now the last of its log.
    void extended(std::optional<Head>& head, std::int64_t seq, const Sha256::Digest& hash)
    {
        head = Head{static_cast<std::uint64_t>(seq), hash};
        logs_grew = true;
        auto& first = first_added[&head == &transition_head ? 0 : &head == &denial_head ? 1 : 2];
        if (!first) first = static_cast<std::uint64_t>(seq);
    }

    /// Writes a signed checkpoint if this transaction added to a log (pg_verify.cpp).
    void seal();

    /// Runs @p f under the store's lock, inside a write transaction unless begin() has opened one.
    template <class F>
    auto write(const char* doing, F&& f)
    {
        std::lock_guard<std::recursive_mutex> lock(mutex);
        try {
            if (depth > 0) return f();
            start_transaction();
            try {
                auto result = f();
                seal();
                conn.exec("COMMIT");
                forget_heads();
                return result;
            } catch (...) {
                abandon();
                throw;
            }
        } catch (const pg::Failure& e) {
            pg::rethrow(e, where(), doing);
        }
    }

    template <class F>
    auto read(const char* doing, F&& f)
    {
        std::lock_guard<std::recursive_mutex> lock(mutex);
        struct Nesting {
            int& n;
            explicit Nesting(int& count) : n(++count) {}
            ~Nesting() { --n; }
        } nesting(reads);
        try {
            if (depth > 0 || reads > 1) return f();
            conn.ensure();
            try {
                return f();
            } catch (const pg::Failure& e) {
                // A connection the server closed (a restart) shows only when it is used: a read
                // changed nothing, so it runs once more on a new connection.
                if (!e.connection_lost()) throw;
                conn.ensure();
                return f();
            }
        } catch (const pg::Failure& e) {
            pg::rethrow(e, where(), doing);
        }
    }
};

}  // namespace kimflow
