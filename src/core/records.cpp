// EngineCore: running one event through an instance's machine into a history record, the rows
// the store keeps of it, and the policy's checks and refusals.
#include <algorithm>

#include "engine_impl.hpp"
#include "kimflow/core/text.hpp"

namespace kimflow {

TransitionRecord EngineCore::Impl::transition(InstanceState& in, const EventType& type, const void* payload,
                                              const Actor& actor, Timestamp at) const
{
    const std::string_view event = type.id();
    type.check_required(payload);
    refuse_earlier(in, event, at);
    // The record is built before the machine moves, so that a transition, once applied, is
    // always recorded.
    TransitionRecord record{in.version + 1, event, {}, {}, actor, at, type.summary(payload)};
    // The summary holds every text field: checking it checks them all, before anything moves.
    // The engine's option may lower the table's limit (input.hpp), not raise it.
    const std::size_t limit = std::min(options.max_payload_bytes, max_payload_bytes);
    if (record.payload.size() > limit)
        throw InvalidPayload(std::string(event), "",
                             "the payload has " + std::to_string(record.payload.size()) + " bytes; at most " +
                                 std::to_string(limit) +
                                 " are taken: keep documents outside and refer to them");
    if (!valid_utf8(record.payload))
        throw InvalidPayload(std::string(event), "", "a text field is not UTF-8; convert it before firing");
    MachineOutcome outcome = in.machine->apply(type, payload, facts(at, actor));
    if (outcome.result != MachineOutcome::Result::applied) reject(in, event, std::move(outcome));
    record.from = outcome.from;
    record.to = outcome.to;
    in.version = record.version;
    in.last_at = record.at;
    return record;
}

Timestamp EngineCore::Impl::recorded_at(const InstanceState& in, const FireOptions& fire_options) const
{
    return fire_options.recorded_at ? *fire_options.recorded_at : std::max(clock->now(), in.last_at);
}

void EngineCore::Impl::refuse_earlier(const InstanceState& in, std::string_view event, Timestamp at) const
{
    if (at >= in.last_at) return;
    const std::string reason = "it would be recorded at " + format_timestamp(at) + ", before its last transition (" +
                               format_timestamp(in.last_at) +
                               "); a history only moves forward: give a time at or after that one";
    throw RecordedTooEarly(in.id, std::string(in.machine->state()), std::string(event), reason,
                           "cannot " + std::string(event) + " " + lifecycle + " '" + in.id + "': " + reason);
}

void EngineCore::Impl::reject(const InstanceState& in, std::string_view event, MachineOutcome outcome) const
{
    const std::string state(in.machine->state());
    const std::string subject = std::string(event) + " " + lifecycle + " '" + in.id + "'";
    if (outcome.result == MachineOutcome::Result::guard_rejected) {
        std::string refusal = outcome.refusal.empty() ? std::string("a guard refused it") : std::move(outcome.refusal);
        throw GuardRejected(in.id, state, std::string(event), refusal, "cannot " + subject + ": " + refusal);
    }
    std::string allowed;
    for (auto e : in.machine->allowed_events(facts(clock->now(), in.created_by)))
        allowed += (allowed.empty() ? "" : ", ") + std::string(e);
    std::string reason = "not possible while it is " + state + "; possible now: " + (allowed.empty() ? "nothing" : allowed);
    throw EventNotAllowed(in.id, state, std::string(event), reason, "cannot " + subject + ": " + reason);
}

StoreKeys EngineCore::Impl::keys_of(const InstanceState& in) const
{
    StoreKeys keys = model.keys(in.machine->data(), in.machine->state(), config.get());
    keys.owner = organization_key(keys.owner);
    keys.overseer = organization_key(keys.overseer);
    return keys;
}

std::optional<Timestamp> EngineCore::Impl::next_timer(const InstanceState& in) const
{
    std::optional<Timestamp> next;
    for (const Timer& t : model.timers(in.machine->data(), in.machine->state(), config.get()))
        if (!next || t.due < *next) next = t.due;
    return next;
}

StoredInstance EngineCore::Impl::row_of(const InstanceState& in) const
{
    StoreKeys keys = keys_of(in);
    std::vector<std::string> states;
    states.reserve(static_cast<std::size_t>(model.regions()));
    for (int r = 0; r < model.regions(); ++r) states.emplace_back(in.machine->state(r));
    return StoredInstance{lifecycle,
                          in.id,
                          in.version,
                          std::move(states),
                          std::string(in.machine->state()),
                          model.encode_data(in.machine->data()),
                          in.created_at,
                          in.created_by,
                          keys.due,
                          std::move(keys.owner),
                          std::move(keys.area),
                          std::move(keys.overseer),
                          in.erased_at,
                          next_timer(in)};
}

StoredTransition EngineCore::Impl::log_entry_of(const TransitionRecord& r, const EventType& type, const void* payload) const
{
    StoredTransition t{r.version, std::string(r.event), std::string(r.from), std::string(r.to),
                       r.actor,   r.at,                 type.encode(payload), r.payload};
    if (type.has_personal_fields()) {
        ErasedPayload erased = type.erased(payload);
        t.personal = true;
        t.erased_payload = std::move(erased.bytes);
        t.erased_summary = std::move(erased.summary);
    }
    return t;
}

StoredDenial EngineCore::Impl::denial(std::string_view what, const std::string& id, const Actor& actor,
                                      std::string reason) const
{
    check_actor(actor);  // every door checks it first; this keeps the denial log clean whatever a caller forgot
    return StoredDenial{lifecycle, id, std::string(what), actor, clock->now(), std::move(reason)};
}

void EngineCore::Impl::check(std::string_view what, const InstanceState& in, const Actor& actor, bool stored) const
{
    if (!options.policy) return;
    const StoreKeys keys = keys_of(in);
    const AccessTarget target = target_of(in, keys);
    if (auto why = options.policy->refusal(actor, what, target)) {
        const bool hidden = stored && (what == action::read || !options.policy->permits(actor, action::read, target));
        throw core::Refusal{denial(what, in.id, actor, std::move(*why)), hidden};
    }
}

void EngineCore::Impl::refuse(const core::Refusal& r) const
{
    const StoredDenial& d = r.denial;
    try {
        store->log_denial(d);
    } catch (const StoreError&) {
        // A caller who may not see the instance learns nothing from a store that cannot log
        // (busy, read-only, signed without the key): the answer stays the missing id's.
        if (r.hidden) throw InstanceNotFound(d.lifecycle, d.instance);
        throw;
    }
    if (core::OpenUnit* unit = unit_here()) unit->denials.push_back(d);
    // Logged in full; told the caller only as what a missing id would tell them.
    if (r.hidden) throw InstanceNotFound(d.lifecycle, d.instance);
    throw NotPermitted(d.lifecycle, d.instance, d.action, d.actor.id, "not permitted: " + d.reason);
}

void EngineCore::Impl::duplicate(const std::string& id, const Actor& actor) const
{
    if (!options.policy) throw;
    const std::optional<StoredInstance> taken = store->load(lifecycle, id);
    // Gone again meanwhile: that it existed says no more than the duplicate itself.
    if (!taken || options.policy->permits(actor, action::read,
                                          AccessTarget{lifecycle, id, taken->owner, taken->overseer}))
        throw;
    throw IdUnavailable(lifecycle, id);
}

}  // namespace kimflow
