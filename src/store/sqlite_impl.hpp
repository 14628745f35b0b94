// SqliteStore's connection and the helpers its source files share: the instance calls
// (sqlite_store.cpp), the schema and opening the file (sqlite_schema.cpp), and the audit trail
// (sqlite_audit.cpp). Private to those three; nothing here is part of kimflow's interface.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "chain.hpp"
#include "stored_values.hpp"
#include "kimflow/store/sqlite_store.hpp"

namespace kimflow {

namespace sqlite_detail {

// Values as every store keeps them (stored_values.hpp).
using stored::date_from_db;
using stored::join_states;
using stored::split_states;
using stored::timestamp_from_db;
using stored::to_db;

/// The connection to @p path as @p options ask: created if it may be, else opened only as it is
/// there; read-only without creating a file beside it (sqlite_open.cpp).
SQLite::Database open_database(const std::string& path, const SqliteOptions& options);

// Turns SQLite's error into the kimflow error a host can act on (sqlite_store.cpp).
[[noreturn]] void rethrow(const SQLite::Exception& e, const std::string& path, const char* doing);

inline std::string_view as_bytes(const Sha256::Digest& d)
{
    return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

/// A BLOB column's bytes (empty for NULL).
inline std::string blob_of(const SQLite::Column& c)
{
    return c.isNull() ? std::string()
                      : std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
}

inline Sha256::Digest digest_from_db(const SQLite::Column& c)
{
    Sha256::Digest d{};
    if (c.isNull() || c.getBytes() != static_cast<int>(d.size())) return d;
    const auto* bytes = static_cast<const std::uint8_t*>(c.getBlob());
    std::copy(bytes, bytes + d.size(), d.begin());
    return d;
}

inline bool same_digest(const SQLite::Column& c, const Sha256::Digest& d)
{
    return !c.isNull() && c.getBytes() == static_cast<int>(d.size()) &&
           std::equal(d.begin(), d.end(), static_cast<const std::uint8_t*>(c.getBlob()));
}

}  // namespace sqlite_detail

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
    /// A log's last entry: its seq (0 for an empty log) and its hash.
    struct Head {
        std::uint64_t seq = 0;
        Sha256::Digest hash = chain::genesis;
    };
    /// The logs' last entries, known while no other connection has written and nothing was
    /// rolled back (each append would otherwise look them up).
    std::optional<Head> transition_head, denial_head, creation_head;
    /// Whether this transaction added to a log, so that its commit writes a checkpoint.
    bool logs_grew = false;
    /// The seq of the first entry this transaction added to each log (transition, denial,
    /// creation), if it added one: what lies before it must be what the last checkpoint signed.
    std::optional<std::uint64_t> first_added[3];
    /// sign_heads(): this commit signs the heads as they are, whatever lies after the last
    /// checkpoint (the first checkpoint of a file, after kimctl verify).
    bool adopt_heads = false;

    Impl(const std::string& p, SqliteOptions o, SQLite::Database&& database)
        : path(p), options(std::move(o)), db(std::move(database))
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

    // Opening the file and bringing its schema up to date (sqlite_schema.cpp).
    void open();
    void migrate(std::int64_t from);
    void fold_organization_keys();
    void chain_existing_log();
    void chain_existing_rows();

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
        t.at = sqlite_detail::timestamp_from_db(s.getColumn(first + 7).getInt64());
        const SQLite::Column payload = s.getColumn(first + 8);
        t.payload.assign(static_cast<const char*>(payload.getBlob()), static_cast<std::size_t>(payload.getBytes()));
        t.summary = s.getColumn(first + 9).getString();
        return t;
    }

    /// Forgets the cached heads (another connection wrote, or a rollback undid appends). At
    /// the end of the outermost transaction (@p ended) also what it added: a savepoint rolled
    /// back inside it leaves the appends before it, which its commit must still sign.
    void forget_heads(bool ended = true)
    {
        transition_head.reset();
        denial_head.reset();
        creation_head.reset();
        if (!ended) return;
        logs_grew = false;
        adopt_heads = false;
        for (auto& seq : first_added) seq.reset();
    }

    /// The last entry of log @p table: @p head if known, else read from the table.
    Head& last_head(std::optional<Head>& head, std::string_view table)
    {
        if (head) return *head;
        auto s = statement("SELECT seq, hash FROM " + std::string(table) + " ORDER BY seq DESC LIMIT 1");
        head = Head{};
        if (s->executeStep())
            head = Head{static_cast<std::uint64_t>(s->getColumn(0).getInt64()), sqlite_detail::digest_from_db(s->getColumn(1))};
        return *head;
    }
    /// Records that entry @p seq with @p hash is now the last of its log.
    void extended(std::optional<Head>& head, std::int64_t seq, const Sha256::Digest& hash)
    {
        head = Head{static_cast<std::uint64_t>(seq), hash};
        logs_grew = true;
        auto& first = first_added[&head == &transition_head ? 0 : &head == &denial_head ? 1 : 2];
        if (!first) first = static_cast<std::uint64_t>(seq);
    }

    /// The instance row with key @p key, every column the row digest covers (store/chain.hpp),
    /// read back as stored, so that what is chained is what verify will read.
    StoredInstance row_at(std::int64_t key)
    {
        auto s = statement("SELECT lifecycle, id, version, state, states, data, created_at, created_by, created_role, "
                           "created_org, due, owner, area, overseer, erased_at FROM instance WHERE key = ?");
        s->bind(1, key);
        if (!s->executeStep()) throw StoreError("kimflow database '" + path + "': instance row " + std::to_string(key) +
                                                " vanished while it was written");
        return row_from(*s, 0);
    }
    /// An instance from the fifteen columns lifecycle … erased_at of row_at()'s SELECT, from @p first.
    static StoredInstance row_from(SQLite::Statement& s, int first)
    {
        StoredInstance in;
        in.lifecycle = s.getColumn(first).getString();
        in.id = s.getColumn(first + 1).getString();
        in.version = static_cast<std::uint64_t>(s.getColumn(first + 2).getInt64());
        in.state = s.getColumn(first + 3).getString();
        in.states = sqlite_detail::split_states(s.getColumn(first + 4).getString());
        const SQLite::Column data = s.getColumn(first + 5);
        in.data.assign(static_cast<const char*>(data.getBlob()), static_cast<std::size_t>(data.getBytes()));
        in.created_at = sqlite_detail::timestamp_from_db(s.getColumn(first + 6).getInt64());
        in.created_by = Actor{s.getColumn(first + 7).getString(), s.getColumn(first + 8).getString(),
                              s.getColumn(first + 9).getString()};
        if (!s.getColumn(first + 10).isNull()) in.due = sqlite_detail::date_from_db(s.getColumn(first + 10).getInt64());
        in.owner = s.getColumn(first + 11).getString();
        in.area = s.getColumn(first + 12).getString();
        in.overseer = s.getColumn(first + 13).getString();
        if (!s.getColumn(first + 14).isNull())
            in.erased_at = sqlite_detail::timestamp_from_db(s.getColumn(first + 14).getInt64());
        return in;
    }

    /// Writes a signed checkpoint of the three logs' heads if this transaction added to one
    /// and a signer is set; called just before the transaction commits (sqlite_audit.cpp).
    void seal();

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
                seal();
                t.commit();
                return result;
            } catch (...) {
                forget_heads();  // the transaction rolls back what f() appended
                throw;
            }
        } catch (const SQLite::Exception& e) {
            sqlite_detail::rethrow(e, path, doing);
        }
    }

    template <class F>
    auto read(const char* doing, F&& f)
    {
        std::lock_guard<std::recursive_mutex> lock(mutex);
        try {
            return f();
        } catch (const SQLite::Exception& e) {
            sqlite_detail::rethrow(e, path, doing);
        }
    }

    /// Query keys an append may change (bits of the mask update_sql() takes).
    enum : unsigned { state_key = 1, due_key = 2, owner_key = 4, area_key = 8, overseer_key = 16, timer_key = 32 };

    /// The UPDATE of an instance row after a transition that changes the keys in @p changed
    /// (the 64 texts are made once, not on every append).
    static const std::string& update_sql(unsigned changed)
    {
        static const std::array<std::string, 64> texts = [] {
            std::array<std::string, 64> out;
            for (unsigned mask = 0; mask < out.size(); ++mask) {
                std::string sql = "UPDATE instance SET version = :version, states = :states, data = :data";
                if (mask & state_key) sql += ", state = :state";
                if (mask & due_key) sql += ", due = :due";
                if (mask & owner_key) sql += ", owner = :owner";
                if (mask & area_key) sql += ", area = :area";
                if (mask & overseer_key) sql += ", overseer = :overseer";
                if (mask & timer_key) sql += ", timer_at = :timer_at";
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
        s.bind(":states", sqlite_detail::join_states(in.states));
        s.bind(":data", in.data.data(), static_cast<int>(in.data.size()));
        if (in.due)
            s.bind(":due", sqlite_detail::to_db(*in.due));
        else
            s.bind(":due");
        s.bind(":owner", in.owner);
        s.bind(":area", in.area);
        s.bind(":overseer", in.overseer);
        if (in.timer_at)
            s.bind(":timer_at", sqlite_detail::to_db(*in.timer_at));
        else
            s.bind(":timer_at");
    }
};

}  // namespace kimflow
