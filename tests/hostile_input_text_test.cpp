// Hostile input as bytes: 10 MB fields and payloads against the 64 KiB limit, text that is not
// UTF-8 (RFC 3629) in fields, names and typed events, and ids that are empty, too long, not
// UTF-8 or hold control characters. Each is refused with a short message that is itself UTF-8,
// and changes nothing, in memory and on SQLite.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/core/field_archive.hpp>
#include <kimflow/core/input.hpp>
#include <kimflow/core/policy.hpp>
#include <kimflow/default_policy.hpp>
#include <kimflow/io/oparl.hpp>
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

// ------------------------------------------------------------------ 10 MB

TEST_F(HostileInput, ATenMegabyteFieldIsRefusedWithTheLimitAndChangesNothing)
{
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        const std::vector<std::pair<std::string, Fields>> fires = {
            {"withdraw", {{"reason", kTenMegabytes}}},
            {"schedule", {{"meeting_date", kTenMegabytes}}},
            {"answer", {{"answer_reference", "14/1923-1"}, {kTenMegabytes, "x"}}},
        };
        for (const auto& [event, fields] : fires) {
            try {
                engine->fire("14/1923", event, fields, verwaltung);
                ADD_FAILURE() << event << " with 10 MB was taken";
            } catch (const InvalidPayload& e) {
                EXPECT_EQ(e.event(), event);
                EXPECT_TRUE(says(e.what(), {"is 10485760 bytes long; a payload field takes at most 65536 bytes",
                                            "shorten it"}));
                EXPECT_LT(std::string(e.what()).size(), 1000u) << "the message does not quote the 10 MB";
                EXPECT_LT(e.field().size(), 200u);
            }
        }
    });
}

TEST_F(HostileInput, TheFieldLimitIsSixtyFourKibibytes)
{
    EXPECT_EQ(max_field_bytes, 65536u);
    EXPECT_NO_THROW(read_fields<paper::Withdraw>("withdraw", Fields{{"reason", std::string(max_field_bytes, 'x')}}));
    std::string umlauts;
    for (std::size_t i = 0; i < max_field_bytes / 2; ++i) umlauts += "ü";  // bytes count, not characters
    EXPECT_NO_THROW(read_fields<paper::Withdraw>("withdraw", Fields{{"reason", umlauts}}));
    EXPECT_THROW(read_fields<paper::Withdraw>("withdraw", Fields{{"reason", umlauts + "x"}}), InvalidPayload);
    EXPECT_THROW(read_fields<paper::Withdraw>("withdraw", Fields{{"reason", std::string(max_field_bytes + 1, 'x')}}),
                 InvalidPayload);
}

TEST_F(HostileInput, ATenMegabyteOpeningPayloadCreatesNothing)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = cases(stored);
        const std::string rows_before = rows();
        EXPECT_THROW(engine->create("K-1", kim::KimCase{}, caritas, "open", Fields{{"kommune", kTenMegabytes}}),
                     InvalidPayload);
        EXPECT_FALSE(engine->contains("K-1"));
        EXPECT_EQ(rows(), rows_before);
    }
}

// Needs the engine's check of typed payloads (EngineOptions::max_payload_bytes, 1 MiB).
TEST_F(HostileInput, ATypedEventOfTenMegabytesIsRefusedAndChangesNothing)
{
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        try {
            engine->fire("14/1923", paper::Withdraw{kTenMegabytes}, verwaltung);
            ADD_FAILURE() << "a 10 MB withdraw was taken";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.event(), "withdraw");
            EXPECT_LT(std::string(e.what()).size(), 1000u);
        }
    });
}

// The payload limit of an engine with default options (EngineOptions::max_payload_bytes, 1 MiB
// of summary text): a payload of exactly 1048576 bytes is taken, one byte more is refused and
// changes nothing. (Fields by name cannot get there: each is at most 64 KiB.)
TEST_F(HostileInput, APayloadOfOneMebibyteIsTakenAndOneByteMoreIsRefused)
{
    EXPECT_EQ(EngineOptions{}.max_payload_bytes, std::size_t{1024 * 1024});
    // Fifteen recipients of 64 KiB, and a purpose that makes the summary @p bytes long.
    const auto consent = [](std::size_t bytes) {
        kim::GrantConsent g{{}, "x"};
        for (char c = 'a'; c < 'a' + 15; ++c) g.recipients.emplace_back(max_text_bytes, c);
        g.purpose = std::string(bytes - (summarize_fields(g).size() - 1), 'p');
        return g;
    };
    const kim::GrantConsent at_limit = consent(max_payload_bytes), over = consent(max_payload_bytes + 1);
    ASSERT_EQ(summarize_fields(at_limit).size(), max_payload_bytes);
    ASSERT_EQ(summarize_fields(over).size(), max_payload_bytes + 1);
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = cases(stored);
        kim::open_case(*engine, "K-1", kim_test::castrop_rauxel(), caritas);
        const std::string before = seen(*engine, "K-1"), rows_before = rows();
        try {
            engine->fire("K-1", over, caritas);
            ADD_FAILURE() << "a payload of " << max_payload_bytes + 1 << " bytes was taken";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.event(), "grant_consent");
            EXPECT_TRUE(says(e.what(), {"the payload has 1048577 bytes; at most 1048576 are taken"}));
        }
        EXPECT_EQ(seen(*engine, "K-1"), before);
        EXPECT_EQ(rows(), rows_before);
        EXPECT_EQ(engine->fire("K-1", at_limit, caritas).version, 2u);
        EXPECT_EQ(engine->history("K-1").back().payload.size(), max_payload_bytes);
        EXPECT_EQ(engine->data("K-1").consent.recipients.size(), 15u);
    }
}

// ------------------------------------------------------------------ invalid UTF-8

TEST_F(HostileInput, Utf8IsCheckedAsRfc3629Says)
{
    // Well-formed: the first and last of each length, the edges around the surrogates, NUL.
    for (const std::string& good :
         {std::string(""), std::string("Anhörung"), std::string("\x7F"), std::string("\xC2\x80"),
          std::string("\xDF\xBF"), std::string("\xE0\xA0\x80"), std::string("\xED\x9F\xBF"),
          std::string("\xEE\x80\x80"), std::string("\xEF\xBF\xBF"), std::string("\xF0\x90\x80\x80"),
          std::string("\xF4\x8F\xBF\xBF"), std::string("\xE2\x82\xAC"), std::string("a\0b", 3)})
        EXPECT_TRUE(valid_utf8(good)) << printable(good);
    // Ill-formed, with the offset of the first bad byte.
    const std::vector<std::pair<std::string, std::size_t>> bad = {
        {"\xC0\xAF", 0},              // overlong '/'
        {"\xC1\xBF", 0},              // overlong
        {"\xE0\x80\xAF", 0},          // overlong, three bytes
        {"\xE0\x9F\xBF", 0},          // overlong U+07FF
        {"\xF0\x80\x80\xAF", 0},      // overlong, four bytes
        {"\xF0\x8F\xBF\xBF", 0},      // overlong U+FFFF
        {"\xED\xA0\x80", 0},          // surrogate U+D800
        {"\xED\xBF\xBF", 0},          // surrogate U+DFFF
        {"\xF4\x90\x80\x80", 0},      // U+110000
        {"\xF5\x80\x80\x80", 0},      // beyond any plane
        {"\xFF", 0},
        {"\xFE", 0},
        {"\x80", 0},                  // a continuation byte alone
        {"ab\xBF", 2},
        {"Anh\xC3", 3},               // cut short at the end
        {"\xE2\x82", 0},
        {"\xF0\x9F\x98", 0},
        {"\xC3\x28", 0},              // a lead byte without its continuation
        {"\xE2\x28\xA1", 0},
        {"ok \xE2\x82\xAC \xE2\x82", 7},
    };
    for (const auto& [text, at] : bad) {
        EXPECT_FALSE(valid_utf8(text)) << printable(text);
        EXPECT_EQ(invalid_utf8_at(text), at) << printable(text);
    }
    EXPECT_EQ(invalid_utf8_at("Anhörung"), std::string_view::npos);
    // What messages quote instead: printable, short, and itself valid UTF-8.
    EXPECT_EQ(printable("Anh\xC3r\xFFung\n\x01"), "Anh\\xC3r\\xFFung\\n\\x01");
    // A valid character that could reverse or hide what follows is escaped too.
    EXPECT_EQ(printable("a\xE2\x80\xAE" "b\xC2\x9B"), "a\\u202eb\\u009b");
    EXPECT_EQ(printable("Anhörung €"), "Anhörung €");
    EXPECT_EQ(printable(std::string(1000, 'x'), 10), "xxxxxxxxxx… (1000 bytes)");
    EXPECT_TRUE(valid_utf8(printable("\xED\xA0\x80\xF4\x90\x80\x80\xC0\xAF")));
}

TEST_F(HostileInput, APayloadFieldThatIsNotUtf8IsRefusedAndChangesNothing)
{
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        for (const std::string& text : {std::string("14/1923-\xC3"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),
                                       std::string("14/\xFF"), std::string("\xF4\x90\x80\x80"),
                                       std::string("ok\xE2\x82")}) {
            try {
                engine->fire("14/1923", "answer", Fields{{"answer_reference", text}}, verwaltung);
                ADD_FAILURE() << printable(text) << " was taken";
            } catch (const InvalidPayload& e) {
                EXPECT_EQ(e.field(), "answer_reference");
                EXPECT_TRUE(says(e.what(), {"is not valid UTF-8 text", "send it as UTF-8"}));
                EXPECT_TRUE(valid_utf8(e.what())) << "the message can be shown and put into JSON";
            }
        }
        // Also where the value would fail to parse anyway, and in a field's name.
        try {
            engine->fire("14/1923", "schedule", Fields{{"meeting_date", "2025-02-0\xFF"}}, sitzungsdienst);
            ADD_FAILURE();
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.field(), "meeting_date");
            EXPECT_TRUE(valid_utf8(e.what()));
        }
        try {
            engine->fire("14/1923", "answer", Fields{{"answer_reference", "x"}, {"not\xFFUTF-8", "x"}}, verwaltung);
            ADD_FAILURE();
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.field(), "not\\xFFUTF-8");
            EXPECT_TRUE(says(e.what(), {"its name is not valid UTF-8"}));
            EXPECT_TRUE(valid_utf8(e.what()));
        }
    });
}

TEST_F(HostileInput, AnOpeningPayloadThatIsNotUtf8CreatesNothing)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = cases(stored);
        const std::string rows_before = rows();
        EXPECT_THROW(engine->create("K-1", kim::KimCase{}, caritas, "open", Fields{{"kommune", "Castrop-\xC0\xAF"}}),
                     InvalidPayload);
        EXPECT_FALSE(engine->contains("K-1"));
        EXPECT_EQ(rows(), rows_before);
    }
}

// Needs the engine's check of typed payloads (the summary must be UTF-8).
TEST_F(HostileInput, ATypedEventWithTextThatIsNotUtf8IsRefusedAndChangesNothing)
{
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        try {
            engine->fire("14/1923", paper::Answer{"14/1923-\xED\xA0\x80"}, verwaltung);
            ADD_FAILURE() << "a surrogate was taken";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.event(), "answer");
            EXPECT_TRUE(says(e.what(), {"UTF-8"}));
            EXPECT_TRUE(valid_utf8(e.what()));
        }
    });
}

// Needs the engine's check of instance ids: non-empty, UTF-8, at most 200 bytes, no control
// characters.
TEST_F(HostileInput, AnIdThatIsEmptyTooLongNotUtf8OrHasControlCharactersIsRefused)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        const std::string rows_before = rows();
        for (const std::string& id : {std::string(""), std::string(201, '1'), kTenMegabytes, std::string("14/\xFF"),
                                     std::string("14/\xC0\xAF"), std::string("14/1923\n"), std::string("14\t1923"),
                                     std::string("14/1923\0evil", 12), std::string("\x1B[31m14/1923")}) {
            try {
                engine->create(id, anfrage("14/1923"), fraktion);
                ADD_FAILURE() << "id '" << printable(id) << "' was taken";
            } catch (const InvalidData& e) {
                EXPECT_LT(std::string(e.what()).size(), 1000u);
                EXPECT_TRUE(valid_utf8(e.what()));
            }
            EXPECT_THROW(engine->create(id, anfrage("14/1923"), fraktion, "submit", Fields{}), InvalidData);
        }
        EXPECT_EQ(engine->size(), 0u);
        EXPECT_EQ(rows(), rows_before);
        const std::string longest(200, '1');  // the longest id there may be
        engine->create(longest, anfrage(longest), fraktion);
        EXPECT_TRUE(engine->contains(longest));
    }
}

// ------------------------------------------------------------------ one rule on every path

namespace {

const std::vector<Actor> kHostileActors = {
    Actor{"\x1B[31mmallory", "verwaltung"}, Actor{"mallory\n2025-01-01 admin", "verwaltung"},
    Actor{"mallory\xFF"},                    Actor{std::string(1 << 20, 'x')},
    Actor{" "},                              Actor{"baumeister", "verwaltung\x1B]0;pwned\x07"},
    Actor{"baumeister", "verwaltung", "RVR\xE2\x80\xAE"}, Actor{"bau\xE2\x80\x8Bmeister", "verwaltung"}};

}  // namespace

// Needs input.hpp's actor rule in the engine: refused on every call that names an actor,
// before anything is changed or logged.
TEST_F(HostileInput, AnActorWithEscapesLineBreaksBidiOrAMegabyteIsRefusedAndChangesNothing)
{
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        for (const Actor& actor : kHostileActors) {
            SCOPED_TRACE(printable(actor.id) + " / " + printable(actor.role) + " / " + printable(actor.organization));
            EXPECT_THROW(engine->fire("14/1923", "answer", Fields{{"answer_reference", "14/1923-1"}}, actor), InvalidData);
            EXPECT_THROW(engine->fire("14/1923", paper::Answer{"14/1923-1"}, actor), InvalidData);
            EXPECT_THROW(engine->create("14/2000", anfrage("14/2000"), actor), InvalidData);
            EXPECT_THROW(engine->history("14/1923", actor), InvalidData);
            EXPECT_THROW(engine->tick(clock->now(), actor), InvalidData);
        }
    });
}

TEST_F(HostileInput, AHostileActorIsNotWrittenIntoTheDenialLog)
{
    EngineOptions options;
    options.policy = std::make_shared<const Policy>(default_policy());
    paper::PaperEngine engine(paper::PaperConfig{}, clock, open(), options);
    engine.create("14/1923", anfrage(), fraktion, paper::Submit{});
    const std::string rows_before = rows();
    for (const Actor& actor : kHostileActors) {
        EXPECT_THROW(engine.fire("14/1923", paper::Withdraw{"x"}, actor), InvalidData);
        EXPECT_THROW(engine.view("14/1923", actor), InvalidData);
    }
    EXPECT_TRUE(engine.denials().empty());
    EXPECT_EQ(rows(), rows_before);
}

// Needs input.hpp's id rule: no bidi controls, zero-width characters or only blanks.
TEST_F(HostileInput, AnIdWithBidiControlsZeroWidthCharactersOrOnlyBlanksIsRefused)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        const std::string rows_before = rows();
        for (const std::string& id : {std::string("14/1923\xE2\x80\xAE"), std::string("14/\xE2\x80\x8B" "1923"),
                                     std::string("\xEF\xBB\xBF" "14/1923"), std::string(" "), std::string("   "),
                                     std::string("\xC2\xA0"), std::string("14/\xE2\x81\xA6" "1923")}) {
            EXPECT_THROW(engine->create(id, anfrage("14/1923"), fraktion), InvalidData) << printable(id);
            EXPECT_THROW(engine->create(id, anfrage("14/1923"), fraktion, "submit", Fields{}), InvalidData);
        }
        EXPECT_EQ(engine->size(), 0u);
        EXPECT_EQ(rows(), rows_before);
    }
}

// Needs input.hpp's text rule in the engine: a title is one line, a reason may have line feeds.
TEST_F(HostileInput, ControlCharactersInTitlesAndPayloadsAreRefusedLineFeedsOnlyInMultiLineFields)
{
    for (bool stored : {false, true}) {
        auto engine = papers(stored);
        for (const std::string& title : {std::string("Betreff\x1B[2J"), std::string("Betreff\r"),
                                        std::string("Betreff\0x", 9), std::string("Betreff\nzwei")}) {
            paper::Paper p = anfrage("14/1923");
            p.title = title;
            EXPECT_THROW(engine->create("14/1923", p, fraktion), InvalidData) << printable(title);
        }
        EXPECT_EQ(engine->size(), 0u);
    }
    on_a_submitted_paper([&](const std::unique_ptr<paper::PaperEngine>& engine) {
        EXPECT_THROW(engine->fire("14/1923", "answer", Fields{{"answer_reference", "14/1923\x1B[31m"}}, verwaltung),
                     InvalidPayload);
        EXPECT_THROW(engine->fire("14/1923", "answer", Fields{{"answer_reference", "14/1923\n1"}}, verwaltung),
                     InvalidPayload);
        EXPECT_THROW(engine->fire("14/1923", "withdraw", Fields{{"reason", "erledigt\r\n"}}, verwaltung), InvalidPayload);
        EXPECT_THROW(engine->fire("14/1923", paper::Withdraw{std::string("a\0b", 3)}, verwaltung), InvalidPayload);
        EXPECT_THROW(engine->fire("14/1923", paper::Answer{"14/1923\xC2\x9B" "1"}, verwaltung), InvalidPayload);
    });
    auto engine = papers(false);
    engine->create("14/1923", anfrage(), fraktion, paper::Submit{});
    EXPECT_NO_THROW(engine->fire("14/1923", "withdraw", Fields{{"reason", "erstens\nzweitens"}}, fraktion));
}

// Needs one limit table: a title of max_text_bytes is taken, one byte more is refused, by the
// engine and by the OParl importer alike (the C ABI and kimctl: c_api_test.c, kimctl_test.cpp).
TEST_F(HostileInput, TheTextLimitIsTheSameForTheEngineAndTheOParlImporter)
{
    const std::string longest(max_text_bytes, 'x'), too_long(max_text_bytes + 1, 'x');
    auto engine = papers(true);
    paper::Paper p = anfrage("14/1");
    p.title = longest;
    EXPECT_NO_THROW(engine->create("14/1", p, fraktion));
    p.reference = "14/2";
    p.title = too_long;
    try {
        engine->create("14/2", p, fraktion);
        ADD_FAILURE() << "a title of " << too_long.size() << " bytes was taken";
    } catch (const InvalidData& e) {
        EXPECT_TRUE(says(e.what(), {"title", "at most 65536 bytes", "shorten it"}));
    }
    const Actor importer{"oparl-import", "sitzungsdienst", ""};
    const auto paper_json = [](const std::string& reference, const std::string& name) {
        return R"({"type": "https://schema.oparl.org/1.1/Paper", "reference": ")" + reference + R"(", "name": ")" +
               name + R"(", "paperType": "Antrag"})";
    };
    const auto result = oparl::import_papers(
        *engine, {{"ok.json", paper_json("15/1", longest)}, {"long.json", paper_json("15/2", too_long)},
                  {"esc.json", paper_json("15/3", "Betreff\\u001b[2J")}, {"bidi.json", paper_json("15/4\\u202e", "x")}},
        importer);
    // A control character in a RIS's name is tidied to a blank, as ALLRIS's U+0004 is (one-line
    // texts hold none); the text limit and the id rule are the engine's.
    EXPECT_EQ(result.created, (std::vector<std::string>{"15/1", "15/3"}));
    ASSERT_EQ(result.quarantined.size(), 2u);
    EXPECT_TRUE(says(result.quarantined[0].reason, {"at most 65536 bytes"}));
    EXPECT_FALSE(engine->contains("15/2"));
    EXPECT_EQ(engine->view("15/3").data.title, "Betreff [2J");
    EXPECT_FALSE(engine->contains("15/4\xE2\x80\xAE"));
}

}  // namespace
