// CSV in two dialects (csv.hpp), and the KIM report in either (kim_report.hpp).
#include "kimflow/io/csv.hpp"

#include <cmath>
#include <cstdio>

#include "kimflow/io/kim_report.hpp"
#include "kimflow/io/labels.hpp"

namespace kimflow {

namespace {

char separator(CsvDialect dialect) { return dialect == CsvDialect::german_excel ? ';' : ','; }

/// Whether @p cell is a plain number (an optional sign, digits, one decimal point or comma):
/// Excel reads it as a number, not as a formula, so it keeps its sign unprefixed.
bool is_number(const std::string& cell)
{
    std::size_t i = 0;
    if (i < cell.size() && (cell[i] == '-' || cell[i] == '+')) ++i;
    bool digits = false, point = false;
    for (; i < cell.size(); ++i) {
        const char c = cell[i];
        if (c >= '0' && c <= '9') {
            digits = true;
        } else if ((c == '.' || c == ',') && !point) {
            point = true;
        } else {
            return false;
        }
    }
    return digits;
}

/// Whether Excel would take @p cell for a formula (OWASP's list of leading characters).
bool formula_like(const std::string& cell)
{
    if (cell.empty()) return false;
    const char c = cell.front();
    const bool risky = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    return risky && !is_number(cell);
}

std::string field_text(std::string cell, CsvDialect dialect)
{
    if (dialect == CsvDialect::german_excel && formula_like(cell)) cell.insert(cell.begin(), '\'');
    const char specials[] = {separator(dialect), '"', '\r', '\n', '\0'};
    if (cell.find_first_of(specials) == std::string::npos) return cell;
    std::string out = "\"";
    for (const char c : cell) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

}  // namespace

std::string csv_document(const std::vector<std::vector<std::string>>& rows, CsvDialect dialect)
{
    std::string out = dialect == CsvDialect::german_excel ? "\xEF\xBB\xBF" : "";
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) out += separator(dialect);
            out += field_text(row[i], dialect);
        }
        out += "\r\n";
    }
    return out;
}

std::string csv_number(double value, int decimals, CsvDialect dialect)
{
    if (!std::isfinite(value)) return {};
    if (decimals < 0) decimals = 0;
    if (decimals > 17) decimals = 17;  // beyond a double's digits
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    std::string out = text;
    // "-0.0": a value that rounds to zero is zero.
    if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
    if (dialect == CsvDialect::german_excel)
        for (char& c : out)
            if (c == '.') c = ',';
    return out;
}

std::string csv_date(Date day, CsvDialect dialect)
{
    if (dialect == CsvDialect::rfc4180) return format_date(day);
    const date::year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%02u.%02u.%04d", static_cast<unsigned>(ymd.day()),
                  static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
    return text;
}

namespace kim {

namespace {

/// The German column titles, in the order of detail::csv_columns().
std::vector<std::string> german_columns()
{
    const auto reason = [](ClosureReason r) { return std::string(labels::choice("case", "reason", to_string(r))); };
    std::vector<std::string> cols{"Gliederung", "Gruppe", "Eröffnet", "Abgeschlossen"};
    for (auto r : all_closure_reasons) cols.push_back("Abgeschlossen: " + reason(r));
    cols.push_back("Abgebrochen");
    for (auto r : all_closure_reasons) cols.push_back("Abgebrochen: " + reason(r));
    cols.push_back("Aktiv");
    for (const auto& p : active_phases()) cols.push_back("Aktiv: " + std::string(labels::state("case", p)));
    cols.push_back("Vermittlungen");
    for (auto r : all_rechtskreise)
        cols.push_back("Vermittlungen: " + std::string(labels::choice("case", "rechtskreis", to_string(r))));
    for (const char* c : {"Tage bis Abschluss (Median)", "Tage bis Abschluss (Mittel)", "Wiedervorlagen überfällig"})
        cols.push_back(c);
    return cols;
}

}  // namespace

std::string to_csv(const Report& report, CsvDialect dialect)
{
    const bool german = dialect == CsvDialect::german_excel;
    std::vector<std::vector<std::string>> rows;
    if (german) {
        rows.push_back(german_columns());
    } else {
        rows.push_back({"grouping", "group"});
        for (auto& c : detail::csv_columns()) rows.front().push_back(std::move(c));
    }
    const auto days = [&](const std::optional<double>& d) { return d ? csv_number(*d, 1, dialect) : std::string(); };
    const auto add = [&](const char* grouping, const char* grouping_de, const std::string& group, const Figures& f) {
        std::vector<std::string> row{german ? grouping_de : grouping, group};
        for (auto& v : detail::csv_values(f)) row.push_back(std::move(v));
        // The days' cells (before the last one) in the dialect's notation.
        row[row.size() - 3] = days(f.median_days());
        row[row.size() - 2] = days(f.mean_days());
        rows.push_back(std::move(row));
    };
    for (const auto& g : report.by_kommune) add("kommune", "Kommune", g.name, g.figures);
    for (const auto& g : report.by_traeger) add("traeger", "Träger", g.name, g.figures);
    add("total", "Gesamt", "", report.total);
    return csv_document(rows, dialect);
}

}  // namespace kim

}  // namespace kimflow
