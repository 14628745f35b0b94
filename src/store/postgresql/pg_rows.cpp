// PgStore's rows as they are stored, out to a RowSink and in from one (kimflow/store/rows.hpp):
// what `kimctl store copy` moves between a SQLite file and the database.
#include <functional>
#include <map>
#include <utility>

#include "../chain_check.hpp"
#include "kimflow/store/rows.hpp"
#include "pg_impl.hpp"

namespace kimflow {

using pg::optional_time;
using pg::to_db;

namespace {

}  // namespace

void PgStore::export_rows(RowSink& sink)
{
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    const bool outer = impl_->depth == 0;
    impl_->read("copying the database", [&] {
        pg::Connection& conn = impl_->conn;
        if (outer) conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");  // one snapshot of every table
        try {
            pg::pages(conn,
                  std::string("SELECT key, ") + pg::row_select +
                      ", timer_at FROM instance WHERE key > $1 ORDER BY key LIMIT 1000",
                  [&](const pg::Result& r, int row) {
                      StoredInstance in = pg::row_from(r, row, 1);
                      if (const auto timer = r.optional_integer(row, 16)) in.timer_at = pg::timestamp_from_db(*timer);
                      sink.instance(in);
                      return true;
                  });
            pg::pages(conn,
                  "SELECT t.seq, i.lifecycle, i.id, t.version, t.event, t.from_state, t.to_state, t.actor, "
                  "t.actor_role, t.actor_org, t.at, t.payload, t.summary, t.payload_hash, t.erased_hash, t.hash, "
                  "t.erased_at, t.row_digest FROM transition t JOIN instance i ON t.instance = i.key WHERE t.seq > $1 "
                  "ORDER BY t.seq LIMIT 1000",
                  [&](const pg::Result& r, int row) {
                      StoredLogEntry e;
                      e.seq = static_cast<std::uint64_t>(r.integer(row, 0));
                      e.lifecycle = r.text(row, 1);
                      e.id = r.text(row, 2);
                      e.transition = pg::transition_from(r, row, 3);
                      e.payload_hash = r.text(row, 13);
                      e.erased_hash = r.text(row, 14);
                      e.hash = r.text(row, 15);
                      if (const auto erased = r.optional_integer(row, 16))
                          e.transition.erased_at = pg::timestamp_from_db(*erased);
                      if (!r.null(row, 17)) e.row_digest = r.text(row, 17);
                      sink.transition(e);
                      return true;
                  });
            pg::pages(conn,
                  "SELECT seq, lifecycle, instance, action, actor, actor_role, actor_org, at, reason, hash FROM denial "
                  "WHERE seq > $1 ORDER BY seq LIMIT 1000",
                  [&](const pg::Result& r, int row) {
                      sink.denial(StoredDenialEntry{
                          static_cast<std::uint64_t>(r.integer(row, 0)),
                          StoredDenial{r.text(row, 1), r.text(row, 2), r.text(row, 3),
                                       Actor{r.text(row, 4), r.text(row, 5), r.text(row, 6)},
                                       pg::timestamp_from_db(r.integer(row, 7)), r.text(row, 8)},
                          r.text(row, 9)});
                      return true;
                  });
            pg::pages(conn,
                  "SELECT seq, lifecycle, id, row_digest, hash FROM creation WHERE seq > $1 ORDER BY seq LIMIT 1000",
                  [&](const pg::Result& r, int row) {
                      sink.creation(StoredCreationEntry{static_cast<std::uint64_t>(r.integer(row, 0)), r.text(row, 1),
                                                        r.text(row, 2), r.text(row, 3), r.text(row, 4)});
                      return true;
                  });
            for (const Checkpoint& c : checkpoints()) sink.checkpoint(c);
            const pg::Result settings = conn.run("SELECT key, value FROM setting ORDER BY key");
            for (int row = 0; row < settings.rows(); ++row) sink.setting(settings.text(row, 0), settings.text(row, 1));
            if (outer) conn.exec("COMMIT");
        } catch (...) {
            if (outer) {
                try {
                    conn.exec("ROLLBACK");
                } catch (...) {
                }
            }
            throw;
        }
        return 0;
    });
}

namespace {

/// Fills an empty PgStore in one write transaction; destroyed without finish(), it rolls back.
class PgRowSink final : public RowSink {
public:
    using Write = std::function<void(const char*, const std::function<void()>&)>;
    PgRowSink(PgStore& store, pg::Connection& conn, Write write) : store_(store), conn_(conn), write_(std::move(write))
    {
        store_.begin();
    }
    ~PgRowSink() override
    {
        if (!finished_) store_.rollback();
    }

    void instance(const StoredInstance& in) override
    {
        write("copying an instance", [&] {
            const pg::Result r = conn_.run(
                "INSERT INTO instance (lifecycle, id, version, state, states, data, created_at, created_by, "
                "created_role, created_org, due, owner, area, overseer, erased_at, timer_at) VALUES ($1, $2, $3, $4, $5, "
                "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING key",
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
                    .integer(pg::optional_days(in.due))
                    .text(in.owner)
                    .text(in.area)
                    .text(in.overseer)
                    .integer(optional_time(in.erased_at))
                    .integer(optional_time(in.timer_at)));
            keys_[{in.lifecycle, in.id}] = r.integer(0, 0);
        });
    }
    void transition(const StoredLogEntry& e) override
    {
        write("copying a transition", [&] {
            const auto key = keys_.find({e.lifecycle, e.id});
            if (key == keys_.end())
                throw StoreError("the copy has a transition of " + e.lifecycle + " '" + e.id + "', which it has no row of");
            pg::insert_transition(conn_, static_cast<std::int64_t>(e.seq), key->second, e.transition, e.payload_hash,
                                  e.erased_hash, e.hash,
                                  e.row_digest ? std::optional<std::string_view>(*e.row_digest) : std::nullopt);
        });
    }
    void denial(const StoredDenialEntry& e) override
    {
        write("copying a refusal", [&] {
            pg::insert_denial(conn_, static_cast<std::int64_t>(e.seq), e.denial, e.hash);
        });
    }
    void creation(const StoredCreationEntry& e) override
    {
        write("copying a creation", [&] {
            conn_.run("INSERT INTO creation (seq, lifecycle, id, row_digest, hash) VALUES ($1, $2, $3, $4, $5)",
                           pg::Params()
                               .integer(static_cast<std::int64_t>(e.seq))
                               .text(e.lifecycle)
                               .text(e.id)
                               .bytes(e.row_digest)
                               .bytes(e.hash));
        });
    }
    void checkpoint(const Checkpoint& c) override
    {
        write("copying a checkpoint", [&] {
            conn_.run("INSERT INTO checkpoint (seq, transitions, transition_head, denials, denial_head, creations, "
                           "creation_head, at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                           pg::Params()
                               .integer(static_cast<std::int64_t>(c.seq))
                               .integer(static_cast<std::int64_t>(c.transitions))
                               .bytes(chain::unhex(c.transition_head))
                               .integer(static_cast<std::int64_t>(c.denials))
                               .bytes(chain::unhex(c.denial_head))
                               .integer(static_cast<std::int64_t>(c.creations))
                               .bytes(chain::unhex(c.creation_head))
                               .integer(to_db(c.at))
                               .text(c.key_id)
                               .bytes(chain::unhex(c.signature)));
        });
    }
    void setting(const std::string& key, const std::string& value) override { store_.put_setting(key, value); }
    void finish() override
    {
        store_.commit();
        finished_ = true;
    }

private:
    template <class F>
    void write(const char* doing, F&& f)
    {
        write_(doing, f);
    }

    PgStore& store_;
    pg::Connection& conn_;
    Write write_;
    std::map<std::pair<std::string, std::string>, std::int64_t> keys_;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<RowSink> PgStore::import_rows()
{
    // Checked inside the copy's transaction (which holds the write lock), so that nothing can
    // come in between.
    auto sink = std::make_unique<PgRowSink>(*this, impl_->conn, [this](const char* doing, const std::function<void()>& f) {
        impl_->write(doing, [&] {
            f();
            return 0;
        });
    });
    const auto rows = impl_->read("checking that the database is empty", [&] {
        return impl_->conn
            .run("SELECT (SELECT count(*) FROM instance) + (SELECT count(*) FROM transition) + (SELECT count(*) FROM "
                 "denial) + (SELECT count(*) FROM creation) + (SELECT count(*) FROM checkpoint) + (SELECT count(*) FROM "
                 "setting)")
            .integer(0, 0);
    });
    if (rows > 0)
        throw StoreError("kimflow database '" + where() + "' holds " + std::to_string(rows) +
                         " rows; a copy goes into an empty database only (nothing was changed)");
    return sink;
}

}  // namespace kimflow
