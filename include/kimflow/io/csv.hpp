/// @file
/// CSV documents in two dialects: RFC 4180 for tools, and the one German Excel opens into
/// columns on a double click (a Kreis's figures and a committee's Beschlusskontrolle end up in
/// a spreadsheet). The reports write both (kim_report.hpp, resolution/report.hpp).
#pragma once

#include <string>
#include <vector>

#include "kimflow/core/time.hpp"

namespace kimflow {

/// How a CSV is written: RFC 4180 (comma, '.' decimals, no BOM) or as German Excel opens it
/// into columns (UTF-8 with BOM, ';', decimal comma, CRLF).
enum class CsvDialect {
    rfc4180,      ///< comma-separated, '.' decimals, ISO dates (YYYY-MM-DD), no BOM, CRLF
    german_excel, ///< ';'-separated, decimal comma, dates as TT.MM.JJJJ, UTF-8 with BOM, CRLF
};

/// One document from @p rows (first row: the header), fields quoted when they hold the
/// separator, a quote or a line break. In german_excel, a cell that Excel would read as a
/// formula (starts with =, +, -, @, tab or CR and is not a number) is prefixed with a ' (CSV
/// injection). Every line ends with CRLF (a line break inside a quoted field stays as it is); german_excel
/// starts with the UTF-8 byte order mark, without which Excel reads UTF-8 as Windows-1252.
/// @param rows the header, then one row per record (rows may differ in length; none is padded)
/// @param dialect how to write it
std::string csv_document(const std::vector<std::vector<std::string>>& rows, CsvDialect dialect);

/// @p value with @p decimals decimals in the dialect's notation (german_excel: "3,5").
/// No thousands separators; a negative value that rounds to zero is written without its sign.
/// @param value the number; NaN and infinities give an empty cell
/// @param decimals digits after the separator (0: none, and no separator; below 0 counts as 0)
/// @param dialect rfc4180 writes "3.5", german_excel "3,5"
std::string csv_number(double value, int decimals, CsvDialect dialect);

/// @p day as a cell of the dialect: rfc4180 "2025-03-01", german_excel "01.03.2025" (the form
/// German Excel reads as a date).
/// @param day the day
/// @param dialect the notation
std::string csv_date(Date day, CsvDialect dialect);

}  // namespace kimflow
