// The renderers of views.hpp: the tables and lines kimctl prints, whichever side the values come from.
#include "views.hpp"

#include <iostream>

#include <kimflow/core/input.hpp>
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

std::string history_table(const std::vector<HistoryRow>& rows)
{
    Table t({"V.", "Zeit", "Ereignis", "von", "nach", "durch", "Angaben"});
    for (const auto& r : rows) {
        std::string by = r.actor.id;
        if (!r.actor.role.empty()) by += " (" + r.actor.role + ")";
        t.add(safe({std::to_string(r.version), format_timestamp(r.at), r.event, r.from, r.to, by, r.payload}));
    }
    return t.render();
}

void print_history(const std::vector<HistoryRow>& rows)
{
    if (rows.empty()) {
        std::cout << "(no transitions yet)\n";
        return;
    }
    std::cout << history_table(rows);
}

void print_fired(const std::string& id, const std::string& event, std::string_view from, std::string_view to,
                 std::uint64_t version)
{
    std::cout << terminal_safe(id) << ": " << from << " --" << terminal_safe(event) << "--> " << to << "  (version "
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

void print_paper_list(const std::vector<PaperListed>& rows, bool overdue)
{
    if (rows.empty()) {
        std::cout << "(keine Drucksachen)\n";
        return;
    }
    Table t({"Drucksache", "Art", "Zustand", "V.", "Betreff", overdue ? "überfällig" : ""});
    for (const auto& row : rows) {
        const auto& p = row.paper;
        std::string late;
        for (const auto& o : row.overdue)
            late += (late.empty() ? "" : ", ") + std::string(o.what == paper::Overdue::answer ? "Antwort" : "Ergebnis") +
                    " seit " + format_date(o.due);
        t.add(safe({p.id, std::string(to_string(p.data.type)), p.states.front(), std::to_string(p.version), p.data.title,
               late}));
    }
    std::cout << t.render();
}

void print_case_list(const std::vector<Shown<kim::KimCase>>& rows)
{
    if (rows.empty()) {
        std::cout << "(keine Fälle)\n";
        return;
    }
    Table t({"Fall", "Kommune", "Träger", "Phase", "Einwilligung", "Wiedervorlage", "V."});
    for (const auto& row : rows) {
        const kim::KimCase& c = row.data;
        const auto next = c.next_follow_up();
        t.add(safe({row.id, c.kommune, c.traeger, row.state, row.states.at(0), next ? format_date(*next) : "",
               std::to_string(row.version)}));
    }
    std::cout << t.render();
}

void print_follow_ups(const std::vector<kim::DueFollowUp>& due)
{
    if (due.empty()) {
        std::cout << "(keine Wiedervorlagen)\n";
        return;
    }
    Table t({"Fall", "Nr.", "Wiedervorlage", "Betreff", "Phase", "Träger", "Case Manager"});
    for (const auto& d : due)
        t.add(safe({d.case_id, std::to_string(d.number), format_date(d.due), d.subject, d.phase, d.traeger, d.manager}));
    std::cout << t.render();
}

void print_resolution_list(const std::vector<ResolutionListed>& rows)
{
    if (rows.empty()) {
        std::cout << "(keine Beschlusskontrollen)\n";
        return;
    }
    Table t({"Nr.", "Vorlage", "Gremium", "Amt", "fällig", "Status", "Aufgabe"});
    for (const auto& row : rows) {
        const resolution::Resolution& r = row.resolution.data;
        t.add(safe({row.resolution.id, r.paper, r.committee, r.office, format_date(r.due),
               std::string(resolution::label_de(row.status)), r.task}));
    }
    std::cout << t.render();
}

}  // namespace kimctl
