/// @file
/// Calendar dates and instants as kimflow stores and shows them, with ISO 8601 parsing.
#pragma once

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <date/date.h>

namespace kimflow {

/// A calendar day (a meeting date, a paper's date), without time zone.
using Date = date::sys_days;

/// An instant in UTC with microsecond precision: when a transition happened.
using Timestamp = date::sys_time<std::chrono::microseconds>;

/// Days between two dates (positive when @p to is later).
inline long days_between(Date from, Date to) { return static_cast<long>((to - from).count()); }

/// The UTC calendar day an instant falls on.
inline Date date_of(Timestamp t) { return date::floor<date::days>(t); }

/// Midnight UTC at the start of a day.
inline Timestamp start_of(Date d) { return Timestamp{d}; }

namespace detail {
// date.h's parser trips GCC's -Wmaybe-uninitialized inside its own code; nothing of ours.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
template <class TimePoint>
bool parse_whole(std::string_view text, const char* format, TimePoint& out)
{
    std::istringstream in{std::string(text)};
    TimePoint value{};
    in >> date::parse(format, value);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return false;
    out = value;
    return true;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}  // namespace detail

namespace detail {
/// Whether @p text has the shape of @p pattern, where '9' stands for a digit and '?' for an
/// optional digit (so that two-digit years like 06.02.25 are refused, not read as year 25).
inline bool has_shape(std::string_view text, std::string_view pattern)
{
    std::size_t t = 0;
    for (char p : pattern) {
        const bool digit = t < text.size() && text[t] >= '0' && text[t] <= '9';
        if (p == '9') {
            if (!digit) return false;
            ++t;
        } else if (p == '?') {
            if (digit) ++t;
        } else {
            if (t >= text.size() || text[t] != p) return false;
            ++t;
        }
    }
    return t == text.size();
}
}  // namespace detail

/// Parses a date written as ISO `2025-02-06` or German `06.02.2025` (also `6.2.2025`).
/// @throws std::invalid_argument naming the accepted forms.
inline Date parse_date(std::string_view text)
{
    Date d;
    if ((detail::has_shape(text, "9999-99-99") && detail::parse_whole(text, "%F", d)) ||
        (detail::has_shape(text, "9?.9?.9999") && detail::parse_whole(text, "%d.%m.%Y", d)))
        return d;
    throw std::invalid_argument("'" + std::string(text) +
                                "' is not a date; write it as YYYY-MM-DD (e.g. 2025-02-06) or DD.MM.YYYY");
}

/// Parses an ISO 8601 instant: `2025-02-06T18:00:00Z`, with an offset `…+01:00`, or a bare
/// date (midnight UTC). A date-time without offset is read as UTC.
/// @throws std::invalid_argument naming the accepted forms.
inline Timestamp parse_timestamp(std::string_view text)
{
    Timestamp t;
    for (const char* format : {"%FT%T%Ez", "%FT%T%z", "%FT%TZ", "%FT%T", "%F %T", "%FT%R%Ez", "%FT%RZ", "%FT%R"})
        if (detail::parse_whole(text, format, t)) return t;
    Date d;
    if (detail::parse_whole(text, "%F", d)) return start_of(d);
    throw std::invalid_argument("'" + std::string(text) +
                                "' is not a time; write it as YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with Z or an offset "
                                "(e.g. 2025-02-06T18:00:00+01:00)");
}

/// `2025-02-06` (years outside 0000..9999 are written with date.h's general format).
inline std::string format_date(Date d)
{
    // Written by hand: this runs on every fire that carries a date (the history's payload
    // summary), and date::format goes through an ostringstream.
    const date::year_month_day ymd{d};
    const int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return date::format("%F", d);
    const unsigned m = static_cast<unsigned>(ymd.month()), day = static_cast<unsigned>(ymd.day());
    char text[10] = {static_cast<char>('0' + y / 1000),      static_cast<char>('0' + y / 100 % 10),
                     static_cast<char>('0' + y / 10 % 10),   static_cast<char>('0' + y % 10),
                     '-',                                    static_cast<char>('0' + m / 10),
                     static_cast<char>('0' + m % 10),        '-',
                     static_cast<char>('0' + day / 10),      static_cast<char>('0' + day % 10)};
    return std::string(text, sizeof text);
}

/// `2025-02-06T17:00:00Z`, with fractional seconds only where there are any.
inline std::string format_timestamp(Timestamp t)
{
    auto seconds = date::floor<std::chrono::seconds>(t);
    if (seconds == t) return date::format("%FT%TZ", seconds);
    return date::format("%FT%TZ", t);
}

}  // namespace kimflow
