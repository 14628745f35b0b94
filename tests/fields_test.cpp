// Payload fields and times as text (kimflow/core/fields.hpp, field_archive.hpp, time.hpp).
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/core/clock.hpp>
#include <kimflow/core/field_archive.hpp>
#include <kimflow/paper/events.hpp>

using namespace kimflow;

namespace {

struct Referral {
    static constexpr std::string_view id = "refer";
    std::string recipient;
    std::vector<std::string> rechtskreise;
    std::optional<int> priority;
    unsigned short copies = 1;
    Timestamp at{};
    template <class A>
    void serialize(A& ar, std::uint32_t /*version*/)
    {
        ar(field("recipient", recipient), optional_field("rechtskreise", rechtskreise),
           optional_field("priority", priority), optional_field("copies", copies), optional_field("at", at));
    }
};

TEST(Fields, ReadAllKindsOfValues)
{
    auto r = read_fields<Referral>("refer", Fields{{"recipient", "Jobcenter Castrop-Rauxel"},
                                                   {"rechtskreise", "SGB II, SGB III,,AufenthG "},
                                                   {"priority", "-2"},
                                                   {"copies", "3"},
                                                   {"at", "2025-02-06T18:30:00+01:00"}});
    EXPECT_EQ(r.recipient, "Jobcenter Castrop-Rauxel");
    EXPECT_EQ(r.rechtskreise, (std::vector<std::string>{"SGB II", "SGB III", "AufenthG"}));
    EXPECT_EQ(r.priority, -2);
    EXPECT_EQ(r.copies, 3);
    EXPECT_EQ(r.at, parse_timestamp("2025-02-06T17:30:00Z"));
}

TEST(Fields, OptionalFieldsKeepTheirDefaults)
{
    auto r = read_fields<Referral>("refer", Fields{{"recipient", "Jugendamt"}});
    EXPECT_TRUE(r.rechtskreise.empty());
    EXPECT_FALSE(r.priority);
    EXPECT_EQ(r.copies, 1);
}

TEST(Fields, NumbersOutOfRangeOrWithTrailingTextAreRefused)
{
    for (const char* bad : {"70000", "-1", "3x", "", " "}) {
        try {
            read_fields<Referral>("refer", Fields{{"recipient", "x"}, {"copies", bad}});
            ADD_FAILURE() << "copies=" << bad << " was accepted";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.field(), "copies");
        }
    }
}

TEST(Fields, WriteAndSummarizeRoundTrip)
{
    Referral r;
    r.recipient = "Ausländerbehörde";
    r.rechtskreise = {"AufenthG"};
    r.priority = 0;
    // Empty optional fields are left out; a set optional and a non-zero number are not.
    EXPECT_EQ(summarize_fields(r), "recipient=Ausländerbehörde, rechtskreise=AufenthG, priority=0, copies=1");
    Fields f = write_fields(r);
    EXPECT_EQ(f.size(), 4u);
    auto back = read_fields<Referral>("refer", f);
    EXPECT_EQ(back.recipient, r.recipient);
    EXPECT_EQ(back.rechtskreise, r.rechtskreise);
    EXPECT_EQ(back.priority, r.priority);
    EXPECT_EQ(back.copies, r.copies);
}

TEST(Fields, EnumNamesIgnoreCaseAlsoOfUmlauts)
{
    EXPECT_EQ(parse_enum<paper::ConsultationRole>("ANHÖRUNG"), paper::ConsultationRole::anhoerung);
    EXPECT_EQ(parse_enum<paper::ConsultationRole>("anhörung"), paper::ConsultationRole::anhoerung);
    EXPECT_EQ(parse_enum<paper::PaperType>("änderungsantrag"), paper::PaperType::aenderungsantrag);
    EXPECT_EQ(parse_enum<paper::PaperType>("BESCHLUSSVORLAGE"), paper::PaperType::beschlussvorlage);
    EXPECT_THROW(parse_enum<paper::PaperType>("Anfragen"), std::invalid_argument);
}

TEST(Fields, RequiredTextOrListMustNotBeEmpty)
{
    EXPECT_THROW(read_fields<Referral>("refer", Fields{{"recipient", ""}}), InvalidPayload);
    EXPECT_THROW(read_fields<paper::Withdraw>("withdraw", Fields{{"reason", ""}}), InvalidPayload);
    EXPECT_NO_THROW(read_fields<Referral>("refer", Fields{{"recipient", "x"}, {"rechtskreise", ""}}))
        << "an optional list may be empty";
}

TEST(Fields, DescribeNamesKindsAndPresence)
{
    auto fields = describe_fields<paper::Schedule>();
    ASSERT_EQ(fields.size(), 6u);
    EXPECT_EQ(fields[5].name, "skip_reason");
    EXPECT_FALSE(fields[5].required);
    EXPECT_EQ(fields[1].name, "meeting_date");
    EXPECT_EQ(fields[1].kind, "date");
    EXPECT_TRUE(fields[1].required);
    EXPECT_EQ(fields[3].kind, "one of: Kenntnisnahme, Vorberatung, Empfehlung, Entscheidung, Anhörung")
        << "one name per value; the spelling Anhoerung is accepted but not listed";
    EXPECT_EQ(parse_enum<paper::ConsultationRole>("anhoerung"), paper::ConsultationRole::anhoerung);
    EXPECT_EQ(describe_fields<Referral>()[1].kind, "list of text, comma-separated");
    EXPECT_TRUE(describe_fields<paper::Submit>().empty());
}

TEST(Time, ParsesIsoAndGermanDates)
{
    EXPECT_EQ(format_date(parse_date("2025-02-06")), "2025-02-06");
    EXPECT_EQ(parse_date("06.02.2025"), parse_date("2025-02-06"));
    EXPECT_EQ(parse_date("6.2.2025"), parse_date("2025-02-06"));
    for (const char* bad : {"2025-02-30", "2025-2-6x", "6.2.", "", "2025-02-06T10:00:00Z", "06.02.25", "1.1.1",
                            "25-02-06", "02025-02-06", "2025-2-6"})
        EXPECT_THROW(parse_date(bad), std::invalid_argument) << bad;
}

TEST(Time, ParsesInstantsWithOffsetsAndFormatsInUtc)
{
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06T18:00:00+01:00")), "2025-02-06T17:00:00Z");
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06T17:00:00Z")), "2025-02-06T17:00:00Z");
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06")), "2025-02-06T00:00:00Z");
    EXPECT_EQ(format_timestamp(parse_timestamp("2025-02-06T17:00:00.250Z")), "2025-02-06T17:00:00.250000Z");
    EXPECT_EQ(date_of(parse_timestamp("2025-02-06T23:30:00-01:00")), parse_date("2025-02-07"));
    for (const char* bad : {"gestern", "2025-02-06T25:00:00Z", "2025-02-06T10:00:00+01:00 extra"})
        EXPECT_THROW(parse_timestamp(bad), std::invalid_argument) << bad;
}

TEST(ManualClockTest, MovesOnlyWhenTold)
{
    ManualClock clock(parse_timestamp("2025-01-01T00:00:00Z"));
    EXPECT_EQ(clock.now(), parse_timestamp("2025-01-01T00:00:00Z"));
    clock.advance(std::chrono::hours(36));
    EXPECT_EQ(clock.now(), parse_timestamp("2025-01-02T12:00:00Z"));
}

}  // namespace
