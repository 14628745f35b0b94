// The German vocabulary of labels.hpp: plain tables, one set per lifecycle. This unit includes no
// lifecycle header (nor Boost, nor JSON), so that it compiles in a moment; tests/labels_test.cpp
// walks the lifecycles' models and requires a label for every state, event, field and value.
#include "kimflow/io/labels.hpp"

#include <cstddef>
#include <cstdio>

#include "kimflow/core/text.hpp"

namespace kimflow::labels {

namespace {

struct Entry {
    std::string_view code;
    std::string_view label;
};

struct Choice {
    std::string_view field;
    std::string_view code;
    std::string_view label;
};

/// Another spelling the library reads for a value (enum_names' later names).
struct Spelling {
    std::string_view field;
    std::string_view text;
    std::string_view code;
};

/// A table's entries; C++17 has no std::span.
template <class T>
struct Rows {
    const T* first = nullptr;
    std::size_t count = 0;
    constexpr Rows() = default;
    template <std::size_t N>
    constexpr Rows(const T (&rows)[N]) : first(rows), count(N) {}
    const T* begin() const { return first; }
    const T* end() const { return first + count; }
};

struct Vocabulary {
    std::string_view id;
    std::string_view label;
    Rows<Entry> states;
    Rows<Entry> events;
    Rows<Entry> fields;
    Rows<Choice> choices;
    Rows<Spelling> spellings;
    /// Fields whose values are this lifecycle's states (labelled as states are).
    Rows<std::string_view> state_fields;
};

// --- paper: the Drucksache -------------------------------------------------------------------

constexpr Entry kPaperStates[] = {
    {"draft", "Entwurf"}, {"submitted", "Eingereicht"}, {"answered", "Beantwortet"},
    {"on_agenda", "Auf der Tagesordnung"}, {"acknowledged", "Zur Kenntnis genommen"}, {"decided", "Beschlossen"},
    {"rejected", "Abgelehnt"}, {"withdrawn", "Zurückgezogen"}, {"completed", "Erledigt"},
};

constexpr Entry kPaperEvents[] = {
    {"submit", "Einreichen"}, {"answer", "Beantworten"}, {"schedule", "Auf die Tagesordnung setzen"},
    {"answer_overdue", "Antwortfrist verstrichen"}, {"acknowledge", "Zur Kenntnis nehmen"},
    {"recommend", "Empfehlen"}, {"decide", "Beschließen"}, {"reject", "Ablehnen"}, {"postpone", "Vertagen"},
    {"refer", "Verweisen"}, {"withdraw", "Zurückziehen"}, {"complete", "Als erledigt abschließen"},
    {"attach_resolution", "Beschlusskontrolle zuordnen"}, {"settle_resolution", "Beschlusskontrolle abschließen"},
};

constexpr Entry kPaperFields[] = {
    // Payload fields.
    {"answer_reference", "Drucksachennummer der Antwort"}, {"organization", "Gremium"},
    {"meeting_date", "Sitzungsdatum"}, {"agenda_item", "Tagesordnungspunkt"}, {"role", "Rolle"},
    {"urgent", "Dringlich"}, {"skip_reason", "Grund für das Überspringen"}, {"due", "Fällig am"},
    {"result", "Ergebnis"}, {"reason", "Grund"}, {"note", "Vermerk"}, {"resolution", "Beschlusskontrolle"},
    {"outcome", "Ausgang"},
    // Data members (kimflow::paper::Paper, its consultations, resolutions and source).
    {"reference", "Drucksachennummer"}, {"type", "Art"}, {"title", "Betreff"}, {"date", "Datum"},
    {"originator", "Urheber"}, {"body", "Körperschaft"}, {"related_papers", "Verbundene Drucksachen"},
    {"consultations", "Beratungsfolge"}, {"authoritative", "Federführend"}, {"status", "Stand"},
    {"source_id", "OParl-Kennung der Beratung"}, {"submitted_at", "Eingereicht am"},
    {"answered_at", "Beantwortet am"}, {"current_consultation", "Laufende Beratung"}, {"waiting_state", "Wartet in"},
    {"decided_at", "Beschlossen am"}, {"completed_at", "Erledigt am"}, {"completion_note", "Erledigungsvermerk"},
    {"withdrawal_reason", "Grund der Rücknahme"}, {"answer_overdue_at", "Antwort überfällig seit"},
    {"resolutions", "Beschlusskontrollen"}, {"id", "Kennung"}, {"type_name", "Art im Ratsinformationssystem"},
    {"source", "Herkunft"}, {"system", "Ratsinformationssystem"}, {"oparl_version", "OParl-Version"},
    {"modified", "Geändert im Ratsinformationssystem"},
};

constexpr Choice kPaperChoices[] = {
    {"role", "Kenntnisnahme", "zur Kenntnisnahme"}, {"role", "Vorberatung", "zur Vorberatung"},
    {"role", "Empfehlung", "zur Empfehlung"}, {"role", "Entscheidung", "zur Entscheidung"},
    {"role", "Anhörung", "zur Anhörung"},
    // The codes of paper types are German words already; the labels are what a RIS lists.
    {"type", "Anfrage", "Anfrage"}, {"type", "Antwort", "Antwort"}, {"type", "Antrag", "Antrag"},
    {"type", "Änderungsantrag", "Änderungsantrag"}, {"type", "Beschlussvorlage", "Beschlussvorlage"},
    {"type", "Mitteilungsvorlage", "Mitteilungsvorlage"}, {"type", "Bericht", "Bericht"},
    {"type", "Sonstige", "Sonstige Vorlage"}, {"status", "planned", "Geplant"},
    {"status", "scheduled", "Terminiert"}, {"status", "treated", "Beraten"}, {"outcome", "done", "Erledigt"},
    {"outcome", "dropped", "Entfallen"},
};

constexpr Spelling kPaperSpellings[] = {
    {"role", "Anhoerung", "Anhörung"}, {"type", "Aenderungsantrag", "Änderungsantrag"},
};

constexpr std::string_view kPaperStateFields[] = {"waiting_state"};

// --- case: the KIM case ----------------------------------------------------------------------

constexpr Entry kCaseStates[] = {
    // The phase (main region).
    {"new", "Neu"}, {"intake", "Erstgespräch"}, {"assessment", "Bedarfsklärung"}, {"planning", "Hilfeplanung"},
    {"linking", "Vermittlung"}, {"monitoring", "Begleitung"}, {"evaluation", "Auswertung"}, {"paused", "Pausiert"},
    {"closed", "Abgeschlossen"}, {"aborted", "Abgebrochen"},
    // The consent (region 0).
    {"none", "Keine Einwilligung"}, {"granted", "Einwilligung erteilt"}, {"withdrawn", "Einwilligung widerrufen"},
};

constexpr Entry kCaseEvents[] = {
    {"open", "Fall eröffnen"}, {"grant_consent", "Einwilligung erfassen"},
    {"extend_consent", "Einwilligung erweitern"}, {"narrow_consent", "Einwilligung einschränken"},
    {"withdraw_consent", "Einwilligung widerrufen"}, {"accept", "Fall aufnehmen"}, {"decline", "Aufnahme ablehnen"},
    {"complete_assessment", "Bedarfsklärung abschließen"}, {"add_goal", "Ziel vereinbaren"},
    {"agree_plan", "Hilfeplan beschließen"}, {"refer", "Vermitteln"},
    {"complete_referral", "Vermittlung abschließen"}, {"start_monitoring", "Begleitung beginnen"},
    {"evaluate", "Auswertung beginnen"}, {"replan", "Neu planen"}, {"close", "Fall abschließen"},
    {"reopen", "Fall wiedereröffnen"}, {"pause", "Fall pausieren"}, {"resume", "Fall fortsetzen"},
    {"abort", "Fall abbrechen"}, {"assign", "Zuständigkeit ändern"}, {"follow_up", "Wiedervorlage setzen"},
    {"follow_up_done", "Wiedervorlage erledigen"}, {"follow_up_due", "Wiedervorlage fällig"},
    // Not an event of the table: the log entry of an erasure (kimflow::erasure_event).
    {"erase_personal_data", "Löschung personenbezogener Daten"},
};

constexpr Entry kCaseFields[] = {
    // Payload fields.
    {"kommune", "Kommune"}, {"traeger", "Träger"}, {"manager", "Case Manager"}, {"kreis", "Kreis"},
    {"recipients", "Empfänger der Einwilligung"}, {"purpose", "Zweck"}, {"recipient", "Empfänger"},
    {"rechtskreis", "Rechtskreis"}, {"goal", "Ziel"}, {"reason", "Grund"}, {"note", "Notiz"}, {"date", "Datum"},
    {"subject", "Betreff"}, {"number", "Nr. der Wiedervorlage"}, {"due", "Fällig am"},
    // Data members (kimflow::kim::KimCase, its referrals, consent, Wiedervorlagen and phases).
    {"goals", "Ziele"}, {"referrals", "Vermittlungen"}, {"at", "Zeitpunkt"}, {"completed_at", "Abgeschlossen am"},
    {"consent", "Einwilligung"}, {"granted_at", "Erteilt am"}, {"withdrawn_at", "Widerrufen am"},
    {"changed_at", "Geändert am"}, {"follow_ups", "Wiedervorlagen"}, {"set_at", "Gesetzt am"},
    {"done_at", "Erledigt am"}, {"closed_with_case", "Mit dem Fall beendet"}, {"fell_due_at", "Fällig geworden am"},
    {"closure_reason", "Grund des Endes"}, {"paused_from", "Pausiert aus"}, {"phases", "Phasen"}, {"phase", "Phase"},
};

constexpr Choice kCaseChoices[] = {
    // Why a case ended: `reason` of close and abort, and the case's `closure_reason`.
    {"reason", "goals_achieved", "Ziele erreicht"},
    {"reason", "transferred_to_regular_services", "In die Regelversorgung übergeleitet"},
    {"reason", "moved_away", "Weggezogen"}, {"reason", "no_contact", "Kein Kontakt mehr"},
    {"reason", "not_suitable", "Case Management nicht geeignet"},
    {"reason", "consent_withdrawn", "Einwilligung widerrufen"}, {"reason", "other", "Sonstiger Grund"},
    {"closure_reason", "goals_achieved", "Ziele erreicht"},
    {"closure_reason", "transferred_to_regular_services", "In die Regelversorgung übergeleitet"},
    {"closure_reason", "moved_away", "Weggezogen"}, {"closure_reason", "no_contact", "Kein Kontakt mehr"},
    {"closure_reason", "not_suitable", "Case Management nicht geeignet"},
    {"closure_reason", "consent_withdrawn", "Einwilligung widerrufen"},
    {"closure_reason", "other", "Sonstiger Grund"}, {"rechtskreis", "SGB II", "SGB II (Jobcenter)"},
    {"rechtskreis", "SGB III", "SGB III (Agentur für Arbeit)"}, {"rechtskreis", "SGB VIII", "SGB VIII (Jugendamt)"},
    {"rechtskreis", "SGB XII", "SGB XII (Sozialhilfe)"},
    {"rechtskreis", "AsylbLG", "AsylbLG (Asylbewerberleistungen)"},
    {"rechtskreis", "AufenthG", "AufenthG (Ausländerbehörde)"}, {"rechtskreis", "other", "Sonstige Stelle"},
};

constexpr Spelling kCaseSpellings[] = {
    {"rechtskreis", "SGB2", "SGB II"}, {"rechtskreis", "SGB3", "SGB III"}, {"rechtskreis", "SGB8", "SGB VIII"},
    {"rechtskreis", "SGB12", "SGB XII"}, {"rechtskreis", "sonstige", "other"},
};

constexpr std::string_view kCaseStateFields[] = {"phase", "paused_from"};

// --- resolution: the Beschlusskontrolle ------------------------------------------------------

constexpr Entry kResolutionStates[] = {
    {"open", "Offen"}, {"in_progress", "In Bearbeitung"}, {"done", "Erledigt"}, {"dropped", "Entfallen"},
};

constexpr Entry kResolutionEvents[] = {
    {"start", "Bearbeitung beginnen"}, {"report_progress", "Sachstand berichten"}, {"extend", "Frist verlängern"},
    {"complete", "Als erledigt melden"}, {"drop", "Als entfallen melden"}, {"became_overdue", "Frist überschritten"},
};

constexpr Entry kResolutionFields[] = {
    // Payload fields.
    {"note", "Vermerk"}, {"text", "Sachstand"}, {"delay_reason", "Grund der Verzögerung"}, {"new_due", "Neue Frist"},
    {"due", "Fällig am"}, {"reason", "Grund"},
    // Data members (kimflow::resolution::Resolution, its reports and extensions).
    {"paper", "Vorlage"}, {"office", "Amt"}, {"task", "Aufgabe"}, {"committee", "Gremium"}, {"body", "Körperschaft"},
    {"decided_on", "Beschlossen am"}, {"original_due", "Ursprünglich fällig am"}, {"started_at", "Begonnen am"},
    {"reports", "Sachstandsberichte"}, {"at", "Zeitpunkt"}, {"extensions", "Fristverlängerungen"},
    {"from", "Bisher fällig am"}, {"to", "Neu fällig am"}, {"overdue_for", "Überschrittene Frist"},
    {"overdue_since", "Überfällig seit"}, {"done_at", "Erledigt am"}, {"completion_note", "Erledigungsvermerk"},
    {"dropped_at", "Entfallen am"}, {"drop_reason", "Grund des Entfallens"},
    // The columns of the report (kimflow::resolution::Report).
    {"section", "Abschnitt"}, {"id", "Nr."}, {"state", "Zustand"}, {"status", "Status"},
    {"last_report_at", "Letzter Sachstand am"}, {"last_report", "Letzter Sachstand"},
    {"settled_at", "Erledigt oder entfallen am"},
};

constexpr Choice kResolutionChoices[] = {
    // As kimflow::resolution::label_de() shows them.
    {"status", "on_time", "im Plan"}, {"status", "due_soon", "bald fällig"}, {"status", "overdue", "überfällig"},
    {"status", "done", "erledigt"}, {"status", "dropped", "entfallen"},
    {"section", "decided", "Beschlossen im Zeitraum"}, {"section", "overdue", "Überfällig"},
    {"section", "open", "Offen"}, {"section", "settled", "Erledigt oder entfallen im Zeitraum"},
};

constexpr std::string_view kResolutionStateFields[] = {"state"};

const Vocabulary kVocabularies[] = {
    {"paper", "Drucksache", kPaperStates, kPaperEvents, kPaperFields, kPaperChoices, kPaperSpellings,
     kPaperStateFields},
    {"case", "KIM-Fall", kCaseStates, kCaseEvents, kCaseFields, kCaseChoices, kCaseSpellings, kCaseStateFields},
    {"resolution", "Beschlusskontrolle", kResolutionStates, kResolutionEvents, kResolutionFields, kResolutionChoices,
     {}, kResolutionStateFields},
};

const Vocabulary* vocabulary(std::string_view lifecycle)
{
    for (const Vocabulary& v : kVocabularies)
        if (v.id == lifecycle) return &v;
    return nullptr;
}

std::string_view label_in(Rows<Entry> rows, std::string_view code)
{
    for (const Entry& e : rows)
        if (e.code == code) return e.label;
    return code;
}

bool is_state_field(const Vocabulary& v, std::string_view field)
{
    for (std::string_view f : v.state_fields)
        if (f == field) return true;
    return false;
}

/// The code @p text names in @p rows (as code or label), if any.
std::optional<std::string> code_in(Rows<Entry> rows, std::string_view text)
{
    const std::string_view wanted = trim(text);
    if (wanted.empty()) return std::nullopt;
    // Codes first: a code that is also another entry's label stays that code.
    for (const Entry& e : rows)
        if (equal_folded(e.code, wanted)) return std::string(e.code);
    for (const Entry& e : rows)
        if (equal_folded(e.label, wanted)) return std::string(e.code);
    return std::nullopt;
}

void append_string(std::string& out, std::string_view text)
{
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += escaped;
        } else {
            out += c;
        }
    }
    out += '"';
}

void append_entries(std::string& out, Rows<Entry> rows)
{
    out += '{';
    bool first = true;
    for (const Entry& e : rows) {
        if (!first) out += ',';
        first = false;
        append_string(out, e.code);
        out += ':';
        append_string(out, e.label);
    }
    out += '}';
}

void append_choices(std::string& out, Rows<Choice> rows)
{
    out += '{';
    // Fields in the order the table first names them, each with its values.
    for (const Choice* c = rows.begin(); c != rows.end(); ++c) {
        bool seen = false;
        for (const Choice* before = rows.begin(); before != c; ++before) seen = seen || before->field == c->field;
        if (seen) continue;
        if (c != rows.begin()) out += ',';
        append_string(out, c->field);
        out += ":{";
        bool first = true;
        for (const Choice* value = c; value != rows.end(); ++value) {
            if (value->field != c->field) continue;
            if (!first) out += ',';
            first = false;
            append_string(out, value->code);
            out += ':';
            append_string(out, value->label);
        }
        out += '}';
    }
    out += '}';
}

}  // namespace

std::string_view lifecycle(std::string_view lifecycle)
{
    const Vocabulary* v = vocabulary(lifecycle);
    return v ? v->label : lifecycle;
}

std::string_view state(std::string_view lifecycle, std::string_view state)
{
    const Vocabulary* v = vocabulary(lifecycle);
    return v ? label_in(v->states, state) : state;
}

std::string_view event(std::string_view lifecycle, std::string_view event)
{
    const Vocabulary* v = vocabulary(lifecycle);
    return v ? label_in(v->events, event) : event;
}

std::string_view field(std::string_view lifecycle, std::string_view field)
{
    const Vocabulary* v = vocabulary(lifecycle);
    return v ? label_in(v->fields, field) : field;
}

std::string_view choice(std::string_view lifecycle, std::string_view field, std::string_view code)
{
    const Vocabulary* v = vocabulary(lifecycle);
    if (!v) return code;
    for (const Choice& c : v->choices)
        if (c.field == field && c.code == code) return c.label;
    return is_state_field(*v, field) ? label_in(v->states, code) : code;
}

std::optional<std::string> choice_code(std::string_view lifecycle, std::string_view field, std::string_view text)
{
    const Vocabulary* v = vocabulary(lifecycle);
    if (!v) return std::nullopt;
    if (is_state_field(*v, field)) return code_in(v->states, text);
    const std::string_view wanted = trim(text);
    if (wanted.empty()) return std::nullopt;
    for (const Choice& c : v->choices)
        if (c.field == field && equal_folded(c.code, wanted)) return std::string(c.code);
    for (const Spelling& s : v->spellings)
        if (s.field == field && equal_folded(s.text, wanted)) return std::string(s.code);
    for (const Choice& c : v->choices)
        if (c.field == field && equal_folded(c.label, wanted)) return std::string(c.code);
    return std::nullopt;
}

std::optional<std::string> event_code(std::string_view lifecycle, std::string_view text)
{
    const Vocabulary* v = vocabulary(lifecycle);
    return v ? code_in(v->events, text) : std::nullopt;
}

std::optional<std::string> state_code(std::string_view lifecycle, std::string_view text)
{
    const Vocabulary* v = vocabulary(lifecycle);
    return v ? code_in(v->states, text) : std::nullopt;
}

std::string to_json()
{
    std::string out = "{";
    for (const Vocabulary& v : kVocabularies) {
        if (out.size() > 1) out += ',';
        append_string(out, v.id);
        out += ":{\"label\":";
        append_string(out, v.label);
        out += ",\"states\":";
        append_entries(out, v.states);
        out += ",\"events\":";
        append_entries(out, v.events);
        out += ",\"fields\":";
        append_entries(out, v.fields);
        out += ",\"choices\":";
        append_choices(out, v.choices);
        out += '}';
    }
    return out + "}";
}

}  // namespace kimflow::labels
