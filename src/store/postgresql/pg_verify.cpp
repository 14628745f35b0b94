// PgStore's signed checkpoints and the checks of its audit trail (the same checks as
// SqliteStore's, store/chain_check.hpp), read in one snapshot of the database.
#include <chrono>
#include <utility>

#include "../chain_check.hpp"
#include "kimflow/core/transition.hpp"
#include "pg_impl.hpp"

namespace kimflow {

using pg::to_db;

void PgStore::Impl::seal()
{
    if (!logs_grew) return;
    const bool adopt = adopt_heads;
    logs_grew = adopt_heads = false;
    std::optional<std::uint64_t> first[3];
    for (int i = 0; i < 3; ++i) first[i] = std::exchange(first_added[i], std::nullopt);
    const pg::Result last =
        conn.run("SELECT key_id, transitions, denials, creations FROM checkpoint ORDER BY seq DESC LIMIT 1");
    const bool signed_before = last.rows() == 1;
    if (!options.signer) {
        if (signed_before) throw StoreError(chain::unsigned_commit_refusal(where(), last.text(0, 0)));
        return;
    }
    // What lies before this transaction's entries must be what the last checkpoint signed: the
    // write lock keeps every other node out, so the entries before ours are all committed ones.
    if (!adopt) {
        const char* logs[] = {"transition", "denial", "creation"};
        for (int i = 0; i < 3; ++i) {
            const std::string sql = std::string("SELECT coalesce(max(seq), 0)::bigint FROM ") + logs[i];
            const std::int64_t unsigned_up_to =
                (first[i] ? conn.run(sql + " WHERE seq < $1", pg::Params().integer(static_cast<std::int64_t>(*first[i])))
                          : conn.run(sql))
                    .integer(0, 0);
            const std::int64_t signed_up_to = signed_before ? last.integer(0, 1 + i) : 0;
            if (unsigned_up_to != signed_up_to)
                throw StoreError(
                    chain::unsigned_entries_refusal(where(), logs[i], unsigned_up_to, signed_before, signed_up_to));
        }
    }
    Checkpoint c;
    const Head transitions = last_head(transition_head, "transition");
    const Head denials = last_head(denial_head, "denial");
    const Head creations = last_head(creation_head, "creation");
    c.transitions = transitions.seq;
    c.transition_head = to_hex(transitions.hash);
    c.denials = denials.seq;
    c.denial_head = to_hex(denials.hash);
    c.creations = creations.seq;
    c.creation_head = to_hex(creations.hash);
    c.at = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    c.key_id = options.signer->key_id();
    const std::string signature = options.signer->sign(checkpoint_message(c));
    conn.run("INSERT INTO checkpoint (seq, transitions, transition_head, denials, denial_head, creations, "
             "creation_head, at, key_id, signature) SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8, "
             "$9 FROM checkpoint",
             pg::Params()
                 .integer(static_cast<std::int64_t>(c.transitions))
                 .bytes(pg::as_bytes(transitions.hash))
                 .integer(static_cast<std::int64_t>(c.denials))
                 .bytes(pg::as_bytes(denials.hash))
                 .integer(static_cast<std::int64_t>(c.creations))
                 .bytes(pg::as_bytes(creations.hash))
                 .integer(to_db(c.at))
                 .text(c.key_id)
                 .bytes(signature));
}

void PgStore::sign_heads()
{
    if (!impl_->options.signer) throw StoreError("sign_heads() needs PgOptions::signer");
    begin();
    impl_->logs_grew = true;  // a checkpoint even when nothing was added since the last one
    impl_->adopt_heads = true;
    commit();
}

std::vector<Checkpoint> PgStore::checkpoints()
{
    return impl_->read("reading the signed checkpoints", [&] {
        const pg::Result r = impl_->conn.run("SELECT seq, transitions, transition_head, denials, denial_head, creations, "
                                             "creation_head, at, key_id, signature FROM checkpoint ORDER BY seq");
        std::vector<Checkpoint> out;
        for (int row = 0; row < r.rows(); ++row) {
            Checkpoint c;
            c.seq = static_cast<std::uint64_t>(r.integer(row, 0));
            c.transitions = static_cast<std::uint64_t>(r.integer(row, 1));
            c.transition_head = chain::hex(r.view(row, 2));
            c.denials = static_cast<std::uint64_t>(r.integer(row, 3));
            c.denial_head = chain::hex(r.view(row, 4));
            c.creations = static_cast<std::uint64_t>(r.integer(row, 5));
            c.creation_head = chain::hex(r.view(row, 6));
            c.at = pg::timestamp_from_db(r.integer(row, 7));
            c.key_id = r.text(row, 8);
            c.signature = chain::hex(r.view(row, 9));
            out.push_back(std::move(c));
        }
        return out;
    });
}

namespace {

ChainCheck walk(pg::Connection& conn, chain::ChainVerifier& verifier)
{
    const bool transitions_hold = pg::pages(conn,
        "SELECT t.seq, i.lifecycle, i.id, t.version, t.event, t.from_state, t.to_state, t.actor, t.actor_role, "
        "t.actor_org, t.at, t.payload, t.summary, t.payload_hash, t.erased_hash, t.hash, t.erased_at, t.row_digest "
        "FROM transition t LEFT JOIN instance i ON t.instance = i.key WHERE t.seq > $1 ORDER BY t.seq LIMIT 1000",
        [&](const pg::Result& r, int row) {
            chain::TransitionRow t;
            t.seq = static_cast<std::uint64_t>(r.integer(row, 0));
            if (!r.null(row, 1)) {
                t.lifecycle = r.text(row, 1);
                t.id = r.text(row, 2);
            }
            t.transition = pg::transition_from(r, row, 3);
            t.payload_hash = r.text(row, 13);
            t.erased_hash = r.text(row, 14);
            t.hash = r.text(row, 15);
            t.erased = !r.null(row, 16);
            if (!r.null(row, 17)) t.row_digest = r.text(row, 17);
            return verifier.transition(t);
        });
    if (!transitions_hold) return verifier.result();
    // An entry marked erased needs an erasure logged after it at that time (SqliteStore's check).
    const pg::Result unlogged = conn.run(
        "SELECT (SELECT count(*) FROM transition p WHERE p.seq <= t.seq), i.lifecycle, i.id, t.version FROM transition t "
        "JOIN instance i ON t.instance = i.key WHERE t.erased_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM transition r "
        "WHERE r.instance = t.instance AND r.version > t.version AND r.event = $1 AND r.at = t.erased_at) ORDER BY "
        "t.seq LIMIT 1",
        pg::Params().text(erasure_event));
    if (unlogged.rows() == 1) {
        verifier.erased_without_record(static_cast<std::uint64_t>(unlogged.integer(0, 0)), unlogged.text(0, 1),
                                       unlogged.text(0, 2), static_cast<std::uint64_t>(unlogged.integer(0, 3)));
        return verifier.result();
    }
    const bool denials_hold = pg::pages(conn,
        "SELECT seq, lifecycle, instance, action, actor, actor_role, actor_org, at, reason, hash FROM denial WHERE seq > "
        "$1 ORDER BY seq LIMIT 1000",
        [&](const pg::Result& r, int row) {
            return verifier.denial(chain::DenialRow{
                static_cast<std::uint64_t>(r.integer(row, 0)),
                StoredDenial{r.text(row, 1), r.text(row, 2), r.text(row, 3),
                             Actor{r.text(row, 4), r.text(row, 5), r.text(row, 6)},
                             pg::timestamp_from_db(r.integer(row, 7)), r.text(row, 8)},
                r.text(row, 9)});
        });
    if (!denials_hold) return verifier.result();
    const bool creations_hold = pg::pages(conn,
        "SELECT c.seq, c.lifecycle, c.id, c.row_digest, c.hash, i.key FROM creation c LEFT JOIN instance i ON "
        "i.lifecycle = c.lifecycle AND i.id = c.id WHERE c.seq > $1 ORDER BY c.seq LIMIT 1000",
        [&](const pg::Result& r, int row) {
            return verifier.creation(chain::CreationRow{static_cast<std::uint64_t>(r.integer(row, 0)), r.text(row, 1),
                                                        r.text(row, 2), r.text(row, 3), r.text(row, 4),
                                                        !r.null(row, 5)});
        });
    if (!creations_hold || !verifier.checkpoints()) return verifier.result();
    // Each instance row against the row its last entry chained (SqliteStore's check), in pages
    // by the row's key.
    pg::pages(conn, std::string("SELECT i.key, ") +
              "i.lifecycle, i.id, i.version, i.state, i.states, i.data, i.created_at, i.created_by, i.created_role, "
              "i.created_org, i.due, i.owner, i.area, i.overseer, i.erased_at, "
              "(SELECT t.row_digest FROM transition t WHERE t.instance = i.key ORDER BY t.version DESC LIMIT 1), "
              "(SELECT c.row_digest FROM creation c WHERE c.lifecycle = i.lifecycle AND c.id = i.id ORDER BY c.seq "
              "DESC LIMIT 1) FROM instance i WHERE i.key > $1 ORDER BY i.key LIMIT 1000",
          [&](const pg::Result& r, int row) {
              const int chained = r.null(row, 16) ? 17 : 16;
              verifier.instance(pg::row_from(r, row, 1),
                                r.null(row, chained) ? std::nullopt : std::optional<std::string>(r.text(row, chained)));
              return true;
          });
    return verifier.result();
}

}  // namespace

ChainCheck PgStore::verify_chain(const std::vector<Checkpoint>& witnessed)
{
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    // One snapshot for all of it: writers on other nodes go on, and this sees none of their commits.
    const bool outer = impl_->depth == 0;
    return impl_->read("checking the audit trail", [&] {
        if (outer) impl_->conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        try {
            chain::ChainVerifier verifier(checkpoints(), witnessed);
            ChainCheck check = walk(impl_->conn, verifier);
            if (outer) impl_->conn.exec("COMMIT");
            return check;
        } catch (...) {
            if (outer) {
                try {
                    impl_->conn.exec("ROLLBACK");
                } catch (...) {
                }
            }
            throw;
        }
    });
}

}  // namespace kimflow
