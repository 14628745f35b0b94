/// @file
/// Working-day calendars: the statutory public holidays of the German Länder (the Easter-dependent
/// ones computed), a body's own additions and removals, and periods counted in calendar days,
/// working days (Arbeitstage) or Werktage.
///
/// ## What the holiday lists contain
/// The holidays a Land's Feiertagsgesetz declares for the whole Land. Holidays that apply only in
/// some municipalities are left out: Fronleichnam in parts of Sachsen and Thüringen, Mariä
/// Himmelfahrt in Bavarian municipalities with a Catholic majority, the Augsburger Friedensfest.
/// A body there adds them with Calendar::extra_holidays. Changes of the law are kept where they
/// matter for current deadlines: Reformationstag in HB, HH, NI and SH since 2018 (and everywhere
/// in 2017), Frauentag in BE since 2019 and in MV since 2023, Weltkindertag in TH since 2019,
/// Buß- und Bettag everywhere until 1994, and the one-off Tag der Befreiung in BE (2020, 2025).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kimflow/core/time.hpp"

namespace kimflow {

/// The 16 Länder, named by their official two-letter codes (ISO 3166-2:DE).
enum class Land {
    BW, ///< Baden-Württemberg
    BY, ///< Bayern
    BE, ///< Berlin
    BB, ///< Brandenburg
    HB, ///< Bremen
    HH, ///< Hamburg
    HE, ///< Hessen
    MV, ///< Mecklenburg-Vorpommern
    NI, ///< Niedersachsen
    NW, ///< Nordrhein-Westfalen
    RP, ///< Rheinland-Pfalz
    SL, ///< Saarland
    SN, ///< Sachsen
    ST, ///< Sachsen-Anhalt
    SH, ///< Schleswig-Holstein
    TH, ///< Thüringen
};

/// The names a Land is read from and shown by: its code is shown; `NRW` and the full German
/// names are read too.
constexpr auto enum_names(Land)
{
    using L = Land;
    using N = std::string_view;
    return std::array{std::pair{L::BW, N{"BW"}}, std::pair{L::BY, N{"BY"}}, std::pair{L::BE, N{"BE"}},
                      std::pair{L::BB, N{"BB"}}, std::pair{L::HB, N{"HB"}}, std::pair{L::HH, N{"HH"}},
                      std::pair{L::HE, N{"HE"}}, std::pair{L::MV, N{"MV"}}, std::pair{L::NI, N{"NI"}},
                      std::pair{L::NW, N{"NW"}}, std::pair{L::RP, N{"RP"}}, std::pair{L::SL, N{"SL"}},
                      std::pair{L::SN, N{"SN"}}, std::pair{L::ST, N{"ST"}}, std::pair{L::SH, N{"SH"}},
                      std::pair{L::TH, N{"TH"}}, std::pair{L::NW, N{"NRW"}},
                      std::pair{L::BW, N{"Baden-Württemberg"}}, std::pair{L::BY, N{"Bayern"}},
                      std::pair{L::BE, N{"Berlin"}}, std::pair{L::BB, N{"Brandenburg"}},
                      std::pair{L::HB, N{"Bremen"}}, std::pair{L::HH, N{"Hamburg"}},
                      std::pair{L::HE, N{"Hessen"}}, std::pair{L::MV, N{"Mecklenburg-Vorpommern"}},
                      std::pair{L::NI, N{"Niedersachsen"}}, std::pair{L::NW, N{"Nordrhein-Westfalen"}},
                      std::pair{L::RP, N{"Rheinland-Pfalz"}}, std::pair{L::SL, N{"Saarland"}},
                      std::pair{L::SN, N{"Sachsen"}}, std::pair{L::ST, N{"Sachsen-Anhalt"}},
                      std::pair{L::SH, N{"Schleswig-Holstein"}}, std::pair{L::TH, N{"Thüringen"}}};
}

/// Which days a period counts.
///
/// `working_days` are the days the Verwaltung works: Monday to Friday, holidays excepted (what
/// rules of procedure usually mean by Arbeitstage). `werktage` are the legal Werktage: Monday to
/// Saturday, holidays excepted; a Saturday counts, a Sunday never does.
enum class DayCount {
    calendar_days, ///< every day (Kalendertage)
    working_days,  ///< Monday–Friday without holidays (Arbeitstage)
    werktage,      ///< Monday–Saturday without holidays (Werktage)
};

/// The names a DayCount is read from and shown by (the German words are read too).
constexpr auto enum_names(DayCount)
{
    using D = DayCount;
    return std::array{std::pair{D::calendar_days, std::string_view{"calendar_days"}},
                      std::pair{D::working_days, std::string_view{"working_days"}},
                      std::pair{D::werktage, std::string_view{"werktage"}},
                      std::pair{D::calendar_days, std::string_view{"Kalendertage"}},
                      std::pair{D::working_days, std::string_view{"Arbeitstage"}}};
}

/// Easter Sunday of @p year in the Gregorian calendar (the Anonymous Gregorian computus;
/// proleptic before 1583).
/// @throws InvalidData for a year outside 1 to 9999, the years kimflow reads and writes.
Date easter_sunday(int year);

/// A public holiday.
struct Holiday {
    /// The day.
    Date date;
    /// Its German name, e.g. "Fronleichnam".
    std::string name;
};

/// The statutory public holidays of @p land in @p year (see the file's notes on what they
/// include), sorted by date; a day that is two holidays (Christi Himmelfahrt on 1 May) is listed
/// twice. Sundays among them (Ostersonntag, Pfingstsonntag in BB) are listed too. Empty for a
/// year outside 1 to 9999.
std::vector<Holiday> holidays(int year, Land land);

/// A body's working-day calendar: the holidays of its Land, with local changes.
struct Calendar {
    /// The Land whose holidays apply.
    Land land = Land::NW;
    /// Days the Verwaltung is closed although no statutory holiday, e.g. Rosenmontag in the
    /// Rhineland, or a regional holiday the Land's list leaves out.
    std::vector<Date> extra_holidays{};
    /// Statutory holidays that do not count as such for this body (rare; a day listed in both
    /// lists is a holiday).
    std::vector<Date> not_holidays{};

    /// Whether @p day is a holiday for this body: listed in extra_holidays, or a statutory
    /// holiday of its Land not listed in not_holidays. Weekends are not holidays by themselves.
    bool is_holiday(Date day) const;
    /// Whether @p day counts in a period of kind @p kind: every day for calendar_days;
    /// Monday–Friday (working_days) or Monday–Saturday (werktage) that is no holiday.
    bool is_working_day(Date day, DayCount kind) const;
};

/// The day @p days days of kind @p kind after @p from (before it, for a negative count): for
/// calendar_days simply `from + days`; otherwise the days of the kind are counted one by one
/// (@p from itself is not counted, and is returned for 0).
Date add_days(Date from, int days, DayCount kind, const Calendar& calendar);

/// The last day of a period of @p days days of kind @p kind starting with the event on
/// @p start (which is not counted, § 187 (1) BGB). As add_days, but a period whose last day is a
/// Saturday, Sunday or holiday ends on the next working day instead (§ 193 BGB; a Saturday also
/// when counting Werktage). A period counted backwards (negative @p days, "14 days before the
/// meeting") moves to the working day before, so that it is never shortened.
Date end_of_period(Date start, int days, DayCount kind, const Calendar& calendar);

/// How many days of kind @p kind lie in (@p from, @p to]: after @p from, up to and including
/// @p to; negative (the days in (@p to, @p from]) when @p to is earlier.
long days_between(Date from, Date to, DayCount kind, const Calendar& calendar);

}  // namespace kimflow
