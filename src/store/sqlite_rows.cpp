// SqliteStore's rows as they are stored, out to a RowSink and in from one (kimflow/store/rows.hpp):
// what `kimctl store copy` moves between a file and a PostgreSQL database.
#include "kimflow/store/rows.hpp"

#include "chain_check.hpp"
#include "sqlite_impl.hpp"

namespace kimflow {

using sqlite_detail::blob_of;
using sqlite_detail::timestamp_from_db;
using sqlite_detail::to_db;

namespace {

void bind_blob(SQLite::Statement& s, int at, const std::string& bytes)
{
    s.bind(at, bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

void SqliteStore::export_rows(RowSink& sink)
{
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    const bool outer = impl_->depth == 0;
    impl_->read("copying the database", [&] {
        if (outer) impl_->db.exec("BEGIN");  // one snapshot of every table
        try {
            SQLite::Statement instances(impl_->db, "SELECT lifecycle, id, version, state, states, data, created_at, "
                                                   "created_by, created_role, created_org, due, owner, area, overseer, "
                                                   "erased_at, timer_at FROM instance ORDER BY key");
            while (instances.executeStep()) {
                StoredInstance in = Impl::row_from(instances, 0);
                if (!instances.getColumn(15).isNull())
                    in.timer_at = timestamp_from_db(instances.getColumn(15).getInt64());
                sink.instance(in);
            }
            SQLite::Statement transitions(
                impl_->db, "SELECT t.seq, i.lifecycle, i.id, t.version, t.event, t.from_state, t.to_state, t.actor, "
                           "t.actor_role, t.actor_org, t.at, t.payload, t.summary, t.payload_hash, t.erased_hash, "
                           "t.hash, t.erased_at, t.row_digest FROM transition t JOIN instance i ON t.instance = i.key "
                           "ORDER BY t.seq");
            while (transitions.executeStep()) {
                StoredLogEntry e;
                e.seq = static_cast<std::uint64_t>(transitions.getColumn(0).getInt64());
                e.lifecycle = transitions.getColumn(1).getString();
                e.id = transitions.getColumn(2).getString();
                e.transition = Impl::transition_from(transitions, 3);
                e.payload_hash = blob_of(transitions.getColumn(13));
                e.erased_hash = blob_of(transitions.getColumn(14));
                e.hash = blob_of(transitions.getColumn(15));
                if (!transitions.getColumn(16).isNull())
                    e.transition.erased_at = timestamp_from_db(transitions.getColumn(16).getInt64());
                if (!transitions.getColumn(17).isNull()) e.row_digest = blob_of(transitions.getColumn(17));
                sink.transition(e);
            }
            SQLite::Statement denials(impl_->db, "SELECT seq, lifecycle, instance, action, actor, actor_role, actor_org, "
                                                 "at, reason, hash FROM denial ORDER BY seq");
            while (denials.executeStep())
                sink.denial(StoredDenialEntry{
                    static_cast<std::uint64_t>(denials.getColumn(0).getInt64()),
                    StoredDenial{denials.getColumn(1).getString(), denials.getColumn(2).getString(),
                                 denials.getColumn(3).getString(),
                                 Actor{denials.getColumn(4).getString(), denials.getColumn(5).getString(),
                                       denials.getColumn(6).getString()},
                                 timestamp_from_db(denials.getColumn(7).getInt64()), denials.getColumn(8).getString()},
                    blob_of(denials.getColumn(9))});
            SQLite::Statement creations(impl_->db, "SELECT seq, lifecycle, id, row_digest, hash FROM creation ORDER BY seq");
            while (creations.executeStep())
                sink.creation(StoredCreationEntry{static_cast<std::uint64_t>(creations.getColumn(0).getInt64()),
                                                  creations.getColumn(1).getString(), creations.getColumn(2).getString(),
                                                  blob_of(creations.getColumn(3)), blob_of(creations.getColumn(4))});
            for (const Checkpoint& c : checkpoints()) sink.checkpoint(c);
            SQLite::Statement settings(impl_->db, "SELECT key, value FROM setting ORDER BY key");
            while (settings.executeStep()) sink.setting(settings.getColumn(0).getString(), settings.getColumn(1).getString());
            if (outer) impl_->db.exec("COMMIT");
        } catch (...) {
            if (outer) {
                try {
                    impl_->db.exec("ROLLBACK");
                } catch (...) {
                }
            }
            throw;
        }
        return 0;
    });
}

namespace {

/// Fills an empty SqliteStore in one transaction; destroyed without finish(), it rolls back.
class SqliteRowSink final : public RowSink {
public:
    SqliteRowSink(SqliteStore& store, SQLite::Database& db, std::function<void(const char*, std::function<void()>)> write)
        : store_(store), db_(db), write_(std::move(write))
    {
        store_.begin();
    }
    ~SqliteRowSink() override
    {
        if (!finished_) store_.rollback();
    }

    void instance(const StoredInstance& in) override
    {
        write_("copying an instance", [&] {
            SQLite::Statement s(db_, "INSERT INTO instance (lifecycle, id, version, state, states, data, created_at, "
                                     "created_by, created_role, created_org, due, owner, area, overseer, erased_at, "
                                     "timer_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            s.bind(1, in.lifecycle);
            s.bind(2, in.id);
            s.bind(3, static_cast<std::int64_t>(in.version));
            s.bind(4, in.state);
            s.bind(5, sqlite_detail::join_states(in.states));
            bind_blob(s, 6, in.data);
            s.bind(7, to_db(in.created_at));
            s.bind(8, in.created_by.id);
            s.bind(9, in.created_by.role);
            s.bind(10, in.created_by.organization);
            if (in.due) s.bind(11, to_db(*in.due));
            s.bind(12, in.owner);
            s.bind(13, in.area);
            s.bind(14, in.overseer);
            if (in.erased_at) s.bind(15, to_db(*in.erased_at));
            if (in.timer_at) s.bind(16, to_db(*in.timer_at));
            s.exec();
            keys_[{in.lifecycle, in.id}] = db_.getLastInsertRowid();
        });
    }
    void transition(const StoredLogEntry& e) override
    {
        write_("copying a transition", [&] {
            const auto key = keys_.find({e.lifecycle, e.id});
            if (key == keys_.end())
                throw StoreError("the copy has a transition of " + e.lifecycle + " '" + e.id + "', which it has no row of");
            const StoredTransition& t = e.transition;
            SQLite::Statement s(db_, "INSERT INTO transition (seq, instance, version, event, from_state, to_state, "
                                     "actor, actor_role, actor_org, at, payload, summary, payload_hash, erased_hash, "
                                     "hash, erased_at, row_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                     "?, ?)");
            s.bind(1, static_cast<std::int64_t>(e.seq));
            s.bind(2, key->second);
            s.bind(3, static_cast<std::int64_t>(t.version));
            s.bind(4, t.event);
            s.bind(5, t.from);
            s.bind(6, t.to);
            s.bind(7, t.actor.id);
            s.bind(8, t.actor.role);
            s.bind(9, t.actor.organization);
            s.bind(10, to_db(t.at));
            bind_blob(s, 11, t.payload);
            s.bind(12, t.summary);
            bind_blob(s, 13, e.payload_hash);
            bind_blob(s, 14, e.erased_hash);
            bind_blob(s, 15, e.hash);
            if (t.erased_at) s.bind(16, to_db(*t.erased_at));
            if (e.row_digest) bind_blob(s, 17, *e.row_digest);
            s.exec();
        });
    }
    void denial(const StoredDenialEntry& e) override
    {
        write_("copying a refusal", [&] {
            const StoredDenial& d = e.denial;
            SQLite::Statement s(db_, "INSERT INTO denial (seq, lifecycle, instance, action, actor, actor_role, actor_org, "
                                     "at, reason, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            s.bind(1, static_cast<std::int64_t>(e.seq));
            s.bind(2, d.lifecycle);
            s.bind(3, d.instance);
            s.bind(4, d.action);
            s.bind(5, d.actor.id);
            s.bind(6, d.actor.role);
            s.bind(7, d.actor.organization);
            s.bind(8, to_db(d.at));
            s.bind(9, d.reason);
            bind_blob(s, 10, e.hash);
            s.exec();
        });
    }
    void creation(const StoredCreationEntry& e) override
    {
        write_("copying a creation", [&] {
            SQLite::Statement s(db_, "INSERT INTO creation (seq, lifecycle, id, row_digest, hash) VALUES (?, ?, ?, ?, ?)");
            s.bind(1, static_cast<std::int64_t>(e.seq));
            s.bind(2, e.lifecycle);
            s.bind(3, e.id);
            bind_blob(s, 4, e.row_digest);
            bind_blob(s, 5, e.hash);
            s.exec();
        });
    }
    void checkpoint(const Checkpoint& c) override
    {
        write_("copying a checkpoint", [&] {
            SQLite::Statement s(db_, "INSERT INTO checkpoint (seq, transitions, transition_head, denials, denial_head, "
                                     "creations, creation_head, at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            s.bind(1, static_cast<std::int64_t>(c.seq));
            s.bind(2, static_cast<std::int64_t>(c.transitions));
            bind_blob(s, 3, chain::unhex(c.transition_head));
            s.bind(4, static_cast<std::int64_t>(c.denials));
            bind_blob(s, 5, chain::unhex(c.denial_head));
            s.bind(6, static_cast<std::int64_t>(c.creations));
            bind_blob(s, 7, chain::unhex(c.creation_head));
            s.bind(8, to_db(c.at));
            s.bind(9, c.key_id);
            bind_blob(s, 10, chain::unhex(c.signature));
            s.exec();
        });
    }
    void setting(const std::string& key, const std::string& value) override { store_.put_setting(key, value); }
    void finish() override
    {
        store_.commit();
        finished_ = true;
    }

private:
    SqliteStore& store_;
    SQLite::Database& db_;
    std::function<void(const char*, std::function<void()>)> write_;
    std::map<std::pair<std::string, std::string>, std::int64_t> keys_;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<RowSink> SqliteStore::import_rows()
{
    // Checked inside the copy's transaction, so that nothing can come in between.
    auto sink = std::make_unique<SqliteRowSink>(*this, impl_->db, [this](const char* doing, std::function<void()> f) {
        impl_->write(doing, [&] {
            f();
            return 0;
        });
    });
    const auto rows = impl_->read("checking that the database is empty", [&] {
        return impl_->db.execAndGet("SELECT (SELECT count(*) FROM instance) + (SELECT count(*) FROM transition) + "
                                    "(SELECT count(*) FROM denial) + (SELECT count(*) FROM creation) + "
                                    "(SELECT count(*) FROM checkpoint) + (SELECT count(*) FROM setting)")
            .getInt64();
    });
    if (rows > 0)
        throw StoreError("kimflow database '" + impl_->path + "' holds " + std::to_string(rows) +
                         " rows; a copy goes into an empty database only (nothing was changed)");
    return sink;
}

}  // namespace kimflow
