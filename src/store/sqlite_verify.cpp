// SqliteStore's checks of its audit trail: the three hash chains (store/chain.hpp), the instance
// rows against the rows their entries chained, and the signed checkpoints written at each commit.
#include <chrono>
#include <utility>

#include "kimflow/core/transition.hpp"
#include "chain_check.hpp"
#include "sqlite_impl.hpp"

namespace kimflow {

using sqlite_detail::blob_of;
using sqlite_detail::timestamp_from_db;
using sqlite_detail::to_db;

void SqliteStore::Impl::seal()
{
    if (!logs_grew) return;
    const bool adopt = adopt_heads;
    logs_grew = adopt_heads = false;
    std::optional<std::uint64_t> first[3];
    for (int i = 0; i < 3; ++i) first[i] = std::exchange(first_added[i], std::nullopt);
    auto last = statement("SELECT key_id, transitions, denials, creations, seq FROM checkpoint ORDER BY seq DESC LIMIT 1");
    const bool signed_before = last->executeStep();
    if (!options.signer) {
        if (signed_before)
            throw StoreError(chain::unsigned_commit_refusal(path, last->getColumn(0).getString()));
        return;
    }
    // What lies before this transaction's entries must be what the last checkpoint signed:
    // entries someone wrote without the key are not signed along with ours.
    if (!adopt) {
        const char* logs[] = {"transition", "denial", "creation"};
        for (int i = 0; i < 3; ++i) {
            auto before = statement(std::string("SELECT coalesce(max(seq), 0) FROM ") + logs[i] +
                                    (first[i] ? " WHERE seq < ?" : ""));
            if (first[i]) before->bind(1, static_cast<std::int64_t>(*first[i]));
            before->executeStep();
            const std::int64_t unsigned_up_to = before->getColumn(0).getInt64();
            const std::int64_t signed_up_to = signed_before ? last->getColumn(1 + i).getInt64() : 0;
            if (unsigned_up_to != signed_up_to)
                throw StoreError(
                    chain::unsigned_entries_refusal(path, logs[i], unsigned_up_to, signed_before, signed_up_to));
        }
    }
    Checkpoint c;
    const Head& transitions = last_head(transition_head, "transition");
    c.transitions = transitions.seq;
    c.transition_head = to_hex(transitions.hash);
    const Head& denials = last_head(denial_head, "denial");
    c.denials = denials.seq;
    c.denial_head = to_hex(denials.hash);
    const Head& creations = last_head(creation_head, "creation");
    c.creations = creations.seq;
    c.creation_head = to_hex(creations.hash);
    c.at = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    c.key_id = options.signer->key_id();
    const std::string signature = options.signer->sign(checkpoint_message(c));
    auto s = statement("INSERT INTO checkpoint (transitions, transition_head, denials, denial_head, creations, "
                       "creation_head, at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s->bind(1, static_cast<std::int64_t>(c.transitions));
    s->bind(2, transitions.hash.data(), static_cast<int>(transitions.hash.size()));
    s->bind(3, static_cast<std::int64_t>(c.denials));
    s->bind(4, denials.hash.data(), static_cast<int>(denials.hash.size()));
    s->bind(5, static_cast<std::int64_t>(c.creations));
    s->bind(6, creations.hash.data(), static_cast<int>(creations.hash.size()));
    s->bind(7, to_db(c.at));
    s->bind(8, c.key_id);
    s->bind(9, signature.data(), static_cast<int>(signature.size()));
    s->exec();
}

void SqliteStore::sign_heads()
{
    if (!impl_->options.signer) throw StoreError("sign_heads() needs SqliteOptions::signer");
    begin();
    impl_->logs_grew = true;  // a checkpoint even when nothing was added since the last one
    impl_->adopt_heads = true;
    commit();
}

std::vector<Checkpoint> SqliteStore::checkpoints()
{
    return impl_->read("reading the signed checkpoints", [&] {
        SQLite::Statement s(impl_->db, "SELECT seq, transitions, transition_head, denials, denial_head, creations, "
                                       "creation_head, at, key_id, signature FROM checkpoint ORDER BY seq");
        std::vector<Checkpoint> out;
        while (s.executeStep()) {
            Checkpoint c;
            c.seq = static_cast<std::uint64_t>(s.getColumn(0).getInt64());
            c.transitions = static_cast<std::uint64_t>(s.getColumn(1).getInt64());
            c.transition_head = chain::hex(blob_of(s.getColumn(2)));
            c.denials = static_cast<std::uint64_t>(s.getColumn(3).getInt64());
            c.denial_head = chain::hex(blob_of(s.getColumn(4)));
            c.creations = static_cast<std::uint64_t>(s.getColumn(5).getInt64());
            c.creation_head = chain::hex(blob_of(s.getColumn(6)));
            c.at = timestamp_from_db(s.getColumn(7).getInt64());
            c.key_id = s.getColumn(8).getString();
            c.signature = chain::hex(blob_of(s.getColumn(9)));
            out.push_back(std::move(c));
        }
        return out;
    });
}

ChainCheck SqliteStore::verify_chain(const std::vector<Checkpoint>& witnessed)
{
    // One read transaction for all of it: a writer beside it (kimflowd, kimctl) cannot commit
    // between the checkpoints, the logs and the rows this reads.
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    const bool outer = impl_->depth == 0;
    if (outer) impl_->read("checking the audit trail", [&] { return impl_->db.exec("BEGIN"); });
    try {
        ChainCheck check = verify_chain_now(witnessed);
        if (outer) impl_->read("checking the audit trail", [&] { return impl_->db.exec("COMMIT"); });
        return check;
    } catch (...) {
        if (outer) {
            try {
                impl_->db.exec("ROLLBACK");
            } catch (...) {
            }
        }
        throw;
    }
}

ChainCheck SqliteStore::verify_chain_now(const std::vector<Checkpoint>& witnessed)
{
    chain::ChainVerifier verifier(checkpoints(), witnessed);
    return impl_->read("checking the audit trail", [&] {
        SQLite::Statement rows(impl_->db,
                               "SELECT t.seq, i.lifecycle, i.id, t.version, t.event, t.from_state, t.to_state, t.actor, "
                               "t.actor_role, t.actor_org, t.at, t.payload, t.summary, t.payload_hash, t.erased_hash, "
                               "t.hash, t.erased_at, t.row_digest FROM transition t LEFT JOIN instance i ON "
                               "t.instance = i.key ORDER BY t.seq");
        while (rows.executeStep()) {
            chain::TransitionRow row;
            row.seq = static_cast<std::uint64_t>(rows.getColumn(0).getInt64());
            if (!rows.getColumn(1).isNull()) {
                row.lifecycle = rows.getColumn(1).getString();
                row.id = rows.getColumn(2).getString();
            }
            row.transition = Impl::transition_from(rows, 3);
            row.payload_hash = blob_of(rows.getColumn(13));
            row.erased_hash = blob_of(rows.getColumn(14));
            row.hash = blob_of(rows.getColumn(15));
            row.erased = !rows.getColumn(16).isNull();
            if (!rows.getColumn(17).isNull()) row.row_digest = blob_of(rows.getColumn(17));
            if (!verifier.transition(row)) return verifier.result();
        }
        {
            // An erased entry is chained in its erased form, so that form alone proves nothing:
            // Store::erase marks it with the time of the erasure it logs after it (event
            // erasure_event). An entry marked erased without one was erased outside kimflow.
            SQLite::Statement unlogged(
                impl_->db, "SELECT (SELECT count(*) FROM transition p WHERE p.seq <= t.seq), i.lifecycle, i.id, t.version "
                           "FROM transition t JOIN instance i ON t.instance = i.key WHERE t.erased_at IS NOT NULL AND "
                           "NOT EXISTS (SELECT 1 FROM transition r WHERE r.instance = t.instance AND r.version > "
                           "t.version AND r.event = ? AND r.at = t.erased_at) ORDER BY t.seq LIMIT 1");
            unlogged.bind(1, std::string(erasure_event));
            if (unlogged.executeStep()) {
                verifier.erased_without_record(static_cast<std::uint64_t>(unlogged.getColumn(0).getInt64()),
                                               unlogged.getColumn(1).getString(), unlogged.getColumn(2).getString(),
                                               static_cast<std::uint64_t>(unlogged.getColumn(3).getInt64()));
                return verifier.result();
            }
        }

        SQLite::Statement denials(impl_->db, "SELECT seq, lifecycle, instance, action, actor, actor_role, actor_org, "
                                             "at, reason, hash FROM denial ORDER BY seq");
        while (denials.executeStep()) {
            const chain::DenialRow row{
                static_cast<std::uint64_t>(denials.getColumn(0).getInt64()),
                StoredDenial{denials.getColumn(1).getString(), denials.getColumn(2).getString(),
                             denials.getColumn(3).getString(),
                             Actor{denials.getColumn(4).getString(), denials.getColumn(5).getString(),
                                   denials.getColumn(6).getString()},
                             timestamp_from_db(denials.getColumn(7).getInt64()), denials.getColumn(8).getString()},
                blob_of(denials.getColumn(9))};
            if (!verifier.denial(row)) return verifier.result();
        }

        SQLite::Statement creations(impl_->db, "SELECT c.seq, c.lifecycle, c.id, c.row_digest, c.hash, i.key FROM "
                                               "creation c LEFT JOIN instance i ON i.lifecycle = c.lifecycle AND "
                                               "i.id = c.id ORDER BY c.seq");
        while (creations.executeStep()) {
            const chain::CreationRow row{static_cast<std::uint64_t>(creations.getColumn(0).getInt64()),
                                         creations.getColumn(1).getString(), creations.getColumn(2).getString(),
                                         blob_of(creations.getColumn(3)), blob_of(creations.getColumn(4)),
                                         !creations.getColumn(5).isNull()};
            if (!verifier.creation(row)) return verifier.result();
        }
        if (!verifier.checkpoints()) return verifier.result();

        // Each instance row against the row its last entry chained: its last transition's if that
        // chains one (format 2), else its creation entry's (written when it was created, or for
        // every row there was when the file was migrated to schema 6).
        SQLite::Statement instances(
            impl_->db,
            "SELECT i.lifecycle, i.id, i.version, i.state, i.states, i.data, i.created_at, i.created_by, "
            "i.created_role, i.created_org, i.due, i.owner, i.area, i.overseer, i.erased_at, "
            "(SELECT t.row_digest FROM transition t WHERE t.instance = i.key ORDER BY t.version DESC LIMIT 1), "
            "(SELECT c.row_digest FROM creation c WHERE c.lifecycle = i.lifecycle AND c.id = i.id ORDER BY c.seq DESC "
            "LIMIT 1) FROM instance i ORDER BY i.lifecycle, i.id");
        while (instances.executeStep()) {
            const SQLite::Column by_transition = instances.getColumn(15);
            const SQLite::Column chained = by_transition.isNull() ? instances.getColumn(16) : by_transition;
            verifier.instance(Impl::row_from(instances, 0),
                              chained.isNull() ? std::nullopt : std::optional<std::string>(blob_of(chained)));
        }
        return verifier.result();
    });
}

}  // namespace kimflow
