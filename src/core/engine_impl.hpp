// EngineCore's state and the steps its operations share, for the core's own source files:
// instances and records (engine_core.cpp), reads (reads.cpp), units of work and observers
// (units.cpp), erasure (erasure.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate.hpp"
#include "kimflow/core/engine_core.hpp"
#include "resident.hpp"

namespace kimflow {

namespace core {

/// A refused action, thrown inside an operation and caught at its edge, once its locks and
/// store transaction are undone, where Impl::refuse() logs it and throws NotPermitted.
struct Refusal {
    StoredDenial denial;
    /// About a stored instance the actor may not read either: refuse() throws InstanceNotFound,
    /// so that "not permitted" does not tell them that the id exists.
    bool hidden = false;
};

/// A unit of work in progress on one thread.
struct OpenUnit {
    explicit OpenUnit(Gate held) : gate(std::move(held)) {}
    /// The gate, exclusively: the unit's transaction spans many instances.
    Gate gate;
    /// Instances written in the unit: dropped from memory if it rolls back.
    std::vector<std::string> touched;
    /// Transitions to announce after the commit.
    std::vector<std::pair<std::shared_ptr<ResidentInstance>, TransitionRecord>> pending;
    /// Refusals logged in the unit: logged again if it rolls back.
    std::vector<StoredDenial> denials;
};

/// One fire's (or create's) part of the store transaction: a transaction of its own, or a
/// savepoint inside a unit of work. Rolled back unless committed.
class StoreScope {
public:
    explicit StoreScope(Store& store) : store_(store) { store_.begin(); }
    ~StoreScope()
    {
        if (done_) return;
        try {
            store_.rollback();
        } catch (...) {
        }
    }
    StoreScope(const StoreScope&) = delete;
    StoreScope& operator=(const StoreScope&) = delete;
    void commit()
    {
        done_ = true;
        store_.commit();
    }

private:
    Store& store_;
    bool done_ = false;
};

}  // namespace core

struct EngineCore::Impl {
    Impl(const LifecycleModel& model, std::shared_ptr<const void> config, std::shared_ptr<const Clock> clock,
         std::shared_ptr<Store> store, EngineOptions options);

    const LifecycleModel& model;
    /// The lifecycle's id, as the store and the messages take it.
    const std::string lifecycle;
    const std::shared_ptr<const void> config;
    const std::shared_ptr<const Clock> clock;
    const std::shared_ptr<Store> store;
    const EngineOptions options;

    mutable core::SpreadSharedMutex gate_mutex;
    mutable core::ResidentCache cache;

    mutable std::mutex observers_mutex;
    std::shared_ptr<const std::vector<std::pair<std::size_t, Observer>>> observers =
        std::make_shared<const std::vector<std::pair<std::size_t, Observer>>>();
    std::atomic<std::size_t> observer_count{0};
    /// Held shared while observers run; unobserve() takes it exclusively to wait for them.
    mutable std::shared_mutex notifying;
    std::size_t last_observer = 0;

    /// How often a fire is taken anew when another writer moved the instance on between its
    /// verification and its write (a version expected by the caller is never retried).
    static constexpr int max_write_attempts = 3;

    core::Gate gate(core::GateMode mode) const { return core::Gate(this, gate_mutex, mode); }

    // --- instances (engine_core.cpp) ---
    Fired fire(const std::string& id, const EventType& type, const void* payload, const Actor& actor,
               const FireOptions& options);
    Fired create(const std::string& id, void* data, const Actor& actor, const EventType& type, const void* opening,
                 const CreateOptions& options);
    /// The event named @p name; throws UnknownEvent listing the lifecycle's events.
    const EventType& event_named(std::string_view name) const;
    /// A new instance in its initial states, not yet visible to other threads.
    std::shared_ptr<core::ResidentInstance> make_instance(const std::string& id, void* data, const Actor& actor,
                                          const CreateOptions& options) const;
    /// Finds instance @p id and locks it (the caller holds the gate): loads it if it is not in
    /// memory, reloads it if the store has another version than the copy.
    core::LockedInstance acquire(const std::string& id) const;
    /// The lock of @p resident; not taken by a thread that holds the gate exclusively (it is alone).
    std::unique_lock<std::mutex> lock_instance(core::ResidentInstance& resident) const;
    std::shared_ptr<core::ResidentInstance> load(const std::string& id, std::uint64_t epoch) const;
    /// Drops instance @p id, whose copy @p locked holds, from memory: it is ahead of the store.
    void discard(core::LockedInstance& locked, const std::string& id) const;

    /// Runs @p write (the store writes of a change already made in memory to instance @p id,
    /// whose lock @p locked holds) as one store transaction, or a savepoint inside this thread's
    /// unit of work. If it fails, the copy in memory is ahead of the store: it is dropped.
    template <class Write>
    void write_change(core::LockedInstance& locked, const std::string& id, Write&& write)
    {
        try {
            core::StoreScope scope(*store);
            const std::optional<std::uint64_t> before = store->change_counter();
            write();
            // Noted inside the transaction, which orders the notes of this engine's writers.
            locked.resident->verified_epoch = cache.note_write(before, store->change_counter());
            scope.commit();
        } catch (...) {
            cache.forget();
            discard(locked, id);
            throw;
        }
        if (core::OpenUnit* unit = unit_here()) unit->touched.push_back(id);
    }

    /// Writes new instance @p id (@p resident, whose lock the caller holds) with @p write, as
    /// write_change() does, and makes it visible: before the commit, so that others who find it
    /// wait for its lock; taken back if the write fails.
    template <class Write>
    void write_new(const std::string& id, const std::shared_ptr<core::ResidentInstance>& resident, Write&& write)
    {
        core::StoreScope scope(*store);
        const std::optional<std::uint64_t> before = store->change_counter();
        write();
        resident->verified_epoch = cache.note_write(before, store->change_counter());
        cache.evict_for_one_more();
        cache.publish_replacing(id, resident);
        try {
            scope.commit();
        } catch (...) {
            cache.forget();
            cache.unpublish(id, resident);
            throw;
        }
        if (core::OpenUnit* unit = unit_here()) unit->touched.push_back(id);
    }

    // --- records (engine_core.cpp) ---
    /// Applies @p payload to @p in (whose lock the caller holds) in memory, recorded at @p at.
    TransitionRecord transition(InstanceState& in, const EventType& type, const void* payload, const Actor& actor,
                                Timestamp at) const;
    /// The time given, or now by the clock but never before the last transition.
    Timestamp recorded_at(const InstanceState& in, const FireOptions& options) const;
    /// Throws RecordedTooEarly if @p at lies before @p in's last transition.
    void refuse_earlier(const InstanceState& in, std::string_view event, Timestamp at) const;
    [[noreturn]] void reject(const InstanceState& in, std::string_view event, MachineOutcome outcome) const;
    StoredInstance row_of(const InstanceState& in) const;
    StoredTransition log_entry_of(const TransitionRecord& r, const EventType& type, const void* payload) const;
    /// The lifecycle's keys, with owner and overseer as organisation keys.
    StoreKeys keys_of(const InstanceState& in) const;
    /// When the earliest time-triggered row of @p in falls due, if it has one.
    std::optional<Timestamp> next_timer(const InstanceState& in) const;
    FireFacts facts(Timestamp at, const Actor& actor) const { return FireFacts{at, &actor, config.get()}; }
    static Fired fired(const TransitionRecord& r) { return {r.from, r.to, r.version}; }

    // --- policy (engine_core.cpp) ---
    /// What the policy looks at of @p in, whose keys (keys_of()) are @p keys, which must outlive it.
    AccessTarget target_of(const InstanceState& in, const StoreKeys& keys) const
    {
        return AccessTarget{lifecycle, in.id, keys.owner, keys.overseer};
    }
    StoredDenial denial(std::string_view what, const std::string& id, const Actor& actor, std::string reason) const;
    /// Throws core::Refusal unless the policy lets @p actor do @p what to @p in; @p stored: @p in
    /// is in the store (not one being created), so a refusal hides it from a non-reader.
    void check(std::string_view what, const InstanceState& in, const Actor& actor, bool stored = true) const;
    /// Logs the refusal (inside this thread's unit of work, and again after it if it rolls back)
    /// and throws NotPermitted, or InstanceNotFound for a hidden one.
    [[noreturn]] void refuse(const core::Refusal& r) const;
    /// Inside a catch of the store's DuplicateInstance for @p id: rethrows it if @p actor may read
    /// the instance that has the id, else throws IdUnavailable, which says no more.
    [[noreturn]] void duplicate(const std::string& id, const Actor& actor) const;

    // --- units of work and observers (units.cpp) ---
    core::OpenUnit* unit_here() const;
    /// Tells observers of @p record now, or at the commit of this thread's unit of work.
    void announce(const std::shared_ptr<core::ResidentInstance>& resident, const TransitionRecord& record);
    void notify(const InstanceState& in, const TransitionRecord& record) const;
    bool notifying_here() const;
    void end_unit(bool commit);
    /// Takes this thread's unit of this engine out of the registry (null if it has none).
    std::unique_ptr<core::OpenUnit> take_unit();
    /// After a unit that did not commit: copies in memory are checked again, its refusals logged again.
    void undo(const core::OpenUnit& unit);
    /// After a unit committed: releases its gate and tells the observers; returns what they
    /// failed with (empty: nothing).
    std::string announce_committed(core::OpenUnit& unit);
    /// Logs the refusals of a unit that was not committed again, after its rollback.
    void relog_denials(const core::OpenUnit& unit) const;

    // --- erasure (erasure.cpp) ---
    /// Erases @p in's personal data in the store's open transaction, then in memory (the caller
    /// holds its lock and drops it if the transaction fails).
    void erase_stored(InstanceState& in, const Actor& actor, Timestamp at, std::string_view reason);
    /// Instances purge() looks at: those in the lifecycle's ended states, or all.
    std::vector<std::string> purge_candidates() const;
};

}  // namespace kimflow
