/// @file
/// kimflow::Engine: instances of one lifecycle, fired by typed event or by name.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/mpl/has_key.hpp>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/clock.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/field_archive.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/lifecycle.hpp"
#include "kimflow/core/personal_data.hpp"
#include "kimflow/core/policy.hpp"
#include "kimflow/core/text.hpp"
#include "kimflow/core/transition.hpp"
#include "kimflow/store/codec.hpp"
#include "kimflow/store/snapshot.hpp"
#include "kimflow/store/store.hpp"

/// kimflow: an engine for lifecycles written as Boost.MSM machines, their store, and the
/// Drucksache (kimflow::paper) and KIM case (kimflow::kim) lifecycles built on it.
namespace kimflow {

template <class Lifecycle>
class Engine;

/// Settings of an engine.
struct EngineOptions {
    /// At most this many instances stay in memory; the least recently used are dropped (they
    /// are in the store) when a load goes past it.
    std::size_t max_resident = 100000;
    /// Who may do what (see policy.hpp); none: every actor may do everything (for hosts that
    /// check permissions themselves). With one, every fire, creation, read that names an actor,
    /// erasure and purge is checked, and refusals are logged.
    std::shared_ptr<const Policy> policy{};
    /// The largest payload a fire takes, as text (its summary): larger ones are refused.
    std::size_t max_payload_bytes = 1 << 20;
    /// How long ended instances keep their personal data; none: the lifecycle's own period
    /// (`Lifecycle::retention`), if it has one.
    std::optional<Retention> retention{};
};

/// The longest instance id an engine takes, in bytes.
inline constexpr std::size_t max_instance_id_bytes = 200;

/// One instance of a lifecycle: its state, version, data and history. Hosts read it through
/// Engine::visit and Engine::for_each, which hold the instance's lock meanwhile.
template <class Lifecycle>
class Instance {
public:
    /// What is read off the lifecycle.
    using Traits = LifecycleTraits<Lifecycle>;
    /// The lifecycle's data.
    using Data = typename Traits::Data;

    /// The instance id (e.g. a paper's reference `14/1923`).
    const std::string& id() const noexcept { return id_; }
    /// Current state of the lifecycle's main region (its phase), as a stable id.
    std::string_view state() const { return state(Traits::main_region); }
    /// Current state of region @p region (stable id).
    std::string_view state(int region) const { return Traits::state_id(machine_.current_state()[region]); }
    /// Current state of every region, in the order of the machine's `initial_state`.
    std::vector<std::string_view> states() const
    {
        std::vector<std::string_view> out;
        for (int r = 0; r < Traits::regions; ++r) out.push_back(state(r));
        return out;
    }
    /// Number of transitions applied so far.
    std::uint64_t version() const noexcept { return version_; }
    /// The instance data.
    const Data& data() const noexcept { return machine_.data; }
    /// Every applied transition, oldest first.
    const std::vector<TransitionRecord>& history() const noexcept { return history_; }
    /// When the instance was created.
    Timestamp created_at() const noexcept { return created_at_; }
    /// Who created it.
    const Actor& created_by() const noexcept { return created_by_; }
    /// When its personal data was erased (Engine::purge, Engine::erase), if it was.
    const std::optional<Timestamp>& erased_at() const noexcept { return erased_at_; }
    /// When its last transition was recorded (its creation, before the first): a fire is never
    /// recorded before it.
    Timestamp last_transition_at() const noexcept { return last_at_; }

private:
    friend class Engine<Lifecycle>;
    std::string id_;
    typename Traits::Machine machine_;
    std::uint64_t version_ = 0;
    Timestamp created_at_{};
    Timestamp last_at_{};
    Actor created_by_;
    std::optional<Timestamp> erased_at_{};
    std::vector<TransitionRecord> history_;
};

/// A copy of an instance's current state, for callers that want a value.
template <class Data>
struct InstanceView {
    /// The lifecycle's id.
    std::string lifecycle;
    /// The instance's id.
    std::string id;
    /// Current state per region (region 0 first).
    std::vector<std::string_view> states;
    /// Number of transitions applied so far.
    std::uint64_t version = 0;
    /// A copy of the instance data.
    Data data;
    /// Events allowed now (guards that need no payload evaluated).
    std::vector<std::string_view> allowed_events;
    /// When the instance was created.
    Timestamp created_at{};
    /// Who created it.
    Actor created_by;
    /// When its personal data was erased, if it was.
    std::optional<Timestamp> erased_at{};
};

/// What an observer sees of an applied transition. The references are valid during the call.
template <class Data>
struct TransitionNotice {
    /// The lifecycle's id.
    std::string_view lifecycle;
    /// The instance's id.
    const std::string& instance;
    /// The transition, as the history records it.
    const TransitionRecord& record;
    /// The instance data after the transition.
    const Data& data;
};

/// Runs the instances of one lifecycle, in memory or on a Store.
///
/// With a store, every fire is one store transaction: the transition's log entry and the
/// instance's new state are written together or not at all, and a fire returns only once they
/// are committed. Instances load on demand and at most EngineOptions::max_resident stay in
/// memory; an instance another process has changed is reloaded before it is fired or read.
/// A failed write drops the instance from memory, so that it is read back as stored.
///
/// Thread safety: every member function may be called from several threads at once.
/// Fires on different instances run in parallel, with a store too (only the store's write is
/// one at a time where the backend has one writer); a unit of work and purge() run alone on
/// the engine. Fires on the same instance are serialised by a lock per instance, so its
/// versions and history stay gap-free. Observers run on the
/// firing thread while that instance's lock is held: they see transitions of one instance in
/// order and should return quickly. An observer may fire on and read other instances, but must
/// not touch the instance it is told about (the notice carries its data) nor call for_each(),
/// which would visit it: both wait for the lock the observer's own fire holds.
template <class Lifecycle>
class Engine {
public:
    /// What is read off the lifecycle's transition table.
    using Traits = LifecycleTraits<Lifecycle>;
    /// The lifecycle's instance data.
    using Data = typename Traits::Data;
    /// The lifecycle's configuration.
    using Config = typename Traits::Config;
    /// The MSM back-end machine that runs one instance.
    using Machine = typename Traits::Machine;
    /// What view() returns.
    using View = InstanceView<Data>;
    /// What an observer is told.
    using Notice = TransitionNotice<Data>;
    /// A function observe() registers.
    using Observer = std::function<void(const Notice&)>;
    static_assert(sizeof(hooks::PersonalDataCheck<Lifecycle>) > 0, "the lifecycle's personal-data hooks are checked");

    /// @param config   the lifecycle's configuration (e.g. the rules of procedure)
    /// @param clock    where "now" comes from; the system clock by default
    /// @param store    where instances and their logs are kept; none: in memory only
    /// @param options  memory, policy, payload size and retention (EngineOptions)
    explicit Engine(Config config = Config{}, std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>(),
                    std::shared_ptr<Store> store = nullptr, EngineOptions options = {})
        : config_(std::move(config)), clock_(std::move(clock)), store_(std::move(store)), options_(options)
    {
        if (!clock_) throw Error("Engine needs a clock; pass a SystemClock or a ManualClock");
        if (options_.max_resident == 0) throw Error("EngineOptions::max_resident must be at least 1");
        if (store_ && !storable)
            throw Error("the data of the " + std::string(Lifecycle::id) +
                        " lifecycle has no cereal serialize function, so it cannot be stored; add one");
    }

    /// Whether the lifecycle's data can be stored (it has cereal serialization).
    static constexpr bool storable =
        cereal::traits::is_output_serializable<Data, cereal::PortableBinaryOutputArchive>::value &&
        cereal::traits::is_input_serializable<Data, cereal::PortableBinaryInputArchive>::value;

    /// Groups fires into one store transaction (see Engine::unit_of_work()).
    class UnitOfWork {
    public:
        /// Takes over @p other's open unit; @p other is left ended.
        UnitOfWork(UnitOfWork&& other) noexcept : engine_(std::exchange(other.engine_, nullptr)) {}
        UnitOfWork(const UnitOfWork&) = delete;
        UnitOfWork& operator=(const UnitOfWork&) = delete;
        UnitOfWork& operator=(UnitOfWork&&) = delete;
        /// Rolls back unless committed.
        ~UnitOfWork()
        {
            if (engine_) engine_->end_unit(false);
        }
        /// Commits every fire of the unit; then observers hear of them.
        /// @throws StoreError (then nothing of the unit was written)
        void commit()
        {
            if (!engine_) throw Error("this unit of work has ended already");
            std::exchange(engine_, nullptr)->end_unit(true);
        }
        /// Undoes every fire of the unit.
        void rollback()
        {
            if (engine_) std::exchange(engine_, nullptr)->end_unit(false);
        }

    private:
        friend class Engine;
        explicit UnitOfWork(Engine* engine) : engine_(engine) {}
        Engine* engine_;
    };

    /// Starts a unit of work on this thread: the fires until commit() are one store
    /// transaction, for throughput (one commit instead of one per fire). Other threads' calls on
    /// this engine wait until it ends. Observers hear of its transitions after the commit; a
    /// rollback (or destroying it uncommitted) undoes them all.
    /// @throws Error without a store, when this thread has a unit of work on this engine, or
    ///         inside an observer or visit of this engine (which could not wait for itself)
    UnitOfWork unit_of_work()
    {
        if (!store_) throw Error("a unit of work needs an engine with a store");
        if (unit_here()) throw Error("this thread has a unit of work on this engine already; commit it first");
        Gate gate(*this, Gate::exclusive);
        store_->begin();
        auto unit = std::make_unique<Unit>(std::move(gate));
        units().push_back({this, unit.get()});
        unit.release();
        return UnitOfWork(this);
    }

    /// The store, or null for an engine in memory only.
    const std::shared_ptr<Store>& store() const noexcept { return store_; }

    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// The lifecycle's stable id, e.g. "paper".
    static constexpr std::string_view lifecycle() { return Lifecycle::id; }

    /// Creates an instance in the initial state(s), version 0.
    /// @throws InvalidData if the id is empty, longer than max_instance_id_bytes, not UTF-8 or
    ///         has control characters, or the lifecycle's validate() refuses the data
    /// @throws DuplicateInstance if the id is taken
    /// @throws NotPermitted if the policy does not let @p actor `create` it
    void create(const std::string& id, Data data, const Actor& actor, const CreateOptions& options = {})
    {
        auto slot = make_slot(id, std::move(data), actor, options);
        try {
            check(action::create, slot->instance, actor);
        } catch (const Refusal& r) {
            refuse(r);
        }
        if (!store_) return publish(id, std::move(slot));
        Gate gate(*this, Gate::shared);
        const StoredInstance initial = stored(slot->instance);
        std::unique_lock<std::mutex> lock = lock_slot(*slot);
        write_new(id, slot, [&] { store_->insert(initial); });
    }

    /// Creates an instance and fires its opening event in one step: if the event is rejected,
    /// no instance is created; otherwise the instance appears at version 1 with the event as
    /// the first entry of its history (as a KIM case is opened by `open` with its payload).
    /// @throws everything create() and fire() throw
    template <class Event>
    Fired create(const std::string& id, Data data, const Actor& actor, const Event& opening,
                 const CreateOptions& options = {})
    {
        try {
            return create_checked(id, std::move(data), actor, opening, options);
        } catch (const Refusal& r) {
            refuse(r);
        }
    }

    /// create() with the opening event given by name and a payload of strings.
    Fired create(const std::string& id, Data data, const Actor& actor, std::string_view opening,
                 const Fields& payload, const CreateOptions& options = {})
    {
        return (this->*named_event(opening).create)(id, std::move(data), actor, payload, options);
    }

    /// Fires a typed event on instance @p id.
    /// @param id                the instance
    /// @param event             the event with its payload
    /// @param actor             who fires it (recorded, and checked by the policy)
    /// @param options           the version it expects, and when it is recorded (FireOptions)
    /// @throws InstanceNotFound, VersionConflict,
    ///         EventNotAllowed (no transition from the current state),
    ///         GuardRejected (a guard said no; the reason says what is needed),
    ///         RecordedTooEarly (the time is before the instance's last transition),
    ///         InvalidPayload (its text is not UTF-8 or longer than EngineOptions::max_payload_bytes),
    ///         NotPermitted (the policy does not let @p actor fire it here; logged as a denial),
    ///         ObserverError (the transition was applied; an observer failed)
    template <class Event>
    Fired fire(const std::string& id, const Event& event, const Actor& actor, const FireOptions& options = {})
    {
        try {
            return fire_checked(id, event, actor, options);
        } catch (const Refusal& r) {
            refuse(r);
        }
    }

    /// fire() expecting @p expected_version (none: any), recorded now.
    template <class Event>
    Fired fire(const std::string& id, const Event& event, const Actor& actor,
               std::optional<std::uint64_t> expected_version)
    {
        return fire(id, event, actor, FireOptions{expected_version, std::nullopt});
    }

private:
    template <class Event>
    Fired create_checked(const std::string& id, Data data, const Actor& actor, const Event& opening,
                         const CreateOptions& options)
    {
        auto slot = make_slot(id, std::move(data), actor, options);
        Instance<Lifecycle>& in = slot->instance;
        if (!store_) {
            // Published locked: others who find it wait until it is opened, or see it gone.
            std::unique_lock<std::mutex> lock(slot->mutex);
            publish(id, slot);
            const TransitionRecord* record = nullptr;
            try {
                record = &transition(in, opening, actor, in.created_at_, in.history_);
                check(Event::id, in, actor);  // the opening event sets the owner
            } catch (...) {
                unpublish(id, slot);  // rejected: as if never created
                throw;
            }
            announce(slot, *record);
            return fired(*record);
        }
        Gate gate(*this, Gate::shared);
        std::unique_lock<std::mutex> lock = lock_slot(*slot);
        const StoredInstance initial = stored(in);
        std::vector<TransitionRecord> records;
        const TransitionRecord& record = transition(in, opening, actor, in.created_at_, records);
        check(Event::id, in, actor);  // the opening event sets the owner
        // Encoded before the store's transaction, so that other threads' fires overlap with it.
        const StoredInstance opened = stored(in);
        const StoredTransition logged_opening = logged(record, opening);
        write_new(id, slot, [&] {
            store_->insert(initial);
            store_->append(opened, logged_opening);
        });
        announce(slot, record);
        return fired(record);
    }

    template <class Event>
    Fired fire_checked(const std::string& id, const Event& event, const Actor& actor, const FireOptions& options)
    {
        const std::optional<std::uint64_t>& expected_version = options.expected_version;
        if (!store_) {
            Locked locked = acquire(id);
            Instance<Lifecycle>& in = locked.slot->instance;
            check(Event::id, in, actor);
            if (expected_version && *expected_version != in.version_)
                throw VersionConflict(id, *expected_version, in.version_);
            const TransitionRecord& record = transition(in, event, actor, recorded_at(in, options), in.history_);
            announce(locked.slot, record);
            return fired(record);
        }
        Gate gate(*this, Gate::shared);
        for (int attempt = 1;; ++attempt) {
            Locked locked = acquire(id);  // verified: reloaded if another writer moved it on
            Instance<Lifecycle>& in = locked.slot->instance;
            check(Event::id, in, actor);
            if (expected_version && *expected_version != in.version_)
                throw VersionConflict(id, *expected_version, in.version_);
            std::vector<TransitionRecord> records;
            const TransitionRecord& record = transition(in, event, actor, recorded_at(in, options), records);
            // Encoded outside the store's transaction: only the write itself is serialised.
            std::optional<StoredInstance> after;
            std::optional<StoredTransition> logged_event;
            try {
                after.emplace(stored(in));
                logged_event.emplace(logged(record, event));
            } catch (...) {
                discard(locked, id);  // moved on in memory only
                throw;
            }
            try {
                write_change(locked, id, [&] { store_->append(*after, *logged_event); });
            } catch (const VersionConflict&) {
                // Another process or engine wrote a newer version after this copy was verified;
                // nothing was written and the copy is dropped. With no version expected, the
                // event is taken anew on the instance as it now is.
                if (expected_version || attempt == max_write_attempts) throw;
                continue;
            }
            announce(locked.slot, record);
            return fired(record);
        }
    }

public:
    /// Fires an event by its stable id with a payload of strings, for hosts and tools that only
    /// have text (a command line, a form, another language).
    /// @throws UnknownEvent, InvalidPayload, and everything the typed fire throws
    Fired fire(const std::string& id, std::string_view event, const Fields& payload, const Actor& actor,
               const FireOptions& options = {})
    {
        return (this->*named_event(event).fire)(id, payload, actor, options);
    }

    /// fire() by name expecting @p expected_version (none: any), recorded now.
    Fired fire(const std::string& id, std::string_view event, const Fields& payload, const Actor& actor,
               std::optional<std::uint64_t> expected_version)
    {
        return fire(id, event, payload, actor, FireOptions{expected_version, std::nullopt});
    }

    /// Whether instance @p id exists.
    bool contains(const std::string& id) const
    {
        if (store_) return store_->version(Lifecycle::id, id).has_value();
        return contains_resident(id);
    }

    /// Number of instances (in the store, if there is one).
    std::size_t size() const
    {
        if (store_) return static_cast<std::size_t>(store_->count(Lifecycle::id));
        return resident_count_.load(std::memory_order_relaxed);
    }

    /// Number of instances in memory now.
    std::size_t resident() const
    {
        return resident_count_.load(std::memory_order_relaxed);
    }

    /// Ids of the instances @p query asks for (its lifecycle is this engine's), sorted. With a
    /// store the store's indexes answer; in memory every instance is checked. Owner and overseer
    /// are compared as organisation keys (organization_key(): "Caritas" finds `caritas`). This
    /// call checks no policy: find(query, actor) does.
    std::vector<std::string> find(InstanceQuery query) const
    {
        query.lifecycle = std::string(Lifecycle::id);
        if (!query.owner.empty()) query.owner = organization_key(query.owner);
        if (!query.overseer.empty()) query.overseer = organization_key(query.overseer);
        if (store_) return store_->find(query);
        std::vector<std::string> out;
        for_each([&](const Instance<Lifecycle>& in) {
            const StoreKeys keys = keys_of(in);
            if (!query.state.empty() && in.state() != query.state) return;
            if (!query.owner.empty() && keys.owner != query.owner) return;
            if (!query.area.empty() && keys.area != query.area) return;
            if (!query.overseer.empty() && keys.overseer != query.overseer) return;
            if (query.due_before && !(keys.due && *keys.due < *query.due_before)) return;
            out.push_back(in.id());
        });
        std::sort(out.begin(), out.end());
        return out;
    }

    /// Calls @p f with the instance (const) while holding its lock; returns a copy of what @p f
    /// returns (a reference into the instance would outlive the lock).
    template <class F>
    auto visit(const std::string& id, F&& f) const
    {
        Gate gate(*this, Gate::shared);
        Locked locked = acquire(id);
        return std::forward<F>(f)(static_cast<const Instance<Lifecycle>&>(locked.slot->instance));
    }

    /// Calls @p f for every instance (const), each while holding its lock. Order is unspecified.
    /// With a store, every stored instance is visited (loaded in turn).
    template <class F>
    void for_each(F&& f) const
    {
        if (store_) {
            Gate gate(*this, Gate::shared);
            for (const auto& id : store_->find(InstanceQuery{std::string(Lifecycle::id)})) {
                Locked locked = acquire(id);
                f(static_cast<const Instance<Lifecycle>&>(locked.slot->instance));
            }
            return;
        }
        std::vector<std::shared_ptr<Slot>> all;
        {
            for (const Shard& shard : shards_) {
                std::shared_lock<std::shared_mutex> lock(shard.mutex);
                for (const auto& entry : shard.slots) all.push_back(entry.second);
            }
        }
        for (const auto& slot : all) {
            std::lock_guard<std::mutex> lock(slot->mutex);
            if (slot->alive) f(static_cast<const Instance<Lifecycle>&>(slot->instance));
        }
    }

    /// Current state of the main region (the lifecycle's phase).
    std::string_view state(const std::string& id) const
    {
        return visit(id, [](const Instance<Lifecycle>& in) { return in.state(); });
    }

    /// Number of transitions applied to instance @p id.
    std::uint64_t version(const std::string& id) const
    {
        return visit(id, [](const Instance<Lifecycle>& in) { return in.version(); });
    }

    /// A copy of the instance data.
    Data data(const std::string& id) const
    {
        return visit(id, [](const Instance<Lifecycle>& in) { return in.data(); });
    }

    /// A copy of the instance's history, oldest first (from the store, if there is one).
    std::vector<TransitionRecord> history(const std::string& id) const
    {
        if (!store_) return visit(id, [](const Instance<Lifecycle>& in) { return in.history(); });
        if (!store_->version(Lifecycle::id, id)) throw InstanceNotFound(std::string(Lifecycle::id), id);
        std::vector<TransitionRecord> out;
        for (auto& t : store_->history(Lifecycle::id, id))
            out.push_back({t.version, intern(t.event), intern(t.from), intern(t.to), std::move(t.actor), t.at,
                           std::move(t.summary)});
        return out;
    }

    /// Events instance @p id may take now, in table order. Guards that depend only on the
    /// instance are evaluated; guards that need a payload (e.g. a deadline against a
    /// meeting date) are checked when the event is fired.
    std::vector<std::string_view> allowed_events(const std::string& id) const
    {
        Gate gate(*this, Gate::shared);
        Locked locked = acquire(id);
        return allowed_now(locked.slot->instance);
    }

    /// A copy of everything about instance @p id but its history.
    View view(const std::string& id) const
    {
        Gate gate(*this, Gate::shared);
        Locked locked = acquire(id);
        const Instance<Lifecycle>& in = locked.slot->instance;
        return View{std::string(Lifecycle::id), in.id(),         in.states(),      in.version(),
                    in.data(),                  allowed_now(in), in.created_at(), in.created_by(),
                    in.erased_at()};
    }

    /// view() as @p actor sees it: allowed_events lists only what the policy lets them fire.
    /// @throws NotPermitted if the policy does not let them read it (logged as a denial)
    View view(const std::string& id, const Actor& actor) const
    {
        try {
            Gate gate(*this, Gate::shared);
            Locked locked = acquire(id);
            const Instance<Lifecycle>& in = locked.slot->instance;
            check(action::read, in, actor);
            return View{std::string(Lifecycle::id), in.id(),         in.states(),      in.version(),
                        in.data(),                  permitted_now(in, actor), in.created_at(), in.created_by(),
                        in.erased_at()};
        } catch (const Refusal& r) {
            refuse(r);
        }
    }

    /// history() as @p actor may read it.
    /// @throws NotPermitted if the policy does not let them read it (logged as a denial)
    std::vector<TransitionRecord> history(const std::string& id, const Actor& actor) const
    {
        try {
            Gate gate(*this, Gate::shared);
            check(action::read, acquire(id).slot->instance, actor);
            return history(id);
        } catch (const Refusal& r) {
            refuse(r);
        }
    }

    /// The events @p actor may fire on instance @p id now: allowed_events() that the policy
    /// lets them fire.
    /// @throws NotPermitted if the policy does not let them read it (logged as a denial)
    std::vector<std::string_view> allowed_events(const std::string& id, const Actor& actor) const
    {
        try {
            Gate gate(*this, Gate::shared);
            Locked locked = acquire(id);
            check(action::read, locked.slot->instance, actor);
            return permitted_now(locked.slot->instance, actor);
        } catch (const Refusal& r) {
            refuse(r);
        }
    }

    /// find() restricted to the instances @p actor may read: a case manager finds the cases of
    /// their Träger, a Kreis coordinator those of their Kreis.
    /// @throws NotPermitted if the policy lets them read no instance of the lifecycle at all
    std::vector<std::string> find(InstanceQuery query, const Actor& actor) const
    {
        if (!options_.policy) return find(std::move(query));
        const auto scopes = options_.policy->scopes(actor, Lifecycle::id, action::read);
        if (scopes.empty())
            refuse(Refusal{denial(action::read, "", actor,
                                  *options_.policy->refusal(actor, action::read, AccessTarget{Lifecycle::id}))});
        if (std::find(scopes.begin(), scopes.end(), Scope::any) != scopes.end()) return find(std::move(query));
        const std::string mine = organization_key(actor.organization);
        std::vector<std::string> out;
        for (Scope scope : scopes) {
            InstanceQuery restricted = query;
            std::string& key = scope == Scope::owner ? restricted.owner : restricted.overseer;
            if (!key.empty() && organization_key(key) != mine) continue;  // asks for others' instances
            key = mine;
            if (mine.empty()) continue;
            auto found = find(std::move(restricted));
            out.insert(out.end(), found.begin(), found.end());
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    /// for_each() over the instances @p actor may read (see find(query, actor)).
    template <class F>
    void for_each(const Actor& actor, F&& f) const
    {
        if (!options_.policy) return for_each(std::forward<F>(f));
        for (const auto& id : find(InstanceQuery{}, actor)) {
            Gate gate(*this, Gate::shared);
            std::optional<Locked> locked;
            try {
                locked.emplace(acquire(id));
            } catch (const InstanceNotFound&) {
                continue;  // removed meanwhile
            }
            f(static_cast<const Instance<Lifecycle>&>(locked->slot->instance));
        }
    }

    /// The refusals logged about instance @p id (every refusal of the lifecycle when empty),
    /// oldest first: from the store, or from memory for an engine without one.
    std::vector<StoredDenial> denials(const std::string& id = {}) const
    {
        if (store_) return store_->denials(Lifecycle::id, id);
        std::lock_guard<std::mutex> lock(denials_mutex_);
        std::vector<StoredDenial> out;
        for (const auto& d : memory_denials_)
            if (id.empty() || d.instance == id) out.push_back(d);
        return out;
    }

    /// Erases the personal data of instance @p id now, such as on the client's request (DSGVO
    /// Article 17), as purge() does when the retention period ends: the lifecycle's
    /// `erase_personal(Data&)` clears the data, the payload fields marked personal are emptied in
    /// every log entry, and a log entry (event erasure_event) records who erased it. State,
    /// phases, dates and the figures stay; the hash chain stays verifiable. Erasing an instance
    /// again erases what was recorded since (each erasure is logged).
    /// @throws Error without a store; NotPermitted (logged) if the policy does not let @p actor
    ///         `erase` it; InstanceNotFound
    void erase(const std::string& id, const Actor& actor, std::string_view reason = "erasure requested")
    {
        require_store("erase");
        try {
            Gate gate(*this, Gate::shared);
            Locked locked = acquire(id);
            Instance<Lifecycle>& in = locked.slot->instance;
            check(action::erase, in, actor);
            write_change(locked, id, [&] { erase_stored(in, actor, std::max(clock_->now(), in.last_at_), reason); });
        } catch (const Refusal& r) {
            refuse(r);
        }
        if (!unit_here()) store_->scrub();
    }

    /// Erases the personal data (as erase() does) of every instance whose retention period has
    /// ended by @p now: EngineOptions::retention, or the lifecycle's own `retention`, counted
    /// from when the lifecycle's `ended_at(data, state)` says the instance ended. A lifecycle
    /// without them keeps everything (council papers are public records). One transaction;
    /// afterwards the store scrubs its files (Store::scrub), unless a unit of work is open.
    /// @return the ids erased, sorted
    /// @throws Error without a store; NotPermitted (logged) if the policy does not let @p actor `purge`
    std::vector<std::string> purge(Timestamp now, const Actor& actor)
    {
        require_store("purge");
        if (options_.policy)
            if (auto why = options_.policy->refusal(actor, action::purge, AccessTarget{Lifecycle::id}))
                refuse(Refusal{denial(action::purge, "", actor, std::move(*why))});
        std::vector<std::string> erased;
        const std::optional<Retention> retention = options_.retention ? options_.retention : lifecycle_retention();
        if constexpr (hooks::has_ended_at<Lifecycle>::value) {
            if (!retention) return erased;
            // One transaction over many instances: exclusive, so that no fire holds an instance
            // this transaction waits for while it waits for the store.
            Gate gate(*this, Gate::exclusive);
            StoreScope scope(*store_);
            const std::optional<std::uint64_t> before = store_->change_counter();
            try {
                for (const auto& id : purge_candidates()) {
                    Locked locked = acquire(id);
                    Instance<Lifecycle>& in = locked.slot->instance;
                    const std::optional<Timestamp> ended = Lifecycle::ended_at(in.data(), in.state());
                    if (!ended || now < retention_end(*ended, *retention)) continue;
                    if (in.erased_at_ && *in.erased_at_ >= *ended) continue;  // nothing recorded since
                    if (now < in.last_at_) continue;  // something was recorded after @p now
                    erased.push_back(id);
                    erase_stored(in, actor, now, "retention period ended");
                }
                const std::optional<std::uint64_t> after = store_->change_counter();
                scope.commit();
                note_write(before, after);
            } catch (...) {
                for (const auto& id : erased) drop(id);
                throw;
            }
            if (Unit* unit = unit_here()) unit->touched.insert(unit->touched.end(), erased.begin(), erased.end());
        }
        if (!unit_here() && !erased.empty()) store_->scrub();
        return erased;
    }

    /// When an instance that ended at @p ended may be purged: the first moment after the end of
    /// the retention's last calendar year (UTC).
    static Timestamp retention_end(Timestamp ended, Retention retention)
    {
        const date::year_month_day day{date::floor<date::days>(ended)};
        return Timestamp{date::sys_days{(day.year() + date::years{retention.calendar_years + 1}) / 1 / 1}};
    }

    /// Registers @p observer for every transition applied from now on; returns a handle for unobserve().
    std::size_t observe(Observer observer)
    {
        std::lock_guard<std::mutex> lock(observers_mutex_);
        auto next = std::make_shared<std::vector<std::pair<std::size_t, Observer>>>(*observers_);
        next->emplace_back(++last_observer_, std::move(observer));
        observers_ = std::move(next);
        observer_count_.store(observers_->size(), std::memory_order_release);
        return last_observer_;
    }

    /// Removes the observer registered under @p handle (no effect for an unknown handle). When it
    /// returns, the observer is not running on any thread and will not be called again, so what
    /// it uses may be destroyed; called from inside an observer, it cannot wait for that call.
    void unobserve(std::size_t handle)
    {
        {
            std::lock_guard<std::mutex> lock(observers_mutex_);
            auto next = std::make_shared<std::vector<std::pair<std::size_t, Observer>>>(*observers_);
            next->erase(std::remove_if(next->begin(), next->end(), [&](const auto& o) { return o.first == handle; }),
                        next->end());
            observers_ = std::move(next);
            observer_count_.store(observers_->size(), std::memory_order_release);
        }
        // Wait until notifications that began before the removal have ended.
        if (!notifying_here()) std::unique_lock<std::shared_mutex> wait(notifying_);
    }

    /// The lifecycle configuration the engine was made with.
    const Config& config() const noexcept { return config_; }

    /// The clock the engine reads.
    const Clock& clock() const noexcept { return *clock_; }

    /// Every event with its payload fields and the states it may fire in.
    static std::vector<EventInfo> events() { return Traits::events(); }

private:
    struct Slot {
        std::mutex mutex;
        /// False once removed from the map (an opening event was rejected, the instance was
        /// dropped for the store's copy, or evicted): whoever then gets its lock looks again.
        std::atomic<bool> alive{true};
        /// When it was last used (a tick of the engine's counter), to drop the least recently used.
        std::atomic<std::uint64_t> used{0};
        /// With a store: the cache epoch in which this copy was last known to match the store
        /// (guarded by mutex).
        std::uint64_t verified_epoch = 0;
        Instance<Lifecycle> instance;
    };

    /// The engine's gate, held by this thread for the life of the object: shared by fires,
    /// creations and reads, which then run in parallel with each other; exclusive for a unit
    /// of work and purge(), whose one transaction spans many instances. The lock order is gate,
    /// then instance, then store, so no thread holds an instance while it waits for a
    /// transaction that waits for that instance. A thread that holds the gate already (an
    /// observer's fire, a visit's reads) does not take it again. Without a store there is
    /// nothing to order.
    class Gate {
    public:
        enum Mode { shared, exclusive };
        Gate(const Engine& engine, Mode mode) : engine_(&engine), mode_(mode)
        {
            if (!engine.store_) {
                engine_ = nullptr;
                return;
            }
            if (const Mode* held = engine.gate_held()) {
                if (mode == exclusive && *held == shared)
                    throw Error("a unit of work or a purge cannot start inside an observer, a visit or a for_each of "
                                "the same engine; start it after that call returns");
                engine_ = nullptr;  // held already by this thread
                return;
            }
            if (mode == exclusive)
                engine.gate_.lock();
            else
                engine.gate_.lock_shared();
            gates_held().emplace_back(&engine, mode);
        }
        Gate(Gate&& other) noexcept : engine_(std::exchange(other.engine_, nullptr)), mode_(other.mode_) {}
        Gate(const Gate&) = delete;
        Gate& operator=(const Gate&) = delete;
        Gate& operator=(Gate&&) = delete;
        ~Gate() { release(); }
        /// Lets the gate go before the object ends.
        void release() noexcept
        {
            if (!engine_) return;
            auto& held = gates_held();
            const auto here = std::find_if(held.begin(), held.end(), [&](const auto& g) { return g.first == engine_; });
            if (here != held.end()) held.erase(here);
            if (mode_ == exclusive)
                engine_->gate_.unlock();
            else
                engine_->gate_.unlock_shared();
            engine_ = nullptr;
        }

    private:
        const Engine* engine_;
        Mode mode_;
    };

    /// The engines whose gate this thread holds, with how.
    static std::vector<std::pair<const Engine*, typename Gate::Mode>>& gates_held()
    {
        static thread_local std::vector<std::pair<const Engine*, typename Gate::Mode>> held;
        return held;
    }

    /// How this thread holds this engine's gate; null if it does not.
    const typename Gate::Mode* gate_held() const
    {
        for (const auto& [engine, mode] : gates_held())
            if (engine == this) return &mode;
        return nullptr;
    }

    /// How often a fire is taken anew when another writer moved the instance on between its
    /// verification and its write (a version expected by the caller is never retried).
    static constexpr int max_write_attempts = 3;

    /// A unit of work in progress on one thread.
    struct Unit {
        explicit Unit(Gate held) : gate(std::move(held)) {}
        /// The gate, exclusively: the unit's transaction spans many instances.
        Gate gate;
        /// Instances fired in the unit: dropped from memory if it rolls back.
        std::vector<std::string> touched;
        /// Transitions to announce after the commit.
        std::vector<std::pair<std::shared_ptr<Slot>, TransitionRecord>> pending;
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
            if (!done_) {
                try {
                    store_.rollback();
                } catch (...) {
                }
            }
        }
        void commit()
        {
            done_ = true;
            store_.commit();
        }

    private:
        Store& store_;
        bool done_ = false;
    };

    /// An instance's slot with its lock held.
    struct Locked {
        std::shared_ptr<Slot> slot;
        std::unique_lock<std::mutex> lock;
    };

    struct NamedEvent {
        std::string_view id;
        Fired (Engine::*fire)(const std::string&, const Fields&, const Actor&, const FireOptions&);
        Fired (Engine::*create)(const std::string&, Data, const Actor&, const Fields&, const CreateOptions&);
        std::optional<ErasedEntry> (*erased)(const StoredTransition&, const std::string&);
    };

    template <class Event>
    Fired fire_from_fields(const std::string& id, const Fields& payload, const Actor& actor,
                           const FireOptions& options)
    {
        return fire(id, read_fields<Event>(Event::id, payload), actor, options);
    }

    template <class Event>
    Fired create_from_fields(const std::string& id, Data data, const Actor& actor, const Fields& payload,
                             const CreateOptions& options)
    {
        return create(id, std::move(data), actor, read_fields<Event>(Event::id, payload), options);
    }

    /// The event named @p name, or null.
    static const NamedEvent* find_named_event(std::string_view name)
    {
        static const std::vector<NamedEvent> table = [] {
            std::vector<NamedEvent> out;
            Traits::for_each_event([&out](auto wrapped) {
                using E = typename decltype(wrapped)::of;
                out.push_back({E::id, &Engine::template fire_from_fields<E>, &Engine::template create_from_fields<E>,
                               &Engine::template erased_entry<E>});
            });
            return out;
        }();
        for (const auto& named : table)
            if (named.id == name) return &named;
        return nullptr;
    }

    /// The event named @p name; throws UnknownEvent listing the lifecycle's events.
    static const NamedEvent& named_event(std::string_view name)
    {
        if (const NamedEvent* named = find_named_event(name)) return *named;
        std::string known;
        for (const auto& e : Traits::events()) known += (known.empty() ? "" : ", ") + std::string(e.id);
        throw UnknownEvent(std::string(Lifecycle::id), std::string(name), known);
    }

    /// A new instance in its initial state(s), not yet visible to other threads.
    std::shared_ptr<Slot> make_slot(const std::string& id, Data data, const Actor& actor,
                                    const CreateOptions& options) const
    {
        if (id.empty()) throw InvalidData("an instance needs a non-empty id");
        if (id.size() > max_instance_id_bytes)
            throw InvalidData("an instance id may have at most " + std::to_string(max_instance_id_bytes) +
                              " bytes; this one has " + std::to_string(id.size()) + ": use a shorter reference");
        if (!valid_utf8(id)) throw InvalidData("an instance id must be UTF-8 text; this one has bytes that are not");
        if (std::any_of(id.begin(), id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
            throw InvalidData("an instance id must not hold control characters (line breaks, tabs, …)");
        if constexpr (hooks::has_validate<Lifecycle>::value) Lifecycle::validate(data);
        auto slot = std::make_shared<Slot>();
        Instance<Lifecycle>& in = slot->instance;
        in.id_ = id;
        in.created_at_ = in.last_at_ = options.recorded_at.value_or(clock_->now());
        in.created_by_ = actor;
        in.machine_.data = std::move(data);
        FireContext<Config> context{in.created_at_, &actor, &config_, {}};
        ContextScope<Machine, Config> scope(in.machine_, context);
        in.machine_.start();
        return slot;
    }

    /// Runs @p write (the store writes of a change already made in memory to instance @p id,
    /// whose lock @p locked holds) as one store transaction, or a savepoint inside this thread's
    /// unit of work. If it fails, the instance in memory is ahead of the store: it is dropped,
    /// and read back as stored at its next use. Inside a unit of work, a rollback of the unit
    /// drops it too.
    template <class Write>
    void write_change(Locked& locked, const std::string& id, Write&& write)
    {
        try {
            StoreScope scope(*store_);
            const std::optional<std::uint64_t> before = store_->change_counter();
            write();
            const std::optional<std::uint64_t> after = store_->change_counter();
            scope.commit();
            locked.slot->verified_epoch = note_write(before, after);
        } catch (...) {
            discard(locked, id);
            throw;
        }
        if (Unit* unit = unit_here()) unit->touched.push_back(id);
    }

    /// Drops instance @p id, whose copy @p locked holds, from memory: the copy is ahead of the
    /// store (a write failed), and the next use reads it back as stored.
    void discard(Locked& locked, const std::string& id) const
    {
        locked.slot->alive = false;  // before the lock goes: a waiter must find it gone
        if (locked.lock.owns_lock()) locked.lock.unlock();
        unpublish(id, locked.slot);
    }

    /// The lock of @p slot, for a call on the store path. A thread that holds the gate
    /// exclusively (in a unit of work or purge) is the only one in the engine: it takes no
    /// instance locks, which it would otherwise take while it holds the store's transaction
    /// (against the gate, instance, store order the other calls keep).
    std::unique_lock<std::mutex> lock_slot(Slot& slot) const
    {
        const typename Gate::Mode* held = gate_held();
        const bool alone = held && *held == Gate::exclusive;
        return alone ? std::unique_lock<std::mutex>(slot.mutex, std::defer_lock) : std::unique_lock<std::mutex>(slot.mutex);
    }

    /// Writes new instance @p id (@p slot, whose lock the caller holds) with @p write, as
    /// write_change() does, and makes it visible: before the commit, so that others who find it
    /// wait for its lock; taken back if the write fails.
    template <class Write>
    void write_new(const std::string& id, const std::shared_ptr<Slot>& slot, Write&& write)
    {
        StoreScope scope(*store_);
        const std::optional<std::uint64_t> before = store_->change_counter();
        write();
        const std::optional<std::uint64_t> after = store_->change_counter();
        evict_for_one_more();
        publish_replacing(id, slot);
        try {
            scope.commit();
        } catch (...) {
            unpublish(id, slot);
            throw;
        }
        slot->verified_epoch = note_write(before, after);
        if (Unit* unit = unit_here()) unit->touched.push_back(id);
    }

    /// A refused action, thrown inside an operation and caught at its edge, once its locks and
    /// store transaction are undone, where refuse() logs it and throws NotPermitted.
    struct Refusal {
        StoredDenial denial;
    };

    StoredDenial denial(std::string_view what, const std::string& id, const Actor& actor, std::string reason) const
    {
        return StoredDenial{std::string(Lifecycle::id), id, std::string(what), actor, clock_->now(), std::move(reason)};
    }

    AccessTarget target_of(const Instance<Lifecycle>& in, const StoreKeys& keys) const
    {
        return AccessTarget{Lifecycle::id, in.id(), keys.owner, keys.overseer};
    }

    /// Throws Refusal unless the policy lets @p actor do @p what to @p in.
    void check(std::string_view what, const Instance<Lifecycle>& in, const Actor& actor) const
    {
        if (!options_.policy) return;
        const StoreKeys keys = keys_of(in);
        if (auto why = options_.policy->refusal(actor, what, target_of(in, keys)))
            throw Refusal{denial(what, in.id(), actor, std::move(*why))};
    }

    /// Logs the refusal (inside this thread's unit of work, and again after it if it rolls
    /// back) and throws NotPermitted.
    [[noreturn]] void refuse(const Refusal& r) const
    {
        const StoredDenial& d = r.denial;
        if (store_) {
            store_->log_denial(d);
            if (Unit* unit = const_cast<Engine*>(this)->unit_here()) unit->denials.push_back(d);
        } else {
            std::lock_guard<std::mutex> lock(denials_mutex_);
            memory_denials_.push_back(d);
        }
        throw NotPermitted(d.lifecycle, d.instance, d.action, d.actor.id, "not permitted: " + d.reason);
    }

    /// The events allowed now that the policy lets @p actor fire.
    std::vector<std::string_view> permitted_now(const Instance<Lifecycle>& in, const Actor& actor) const
    {
        std::vector<std::string_view> events = allowed_now(in);
        if (!options_.policy) return events;
        const StoreKeys keys = keys_of(in);
        const AccessTarget target = target_of(in, keys);
        events.erase(std::remove_if(events.begin(), events.end(),
                                    [&](std::string_view e) { return !options_.policy->permits(actor, e, target); }),
                     events.end());
        return events;
    }

    void require_store(const char* what) const
    {
        if (!store_)
            throw Error(std::string(what) + " needs an engine with a store: an engine in memory keeps nothing "
                                            "beyond its own life");
    }

    static std::optional<Retention> lifecycle_retention()
    {
        if constexpr (hooks::has_retention<Lifecycle>::value)
            return Retention{Lifecycle::retention};
        else
            return std::nullopt;
    }

    /// Instances purge() looks at: those in the lifecycle's `ended_states`, or all.
    std::vector<std::string> purge_candidates() const
    {
        if constexpr (hooks::has_ended_states<Lifecycle>::value) {
            std::vector<std::string> out;
            for (std::string_view state : Lifecycle::ended_states) {
                InstanceQuery q{std::string(Lifecycle::id)};
                q.state = std::string(state);
                auto found = store_->find(q);
                out.insert(out.end(), found.begin(), found.end());
            }
            std::sort(out.begin(), out.end());
            return out;
        } else {
            return store_->find(InstanceQuery{std::string(Lifecycle::id)});
        }
    }

    /// Erases @p in's personal data in the store's open transaction and then in memory (the
    /// caller holds its lock and drops it if the transaction fails).
    void erase_stored(Instance<Lifecycle>& in, const Actor& actor, Timestamp at, std::string_view reason)
    {
        refuse_earlier(in, erasure_event, at);
        Data data = in.data();
        if constexpr (hooks::has_erase_personal<Lifecycle>::value) Lifecycle::erase_personal(data);
        std::vector<ErasedEntry> entries;
        for (const auto& t : store_->history(Lifecycle::id, in.id())) {
            if (t.erased_at || t.event == erasure_event) continue;
            const NamedEvent* named = find_named_event(t.event);
            if (!named) continue;  // an event this build does not know: left as it is
            if (auto entry = named->erased(t, std::string(Lifecycle::id) + " " + in.id())) entries.push_back(*entry);
        }
        StoredInstance after = stored(in);
        after.version = in.version_ + 1;
        if constexpr (storable) after.data = encode(data);
        const std::string state(in.state());
        StoredTransition record{after.version, std::string(erasure_event), state, state, actor, at, {},
                                "reason=" + std::string(reason)};
        store_->erase(after, entries, record);
        in.machine_.data = std::move(data);
        in.version_ = after.version;
        in.erased_at_ = at;
        in.last_at_ = at;
    }

    /// The erased form of a log entry of event @p Event, if it has personal fields.
    template <class Event>
    static std::optional<ErasedEntry> erased_entry(const StoredTransition& t, const std::string& what)
    {
        if (!has_personal_fields<Event>()) return std::nullopt;
        const Event erased = without_personal_fields(decode<Event>(t.payload, what + " version " + std::to_string(t.version)));
        return ErasedEntry{t.version, encode(erased), summarize_fields(erased)};
    }

    /// Makes @p slot visible under @p id.
    void publish(const std::string& id, std::shared_ptr<Slot> slot) const
    {
        Shard& shard = shard_of(id);
        std::unique_lock<std::shared_mutex> lock(shard.mutex);
        if (!shard.slots.emplace(id, std::move(slot)).second) throw DuplicateInstance(std::string(Lifecycle::id), id);
        resident_count_.fetch_add(1, std::memory_order_relaxed);
    }

    /// Makes @p slot visible under @p id in place of any copy there (a stale one of an instance
    /// removed from the store behind this engine's back).
    void publish_replacing(const std::string& id, const std::shared_ptr<Slot>& slot) const
    {
        Shard& shard = shard_of(id);
        std::unique_lock<std::shared_mutex> lock(shard.mutex);
        auto [it, fresh] = shard.slots.emplace(id, slot);
        if (fresh) {
            resident_count_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        it->second->alive = false;
        it->second = slot;
    }

    /// Takes back @p slot (it is gone for whoever gets its lock next) and removes it from the
    /// map if it is still the one under @p id.
    void unpublish(const std::string& id, const std::shared_ptr<Slot>& slot) const
    {
        slot->alive = false;
        Shard& shard = shard_of(id);
        std::unique_lock<std::shared_mutex> lock(shard.mutex);
        auto it = shard.slots.find(id);
        if (it == shard.slots.end() || it->second != slot) return;
        shard.slots.erase(it);
        resident_count_.fetch_sub(1, std::memory_order_relaxed);
    }

    /// Finds instance @p id and locks it. With a store (whose gate the caller holds): loads it if
    /// it is not in memory, and reloads it if the store has another version than the copy, unless
    /// nothing can have changed since the copy was last verified.
    Locked acquire(const std::string& id) const
    {
        if (!store_) {
            Locked locked{find_resident(id), {}};
            if (!locked.slot) throw InstanceNotFound(std::string(Lifecycle::id), id);
            locked.lock = std::unique_lock<std::mutex>(locked.slot->mutex);
            if (!locked.slot->alive) throw InstanceNotFound(std::string(Lifecycle::id), id);
            return locked;
        }
        for (;;) {
            const std::uint64_t epoch = current_epoch();
            std::shared_ptr<Slot> slot = find_resident(id);
            if (!slot) slot = load(id, epoch);
            Locked locked{slot, lock_slot(*slot)};
            if (!slot->alive) continue;  // dropped, evicted or replaced meanwhile: look again
            if (slot->verified_epoch != epoch) {
                const auto stored_version = store_->version(Lifecycle::id, id);
                if (!stored_version || *stored_version != slot->instance.version_) {
                    // Removed, or another process moved it on: this copy is out of date.
                    discard(locked, id);
                    if (!stored_version) throw InstanceNotFound(std::string(Lifecycle::id), id);
                    continue;
                }
                slot->verified_epoch = epoch;
            }
            slot->used.store(++tick_, std::memory_order_relaxed);
            return locked;
        }
    }

    /// The cache epoch to verify copies against (with a store): if anything may have changed the
    /// store since this engine last knew its copies current, a new one, so that each copy is
    /// checked against its stored version at its next use.
    std::uint64_t current_epoch() const
    {
        const std::optional<std::uint64_t> changes = store_->change_counter();
        std::lock_guard<std::mutex> lock(cache_mutex_);
        if (!changes || changes != verified_changes_) {
            ++cache_epoch_;
            verified_changes_ = changes;
        }
        return cache_epoch_;
    }

    /// After this engine's own write in a store transaction, during which the store's change
    /// counter went from @p before to @p after: if nothing else had changed the store since the
    /// copies were last known current, they still are; otherwise a new epoch begins. Returns the
    /// epoch in which the written copy is current.
    std::uint64_t note_write(const std::optional<std::uint64_t>& before, const std::optional<std::uint64_t>& after) const
    {
        std::lock_guard<std::mutex> lock(cache_mutex_);
        if (!before || !after || before != verified_changes_) ++cache_epoch_;
        verified_changes_ = after;
        return cache_epoch_;
    }

    std::shared_ptr<Slot> find_resident(const std::string& id) const
    {
        const Shard& shard = shard_of(id);
        std::shared_lock<std::shared_mutex> lock(shard.mutex);
        auto it = shard.slots.find(id);
        return it == shard.slots.end() ? nullptr : it->second;
    }

    bool contains_resident(const std::string& id) const { return find_resident(id) != nullptr; }

    /// Reads instance @p id from the store into memory, current in cache epoch @p epoch; if
    /// another thread has put it there meanwhile, that copy (the caller locks and checks it).
    std::shared_ptr<Slot> load(const std::string& id, std::uint64_t epoch) const
    {
        std::optional<StoredInstance> s = store_->load(Lifecycle::id, id);
        if (!s) throw InstanceNotFound(std::string(Lifecycle::id), id);
        auto slot = std::make_shared<Slot>();
        Instance<Lifecycle>& in = slot->instance;
        in.id_ = id;
        in.version_ = s->version;
        in.created_at_ = s->created_at;
        in.created_by_ = std::move(s->created_by);
        in.erased_at_ = s->erased_at;
        in.last_at_ = s->last_transition_at.value_or(s->created_at);
        const std::string what = std::string(Lifecycle::id) + " " + id;
        if constexpr (storable) in.machine_.data = decode<Data>(s->data, what);
        restore_state_ids<Lifecycle>(in.machine_, s->states, what);
        // Data that decodes can still contradict the state (a row edited by hand); the guards
        // and actions rely on what the state promises.
        if constexpr (hooks::has_stored_inconsistency<Lifecycle>::value)
            if (const std::string problem = Lifecycle::stored_inconsistency(in.machine_.data, s->states);
                !problem.empty())
                throw StoreCorrupt("the stored " + what + " is impossible: " + problem +
                                   "; restore it from a backup, and run `kimctl verify` to find other damage");
        slot->verified_epoch = epoch;
        evict_for_one_more();
        Shard& shard = shard_of(id);
        std::unique_lock<std::shared_mutex> lock(shard.mutex);
        auto [it, fresh] = shard.slots.emplace(id, std::move(slot));
        if (fresh) resident_count_.fetch_add(1, std::memory_order_relaxed);
        return it->second;
    }

    /// Drops instance @p id from memory (the store keeps it).
    void drop(const std::string& id) const
    {
        std::shared_ptr<Slot> slot;
        {
            Shard& shard = shard_of(id);
            std::unique_lock<std::shared_mutex> lock(shard.mutex);
            auto it = shard.slots.find(id);
            if (it == shard.slots.end()) return;
            slot = std::move(it->second);
            shard.slots.erase(it);
            resident_count_.fetch_sub(1, std::memory_order_relaxed);
        }
        slot->alive = false;  // a holder of its lock sees it gone at its next acquire
    }

    /// Makes room for one more resident instance: drops the least recently used tenth when
    /// the limit is reached. An instance whose lock is held (a fire under way) is kept.
    void evict_for_one_more() const
    {
        if (resident_count_.load(std::memory_order_relaxed) < options_.max_resident) return;
        std::vector<std::unique_lock<std::shared_mutex>> locks;  // every shard, in order
        for (const Shard& shard : shards_) locks.emplace_back(shard.mutex);
        std::size_t size = 0;
        for (const Shard& shard : shards_) size += shard.slots.size();
        if (size < options_.max_resident) return;
        std::vector<std::pair<std::uint64_t, const std::string*>> by_use;
        by_use.reserve(size);
        for (const Shard& shard : shards_)
            for (const auto& [id, slot] : shard.slots) by_use.emplace_back(slot->used.load(std::memory_order_relaxed), &id);
        const std::size_t keep = options_.max_resident - std::max<std::size_t>(1, options_.max_resident / 10);
        const std::size_t evict = size - keep;
        std::nth_element(by_use.begin(), by_use.begin() + static_cast<std::ptrdiff_t>(evict - 1), by_use.end());
        std::vector<std::string> victims;
        for (std::size_t i = 0; i < evict; ++i) victims.push_back(*by_use[i].second);
        for (const std::string& id : victims) {
            Shard& shard = shard_of(id);
            auto it = shard.slots.find(id);
            const std::shared_ptr<Slot> victim = it->second;  // outlives the erase and the lock
            std::unique_lock<std::mutex> slot_lock(victim->mutex, std::try_to_lock);
            if (!slot_lock.owns_lock()) continue;  // in use: keep it
            victim->alive = false;
            shard.slots.erase(it);
            resident_count_.fetch_sub(1, std::memory_order_relaxed);
        }
    }

    /// The instance as the store keeps it.
    StoredInstance stored(const Instance<Lifecycle>& in) const
    {
        const StoreKeys keys = keys_of(in);
        std::string data;
        if constexpr (storable) data = encode(in.machine_.data);
        return StoredInstance{std::string(Lifecycle::id),
                              in.id_,
                              in.version_,
                              active_state_ids<Lifecycle>(in.machine_),
                              std::string(in.state()),
                              std::move(data),
                              in.created_at_,
                              in.created_by_,
                              keys.due,
                              keys.owner,
                              keys.area,
                              keys.overseer,
                              in.erased_at_};
    }

    /// The transition as the store logs it, with the typed event as payload.
    template <class Event>
    static StoredTransition logged(const TransitionRecord& r, const Event& event)
    {
        StoredTransition t{r.version, std::string(r.event), std::string(r.from), std::string(r.to),
                           r.actor,   r.at,                 encode(event),      r.payload};
        if (has_personal_fields<Event>()) {
            const Event erased = without_personal_fields(event);
            t.personal = true;
            t.erased_payload = encode(erased);
            t.erased_summary = summarize_fields(erased);
        }
        return t;
    }

    /// The lifecycle's keys, with owner and overseer as organisation keys (organization_key()).
    StoreKeys keys_of(const Instance<Lifecycle>& in) const
    {
        if constexpr (hooks::has_store_keys<Lifecycle>::value) {
            StoreKeys keys = Lifecycle::store_keys(in.data(), in.state(), config_);
            keys.owner = organization_key(keys.owner);
            keys.overseer = organization_key(keys.overseer);
            return keys;
        } else {
            return {};
        }
    }

    static Fired fired(const TransitionRecord& r) { return {r.from, r.to, r.version}; }

    /// Tells observers of @p record now, or at the commit of this thread's unit of work.
    void announce(const std::shared_ptr<Slot>& slot, const TransitionRecord& record)
    {
        if (Unit* unit = unit_here()) {
            unit->pending.emplace_back(slot, record);
            return;
        }
        notify(slot->instance, record);
    }

    /// The units of work of this thread (engine, unit).
    static std::vector<std::pair<const Engine*, Unit*>>& units()
    {
        static thread_local std::vector<std::pair<const Engine*, Unit*>> list;
        return list;
    }

    Unit* unit_here() const
    {
        for (const auto& [engine, unit] : units())
            if (engine == this) return unit;
        return nullptr;
    }

    /// Ends this thread's unit of work: commits (then announces) or rolls back (then drops the
    /// instances it fired on, whose memory is ahead of the store).
    void end_unit(bool commit)
    {
        auto& list = units();
        auto it = std::find_if(list.begin(), list.end(), [this](const auto& e) { return e.first == this; });
        if (it == list.end()) return;
        std::unique_ptr<Unit> unit(it->second);
        list.erase(it);
        bool committed = false;
        if (commit) {
            try {
                store_->commit();
                committed = true;
            } catch (...) {
                for (const auto& id : unit->touched) drop(id);
                throw;
            }
        } else {
            try {
                store_->rollback();
            } catch (...) {
            }
        }
        if (!committed) {
            for (const auto& id : unit->touched) drop(id);
            // A refusal is logged even when the work around it is undone.
            for (const auto& d : unit->denials) {
                try {
                    store_->log_denial(d);
                } catch (...) {
                    if (commit) throw;  // the commit failed: the store is unwell; report that
                }
            }
            return;
        }
        unit->gate.release();
        std::string failures;
        for (auto& [slot, record] : unit->pending) {
            std::lock_guard<std::mutex> lock(slot->mutex);
            try {
                notify(slot->instance, record);
            } catch (const ObserverError& e) {
                failures += (failures.empty() ? "" : "; ") + std::string(e.what());
            }
        }
        if (!failures.empty()) throw ObserverError(failures);
    }

    /// Applies @p event to @p in (whose lock the caller holds) in memory and records it at
    /// @p at, into @p history: the instance's own without a store; with one, the caller's, which
    /// keeps it until the store has it. Returns the record (valid while @p history is unchanged).
    template <class Event>
    const TransitionRecord& transition(Instance<Lifecycle>& in, const Event& event, const Actor& actor, Timestamp at,
                                       std::vector<TransitionRecord>& history)
    {
        static_assert(boost::mpl::has_key<typename Traits::EventSet, Event>::value,
                      "this event type does not appear in the lifecycle's transition table");
        check_required_fields(Event::id, event);
        refuse_earlier(in, Event::id, at);
        Machine& machine = in.machine_;
        std::array<int, Traits::regions> before{};
        std::copy_n(machine.current_state(), Traits::regions, before.begin());
        // The record is built (and the history has room for it) before the machine moves, so that
        // a transition, once applied, is always recorded. Actions themselves may allocate: under
        // exhausted memory an action can stop half-way (no strong guarantee there).
        TransitionRecord record{in.version_ + 1, Event::id, {}, {}, actor, at, summarize_fields(event)};
        // The summary holds every text field: checking it checks them all, before anything moves.
        if (record.payload.size() > options_.max_payload_bytes)
            throw InvalidPayload(std::string(Event::id), "", "the payload has " + std::to_string(record.payload.size()) +
                                                                 " bytes; at most " +
                                                                 std::to_string(options_.max_payload_bytes) +
                                                                 " are taken: keep documents outside and refer to them");
        if (!valid_utf8(record.payload))
            throw InvalidPayload(std::string(Event::id), "", "a text field is not UTF-8; convert it before firing");
        if (history.size() == history.capacity()) history.reserve(std::max<std::size_t>(4, history.capacity() * 2));

        FireContext<Config> context{record.at, &actor, &config_, {}};
        boost::msm::back::HandledEnum handled;
        {
            ContextScope<Machine, Config> scope(machine, context);
            handled = machine.process_event(event);
        }
        // MSM ors the results of all regions: applied if any region took the event.
        if (!(handled & boost::msm::back::HANDLED_TRUE)) reject(in, Event::id, handled, std::move(context.refusal));

        // The record names the main region's states, or those of the first region that moved
        // when the main region stayed (e.g. consent granted while the phase goes on).
        int region = Traits::main_region;
        for (int r = 0; r < Traits::regions && before[region] == machine.current_state()[region]; ++r)
            if (before[r] != machine.current_state()[r]) region = r;
        record.from = Traits::state_id(before[region]);
        record.to = Traits::state_id(machine.current_state()[region]);
        in.version_ = record.version;
        in.last_at_ = record.at;
        history.push_back(std::move(record));
        return history.back();
    }

    /// When a fire on @p in (whose lock the caller holds) is recorded: the time given, or now by
    /// the clock but never before the last transition (a wall clock may step back).
    Timestamp recorded_at(const Instance<Lifecycle>& in, const FireOptions& options) const
    {
        return options.recorded_at ? *options.recorded_at : std::max(clock_->now(), in.last_at_);
    }

    /// Throws RecordedTooEarly if @p at lies before @p in's last transition.
    static void refuse_earlier(const Instance<Lifecycle>& in, std::string_view event, Timestamp at)
    {
        if (at >= in.last_at_) return;
        const std::string reason = "it would be recorded at " + format_timestamp(at) +
                                   ", before its last transition (" + format_timestamp(in.last_at_) +
                                   "); a history only moves forward: give a time at or after that one";
        throw RecordedTooEarly(in.id(), std::string(in.state()), std::string(event), reason,
                               "cannot " + std::string(event) + " " + std::string(Lifecycle::id) + " '" + in.id() +
                                   "': " + reason);
    }

    std::vector<std::string_view> allowed_now(const Instance<Lifecycle>& in) const
    {
        // Guards read the configuration through the fire context.
        FireContext<Config> context{clock_->now(), &in.created_by_, &config_, {}};
        auto& machine = const_cast<Machine&>(in.machine_);  // only its context pointer changes
        ContextScope<Machine, Config> scope(machine, context);
        return Traits::allowed_events(machine);
    }

    [[noreturn]] void reject(Instance<Lifecycle>& in, std::string_view event, boost::msm::back::HandledEnum handled,
                             std::string refusal) const
    {
        const std::string state(in.state());
        const std::string subject = std::string(event) + " " + std::string(Lifecycle::id) + " '" + in.id() + "'";
        if (handled & boost::msm::back::HANDLED_GUARD_REJECT) {
            if (refusal.empty()) refusal = "a guard refused it";
            throw GuardRejected(in.id(), state, std::string(event), refusal, "cannot " + subject + ": " + refusal);
        }
        std::string allowed;
        for (auto e : allowed_now(in)) allowed += (allowed.empty() ? "" : ", ") + std::string(e);
        std::string reason = "not possible while it is " + state + "; possible now: " + (allowed.empty() ? "nothing" : allowed);
        throw EventNotAllowed(in.id(), state, std::string(event), reason, "cannot " + subject + ": " + reason);
    }

    void notify(const Instance<Lifecycle>& in, const TransitionRecord& record) const
    {
        if (observer_count_.load(std::memory_order_acquire) == 0) return;
        std::shared_ptr<const std::vector<std::pair<std::size_t, Observer>>> observers;
        {
            std::lock_guard<std::mutex> lock(observers_mutex_);
            observers = observers_;
        }
        const Notice notice{Lifecycle::id, in.id(), record, in.data()};
        std::string failures;
        {
            // An observer that fires on another instance notifies again on this thread: only the
            // outermost call holds the lock (a shared_mutex must not be locked twice by one thread).
            const bool outermost = !notifying_here();
            std::shared_lock<std::shared_mutex> running(notifying_, std::defer_lock);
            if (outermost) {
                running.lock();
                notifying_engines().push_back(this);
            }
            for (const auto& entry : *observers) {
                try {
                    entry.second(notice);
                } catch (const std::exception& e) {
                    failures += (failures.empty() ? "" : "; ") + std::string(e.what());
                } catch (...) {
                    failures += (failures.empty() ? "" : "; ") + std::string("an exception of unknown type");
                }
            }
            if (outermost) notifying_engines().pop_back();
        }
        if (!failures.empty())
            throw ObserverError(std::string(Lifecycle::id) + " '" + in.id() + "': '" + std::string(record.event) +
                                "' was applied as version " + std::to_string(record.version) +
                                ", but an observer failed: " + failures);
    }

    const Config config_;
    const std::shared_ptr<const Clock> clock_;
    const std::shared_ptr<Store> store_;
    const EngineOptions options_;
    /// With a store: see Gate.
    mutable std::shared_mutex gate_;
    mutable std::atomic<std::uint64_t> tick_{0};
    /// With a store: the store's change counter when the resident copies were last known current,
    /// and the epoch of that knowledge (a slot verified in an older epoch is checked again).
    /// Both guarded by cache_mutex_.
    mutable std::mutex cache_mutex_;
    mutable std::optional<std::uint64_t> verified_changes_;
    mutable std::uint64_t cache_epoch_ = 1;
    /// Without a store: the refusals logged (with one, the store keeps them).
    mutable std::mutex denials_mutex_;
    mutable std::vector<StoredDenial> memory_denials_;
    /// Instances in memory (all of them without a store; a cache of the store's with one), in
    /// shards by the id's hash, each with its own lock (on a cache line of its own), so that
    /// threads on different instances seldom touch the same lock.
    struct alignas(64) Shard {
        mutable std::shared_mutex mutex;
        std::unordered_map<std::string, std::shared_ptr<Slot>> slots;
    };
    static constexpr std::size_t shard_count = 16;
    mutable std::array<Shard, shard_count> shards_;
    Shard& shard_of(const std::string& id) const { return shards_[std::hash<std::string>{}(id) % shard_count]; }
    /// How many instances are in memory, over all shards.
    mutable std::atomic<std::size_t> resident_count_{0};
    mutable std::mutex observers_mutex_;
    std::shared_ptr<const std::vector<std::pair<std::size_t, Observer>>> observers_ =
        std::make_shared<const std::vector<std::pair<std::size_t, Observer>>>();
    std::atomic<std::size_t> observer_count_{0};
    /// Held shared while observers run; unobserve() takes it exclusively to wait for them.
    mutable std::shared_mutex notifying_;
    /// The engines whose observers this thread is running now, innermost last.
    static std::vector<const Engine*>& notifying_engines()
    {
        static thread_local std::vector<const Engine*> engines;
        return engines;
    }
    /// Whether this thread is inside one of this engine's observers (unobserve() must then not
    /// wait for itself).
    bool notifying_here() const
    {
        const auto& engines = notifying_engines();
        return std::find(engines.begin(), engines.end(), this) != engines.end();
    }
    std::size_t last_observer_ = 0;
};

}  // namespace kimflow
