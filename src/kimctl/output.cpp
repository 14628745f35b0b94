// Output and input helpers shared by the commands of both lifecycles.
#include <algorithm>

#include <kimflow/core/input.hpp>

#include "lifecycle_commands.hpp"

namespace kimctl {

kimflow::Fields parse_fields(const std::vector<std::string>& words)
{
    kimflow::Fields fields;
    for (const auto& word : words) {
        const auto eq = word.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError("'" + word + "' is not a field; write name=value, e.g. meeting_date=2025-02-06 " +
                             "(`kimctl events paper|case` lists the fields)");
        if (!fields.emplace(word.substr(0, eq), word.substr(eq + 1)).second)
            throw UsageError("field '" + word.substr(0, eq) + "' is given twice; give it once (lists are comma-separated)");
    }
    return fields;
}

std::string label_lines(const std::vector<std::pair<std::string, std::string>>& lines)
{
    std::size_t width = 0;
    for (const auto& [label, value] : lines) width = std::max(width, kimflow::display_width(label));
    std::string out;
    // Values are stored text: escaped (input.hpp), so that none can move the cursor or recolour.
    for (const auto& [label, value] : lines)
        out += "  " + label + std::string(width - kimflow::display_width(label) + 2, ' ') + kimflow::terminal_safe(value) + '\n';
    return out;
}

std::string joined(const std::vector<std::string_view>& items, const char* separator)
{
    std::string out;
    for (auto item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

std::string joined(const std::vector<std::string>& items, const char* separator)
{
    return joined(std::vector<std::string_view>(items.begin(), items.end()), separator);
}

}  // namespace kimctl
