// kimflow/io/csv.hpp: CSV as RFC 4180 and as German Excel opens it, and the reports in both
// (kim_report.hpp, resolution/report.hpp), read back cell by cell.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <kimflow/io/csv.hpp>
#include <kimflow/io/kim_report.hpp>
#include <kimflow/resolution/report.hpp>

#include "csv_reader.hpp"

namespace {

using namespace kimflow;
using Rows = std::vector<std::vector<std::string>>;

using kimflow_test::kBom;
using kimflow_test::read_csv;

TEST(Csv, Rfc4180QuotesWhatNeedsItAndNothingElse)
{
    const std::string doc = csv_document(
        {{"a", "b", "c"}, {"x,y", "say \"hi\"", "two\nlines"}, {"a;b", "=1+1", "-3"}}, CsvDialect::rfc4180);
    EXPECT_EQ(doc, "a,b,c\r\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\na;b,=1+1,-3\r\n");
    EXPECT_EQ(csv_document({}, CsvDialect::rfc4180), "");
}

TEST(Csv, GermanExcelHasABomSemicolonsAndCrlf)
{
    const std::string doc = csv_document({{"Gruppe", "Wert"}, {"Caritas; Nord", "3,5"}, {"Köln, Süd", "\"A\""}},
                                         CsvDialect::german_excel);
    ASSERT_EQ(doc.compare(0, kBom.size(), kBom), 0) << "no BOM: Excel would read the UTF-8 as Windows-1252";
    EXPECT_EQ(doc.substr(kBom.size()), "Gruppe;Wert\r\n\"Caritas; Nord\";3,5\r\nKöln, Süd;\"\"\"A\"\"\"\r\n");
    const Rows rows = read_csv(doc.substr(kBom.size()), ';');
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1], (std::vector<std::string>{"Caritas; Nord", "3,5"}));
    EXPECT_EQ(rows[2], (std::vector<std::string>{"Köln, Süd", "\"A\""}));
}

TEST(Csv, GermanExcelDefusesWhatItWouldTakeForAFormula)
{
    const Rows in{{"=HYPERLINK(\"http://x\")", "+49 2305 1234", "-A1", "@SUM(A1)", "\tx", "\rx"},
                  {"-5", "+3,5", "-0.25", "Ziel = Arbeit", "", "-"}};
    const Rows out = read_csv(csv_document(in, CsvDialect::german_excel).substr(kBom.size()), ';');
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], (std::vector<std::string>{"'=HYPERLINK(\"http://x\")", "'+49 2305 1234", "'-A1", "'@SUM(A1)",
                                                "'\tx", "'\rx"}));
    // Numbers keep their sign; an '=' inside the text is no formula.
    EXPECT_EQ(out[1], (std::vector<std::string>{"-5", "+3,5", "-0.25", "Ziel = Arbeit", "", "'-"}));
    // RFC 4180 is for tools, which want the cell as it is.
    EXPECT_EQ(csv_document({{"=1+1"}}, CsvDialect::rfc4180), "=1+1\r\n");
}

TEST(Csv, NumbersInEachDialect)
{
    EXPECT_EQ(csv_number(3.5, 1, CsvDialect::german_excel), "3,5");
    EXPECT_EQ(csv_number(3.5, 1, CsvDialect::rfc4180), "3.5");
    EXPECT_EQ(csv_number(1234.567, 2, CsvDialect::german_excel), "1234,57");
    EXPECT_EQ(csv_number(2.0, 0, CsvDialect::german_excel), "2");
    EXPECT_EQ(csv_number(2.0, -1, CsvDialect::rfc4180), "2");
    EXPECT_EQ(csv_number(-0.04, 1, CsvDialect::german_excel), "0,0");
    EXPECT_EQ(csv_number(-1.25, 1, CsvDialect::german_excel), "-1,2");
    EXPECT_EQ(csv_number(std::nan(""), 1, CsvDialect::german_excel), "");
    EXPECT_EQ(csv_number(std::numeric_limits<double>::infinity(), 1, CsvDialect::rfc4180), "");
}

TEST(Csv, DatesInEachDialect)
{
    EXPECT_EQ(csv_date(parse_date("2025-03-01"), CsvDialect::german_excel), "01.03.2025");
    EXPECT_EQ(csv_date(parse_date("2025-12-31"), CsvDialect::german_excel), "31.12.2025");
    EXPECT_EQ(csv_date(parse_date("2025-03-01"), CsvDialect::rfc4180), "2025-03-01");
}

kim::Report kim_report()
{
    kim::Figures f;
    f.opened = 3;
    f.closed_by_reason[kim::ClosureReason::goals_achieved] = 2;
    f.active_by_phase["monitoring"] = 1;
    f.referrals_by_rechtskreis[kim::Rechtskreis::sgb2] = 4;
    f.days_to_closure = {3, 4};
    kim::Report r;
    r.from = parse_date("2025-01-01");
    r.to = parse_date("2025-06-30");
    r.by_kommune = {{"Castrop-Rauxel; Nord", f}};
    r.by_traeger = {{"=Caritas", f}};
    r.total = f;
    return r;
}

/// The column of @p header titled @p title.
std::size_t column(const std::vector<std::string>& header, const std::string& title)
{
    const auto it = std::find(header.begin(), header.end(), title);
    EXPECT_NE(it, header.end()) << title;
    return static_cast<std::size_t>(it - header.begin());
}

TEST(Csv, TheKimReportForGermanExcel)
{
    const std::string doc = kim::to_csv(kim_report(), CsvDialect::german_excel);
    ASSERT_EQ(doc.compare(0, kBom.size(), kBom), 0);
    const Rows rows = read_csv(doc.substr(kBom.size()), ';');
    ASSERT_EQ(rows.size(), 4u);  // header, a Kommune, a Träger, the total
    for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
    const auto& h = rows[0];
    EXPECT_EQ(h[0], "Gliederung");
    EXPECT_EQ(rows[1][0], "Kommune");
    EXPECT_EQ(rows[1][1], "Castrop-Rauxel; Nord");
    EXPECT_EQ(rows[2][0], "Träger");
    EXPECT_EQ(rows[2][1], "'=Caritas");
    EXPECT_EQ(rows[3][0], "Gesamt");
    EXPECT_EQ(rows[3][column(h, "Abgeschlossen: Ziele erreicht")], "2");
    EXPECT_EQ(rows[3][column(h, "Aktiv: Begleitung")], "1");
    EXPECT_EQ(rows[3][column(h, "Vermittlungen: SGB II (Jobcenter)")], "4");
    EXPECT_EQ(rows[3][column(h, "Tage bis Abschluss (Median)")], "3,5");
    EXPECT_EQ(rows[3][column(h, "Tage bis Abschluss (Mittel)")], "3,5");
    // The same columns as the RFC 4180 file, one for one.
    EXPECT_EQ(h.size(), read_csv(kim::to_csv(kim_report(), CsvDialect::rfc4180), ',')[0].size());
}

TEST(Csv, TheKimReportAsRfc4180IsTheFamiliarCsvWithCrlf)
{
    std::string doc = kim::to_csv(kim_report(), CsvDialect::rfc4180);
    EXPECT_EQ(doc.find(kBom), std::string::npos);
    EXPECT_NE(doc.find(",3.5,3.5,"), std::string::npos) << doc;
    for (std::size_t at; (at = doc.find("\r\n")) != std::string::npos;) doc.replace(at, 2, "\n");
    EXPECT_EQ(doc, kim::to_csv(kim_report()));
}

resolution::Report resolution_report()
{
    resolution::ReportRow row;
    row.id = "2021/123-1";
    row.state = "in_progress";
    row.status = resolution::Status::overdue;
    row.data.paper = "2021/123";
    row.data.office = "FB 5 Soziales";
    row.data.task = "Bericht; mit Zahlen";
    row.data.due = parse_date("2021-09-30");
    row.data.decided_on = parse_date("2021-03-18");
    row.data.committee = "Rat";
    resolution::CommitteeSection section;
    section.committee = "Rat";
    section.overdue.push_back(row);
    section.decided.push_back(row);
    return resolution::Report{parse_date("2021-01-01"), parse_date("2021-10-06"), {section}};
}

TEST(Csv, TheBeschlusskontrolleForGermanExcel)
{
    const std::string doc = resolution::to_csv(resolution_report(), CsvDialect::german_excel);
    ASSERT_EQ(doc.compare(0, kBom.size(), kBom), 0);
    const Rows rows = read_csv(doc.substr(kBom.size()), ';');
    ASSERT_EQ(rows.size(), 3u);
    for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
    const auto& h = rows[0];
    EXPECT_EQ(h[0], "Gremium");
    const auto& overdue = rows[2];  // decided comes first
    EXPECT_EQ(overdue[column(h, "Abschnitt")], "Überfällig");
    EXPECT_EQ(overdue[column(h, "Status")], "überfällig");
    EXPECT_EQ(overdue[column(h, "Fällig am")], "30.09.2021");
    EXPECT_EQ(overdue[column(h, "Beschlossen am")], "18.03.2021");
    EXPECT_EQ(overdue[column(h, "Aufgabe")], "Bericht; mit Zahlen");
    EXPECT_EQ(rows[1][column(h, "Abschnitt")], "Beschlossen im Zeitraum");
}

TEST(Csv, TheBeschlusskontrolleAsRfc4180IsTheFamiliarCsv)
{
    const std::string doc = resolution::to_csv(resolution_report(), CsvDialect::rfc4180);
    EXPECT_EQ(doc, resolution::to_csv(resolution_report()));
    EXPECT_NE(doc.find("Rat,overdue,2021/123-1,2021/123,FB 5 Soziales,Bericht; mit Zahlen,2021-03-18,2021-09-30,,"
                       "overdue,"),
              std::string::npos)
        << doc;
}

}  // namespace
