#include "resident.hpp"

#include <algorithm>

namespace kimflow::core {

std::shared_ptr<ResidentInstance> ResidentCache::find(const std::string& id) const
{
    const Shard& shard = shard_of(id);
    std::shared_lock<std::shared_mutex> lock(shard.mutex);
    auto it = shard.instances.find(id);
    return it == shard.instances.end() ? nullptr : it->second;
}

bool ResidentCache::publish(const std::string& id, std::shared_ptr<ResidentInstance> resident)
{
    Shard& shard = shard_of(id);
    std::unique_lock<std::shared_mutex> lock(shard.mutex);
    if (!shard.instances.emplace(id, std::move(resident)).second) return false;
    count_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void ResidentCache::publish_replacing(const std::string& id, const std::shared_ptr<ResidentInstance>& resident)
{
    Shard& shard = shard_of(id);
    std::unique_lock<std::shared_mutex> lock(shard.mutex);
    auto [it, fresh] = shard.instances.emplace(id, resident);
    if (fresh) {
        count_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    it->second->alive = false;
    it->second = resident;
}

void ResidentCache::unpublish(const std::string& id, const std::shared_ptr<ResidentInstance>& resident)
{
    resident->alive = false;
    Shard& shard = shard_of(id);
    std::unique_lock<std::shared_mutex> lock(shard.mutex);
    auto it = shard.instances.find(id);
    if (it == shard.instances.end() || it->second != resident) return;
    shard.instances.erase(it);
    count_.fetch_sub(1, std::memory_order_relaxed);
}

std::shared_ptr<ResidentInstance> ResidentCache::adopt(const std::string& id, std::shared_ptr<ResidentInstance> resident,
                                                       std::uint64_t writes_before)
{
    Shard& shard = shard_of(id);
    std::unique_lock<std::shared_mutex> lock(shard.mutex);
    // Checked under the shard's lock, before anyone can see the copy.
    if (writes_.load(std::memory_order_acquire) != writes_before) resident->verified_epoch = 0;
    auto [it, fresh] = shard.instances.emplace(id, std::move(resident));
    if (fresh) count_.fetch_add(1, std::memory_order_relaxed);
    return it->second;
}

void ResidentCache::drop(const std::string& id)
{
    std::shared_ptr<ResidentInstance> resident;
    {
        Shard& shard = shard_of(id);
        std::unique_lock<std::shared_mutex> lock(shard.mutex);
        auto it = shard.instances.find(id);
        if (it == shard.instances.end()) return;
        resident = std::move(it->second);
        shard.instances.erase(it);
        count_.fetch_sub(1, std::memory_order_relaxed);
    }
    resident->alive = false;  // a holder of its lock sees it gone at its next acquire
}

void ResidentCache::evict_for_one_more()
{
    if (count_.load(std::memory_order_relaxed) < max_resident_) return;
    std::vector<std::unique_lock<std::shared_mutex>> locks;  // every shard, in order
    for (const Shard& shard : shards_) locks.emplace_back(shard.mutex);
    std::size_t size = 0;
    for (const Shard& shard : shards_) size += shard.instances.size();
    if (size < max_resident_) return;
    std::vector<std::pair<std::uint64_t, const std::string*>> by_use;
    by_use.reserve(size);
    for (const Shard& shard : shards_)
        for (const auto& [id, resident] : shard.instances) by_use.emplace_back(resident->used.load(std::memory_order_relaxed), &id);
    const std::size_t keep = max_resident_ - std::max<std::size_t>(1, max_resident_ / 10);
    const std::size_t evict = size - keep;
    std::nth_element(by_use.begin(), by_use.begin() + static_cast<std::ptrdiff_t>(evict - 1), by_use.end());
    std::vector<std::string> victims;
    for (std::size_t i = 0; i < evict; ++i) victims.push_back(*by_use[i].second);
    for (const std::string& id : victims) {
        Shard& shard = shard_of(id);
        auto it = shard.instances.find(id);
        const std::shared_ptr<ResidentInstance> victim = it->second;  // outlives the erase and the lock
        std::unique_lock<std::mutex> instance_lock(victim->mutex, std::try_to_lock);
        if (!instance_lock.owns_lock()) continue;  // in use: keep it
        victim->alive = false;
        shard.instances.erase(it);
        count_.fetch_sub(1, std::memory_order_relaxed);
    }
}

std::uint64_t ResidentCache::current_epoch(const std::optional<std::uint64_t>& changes)
{
    // A counter behind the one noted: this engine's own write is noted but not yet committed on
    // another thread (counters only grow), and nothing else has changed.
    if (changes && counter_known_.load(std::memory_order_acquire) &&
        verified_changes_.load(std::memory_order_acquire) >= *changes)
        return epoch_.load(std::memory_order_acquire);
    std::lock_guard<std::mutex> lock(epoch_mutex_);
    if (!changes || !counter_known_.load(std::memory_order_relaxed) ||
        verified_changes_.load(std::memory_order_relaxed) < *changes)
        remember(changes, epoch_.load(std::memory_order_relaxed) + 1);
    return epoch_.load(std::memory_order_relaxed);
}

std::uint64_t ResidentCache::note_write(const std::optional<std::uint64_t>& before,
                                        const std::optional<std::uint64_t>& after)
{
    std::lock_guard<std::mutex> lock(epoch_mutex_);
    writes_.fetch_add(1, std::memory_order_acq_rel);
    std::uint64_t epoch = epoch_.load(std::memory_order_relaxed);
    const bool current = before && after && counter_known_.load(std::memory_order_relaxed) &&
                         verified_changes_.load(std::memory_order_relaxed) == *before;
    remember(after, current ? epoch : epoch + 1);
    return epoch_.load(std::memory_order_relaxed);
}

void ResidentCache::forget()
{
    std::lock_guard<std::mutex> lock(epoch_mutex_);
    counter_known_.store(false, std::memory_order_release);
}

void ResidentCache::remember(const std::optional<std::uint64_t>& changes, std::uint64_t epoch)
{
    // Unknown first, so that no reader pairs the old counter with the new epoch's absence.
    counter_known_.store(false, std::memory_order_release);
    epoch_.store(epoch, std::memory_order_release);
    if (!changes) return;
    verified_changes_.store(*changes, std::memory_order_release);
    counter_known_.store(true, std::memory_order_release);
}

}  // namespace kimflow::core
