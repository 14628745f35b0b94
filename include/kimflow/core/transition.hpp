/// @file
/// The record of one applied transition, as an instance's history keeps it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/time.hpp"

namespace kimflow {

/// The event of the log entry that Engine::purge() and Engine::erase() add when they erase an
/// instance's personal data: it stays in its state, and the entry says who erased it and when.
inline constexpr std::string_view erasure_event = "erase_personal_data";

/// One applied transition. State and event ids are the lifecycle's stable ids; the views
/// refer to the lifecycle's static id strings and stay valid for the program's life.
struct TransitionRecord {
    /// The instance's version after this transition (1 for the first).
    std::uint64_t version = 0;
    /// The event's id.
    std::string_view event;
    /// The main region's state before; if the main region stayed, that of the first region that
    /// moved (such as the KIM case's consent).
    std::string_view from;
    /// The state after, in the same region. Equal to `from` for an internal transition.
    std::string_view to;
    /// Who fired the event.
    Actor actor;
    /// When, by the engine's clock.
    Timestamp at{};
    /// The payload's fields as `name=value, …` (empty for an event without fields).
    std::string payload;
};

/// What a fire returns: the transition it applied.
struct Fired {
    /// The state before, as in TransitionRecord::from.
    std::string_view from;
    /// The state after, as in TransitionRecord::to.
    std::string_view to;
    /// The instance's version after the transition.
    std::uint64_t version = 0;
};

/// How a fire is to be applied and recorded (Engine::fire).
struct FireOptions {
    /// If given, the fire applies only when the instance is at this version (VersionConflict
    /// otherwise): optimistic locking for a host that showed the instance to someone.
    std::optional<std::uint64_t> expected_version{};
    /// When the transition is recorded. A replay of the past (an OParl import, `kimctl --at`)
    /// gives the time the data says; it must not be earlier than the instance's last transition
    /// (RecordedTooEarly otherwise). None: now, by the engine's clock, but never before the last
    /// transition (a wall clock that stepped back records the last transition's time).
    std::optional<Timestamp> recorded_at{};
};

/// How an instance is to be created (Engine::create).
struct CreateOptions {
    /// When it is recorded as created (and its opening event, if any); none: now, by the
    /// engine's clock.
    std::optional<Timestamp> recorded_at{};
};

}  // namespace kimflow
