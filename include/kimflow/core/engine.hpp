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
#include "kimflow/core/lifecycle.hpp"
#include "kimflow/core/transition.hpp"

namespace kimflow {

template <class Lifecycle>
class Engine;

/// One instance of a lifecycle: its state, version, data and history. Hosts read it through
/// Engine::visit and Engine::for_each, which hold the instance's lock meanwhile.
template <class Lifecycle>
class Instance {
public:
    using Traits = LifecycleTraits<Lifecycle>;
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
    /// When and by whom the instance was created.
    Timestamp created_at() const noexcept { return created_at_; }
    const Actor& created_by() const noexcept { return created_by_; }

private:
    friend class Engine<Lifecycle>;
    std::string id_;
    typename Traits::Machine machine_;
    std::uint64_t version_ = 0;
    Timestamp created_at_{};
    Actor created_by_;
    std::vector<TransitionRecord> history_;
};

/// A copy of an instance's current state, for callers that want a value.
template <class Data>
struct InstanceView {
    std::string lifecycle;
    std::string id;
    /// Current state per region (region 0 first).
    std::vector<std::string_view> states;
    std::uint64_t version = 0;
    Data data;
    /// Events allowed now (guards that need no payload evaluated).
    std::vector<std::string_view> allowed_events;
    Timestamp created_at{};
    Actor created_by;
};

/// What an observer sees of an applied transition. The references are valid during the call.
template <class Data>
struct TransitionNotice {
    std::string_view lifecycle;
    const std::string& instance;
    const TransitionRecord& record;
    /// The instance data after the transition.
    const Data& data;
};

/// Runs the instances of one lifecycle in memory.
///
/// Thread safety: every member function may be called from several threads at once.
/// Fires on different instances run in parallel; fires on the same instance are serialised
/// by a lock per instance, so its versions and history stay gap-free. Observers run on the
/// firing thread while that instance's lock is held: they see transitions of one instance in
/// order and should return quickly. An observer may fire on and read other instances, but must
/// not touch the instance it is told about (the notice carries its data) nor call for_each(),
/// which would visit it: both wait for the lock the observer's own fire holds.
template <class Lifecycle>
class Engine {
public:
    using Traits = LifecycleTraits<Lifecycle>;
    using Data = typename Traits::Data;
    using Config = typename Traits::Config;
    using Machine = typename Traits::Machine;
    using View = InstanceView<Data>;
    using Notice = TransitionNotice<Data>;
    using Observer = std::function<void(const Notice&)>;

    /// @param config  the lifecycle's configuration (e.g. the rules of procedure)
    /// @param clock   where "now" comes from; the system clock by default
    explicit Engine(Config config = Config{}, std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>())
        : config_(std::move(config)), clock_(std::move(clock))
    {
        if (!clock_) throw Error("Engine needs a clock; pass a SystemClock or a ManualClock");
    }

    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// The lifecycle's stable id, e.g. "paper".
    static constexpr std::string_view lifecycle() { return Lifecycle::id; }

    /// Creates an instance in the initial state(s), version 0.
    /// @throws InvalidData if the id is empty or the lifecycle's validate() refuses the data
    /// @throws DuplicateInstance if the id is taken
    void create(const std::string& id, Data data, const Actor& actor)
    {
        publish(id, make_slot(id, std::move(data), actor));
    }

    /// Creates an instance and fires its opening event in one step: if the event is rejected,
    /// no instance is created; otherwise the instance appears at version 1 with the event as
    /// the first entry of its history (e.g. a KIM case is opened by `open` with its payload).
    /// @throws everything create() and fire() throw
    template <class Event>
    Fired create(const std::string& id, Data data, const Actor& actor, const Event& opening)
    {
        auto slot = make_slot(id, std::move(data), actor);
        // Published locked: others who find it wait until it is opened, or see it gone.
        std::unique_lock<std::mutex> lock(slot->mutex);
        publish(id, slot);
        try {
            return apply(slot->instance, opening, actor);
        } catch (...) {
            if (slot->instance.version_ == 0) unpublish(id, *slot);  // rejected: as if never created
            throw;
        }
    }

    /// create() with the opening event given by name and a payload of strings.
    Fired create(const std::string& id, Data data, const Actor& actor, std::string_view opening,
                 const Fields& payload)
    {
        return (this->*named_event(opening).create)(id, std::move(data), actor, payload);
    }

    /// Fires a typed event on instance @p id.
    /// @param expected_version  if given, the fire applies only when the instance is at that version
    /// @throws InstanceNotFound, VersionConflict,
    ///         EventNotAllowed (no transition from the current state),
    ///         GuardRejected (a guard said no; the reason says what is needed),
    ///         ObserverError (the transition was applied; an observer failed)
    template <class Event>
    Fired fire(const std::string& id, const Event& event, const Actor& actor,
               std::optional<std::uint64_t> expected_version = std::nullopt)
    {
        Locked locked = acquire(id);
        Instance<Lifecycle>& in = locked.slot->instance;
        if (expected_version && *expected_version != in.version_)
            throw VersionConflict(id, *expected_version, in.version_);
        return apply(in, event, actor);
    }

    /// Fires an event by its stable id with a payload of strings, for hosts and tools that only
    /// have text (a command line, a form, another language).
    /// @throws UnknownEvent, InvalidPayload, and everything the typed fire throws
    Fired fire(const std::string& id, std::string_view event, const Fields& payload, const Actor& actor,
               std::optional<std::uint64_t> expected_version = std::nullopt)
    {
        return (this->*named_event(event).fire)(id, payload, actor, expected_version);
    }

    /// Whether instance @p id exists.
    bool contains(const std::string& id) const
    {
        std::shared_lock<std::shared_mutex> lock(map_mutex_);
        return slots_.count(id) != 0;
    }

    /// Number of instances.
    std::size_t size() const
    {
        std::shared_lock<std::shared_mutex> lock(map_mutex_);
        return slots_.size();
    }

    /// Calls @p f with the instance (const) while holding its lock; returns a copy of what @p f
    /// returns (a reference into the instance would outlive the lock).
    template <class F>
    auto visit(const std::string& id, F&& f) const
    {
        Locked locked = acquire(id);
        return std::forward<F>(f)(static_cast<const Instance<Lifecycle>&>(locked.slot->instance));
    }

    /// Calls @p f for every instance (const), each while holding its lock. Order is unspecified.
    template <class F>
    void for_each(F&& f) const
    {
        std::vector<std::shared_ptr<Slot>> all;
        {
            std::shared_lock<std::shared_mutex> lock(map_mutex_);
            all.reserve(slots_.size());
            for (const auto& entry : slots_) all.push_back(entry.second);
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

    /// A copy of the instance's history, oldest first.
    std::vector<TransitionRecord> history(const std::string& id) const
    {
        return visit(id, [](const Instance<Lifecycle>& in) { return in.history(); });
    }

    /// Events instance @p id may take now, in table order. Guards that depend only on the
    /// instance are evaluated; guards that need a payload (e.g. a deadline against a
    /// meeting date) are checked when the event is fired.
    std::vector<std::string_view> allowed_events(const std::string& id) const
    {
        Locked locked = acquire(id);
        return allowed_now(locked.slot->instance);
    }

    /// A copy of everything about instance @p id but its history.
    View view(const std::string& id) const
    {
        Locked locked = acquire(id);
        const Instance<Lifecycle>& in = locked.slot->instance;
        return View{std::string(Lifecycle::id), in.id(),         in.states(),      in.version(),
                    in.data(),                  allowed_now(in), in.created_at(), in.created_by()};
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
        /// False once removed from the map (an opening event was rejected); guarded by mutex.
        bool alive = true;
        Instance<Lifecycle> instance;
    };

    /// An instance's slot with its lock held.
    struct Locked {
        std::shared_ptr<Slot> slot;
        std::unique_lock<std::mutex> lock;
    };

    template <class L, class = void>
    struct has_validate : std::false_type {};
    template <class L>
    struct has_validate<L, std::void_t<decltype(L::validate(std::declval<const Data&>()))>> : std::true_type {};

    struct NamedEvent {
        std::string_view id;
        Fired (Engine::*fire)(const std::string&, const Fields&, const Actor&, std::optional<std::uint64_t>);
        Fired (Engine::*create)(const std::string&, Data, const Actor&, const Fields&);
    };

    template <class Event>
    Fired fire_from_fields(const std::string& id, const Fields& payload, const Actor& actor,
                           std::optional<std::uint64_t> expected_version)
    {
        return fire(id, read_fields<Event>(Event::id, payload), actor, expected_version);
    }

    template <class Event>
    Fired create_from_fields(const std::string& id, Data data, const Actor& actor, const Fields& payload)
    {
        return create(id, std::move(data), actor, read_fields<Event>(Event::id, payload));
    }

    /// The event named @p name; throws UnknownEvent listing the lifecycle's events.
    static const NamedEvent& named_event(std::string_view name)
    {
        static const std::vector<NamedEvent> table = [] {
            std::vector<NamedEvent> out;
            Traits::for_each_event([&out](auto wrapped) {
                using E = typename decltype(wrapped)::of;
                out.push_back({E::id, &Engine::template fire_from_fields<E>, &Engine::template create_from_fields<E>});
            });
            return out;
        }();
        for (const auto& named : table)
            if (named.id == name) return named;
        std::string known;
        for (const auto& e : Traits::events()) known += (known.empty() ? "" : ", ") + std::string(e.id);
        throw UnknownEvent(std::string(Lifecycle::id), std::string(name), known);
    }

    /// A new instance in its initial state(s), not yet visible to other threads.
    std::shared_ptr<Slot> make_slot(const std::string& id, Data data, const Actor& actor) const
    {
        if (id.empty()) throw InvalidData("an instance needs a non-empty id");
        if constexpr (has_validate<Lifecycle>::value) Lifecycle::validate(data);
        auto slot = std::make_shared<Slot>();
        Instance<Lifecycle>& in = slot->instance;
        in.id_ = id;
        in.created_at_ = clock_->now();
        in.created_by_ = actor;
        in.machine_.data = std::move(data);
        FireContext<Config> context{in.created_at_, &actor, &config_, {}};
        ContextScope<Machine, Config> scope(in.machine_, context);
        in.machine_.start();
        return slot;
    }

    /// Makes @p slot visible under @p id.
    void publish(const std::string& id, std::shared_ptr<Slot> slot)
    {
        std::unique_lock<std::shared_mutex> lock(map_mutex_);
        if (!slots_.emplace(id, std::move(slot)).second) throw DuplicateInstance(std::string(Lifecycle::id), id);
    }

    /// Takes back a published slot whose lock the caller holds.
    void unpublish(const std::string& id, Slot& slot)
    {
        slot.alive = false;
        std::unique_lock<std::shared_mutex> lock(map_mutex_);
        slots_.erase(id);
    }

    /// Finds instance @p id and locks it.
    Locked acquire(const std::string& id) const
    {
        Locked locked{find(id), {}};
        locked.lock = std::unique_lock<std::mutex>(locked.slot->mutex);
        if (!locked.slot->alive) throw InstanceNotFound(std::string(Lifecycle::id), id);
        return locked;
    }

    /// Applies @p event to @p in (whose lock the caller holds), records and announces it.
    template <class Event>
    Fired apply(Instance<Lifecycle>& in, const Event& event, const Actor& actor)
    {
        static_assert(boost::mpl::has_key<typename Traits::EventSet, Event>::value,
                      "this event type does not appear in the lifecycle's transition table");
        check_required_fields(Event::id, event);
        Machine& machine = in.machine_;
        std::array<int, Traits::regions> before{};
        std::copy_n(machine.current_state(), Traits::regions, before.begin());
        // The record is built (and the history has room for it) before the machine moves, so that
        // a transition, once applied, is always recorded. Actions themselves may allocate: under
        // exhausted memory an action can stop half-way (no strong guarantee there).
        TransitionRecord record{in.version_ + 1, Event::id, {}, {}, actor, clock_->now(), summarize_fields(event)};
        if (in.history_.size() == in.history_.capacity())
            in.history_.reserve(std::max<std::size_t>(4, in.history_.capacity() * 2));

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
        in.history_.push_back(std::move(record));
        const TransitionRecord& applied = in.history_.back();
        notify(in, applied);
        return {applied.from, applied.to, applied.version};
    }

    std::shared_ptr<Slot> find(const std::string& id) const
    {
        std::shared_lock<std::shared_mutex> lock(map_mutex_);
        auto it = slots_.find(id);
        if (it == slots_.end()) throw InstanceNotFound(std::string(Lifecycle::id), id);
        return it->second;
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
    mutable std::shared_mutex map_mutex_;
    std::unordered_map<std::string, std::shared_ptr<Slot>> slots_;
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
