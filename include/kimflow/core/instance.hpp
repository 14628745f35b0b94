/// @file
/// What a host reads of an instance: Instance<L> (the engine's copy, inside Engine::visit() and
/// Engine::for_each(), under the instance's lock), InstanceView<Data> (a copy, Engine::view())
/// and TransitionNotice<Data> (what an observer is told). Included by engine.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/engine_core.hpp"
#include "kimflow/core/lifecycle_model.hpp"
#include "kimflow/core/transition.hpp"

namespace kimflow {

template <class Lifecycle>
class Engine;

/// One instance of a lifecycle as a host reads it, inside Engine::visit() and
/// Engine::for_each(), while the instance's lock is held. It refers to the engine's copy: do
/// not keep it beyond the call.
template <class Lifecycle>
class Instance {
public:
    /// The lifecycle's data.
    using Data = typename Lifecycle::Data;

    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    /// The instance id (e.g. a paper's reference `14/1923`).
    const std::string& id() const noexcept { return state_.id; }
    /// Current state of the lifecycle's main region (its phase), as a stable id.
    std::string_view state() const { return state_.machine->state(); }
    /// Current state of region @p region (stable id).
    std::string_view state(int region) const { return state_.machine->state(region); }
    /// Current state of every region, in the order of the machine's `initial_state`.
    std::vector<std::string_view> states() const
    {
        std::vector<std::string_view> out;
        for (int r = 0; r < model_of<Lifecycle>().regions(); ++r) out.push_back(state(r));
        return out;
    }
    /// Number of transitions applied so far.
    std::uint64_t version() const noexcept { return state_.version; }
    /// The instance data.
    const Data& data() const noexcept { return *static_cast<const Data*>(state_.machine->data()); }
    /// When the instance was created.
    Timestamp created_at() const noexcept { return state_.created_at; }
    /// Who created it.
    const Actor& created_by() const noexcept { return state_.created_by; }
    /// When its personal data was erased (Engine::purge, Engine::erase), if it was.
    const std::optional<Timestamp>& erased_at() const noexcept { return state_.erased_at; }
    /// When its last transition was recorded (its creation, before the first): a fire is never
    /// recorded before it.
    Timestamp last_transition_at() const noexcept { return state_.last_at; }

private:
    friend class Engine<Lifecycle>;
    explicit Instance(const InstanceState& state) : state_(state) {}
    const InstanceState& state_;
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
    /// The index into `states` of the lifecycle's main region.
    int main_region = 0;
    /// The state of the main region (the phase).
    std::string_view state() const { return states.at(static_cast<std::size_t>(main_region)); }
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

}  // namespace kimflow
