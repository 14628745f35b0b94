// The engine's resident instances: a cache of the store's, in shards by the id's hash, each
// with its own lock, so that threads on different instances seldom touch the same lock. An
// instance carries its own lock; the cache epoch says whether a copy may have fallen
// behind the store.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "kimflow/core/engine_core.hpp"

namespace kimflow::core {

/// One resident instance with its lock.
struct ResidentInstance {
    std::mutex mutex;
    /// False once removed from the cache (an opening event was rejected, the copy was dropped
    /// for the store's, or evicted): whoever then gets its lock looks again.
    std::atomic<bool> alive{true};
    /// When it was last used (a tick of the cache's counter), to drop the least recently used.
    std::atomic<std::uint64_t> used{0};
    /// The cache epoch in which this copy was last known to match the store (guarded by mutex).
    std::uint64_t verified_epoch = 0;
    InstanceState instance;
};

/// A resident instance with its lock held (or, under the exclusive gate, not taken).
struct LockedInstance {
    std::shared_ptr<ResidentInstance> resident;
    std::unique_lock<std::mutex> lock;
};

class ResidentCache {
public:
    explicit ResidentCache(std::size_t max_resident) : max_resident_(max_resident) {}

    /// The resident instance under @p id, or null.
    std::shared_ptr<ResidentInstance> find(const std::string& id) const;
    /// Makes @p resident visible under @p id; false if the id is taken.
    bool publish(const std::string& id, std::shared_ptr<ResidentInstance> resident);
    /// Makes @p resident visible under @p id in place of any copy there (a stale one).
    void publish_replacing(const std::string& id, const std::shared_ptr<ResidentInstance>& resident);
    /// Takes back @p resident (gone for whoever gets its lock next), and removes it if it is still
    /// the one under @p id.
    void unpublish(const std::string& id, const std::shared_ptr<ResidentInstance>& resident);
    /// An instance just loaded: put under @p id, or the one another thread put there meanwhile.
    /// If this engine wrote anything since @p writes_before (writes() before the load), the copy
    /// may be behind a write whose own copy has been evicted since: it is then put with epoch 0,
    /// so that its first use checks it against the store.
    std::shared_ptr<ResidentInstance> adopt(const std::string& id, std::shared_ptr<ResidentInstance> resident,
                                            std::uint64_t writes_before);
    /// How many writes this engine has noted (note_write) so far.
    std::uint64_t writes() const { return writes_.load(std::memory_order_acquire); }
    /// Drops @p id from memory (the store keeps it).
    void drop(const std::string& id);
    /// Makes room for one more: drops the least recently used tenth when the limit is reached.
    /// An instance whose lock is held (a fire under way) is kept.
    void evict_for_one_more();
    /// Number of resident instances.
    std::size_t count() const { return count_.load(std::memory_order_relaxed); }
    /// A tick of the use counter.
    std::uint64_t tick() const { return tick_.fetch_add(1, std::memory_order_relaxed) + 1; }

    /// The cache epoch to verify copies against, given the store's change counter now: if
    /// anything may have changed the store since the copies were last known current, a new one.
    std::uint64_t current_epoch(const std::optional<std::uint64_t>& changes);
    /// After this engine's own write, during which the store's change counter went from
    /// @p before to @p after; returns the epoch in which the written copy is current.
    std::uint64_t note_write(const std::optional<std::uint64_t>& before, const std::optional<std::uint64_t>& after);
    /// After a write that failed once noted: what the store holds is not known, so every copy is
    /// checked again at its next use.
    void forget();

private:
    /// Records that the copies are current at store counter @p changes (none: unknown) in
    /// epoch @p epoch (the caller holds epoch_mutex_).
    void remember(const std::optional<std::uint64_t>& changes, std::uint64_t epoch);

    struct alignas(64) Shard {
        mutable std::shared_mutex mutex;
        std::unordered_map<std::string, std::shared_ptr<ResidentInstance>> instances;
    };
    static constexpr std::size_t shard_count = 16;
    Shard& shard_of(const std::string& id) const { return shards_[std::hash<std::string>{}(id) % shard_count]; }

    const std::size_t max_resident_;
    mutable std::array<Shard, shard_count> shards_;
    std::atomic<std::size_t> count_{0};
    mutable std::atomic<std::uint64_t> tick_{0};
    /// The store's change counter when the copies were last known current, and the epoch of that
    /// knowledge; both written under epoch_mutex_. They are atomics as well so that the common
    /// case, nothing changed since, reads them without the lock (every fire asks): the epoch is
    /// stored before the counter and read after it, so a reader that sees the counter sees an
    /// epoch at least as new as the one that goes with it.
    std::mutex epoch_mutex_;
    std::atomic<bool> counter_known_{false};
    std::atomic<std::uint64_t> verified_changes_{0};
    std::atomic<std::uint64_t> epoch_{1};
    /// Writes noted so far (see adopt()).
    std::atomic<std::uint64_t> writes_{0};
};

}  // namespace kimflow::core
