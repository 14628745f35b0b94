// EngineCore: erasing personal data, on request (erase) or when the retention period ends
// (purge). The lifecycle says what its personal data is (LifecycleModel::erase_personal, and
// the payload fields marked personal); the store replaces each log entry by the erased form
// that was chained when it was written, so the hash chain stays verifiable.
#include <algorithm>

#include "engine_impl.hpp"

namespace kimflow {

void EngineCore::erase(const std::string& id, const Actor& actor, std::string_view reason)
{
    Impl& e = *impl_;
    try {
        core::Gate gate = e.gate(core::GateMode::shared);
        core::LockedInstance locked = e.acquire(id);
        InstanceState& in = locked.resident->instance;
        e.check(action::erase, in, actor);
        e.write_change(locked, id,
                       [&] { e.erase_stored(in, actor, std::max(e.clock->now(), in.last_at), reason); });
    } catch (const core::Refusal& r) {
        e.refuse(r);
    }
    if (!e.unit_here()) e.store->scrub();
}

std::vector<std::string> EngineCore::purge(Timestamp now, const Actor& actor)
{
    Impl& e = *impl_;
    if (e.options.policy)
        if (auto why = e.options.policy->refusal(actor, action::purge, AccessTarget{e.lifecycle}))
            e.refuse(core::Refusal{e.denial(action::purge, "", actor, std::move(*why))});
    std::vector<std::string> erased;
    const std::optional<Retention> retention = e.options.retention ? e.options.retention : e.model.retention();
    if (!e.model.personal_data() || !retention) return erased;
    {
        // One transaction over many instances: exclusive, so that no fire holds an instance this
        // transaction waits for while it waits for the store.
        core::Gate gate = e.gate(core::GateMode::exclusive);
        core::StoreScope scope(*e.store);
        const std::optional<std::uint64_t> before = e.store->change_counter();
        try {
            for (const auto& id : e.purge_candidates()) {
                core::LockedInstance locked = e.acquire(id);
                InstanceState& in = locked.resident->instance;
                const std::optional<Timestamp> ended = e.model.ended_at(in.machine->data(), in.machine->state());
                if (!ended || now < retention_end(*ended, *retention)) continue;
                if (in.erased_at && *in.erased_at >= *ended) continue;  // nothing recorded since
                if (now < in.last_at) continue;                          // something was recorded after @p now
                erased.push_back(id);
                e.erase_stored(in, actor, now, "retention period ended");
            }
            e.cache.note_write(before, e.store->change_counter());
            scope.commit();
        } catch (...) {
            e.cache.forget();
            for (const auto& id : erased) e.cache.drop(id);
            throw;
        }
    }
    if (core::OpenUnit* unit = e.unit_here()) unit->touched.insert(unit->touched.end(), erased.begin(), erased.end());
    if (!e.unit_here() && !erased.empty()) e.store->scrub();
    return erased;
}

Timestamp EngineCore::retention_end(Timestamp ended, Retention retention)
{
    const date::year_month_day day{date::floor<date::days>(ended)};
    return Timestamp{date::sys_days{(day.year() + date::years{retention.calendar_years + 1}) / 1 / 1}};
}

void EngineCore::Impl::erase_stored(InstanceState& in, const Actor& actor, Timestamp at, std::string_view reason)
{
    refuse_earlier(in, erasure_event, at);
    std::vector<ErasedEntry> entries;
    for (const auto& t : store->history(lifecycle, in.id)) {
        if (t.erased_at || t.event == erasure_event) continue;
        const EventType* type = model.event(t.event);
        if (!type) continue;  // an event this build does not know: left as it is
        const std::string what = lifecycle + " " + in.id + " version " + std::to_string(t.version);
        if (auto payload = type->erase_stored(t.payload, what))
            entries.push_back({t.version, std::move(payload->bytes), std::move(payload->summary)});
    }
    StoredInstance after = row_of(in);
    // Erased on a copy: the instance in memory changes only once the store has the erasure.
    std::unique_ptr<LiveMachine> erased_machine = model.restore(after.data, after.states, lifecycle + " " + in.id);
    model.erase_personal(erased_machine->data());
    after.version = in.version + 1;
    after.data = model.encode_data(erased_machine->data());
    const std::string state(in.machine->state());
    StoredTransition record{after.version, std::string(erasure_event), state, state, actor, at, {},
                            "reason=" + std::string(reason)};
    store->erase(after, entries, record);
    in.machine = std::move(erased_machine);
    in.version = after.version;
    in.erased_at = at;
    in.last_at = at;
}

std::vector<std::string> EngineCore::Impl::purge_candidates() const
{
    const std::vector<std::string_view> ended = model.ended_states();
    if (ended.empty()) return store->find(InstanceQuery{lifecycle});
    std::vector<std::string> out;
    for (std::string_view state : ended) {
        InstanceQuery q{lifecycle};
        q.state = std::string(state);
        auto found = store->find(q);
        out.insert(out.end(), found.begin(), found.end());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace kimflow
