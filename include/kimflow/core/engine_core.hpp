/// @file
/// kimflow::EngineCore: the engine compiled once, for every lifecycle. It runs the instances of
/// one lifecycle through its LifecycleModel: the resident cache, the store writes (one
/// transaction per fire, or per unit of work), the policy and its denial log, time order,
/// observers and the erasure of personal data. It knows no Boost.MSM and no lifecycle; hosts
/// use it through Engine<L> or the built-in faces (PaperEngine, CaseEngine), which add the
/// types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/clock.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/fields.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/input.hpp"
#include "kimflow/core/lifecycle_model.hpp"
#include "kimflow/core/policy.hpp"
#include "kimflow/core/transition.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow {

/// Settings of an engine.
struct EngineOptions {
    /// At most this many instances stay in memory; the least recently used are dropped (the
    /// store keeps them) when a load goes past it.
    std::size_t max_resident = 100000;
    /// Who may do what (see policy.hpp); none: every actor may do everything (for hosts that
    /// check permissions themselves). With one, every fire, creation, read that names an actor,
    /// erasure and purge is checked, and refusals are logged.
    std::shared_ptr<const Policy> policy{};
    /// The largest payload a fire takes, as text (its summary): larger ones are refused. It
    /// may lower the table's kimflow::max_payload_bytes (input.hpp), never raise it.
    std::size_t max_payload_bytes = kimflow::max_payload_bytes;
    /// How long ended instances keep their personal data; none: the lifecycle's own period
    /// (`Lifecycle::retention`), if it has one.
    std::optional<Retention> retention{};
};

/// Who fires the time-triggered rows of a tick unless the host names another: id and role
/// `system`, no organisation. The default policy lets this role fire exactly those events.
inline Actor system_actor() { return Actor{"system", "system", ""}; }

/// One event a tick fired.
struct TickFiring {
    /// The instance.
    std::string instance;
    /// The event (a Timer::event).
    std::string event;
    /// When it fell due.
    Timestamp due{};
    /// The instance's version after it.
    std::uint64_t version = 0;
};

/// A timer that was due but that a tick could not fire (a guard, the policy or the store said
/// no), or an instance it could not read (event empty); a later tick tries again. The
/// instance's other due timers are still fired.
struct TickRefusal {
    /// The instance.
    std::string instance;
    /// The event.
    std::string event;
    /// When it fell due.
    Timestamp due{};
    /// Why not, as the engine's error says it.
    std::string reason;
};

/// What one tick did (EngineCore::tick).
struct TickReport {
    /// What it fired, in the order it fired them.
    std::vector<TickFiring> fired;
    /// What was due but refused.
    std::vector<TickRefusal> refused;
    /// Due timers that another tick (another thread or process) fired first: each firing
    /// happens once, whoever wins.
    std::size_t taken_by_others = 0;
    /// Firings that were applied but whose observers failed (as ObserverError says).
    std::vector<std::string> observer_errors;
};

/// The longest instance id an engine takes, in bytes (max_id_bytes of input.hpp's table).
inline constexpr std::size_t max_instance_id_bytes = max_id_bytes;

/// One instance as the core keeps it in memory. Hosts read it through Instance<L> (engine.hpp),
/// while its lock is held; a visitor of EngineCore gets it const and must not change it through
/// its machine (that would bypass the store, the version and the policy).
struct InstanceState {
    /// The instance id.
    std::string id;
    /// Its machine, with its data and active states.
    std::unique_ptr<LiveMachine> machine;
    /// Number of transitions applied so far.
    std::uint64_t version = 0;
    /// When it was created.
    Timestamp created_at{};
    /// When its last transition was recorded (its creation, before the first).
    Timestamp last_at{};
    /// Who created it.
    Actor created_by;
    /// When its personal data was erased, if it was.
    std::optional<Timestamp> erased_at{};
};

/// What an observer of the core is told of an applied transition; valid during the call.
struct CoreNotice {
    /// The lifecycle's id.
    std::string_view lifecycle;
    /// The instance's id.
    const std::string& instance;
    /// The transition, as the history records it.
    const TransitionRecord& record;
    /// The instance data after the transition (a `const Data*`).
    const void* data;
};

class EngineCore;

/// Groups fires into one store transaction (see EngineCore::unit_of_work()).
class UnitOfWork {
public:
    /// Takes over @p other's open unit; @p other is left ended.
    UnitOfWork(UnitOfWork&& other) noexcept;
    UnitOfWork(const UnitOfWork&) = delete;
    UnitOfWork& operator=(const UnitOfWork&) = delete;
    UnitOfWork& operator=(UnitOfWork&&) = delete;
    /// Rolls back unless committed.
    ~UnitOfWork();
    /// Commits every fire of the unit; then observers hear of them.
    /// @throws StoreError (then nothing of the unit was written); Error if it has ended already
    void commit();
    /// Undoes every fire of the unit.
    void rollback();
    /// Runs @p part as a savepoint of the unit: when it throws, what it created and fired is
    /// undone (the unit's earlier fires stay) and the exception goes on to the caller. An import
    /// keeps its good papers this way, in one transaction, and leaves out a bad one whole.
    /// @throws Error if the unit has ended; whatever @p part throws
    void attempt(const std::function<void()>& part);

private:
    friend class EngineCore;
    explicit UnitOfWork(EngineCore* engine, EngineCore* partner = nullptr) : engine_(engine), partner_(partner) {}
    EngineCore* engine_;
    /// The other engine of a unit over two (EngineCore::unit_of_work(EngineCore&)), or null.
    EngineCore* partner_ = nullptr;
};

/// See the file comment. Every member may be called from several threads at once; Engine<L>
/// documents what runs in parallel.
class EngineCore {
public:
    /// A function that sees an instance while its lock is held.
    using Visitor = std::function<void(const InstanceState&)>;
    /// A function that observe() registers.
    using Observer = std::function<void(const CoreNotice&)>;

    /// @param model    the lifecycle (lives for the program: model_of<L>())
    /// @param config   the lifecycle's configuration (a `const Config`)
    /// @param clock    where "now" comes from
    /// @param store    where instances and their logs are kept (InMemoryStore for none)
    /// @param options  memory, policy, payload size and retention
    /// @throws Error for a missing clock or store, or max_resident 0
    EngineCore(const LifecycleModel& model, std::shared_ptr<const void> config, std::shared_ptr<const Clock> clock,
               std::shared_ptr<Store> store, EngineOptions options);
    ~EngineCore();
    EngineCore(const EngineCore&) = delete;
    EngineCore& operator=(const EngineCore&) = delete;

    /// The lifecycle.
    const LifecycleModel& model() const noexcept;
    /// The lifecycle's configuration (a `const Config*`).
    const void* config() const noexcept;
    /// The clock.
    const Clock& clock() const noexcept;
    /// The store.
    const std::shared_ptr<Store>& store() const noexcept;
    /// The options it was made with.
    const EngineOptions& options() const noexcept;

    /// Creates instance @p id from @p data (a `Data*`, moved from), version 0.
    void create(const std::string& id, void* data, const Actor& actor, const CreateOptions& options);
    /// Creates instance @p id and fires @p opening (a payload of event @p type) on it, all or
    /// nothing.
    Fired create(const std::string& id, void* data, const Actor& actor, const EventType& type, const void* opening,
                 const CreateOptions& options);
    /// create() with the opening event by name and a payload of strings.
    Fired create(const std::string& id, void* data, const Actor& actor, std::string_view event,
                 const Fields& payload, const CreateOptions& options);
    /// Fires @p payload (of the C++ type of event @p type, which the caller vouches for; @p type
    /// is one of model()'s) on instance @p id.
    Fired fire(const std::string& id, const EventType& type, const void* payload, const Actor& actor,
               const FireOptions& options);
    /// Fires event @p event by name with a payload of strings.
    Fired fire(const std::string& id, std::string_view event, const Fields& payload, const Actor& actor,
               const FireOptions& options);

    /// Whether instance @p id exists.
    bool contains(const std::string& id) const;
    /// Number of instances in the store.
    std::size_t size() const;
    /// Number of instances in memory now.
    std::size_t resident() const;
    /// Ids of the instances @p query asks for, sorted (no policy check).
    std::vector<std::string> find(InstanceQuery query) const;
    /// find() restricted to what @p actor may read. @throws NotPermitted (logged)
    std::vector<std::string> find(InstanceQuery query, const Actor& actor) const;
    /// Calls @p f with instance @p id while its lock is held. @throws InstanceNotFound
    void visit(const std::string& id, const Visitor& f) const;
    /// visit() after checking that @p actor may read it. @throws InstanceNotFound (a refusal
    /// logged as a denial, told as a missing id would be)
    void visit(const std::string& id, const Actor& actor, const Visitor& f) const;
    /// Calls @p f for every stored instance, each under its lock.
    void for_each(const Visitor& f) const;
    /// for_each() over what @p actor may read.
    void for_each(const Actor& actor, const Visitor& f) const;
    /// The history of instance @p id, oldest first. @throws InstanceNotFound
    std::vector<TransitionRecord> history(const std::string& id) const;
    /// history() as @p actor may read it. @throws InstanceNotFound, as visit(id, actor, f)
    std::vector<TransitionRecord> history(const std::string& id, const Actor& actor) const;
    /// The events @p in may take now (call inside visit()).
    std::vector<std::string_view> allowed_now(const InstanceState& in) const;
    /// allowed_now() that the policy lets @p actor fire (call inside visit()).
    std::vector<std::string_view> permitted_now(const InstanceState& in, const Actor& actor) const;
    /// The refusals logged about instance @p id (all of the lifecycle's when empty); no policy
    /// check, for a host that checks itself: denials(actor, id) does.
    std::vector<StoredDenial> denials(const std::string& id) const;
    /// denials(id) as @p actor may audit them (action::audit): with a rule of scope `any`, all;
    /// else only those about stored instances a rule's scope reaches with their keys as stored
    /// now (a Kreis's `datenschutz`: its Kreis's cases). Those about no instance or about one
    /// not stored are only for `any`. Filtered, not refused, like a list.
    /// @throws NotPermitted (logged) if no rule lets @p actor audit this lifecycle at all
    std::vector<StoredDenial> denials(const Actor& actor, const std::string& id) const;
    /// Checks that @p actor may audit every instance of the lifecycle (action::audit with scope
    /// `any`), before figures about the whole database (a chain check, totals) are shown.
    /// @throws NotPermitted (logged as a denial about no instance) otherwise
    void check_audit(const Actor& actor) const;

    /// Erases the personal data of instance @p id now (see Engine::erase).
    void erase(const std::string& id, const Actor& actor, std::string_view reason);
    /// Erases the personal data of every instance past its retention (see Engine::purge).
    std::vector<std::string> purge(Timestamp now, const Actor& actor);
    /// When an instance that ended at @p ended may be purged: the first moment after the end of
    /// the retention's last calendar year (UTC).
    static Timestamp retention_end(Timestamp ended, Retention retention);

    /// Fires every time-triggered row (the lifecycle's `timers`, see Timer) due at or before
    /// @p until, as @p actor, each recorded at @p until (at its instance's last transition if
    /// that is later) with its due time in the payload. An instance with several due timers
    /// (a machine that was off for a while) fires them in turn. Exactly once: a firing changes
    /// the instance so that its timer leaves the list, and each is fired expecting the version
    /// it was read at, so two ticks at once (threads or processes) fire it once between them.
    /// Each firing is its own transaction: a tick that dies keeps what it fired.
    TickReport tick(Timestamp until, const Actor& actor);

    /// Registers @p observer; returns a handle for unobserve().
    std::size_t observe(Observer observer);
    /// Removes an observer; returns once it runs on no thread.
    void unobserve(std::size_t handle);

    /// Starts a unit of work on this thread (see Engine::unit_of_work()).
    UnitOfWork unit_of_work();
    /// Starts one unit of work over this engine and @p other, which must use the same store: the
    /// fires of both until commit() are one store transaction, and both engines' observers hear
    /// of them after it commits. Both engines' gates are taken (in a fixed order) before the
    /// transaction begins, so that two such units, and fires on either engine, cannot wait for
    /// each other in a circle. ResolutionEngine keeps a paper and its resolutions in step so.
    /// @throws Error if the stores differ, or this thread has a unit on either engine already
    UnitOfWork unit_of_work(EngineCore& other);
    /// Whether this thread has a unit of work open on this engine (alone or with another).
    bool in_unit() const;

    struct Impl;

private:
    friend class UnitOfWork;
    void end_unit(bool commit, EngineCore* partner);
    void attempt_in_unit(const std::function<void()>& part, EngineCore* partner);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kimflow
