// SqliteStore's checks of its audit trail: the three hash chains (store/chain.hpp), the instance
// rows against the rows their entries chained, and the signed checkpoints written at each commit.
#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "kimflow/core/transition.hpp"
#include "sqlite_impl.hpp"

namespace kimflow {

using sqlite_detail::digest_from_db;
using sqlite_detail::same_digest;
using sqlite_detail::timestamp_from_db;
using sqlite_detail::to_db;

namespace {

std::string blob_of(const SQLite::Column& c)
{
    return c.isNull() ? std::string() : std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
}

std::string hex_of_bytes(std::string_view bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

/// Where one log's chain must be recorded: the seqs that checkpoints and witnessed heads name.
struct Marks {
    std::set<std::uint64_t> wanted;
    std::map<std::uint64_t, std::string> found;  // seq -> hash (hex)

    void record(std::uint64_t seq, const Sha256::Digest& hash)
    {
        if (wanted.count(seq)) found[seq] = to_hex(hash);
    }
    /// Whether the log's entry @p seq had hash @p head (seq 0: the empty log).
    bool holds(std::uint64_t seq, const std::string& head) const
    {
        if (seq == 0) return head == to_hex(chain::genesis);
        const auto it = found.find(seq);
        return it != found.end() && it->second == head;
    }
};

}  // namespace

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
            throw StoreError("kimflow database '" + path + "': its audit trail is signed (key " +
                             last->getColumn(0).getString() +
                             "), and this change would be covered by no signature; give the signing key (kimctl "
                             "--signing-key FILE, kimflowd's signing_key) or work through the service that holds it. "
                             "Nothing was changed");
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
                throw StoreError("kimflow database '" + path + "': its " + logs[i] + " log has entries up to seq " +
                                 std::to_string(unsigned_up_to) + ", but " +
                                 (signed_before ? "the last signed checkpoint covers " + std::to_string(signed_up_to)
                                                : std::string("no checkpoint signs them")) +
                                 ": they were written without the signing key. Run kimctl verify; sign the heads "
                                 "as they are only if it finds nothing (kimctl --signing-key FILE audit sign). "
                                 "Nothing was changed");
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
            c.transition_head = hex_of_bytes(blob_of(s.getColumn(2)));
            c.denials = static_cast<std::uint64_t>(s.getColumn(3).getInt64());
            c.denial_head = hex_of_bytes(blob_of(s.getColumn(4)));
            c.creations = static_cast<std::uint64_t>(s.getColumn(5).getInt64());
            c.creation_head = hex_of_bytes(blob_of(s.getColumn(6)));
            c.at = timestamp_from_db(s.getColumn(7).getInt64());
            c.key_id = s.getColumn(8).getString();
            c.signature = hex_of_bytes(blob_of(s.getColumn(9)));
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
    const std::vector<Checkpoint> stored = checkpoints();
    return impl_->read("checking the audit trail", [&] {
        ChainCheck check;
        Marks transition_marks, denial_marks, creation_marks;
        for (const auto* list : {&stored, &witnessed})
            for (const Checkpoint& c : *list) {
                transition_marks.wanted.insert(c.transitions);
                denial_marks.wanted.insert(c.denials);
                creation_marks.wanted.insert(c.creations);
            }
        const std::string changed = "its hash does not match its content and the entry before it: the entry, or one "
                                    "before it, was changed, inserted or removed";

        SQLite::Statement rows(impl_->db,
                               "SELECT t.seq, i.lifecycle, i.id, t.version, t.event, t.from_state, t.to_state, t.actor, "
                               "t.actor_role, t.actor_org, t.at, t.payload, t.summary, t.payload_hash, t.erased_hash, "
                               "t.hash, t.erased_at, t.row_digest FROM transition t LEFT JOIN instance i ON "
                               "t.instance = i.key ORDER BY t.seq");
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
            const std::string row = blob_of(rows.getColumn(17));
            previous = chain::transition_hash(previous, lifecycle, id, t, payload, erased,
                                              rows.getColumn(17).isNull() ? nullptr : &row);
            if (!same_digest(rows.getColumn(15), previous)) {
                fail(changed);
                break;
            }
            check.last_transition_seq = static_cast<std::uint64_t>(rows.getColumn(0).getInt64());
            transition_marks.record(check.last_transition_seq, previous);
        }
        check.transition_head = to_hex(previous);
        if (check.first_break) return check;
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
                check.first_break = ChainBreak{"transition", static_cast<std::uint64_t>(unlogged.getColumn(0).getInt64()),
                                               unlogged.getColumn(1).getString(), unlogged.getColumn(2).getString(),
                                               static_cast<std::uint64_t>(unlogged.getColumn(3).getInt64()),
                                               "its personal data is marked erased, but no erasure of its instance is "
                                               "logged after it at that time: it was erased outside kimflow"};
                return check;
            }
        }

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
                check.first_break = ChainBreak{"denial", check.denials, d.lifecycle, d.instance, 0, changed};
                break;
            }
            check.last_denial_seq = static_cast<std::uint64_t>(denials.getColumn(0).getInt64());
            denial_marks.record(check.last_denial_seq, previous);
        }
        check.denial_head = to_hex(previous);
        if (check.first_break) return check;

        SQLite::Statement creations(impl_->db, "SELECT c.seq, c.lifecycle, c.id, c.row_digest, c.hash, i.key FROM "
                                               "creation c LEFT JOIN instance i ON i.lifecycle = c.lifecycle AND "
                                               "i.id = c.id ORDER BY c.seq");
        previous = chain::genesis;
        while (creations.executeStep()) {
            ++check.creations;
            const std::string lifecycle = creations.getColumn(1).getString(), id = creations.getColumn(2).getString();
            previous = chain::creation_hash(previous, lifecycle, id, blob_of(creations.getColumn(3)));
            const bool gone = creations.getColumn(5).isNull();
            if (!same_digest(creations.getColumn(4), previous) || gone) {
                check.first_break = ChainBreak{
                    "creation", check.creations, lifecycle, id, 0,
                    gone ? "the instance was created, but its row is gone: it was deleted outside kimflow" : changed};
                break;
            }
            check.last_creation_seq = static_cast<std::uint64_t>(creations.getColumn(0).getInt64());
            creation_marks.record(check.last_creation_seq, previous);
        }
        check.creation_head = to_hex(previous);
        if (check.first_break) return check;

        // Each checkpoint, stored or witnessed, must name entries the logs hold with those hashes.
        const auto check_heads = [&](const Checkpoint& c, const char* log, std::uint64_t& counter) {
            if (transition_marks.holds(c.transitions, c.transition_head) && denial_marks.holds(c.denials, c.denial_head) &&
                creation_marks.holds(c.creations, c.creation_head)) {
                ++counter;
                return true;
            }
            check.first_break = ChainBreak{
                log, c.seq, "", "", 0,
                std::string(std::string_view(log) == "witness" ? "the witnessed heads (" : "the signed heads (") +
                    std::to_string(c.transitions) + " transitions, " + std::to_string(c.denials) + " denials, " +
                    std::to_string(c.creations) +
                    " creations) are not in the logs: entries up to them were changed or removed, or cut off at "
                    "the end"};
            return false;
        };
        const Checkpoint* held = nullptr;  // the last stored checkpoint that holds: the change is after it
        for (const Checkpoint& c : stored) {
            if (!check_heads(c, "checkpoint", check.checkpoints)) {
                if (held)
                    check.first_break->problem +=
                        "; those of signed checkpoint " + std::to_string(held->seq) + " (" +
                        std::to_string(held->transitions) + " transitions, " + std::to_string(held->denials) +
                        " denials, " + std::to_string(held->creations) + " creations) still hold, so the change is after them";
                return check;
            }
            held = &c;
        }
        for (const Checkpoint& c : witnessed)
            if (!check_heads(c, "witness", check.witnessed)) return check;

        // Each instance row against the row its last entry chained: its last transition's if that
        // chains one (format 2), else its creation entry's (written when it was created, or for
        // every row there was when the file was migrated to schema 6). A row no entry chains was
        // inserted outside kimflow.
        SQLite::Statement instances(
            impl_->db,
            "SELECT i.lifecycle, i.id, i.version, i.state, i.states, i.data, i.created_at, i.created_by, "
            "i.created_role, i.created_org, i.due, i.owner, i.area, i.overseer, i.erased_at, "
            "(SELECT t.row_digest FROM transition t WHERE t.instance = i.key ORDER BY t.version DESC LIMIT 1), "
            "(SELECT c.row_digest FROM creation c WHERE c.lifecycle = i.lifecycle AND c.id = i.id ORDER BY c.seq DESC "
            "LIMIT 1) FROM instance i ORDER BY i.lifecycle, i.id");
        while (instances.executeStep()) {
            const StoredInstance in = Impl::row_from(instances, 0);
            const SQLite::Column by_transition = instances.getColumn(15);
            const SQLite::Column chained = by_transition.isNull() ? instances.getColumn(16) : by_transition;
            if (chained.isNull()) {
                if (!check.first_break)
                    check.first_break = ChainBreak{"creation", check.creations + 1, in.lifecycle, in.id, 0,
                                                   "no entry of any log chains this instance: it was inserted "
                                                   "outside kimflow, or its entries were removed"};
                continue;
            }
            ++check.rows_checked;
            const std::string expected = blob_of(chained), actual = chain::row_digest(in);
            for (std::size_t c = 0; c < chain::row_column_count; ++c) {
                const std::size_t at = c * chain::row_column_bytes;
                if (expected.size() != actual.size() ||
                    expected.compare(at, chain::row_column_bytes, actual, at, chain::row_column_bytes) != 0)
                    check.rows.push_back({in.lifecycle, in.id, chain::row_columns[c]});
            }
        }
        return check;
    });
}

}  // namespace kimflow
