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

UnitOfWork::UnitOfWork(UnitOfWork&& other) noexcept : engine_(std::exchange(other.engine_, nullptr)) {}

UnitOfWork::~UnitOfWork()
{
    if (!engine_) return;
    try {
        engine_->end_unit(false);
    } catch (...) {
    }
}

void UnitOfWork::commit()
{
    if (!engine_) throw Error("this unit of work has ended already");
    std::exchange(engine_, nullptr)->end_unit(true);
}

void UnitOfWork::rollback()
{
    if (engine_) std::exchange(engine_, nullptr)->end_unit(false);
}

void UnitOfWork::attempt(const std::function<void()>& part)
{
    if (!engine_) throw Error("this unit of work has ended already");
    engine_->attempt_in_unit(part);
}

void EngineCore::attempt_in_unit(const std::function<void()>& part)
{
    Impl& e = *impl_;
    core::OpenUnit* unit = e.unit_here();
    if (!unit) throw Error("attempt() runs inside the unit of work of this thread");
    const std::size_t touched = unit->touched.size(), pending = unit->pending.size();
    e.store->begin();
    try {
        part();
        e.store->commit();
    } catch (...) {
        try {
            e.store->rollback();
        } catch (...) {
        }
        // The copies in memory of what the part wrote are ahead of the store now: read them
        // again. Its refusals stay logged with the unit.
        e.cache.forget();
        for (std::size_t i = touched; i < unit->touched.size(); ++i) e.cache.drop(unit->touched[i]);
        unit->pending.resize(pending);
        throw;
    }
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

void EngineCore::end_unit(bool commit) { impl_->end_unit(commit); }

core::OpenUnit* EngineCore::Impl::unit_here() const
{
    for (const auto& [engine, unit] : units())
        if (engine == this) return unit;
    return nullptr;
}

void EngineCore::Impl::end_unit(bool commit)
{
    auto& list = units();
    auto it = std::find_if(list.begin(), list.end(), [this](const auto& entry) { return entry.first == this; });
    if (it == list.end()) return;
    std::unique_ptr<core::OpenUnit> unit(it->second);
    list.erase(it);
    bool committed = false;
    if (commit) {
        try {
            store->commit();
            committed = true;
        } catch (...) {
            cache.forget();
            for (const auto& id : unit->touched) cache.drop(id);
            relog_denials(*unit);
            throw;
        }
    } else {
        try {
            store->rollback();
        } catch (...) {
        }
    }
    if (!committed) {
        cache.forget();
        for (const auto& id : unit->touched) cache.drop(id);
        relog_denials(*unit);
        return;
    }
    unit->gate.release();
    // Observers run as on a fire: under the gate shared, so that no unit or purge changes an
    // instance while an observer reads it.
    core::Gate shared = gate(core::GateMode::shared);
    std::string failures;
    for (auto& [resident, record] : unit->pending) {
        std::lock_guard<std::mutex> lock(resident->mutex);
        try {
            notify(resident->instance, record);
        } catch (const ObserverError& e) {
            failures += (failures.empty() ? "" : "; ") + std::string(e.what());
        }
    }
    if (!failures.empty()) throw ObserverError(failures);
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
