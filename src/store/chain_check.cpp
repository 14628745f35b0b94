// The checks of Store::verify_chain that every store shares (chain_check.hpp).
#include "chain_check.hpp"

#include <algorithm>
#include <utility>

namespace kimflow::chain {

namespace {

const char* const changed = "its hash does not match its content and the entry before it: the entry, or one before "
                            "it, was changed, inserted or removed";

bool same(const std::string& stored, const Sha256::Digest& d)
{
    return stored.size() == d.size() && std::equal(d.begin(), d.end(), reinterpret_cast<const std::uint8_t*>(stored.data()));
}

Sha256::Digest digest_of(const std::string& bytes)
{
    Sha256::Digest d{};
    if (bytes.size() == d.size()) std::copy(bytes.begin(), bytes.end(), d.begin());
    return d;
}

}  // namespace

std::string hex(std::string_view bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string unhex(std::string_view text)
{
    const auto digit = [&](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw StoreError("'" + std::string(text) + "' is not hex");
    };
    if (text.size() % 2 != 0) throw StoreError("'" + std::string(text) + "' is not hex (an odd number of digits)");
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) out += static_cast<char>(digit(text[i]) * 16 + digit(text[i + 1]));
    return out;
}

std::string unsigned_commit_refusal(const std::string& where, const std::string& key_id)
{
    return "kimflow database '" + where + "': its audit trail is signed (key " + key_id +
           "), and this change would be covered by no signature; give the signing key (kimctl --signing-key FILE, "
           "kimflowd's signing_key) or work through the service that holds it. Nothing was changed";
}

std::string unsigned_entries_refusal(const std::string& where, const char* log, std::int64_t unsigned_up_to,
                                     bool signed_before, std::int64_t signed_up_to)
{
    return "kimflow database '" + where + "': its " + log + " log has entries up to seq " +
           std::to_string(unsigned_up_to) + ", but " +
           (signed_before ? "the last signed checkpoint covers " + std::to_string(signed_up_to)
                          : std::string("no checkpoint signs them")) +
           ": they were written without the signing key. Run kimctl verify; sign the heads as they are only if it "
           "finds nothing (kimctl --signing-key FILE audit sign). Nothing was changed";
}

void ChainVerifier::Marks::record(std::uint64_t seq, const Sha256::Digest& hash)
{
    if (wanted.count(seq)) found[seq] = to_hex(hash);
}

bool ChainVerifier::Marks::holds(std::uint64_t seq, const std::string& head) const
{
    if (seq == 0) return head == to_hex(genesis);
    const auto it = found.find(seq);
    return it != found.end() && it->second == head;
}

ChainVerifier::ChainVerifier(std::vector<Checkpoint> stored, std::vector<Checkpoint> witnessed)
    : stored_(std::move(stored)), witnessed_(std::move(witnessed))
{
    for (const auto* list : {&stored_, &witnessed_})
        for (const Checkpoint& c : *list) {
            transitions_.wanted.insert(c.transitions);
            denials_.wanted.insert(c.denials);
            creations_.wanted.insert(c.creations);
        }
    check_.transition_head = check_.denial_head = check_.creation_head = to_hex(genesis);
}

bool ChainVerifier::transition(const TransitionRow& row)
{
    ++check_.transitions;
    const StoredTransition& t = row.transition;
    const auto fail = [&](const std::string& problem) {
        check_.first_break = ChainBreak{"transition", check_.transitions, row.lifecycle.value_or(""), row.id.value_or(""),
                                        t.version, problem};
        return false;
    };
    if (row.erased) ++check_.erased;
    if (!row.lifecycle) return fail("the entry belongs to no instance (its instance row was deleted)");
    if (!same(row.erased ? row.erased_hash : row.payload_hash, payload_digest(t.payload, t.summary)))
        return fail(std::string("its payload or summary was changed after it was written") +
                    (row.erased ? " (after erasure)" : ""));
    transition_previous_ = transition_hash(transition_previous_, *row.lifecycle, *row.id, t, digest_of(row.payload_hash),
                                           digest_of(row.erased_hash), row.row_digest ? &*row.row_digest : nullptr);
    check_.transition_head = to_hex(transition_previous_);
    if (!same(row.hash, transition_previous_)) return fail(changed);
    check_.last_transition_seq = row.seq;
    transitions_.record(row.seq, transition_previous_);
    return true;
}

bool ChainVerifier::erased_without_record(std::uint64_t position, const std::string& lifecycle, const std::string& id,
                                          std::uint64_t version)
{
    check_.first_break = ChainBreak{"transition", position, lifecycle, id, version,
                                    "its personal data is marked erased, but no erasure of its instance is logged "
                                    "after it at that time: it was erased outside kimflow"};
    return false;
}

bool ChainVerifier::denial(const DenialRow& row)
{
    ++check_.denials;
    denial_previous_ = denial_hash(denial_previous_, row.denial);
    check_.denial_head = to_hex(denial_previous_);
    if (!same(row.hash, denial_previous_)) {
        check_.first_break = ChainBreak{"denial", check_.denials, row.denial.lifecycle, row.denial.instance, 0, changed};
        return false;
    }
    check_.last_denial_seq = row.seq;
    denials_.record(row.seq, denial_previous_);
    return true;
}

bool ChainVerifier::creation(const CreationRow& row)
{
    ++check_.creations;
    creation_previous_ = creation_hash(creation_previous_, row.lifecycle, row.id, row.row_digest);
    check_.creation_head = to_hex(creation_previous_);
    if (!same(row.hash, creation_previous_) || !row.instance_exists) {
        check_.first_break = ChainBreak{
            "creation", check_.creations, row.lifecycle, row.id, 0,
            row.instance_exists ? changed : "the instance was created, but its row is gone: it was deleted outside kimflow"};
        return false;
    }
    check_.last_creation_seq = row.seq;
    creations_.record(row.seq, creation_previous_);
    return true;
}

bool ChainVerifier::check_heads(const Checkpoint& c, const char* log, std::uint64_t& counter)
{
    if (transitions_.holds(c.transitions, c.transition_head) && denials_.holds(c.denials, c.denial_head) &&
        creations_.holds(c.creations, c.creation_head)) {
        ++counter;
        return true;
    }
    check_.first_break = ChainBreak{
        log, c.seq, "", "", 0,
        std::string(std::string_view(log) == "witness" ? "the witnessed heads (" : "the signed heads (") +
            std::to_string(c.transitions) + " transitions, " + std::to_string(c.denials) + " denials, " +
            std::to_string(c.creations) +
            " creations) are not in the logs: entries up to them were changed or removed, or cut off at the end"};
    return false;
}

bool ChainVerifier::checkpoints()
{
    const Checkpoint* held = nullptr;  // the last stored checkpoint that holds: the change is after it
    for (const Checkpoint& c : stored_) {
        if (!check_heads(c, "checkpoint", check_.checkpoints)) {
            if (held)
                check_.first_break->problem += "; those of signed checkpoint " + std::to_string(held->seq) + " (" +
                                               std::to_string(held->transitions) + " transitions, " +
                                               std::to_string(held->denials) + " denials, " +
                                               std::to_string(held->creations) +
                                               " creations) still hold, so the change is after them";
            return false;
        }
        held = &c;
    }
    for (const Checkpoint& c : witnessed_)
        if (!check_heads(c, "witness", check_.witnessed)) return false;
    return true;
}

void ChainVerifier::instance(const StoredInstance& in, const std::optional<std::string>& chained)
{
    if (!chained) {
        if (!check_.first_break)
            check_.first_break = ChainBreak{"creation", check_.creations + 1, in.lifecycle, in.id, 0,
                                            "no entry of any log chains this instance: it was inserted outside kimflow, "
                                            "or its entries were removed"};
        return;
    }
    ++check_.rows_checked;
    const std::string actual = row_digest(in);
    for (std::size_t c = 0; c < row_column_count; ++c) {
        const std::size_t at = c * row_column_bytes;
        if (chained->size() != actual.size() || chained->compare(at, row_column_bytes, actual, at, row_column_bytes) != 0)
            check_.rows.push_back({in.lifecycle, in.id, row_columns[c]});
    }
}

}  // namespace kimflow::chain
