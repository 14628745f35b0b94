// Reading CSV back in tests, as a spreadsheet would: cells, quotes as RFC 4180 has them, CRLF.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kimflow_test {

/// The byte order mark German Excel needs to read a CSV as UTF-8.
inline const std::string kBom = "\xEF\xBB\xBF";

/// @p text read as CSV with @p separator and CRLF line ends; fails the test for a line that does
/// not end in CRLF or a quote left open.
inline std::vector<std::vector<std::string>> read_csv(const std::string& text, char separator)
{
    std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        std::string& cell = rows.back().back();
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
            else if (c == '"') quoted = false;
            else cell += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == separator) {
            rows.back().emplace_back();
        } else if (c == '\r') {
            EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "a CR without LF at " << i;
            ++i;
            if (i + 1 < text.size()) rows.emplace_back(1);
        } else {
            EXPECT_NE(c, '\n') << "a line end without CR at " << i;
            cell += c;
        }
    }
    EXPECT_FALSE(quoted) << "a quote left open";
    return rows;
}

/// A CSV for German Excel as rows of cells: the BOM, then cells split on ';'.
inline std::vector<std::vector<std::string>> excel_rows(const std::string& text)
{
    EXPECT_EQ(text.rfind(kBom, 0), 0u) << "no BOM";
    return read_csv(text.rfind(kBom, 0) == 0 ? text.substr(kBom.size()) : text, ';');
}

}  // namespace kimflow_test
