// What became of an event in the random walks: the engine's answer, told apart as the
// reference models tell it.
#pragma once

#include <string>

#include <kimflow/core/engine.hpp>

enum class Outcome { applied, not_allowed, guard };

/// Fires @p event by name on @p id and says how the engine took it.
template <class Engine>
Outcome fire_outcome(Engine& engine, const std::string& id, const std::string& event, const kimflow::Fields& payload,
                     const kimflow::Actor& actor)
{
    try {
        engine.fire(id, event, payload, actor);
        return Outcome::applied;
    } catch (const kimflow::EventNotAllowed&) {
        return Outcome::not_allowed;
    } catch (const kimflow::GuardRejected&) {
        return Outcome::guard;
    }
}
