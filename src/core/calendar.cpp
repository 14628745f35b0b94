// Public holidays of the German Länder and periods counted in working days.
#include "kimflow/core/calendar.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>

#include "kimflow/core/error.hpp"

namespace kimflow {

namespace {

using date::days;
using L = Land;

bool in(Land land, std::initializer_list<Land> lands)
{
    return std::find(lands.begin(), lands.end(), land) != lands.end();
}

bool listed(const std::vector<Date>& list, Date day)
{
    return std::find(list.begin(), list.end(), day) != list.end();
}

Date on(int year, unsigned month, unsigned day)
{
    return date::year{year} / date::month{month} / date::day{day};
}

int year_of(Date day) { return static_cast<int>(date::year_month_day{day}.year()); }

/// Years whose holidays are computed: the four-digit years kimflow reads and writes.
bool computed(int year) { return year >= 1 && year <= 9999; }

/// Calls @p f(date, name) for each statutory holiday of @p land in @p year, in no guaranteed
/// order. One table for holidays() and is_holiday(), so that the two never disagree; is_holiday
/// stops at the first hit and allocates nothing.
template <class F>
bool each_holiday(int year, Land land, F&& f)
{
    if (!computed(year)) return false;
    const Date easter = easter_sunday(year);
    // Buß- und Bettag: the Wednesday before 23 November (16 to 22 November).
    const Date nov22 = on(year, 11, 22);
    const Date buss_und_bettag = nov22 - (date::weekday{nov22} - date::Wednesday);
    const bool reformation = in(land, {L::BB, L::MV, L::SN, L::ST, L::TH}) ||
                             (year >= 2018 && in(land, {L::HB, L::HH, L::NI, L::SH})) ||
                             year == 2017;  // the 500th anniversary: once in every Land
    const bool frauentag = (land == L::BE && year >= 2019) || (land == L::MV && year >= 2023);
    struct Entry {
        bool applies;
        Date day;
        const char* name;
    };
    const Entry table[]{
        {true, on(year, 1, 1), "Neujahr"},
        {in(land, {L::BW, L::BY, L::ST}), on(year, 1, 6), "Heilige Drei Könige"},
        {frauentag, on(year, 3, 8), "Internationaler Frauentag"},
        {true, easter - days{2}, "Karfreitag"},
        {land == L::BB, easter, "Ostersonntag"},
        {true, easter + days{1}, "Ostermontag"},
        {true, on(year, 5, 1), "Tag der Arbeit"},
        // One-off by Berlin's law: the 75th and 80th anniversaries of the end of the war.
        {land == L::BE && (year == 2020 || year == 2025), on(year, 5, 8), "Tag der Befreiung"},
        {true, easter + days{39}, "Christi Himmelfahrt"},
        {land == L::BB, easter + days{49}, "Pfingstsonntag"},
        {true, easter + days{50}, "Pfingstmontag"},
        {in(land, {L::BW, L::BY, L::HE, L::NW, L::RP, L::SL}), easter + days{60}, "Fronleichnam"},
        {land == L::SL, on(year, 8, 15), "Mariä Himmelfahrt"},
        {land == L::TH && year >= 2019, on(year, 9, 20), "Weltkindertag"},
        {true, on(year, 10, 3), "Tag der Deutschen Einheit"},
        {reformation, on(year, 10, 31), "Reformationstag"},
        {in(land, {L::BW, L::BY, L::NW, L::RP, L::SL}), on(year, 11, 1), "Allerheiligen"},
        // Everywhere until 1994 (abolished to fund the care insurance), Sachsen kept it.
        {land == L::SN || year <= 1994, buss_und_bettag, "Buß- und Bettag"},
        {true, on(year, 12, 25), "1. Weihnachtstag"},
        {true, on(year, 12, 26), "2. Weihnachtstag"},
    };
    for (const Entry& e : table)
        if (e.applies && f(e.day, e.name)) return true;
    return false;
}

Date step(Date day, int direction) { return day + days{direction}; }

}  // namespace

Date easter_sunday(int year)
{
    if (!computed(year))
        throw InvalidData("easter_sunday: the year " + std::to_string(year) + " is outside 1 to 9999");
    // Anonymous Gregorian algorithm (Meeus/Jones/Butcher): a is the place in the 19-year lunar
    // cycle, h the epact-like offset of the Paschal full moon, l the days from it to Sunday.
    const int a = year % 19, b = year / 100, c = year % 100;
    const int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
    const int h = (19 * a + b - d - g + 15) % 30;
    const int i = c / 4, k = c % 4;
    const int l = (32 + 2 * e + 2 * i - h - k) % 7;
    const int m = (a + 11 * h + 22 * l) / 451;
    const int month = (h + l - 7 * m + 114) / 31;
    const int day = (h + l - 7 * m + 114) % 31 + 1;
    return on(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::vector<Holiday> holidays(int year, Land land)
{
    std::vector<Holiday> out;
    each_holiday(year, land, [&](Date day, const char* name) {
        out.push_back({day, name});
        return false;
    });
    std::stable_sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
    return out;
}

bool Calendar::is_holiday(Date day) const
{
    if (listed(extra_holidays, day)) return true;
    if (listed(not_holidays, day)) return false;
    return each_holiday(year_of(day), land, [&](Date holiday, const char*) { return holiday == day; });
}

bool Calendar::is_working_day(Date day, DayCount kind) const
{
    if (kind == DayCount::calendar_days) return true;
    const date::weekday wd{day};
    if (wd == date::Sunday || (wd == date::Saturday && kind == DayCount::working_days)) return false;
    return !is_holiday(day);
}

Date add_days(Date from, int n, DayCount kind, const Calendar& calendar)
{
    if (kind == DayCount::calendar_days) return from + days{n};
    const int direction = n < 0 ? -1 : 1;
    Date day = from;
    for (int left = n < 0 ? -n : n; left > 0;) {
        day = step(day, direction);
        if (calendar.is_working_day(day, kind)) --left;
    }
    return day;
}

Date end_of_period(Date start, int n, DayCount kind, const Calendar& calendar)
{
    // § 193 BGB knows Saturdays, Sundays and holidays: the period ends on a working day,
    // whatever it counted.
    const int direction = n < 0 ? -1 : 1;
    Date day = add_days(start, n, kind, calendar);
    while (!calendar.is_working_day(day, DayCount::working_days)) day = step(day, direction);
    return day;
}

long days_between(Date from, Date to, DayCount kind, const Calendar& calendar)
{
    if (kind == DayCount::calendar_days) return days_between(from, to);
    const bool backwards = to < from;
    const Date first = backwards ? to : from, last = backwards ? from : to;
    long count = 0;
    for (Date day = step(first, 1); day <= last; day = step(day, 1))
        if (calendar.is_working_day(day, kind)) ++count;
    return backwards ? -count : count;
}

}  // namespace kimflow
