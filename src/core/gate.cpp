#include "gate.hpp"

#include <algorithm>
#include <atomic>
#include <utility>
#include <vector>

#include "kimflow/core/error.hpp"

namespace kimflow::core {

namespace {

std::size_t stripe_of_this_thread()
{
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t stripe = next.fetch_add(1, std::memory_order_relaxed);
    return stripe;
}

struct Held {
    const void* engine;
    GateMode mode;
};

std::vector<Held>& gates_held()
{
    thread_local std::vector<Held> held;
    return held;
}

}  // namespace

std::size_t SpreadSharedMutex::lock_shared()
{
    const std::size_t stripe = stripe_of_this_thread() % stripe_count;
    stripes_[stripe].mutex.lock_shared();
    return stripe;
}

void SpreadSharedMutex::unlock_shared(std::size_t stripe) noexcept { stripes_[stripe].mutex.unlock_shared(); }

void SpreadSharedMutex::lock()
{
    for (Stripe& s : stripes_) s.mutex.lock();
}

void SpreadSharedMutex::unlock() noexcept
{
    for (Stripe& s : stripes_) s.mutex.unlock();
}

Gate::Gate(const void* engine, SpreadSharedMutex& mutex, GateMode mode) : engine_(engine), mutex_(&mutex), mode_(mode)
{
    if (const GateMode* already = held(engine)) {
        if (mode == GateMode::exclusive && *already == GateMode::shared)
            throw Error("a unit of work or a purge cannot start inside an observer, a visit or a for_each of the "
                        "same engine; start it after that call returns");
        engine_ = nullptr;  // held already by this thread
        return;
    }
    if (mode == GateMode::exclusive)
        mutex.lock();
    else
        stripe_ = mutex.lock_shared();
    gates_held().push_back({engine, mode});
}

Gate::Gate(Gate&& other) noexcept
    : engine_(std::exchange(other.engine_, nullptr)), mutex_(other.mutex_), mode_(other.mode_), stripe_(other.stripe_)
{
}

void Gate::release() noexcept
{
    if (!engine_) return;
    auto& held = gates_held();
    const auto here = std::find_if(held.begin(), held.end(), [&](const Held& g) { return g.engine == engine_; });
    if (here != held.end()) held.erase(here);
    if (mode_ == GateMode::exclusive)
        mutex_->unlock();
    else
        mutex_->unlock_shared(stripe_);
    engine_ = nullptr;
}

const GateMode* Gate::held(const void* engine) noexcept
{
    for (const Held& g : gates_held())
        if (g.engine == engine) return &g.mode;
    return nullptr;
}

}  // namespace kimflow::core
