/// @file
/// Calendar dates and instants as kimflow stores and shows them, with ISO 8601 parsing. The
/// parsing and formatting are compiled in the library (date.h's parser is heavy and takes
/// settings, HAS_STRING_VIEW and ONLY_C_LOCALE, that must not differ between units).
#pragma once

#include <chrono>
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

/// Midnight UTC at the start of a day. A day a Timestamp cannot hold (about 292,000 years from
/// 1970, as only damaged data has) gives Timestamp's latest or earliest value instead of
/// overflowing.
inline Timestamp start_of(Date d)
{
    constexpr auto limit = std::chrono::duration_cast<date::days>(Timestamp::duration::max()).count() - 1;
    const auto n = d.time_since_epoch().count();
    if (n > limit) return Timestamp::max();
    if (n < -limit) return Timestamp::min();
    return Timestamp{d};
}

/// Midnight UTC at the end of day @p d (the start of the next): when a due date has passed.
/// Saturates as start_of() does.
inline Timestamp end_of(Date d)
{
    const Timestamp start = start_of(d);
    return start == Timestamp::max() || start == Timestamp::min() ? start : start + date::days{1};
}

/// Parses a date written as ISO `2025-02-06` or German `06.02.2025` (also `6.2.2025`). The
/// year has four digits, from 0001 to 9999; the day must exist (2025-02-30 does not).
/// @throws std::invalid_argument naming the accepted forms.
Date parse_date(std::string_view text);

/// Parses an ISO 8601 instant: `2025-02-06T18:00:00Z`, with an offset `…+01:00`, or a bare
/// date (midnight UTC). A date-time without offset is read as UTC. Years have four digits
/// (0001 to 9999), the other parts two; offsets are at most ±23:59.
/// @throws std::invalid_argument naming the accepted forms.
Timestamp parse_timestamp(std::string_view text);

/// `2025-02-06` (years outside 0000..9999 are written with date.h's general format).
std::string format_date(Date d);

/// `2025-02-06T17:00:00Z`, with fractional seconds only where there are any.
std::string format_timestamp(Timestamp t);

}  // namespace kimflow
