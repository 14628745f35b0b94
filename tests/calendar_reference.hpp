// A calendar of the random walks' own: day numbers (days since 1970-01-01) to year, month and
// day and back, calendar months added with the day clamped to the month's end, and ISO text.
// Written from the Gregorian rules with plain integers, without date.h's civil algorithms and
// without the library's date helpers (add_months, format_date, format_timestamp), so that a
// bug in those is not mirrored by the reference models that use this.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>

namespace calendar_reference {

/// A day of the calendar.
struct Ymd {
    long year;
    int month, day;
};

inline bool leap(long year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

inline int days_in_month(long year, int month)
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

inline long days_in_year(long year) { return leap(year) ? 366 : 365; }

/// Days in any 400 consecutive Gregorian years: the calendar repeats after them.
inline constexpr long kDaysIn400Years = 146097;

inline long floor_div(long a, long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// The day numbered @p n (1970-01-01 is 0).
inline Ymd ymd_of(long n)
{
    const long cycles = floor_div(n, kDaysIn400Years);
    long year = 1970 + 400 * cycles;
    n -= cycles * kDaysIn400Years;
    while (n >= days_in_year(year)) n -= days_in_year(year++);
    int month = 1;
    while (n >= days_in_month(year, month)) n -= days_in_month(year, month++);
    return {year, month, static_cast<int>(n) + 1};
}

/// The number of day @p d (1970-01-01 is 0).
inline long day_number(Ymd d)
{
    const long cycles = floor_div(d.year - 1970, 400);
    long n = cycles * kDaysIn400Years;
    for (long year = 1970 + 400 * cycles; year < d.year; ++year) n += days_in_year(year);
    for (int month = 1; month < d.month; ++month) n += days_in_month(d.year, month);
    return n + d.day - 1;
}

/// @p months calendar months after @p d; the month's last day where the day does not exist
/// (31 January + 1 month is 28 or 29 February).
inline Ymd plus_months(Ymd d, int months)
{
    const long total = d.year * 12 + (d.month - 1) + months;
    const long year = floor_div(total, 12);
    const int month = static_cast<int>(total - year * 12) + 1;
    return {year, month, std::min(d.day, days_in_month(year, month))};
}

/// The number of the day @p months calendar months after day @p n.
inline long plus_months(long n, int months) { return day_number(plus_months(ymd_of(n), months)); }

/// The number of the last day of the month day @p n lies in.
inline long month_end(long n)
{
    const Ymd d = ymd_of(n);
    return n + days_in_month(d.year, d.month) - d.day;
}

/// The number of the first 29 February after day @p n.
inline long next_leap_day(long n)
{
    Ymd d = ymd_of(n);
    long year = d.month > 2 || (d.month == 2 && d.day == 29) ? d.year + 1 : d.year;
    while (!leap(year)) ++year;
    return day_number({year, 2, 29});
}

/// `2025-02-06`.
inline std::string iso_date(long n)
{
    const Ymd d = ymd_of(n);
    char text[64];
    std::snprintf(text, sizeof text, "%04ld-%02d-%02d", d.year, d.month, d.day);
    return text;
}

/// `06.02.2025`, as German forms write a date.
inline std::string german_date(long n)
{
    const Ymd d = ymd_of(n);
    char text[64];
    std::snprintf(text, sizeof text, "%02d.%02d.%04ld", d.day, d.month, d.year);
    return text;
}

/// `2025-02-06T00:00:00Z`: the start of day @p n, as kimflow writes instants.
inline std::string iso_midnight(long n) { return iso_date(n) + "T00:00:00Z"; }

}  // namespace calendar_reference
