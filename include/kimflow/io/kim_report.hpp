/// @file
/// A KIM report as an aligned table (for people), CSV (for spreadsheets: RFC 4180 or German
/// Excel, csv.hpp) and JSON (for tools).
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kimflow/io/csv.hpp"
#include "kimflow/io/labels.hpp"
#include "kimflow/io/table.hpp"
#include "kimflow/kim/report.hpp"

namespace kimflow::kim {

namespace detail {

inline std::string days_text(const std::optional<double>& d)
{
    if (!d) return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", *d);
    return text;
}

/// The CSV columns after "grouping,group", and one group's values for them.
inline std::vector<std::string> csv_columns()
{
    std::vector<std::string> cols{"opened", "closed"};
    for (auto r : all_closure_reasons) cols.push_back("closed_" + std::string(to_string(r)));
    cols.push_back("aborted");
    for (auto r : all_closure_reasons) cols.push_back("aborted_" + std::string(to_string(r)));
    cols.push_back("active");
    for (const auto& p : active_phases()) cols.push_back("active_" + p);
    cols.push_back("referrals");
    for (auto r : all_rechtskreise) cols.push_back("referrals_" + std::string(key(r)));
    for (const char* c : {"median_days_to_closure", "mean_days_to_closure", "follow_ups_overdue"}) cols.push_back(c);
    return cols;
}

inline std::vector<std::string> csv_values(const Figures& f)
{
    auto count = [](const auto& map, const auto& k) {
        auto it = map.find(k);
        return std::to_string(it == map.end() ? 0 : it->second);
    };
    std::vector<std::string> v{std::to_string(f.opened), std::to_string(f.closed())};
    for (auto r : all_closure_reasons) v.push_back(count(f.closed_by_reason, r));
    v.push_back(std::to_string(f.aborted()));
    for (auto r : all_closure_reasons) v.push_back(count(f.aborted_by_reason, r));
    v.push_back(std::to_string(f.active()));
    for (const auto& p : active_phases()) v.push_back(count(f.active_by_phase, p));
    v.push_back(std::to_string(f.referrals()));
    for (auto r : all_rechtskreise) v.push_back(count(f.referrals_by_rechtskreis, r));
    v.push_back(days_text(f.median_days()));
    v.push_back(days_text(f.mean_days()));
    v.push_back(std::to_string(f.follow_ups_overdue));
    return v;
}

/// A CSV field, quoted where RFC 4180 asks for it.
inline std::string csv_field(const std::string& s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

inline nlohmann::json figures_json(const Figures& f)
{
    nlohmann::json j;
    j["opened"] = f.opened;
    j["closed"] = f.closed();
    j["closed_by_reason"] = nlohmann::json::object();
    for (const auto& [r, n] : f.closed_by_reason) j["closed_by_reason"][std::string(to_string(r))] = n;
    j["aborted"] = f.aborted();
    j["aborted_by_reason"] = nlohmann::json::object();
    for (const auto& [r, n] : f.aborted_by_reason) j["aborted_by_reason"][std::string(to_string(r))] = n;
    j["active"] = f.active();
    j["active_by_phase"] = nlohmann::json::object();
    for (const auto& [p, n] : f.active_by_phase) j["active_by_phase"][p] = n;
    j["referrals"] = f.referrals();
    j["referrals_by_rechtskreis"] = nlohmann::json::object();
    for (const auto& [r, n] : f.referrals_by_rechtskreis) j["referrals_by_rechtskreis"][std::string(to_string(r))] = n;
    j["median_days_to_closure"] = f.median_days() ? nlohmann::json(*f.median_days()) : nlohmann::json();
    j["mean_days_to_closure"] = f.mean_days() ? nlohmann::json(*f.mean_days()) : nlohmann::json();
    j["follow_ups_overdue"] = f.follow_ups_overdue;
    return j;
}

}  // namespace detail

/// CSV: a header row, one row per group (Kommunen, then Träger, each marked in the column
/// `grouping`), and a total row. Counts per reason, phase and Rechtskreis have columns of
/// their own; days are given with one decimal, empty where there was no closure.
inline std::string to_csv(const Report& report)
{
    std::string out = "grouping,group";
    for (const auto& c : detail::csv_columns()) out += "," + c;
    out += "\n";
    auto row = [&](const char* grouping, const std::string& group, const Figures& f) {
        out += std::string(grouping) + "," + detail::csv_field(group);
        for (const auto& v : detail::csv_values(f)) out += "," + v;
        out += "\n";
    };
    for (const auto& g : report.by_kommune) row("kommune", g.name, g.figures);
    for (const auto& g : report.by_traeger) row("traeger", g.name, g.figures);
    row("total", "", report.total);
    return out;
}

/// The CSV of to_csv(const Report&) in @p dialect. rfc4180: the same header and cells, every
/// line ended by CRLF. german_excel: German column titles (reasons, phases and Rechtskreise by
/// their labels, labels.hpp), the groupings as "Kommune", "Träger", "Gesamt", and days with a
/// decimal comma; see csv_document() for the rest.
/// @param report the figures
/// @param dialect how to write them
std::string to_csv(const Report& report, CsvDialect dialect);

/// JSON: `{"from", "to", "by_kommune": [{"group", ...figures}], "by_traeger": [...], "total": {...}}`.
/// Median and mean are null where there was no closure.
inline nlohmann::json to_json(const Report& report)
{
    nlohmann::json j;
    j["from"] = format_date(report.from);
    j["to"] = format_date(report.to);
    for (const char* grouping : {"by_kommune", "by_traeger"}) {
        const auto& groups = std::string(grouping) == "by_kommune" ? report.by_kommune : report.by_traeger;
        j[grouping] = nlohmann::json::array();
        for (const auto& g : groups) {
            nlohmann::json entry = detail::figures_json(g.figures);
            entry["group"] = g.name;
            j[grouping].push_back(std::move(entry));
        }
    }
    j["total"] = detail::figures_json(report.total);
    return j;
}

namespace detail {

/// to_table() and to_labelled_table(): @p labelled names reasons, phases and Rechtskreise by
/// their German labels rather than their codes.
inline std::string table(const Report& report, bool labelled)
{
    std::string out = "KIM-Fallzahlen " + format_date(report.from) + " bis " + format_date(report.to) + "\n\n";
    Table main({"Gruppe", "eröffnet", "abgeschlossen", "abgebrochen", "aktiv", "Vermittlungen", "Tage (Median)",
                "Tage (Mittel)", "WV überfällig"});
    auto row = [&](const std::string& group, const Figures& f) {
        main.add({group, std::to_string(f.opened), std::to_string(f.closed()), std::to_string(f.aborted()),
                  std::to_string(f.active()), std::to_string(f.referrals()), days_text(f.median_days()),
                  days_text(f.mean_days()), std::to_string(f.follow_ups_overdue)});
    };
    for (const auto& g : report.by_kommune) row("Kommune " + g.name, g.figures);
    for (const auto& g : report.by_traeger) row("Träger " + g.name, g.figures);
    row("gesamt", report.total);
    out += main.render() + "\n";

    const auto value = [&](const char* field, std::string_view code) {
        return std::string(labelled ? labels::choice("case", field, code) : code);
    };
    Table detail_table({"gesamt nach", "", "Anzahl"});
    for (const auto& [r, n] : report.total.closed_by_reason)
        detail_table.add({"Abschlussgrund", value("reason", to_string(r)), std::to_string(n)});
    for (const auto& [r, n] : report.total.aborted_by_reason)
        detail_table.add({"Abbruchgrund", value("reason", to_string(r)), std::to_string(n)});
    for (const auto& p : active_phases()) {
        auto it = report.total.active_by_phase.find(p);
        if (it != report.total.active_by_phase.end())
            detail_table.add({"aktiv in Phase", labelled ? std::string(labels::state("case", p)) : p,
                              std::to_string(it->second)});
    }
    for (const auto& [r, n] : report.total.referrals_by_rechtskreis)
        detail_table.add({"Rechtskreis", value("rechtskreis", to_string(r)), std::to_string(n)});
    if (!detail_table.empty()) out += detail_table.render();
    return out;
}

}  // namespace detail

/// An aligned table for the terminal, with German column heads: one row per Kommune and per
/// Träger and a total, then the total's breakdown by reason, phase and Rechtskreis (by code).
inline std::string to_table(const Report& report) { return detail::table(report, false); }

/// to_table() with the breakdown's reasons, phases and Rechtskreise by their German labels
/// (labels.hpp), e.g. "Ziele erreicht" for `goals_achieved`, "Begleitung" for `monitoring`.
/// @param report the figures
inline std::string to_labelled_table(const Report& report) { return detail::table(report, true); }

}  // namespace kimflow::kim
