// How every store keeps values that are not text or bytes: times as microseconds since 1970
// (UTC), dates as days since 1970, region states as one text separated by commas (state ids are
// identifiers). The same in SQLite and PostgreSQL, so that a copy between them keeps every value
// and every hash as it is (kimctl store copy).
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "kimflow/core/time.hpp"

namespace kimflow::stored {

inline std::int64_t to_db(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp timestamp_from_db(std::int64_t v) { return Timestamp{std::chrono::microseconds{v}}; }
inline std::int64_t to_db(Date d) { return d.time_since_epoch().count(); }
inline Date date_from_db(std::int64_t v) { return Date{date::days{v}}; }

inline std::string join_states(const std::vector<std::string>& states)
{
    std::string out;
    for (const auto& s : states) out += (out.empty() ? "" : ",") + s;
    return out;
}
inline std::vector<std::string> split_states(const std::string& text)
{
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ',')) out.push_back(item);
    return out;
}

}  // namespace kimflow::stored
