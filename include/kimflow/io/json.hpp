/// @file
/// Instances, their data and their history as JSON (nlohmann::json), for tools and hosts
/// that speak JSON: `kimctl --json`, web back-ends, the C ABI.
///
/// Values are written as people read them: enums by their names (`Kenntnisnahme`, `SGB II`),
/// days as `2025-02-06`, instants as `2025-02-06T17:00:00Z`; empty optional values are left
/// out. The shape of an instance:
/// @code{.json}
/// {"lifecycle": "paper", "id": "14/1923", "state": "acknowledged", "states": ["acknowledged"],
///  "version": 5, "allowed_events": [], "created_at": "…", "created_by": {"id": "…", …},
///  "data": {…}, "history": [{"version": 1, "event": "submit", "from": "draft",
///  "to": "submitted", "actor": {…}, "at": "…", "payload": "…"}, …]}
/// @endcode
///
/// The other way, for hosts that send JSON in (the C ABI, web back-ends): fields_from_json()
/// turns an event's payload object into Fields, paper_from_json() a new paper's object into a
/// Paper. Both refuse what they cannot take whole, with a message that says what to send.
/// For clients that read instances back (kimctl --server): paper_data_from_json(),
/// kim::case_from_json() and resolution::resolution_from_json() (io/resolution_json.hpp) are
/// the inverses of the data's to_json().
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/engine.hpp"
#include "kimflow/core/fields.hpp"
#include "kimflow/core/time.hpp"
#include "kimflow/core/transition.hpp"
#include "kimflow/kim/case.hpp"
#include "kimflow/paper/paper.hpp"

namespace kimflow {

/// `{"id": …, "role": …, "organization": …}`, empty members left out.
nlohmann::json to_json(const Actor& actor);

/// One history entry: version, event, from, to, actor, at, and the payload summary if any.
nlohmann::json to_json(const TransitionRecord& r);

namespace paper {
/// A consultation of the Beratungsfolge.
nlohmann::json to_json(const Consultation& c);
/// A paper's data.
nlohmann::json to_json(const Paper& p);
}  // namespace paper

namespace kim {
/// A KIM case's data. Goals, notes, the consent's purpose and the Wiedervorlagen's subjects are
/// personal data: hosts that pass this on decide who may see it.
nlohmann::json to_json(const KimCase& c);
}  // namespace kim

namespace json_detail {
/// The object to_json(view, history) writes, with the data already as JSON.
nlohmann::json instance(const std::string& lifecycle, const std::string& id, const std::vector<std::string_view>& states,
                        int main_region, std::uint64_t version, const std::vector<std::string_view>& allowed_events,
                        Timestamp created_at, const Actor& created_by, const std::optional<Timestamp>& erased_at,
                        nlohmann::json data, const std::vector<TransitionRecord>* history);
}  // namespace json_detail

/// An instance view as one object: lifecycle, id, state (the main region's), states (every
/// region's), version, allowed_events, created_at, created_by, erased_at (once erased), data,
/// and the history when @p history is given.
template <class Lifecycle>
nlohmann::json to_json(const InstanceView<typename Lifecycle::Data>& view, const std::vector<TransitionRecord>* history)
{
    return json_detail::instance(view.lifecycle, view.id, view.states, view.main_region, view.version,
                                 view.allowed_events, view.created_at, view.created_by, view.erased_at,
                                 to_json(view.data), history);
}

/// Instance @p id of @p engine as one object (see above).
/// @throws InstanceNotFound
template <class Lifecycle>
nlohmann::json to_json(const Engine<Lifecycle>& engine, const std::string& id, bool with_history = true)
{
    const auto view = engine.view(id);
    const auto history = with_history ? engine.history(id) : std::vector<TransitionRecord>{};
    return to_json<Lifecycle>(view, with_history ? &history : nullptr);
}

/// Instance @p id as @p actor may see it (allowed_events: those the policy lets them fire).
/// @throws InstanceNotFound; NotPermitted if the policy does not let them read it (logged)
template <class Lifecycle>
nlohmann::json to_json(const Engine<Lifecycle>& engine, const std::string& id, const Actor& actor,
                       bool with_history = true)
{
    const auto view = engine.view(id, actor);
    const auto history = with_history ? engine.history(id, actor) : std::vector<TransitionRecord>{};
    return to_json<Lifecycle>(view, with_history ? &history : nullptr);
}

/// An event's payload from a JSON object of field names and values, for fire() by name:
/// strings as they are, numbers and booleans as their JSON text (`2`, `true`), arrays of
/// strings or numbers as a comma-separated list (Fields' convention for lists); null leaves the
/// field out. A null @p payload is an empty payload.
/// @throws InvalidPayload for a value that is an object, or a list element that is not a string
///         or number, is empty, has blanks around it or contains a comma (the list would not
///         read back as sent); InvalidData if @p payload is not an object
Fields fields_from_json(const nlohmann::json& payload, std::string_view event);

namespace paper {
/// A new paper from the object to_json(const Paper&) writes, limited to what a paper has before
/// its lifecycle starts: `reference` and `title` (required), `type` (default Anfrage), `date`,
/// `originator`, `body`, `related_papers`, and `consultations` of `organization`, `role`
/// (default Kenntnisnahme) and `authoritative`. Members that the lifecycle records
/// (`submitted_at`, a consultation's `meeting_date`, …) are refused, not dropped, so a host
/// never believes it set them; a consultation's `status` is taken only as `planned`.
/// @throws InvalidData naming the member and what to send
Paper paper_from_json(const nlohmann::json& j);

/// The inverse of to_json(const Paper&): a paper's data as an instance's `data` holds it, with
/// everything its lifecycle recorded (for clients that read instances from kimflowd). Members
/// it does not know are ignored (a newer writer may add some); `waiting_state`, which to_json
/// does not write, stays empty. Implemented in src/io/json_read.cpp.
/// @throws InvalidData naming a member of the wrong type or with a value that does not parse
Paper paper_data_from_json(const nlohmann::json& j);
}  // namespace paper

namespace kim {
/// The inverse of to_json(const KimCase&): a case's data, every member to_json writes read
/// back (members it does not know are ignored). Implemented in src/io/json_read.cpp.
/// @throws InvalidData naming a member of the wrong type or with a value that does not parse
KimCase case_from_json(const nlohmann::json& j);
}  // namespace kim

}  // namespace kimflow
