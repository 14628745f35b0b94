/// @file
/// One German vocabulary for what kimflow names by stable English ids: the states, events,
/// fields and enumerated values of the three lifecycles ("paper", "case", "resolution"), as
/// social workers and a Sitzungsdienst say them. Ids stay the interface (API, JSON, stores);
/// these labels are for what people read, and for reading back what people type, so that
/// kimctl, kimflowd and the web pages say the same thing in the same words.
#pragma once

#include <optional>
#include <string>
#include <string_view>

/// German labels of the lifecycles' ids, and the ids that labels name.
namespace kimflow::labels {

/// The German name of lifecycle @p lifecycle ("paper": "Drucksache", "case": "KIM-Fall",
/// "resolution": "Beschlusskontrolle"); the id itself for a lifecycle without labels.
/// @param lifecycle the lifecycle's id
std::string_view lifecycle(std::string_view lifecycle);

/// German label of state @p state of lifecycle @p lifecycle ("paper", "case", "resolution"); the
/// id itself if it has none.
/// @param lifecycle the lifecycle's id
/// @param state the state's id, e.g. "monitoring" ("Begleitung")
std::string_view state(std::string_view lifecycle, std::string_view state);

/// German label of event @p event of lifecycle @p lifecycle, as an action (e.g. "close": "Fall
/// abschließen"); the id itself if it has none. The case lifecycle also names the log entry of
/// an erasure (`erase_personal_data`, kimflow::erasure_event), which its history shows.
/// @param lifecycle the lifecycle's id
/// @param event the event's id
std::string_view event(std::string_view lifecycle, std::string_view event);

/// Label of a payload field or data member (by name; the same name means the same thing within
/// a lifecycle), e.g. "case", "rechtskreis": "Rechtskreis"; the name itself if it has none.
/// @param lifecycle the lifecycle's id
/// @param field the field's name in payloads (`name=value`) or the member's key in JSON
std::string_view field(std::string_view lifecycle, std::string_view field);

/// Label of value @p code of an enumerated field (e.g. case, reason, goals_achieved -> "Ziele
/// erreicht"); the code itself if it has none.
/// @param lifecycle the lifecycle's id
/// @param field the enumerated field's name (e.g. "reason", "rechtskreis", "role")
/// @param code the value's code, as the library writes it (e.g. "SGB II", "Kenntnisnahme")
std::string_view choice(std::string_view lifecycle, std::string_view field, std::string_view code);

/// The code that @p text names for an enumerated field: the code itself, another spelling the
/// library reads for it (such as `SGB2` or `Anhoerung`), or its German label, compared
/// case-insensitively (as kimflow::equal_folded in kimflow/core/text.hpp compares) and without
/// the blanks around @p text; none if it is neither.
/// @param lifecycle the lifecycle's id
/// @param field the enumerated field's name
/// @param text what a person typed, e.g. "Ziele erreicht" or "goals_achieved"
std::optional<std::string> choice_code(std::string_view lifecycle, std::string_view field, std::string_view text);

/// The event id that @p text names: the id itself or its German label (compared as
/// choice_code() compares); none if neither.
/// @param lifecycle the lifecycle's id
/// @param text what a person typed, e.g. "Fall abschließen" or "close"
std::optional<std::string> event_code(std::string_view lifecycle, std::string_view text);

/// The state id that @p text names: the id itself or its German label (compared as
/// choice_code() compares); none if neither. For filters such as `kimctl list case --state`.
/// @param lifecycle the lifecycle's id
/// @param text what a person typed, e.g. "Begleitung" or "monitoring"
std::optional<std::string> state_code(std::string_view lifecycle, std::string_view text);

/// Every label as a JSON document (text, UTF-8), for clients: `{"paper": {"label": "Drucksache",
/// "states": {id: label}, "events": {...}, "fields": {...}, "choices": {field: {code: label}}},
/// "case": {...}, "resolution": {...}}`. Other spellings choice_code() reads are not listed.
std::string to_json();

}  // namespace kimflow::labels
