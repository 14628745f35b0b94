// The engine's gate: shared by fires, creations and reads, which then run in parallel; taken
// exclusively by a unit of work and purge(), whose one transaction spans many instances. The
// lock order is gate, then instance, then store, so that no thread holds an instance while it
// waits for a transaction that waits for that instance.
#pragma once

#include <array>
#include <cstddef>
#include <shared_mutex>

namespace kimflow::core {

/// A reader-writer lock whose readers on different threads take different cache lines: a
/// reader locks one stripe (chosen per thread), a writer all of them. Fires take the gate
/// shared on every call, and one shared lock would move its line between the cores on each.
class SpreadSharedMutex {
public:
    /// Locks a stripe shared; returns which, for unlock_shared().
    std::size_t lock_shared();
    /// Unlocks the stripe lock_shared() returned.
    void unlock_shared(std::size_t stripe) noexcept;
    /// Locks every stripe exclusively, in order.
    void lock();
    /// Unlocks every stripe.
    void unlock() noexcept;

private:
    struct alignas(64) Stripe {
        std::shared_mutex mutex;
    };
    static constexpr std::size_t stripe_count = 8;
    std::array<Stripe, stripe_count> stripes_;
};

enum class GateMode { shared, exclusive };

/// Holds an engine's gate for the life of the object. A thread that holds it already (an
/// observer's fire, a visit's reads) does not take it again.
class Gate {
public:
    /// @param engine  identifies the engine (its core)
    /// @throws Error when @p mode is exclusive and this thread holds the gate shared
    Gate(const void* engine, SpreadSharedMutex& mutex, GateMode mode);
    Gate(Gate&& other) noexcept;
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;
    Gate& operator=(Gate&&) = delete;
    ~Gate() { release(); }
    /// Lets the gate go before the object ends.
    void release() noexcept;
    /// How this thread holds @p engine's gate; null if it does not.
    static const GateMode* held(const void* engine) noexcept;

private:
    const void* engine_;
    SpreadSharedMutex* mutex_;
    GateMode mode_;
    std::size_t stripe_ = 0;
};

}  // namespace kimflow::core
