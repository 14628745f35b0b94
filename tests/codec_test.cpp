// kimflow's archives (kimflow/store/codec.hpp): the bytes of cereal's portable binary archive,
// so that every database written before reads back, and the checks on what they read.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <cereal/archives/portable_binary.hpp>
#include <gtest/gtest.h>

#include <kimflow/kim/case.hpp>
#include <kimflow/kim/events.hpp>
#include <kimflow/paper/events.hpp>
#include <kimflow/paper/paper.hpp>
#include <kimflow/store/codec.hpp>

namespace colour {
/// A host's enum stored as text through its own save_minimal/load_minimal, as cereal allows.
enum class Colour { red, green };
template <class Archive>
std::string save_minimal(const Archive&, const Colour& c)
{
    return c == Colour::red ? "red" : "green";
}
template <class Archive>
void load_minimal(const Archive&, Colour& c, const std::string& text)
{
    c = text == "red" ? Colour::red : Colour::green;
}
}  // namespace colour

namespace {

using namespace kimflow;

/// @p value as cereal's portable binary archive writes it: what kimflow stored up to 0.2.
template <class T>
std::string cereal_bytes(const T& value)
{
    std::ostringstream out(std::ios::binary);
    {
        cereal::PortableBinaryOutputArchive archive(out);
        archive(value);
    }
    return out.str();
}

paper::Paper sample_paper()
{
    paper::Paper p;
    p.reference = "14/1923";
    p.type = paper::PaperType::anfrage;
    p.title = "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet";
    p.date = parse_date("2025-01-06");
    p.originator = "Fraktion Die Linke";
    p.related_papers = {"14/1923-1"};
    p.consultations.push_back({"Ausschuss für Kultur, Sport und Vielfalt", paper::ConsultationRole::kenntnisnahme});
    p.consultations.push_back({"Verbandsversammlung", paper::ConsultationRole::entscheidung, true});
    p.consultations[0].meeting_date = parse_date("2025-02-06");
    p.consultations[0].agenda_item = "9.2";
    p.submitted_at = parse_timestamp("2025-01-06T10:00:00Z");
    p.current_consultation = 0;
    p.completion_note = "umgesetzt";
    return p;
}

kim::KimCase sample_case()
{
    kim::KimCase c;
    c.kommune = "Castrop-Rauxel";
    c.kreis = "Kreis Recklinghausen";
    c.traeger = "Caritas";
    c.goals = {"Sprachkurs B1", "Wohnung"};
    c.referrals.push_back({"Jobcenter", kim::Rechtskreis::sgb2, parse_timestamp("2025-03-01T09:00:00Z")});
    c.consent.recipients = {"Jobcenter", "Jugendamt"};
    c.consent.granted_at = parse_timestamp("2025-02-01T09:00:00Z");
    c.follow_ups.push_back({parse_date("2025-04-01"), parse_timestamp("2025-03-01T09:00:00Z")});
    c.phases.push_back({"intake", parse_timestamp("2025-01-15T09:00:00Z"), std::nullopt});
    c.phases.push_back({"closed", parse_timestamp("2025-06-15T09:00:00Z"), kim::ClosureReason::goals_achieved});
    c.closure_reason = kim::ClosureReason::goals_achieved;
    return c;
}

TEST(Codec, WritesTheBytesOfCerealsPortableBinaryArchive)
{
    EXPECT_EQ(encode(sample_paper()), cereal_bytes(sample_paper()));
    EXPECT_EQ(encode(paper::Paper{}), cereal_bytes(paper::Paper{}));
    EXPECT_EQ(encode(sample_case()), cereal_bytes(sample_case()));
    EXPECT_EQ(encode(kim::KimCase{}), cereal_bytes(kim::KimCase{}));
    paper::Schedule schedule;
    schedule.meeting_date = parse_date("2025-02-06");
    schedule.agenda_item = "9.2";
    schedule.role = paper::ConsultationRole::vorberatung;
    schedule.urgent = true;
    EXPECT_EQ(encode(schedule), cereal_bytes(schedule));
    EXPECT_EQ(encode(kim::GrantConsent{{"Jobcenter", "Jugendamt"}, "Arbeit"}), cereal_bytes(kim::GrantConsent{{"Jobcenter", "Jugendamt"}, "Arbeit"}));
    EXPECT_EQ(encode(paper::Submit{}), cereal_bytes(paper::Submit{}));
}

TEST(Codec, TakesAHostsOwnFunctionsForAnEnumAsCerealDoes)
{
    const std::vector<colour::Colour> colours{colour::Colour::green, colour::Colour::red};
    EXPECT_EQ(encode(colours), cereal_bytes(colours));
    EXPECT_EQ(decode<std::vector<colour::Colour>>(cereal_bytes(colours), "colours"), colours);
}

TEST(Codec, ReadsWhatCerealsPortableBinaryArchiveWrote)
{
    const paper::Paper p = decode<paper::Paper>(cereal_bytes(sample_paper()), "paper");
    EXPECT_EQ(encode(p), encode(sample_paper()));
    EXPECT_EQ(p.consultations.at(0).agenda_item, "9.2");
    EXPECT_EQ(p.completion_note, "umgesetzt");
    const kim::KimCase c = decode<kim::KimCase>(cereal_bytes(sample_case()), "case");
    EXPECT_EQ(encode(c), encode(sample_case()));
    EXPECT_EQ(c.closure_reason, kim::ClosureReason::goals_achieved);
}

TEST(Codec, EachClassVersionIsWrittenOnceBeforeItsFirstObject)
{
    kim::KimCase two_referrals = sample_case();
    two_referrals.referrals.push_back(two_referrals.referrals.front());
    const std::string one = encode(sample_case()), two = encode(two_referrals);
    // Alone, a referral is the byte-order mark, its class version and its fields; the second
    // referral of a case adds its fields only.
    const std::size_t fields = encode(two_referrals.referrals.front()).size() - 1 - sizeof(std::uint32_t);
    EXPECT_EQ(two.size(), one.size() + fields);
}

TEST(Codec, RefusesAFlagThatIsNeitherZeroNorOne)
{
    std::string bytes = encode(paper::Schedule{});
    ASSERT_EQ(bytes.back(), '\0');  // urgent, the last field
    bytes.back() = '\x02';
    EXPECT_THROW(decode<paper::Schedule>(bytes, "schedule"), StoreCorrupt);
}

TEST(Codec, RefusesALengthLongerThanTheBytes)
{
    std::string bytes = encode(std::string("abc"));
    ASSERT_EQ(bytes.size(), 1u + 8u + 3u);
    bytes[1] = '\x7F';  // the length's lowest byte: 127 characters in 12 bytes
    EXPECT_THROW(decode<std::string>(bytes, "text"), StoreCorrupt);
    EXPECT_THROW(decode<paper::Paper>(encode(sample_paper()).substr(0, 20), "paper"), StoreCorrupt);
    EXPECT_THROW(decode<paper::Paper>(std::string(), "paper"), StoreCorrupt);
    EXPECT_THROW(decode<paper::Paper>(std::string("\x05", 1), "paper"), StoreCorrupt);  // no byte-order mark
}

TEST(Codec, ReadsDataWrittenBigEndian)
{
    // A byte-order mark of 0: every number after it has its bytes the other way round.
    std::string bytes;
    bytes += '\0';
    const std::uint64_t length = 2;
    for (int i = 7; i >= 0; --i) bytes += static_cast<char>((length >> (8 * i)) & 0xFF);
    bytes += "ok";
    EXPECT_EQ(decode<std::string>(bytes, "text"), "ok");
}

}  // namespace
