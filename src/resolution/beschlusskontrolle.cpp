// The Beschlusskontrolle report: per committee, what was decided, is open, is overdue and was
// settled; as a table, CSV and JSON.
#include <algorithm>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kimflow/io/labels.hpp"
#include "kimflow/resolution/report.hpp"

namespace kimflow::resolution {

namespace {

bool in_period(const std::optional<Timestamp>& at, const ReportQuery& q)
{
    return at && date_of(*at) >= q.from && date_of(*at) <= q.to;
}

std::optional<Timestamp> settled_at(const Resolution& r) { return r.done_at ? r.done_at : r.dropped_at; }

std::string date_text(const std::optional<Date>& d, CsvDialect dialect = CsvDialect::rfc4180)
{
    return d ? csv_date(*d, dialect) : std::string();
}

/// @p r and @p state as they stood at the end of day @p to: what was recorded later is left
/// out, so that a report of a past period shows what was open and overdue then.
void as_of(Resolution& r, std::string& state, Date to)
{
    const auto later = [&](const std::optional<Timestamp>& at) { return at && date_of(*at) > to; };
    r.reports.erase(std::remove_if(r.reports.begin(), r.reports.end(),
                                   [&](const ProgressReport& p) { return date_of(p.at) > to; }),
                    r.reports.end());
    r.extensions.erase(std::remove_if(r.extensions.begin(), r.extensions.end(),
                                      [&](const Extension& e) { return date_of(e.at) > to; }),
                       r.extensions.end());
    if (r.original_due) {
        // The due date as the changes up to then left it, in the order they were recorded.
        std::vector<std::pair<Timestamp, Date>> changes;
        for (const auto& p : r.reports)
            if (p.new_due) changes.emplace_back(p.at, *p.new_due);
        for (const auto& e : r.extensions) changes.emplace_back(e.at, e.to);
        std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        r.due = changes.empty() ? *r.original_due : changes.back().second;
    }
    if (later(r.overdue_since)) r.overdue_since.reset(), r.overdue_for.reset();
    if (later(r.done_at)) r.done_at.reset(), r.completion_note.clear();
    if (later(r.dropped_at)) r.dropped_at.reset(), r.drop_reason.clear();
    if (later(r.started_at)) r.started_at.reset();
    if ((state == state_id::done && !r.done_at) || (state == state_id::dropped && !r.dropped_at) ||
        (state == state_id::in_progress && !r.started_at))
        state = std::string(r.started_at ? state_id::in_progress : state_id::open);
}

}  // namespace

Report report(const ResolutionEngine& engine, const ReportQuery& query, const Actor* actor)
{
    InstanceQuery q;
    q.lifecycle = std::string(ResolutionLifecycle::id);
    q.area = query.committee;
    const auto& inner = engine.engine();
    const std::vector<std::string> ids = actor ? inner.find(q, *actor) : inner.find(q);
    std::map<std::string, CommitteeSection> sections;
    for (const std::string& id : ids) {
        ReportRow row = inner.visit(id, [&](const Instance<ResolutionLifecycle>& in) {
            return ReportRow{id, in.data(), std::string(in.state()), Status::on_time};
        });
        if (row.data.decided_on && *row.data.decided_on > query.to) continue;  // not decided yet then
        as_of(row.data, row.state, query.to);
        row.status = status_at(row.data, row.state, query.to, inner.config());
        CommitteeSection& s = sections[row.data.committee];
        s.committee = row.data.committee;
        const Resolution& r = row.data;
        if (r.decided_on && *r.decided_on >= query.from && *r.decided_on <= query.to) s.decided.push_back(row);
        if (row.status == Status::overdue)
            s.overdue.push_back(row);
        else if (row.status == Status::on_time || row.status == Status::due_soon)
            s.open.push_back(row);
        else if (in_period(settled_at(r), query))
            s.settled.push_back(row);
    }
    Report out{query.from, query.to, {}};
    for (auto& [name, s] : sections) {
        auto by_due = [](const ReportRow& a, const ReportRow& b) {
            return a.data.due != b.data.due ? a.data.due < b.data.due : a.id < b.id;
        };
        std::sort(s.open.begin(), s.open.end(), by_due);
        std::sort(s.overdue.begin(), s.overdue.end(), by_due);
        out.committees.push_back(std::move(s));
    }
    return out;
}

namespace {

/// The columns the table, the CSV and the JSON share, for one row.
struct Cells {
    std::string decided_on, due, original_due, last_report_at, last_report, delay_reason, overdue_since, settled_at,
        note;
};

/// @p row's cells, with dates as @p dialect writes them (rfc4180: ISO, as the table and JSON have them).
Cells cells_of(const ReportRow& row, CsvDialect dialect = CsvDialect::rfc4180)
{
    const Resolution& r = row.data;
    Cells c;
    c.decided_on = date_text(r.decided_on, dialect);
    c.due = csv_date(r.due, dialect);
    c.original_due = date_text(r.original_due, dialect);
    if (const ProgressReport* p = r.last_report()) {
        c.last_report_at = csv_date(date_of(p->at), dialect);
        c.last_report = p->text;
    }
    c.delay_reason = r.delay_reason();
    // What the tick recorded for the current due date, not a guess from the date.
    if (r.overdue_since && r.overdue_for == r.due) c.overdue_since = csv_date(date_of(*r.overdue_since), dialect);
    if (auto at = settled_at(r)) c.settled_at = csv_date(date_of(*at), dialect);
    c.note = r.done_at ? r.completion_note : r.drop_reason;
    return c;
}

std::size_t display_width(const std::string& s);

/// Shortens @p s to @p width characters (UTF-8 aware), with "…" where it was cut.
std::string cut(const std::string& s, std::size_t width)
{
    if (display_width(s) <= width) return s;
    std::size_t chars = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (++chars > width - 1) break;
    }
    return s.substr(0, i) + "…";
}

std::size_t display_width(const std::string& s)
{
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string pad(const std::string& s, std::size_t width)
{
    const std::size_t w = display_width(s);
    return w >= width ? s : s + std::string(width - w, ' ');
}

const std::pair<const char*, std::vector<ReportRow> CommitteeSection::*> kSections[] = {
    {"decided", &CommitteeSection::decided},
    {"overdue", &CommitteeSection::overdue},
    {"open", &CommitteeSection::open},
    {"settled", &CommitteeSection::settled},
};

const char* heading_de(std::string_view section)
{
    if (section == "decided") return "Beschlossen im Zeitraum";
    if (section == "overdue") return "Überfällig";
    if (section == "open") return "Offen";
    return "Erledigt oder entfallen im Zeitraum";
}

}  // namespace

std::string to_table(const Report& report)
{
    std::ostringstream out;
    out << "Beschlusskontrolle " << format_date(report.from) << " bis " << format_date(report.to) << '\n';
    if (report.committees.empty()) out << "\nKeine Beschlüsse zur Kontrolle.\n";
    for (const CommitteeSection& s : report.committees) {
        out << '\n' << (s.committee.empty() ? std::string("(ohne Gremium)") : s.committee) << '\n';
        // Columns as wide as the committee's longest id, paper and office, within bounds.
        std::size_t id_w = 4, paper_w = 8, office_w = 4;
        for (const auto& [name, member] : kSections)
            for (const ReportRow& row : s.*member) {
                id_w = std::max(id_w, std::min<std::size_t>(display_width(row.id) + 1, 21));
                paper_w = std::max(paper_w, std::min<std::size_t>(display_width(row.data.paper) + 1, 17));
                office_w = std::max(office_w, std::min<std::size_t>(display_width(row.data.office) + 1, 31));
            }
        const std::string indent(4 + id_w + paper_w + office_w + 11 + 13, ' ');
        for (const auto& [name, member] : kSections) {
            const std::vector<ReportRow>& rows = s.*member;
            if (rows.empty()) continue;
            out << "  " << heading_de(name) << " (" << rows.size() << ")\n";
            out << "    " << pad("Nr.", id_w) << pad("Vorlage", paper_w) << pad("Amt", office_w) << pad("fällig", 11)
                << pad("Status", 13) << "Aufgabe / Sachstand\n";
            for (const ReportRow& row : rows) {
                const Cells c = cells_of(row);
                out << "    " << pad(cut(row.id, id_w - 1), id_w) << pad(cut(row.data.paper, paper_w - 1), paper_w)
                    << pad(cut(row.data.office, office_w - 1), office_w) << pad(c.due, 11)
                    << pad(std::string(label_de(row.status)), 13) << cut(row.data.task, 70) << '\n';
                // What was decided is a list; the details stand with where it is now.
                if (std::string_view(name) == "decided") continue;
                if (!c.overdue_since.empty() && row.status == Status::overdue)
                    out << indent << "überfällig seit " << c.overdue_since << '\n';
                if (!c.last_report.empty())
                    out << indent << "Sachstand " << c.last_report_at << ": " << cut(c.last_report, 80) << '\n';
                if (!c.delay_reason.empty() && row.status != Status::done && row.status != Status::dropped)
                    out << indent << "Grund der Verzögerung: " << cut(c.delay_reason, 80) << '\n';
                if (row.data.original_due && *row.data.original_due != row.data.due)
                    out << indent << "ursprünglich fällig: " << c.original_due << '\n';
                if (!c.settled_at.empty())
                    out << indent << label_de(row.status) << " am " << c.settled_at
                        << (c.note.empty() ? std::string() : ": " + cut(c.note, 80)) << '\n';
            }
        }
    }
    return out.str();
}

std::string to_csv(const Report& report) { return to_csv(report, CsvDialect::rfc4180); }

std::string to_csv(const Report& report, CsvDialect dialect)
{
    // The columns of to_csv(const Report&), by the fields' ids (their labels in German Excel).
    static constexpr const char* kColumns[] = {
        "committee", "section", "id", "paper", "office", "task", "decided_on", "due", "original_due", "status",
        "overdue_since", "last_report_at", "last_report", "delay_reason", "settled_at", "note"};
    const bool german = dialect == CsvDialect::german_excel;
    const auto label = [&](const char* field, std::string_view code) {
        return std::string(german ? labels::choice("resolution", field, code) : code);
    };
    std::vector<std::vector<std::string>> rows(1);
    for (const char* column : kColumns)
        rows.front().emplace_back(german ? labels::field("resolution", column) : std::string_view(column));
    for (const CommitteeSection& s : report.committees)
        for (const auto& [name, member] : kSections)
            for (const ReportRow& row : s.*member) {
                const Cells c = cells_of(row, dialect);
                rows.push_back({s.committee, label("section", name), row.id, row.data.paper, row.data.office,
                                row.data.task, c.decided_on, c.due, c.original_due,
                                label("status", to_string(row.status)), c.overdue_since, c.last_report_at,
                                c.last_report, c.delay_reason, c.settled_at, c.note});
            }
    return csv_document(rows, dialect);
}

std::string to_json(const Report& report)
{
    nlohmann::json committees = nlohmann::json::array();
    for (const CommitteeSection& s : report.committees) {
        nlohmann::json section{{"committee", s.committee}};
        for (const auto& [name, member] : kSections) {
            nlohmann::json rows = nlohmann::json::array();
            for (const ReportRow& row : s.*member) {
                const Cells c = cells_of(row);
                auto text_or_null = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
                rows.push_back({{"id", row.id},
                                {"paper", row.data.paper},
                                {"office", row.data.office},
                                {"task", row.data.task},
                                {"state", row.state},
                                {"status", std::string(to_string(row.status))},
                                {"decided_on", text_or_null(c.decided_on)},
                                {"due", c.due},
                                {"original_due", text_or_null(c.original_due)},
                                {"overdue_since", text_or_null(c.overdue_since)},
                                {"last_report_at", text_or_null(c.last_report_at)},
                                {"last_report", text_or_null(c.last_report)},
                                {"delay_reason", text_or_null(c.delay_reason)},
                                {"settled_at", text_or_null(c.settled_at)},
                                {"note", text_or_null(c.note)}});
            }
            section[name] = std::move(rows);
        }
        committees.push_back(std::move(section));
    }
    return nlohmann::json{{"from", format_date(report.from)}, {"to", format_date(report.to)}, {"committees", committees}}
               .dump(2) +
           "\n";
}

}  // namespace kimflow::resolution
