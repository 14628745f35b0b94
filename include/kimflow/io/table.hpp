/// @file
/// Aligned text tables for terminal output, UTF-8 aware (ä counts as one column).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kimflow {

/// Columns a UTF-8 string takes on a terminal (code points; combining marks are not special-cased).
inline std::size_t display_width(std::string_view s)
{
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/// A table with a header row; columns are as wide as their widest cell. Cells that look like
/// numbers are right-aligned.
class Table {
public:
    /// A table without rows, with the column titles @p header.
    explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}

    /// Adds a row (missing cells are empty, extra cells are dropped).
    void add(std::vector<std::string> row)
    {
        row.resize(header_.size());
        rows_.push_back(std::move(row));
    }

    /// Whether no row has been added.
    bool empty() const { return rows_.empty(); }

    /// The table as text: header, a rule, the rows; each line ends in '\n'.
    std::string render() const
    {
        std::vector<std::size_t> width(header_.size());
        for (std::size_t c = 0; c < header_.size(); ++c) {
            width[c] = display_width(header_[c]);
            for (const auto& r : rows_) width[c] = std::max(width[c], display_width(r[c]));
        }
        std::string out = line(header_, width);
        std::vector<std::string> rule;
        for (auto w : width) rule.push_back(std::string(w, '-'));
        out += line(rule, width);
        for (const auto& r : rows_) out += line(r, width);
        return out;
    }

private:
    static bool numeric(const std::string& s)
    {
        return s.find_first_of("0123456789") != std::string::npos && s.find_first_not_of("0123456789.,-") == std::string::npos;
    }
    static std::string line(const std::vector<std::string>& cells, const std::vector<std::size_t>& width)
    {
        std::string out;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string pad(width[c] - display_width(cells[c]), ' ');
            if (c) out += "  ";
            out += numeric(cells[c]) ? pad + cells[c] : cells[c] + pad;
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    }

    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace kimflow
