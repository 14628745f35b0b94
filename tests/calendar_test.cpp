// Working-day calendars (kimflow/core/calendar.hpp), deadlines counted in them
// (kimflow/paper/deadlines.hpp) and rules of procedure as JSON (kimflow/io/rules.hpp).
//
// The expected holidays are written out by hand from the published lists of the Länder; they
// are not computed the way the library computes them.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/core/calendar.hpp>
#include <kimflow/core/error.hpp>
#include <kimflow/core/fields.hpp>
#include <kimflow/io/rules.hpp>

#include "paper_fixture.hpp"

namespace {

using namespace kimflow;
using paper::PaperConfig;
using paper::RulesOfProcedure;

/// Dates or names, as written in the published lists.
using Texts = std::vector<std::string>;

Date d(const char* text) { return parse_date(text); }

std::vector<std::string> dates_of(int year, Land land)
{
    std::vector<std::string> out;
    for (const auto& h : holidays(year, land)) out.push_back(format_date(h.date));
    return out;
}

std::vector<std::string> names_of(int year, Land land)
{
    std::vector<std::string> out;
    for (const auto& h : holidays(year, land)) out.push_back(h.name);
    return out;
}

bool has(int year, Land land, const std::string& name, const char* on)
{
    for (const auto& h : holidays(year, land))
        if (h.name == name) return format_date(h.date) == on;
    return false;
}

bool has_name(int year, Land land, const std::string& name)
{
    for (const auto& h : holidays(year, land))
        if (h.name == name) return true;
    return false;
}

// ---- Easter --------------------------------------------------------------------------------

TEST(Calendar, EasterSundays)
{
    const std::vector<std::pair<int, const char*>> known{
        {1818, "1818-03-22"}, {1943, "1943-04-25"}, {2000, "2000-04-23"}, {2008, "2008-03-23"},
        {2011, "2011-04-24"}, {2019, "2019-04-21"}, {2024, "2024-03-31"}, {2025, "2025-04-20"},
        {2026, "2026-04-05"}, {2027, "2027-03-28"}, {2038, "2038-04-25"}, {2285, "2285-03-22"}};
    for (const auto& [year, easter] : known) EXPECT_EQ(format_date(easter_sunday(year)), easter) << year;
    EXPECT_THROW(easter_sunday(0), InvalidData);
}

// ---- the published NRW holidays --------------------------------------------------------------

TEST(Calendar, NrwHolidays2024)
{
    EXPECT_EQ(dates_of(2024, Land::NW),
              (Texts{"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-01", "2024-05-09", "2024-05-20",
                     "2024-05-30", "2024-10-03", "2024-11-01", "2024-12-25", "2024-12-26"}));
    EXPECT_EQ(names_of(2024, Land::NW),
              (Texts{"Neujahr", "Karfreitag", "Ostermontag", "Tag der Arbeit", "Christi Himmelfahrt",
                     "Pfingstmontag", "Fronleichnam", "Tag der Deutschen Einheit", "Allerheiligen",
                     "1. Weihnachtstag", "2. Weihnachtstag"}));
}

TEST(Calendar, NrwHolidays2025)
{
    EXPECT_EQ(dates_of(2025, Land::NW),
              (Texts{"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-09",
                     "2025-06-19", "2025-10-03", "2025-11-01", "2025-12-25", "2025-12-26"}));
}

TEST(Calendar, NrwHolidays2026)
{
    EXPECT_EQ(dates_of(2026, Land::NW),
              (Texts{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25",
                     "2026-06-04", "2026-10-03", "2026-11-01", "2026-12-25", "2026-12-26"}));
}

TEST(Calendar, NrwHolidays2027)
{
    EXPECT_EQ(dates_of(2027, Land::NW),
              (Texts{"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-17",
                     "2027-05-27", "2027-10-03", "2027-11-01", "2027-12-25", "2027-12-26"}));
}

// ---- other Länder ----------------------------------------------------------------------------

TEST(Calendar, Bayern2025)
{
    EXPECT_EQ(dates_of(2025, Land::BY),
              (Texts{"2025-01-01", "2025-01-06", "2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29",
                     "2025-06-09", "2025-06-19", "2025-10-03", "2025-11-01", "2025-12-25", "2025-12-26"}))
        << "Mariä Himmelfahrt holds only in some municipalities and is left out";
}

TEST(Calendar, SachsenKeepsBussUndBettag)
{
    EXPECT_TRUE(has(2026, Land::SN, "Buß- und Bettag", "2026-11-18"));
    EXPECT_TRUE(has(2024, Land::SN, "Buß- und Bettag", "2024-11-20"));
    EXPECT_TRUE(has(2026, Land::SN, "Reformationstag", "2026-10-31"));
    EXPECT_FALSE(has_name(2026, Land::SN, "Fronleichnam")) << "only regionally in Sachsen";
    EXPECT_FALSE(has_name(2026, Land::BY, "Buß- und Bettag"));
    EXPECT_TRUE(has(1994, Land::NW, "Buß- und Bettag", "1994-11-16")) << "a holiday everywhere until 1994";
}

TEST(Calendar, FrauentagInBerlinAndMecklenburgVorpommern)
{
    EXPECT_TRUE(has(2025, Land::BE, "Internationaler Frauentag", "2025-03-08"));
    EXPECT_FALSE(has_name(2018, Land::BE, "Internationaler Frauentag")) << "since 2019";
    EXPECT_TRUE(has(2024, Land::MV, "Internationaler Frauentag", "2024-03-08"));
    EXPECT_FALSE(has_name(2022, Land::MV, "Internationaler Frauentag")) << "since 2023";
    EXPECT_FALSE(has_name(2025, Land::NW, "Internationaler Frauentag"));
    EXPECT_TRUE(has(2025, Land::BE, "Tag der Befreiung", "2025-05-08")) << "once, by Berlin's law";
    EXPECT_FALSE(has_name(2026, Land::BE, "Tag der Befreiung"));
}

TEST(Calendar, WeltkindertagInThueringen)
{
    EXPECT_TRUE(has(2026, Land::TH, "Weltkindertag", "2026-09-20"));
    EXPECT_FALSE(has_name(2018, Land::TH, "Weltkindertag")) << "since 2019";
    EXPECT_FALSE(has_name(2026, Land::SN, "Weltkindertag"));
}

TEST(Calendar, BrandenburgKeepsOsterAndPfingstsonntag)
{
    EXPECT_TRUE(has(2026, Land::BB, "Ostersonntag", "2026-04-05"));
    EXPECT_TRUE(has(2026, Land::BB, "Pfingstsonntag", "2026-05-24"));
    EXPECT_FALSE(has_name(2026, Land::NW, "Ostersonntag"));
}

TEST(Calendar, ReformationstagInTheNorthSince2018AndEverywhereIn2017)
{
    EXPECT_TRUE(has(2018, Land::NI, "Reformationstag", "2018-10-31"));
    EXPECT_FALSE(has_name(2016, Land::HH, "Reformationstag"));
    EXPECT_TRUE(has(2017, Land::NW, "Reformationstag", "2017-10-31"));
    EXPECT_FALSE(has_name(2018, Land::NW, "Reformationstag"));
    EXPECT_TRUE(has(2025, Land::SL, "Mariä Himmelfahrt", "2025-08-15"));
    EXPECT_TRUE(has(2025, Land::ST, "Heilige Drei Könige", "2025-01-06"));
}

TEST(Calendar, LandNamesAreTheOfficialCodes)
{
    EXPECT_EQ(parse_enum<Land>("NRW"), Land::NW);
    EXPECT_EQ(parse_enum<Land>("nw"), Land::NW);
    EXPECT_EQ(parse_enum<Land>("Thüringen"), Land::TH);
    EXPECT_EQ(to_string(Land::NW), "NW");
    EXPECT_EQ(enum_choices<Land>(), "BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH");
    EXPECT_EQ(to_string(DayCount::werktage), "werktage");
    EXPECT_THROW(parse_enum<Land>("XX"), std::invalid_argument);
}

// ---- counting --------------------------------------------------------------------------------

TEST(Calendar, WorkingDaysAndWerktageAcrossEaster)
{
    const Calendar nrw;
    // Thursday before Easter 2025: Karfreitag and Ostermontag are holidays, the Saturday is a
    // Werktag but no working day.
    EXPECT_EQ(add_days(d("2025-04-17"), 1, DayCount::working_days, nrw), d("2025-04-22"));
    EXPECT_EQ(add_days(d("2025-04-17"), 1, DayCount::werktage, nrw), d("2025-04-19"));
    EXPECT_EQ(add_days(d("2025-04-17"), 2, DayCount::werktage, nrw), d("2025-04-22"));
    EXPECT_EQ(add_days(d("2025-04-17"), 1, DayCount::calendar_days, nrw), d("2025-04-18"));
    EXPECT_EQ(add_days(d("2025-04-22"), -1, DayCount::working_days, nrw), d("2025-04-17"));
    EXPECT_EQ(add_days(d("2025-04-19"), 0, DayCount::working_days, nrw), d("2025-04-19"));
    EXPECT_EQ(days_between(d("2025-04-17"), d("2025-04-22"), DayCount::working_days, nrw), 1);
    EXPECT_EQ(days_between(d("2025-04-17"), d("2025-04-22"), DayCount::werktage, nrw), 2);
    EXPECT_EQ(days_between(d("2025-04-17"), d("2025-04-22"), DayCount::calendar_days, nrw), 5);
    EXPECT_EQ(days_between(d("2025-04-22"), d("2025-04-17"), DayCount::working_days, nrw), -1);
    EXPECT_FALSE(nrw.is_working_day(d("2025-04-19"), DayCount::working_days));
    EXPECT_TRUE(nrw.is_working_day(d("2025-04-19"), DayCount::werktage));
    EXPECT_FALSE(nrw.is_working_day(d("2025-04-20"), DayCount::werktage)) << "a Sunday is never a Werktag";
    EXPECT_TRUE(nrw.is_working_day(d("2025-04-20"), DayCount::calendar_days));
}

TEST(Calendar, WorkingDaysAndWerktageAcrossChristmas)
{
    const Calendar nrw;
    // Heiligabend is a working day; both Weihnachtstage are holidays, and so is Neujahr.
    EXPECT_EQ(add_days(d("2025-12-22"), 3, DayCount::working_days, nrw), d("2025-12-29"));
    EXPECT_EQ(add_days(d("2025-12-22"), 3, DayCount::werktage, nrw), d("2025-12-27"));
    EXPECT_EQ(add_days(d("2025-12-29"), 3, DayCount::working_days, nrw), d("2026-01-02"));
    EXPECT_EQ(days_between(d("2025-12-19"), d("2026-01-05"), DayCount::working_days, nrw), 8);
    EXPECT_EQ(add_days(d("2026-01-05"), -8, DayCount::working_days, nrw), d("2025-12-19"));
}

TEST(Calendar, PeriodsEndingOnAWeekendOrHolidayEndOnTheNextWorkingDay)
{
    const Calendar nrw;
    // 16 days from Thursday 20 March 2025 end on Saturday 5 April: § 193 BGB moves it to Monday.
    EXPECT_EQ(add_days(d("2025-03-20"), 16, DayCount::calendar_days, nrw), d("2025-04-05"));
    EXPECT_EQ(end_of_period(d("2025-03-20"), 16, DayCount::calendar_days, nrw), d("2025-04-07"));
    // Ending on Karfreitag: past Easter to the Tuesday.
    EXPECT_EQ(end_of_period(d("2025-04-04"), 14, DayCount::calendar_days, nrw), d("2025-04-22"));
    EXPECT_EQ(end_of_period(d("2025-03-20"), 15, DayCount::calendar_days, nrw), d("2025-04-04")) << "a Friday stays";
    // Werktage may end on a Saturday; § 193 moves that too.
    EXPECT_EQ(end_of_period(d("2025-04-17"), 1, DayCount::werktage, nrw), d("2025-04-22"));
    // Counted back from a meeting, a deadline on Karfreitag moves to the day before, never after.
    EXPECT_EQ(end_of_period(d("2025-05-02"), -14, DayCount::calendar_days, nrw), d("2025-04-17"));
}

TEST(Calendar, ExtraAndNotHolidaysOfABody)
{
    Calendar koeln;
    koeln.extra_holidays = {d("2027-02-08")};  // Rosenmontag: the Verwaltung is closed
    koeln.not_holidays = {d("2027-05-27")};    // Fronleichnam, say, worked
    EXPECT_TRUE(koeln.is_holiday(d("2027-02-08")));
    EXPECT_FALSE(Calendar{}.is_holiday(d("2027-02-08")));
    EXPECT_EQ(add_days(d("2027-02-05"), 1, DayCount::working_days, koeln), d("2027-02-09"));
    EXPECT_FALSE(koeln.is_holiday(d("2027-05-27")));
    EXPECT_TRUE(koeln.is_working_day(d("2027-05-27"), DayCount::working_days));
    EXPECT_FALSE(koeln.is_holiday(d("2027-02-06"))) << "a Saturday is no holiday by itself";

    Calendar leipzig;
    leipzig.land = Land::SN;
    EXPECT_TRUE(leipzig.is_holiday(d("2026-11-18")));
    EXPECT_FALSE(leipzig.is_holiday(d("2026-06-04")));
}

// ---- deadlines of papers counted in working days ------------------------------------------

class DeadlinesInWorkingDays : public paper_test::PaperTest {
protected:
    static PaperConfig working_days(int answer, int agenda)
    {
        PaperConfig config;
        config.defaults.answer_period_days = answer;
        config.defaults.agenda_deadline_days = agenda;
        config.defaults.counting = DayCount::working_days;
        return config;
    }
};

TEST_F(DeadlinesInWorkingDays, AnswerDueAfterEaster)
{
    const PaperConfig config = working_days(10, 5);
    paper::PaperEngine e(config, clock);
    at("2025-04-10T09:00:00Z");  // the Thursday before Palmsonntag
    e.create("14/1923", paper_test::anfrage(), paper_test::fraktion);
    e.fire("14/1923", paper::Submit{}, paper_test::fraktion);
    // 10 working days: Karfreitag and Ostermontag do not count.
    EXPECT_EQ(answer_due(e.data("14/1923"), config), d("2025-04-28"));
    EXPECT_EQ(answer_due(e.data("14/1923"), PaperConfig{}), d("2025-05-08")) << "28 calendar days by default";
    EXPECT_TRUE(overdue_papers(e, parse_timestamp("2025-04-28T23:00:00Z")).empty());
    EXPECT_EQ(overdue_papers(e, parse_timestamp("2025-04-29T08:00:00Z")).size(), 1u);
}

TEST_F(DeadlinesInWorkingDays, AgendaDeadlineCountsBackInWorkingDays)
{
    const PaperConfig config = working_days(28, 5);
    const paper::Paper p = paper_test::antrag();
    EXPECT_EQ(agenda_deadline(p, config, d("2025-04-29")), d("2025-04-22"));
    EXPECT_EQ(agenda_deadline(p, PaperConfig{}, d("2025-04-29")), d("2025-04-15"));
    EXPECT_TRUE(meets_agenda_deadline(p, config, d("2025-04-17"), d("2025-04-29")));
    EXPECT_TRUE(meets_agenda_deadline(p, config, d("2025-04-22"), d("2025-04-29")));
    EXPECT_FALSE(meets_agenda_deadline(p, config, d("2025-04-23"), d("2025-04-29")));
}

TEST_F(DeadlinesInWorkingDays, DefaultsKeepPlainCalendarDays)
{
    // As the machine's guard always counted: in time with exactly 14 days, whatever the weekday.
    const paper::Paper p = paper_test::antrag();
    const PaperConfig plain;
    EXPECT_TRUE(meets_agenda_deadline(p, plain, d("2025-03-20"), d("2025-04-03")));
    EXPECT_FALSE(meets_agenda_deadline(p, plain, d("2025-03-21"), d("2025-04-03")));
    EXPECT_EQ(agenda_deadline(p, plain, d("2025-04-06")), d("2025-03-23")) << "a Sunday, unshifted";
    PaperConfig shifted;
    shifted.defaults.shift_to_working_day = true;
    EXPECT_EQ(agenda_deadline(p, shifted, d("2025-04-06")), d("2025-03-21"));
}

// ---- rules as JSON ---------------------------------------------------------------------------

TEST(Rules, JsonRoundTrip)
{
    const PaperConfig config = paper_config_from_json(R"({
      "defaults": {"answer_period_days": 20, "counting": "working_days", "land": "NRW",
                   "extra_holidays": ["2027-02-08"]},
      "bodies": {"Rat der Stadt Castrop-Rauxel": {"agenda_deadline_days": 21},
                 "Stadtrat Leipzig": {"land": "SN", "counting": "werktage", "extra_holidays": [],
                                      "shift_to_working_day": true}}})");
    EXPECT_EQ(config.defaults.answer_period_days, 20);
    EXPECT_EQ(config.defaults.agenda_deadline_days, 14) << "a key not given keeps RulesOfProcedure's default";
    EXPECT_EQ(config.defaults.calendar.land, Land::NW);
    const RulesOfProcedure& cas = config.rules_for("Rat der Stadt Castrop-Rauxel");
    EXPECT_EQ(cas.agenda_deadline_days, 21);
    EXPECT_EQ(cas.answer_period_days, 20) << "a body's missing keys take the defaults' values";
    EXPECT_EQ(cas.counting, DayCount::working_days);
    EXPECT_EQ(cas.calendar.extra_holidays, std::vector<Date>{d("2027-02-08")});
    const RulesOfProcedure& leipzig = config.rules_for("Stadtrat Leipzig");
    EXPECT_EQ(leipzig.calendar.land, Land::SN);
    EXPECT_EQ(leipzig.counting, DayCount::werktage);
    EXPECT_TRUE(leipzig.calendar.extra_holidays.empty());
    EXPECT_TRUE(leipzig.shift_to_working_day);

    const std::string written = to_json(config);
    EXPECT_NE(written.find("\"land\": \"NW\""), std::string::npos) << written;
    EXPECT_EQ(to_json(paper_config_from_json(written)), written);
    EXPECT_EQ(to_json(paper_config_from_json("{}")), to_json(PaperConfig{}));
}

TEST(Rules, JsonRefusalsSayWhatToWrite)
{
    auto refusal = [](const char* text) {
        try {
            paper_config_from_json(text);
        } catch (const InvalidData& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    auto expect = [&](const char* text, const char* part) {
        const std::string got = refusal(text);
        EXPECT_NE(got.find(part), std::string::npos) << text << "\n" << got;
    };
    expect("{\"defaults\": {\"answer_period\": 28}}", "defaults.answer_period: unknown key");
    expect("{\"default\": {}}", "default: unknown key");
    expect("{\"defaults\": {\"counting\": \"workdays\"}}",
           "defaults.counting: 'workdays' is not one of: calendar_days, working_days, werktage");
    expect("{\"bodies\": {\"Rat\": {\"land\": \"XX\"}}}", "bodies.Rat.land: 'XX' is not one of: BW, BY");
    expect("{\"defaults\": {\"agenda_deadline_days\": -1}}", "write a whole number from 0 to 3660");
    expect("{\"defaults\": {\"agenda_deadline_days\": \"14\"}}", "defaults.agenda_deadline_days");
    expect("{\"defaults\": {\"extra_holidays\": [\"2027-02-30\"]}}", "defaults.extra_holidays[0]");
    expect("{\"defaults\": {\"extra_holidays\": \"2027-02-08\"}}", "must be a list of dates");
    expect("{\"defaults\": {\"extra_holidays\": [\"2027-02-08\"], \"not_holidays\": [\"2027-02-08\"]}}",
           "2027-02-08 is in both");
    expect("{\"defaults\": {\"shift_to_working_day\": 1}}", "is not true or false");
    expect("{\"bodies\": []}", "bodies: must be an object");
    expect("[1, 2]", "must be a JSON object");
    expect("{\"defaults\": ", "not valid JSON");
    expect("", "not valid JSON");
}

}  // namespace
