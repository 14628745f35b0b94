// kimctl's German labels both ways (labelled.hpp).
#include "labelled.hpp"

#include <iostream>

#include <kimflow/core/input.hpp>
#include <kimflow/core/personal_data.hpp>
#include <kimflow/core/transition.hpp>
#include <kimflow/io/csv.hpp>
#include <kimflow/io/labels.hpp>
#include <kimflow/io/table.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/resolution/lifecycle.hpp>

#include "privacy_commands.hpp"

namespace kimctl {

namespace labels = kimflow::labels;

namespace {

const std::string kOneOf = "one of: ";
const std::string kListOf = "list of ";
const std::string kCommaSeparated = ", comma-separated";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

/// The codes an enumerated field's kind lists ("one of: a, b, c"); empty for another kind.
std::vector<std::string> codes_of(const std::string& kind)
{
    if (!starts_with(kind, kOneOf)) return {};
    std::vector<std::string> codes;
    std::size_t start = kOneOf.size();
    for (std::size_t comma; (comma = kind.find(", ", start)) != std::string::npos; start = comma + 2)
        codes.push_back(kind.substr(start, comma - start));
    codes.push_back(kind.substr(start));
    return codes;
}

/// A value's label, with its code where the label does not show it (`SGB II (Jobcenter)` does).
std::string choice_with_code(std::string_view lifecycle, std::string_view field, const std::string& code)
{
    const std::string label(labels::choice(lifecycle, field, code));
    return label.find(code) == std::string::npos ? label + " (" + code + ")" : label;
}

/// The fields of event @p event, by name, in the order its payload names them.
std::vector<kimflow::FieldInfo> fields_of(std::string_view lifecycle, std::string_view event)
{
    // An erasure's log entry is no event of the table; its summary is `reason=CODE, note=TEXT`.
    if (event == kimflow::erasure_event) return {{"reason", "text", true}, {"note", "text", false}};
    for (const kimflow::EventInfo& e : events_of(lifecycle))
        if (e.id == event) return e.fields;
    return {};
}

std::string value_label(std::string_view lifecycle, std::string_view event, const kimflow::FieldInfo& field,
                        const std::string& value)
{
    if (event == kimflow::erasure_event && field.name == "reason")
        if (const auto reason = kimflow::parse_erasure_reason(value)) return std::string(reason_label(*reason));
    return starts_with(field.kind, kOneOf) ? std::string(labels::choice(lifecycle, field.name, value)) : value;
}

}  // namespace

std::string_view lifecycle_id(Kind kind)
{
    switch (kind) {
    case Kind::paper: return kimflow::paper::PaperLifecycle::id;
    case Kind::kim_case: return kimflow::kim::CaseLifecycle::id;
    case Kind::resolution: break;
    }
    return kimflow::resolution::ResolutionLifecycle::id;
}

const std::vector<kimflow::EventInfo>& events_of(std::string_view lifecycle)
{
    using kimflow::model_of;
    using Paper = kimflow::paper::PaperLifecycle;
    using Case = kimflow::kim::CaseLifecycle;
    using Resolution = kimflow::resolution::ResolutionLifecycle;
    static const std::vector<kimflow::EventInfo> none;
    if (lifecycle == Paper::id) return model_of<Paper>().events();
    if (lifecycle == Case::id) return model_of<Case>().events();
    if (lifecycle == Resolution::id) return model_of<Resolution>().events();
    return none;
}

std::string state_label(std::string_view lifecycle, std::string_view state)
{
    return std::string(labels::state(lifecycle, state));
}

std::string state_labels(std::string_view lifecycle, const std::vector<std::string>& states, const char* separator)
{
    std::string out;
    for (const auto& s : states) out += (out.empty() ? "" : separator) + state_label(lifecycle, s);
    return out;
}

std::string event_label(std::string_view lifecycle, std::string_view event)
{
    return std::string(labels::event(lifecycle, event));
}

std::string event_with_code(std::string_view lifecycle, std::string_view event)
{
    const std::string label = event_label(lifecycle, event);
    return label == event ? label : label + " (" + std::string(event) + ")";
}

std::string choice_label(std::string_view lifecycle, std::string_view field, std::string_view code)
{
    return std::string(labels::choice(lifecycle, field, code));
}

std::string field_with_code(std::string_view lifecycle, std::string_view field)
{
    const std::string label(labels::field(lifecycle, field));
    return label == field ? label : label + " (" + std::string(field) + ")";
}

std::string kind_label(std::string_view lifecycle, std::string_view field, const std::string& kind)
{
    if (starts_with(kind, kOneOf)) {
        std::string out = "eins von: ";
        bool first = true;
        for (const auto& code : codes_of(kind)) {
            out += (first ? "" : ", ") + choice_with_code(lifecycle, field, code);
            first = false;
        }
        return out;
    }
    if (starts_with(kind, kListOf) && kind.size() > kListOf.size() + kCommaSeparated.size() &&
        kind.compare(kind.size() - kCommaSeparated.size(), kCommaSeparated.size(), kCommaSeparated) == 0) {
        const std::string item = kind.substr(kListOf.size(), kind.size() - kListOf.size() - kCommaSeparated.size());
        return "Liste (" + kind_label(lifecycle, field, item) + "), durch Kommas getrennt";
    }
    if (kind == "text") return "Text";
    if (kind == "date") return "Datum";
    if (kind == "time") return "Zeitpunkt";
    if (kind == "number") return "Zahl";
    if (kind == "yes/no") return "ja/nein";
    return kind;
}

std::string payload_label(std::string_view lifecycle, std::string_view event, const std::string& payload)
{
    if (payload.empty()) return payload;
    // Where each field's `name=` starts: at the start or after ", ", in the order of the fields
    // (the summary leaves out optional fields at their default).
    struct Found {
        const kimflow::FieldInfo* field;
        std::size_t at;
    };
    const std::vector<kimflow::FieldInfo> fields = fields_of(lifecycle, event);
    std::vector<Found> found;
    std::size_t cursor = 0;
    for (const auto& f : fields) {
        const std::string key = f.name + "=";
        for (std::size_t at = payload.find(key, cursor); at != std::string::npos; at = payload.find(key, at + 1))
            if (at == 0 || (at >= 2 && payload.compare(at - 2, 2, ", ") == 0)) {
                found.push_back({&f, at});
                cursor = at + key.size();
                break;
            }
    }
    if (found.empty() || found.front().at != 0) return payload;
    std::string out;
    for (std::size_t i = 0; i < found.size(); ++i) {
        const std::size_t start = found[i].at + found[i].field->name.size() + 1;
        const std::size_t end = i + 1 < found.size() ? found[i + 1].at - 2 : payload.size();
        const std::string value = payload.substr(start, end - start);
        out += (i ? "; " : "") + std::string(labels::field(lifecycle, found[i].field->name)) + ": " +
               value_label(lifecycle, event, *found[i].field, value);
    }
    return out;
}

std::string event_input(std::string_view lifecycle, const std::string& text)
{
    return labels::event_code(lifecycle, text).value_or(text);
}

std::string state_input(std::string_view lifecycle, const std::string& text)
{
    if (text.empty()) return text;
    return labels::state_code(lifecycle, text).value_or(text);
}

std::vector<std::string> fields_input(std::string_view lifecycle, const std::string& event,
                                      const std::vector<std::string>& words)
{
    const std::vector<kimflow::FieldInfo> fields = fields_of(lifecycle, event);
    std::vector<std::string> out;
    for (const auto& word : words) {
        const auto eq = word.find('=');
        const kimflow::FieldInfo* field = nullptr;
        for (const auto& f : fields)
            if (eq != std::string::npos && word.compare(0, eq, f.name) == 0 && f.name.size() == eq) field = &f;
        // An empty value is the library's to judge (an optional field left out).
        if (!field || !starts_with(field->kind, kOneOf) || eq + 1 == word.size()) {
            out.push_back(word);
            continue;
        }
        const std::string value = word.substr(eq + 1);
        if (const auto code = labels::choice_code(lifecycle, field->name, value)) {
            out.push_back(field->name + "=" + *code);
            continue;
        }
        std::string accepted;
        for (const auto& code : codes_of(field->kind))
            accepted += (accepted.empty() ? "" : ", ") + choice_with_code(lifecycle, field->name, code);
        throw UsageError(field->name + ": '" + kimflow::printable(value) + "' ist keiner der Werte von " +
                         field_with_code(lifecycle, field->name) + "\n(möglich, als Bezeichnung oder Code: " + accepted +
                         "; nichts geändert)");
    }
    return out;
}

void print_rows(const std::vector<std::vector<std::string>>& rows, bool csv)
{
    if (csv) {
        std::cout << kimflow::csv_document(rows, kimflow::CsvDialect::german_excel);
        return;
    }
    if (rows.empty()) return;
    kimflow::Table t(rows.front());
    for (std::size_t i = 1; i < rows.size(); ++i) {
        std::vector<std::string> cells = rows[i];
        // Stored text reaches the terminal escaped (input.hpp), never raw.
        for (auto& cell : cells) cell = kimflow::terminal_safe(cell);
        t.add(std::move(cells));
    }
    std::cout << t.render();
}

}  // namespace kimctl
