/// @file
/// What the compiled engine core sees of a lifecycle: its shape (states, rows, events with their
/// fields) and a running machine per instance, through small non-template interfaces.
///
/// The core (EngineCore) is compiled once and knows neither Boost.MSM nor any lifecycle. A
/// lifecycle's translation unit turns its MSM transition table into a LifecycleModel (see
/// msm_model.hpp); Engine<L> and the built-in faces hand that model to the core. This is the
/// split fmt makes between `print` (a thin template) and `vprint` (compiled once).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/fields.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/time.hpp"

namespace kimflow {

/// One row of a lifecycle's transition table, by stable ids.
struct TransitionInfo {
    /// Source state.
    std::string_view from;
    /// The event's id.
    std::string_view event;
    /// Target state; equal to `from` for an internal transition.
    std::string_view to;
    /// True for an internal transition (no state change; MSM `Row<S, E, none, …>`).
    bool internal = false;
    /// The guard's label ("" when unguarded), e.g. "Anfrage" or "waited in submitted".
    std::string guard{};
};

/// An event of a lifecycle: its id, its payload fields, and the states it may fire in.
struct EventInfo {
    /// The event's stable id.
    std::string_view id;
    /// Its payload fields, in the order its serialize() names them.
    std::vector<FieldInfo> fields;
    /// The states with a row for it, in table order (its guards may still refuse).
    std::vector<std::string_view> from;
};

/// The region of each state: the region whose initial state (@p initial, one per region) reaches
/// it through @p rows (rows never cross regions). A state no region reaches is not in the map.
std::map<std::string_view, std::size_t> regions_of_states(const std::vector<std::string_view>& initial,
                                                          const std::vector<TransitionInfo>& rows);

/// What the guards and actions of one fire see besides the event: when, who, and the engine's
/// configuration of the lifecycle (a `const Config*` behind the void pointer).
struct FireFacts {
    /// The time the fire is recorded at.
    Timestamp now{};
    /// Who fires.
    const Actor* actor = nullptr;
    /// The lifecycle's configuration, as the engine holds it.
    const void* config = nullptr;
};

/// How a machine took an event.
struct MachineOutcome {
    /// Whether a row applied, none leaves the current states, or a guard refused.
    enum class Result { applied, not_allowed, guard_rejected };
    /// What happened.
    Result result = Result::not_allowed;
    /// The first refusing guard's reason (for guard_rejected; may be empty).
    std::string refusal{};
    /// The state before, of the region the history names: the main region, or the first
    /// region that moved while the main region stayed.
    std::string_view from{};
    /// The state after, in the same region.
    std::string_view to{};
};

/// A payload with personal fields emptied, as a log entry keeps it after erasure.
struct ErasedPayload {
    /// The encoded payload.
    std::string bytes;
    /// Its `name=value, …` summary.
    std::string summary;
};

/// An event payload of the lifecycle's own C++ type, owned behind a void pointer.
using EventBox = std::shared_ptr<const void>;

/// One event type of a lifecycle as the core handles it: every member works on a payload of
/// that type, passed as `const void*`.
class EventType {
public:
    virtual ~EventType() = default;
    /// The event's stable id.
    virtual std::string_view id() const noexcept = 0;
    /// Its payload fields.
    virtual const std::vector<FieldInfo>& fields() const noexcept = 0;
    /// Whether a field of it is marked personal (`field(...).personal()`).
    virtual bool has_personal_fields() const noexcept = 0;
    /// A payload read from strings (InvalidPayload for a missing, unknown or malformed field).
    virtual EventBox read(const Fields& fields) const = 0;
    /// Throws InvalidPayload for an empty required text or list field of @p payload, or a text
    /// that breaks its rule (check_payload_texts(), input.hpp).
    virtual void check_required(const void* payload) const = 0;
    /// @p payload as `name=value, …`.
    virtual std::string summary(const void* payload) const = 0;
    /// @p payload as stored bytes.
    virtual std::string encode(const void* payload) const = 0;
    /// @p payload with its personal fields emptied.
    virtual ErasedPayload erased(const void* payload) const = 0;
    /// The erased form of stored payload @p bytes (@p what names it in errors); none if the
    /// event has no personal fields. @throws StoreCorrupt if the bytes do not decode
    virtual std::optional<ErasedPayload> erase_stored(const std::string& bytes, const std::string& what) const = 0;
};

/// The running machine of one instance, with its data.
class LiveMachine {
public:
    virtual ~LiveMachine() = default;
    /// The instance data (a `const Data*`).
    virtual const void* data() const noexcept = 0;
    /// The instance data, to change outside a fire (erasure of personal data).
    virtual void* data() noexcept = 0;
    /// The active state of @p region (stable id).
    virtual std::string_view state(int region) const = 0;
    /// The active state of the lifecycle's main region.
    virtual std::string_view state() const = 0;
    /// Runs @p payload of event @p type through the machine. A result other than applied
    /// leaves the machine as it was.
    virtual MachineOutcome apply(const EventType& type, const void* payload, const FireFacts& facts) = 0;
    /// The events a row allows now, as far as the instance alone can tell, in table order.
    virtual std::vector<std::string_view> allowed_events(const FireFacts& facts) const = 0;
};

/// A lifecycle as the compiled core uses it (see the file comment). Implementations are
/// immutable and shared by every engine of the lifecycle.
class LifecycleModel {
public:
    virtual ~LifecycleModel() = default;
    /// The lifecycle's stable id.
    virtual std::string_view id() const noexcept = 0;
    /// Number of orthogonal regions.
    virtual int regions() const noexcept = 0;
    /// The region whose state is the lifecycle's phase.
    virtual int main_region() const noexcept = 0;
    /// Initial state per region.
    virtual const std::vector<std::string_view>& initial_states() const noexcept = 0;
    /// Every state, in the order the table first names them.
    virtual const std::vector<std::string_view>& states() const noexcept = 0;
    /// The transition table, row by row.
    virtual const std::vector<TransitionInfo>& transitions() const noexcept = 0;
    /// Every event with its fields and the states it may fire in, in table order.
    virtual const std::vector<EventInfo>& events() const noexcept = 0;
    /// The event named @p id, or null.
    virtual const EventType* event(std::string_view id) const noexcept = 0;

    /// Throws InvalidData if new data @p data is not acceptable: a text that breaks its rule
    /// (input.hpp), or what the lifecycle's `validate` refuses.
    virtual void validate(const void* data) const = 0;
    /// A machine in its initial states, taking @p data (moved from).
    virtual std::unique_ptr<LiveMachine> start(void* data, const FireFacts& facts) const = 0;
    /// A machine restored from stored @p bytes and @p states; @p what names it in errors.
    /// @throws StoreCorrupt if they cannot be read or contradict each other
    virtual std::unique_ptr<LiveMachine> restore(const std::string& bytes, const std::vector<std::string>& states,
                                                 const std::string& what) const = 0;
    /// @p data as stored bytes.
    virtual std::string encode_data(const void* data) const = 0;
    /// Throws StoreCorrupt unless @p bytes decode as the lifecycle's data.
    virtual void check_data(const std::string& bytes, const std::string& what) const = 0;
    /// What a store indexes of @p data in @p state (the lifecycle's `store_keys`, else empty).
    virtual StoreKeys keys(const void* data, std::string_view state, const void* config) const = 0;
    /// The time-triggered rows of @p data in @p state (the lifecycle's `timers`, else none), in
    /// the order they are to fire.
    virtual std::vector<Timer> timers(const void* data, std::string_view state, const void* config) const
    {
        (void)data, (void)state, (void)config;
        return {};
    }

    /// Whether the lifecycle declares personal data (`personal_data = true`).
    virtual bool personal_data() const noexcept = 0;
    /// The lifecycle's own retention period, if it has one.
    virtual std::optional<Retention> retention() const noexcept = 0;
    /// When the instance ended, if it has (the lifecycle's `ended_at`).
    virtual std::optional<Timestamp> ended_at(const void* data, std::string_view state) const = 0;
    /// Clears the personal data of @p data (the lifecycle's `erase_personal`).
    virtual void erase_personal(void* data) const = 0;
    /// The states in which an instance has ended (empty: any state may be an end).
    virtual std::vector<std::string_view> ended_states() const = 0;
};

/// The model of lifecycle @p Lifecycle, built once. Declared here and defined in
/// msm_model.hpp: a host with a lifecycle of its own includes that header in one translation
/// unit and instantiates it there (`template const kimflow::LifecycleModel&
/// kimflow::model_of<MyLifecycle>();`), so that the MSM machine is compiled once; every
/// other translation unit sees only this declaration. The built-in lifecycles are
/// instantiated in the library.
template <class Lifecycle>
const LifecycleModel& model_of();

}  // namespace kimflow
