// kimctl in German both ways (kimflow/io/labels.hpp): what it prints names states, events,
// fields and values by their labels, and what people type may be a label where a code is
// expected. The translation to codes happens here, before the library or kimflowd sees the
// input: codes stay their interface, and --json prints codes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <kimflow/core/lifecycle_model.hpp>

#include "context.hpp"

namespace kimctl {

/// "paper", "case" or "resolution".
std::string_view lifecycle_id(Kind kind);

/// The events of lifecycle @p lifecycle, with their fields (empty for an unknown id).
const std::vector<kimflow::EventInfo>& events_of(std::string_view lifecycle);

// --- Output ------------------------------------------------------------------------------------

/// The state's label.
std::string state_label(std::string_view lifecycle, std::string_view state);
/// Each state's label, joined by @p separator.
std::string state_labels(std::string_view lifecycle, const std::vector<std::string>& states, const char* separator);
/// The event's label (for what happened: history, a fire's line).
std::string event_label(std::string_view lifecycle, std::string_view event);
/// "Label (code)", for where people type the event: `Wiedervorlage setzen (follow_up)`.
std::string event_with_code(std::string_view lifecycle, std::string_view event);
/// The value's label, for an enumerated field's value @p code.
std::string choice_label(std::string_view lifecycle, std::string_view field, std::string_view code);
/// A field with its name, as people type it: `Datum (date)`.
std::string field_with_code(std::string_view lifecycle, std::string_view field);
/// What a field of kind @p kind takes, in German; an enumerated field's values as labels, with
/// the code where the label does not contain it: `eins von: Ziele erreicht (goals_achieved), …`.
std::string kind_label(std::string_view lifecycle, std::string_view field, const std::string& kind);
/// A transition's payload summary (`name=value, …`, as the library writes it) with the fields
/// and enumerated values by their labels: `Grund: Ziele erreicht; Notiz: …`. A summary that does
/// not read as the event's fields is returned as it is.
std::string payload_label(std::string_view lifecycle, std::string_view event, const std::string& payload);

// --- Input -------------------------------------------------------------------------------------

/// The event id @p text names (its id or its label); @p text itself if it names none (the
/// library then says which events there are).
std::string event_input(std::string_view lifecycle, const std::string& text);
/// The state id @p text names (its id or its label); @p text itself if it names none.
std::string state_input(std::string_view lifecycle, const std::string& text);
/// @p words (`name=value`) for event @p event with each enumerated field's value as its code.
/// Other fields, and words that are not `name=value`, are left as they are.
/// @throws UsageError for a value that is neither a code nor a label of its field, listing them
std::vector<std::string> fields_input(std::string_view lifecycle, const std::string& event,
                                      const std::vector<std::string>& words);

// --- Lists as tables or as CSV -------------------------------------------------------------------

/// A list's header and rows: an aligned table (cells escaped for the terminal), or with @p csv
/// the CSV German Excel opens (kimflow::CsvDialect::german_excel), on stdout.
void print_rows(const std::vector<std::vector<std::string>>& rows, bool csv);

}  // namespace kimctl
