// EngineCore: construction, and the writes that move instances (create, fire). Each takes the
// gate shared, the instance's lock, and then the store's transaction; the machine, the record,
// the encoding and the policy run before the store is asked, so that fires on other instances
// overlap with them.
#include <utility>

#include "engine_impl.hpp"
#include "kimflow/core/text.hpp"

namespace kimflow {

EngineCore::Impl::Impl(const LifecycleModel& lifecycle_model, std::shared_ptr<const void> lifecycle_config,
                       std::shared_ptr<const Clock> engine_clock, std::shared_ptr<Store> engine_store,
                       EngineOptions engine_options)
    : model(lifecycle_model),
      lifecycle(lifecycle_model.id()),
      config(std::move(lifecycle_config)),
      clock(std::move(engine_clock)),
      store(std::move(engine_store)),
      options(std::move(engine_options)),
      cache(options.max_resident)
{
}

EngineCore::EngineCore(const LifecycleModel& model, std::shared_ptr<const void> config,
                       std::shared_ptr<const Clock> clock, std::shared_ptr<Store> store, EngineOptions options)
{
    if (!clock) throw Error("an engine needs a clock; pass a SystemClock or a ManualClock");
    if (!store) throw Error("an engine needs a store; pass an InMemoryStore to keep instances in memory only");
    if (options.max_resident == 0) throw Error("EngineOptions::max_resident must be at least 1");
    impl_ = std::make_unique<Impl>(model, std::move(config), std::move(clock), std::move(store), std::move(options));
}

EngineCore::~EngineCore() = default;

const LifecycleModel& EngineCore::model() const noexcept { return impl_->model; }
const void* EngineCore::config() const noexcept { return impl_->config.get(); }
const Clock& EngineCore::clock() const noexcept { return *impl_->clock; }
const std::shared_ptr<Store>& EngineCore::store() const noexcept { return impl_->store; }
const EngineOptions& EngineCore::options() const noexcept { return impl_->options; }

void EngineCore::create(const std::string& id, void* data, const Actor& actor, const CreateOptions& options)
{
    check_actor(actor);
    Impl& e = *impl_;
    auto resident = e.make_instance(id, data, actor, options);
    try {
        e.check(action::create, resident->instance, actor, false);
    } catch (const core::Refusal& r) {
        e.refuse(r);
    }
    core::Gate gate = e.gate(core::GateMode::shared);
    const StoredInstance initial = e.row_of(resident->instance);
    std::unique_lock<std::mutex> lock = e.lock_instance(*resident);
    try {
        e.write_new(id, resident, [&] { e.store->insert(initial); });
    } catch (const DuplicateInstance&) {
        e.duplicate(id, actor);
    }
}

Fired EngineCore::create(const std::string& id, void* data, const Actor& actor, const EventType& type,
                         const void* opening, const CreateOptions& options)
{
    check_actor(actor);
    try {
        return impl_->create(id, data, actor, type, opening, options);
    } catch (const core::Refusal& r) {
        impl_->refuse(r);
    } catch (const DuplicateInstance&) {
        impl_->duplicate(id, actor);
    }
}

Fired EngineCore::create(const std::string& id, void* data, const Actor& actor, std::string_view event,
                         const Fields& payload, const CreateOptions& options)
{
    check_actor(actor);
    check_id(id);  // before the payload: the same input gets the same refusal on every path
    const EventType& type = impl_->event_named(event);
    const EventBox opening = type.read(payload);
    return create(id, data, actor, type, opening.get(), options);
}

Fired EngineCore::fire(const std::string& id, const EventType& type, const void* payload, const Actor& actor,
                       const FireOptions& options)
{
    check_actor(actor);
    try {
        return impl_->fire(id, type, payload, actor, options);
    } catch (const core::Refusal& r) {
        impl_->refuse(r);
    }
}

Fired EngineCore::fire(const std::string& id, std::string_view event, const Fields& payload, const Actor& actor,
                       const FireOptions& options)
{
    check_actor(actor);
    const EventType& type = impl_->event_named(event);
    const EventBox box = type.read(payload);
    return fire(id, type, box.get(), actor, options);
}

const EventType& EngineCore::Impl::event_named(std::string_view name) const
{
    if (const EventType* type = model.event(name)) return *type;
    std::string known;
    for (const auto& e : model.events()) known += (known.empty() ? "" : ", ") + std::string(e.id);
    throw UnknownEvent(lifecycle, std::string(name), known);
}

Fired EngineCore::Impl::create(const std::string& id, void* data, const Actor& actor, const EventType& type,
                               const void* opening, const CreateOptions& options)
{
    auto resident = make_instance(id, data, actor, options);
    InstanceState& in = resident->instance;
    core::Gate shared = gate(core::GateMode::shared);
    std::unique_lock<std::mutex> lock = lock_instance(*resident);
    const StoredInstance initial = row_of(in);
    const TransitionRecord record = transition(in, type, opening, actor, in.created_at);
    check(type.id(), in, actor, false);  // the opening event sets the owner
    // Encoded before the store's transaction, so that other threads' fires overlap with it.
    StoredInstance opened = row_of(in);
    StoredTransition logged_opening = log_entry_of(record, type, opening);
    write_new(id, resident, [&] {
        store->insert(initial);
        store->append(std::move(opened), std::move(logged_opening));
    });
    announce(resident, record);
    return fired(record);
}

Fired EngineCore::Impl::fire(const std::string& id, const EventType& type, const void* payload, const Actor& actor,
                             const FireOptions& options)
{
    const std::optional<std::uint64_t>& expected_version = options.expected_version;
    core::Gate shared = gate(core::GateMode::shared);
    for (int attempt = 1;; ++attempt) {
        core::LockedInstance locked = acquire(id);  // verified: reloaded if another writer moved it on
        InstanceState& in = locked.resident->instance;
        check(type.id(), in, actor);
        if (expected_version && *expected_version != in.version)
            throw VersionConflict(id, *expected_version, in.version);
        const TransitionRecord record = transition(in, type, payload, actor, recorded_at(in, options));
        // Encoded outside the store's transaction: only the write itself is serialised.
        std::optional<StoredInstance> after;
        std::optional<StoredTransition> logged_event;
        try {
            after.emplace(row_of(in));
            logged_event.emplace(log_entry_of(record, type, payload));
        } catch (...) {
            discard(locked, id);  // moved on in memory only
            throw;
        }
        try {
            write_change(locked, id, [&] { store->append(std::move(*after), std::move(*logged_event)); });
        } catch (const VersionConflict&) {
            // Another process or engine wrote a newer version after this copy was verified;
            // nothing was written and the copy is dropped. With no version expected, the
            // event is taken anew on the instance as it now is.
            if (expected_version || attempt == max_write_attempts) throw;
            continue;
        }
        announce(locked.resident, record);
        return fired(record);
    }
}

std::shared_ptr<core::ResidentInstance> EngineCore::Impl::make_instance(const std::string& id, void* data, const Actor& actor,
                                                        const CreateOptions& options) const
{
    check_id(id);
    model.validate(data);
    auto resident = std::make_shared<core::ResidentInstance>();
    InstanceState& in = resident->instance;
    in.id = id;
    in.created_at = in.last_at = options.recorded_at.value_or(clock->now());
    in.created_by = actor;
    in.machine = model.start(data, facts(in.created_at, actor));
    return resident;
}

std::unique_lock<std::mutex> EngineCore::Impl::lock_instance(core::ResidentInstance& resident) const
{
    const core::GateMode* held = core::Gate::held(this);
    const bool alone = held && *held == core::GateMode::exclusive;
    return alone ? std::unique_lock<std::mutex>(resident.mutex, std::defer_lock) : std::unique_lock<std::mutex>(resident.mutex);
}

core::LockedInstance EngineCore::Impl::acquire(const std::string& id) const
{
    for (;;) {
        const std::uint64_t epoch = cache.current_epoch(store->change_counter());
        std::shared_ptr<core::ResidentInstance> resident = cache.find(id);
        if (!resident) resident = load(id, epoch);
        core::LockedInstance locked{resident, lock_instance(*resident)};
        if (!resident->alive) continue;  // dropped, evicted or replaced meanwhile: look again
        if (resident->verified_epoch != epoch) {
            const auto stored_version = store->version(lifecycle, id);
            if (!stored_version || *stored_version != resident->instance.version) {
                // Removed, or another process moved it on: this copy is out of date.
                discard(locked, id);
                if (!stored_version) throw InstanceNotFound(lifecycle, id);
                continue;
            }
            resident->verified_epoch = epoch;
        }
        resident->used.store(cache.tick(), std::memory_order_relaxed);
        return locked;
    }
}

std::shared_ptr<core::ResidentInstance> EngineCore::Impl::load(const std::string& id, std::uint64_t epoch) const
{
    const std::uint64_t writes_before = cache.writes();
    std::optional<StoredInstance> s = store->load(lifecycle, id);
    if (!s) throw InstanceNotFound(lifecycle, id);
    auto resident = std::make_shared<core::ResidentInstance>();
    InstanceState& in = resident->instance;
    in.id = id;
    in.version = s->version;
    in.created_at = s->created_at;
    in.created_by = std::move(s->created_by);
    in.erased_at = s->erased_at;
    in.last_at = s->last_transition_at.value_or(s->created_at);
    in.machine = model.restore(s->data, s->states, lifecycle + " " + id);
    resident->verified_epoch = epoch;
    cache.evict_for_one_more();
    return cache.adopt(id, std::move(resident), writes_before);
}

void EngineCore::Impl::discard(core::LockedInstance& locked, const std::string& id) const
{
    locked.resident->alive = false;  // before the lock goes: a waiter must find it gone
    if (locked.lock.owns_lock()) locked.lock.unlock();
    cache.unpublish(id, locked.resident);
}

}  // namespace kimflow
