// EngineCore: units of work (one store transaction over many fires, held in a registry per
// thread) and observers (told of each transition once it is committed).
#include <algorithm>
#include <exception>

#include "engine_impl.hpp"

namespace kimflow {

namespace {

/// The units of work of this thread: (engine, unit).
std::vector<std::pair<const EngineCore::Impl*, core::OpenUnit*>>& units()
{
    thread_local std::vector<std::pair<const EngineCore::Impl*, core::OpenUnit*>> list;
    return list;
}

/// The engines whose observers this thread is running now, innermost last.
std::vector<const EngineCore::Impl*>& notifying_engines()
{
    thread_local std::vector<const EngineCore::Impl*> engines;
    return engines;
}

}  // namespace

UnitOfWork::UnitOfWork(UnitOfWork&& other) noexcept
    : engine_(std::exchange(other.engine_, nullptr)), partner_(std::exchange(other.partner_, nullptr))
{
}

UnitOfWork::~UnitOfWork()
{
    if (!engine_) return;
    try {
        engine_->end_unit(false, partner_);
    } catch (...) {
    }
}

void UnitOfWork::commit()
{
    if (!engine_) throw Error("this unit of work has ended already");
    std::exchange(engine_, nullptr)->end_unit(true, partner_);
}

void UnitOfWork::rollback()
{
    if (engine_) std::exchange(engine_, nullptr)->end_unit(false, partner_);
}

void UnitOfWork::attempt(const std::function<void()>& part)
{
    if (!engine_) throw Error("this unit of work has ended already");
    engine_->attempt_in_unit(part, partner_);
}

void EngineCore::attempt_in_unit(const std::function<void()>& part, EngineCore* partner)
{
    Impl& e = *impl_;
    core::OpenUnit* unit = e.unit_here();
    if (!unit) throw Error("attempt() runs inside the unit of work of this thread");
    core::OpenUnit* other = partner ? partner->impl_->unit_here() : nullptr;
    const std::size_t touched = unit->touched.size(), pending = unit->pending.size();
    const std::size_t other_touched = other ? other->touched.size() : 0, other_pending = other ? other->pending.size() : 0;
    const std::size_t denials = unit->denials.size(), other_denials = other ? other->denials.size() : 0;
    e.store->begin();
    try {
        part();
        e.store->commit();
    } catch (...) {
        try {
            e.store->rollback();
        } catch (...) {
        }
        // The copies in memory of what the part wrote (on either engine of the unit) are ahead
        // of the store now: read them again. Its refusals stay logged with the unit.
        const auto forget = [](Impl& engine, core::OpenUnit& u, std::size_t from, std::size_t keep) {
            engine.cache.forget();
            for (std::size_t i = from; i < u.touched.size(); ++i) engine.cache.drop(u.touched[i]);
            u.pending.resize(keep);
        };
        forget(e, *unit, touched, pending);
        if (other) forget(*partner->impl_, *other, other_touched, other_pending);
        // A refusal is logged even though the part is undone: its entry went with the
        // savepoint, so it is written again, into the unit's transaction.
        const auto relog = [](Impl& engine, const core::OpenUnit& u, std::size_t from) {
            for (std::size_t i = from; i < u.denials.size(); ++i) {
                try {
                    engine.store->log_denial(u.denials[i]);
                } catch (...) {
                }
            }
        };
        relog(e, *unit, denials);
        if (other) relog(*partner->impl_, *other, other_denials);
        throw;
    }
}

bool EngineCore::in_unit() const
{
    return impl_->unit_here() != nullptr;
}

UnitOfWork EngineCore::unit_of_work()
{
    Impl& e = *impl_;
    if (e.unit_here()) throw Error("this thread has a unit of work on this engine already; commit it first");
    core::Gate gate = e.gate(core::GateMode::exclusive);
    e.store->begin();
    auto unit = std::make_unique<core::OpenUnit>(std::move(gate));
    units().push_back({&e, unit.get()});
    unit.release();
    return UnitOfWork(this);
}

UnitOfWork EngineCore::unit_of_work(EngineCore& other)
{
    Impl& a = *impl_;
    Impl& b = *other.impl_;
    if (&a == &b) return unit_of_work();
    if (a.store.get() != b.store.get())
        throw Error("a unit of work over two engines needs them on one store; give both the same Store");
    if (a.unit_here() || b.unit_here())
        throw Error("this thread has a unit of work on one of these engines already; commit it first");
    // Gates first, in one order for every pair, then the one transaction.
    Impl& first = std::less<Impl*>{}(&a, &b) ? a : b;
    Impl& second = &first == &a ? b : a;
    core::Gate first_gate = first.gate(core::GateMode::exclusive);
    core::Gate second_gate = second.gate(core::GateMode::exclusive);
    a.store->begin();
    auto first_unit = std::make_unique<core::OpenUnit>(std::move(first_gate));
    auto second_unit = std::make_unique<core::OpenUnit>(std::move(second_gate));
    units().push_back({&first, first_unit.release()});
    units().push_back({&second, second_unit.release()});
    return UnitOfWork(this, &other);
}

void EngineCore::end_unit(bool commit, EngineCore* partner)
{
    if (!partner) return impl_->end_unit(commit);
    Impl& a = *impl_;
    Impl& b = *partner->impl_;
    std::unique_ptr<core::OpenUnit> unit_a = a.take_unit(), unit_b = b.take_unit();
    if (!unit_a || !unit_b) return;
    bool committed = false;
    if (commit) {
        try {
            a.store->commit();
            committed = true;
        } catch (...) {
            a.undo(*unit_a);
            b.undo(*unit_b);
            throw;
        }
    } else {
        try {
            a.store->rollback();
        } catch (...) {
        }
    }
    if (!committed) {
        a.undo(*unit_a);
        b.undo(*unit_b);
        return;
    }
    // Both gates go before either engine's observers run under its own gate shared: holding the
    // other's exclusively meanwhile would take them against the order unit_of_work(other) does.
    unit_a->gate.release();
    unit_b->gate.release();
    std::string failures = a.announce_committed(*unit_a);
    const std::string more = b.announce_committed(*unit_b);
    if (!more.empty()) failures += (failures.empty() ? "" : "; ") + more;
    if (!failures.empty()) throw ObserverError(failures);
}

core::OpenUnit* EngineCore::Impl::unit_here() const
{
    for (const auto& [engine, unit] : units())
        if (engine == this) return unit;
    return nullptr;
}

std::unique_ptr<core::OpenUnit> EngineCore::Impl::take_unit()
{
    auto& list = units();
    auto it = std::find_if(list.begin(), list.end(), [this](const auto& entry) { return entry.first == this; });
    if (it == list.end()) return nullptr;
    std::unique_ptr<core::OpenUnit> unit(it->second);
    list.erase(it);
    return unit;
}

void EngineCore::Impl::undo(const core::OpenUnit& unit)
{
    cache.forget();
    for (const auto& id : unit.touched) cache.drop(id);
    relog_denials(unit);
}

void EngineCore::Impl::end_unit(bool commit)
{
    std::unique_ptr<core::OpenUnit> unit = take_unit();
    if (!unit) return;
    bool committed = false;
    if (commit) {
        try {
            store->commit();
            committed = true;
        } catch (...) {
            undo(*unit);
            throw;
        }
    } else {
        try {
            store->rollback();
        } catch (...) {
        }
    }
    if (!committed) {
        undo(*unit);
        return;
    }
    if (std::string failures = announce_committed(*unit); !failures.empty()) throw ObserverError(failures);
}

std::string EngineCore::Impl::announce_committed(core::OpenUnit& unit)
{
    std::vector<std::pair<std::shared_ptr<core::ResidentInstance>, TransitionRecord>> pending = std::move(unit.pending);
    unit.gate.release();
    // Observers run as on a fire: under the gate shared, so that no unit or purge changes an
    // instance while an observer reads it.
    core::Gate shared = gate(core::GateMode::shared);
    std::string failures;
    for (auto& [resident, record] : pending) {
        std::lock_guard<std::mutex> lock(resident->mutex);
        try {
            notify(resident->instance, record);
        } catch (const ObserverError& e) {
            failures += (failures.empty() ? "" : "; ") + std::string(e.what());
        }
    }
    return failures;
}

void EngineCore::Impl::relog_denials(const core::OpenUnit& unit) const
{
    // A refusal is logged even when the work around it is undone. The store may be unwell (a
    // commit failed): what it cannot take now is lost from the log, not the reason to report.
    for (const auto& d : unit.denials) {
        try {
            store->log_denial(d);
        } catch (...) {
        }
    }
}

void EngineCore::Impl::announce(const std::shared_ptr<core::ResidentInstance>& resident, const TransitionRecord& record)
{
    if (core::OpenUnit* unit = unit_here()) {
        unit->pending.emplace_back(resident, record);
        return;
    }
    notify(resident->instance, record);
}

bool EngineCore::Impl::notifying_here() const
{
    const auto& engines = notifying_engines();
    return std::find(engines.begin(), engines.end(), this) != engines.end();
}

void EngineCore::Impl::notify(const InstanceState& in, const TransitionRecord& record) const
{
    if (observer_count.load(std::memory_order_acquire) == 0) return;
    std::shared_ptr<const std::vector<std::pair<std::size_t, Observer>>> current;
    {
        std::lock_guard<std::mutex> lock(observers_mutex);
        current = observers;
    }
    const CoreNotice notice{lifecycle, in.id, record, in.machine->data()};
    std::string failures;
    {
        // An observer that fires on another instance notifies again on this thread: only the
        // outermost call holds the lock (a shared_mutex must not be locked twice by one thread).
        const bool outermost = !notifying_here();
        std::shared_lock<std::shared_mutex> running(notifying, std::defer_lock);
        if (outermost) {
            running.lock();
            notifying_engines().push_back(this);
        }
        for (const auto& entry : *current) {
            try {
                entry.second(notice);
            } catch (const std::exception& ex) {
                failures += (failures.empty() ? "" : "; ") + std::string(ex.what());
            } catch (...) {
                failures += (failures.empty() ? "" : "; ") + std::string("an exception of unknown type");
            }
        }
        if (outermost) notifying_engines().pop_back();
    }
    if (!failures.empty())
        throw ObserverError(lifecycle + " '" + in.id + "': '" + std::string(record.event) + "' was applied as version " +
                            std::to_string(record.version) + ", but an observer failed: " + failures);
}

std::size_t EngineCore::observe(Observer observer)
{
    Impl& e = *impl_;
    std::lock_guard<std::mutex> lock(e.observers_mutex);
    auto next = std::make_shared<std::vector<std::pair<std::size_t, Observer>>>(*e.observers);
    next->emplace_back(++e.last_observer, std::move(observer));
    e.observers = std::move(next);
    e.observer_count.store(e.observers->size(), std::memory_order_release);
    return e.last_observer;
}

void EngineCore::unobserve(std::size_t handle)
{
    Impl& e = *impl_;
    {
        std::lock_guard<std::mutex> lock(e.observers_mutex);
        auto next = std::make_shared<std::vector<std::pair<std::size_t, Observer>>>(*e.observers);
        next->erase(std::remove_if(next->begin(), next->end(), [&](const auto& o) { return o.first == handle; }),
                    next->end());
        e.observers = std::move(next);
        e.observer_count.store(e.observers->size(), std::memory_order_release);
    }
    // Wait until notifications that began before the removal have ended.
    if (!e.notifying_here()) std::unique_lock<std::shared_mutex> wait(e.notifying);
}

}  // namespace kimflow
