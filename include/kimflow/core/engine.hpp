/// @file
/// kimflow::Engine<L>: the instances of one lifecycle, fired by typed event or by name. A thin
/// typed face over EngineCore, which is compiled once; this header pulls in no Boost.MSM.
///
/// A lifecycle of the host's own needs its model (its MSM machine, see msm_model.hpp) built in
/// one translation unit of the host; every other unit includes only this header and the
/// lifecycle's description. The built-in lifecycles have faces of their own (PaperEngine,
/// CaseEngine), compiled in the library.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/clock.hpp"
#include "kimflow/core/engine_core.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/fields.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/instance.hpp"
#include "kimflow/core/lifecycle_model.hpp"
#include "kimflow/core/personal_data.hpp"
#include "kimflow/core/policy.hpp"
#include "kimflow/core/transition.hpp"
#include "kimflow/store/store.hpp"

/// kimflow: an engine for lifecycles written as Boost.MSM machines, their store, and the
/// Drucksache (kimflow::paper) and KIM case (kimflow::kim) lifecycles built on it.
namespace kimflow {

/// Runs the instances of lifecycle @p Lifecycle on a Store (an InMemoryStore unless one is
/// given).
///
/// Every fire is one store transaction: the transition's log entry and the instance's new state
/// are written together or not at all, and a fire returns only once they are committed.
/// Instances load on demand and at most EngineOptions::max_resident stay in memory; an instance
/// another process has changed is reloaded before it is fired or read. A failed write drops
/// the instance from memory, so that it is read back as stored.
///
/// Thread safety: every member function may be called from several threads at once. Fires on
/// different instances run in parallel: the machine, the record, encoding, the policy and the
/// observers of one fire overlap with those of others, and only the store's write is one at a
/// time where the backend has one writer. A unit of work and purge() run alone on the engine.
/// Fires on the same instance are serialised by a lock per instance, so its versions and
/// history stay gap-free. Observers run on the firing thread while that instance's lock is
/// held: they see transitions of one instance in order and should return quickly. An observer
/// may fire on and read other instances, but must not touch the instance it is told about (the
/// notice carries its data) nor call for_each(), which would visit it: both wait for the lock
/// the observer's own fire holds.
///
/// The lifecycle's description (see hooks.hpp) must list its events (`using Events =
/// EventList<…>`), and its model must be built in one translation unit (msm_model.hpp).
template <class Lifecycle>
class Engine {
public:
    /// The lifecycle's instance data.
    using Data = typename Lifecycle::Data;
    /// The lifecycle's configuration.
    using Config = typename Lifecycle::Config;
    /// The lifecycle's events.
    using Events = typename Lifecycle::Events;
    /// What view() returns.
    using View = InstanceView<Data>;
    /// What an observer is told.
    using Notice = TransitionNotice<Data>;
    /// A function observe() registers.
    using Observer = std::function<void(const Notice&)>;
    /// Groups fires into one store transaction (see unit_of_work()).
    using UnitOfWork = kimflow::UnitOfWork;
    static_assert(hooks::has_event_list<Lifecycle>::value,
                  "the lifecycle must list its events: `using Events = kimflow::EventList<Submit, Answer, …>;`");
    static_assert(sizeof(hooks::PersonalDataCheck<Lifecycle>) > 0, "the lifecycle's personal-data hooks are checked");

    /// @param config   the lifecycle's configuration (e.g. the rules of procedure)
    /// @param clock    where "now" comes from; the system clock by default
    /// @param store    where instances and their logs are kept; none: an InMemoryStore of its own
    /// @param options  memory, policy, payload size and retention (EngineOptions)
    explicit Engine(Config config = Config{}, std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>(),
                    std::shared_ptr<Store> store = nullptr, EngineOptions options = {})
        : core_(model_of<Lifecycle>(), std::make_shared<const Config>(std::move(config)), std::move(clock),
                store ? std::move(store) : make_memory_store(), std::move(options))
    {
    }
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// The lifecycle's stable id, e.g. "paper".
    static constexpr std::string_view lifecycle() { return Lifecycle::id; }
    /// Every event with its payload fields and the states it may fire in.
    static std::vector<EventInfo> events() { return model_of<Lifecycle>().events(); }

    /// Starts a unit of work on this thread: the fires until commit() are one store
    /// transaction, for throughput (one commit instead of one per fire). Other threads' calls on
    /// this engine wait until it ends. Observers hear of its transitions after the commit; a
    /// rollback (or destroying it uncommitted) undoes them all.
    /// @throws Error when this thread has a unit of work on this engine, or inside an observer
    ///         or visit of this engine (which could not wait for itself)
    UnitOfWork unit_of_work() { return core_.unit_of_work(); }

    /// One unit of work over this engine and @p other, on the same store: the fires of both are
    /// one transaction (see EngineCore::unit_of_work(EngineCore&)), as a paper and its
    /// resolutions are kept in step.
    /// @throws Error if the stores differ, or this thread has a unit on either engine already
    template <class Other>
    UnitOfWork unit_of_work(Engine<Other>& other)
    {
        return core_.unit_of_work(other.core_);
    }
    /// Whether this thread has a unit of work open on this engine (alone or with another), so
    /// that a face can join it rather than open its own.
    bool in_unit() const { return core_.in_unit(); }

    /// The store.
    const std::shared_ptr<Store>& store() const noexcept { return core_.store(); }
    /// The lifecycle configuration the engine was made with.
    const Config& config() const noexcept { return *static_cast<const Config*>(core_.config()); }
    /// The clock the engine reads.
    const Clock& clock() const noexcept { return core_.clock(); }

    /// Creates an instance in the initial state(s), version 0.
    /// @throws InvalidData if the id is empty, longer than max_instance_id_bytes, not UTF-8 or
    ///         has control characters, or the lifecycle's validate() refuses the data
    /// @throws DuplicateInstance if the id is taken; IdUnavailable (one, saying no more) if it
    ///         is taken by an instance @p actor may not read
    /// @throws NotPermitted if the policy does not let @p actor `create` it
    void create(const std::string& id, Data data, const Actor& actor, const CreateOptions& options = {})
    {
        core_.create(id, &data, actor, options);
    }

    /// Creates an instance and fires its opening event in one step: if the event is rejected,
    /// no instance is created; otherwise the instance appears at version 1 with the event as
    /// the first entry of its history (as a KIM case is opened by `open` with its payload).
    /// @throws everything create() and fire() throw
    template <class Event>
    Fired create(const std::string& id, Data data, const Actor& actor, const Event& opening,
                 const CreateOptions& options = {})
    {
        return core_.create(id, &data, actor, event_type<Event>(), &opening, options);
    }

    /// create() with the opening event given by name and a payload of strings.
    Fired create(const std::string& id, Data data, const Actor& actor, std::string_view opening,
                 const Fields& payload, const CreateOptions& options = {})
    {
        return core_.create(id, &data, actor, opening, payload, options);
    }

    /// Fires a typed event on instance @p id.
    /// @param id       the instance
    /// @param event    the event with its payload
    /// @param actor    who fires it (recorded, and checked by the policy)
    /// @param options  the version it expects, and when it is recorded (FireOptions)
    /// @throws InstanceNotFound, VersionConflict,
    ///         EventNotAllowed (no transition from the current state),
    ///         GuardRejected (a guard said no; the reason says what is needed),
    ///         RecordedTooEarly (the time is before the instance's last transition),
    ///         InvalidPayload (its text is not UTF-8 or longer than EngineOptions::max_payload_bytes),
    ///         NotPermitted (the policy does not let @p actor fire it here; logged as a denial;
    ///         InstanceNotFound instead, as for a missing id, if they may not read it either),
    ///         ObserverError (the transition was applied; an observer failed)
    template <class Event>
    Fired fire(const std::string& id, const Event& event, const Actor& actor, const FireOptions& options = {})
    {
        return core_.fire(id, event_type<Event>(), &event, actor, options);
    }

    /// fire() expecting @p expected_version (none: any), recorded now.
    template <class Event>
    Fired fire(const std::string& id, const Event& event, const Actor& actor,
               std::optional<std::uint64_t> expected_version)
    {
        return fire(id, event, actor, FireOptions{expected_version, std::nullopt});
    }

    /// Fires an event by its stable id with a payload of strings, for hosts and tools that only
    /// have text (a command line, a form, another language).
    /// @throws UnknownEvent, InvalidPayload, and everything the typed fire throws
    Fired fire(const std::string& id, std::string_view event, const Fields& payload, const Actor& actor,
               const FireOptions& options = {})
    {
        return core_.fire(id, event, payload, actor, options);
    }

    /// fire() by name expecting @p expected_version (none: any), recorded now.
    Fired fire(const std::string& id, std::string_view event, const Fields& payload, const Actor& actor,
               std::optional<std::uint64_t> expected_version)
    {
        return fire(id, event, payload, actor, FireOptions{expected_version, std::nullopt});
    }

    /// Whether instance @p id exists.
    bool contains(const std::string& id) const { return core_.contains(id); }
    /// Number of instances in the store.
    std::size_t size() const { return core_.size(); }
    /// Number of instances in memory now.
    std::size_t resident() const { return core_.resident(); }

    /// Ids of the instances @p query asks for (its lifecycle is this engine's), sorted, as the
    /// store's indexes answer. Owner and overseer are compared as organisation keys
    /// (organization_key(): "Caritas" finds `caritas`). This call checks no policy:
    /// find(query, actor) does.
    std::vector<std::string> find(InstanceQuery query) const { return core_.find(std::move(query)); }

    /// find() restricted to the instances @p actor may read: a case manager finds the cases of
    /// their Träger, a Kreis coordinator those of their Kreis.
    /// @throws NotPermitted if the policy lets them read no instance of the lifecycle at all
    std::vector<std::string> find(InstanceQuery query, const Actor& actor) const
    {
        return core_.find(std::move(query), actor);
    }

    /// Calls @p f with the instance (const) while holding its lock; returns a copy of what @p f
    /// returns (a reference into the instance would outlive the lock).
    template <class F>
    auto visit(const std::string& id, F&& f) const
    {
        using Result = std::invoke_result_t<F&, const Instance<Lifecycle>&>;
        if constexpr (std::is_void_v<Result>) {
            core_.visit(id, [&](const InstanceState& s) { f(Instance<Lifecycle>(s)); });
        } else {
            std::optional<std::decay_t<Result>> out;
            core_.visit(id, [&](const InstanceState& s) { out.emplace(f(Instance<Lifecycle>(s))); });
            return std::move(*out);
        }
    }

    /// Calls @p f for every stored instance (const), each while holding its lock (loaded in
    /// turn). Order is unspecified.
    template <class F>
    void for_each(F&& f) const
    {
        core_.for_each([&](const InstanceState& s) { f(Instance<Lifecycle>(s)); });
    }

    /// for_each() over the instances @p actor may read (see find(query, actor)).
    template <class F>
    void for_each(const Actor& actor, F&& f) const
    {
        core_.for_each(actor, [&](const InstanceState& s) { f(Instance<Lifecycle>(s)); });
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
    /// A copy of the instance's history, oldest first, from the store.
    std::vector<TransitionRecord> history(const std::string& id) const { return core_.history(id); }
    /// history() as @p actor may read it.
    /// @throws InstanceNotFound if it does not exist, or the policy does not let them read it
    ///         (then logged as a denial: to them it does not exist)
    std::vector<TransitionRecord> history(const std::string& id, const Actor& actor) const
    {
        return core_.history(id, actor);
    }

    /// Events instance @p id may take now, in table order. Guards that depend only on the
    /// instance are evaluated; guards that need a payload (e.g. a deadline against a meeting
    /// date) are checked when the event is fired.
    std::vector<std::string_view> allowed_events(const std::string& id) const
    {
        std::vector<std::string_view> out;
        core_.visit(id, [&](const InstanceState& s) { out = core_.allowed_now(s); });
        return out;
    }
    /// The events @p actor may fire on instance @p id now: allowed_events() that the policy
    /// lets them fire.
    /// @throws InstanceNotFound if it does not exist, or the policy does not let them read it
    ///         (then logged as a denial: to them it does not exist)
    std::vector<std::string_view> allowed_events(const std::string& id, const Actor& actor) const
    {
        std::vector<std::string_view> out;
        core_.visit(id, actor, [&](const InstanceState& s) { out = core_.permitted_now(s, actor); });
        return out;
    }

    /// A copy of everything about instance @p id but its history.
    View view(const std::string& id) const
    {
        std::optional<View> out;
        core_.visit(id, [&](const InstanceState& s) { out.emplace(make_view(s, core_.allowed_now(s))); });
        return std::move(*out);
    }
    /// view() as @p actor sees it: allowed_events lists only what the policy lets them fire.
    /// @throws InstanceNotFound if it does not exist, or the policy does not let them read it
    ///         (then logged as a denial: to them it does not exist)
    View view(const std::string& id, const Actor& actor) const
    {
        std::optional<View> out;
        core_.visit(id, actor,
                    [&](const InstanceState& s) { out.emplace(make_view(s, core_.permitted_now(s, actor))); });
        return std::move(*out);
    }

    /// The refusals logged about instance @p id (every refusal of the lifecycle when empty),
    /// oldest first. Checks no policy (for a host that checks itself, or a test):
    /// denials(actor, id) is the call for anyone else.
    std::vector<StoredDenial> denials(const std::string& id = {}) const { return core_.denials(id); }
    /// denials(id) as @p actor may audit them (action::audit, see EngineCore::denials(actor, id)):
    /// a Kreis's `datenschutz` sees the refusals about its Kreis's cases, an `administrator` all.
    /// @throws NotPermitted (logged) if the policy lets them audit no instance of the lifecycle
    std::vector<StoredDenial> denials(const Actor& actor, const std::string& id = {}) const
    {
        return core_.denials(actor, id);
    }
    /// Checks that @p actor may `audit` the whole lifecycle (scope `any`): call it before showing
    /// figures about the whole store (`kimctl verify`, a chain check), on every engine whose
    /// records they count. @throws NotPermitted (logged) otherwise
    void check_audit(const Actor& actor) const { core_.check_audit(actor); }

    /// Erases the personal data of instance @p id now, such as on the client's request (DSGVO
    /// Article 17), as purge() does when the retention period ends: the lifecycle's
    /// `erase_personal(Data&)` clears the data, the payload fields marked personal are emptied in
    /// every log entry, and a log entry (event erasure_event) records who erased it and why:
    /// `reason=CODE` (@p reason), with `, note=TEXT` for a @p note. The note is personal data of
    /// the instance: its erased form (`note=` empty) is chained, and the next erasure of the
    /// instance, such as purge() at the end of its retention period, empties it. State, phases,
    /// dates and the figures stay; the hash chain stays verifiable. Erasing an instance again
    /// erases what was recorded since (each erasure is logged); with nothing recorded since the
    /// last erasure, nothing is logged and only the scrub runs (ErasureOutcome::recorded false).
    /// Then, unless a unit of work is open, the store scrubs its files (Store::scrub).
    /// @return what was done; ErasureOutcome::scrub_pending if another connection's read kept
    ///         old copies in the store's files (the erasure has committed all the same)
    /// @throws NotPermitted (logged) if the policy does not let @p actor `erase` it; InstanceNotFound
    ///         (a refusal logged all the same) if it does not exist or they may not read it
    ErasureOutcome erase(const std::string& id, const Actor& actor, ErasureReason reason, std::string_view note = {})
    {
        return erase(id, actor, detail::erasure_request(reason, note));
    }
    /// erase() with the reason as text: a code (to_string(ErasureReason)), optionally followed by
    /// a line break and the note; any other text is taken as the note on
    /// ErasureReason::request_art17 (what the free-text reasons of earlier versions become).
    ErasureOutcome erase(const std::string& id, const Actor& actor,
                         std::string_view reason = to_string(ErasureReason::request_art17))
    {
        std::uint64_t before = 0, after = 0;
        core_.visit(id, [&](const InstanceState& s) { before = s.version; });
        core_.erase(id, actor, reason);
        core_.visit(id, [&](const InstanceState& s) { after = s.version; });
        ErasureOutcome out;
        out.recorded = after != before;
        if (!core_.in_unit()) out.scrub_pending = !scrub();
        return out;
    }

    /// Makes erased data unrecoverable from the store's files (Store::scrub; for SQLite, a
    /// checkpoint of the WAL into the file). erase() and purge() do it after they commit; call
    /// it again to finish what a reader held up.
    /// @return false if another connection's read keeps old copies in the WAL: they go at the
    ///         next checkpoint after that read ends (the next erase(), purge() or scrub())
    bool scrub()
    {
        try {
            core_.store()->scrub();
            return true;
        } catch (const StoreBusy&) {
            return false;
        }
    }

    /// Erases the personal data (as erase() does) of every instance whose retention period has
    /// ended by @p now: EngineOptions::retention, or the lifecycle's own `retention`, counted
    /// from when the lifecycle's `ended_at(data, state)` says the instance ended (also an
    /// instance erased since, if its erasure left a note: ErasureReason::retention_expired).
    /// A lifecycle without personal data keeps everything (council papers are public records).
    /// One transaction; afterwards the store scrubs its files (Store::scrub), unless a unit of
    /// work is open; a reader that holds the scrub up is no error (scrub() says if one did).
    /// @return the ids erased, sorted
    /// @throws NotPermitted (logged) if the policy does not let @p actor `purge`
    std::vector<std::string> purge(Timestamp now, const Actor& actor) { return core_.purge(now, actor); }

    /// When an instance that ended at @p ended may be purged: the first moment after the end of
    /// the retention's last calendar year (UTC).
    static Timestamp retention_end(Timestamp ended, Retention retention)
    {
        return EngineCore::retention_end(ended, retention);
    }

    /// Fires the time-triggered rows due at or before @p until (see EngineCore::tick and
    /// hooks.hpp's Timer): an answer period that passed, a due date, a Wiedervorlage.
    /// Safe to run from several threads and processes at once, and again after a gap.
    TickReport tick(Timestamp until, const Actor& actor = system_actor()) { return core_.tick(until, actor); }

    /// Registers @p observer for every transition applied from now on; returns a handle for
    /// unobserve().
    std::size_t observe(Observer observer)
    {
        return core_.observe([observer = std::move(observer)](const CoreNotice& n) {
            observer(Notice{n.lifecycle, n.instance, n.record, *static_cast<const Data*>(n.data)});
        });
    }
    /// Removes the observer registered under @p handle (no effect for an unknown handle). When it
    /// returns, the observer is not running on any thread and will not be called again, so what
    /// it uses may be destroyed; called from inside an observer, it cannot wait for that call.
    void unobserve(std::size_t handle) { core_.unobserve(handle); }

private:
    template <class>
    friend class Engine;

    /// The model's description of event @p Event, looked up once per event type.
    template <class Event>
    static const EventType& event_type()
    {
        static_assert(Events::template contains<Event>,
                      "this event type is not one of the lifecycle's events (Lifecycle::Events)");
        static const EventType& type = *model_of<Lifecycle>().event(Event::id);
        return type;
    }

    View make_view(const InstanceState& s, std::vector<std::string_view> allowed) const
    {
        const Instance<Lifecycle> in(s);
        return View{std::string(Lifecycle::id), in.id(),         in.states(),  in.version(), in.data(),
                    std::move(allowed),         in.created_at(), in.created_by(), in.erased_at(),
                    model_of<Lifecycle>().main_region()};
    }

    EngineCore core_;
};

}  // namespace kimflow
