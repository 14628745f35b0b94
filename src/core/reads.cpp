// EngineCore: reads. The store's indexes answer queries; an instance is read under its lock,
// from memory once verified against the store; reads that name an actor are checked by the
// policy, and a refusal is logged as a denial.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "engine_impl.hpp"
#include "kimflow/core/input.hpp"
#include "kimflow/core/text.hpp"

namespace kimflow {

namespace {

/// A view of @p text that stays valid for the program's life (one copy per distinct text): for
/// the ids of a history read back from a store.
std::string_view intern(std::string_view text)
{
    static std::mutex mutex;
    static std::set<std::string, std::less<>> pool;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = pool.find(text);
    if (it == pool.end()) it = pool.emplace(text).first;
    return *it;
}

}  // namespace

bool EngineCore::contains(const std::string& id) const { return impl_->store->version(impl_->lifecycle, id).has_value(); }

std::size_t EngineCore::size() const { return static_cast<std::size_t>(impl_->store->count(impl_->lifecycle)); }

std::size_t EngineCore::resident() const { return impl_->cache.count(); }

std::vector<std::string> EngineCore::find(InstanceQuery query) const
{
    query.lifecycle = impl_->lifecycle;
    if (!query.owner.empty()) query.owner = organization_key(query.owner);
    if (!query.overseer.empty()) query.overseer = organization_key(query.overseer);
    return impl_->store->find(query);
}

std::vector<std::string> EngineCore::find(InstanceQuery query, const Actor& actor) const
{
    check_actor(actor);
    const Impl& e = *impl_;
    if (!e.options.policy) return find(std::move(query));
    const auto scopes = e.options.policy->scopes(actor, e.lifecycle, action::read);
    if (scopes.empty())
        e.refuse(core::Refusal{e.denial(action::read, "", actor,
                                        *e.options.policy->refusal(actor, action::read, AccessTarget{e.lifecycle}))});
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

void EngineCore::visit(const std::string& id, const Visitor& f) const
{
    core::Gate gate = impl_->gate(core::GateMode::shared);
    core::LockedInstance locked = impl_->acquire(id);
    f(locked.resident->instance);
}

void EngineCore::visit(const std::string& id, const Actor& actor, const Visitor& f) const
{
    check_actor(actor);
    const Impl& e = *impl_;
    try {
        core::Gate gate = e.gate(core::GateMode::shared);
        core::LockedInstance locked = e.acquire(id);
        e.check(action::read, locked.resident->instance, actor);
        f(locked.resident->instance);
    } catch (const core::Refusal& r) {
        e.refuse(r);
    }
}

void EngineCore::for_each(const Visitor& f) const
{
    core::Gate gate = impl_->gate(core::GateMode::shared);
    for (const auto& id : impl_->store->find(InstanceQuery{impl_->lifecycle})) {
        core::LockedInstance locked = impl_->acquire(id);
        f(locked.resident->instance);
    }
}

void EngineCore::for_each(const Actor& actor, const Visitor& f) const
{
    check_actor(actor);
    if (!impl_->options.policy) return for_each(f);
    for (const auto& id : find(InstanceQuery{}, actor)) {
        core::Gate gate = impl_->gate(core::GateMode::shared);
        std::optional<core::LockedInstance> locked;
        try {
            locked.emplace(impl_->acquire(id));
        } catch (const InstanceNotFound&) {
            continue;  // removed meanwhile
        }
        // Found by its keys before its lock was taken: it may have changed hands since.
        const InstanceState& in = locked->resident->instance;
        const StoreKeys keys = impl_->keys_of(in);
        if (!impl_->options.policy->permits(actor, action::read, impl_->target_of(in, keys))) continue;
        f(in);
    }
}

std::vector<TransitionRecord> EngineCore::history(const std::string& id) const
{
    const Impl& e = *impl_;
    if (!e.store->version(e.lifecycle, id)) throw InstanceNotFound(e.lifecycle, id);
    std::vector<TransitionRecord> out;
    for (auto& t : e.store->history(e.lifecycle, id))
        out.push_back({t.version, intern(t.event), intern(t.from), intern(t.to), std::move(t.actor), t.at,
                       std::move(t.summary)});
    return out;
}

std::vector<TransitionRecord> EngineCore::history(const std::string& id, const Actor& actor) const
{
    check_actor(actor);
    const Impl& e = *impl_;
    try {
        core::Gate gate = e.gate(core::GateMode::shared);
        e.check(action::read, e.acquire(id).resident->instance, actor);
        return history(id);
    } catch (const core::Refusal& r) {
        e.refuse(r);
    }
}

std::vector<std::string_view> EngineCore::allowed_now(const InstanceState& in) const
{
    // Guards read the configuration through the fire's facts.
    return in.machine->allowed_events(impl_->facts(impl_->clock->now(), in.created_by));
}

std::vector<std::string_view> EngineCore::permitted_now(const InstanceState& in, const Actor& actor) const
{
    std::vector<std::string_view> events = allowed_now(in);
    const Impl& e = *impl_;
    if (!e.options.policy) return events;
    const StoreKeys keys = e.keys_of(in);
    const AccessTarget target = e.target_of(in, keys);
    events.erase(std::remove_if(events.begin(), events.end(),
                                [&](std::string_view ev) { return !e.options.policy->permits(actor, ev, target); }),
                 events.end());
    return events;
}

std::vector<StoredDenial> EngineCore::denials(const std::string& id) const
{
    return impl_->store->denials(impl_->lifecycle, id);
}

std::vector<StoredDenial> EngineCore::denials(const Actor& actor, const std::string& id) const
{
    check_actor(actor);
    if (!id.empty()) check_id(id);  // a refusal logs it
    const Impl& e = *impl_;
    if (!e.options.policy) return denials(id);
    const Policy& policy = *e.options.policy;
    const auto scopes = policy.scopes(actor, e.lifecycle, action::audit);
    if (scopes.empty())
        e.refuse(core::Refusal{
            e.denial(action::audit, id, actor, *policy.refusal(actor, action::audit, AccessTarget{e.lifecycle, id}))});
    std::vector<StoredDenial> all = denials(id);
    if (std::find(scopes.begin(), scopes.end(), Scope::any) != scopes.end()) return all;
    // Filtered as a list is, not refused: asking about an instance outside one's scope gets what
    // an id without denials gets. Each instance is judged by its keys as stored now.
    std::map<std::string, bool> reachable;
    const auto may_audit = [&](const std::string& instance) {
        auto it = reachable.find(instance);
        if (it != reachable.end()) return it->second;
        bool yes = false;
        // No instance (a refused list or purge) or none stored (a refused creation): nothing a
        // scope could reach, so only `any` sees it.
        if (!instance.empty())
            if (const auto stored = e.store->load(e.lifecycle, instance))
                yes = policy.permits(actor, action::audit,
                                     AccessTarget{e.lifecycle, instance, stored->owner, stored->overseer});
        return reachable.emplace(instance, yes).first->second;
    };
    all.erase(std::remove_if(all.begin(), all.end(), [&](const StoredDenial& d) { return !may_audit(d.instance); }),
              all.end());
    return all;
}

void EngineCore::check_audit(const Actor& actor) const
{
    check_actor(actor);
    const Impl& e = *impl_;
    if (!e.options.policy) return;
    // No instance in the target: only a rule of scope `any` reaches it.
    if (auto why = e.options.policy->refusal(actor, action::audit, AccessTarget{e.lifecycle}))
        e.refuse(core::Refusal{e.denial(action::audit, "", actor, std::move(*why))});
}

}  // namespace kimflow
