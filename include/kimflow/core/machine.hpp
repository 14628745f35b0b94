/// @file
/// Building blocks for a lifecycle's Boost.MSM front-end: the machine base that carries the
/// instance data, the context of one fire, and guards that can say why they refuse.
///
/// A lifecycle's transition table is written with MSM's functor front-end
/// (`boost::msm::front::Row<Source, Event, Target, Action, Guard>`). Each state and each
/// event type carries a stable `static constexpr std::string_view id`: that id, never MSM's
/// integer state id, is what kimflow stores and shows.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/msm/back/metafunctions.hpp>
#include <boost/msm/front/completion_event.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/time.hpp"

namespace kimflow {

/// What one fire knows besides the event: when, who, under which configuration. The engine
/// sets it for the duration of one process_event call.
template <class Config>
struct FireContext {
    /// The time of the fire, from the engine's clock.
    Timestamp now{};
    /// Who fires the event.
    const Actor* actor = nullptr;
    /// The engine's configuration of the lifecycle.
    const Config* config = nullptr;
    /// Why the first guard that said no refused (regions are asked in order).
    std::string refusal{};
};

/// Lends a fire context to a machine for one scope, and takes it back on every way out.
template <class Machine, class Config>
class ContextScope {
public:
    /// Sets @p machine's context to @p context until the scope ends, then restores the one before.
    ContextScope(Machine& machine, FireContext<Config>& context) : machine_(machine), previous_(machine.context)
    {
        machine_.context = &context;
    }
    ~ContextScope() { machine_.context = previous_; }
    ContextScope(const ContextScope&) = delete;
    ContextScope& operator=(const ContextScope&) = delete;

private:
    Machine& machine_;
    FireContext<Config>* previous_;
};

/// Base of a lifecycle's MSM front-end (CRTP). It holds the instance data, so that actions
/// and guards reach it as `fsm.data`, and the fire context as `fsm.now()`, `fsm.actor()`,
/// `fsm.config()`.
template <class Derived, class Data, class Config = NoConfig>
struct MachineDef : boost::msm::front::state_machine_def<Derived> {
    /// Guards check, actions apply: an action never throws except on exhausted memory, so
    /// MSM need not catch (and its default handler would assert).
    using no_exception_thrown = int;
    /// Actions never fire events themselves: no queue needed.
    using no_message_queue = int;

    /// The instance data's type, for the engine and for generic guards.
    using data_type = Data;
    /// The configuration's type, for the engine and for generic guards.
    using config_type = Config;

    /// The instance's data.
    Data data{};
    /// Set by the engine during a fire; null otherwise.
    FireContext<Config>* context = nullptr;

    /// The time of the current fire (only while the engine runs the machine).
    Timestamp now() const { return context->now; }
    /// Who fires the current event (only while the engine runs the machine).
    const Actor& actor() const { return *context->actor; }
    /// The lifecycle's configuration (only while the engine runs the machine).
    const Config& config() const { return *context->config; }

    /// An event with no transition from the current state: the engine reports it as
    /// EventNotAllowed. (MSM's default would assert.)
    template <class Event, class Fsm>
    void no_transition(const Event&, Fsm&, int)
    {
    }
};

/// Base of a guard that decides from the instance alone (its data and configuration), not
/// from the event's payload. The engine also evaluates it to list the events allowed now.
/// The derived guard provides `static std::string label()` (for diagrams) and
/// `template <class Fsm> static std::optional<std::string> refuse(const Fsm&)`: none to allow,
/// otherwise the reason, as a sentence saying what is needed.
template <class Derived>
struct StateGuard {
    /// MSM's guard call: asks `Derived::refuse`; a refusal's reason is kept in the fire
    /// context (the first one wins) for the engine's GuardRejected.
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event&, Fsm& fsm, Source&, Target&) const
    {
        std::optional<std::string> why = Derived::refuse(fsm);
        if (!why) return true;
        if (fsm.context->refusal.empty()) fsm.context->refusal = std::move(*why);
        return false;
    }
    /// Whether the guard allows the transition as the instance is now.
    template <class Fsm>
    static bool allows(const Fsm& fsm)
    {
        return !Derived::refuse(fsm);
    }
};

/// Base of a guard that needs the event's payload. The derived guard provides
/// `static std::string label()` and
/// `template <class Fsm, class Event> static std::optional<std::string> refuse(const Fsm&, const Event&)`.
/// It is not evaluated when listing allowed events (there is no payload then).
template <class Derived>
struct PayloadGuard {
    /// MSM's guard call: asks `Derived::refuse` with the event; a refusal's reason is kept in
    /// the fire context (the first one wins) for the engine's GuardRejected.
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& event, Fsm& fsm, Source&, Target&) const
    {
        std::optional<std::string> why = Derived::refuse(fsm, event);
        if (!why) return true;
        if (fsm.context->refusal.empty()) fsm.context->refusal = std::move(*why);
        return false;
    }
};

/// Whether state @p State is active in any region of the back-end machine @p fsm (as a
/// guard in one region asks about another).
template <class State, class Fsm>
bool is_active(const Fsm& fsm)
{
    constexpr int id = boost::msm::back::get_state_id<typename Fsm::stt, State>::value;
    constexpr int regions = boost::msm::back::get_number_of_regions<typename Fsm::initial_state>::type::value;
    const int* current = fsm.current_state();
    return std::find(current, current + regions, id) != current + regions;
}

namespace detail {
template <class G, class Fsm, class = void>
struct has_allows : std::false_type {};
template <class G, class Fsm>
struct has_allows<G, Fsm, std::void_t<decltype(G::allows(std::declval<const Fsm&>()))>> : std::true_type {};

template <class G, class = void>
struct has_label : std::false_type {};
template <class G>
struct has_label<G, std::void_t<decltype(G::label())>> : std::true_type {};
}  // namespace detail

/// All guards must allow; the first that refuses gives the reason. Label: "a and b".
template <class... Guards>
struct All {
    /// MSM's guard call: each guard in turn, stopping at the first that refuses.
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& e, Fsm& fsm, Source& s, Target& t) const
    {
        return (Guards{}(e, fsm, s, t) && ...);
    }
    /// Whether the state guards among them allow the transition now (payload guards count as
    /// yes), for the list of allowed events.
    template <class Fsm>
    static bool allows(const Fsm& fsm)
    {
        return ((!detail::has_allows<Guards, Fsm>::value || allows_one<Guards>(fsm)) && ...);
    }
    /// The guards' labels joined by "and", for diagrams.
    static std::string label()
    {
        std::string out;
        ((out += (out.empty() ? "" : " and ") + Guards::label()), ...);
        return out;
    }

private:
    template <class G, class Fsm>
    static bool allows_one(const Fsm& fsm)
    {
        if constexpr (detail::has_allows<G, Fsm>::value)
            return G::allows(fsm);
        else
            return true;
    }
};

/// Whether guard @p G lets the instance @p fsm take the transition as far as can be known
/// without a payload (no guard, or a payload guard: yes).
template <class G, class Fsm>
bool guard_allows(const Fsm& fsm)
{
    if constexpr (detail::has_allows<G, Fsm>::value)
        return G::allows(fsm);
    else
        return true;
}

/// A guard's label for diagrams; empty for no guard.
template <class G>
std::string guard_label()
{
    if constexpr (std::is_same_v<G, boost::msm::front::none>)
        return {};
    else if constexpr (detail::has_label<G>::value)
        return G::label();
    else
        return "guarded";
}

}  // namespace kimflow
