// The renderers of views.hpp: the tables and lines kimctl prints, whichever side the values come from.
#include "views.hpp"

#include <iostream>

#include <kimflow/core/input.hpp>
#include <kimflow/io/csv.hpp>
#include <kimflow/io/table.hpp>
#include <kimflow/kim/events.hpp>

namespace kimctl {

using namespace kimflow;

namespace {

/// @p cells as a terminal may show them (input.hpp): stored text reaches it escaped, never raw.
std::vector<std::string> safe(std::vector<std::string> cells)
{
    for (auto& cell : cells) cell = terminal_safe(cell);
    return cells;
}

}  // namespace

HistoryRow history_row(const TransitionRecord& r)
{
    return HistoryRow{r.version, r.at, std::string(r.event), std::string(r.from), std::string(r.to), r.actor, r.payload};
}

std::string history_table(std::string_view lifecycle, const std::vector<HistoryRow>& rows)
{
    Table t({"V.", "Zeit", "Ereignis", "von", "nach", "durch", "Angaben"});
    for (const auto& r : rows) {
        std::string by = r.actor.id;
        if (!r.actor.role.empty()) by += " (" + r.actor.role + ")";
        t.add(safe({std::to_string(r.version), format_timestamp(r.at), event_label(lifecycle, r.event),
                    state_label(lifecycle, r.from), state_label(lifecycle, r.to), by,
                    payload_label(lifecycle, r.event, r.payload)}));
    }
    return t.render();
}

void print_history(std::string_view lifecycle, const std::vector<HistoryRow>& rows)
{
    if (rows.empty()) {
        std::cout << "(noch keine Übergänge)\n";
        return;
    }
    std::cout << history_table(lifecycle, rows);
}

void print_fired(std::string_view lifecycle, const std::string& id, const std::string& event, std::string_view from,
                 std::string_view to, std::uint64_t version)
{
    std::cout << terminal_safe(id) << ": " << state_label(lifecycle, from) << " --"
              << terminal_safe(event_label(lifecycle, event)) << "--> " << state_label(lifecycle, to) << "  (Version "
              << version << ")\n";
}

// What a consent event did, in words: grant_consent replaces (and may drop recipients without a
// word of the engine), extend_consent adds, narrow_consent takes one out.
std::string consent_note(const std::string& event, const kim::Consent& before, const kim::Consent& after)
{
    std::vector<std::string> dropped, added;
    for (const auto& r : before.recipients)
        if (!after.names(r)) dropped.push_back(r);
    for (const auto& r : after.recipients)
        if (!before.names(r)) added.push_back(r);
    const auto list = [](const std::vector<std::string>& names) { return joined(names); };
    std::string note;
    if (event == kim::GrantConsent::id && before.granted_at) {
        note = "Einwilligung ersetzt";
        if (!dropped.empty()) note += "; entfällt für " + list(dropped);
        if (!added.empty()) note += "; neu für " + list(added);
        if (dropped.empty() && added.empty()) note += " (gleiche Empfänger)";
    } else if (event == kim::GrantConsent::id) {
        note = "Einwilligung erteilt für " + after.recipient_list();
    } else if (event == kim::ExtendConsent::id) {
        note = "Einwilligung erweitert um " + list(added);
    } else if (event == kim::NarrowConsent::id) {
        note = "Einwilligung eingeschränkt: entfällt für " + list(dropped);
    } else {
        return {};
    }
    return note + "; gilt für " + (after.recipients.empty() ? "niemanden" : after.recipient_list()) + "\n";
}

void print_paper_completed(const std::string& paper)
{
    std::cout << "Vorlage " << paper << " ist damit erledigt: alle ihre Beschlüsse sind ausgeführt oder entfallen\n";
}

namespace {

/// A day as a list's cell: ISO in the table, TT.MM.JJJJ in German Excel's CSV.
std::string day(Date d, bool csv) { return csv_date(d, csv ? CsvDialect::german_excel : CsvDialect::rfc4180); }

}  // namespace

void print_paper_list(const std::vector<PaperListed>& rows, bool overdue, bool csv)
{
    if (rows.empty() && !csv) {
        std::cout << "(keine Drucksachen)\n";
        return;
    }
    std::vector<std::vector<std::string>> cells{{"Drucksache", "Art", "Zustand", "V.", "Betreff"}};
    if (overdue) cells.front().push_back("überfällig");
    for (const auto& row : rows) {
        const auto& p = row.paper;
        cells.push_back({p.id, choice_label("paper", "type", to_string(p.data.type)),
                         state_label("paper", p.states.front()), std::to_string(p.version), p.data.title});
        if (!overdue) continue;
        std::string late;
        for (const auto& o : row.overdue)
            late += (late.empty() ? "" : ", ") +
                    std::string(o.what == paper::Overdue::answer ? "Antwort" : "Ergebnis") + " seit " + day(o.due, csv);
        cells.back().push_back(late);
    }
    print_rows(cells, csv);
}

void print_case_list(const std::vector<Shown<kim::KimCase>>& rows, bool csv)
{
    if (rows.empty() && !csv) {
        std::cout << "(keine Fälle)\n";
        return;
    }
    std::vector<std::vector<std::string>> cells{
        {"Fall", "Kommune", "Träger", "Phase", "Einwilligung", "Wiedervorlage", "V."}};
    for (const auto& row : rows) {
        const kim::KimCase& c = row.data;
        const auto next = c.next_follow_up();
        cells.push_back({row.id, c.kommune, c.traeger, state_label("case", row.state),
                         state_label("case", row.states.at(0)), next ? day(*next, csv) : "",
                         std::to_string(row.version)});
    }
    print_rows(cells, csv);
}

void print_follow_ups(const std::vector<kim::DueFollowUp>& due, bool csv)
{
    if (due.empty() && !csv) {
        std::cout << "(keine Wiedervorlagen)\n";
        return;
    }
    std::vector<std::vector<std::string>> cells{
        {"Fall", "Nr.", "Wiedervorlage", "Betreff", "Phase", "Träger", "Case Manager"}};
    for (const auto& d : due)
        cells.push_back({d.case_id, std::to_string(d.number), day(d.due, csv), d.subject, state_label("case", d.phase),
                         d.traeger, d.manager});
    print_rows(cells, csv);
}

void print_resolution_list(const std::vector<ResolutionListed>& rows, bool csv)
{
    if (rows.empty() && !csv) {
        std::cout << "(keine Beschlusskontrollen)\n";
        return;
    }
    std::vector<std::vector<std::string>> cells{{"Nr.", "Vorlage", "Gremium", "Amt", "fällig", "Status", "Aufgabe"}};
    for (const auto& row : rows) {
        const resolution::Resolution& r = row.resolution.data;
        cells.push_back({row.resolution.id, r.paper, r.committee, r.office, day(r.due, csv),
                         std::string(resolution::label_de(row.status)), r.task});
    }
    print_rows(cells, csv);
}

}  // namespace kimctl
