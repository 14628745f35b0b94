/// @file
/// The errors kimflow throws. Each is its own type so that a host can catch and tell them
/// apart (e.g. map them to exit codes or HTTP statuses); all derive from kimflow::Error.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace kimflow {

/// Base of every kimflow error. what() is a sentence meant for the person at the terminal.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An error about one instance, named by lifecycle and id.
class InstanceError : public Error {
public:
    /// An error about instance @p instance of @p lifecycle, described by @p message.
    InstanceError(std::string lifecycle, std::string instance, const std::string& message)
        : Error(message), lifecycle_(std::move(lifecycle)), instance_(std::move(instance))
    {
    }
    /// The lifecycle's id, e.g. "paper".
    const std::string& lifecycle() const noexcept { return lifecycle_; }
    /// The instance id, e.g. "14/1923".
    const std::string& instance() const noexcept { return instance_; }

private:
    std::string lifecycle_, instance_;
};

/// No instance with that id exists in the engine.
class InstanceNotFound : public InstanceError {
public:
    /// Instance @p instance of @p lifecycle does not exist; the message says so.
    InstanceNotFound(const std::string& lifecycle, const std::string& instance)
        : InstanceError(lifecycle, instance, "no " + lifecycle + " '" + instance + "' exists; check the id or create it first")
    {
    }
};

/// An instance with that id exists already; ids are unique per lifecycle.
class DuplicateInstance : public InstanceError {
public:
    /// Instance @p instance of @p lifecycle exists already; the message says so.
    DuplicateInstance(const std::string& lifecycle, const std::string& instance)
        : InstanceError(lifecycle, instance, "a " + lifecycle + " '" + instance + "' exists already; choose another id")
    {
    }

protected:
    /// For a subclass that says it in other words.
    DuplicateInstance(const std::string& lifecycle, const std::string& instance, const std::string& message)
        : InstanceError(lifecycle, instance, message)
    {
    }
};

/// The id is taken by an instance the caller may not read: the message says only that the id
/// cannot be used, not that (or whose) it is. A DuplicateInstance, so that hosts answer it as
/// they answer a duplicate they may see (HTTP 409, exit 3) and the status tells nothing apart.
class IdUnavailable : public DuplicateInstance {
public:
    /// Id @p instance of @p lifecycle cannot be used.
    IdUnavailable(const std::string& lifecycle, const std::string& instance)
        : DuplicateInstance(lifecycle, instance,
                            lifecycle + " '" + instance + "': this id cannot be used; choose another")
    {
    }
};

/// The data given to create an instance is incomplete or contradictory.
class InvalidData : public Error {
public:
    using Error::Error;
};

/// The event name is not one of the lifecycle's events.
class UnknownEvent : public Error {
public:
    /// @p event is not an event of @p lifecycle; the message lists the @p known ones.
    UnknownEvent(std::string lifecycle, std::string event, const std::string& known)
        : Error("'" + event + "' is not an event of the " + lifecycle + " lifecycle; its events are: " + known),
          lifecycle_(std::move(lifecycle)), event_(std::move(event))
    {
    }
    /// The lifecycle's id.
    const std::string& lifecycle() const noexcept { return lifecycle_; }
    /// The name that was given.
    const std::string& event() const noexcept { return event_; }

private:
    std::string lifecycle_, event_;
};

/// A payload field is missing, unknown or not of its type.
class InvalidPayload : public Error {
public:
    /// Field @p field of event @p event has @p problem (a sentence saying what to give).
    InvalidPayload(std::string event, std::string field, const std::string& problem)
        : Error("event '" + event + "', field '" + field + "': " + problem), event_(std::move(event)),
          field_(std::move(field))
    {
    }
    /// The event's id.
    const std::string& event() const noexcept { return event_; }
    /// The field's name (empty when the problem is the payload as a whole, e.g. its size).
    const std::string& field() const noexcept { return field_; }

private:
    std::string event_, field_;
};

/// The instance did not take the event; it is exactly as it was before.
class EventRejected : public Error {
public:
    /// @p instance in @p state rejected @p event for @p reason; @p message is the whole sentence.
    EventRejected(std::string instance, std::string state, std::string event, std::string reason,
                  const std::string& message)
        : Error(message), instance_(std::move(instance)), state_(std::move(state)), event_(std::move(event)),
          reason_(std::move(reason))
    {
    }
    /// Id of the instance that rejected the event.
    const std::string& instance() const noexcept { return instance_; }
    /// Its state (stable id) when the event came.
    const std::string& state() const noexcept { return state_; }
    /// The event's stable id.
    const std::string& event() const noexcept { return event_; }
    /// Why, in a sentence (which events are allowed, or what the guard needs).
    const std::string& reason() const noexcept { return reason_; }

private:
    std::string instance_, state_, event_, reason_;
};

/// The current state has no transition for the event.
class EventNotAllowed : public EventRejected {
public:
    /// As EventRejected.
    using EventRejected::EventRejected;
};

/// A transition exists, but its guard said no (e.g. a deadline missed, a precondition unmet).
class GuardRejected : public EventRejected {
public:
    /// As EventRejected.
    using EventRejected::EventRejected;
};

/// The fire was to be recorded at a time before the instance's last transition. A history only
/// moves forward, so every report that counts days (from intake to closure, answer periods) can
/// trust its order; nothing changed.
class RecordedTooEarly : public EventRejected {
public:
    /// As EventRejected; @p reason names both times.
    using EventRejected::EventRejected;
};

/// The fire named the version it expected, and the instance has moved on since.
class VersionConflict : public Error {
public:
    /// @p instance is at version @p actual, not @p expected.
    VersionConflict(const std::string& instance, std::uint64_t expected, std::uint64_t actual)
        : Error("'" + instance + "' is at version " + std::to_string(actual) + ", not " + std::to_string(expected) +
                " as expected: someone changed it meanwhile; reload it and decide again"),
          expected_(expected), actual_(actual)
    {
    }
    /// The version the fire expected.
    std::uint64_t expected() const noexcept { return expected_; }
    /// The version the instance is at.
    std::uint64_t actual() const noexcept { return actual_; }

private:
    std::uint64_t expected_, actual_;
};

/// The policy does not let the actor do this (fire the event, create, read or erase the
/// instance, read the audit trail). Nothing changed; the refusal itself is in the audit trail.
/// An engine throws it only to an actor who may read the instance: to one who may not, a
/// refusal about an existing instance is an InstanceNotFound, as for an id that does not exist.
class NotPermitted : public Error {
public:
    /// @p actor may not do @p action on @p instance of @p lifecycle; @p message says what would be allowed.
    NotPermitted(std::string lifecycle, std::string instance, std::string action, std::string actor,
                 const std::string& message)
        : Error(message), lifecycle_(std::move(lifecycle)), instance_(std::move(instance)),
          action_(std::move(action)), actor_(std::move(actor))
    {
    }
    /// The lifecycle's id, e.g. "case".
    const std::string& lifecycle() const noexcept { return lifecycle_; }
    /// The instance id (empty for a list or a report).
    const std::string& instance() const noexcept { return instance_; }
    /// What was refused: an event id, or `create`, `read`, `erase`, `purge`, `audit`.
    const std::string& action() const noexcept { return action_; }
    /// The actor's id.
    const std::string& actor() const noexcept { return actor_; }

private:
    std::string lifecycle_, instance_, action_, actor_;
};

/// An observer threw. The transition itself was applied; only the notification failed.
class ObserverError : public Error {
public:
    using Error::Error;
};

}  // namespace kimflow
