// Hostile input at the C++ API, by name and type: event and field names that do not exist or
// are misspelt, and text where a date, a time, a yes/no, a choice or a number belongs. Each is
// refused by type, named with what there is, and changes nothing, in memory and on SQLite.
// Oversized and ill-formed text is in hostile_input_text_test.cpp, a store and files edited by
// others in hostile_input_stored_test.cpp; the fixture is hostile_input_fixture.hpp.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include <kimflow/core/field_archive.hpp>
#include <kimflow/core/text.hpp>

#include "hostile_input_fixture.hpp"
#include "kim_fixture.hpp"
#include "paper_fixture.hpp"

namespace {

using namespace kimflow;
using namespace hostile_test;
using kim_test::caritas;
using paper_test::anfrage;
using paper_test::fraktion;
using paper_test::sitzungsdienst;
using paper_test::verwaltung;

// ------------------------------------------------------------------ unknown names

TEST_F(HostileInput, AnUnknownEventNameIsRefusedWithTheEventsThereAreAndChangesNothing)
{
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        for (const std::string& name : {std::string("anser"), std::string("Answer"), std::string(" answer"),
                                        std::string(""), std::string("answer'; DROP TABLE instance;--"),
                                        std::string("answ\xFF" "er"), kTenMegabytes}) {
            try {
                engine->fire("14/1923", name, Fields{{"answer_reference", "14/1923-1"}}, verwaltung);
                ADD_FAILURE() << "event '" << printable(name) << "' was taken";
            } catch (const UnknownEvent& e) {
                EXPECT_EQ(e.lifecycle(), "paper");
                EXPECT_EQ(e.event(), name);
                EXPECT_TRUE(says(e.what(), {"is not an event of the paper lifecycle; its events are: ", "answer, "}));
            }
        }
    });
}

TEST_F(HostileInput, AnUnknownOpeningEventCreatesNothing)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = cases(stored);
        const std::string rows_before = rows();
        EXPECT_THROW(engine->create("K-1", kim::KimCase{}, caritas, "opne", Fields{{"kommune", "Datteln"}}),
                     UnknownEvent);
        EXPECT_FALSE(engine->contains("K-1"));
        EXPECT_EQ(engine->size(), 0u);
        EXPECT_EQ(rows(), rows_before);
    }
}

TEST_F(HostileInput, AnUnknownOrMisspelledFieldIsNamedWithTheFieldsThereAreAndChangesNothing)
{
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        auto refused = [&](const std::string& event, const Fields& fields) -> std::optional<InvalidPayload> {
            try {
                engine->fire("14/1923", event, fields, verwaltung);
            } catch (const InvalidPayload& e) {
                EXPECT_EQ(e.event(), event);
                return e;
            }
            ADD_FAILURE() << event << " was taken";
            return std::nullopt;
        };
        if (auto e = refused("answer", {{"answer_reference", "14/1923-1"}, {"urgent", "yes"}})) {
            EXPECT_EQ(e->field(), "urgent");
            EXPECT_TRUE(says(e->what(), {"not a field of this event; its fields are: answer_reference"}));
        }
        if (auto e = refused("answer", {{"answer_ref", "14/1923-1"}})) {  // the required field is missing
            EXPECT_EQ(e->field(), "answer_reference");
            EXPECT_TRUE(says(e->what(), {"missing; give it as answer_reference=<text>"}));
        }
        if (auto e = refused("answer", {{"answer_reference", "14/1923-1"},
                                        {"answer_reference'; DROP TABLE transition;--", "x"}})) {
            EXPECT_EQ(e->field(), "answer_reference'; DROP TABLE transition;--");
            EXPECT_TRUE(says(e->what(), {"not a field of this event"}));
        }
        if (auto e = refused("submit", {{"note", "eilig"}})) {
            EXPECT_EQ(e->field(), "note");
            EXPECT_TRUE(says(e->what(), {"it takes no fields"}));
        }
    });
}

// ------------------------------------------------------------------ wrong types, impossible dates

TEST_F(HostileInput, ImpossibleDatesAndTimesAreRefusedNamingTheForm)
{
    for (const char* bad : {"2025-02-30", "2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "0000-00-00",
                            "0000-01-01", "00.00.0000", "31.04.2025", "99999-01-01", "-2025-01-01", "+2025-01-01",
                            "1e9", "25-02-06", "2025-2-6", "06.02.25", "2025-02-06T10:00:00Z", "", " 2025-02-06",
                            "2025-02-06\n", "2025-02-06; DROP TABLE instance"}) {
        try {
            parse_date(bad);
            ADD_FAILURE() << "date '" << printable(bad) << "' was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_TRUE(says(e.what(), {"'" + std::string(bad) + "' is not a date", "YYYY-MM-DD"}));
        }
    }
    for (const char* bad : {"2025-02-06T25:61:00Z", "2025-02-06T24:00:00Z", "2025-02-06T23:60:00Z",
                            "2025-02-06T23:59:60Z", "2025-02-30T10:00:00Z", "0000-00-00T00:00:00Z",
                            "0000-01-01T00:00:00Z", "25-02-06T10:00:00Z", "2025-2-6T1:2:3Z", "2025-2-6",
                            "-2025-01-01T00:00:00Z", "+2025-01-01T00:00:00Z", "99999-01-01T00:00:00Z",
                            "2025-02-06T10:00:00+99:99", "2025-02-06T10:00:00+24:00", "2025-02-06T10:00:00+01:60",
                            "2025-02-06T10:00:00.1234567Z", "2025-02-06T10:00:00.Z", "25:61", "2025-02-06T",
                            "2025-02-06T10:00:00Z; DROP TABLE instance"}) {
        try {
            parse_timestamp(bad);
            ADD_FAILURE() << "time '" << printable(bad) << "' was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_TRUE(says(e.what(), {"'" + std::string(bad) + "' is not a time", "YYYY-MM-DDThh:mm:ss"}));
        }
    }
    // The edges that exist are read as they are.
    EXPECT_EQ(format_date(parse_date("2024-02-29")), "2024-02-29");
    EXPECT_EQ(format_date(parse_date("29.02.2024")), "2024-02-29");
    EXPECT_EQ(format_date(parse_date("0001-01-01")), "0001-01-01");
    EXPECT_EQ(format_date(parse_date("9999-12-31")), "9999-12-31");
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06T23:59:59Z")), "2025-02-06T23:59:59Z");
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06T00:00:00-23:59")), "2025-02-06T23:59:00Z");
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06T10:00:00.123456+01:00")), "2025-02-06T09:00:00.123456Z");
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06T10:00+01:30")), "2025-02-06T08:30:00Z");
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06T10:00:00-01")), "2025-02-06T11:00:00Z");
}

TEST_F(HostileInput, TextWhereADateAYesNoOrAChoiceBelongsIsRefusedByFieldAndChangesNothing)
{
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        auto expect_refused = [&](const Fields& fields, const std::string& field,
                                  std::initializer_list<std::string> parts) {
            SCOPED_TRACE(printable(fields.at(field)));
            try {
                engine->fire("14/1923", "schedule", fields, sitzungsdienst);
                ADD_FAILURE() << field << "=" << printable(fields.at(field)) << " was taken";
            } catch (const InvalidPayload& e) {
                EXPECT_EQ(e.event(), "schedule");
                EXPECT_EQ(e.field(), field);
                EXPECT_TRUE(says(e.what(), parts));
            }
        };
        for (const char* day : {"morgen", "2025-02-30", "2025-13-01", "0000-00-00", "99999-01-01", "-2025-01-01",
                                "25:61", "2025-02-06T25:61:00Z", "06.02.25", "", "2025-02-06'; DROP TABLE instance;--"})
            expect_refused({{"meeting_date", day}}, "meeting_date",
                           {"'" + std::string(day) + "' is not a date", "write it as YYYY-MM-DD"});
        for (const char* flag : {"vielleicht", "2", "", "true; DROP TABLE instance"})
            expect_refused({{"meeting_date", "2025-02-06"}, {"urgent", flag}}, "urgent",
                           {"is not yes/no; write true or false"});
        for (const char* role : {"Kaffeepause", "Entscheidung'--", "1"})
            expect_refused({{"meeting_date", "2025-02-06"}, {"role", role}}, "role",
                           {"is not one of: Kenntnisnahme, Vorberatung"});
    });
}

TEST_F(HostileInput, AKimCaseRefusesAnImpossibleFollowUpDateOrAnUnknownRechtskreis)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = cases(stored);
        kim::open_case(*engine, "K-1", kim_test::castrop_rauxel(), caritas);
        engine->fire("K-1", kim::GrantConsent{{kim_test::kJobcenter}, "Arbeit"}, caritas);
        engine->fire("K-1", kim::Accept{}, caritas);
        const std::string before = seen(*engine, "K-1");
        const std::string rows_before = rows();
        for (const char* day : {"2025-02-30", "31.04.2025", "0000-00-00", "2025-13-01", "nächste Woche"}) {
            try {
                engine->fire("K-1", "follow_up", Fields{{"date", day}}, caritas);
                ADD_FAILURE() << day << " was taken";
            } catch (const InvalidPayload& e) {
                EXPECT_EQ(e.field(), "date");
                EXPECT_TRUE(says(e.what(), {"is not a date", "YYYY-MM-DD"}));
            }
        }
        try {
            engine->fire("K-1", "refer", Fields{{"recipient", kim_test::kJobcenter}, {"rechtskreis", "SGB 99"}}, caritas);
            ADD_FAILURE() << "rechtskreis SGB 99 was taken";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.field(), "rechtskreis");
            EXPECT_TRUE(says(e.what(), {"'SGB 99' is not one of: SGB II, SGB III"}));
        }
        EXPECT_EQ(seen(*engine, "K-1"), before);
        EXPECT_EQ(rows(), rows_before);
    }
}

// No event of the shipped lifecycles has a number or a time field; a host's event may.
struct Tally {
    static constexpr std::string_view id = "tally";
    unsigned short copies = 0;
    int priority = 0;
    Timestamp at{};
    template <class A>
    void serialize(A& ar)
    {
        ar(optional_field("copies", copies), optional_field("priority", priority), optional_field("at", at));
    }
};

TEST_F(HostileInput, TextWhereANumberOrATimeBelongsIsRefusedByField)
{
    for (const char* number : {"zwölf", "12abc", "1e3", "0x10", "1 000", "99999999999999999999", "-", "70000", ""}) {
        try {
            read_fields<Tally>("tally", Fields{{"copies", number}});
            ADD_FAILURE() << "copies=" << number << " was accepted";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.field(), "copies");
            EXPECT_TRUE(says(e.what(), {"'" + std::string(number) + "' is not a whole number in range"}));
        }
    }
    for (const char* at : {"2025-02-06T25:61:00Z", "2025-02-06T10:00:00+99:99", "25-02-06T10:00:00Z",
                           "2025-2-6T1:2:3Z", "gestern"}) {
        try {
            read_fields<Tally>("tally", Fields{{"at", at}});
            ADD_FAILURE() << "at=" << at << " was accepted";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.field(), "at");
            EXPECT_TRUE(says(e.what(), {"is not a time; write it as YYYY-MM-DD or YYYY-MM-DDThh:mm:ss"}));
        }
    }
}

}  // namespace
