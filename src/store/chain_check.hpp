/// @file
/// The checks of Store::verify_chain, the same for every store: a store reads its logs and rows
/// in order and hands each to a ChainVerifier, which recomputes the chains (store/chain.hpp),
/// finds the first break, records where checkpoints and witnessed heads must be, and compares
/// each instance row with the row its entry chained. Only the reading differs between stores.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chain.hpp"

namespace kimflow::chain {

/// A transition log entry as stored.
struct TransitionRow {
    std::uint64_t seq = 0;
    /// The instance's lifecycle and id; none when the instance row is gone.
    std::optional<std::string> lifecycle, id;
    /// The entry (payload and summary as stored: in their erased form once erased).
    StoredTransition transition;
    /// Whether it is marked erased (erased_at is set).
    bool erased = false;
    std::string payload_hash, erased_hash, hash;
    /// The row digest it chains (format 2), none for a format-1 entry.
    std::optional<std::string> row_digest;
};

/// A denial log entry as stored.
struct DenialRow {
    std::uint64_t seq = 0;
    StoredDenial denial;
    std::string hash;
};

/// A creation log entry as stored.
struct CreationRow {
    std::uint64_t seq = 0;
    std::string lifecycle, id, row_digest, hash;
    /// Whether the instance's row is still there.
    bool instance_exists = true;
};

/// Recomputes the chains of one store's logs, fed in seq order: transitions, then denials, then
/// creations, then checkpoints(), then each instance row. Each feed returns false at the first
/// break (result().first_break), after which the store stops reading.
class ChainVerifier {
public:
    ChainVerifier(std::vector<Checkpoint> stored, std::vector<Checkpoint> witnessed);

    bool transition(const TransitionRow& row);
    /// After the transitions: an entry marked erased with no erasure logged after it (the store
    /// looks that up: @p position, lifecycle, id and version of the first such entry).
    bool erased_without_record(std::uint64_t position, const std::string& lifecycle, const std::string& id,
                               std::uint64_t version);
    bool denial(const DenialRow& row);
    bool creation(const CreationRow& row);
    /// Each stored checkpoint and witnessed head must name entries the logs hold with those hashes.
    bool checkpoints();
    /// An instance row, with the row digest its last transition chains (if that chains one) or
    /// else its creation entry's; none if no entry chains it.
    void instance(const StoredInstance& row, const std::optional<std::string>& chained);

    /// The result so far (the heads of the logs fed completely).
    const ChainCheck& result() const noexcept { return check_; }

private:
    struct Marks {
        std::set<std::uint64_t> wanted;
        std::map<std::uint64_t, std::string> found;  // seq -> hash (hex)
        void record(std::uint64_t seq, const Sha256::Digest& hash);
        bool holds(std::uint64_t seq, const std::string& head) const;
    };
    bool check_heads(const Checkpoint& c, const char* log, std::uint64_t& counter);

    std::vector<Checkpoint> stored_, witnessed_;
    ChainCheck check_;
    Marks transitions_, denials_, creations_;
    Sha256::Digest transition_previous_ = genesis, denial_previous_ = genesis, creation_previous_ = genesis;
};

/// @p bytes in lower-case hex (a signature, a stored hash).
std::string hex(std::string_view bytes);
/// The bytes of hex text @p text (as hex() writes it). @throws StoreError if it is not hex
std::string unhex(std::string_view text);

/// Why a commit is refused that would extend a signed trail (its last checkpoint by @p key_id)
/// without the key; @p where names the database.
std::string unsigned_commit_refusal(const std::string& where, const std::string& key_id);

/// Why a commit is refused that would sign along entries written without the key: log @p log has
/// entries up to @p unsigned_up_to before this transaction's, the last checkpoint (if
/// @p signed_before) covers @p signed_up_to.
std::string unsigned_entries_refusal(const std::string& where, const char* log, std::int64_t unsigned_up_to,
                                     bool signed_before, std::int64_t signed_up_to);

}  // namespace kimflow::chain
