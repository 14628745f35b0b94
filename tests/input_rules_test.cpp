// The input rules of kimflow/core/input.hpp on their own: the limit table, what each kind of
// input may hold, the actor check, the multi-line fields, and terminal_safe().
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/core/engine_core.hpp>
#include <kimflow/core/error.hpp>
#include <kimflow/core/field_archive.hpp>
#include <kimflow/core/input.hpp>
#include <kimflow/core/text.hpp>
#include <kimflow/kim/lifecycle.hpp>

#include "kim_fixture.hpp"

namespace {

using namespace kimflow;

const std::vector<std::string> kNeverInNames = {
    "\xE2\x80\xAE",  // U+202E right-to-left override
    "\xE2\x80\xAA", "\xE2\x81\xA6", "\xE2\x81\xA9", "\xE2\x80\x8E", "\xE2\x80\x8F", "\xD8\x9C",  // bidi
    "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF",              // zero-width
};
const std::vector<std::string> kNeverInText = {
    std::string("\0", 1), "\x1B", "\r", "\t", "\x7F", "\xC2\x85", "\xC2\x9B", "\xE2\x80\xA8", "\xE2\x80\xA9"};

TEST(InputLimits, OneTableWithAReasonForEachLimit)
{
    EXPECT_EQ(max_id_bytes, 200u);
    EXPECT_EQ(max_actor_bytes, 200u);
    EXPECT_EQ(max_text_bytes, 65536u);
    EXPECT_EQ(max_payload_bytes, 1048576u);
    EXPECT_GT(max_json_bytes, 6 * max_payload_bytes);
    // The older names are the table's.
    EXPECT_EQ(max_instance_id_bytes, max_id_bytes);
    EXPECT_EQ(max_field_bytes, max_text_bytes);
    EXPECT_EQ(EngineOptions{}.max_payload_bytes, max_payload_bytes);
    for (const InputLimit& limit : input_limits) {
        EXPECT_FALSE(limit.what.empty());
        EXPECT_GT(limit.bytes, 0u);
        EXPECT_GT(limit.reason.size(), 20u) << limit.what;
    }
    static_assert(input_limits[0].bytes == max_id_bytes, "the table is constexpr");
}

TEST(InputRules, EachLimitCountsBytesAndHoldsAtItsEdge)
{
    const std::vector<std::pair<InputKind, std::size_t>> kinds = {
        {InputKind::id, max_id_bytes},         {InputKind::actor_id, max_actor_bytes},
        {InputKind::actor_field, max_actor_bytes}, {InputKind::line, max_text_bytes},
        {InputKind::multiline, max_text_bytes}};
    for (const auto& [kind, limit] : kinds) {
        EXPECT_FALSE(input_problem(std::string(limit, 'x'), kind));
        const auto problem = input_problem(std::string(limit + 1, 'x'), kind);
        ASSERT_TRUE(problem);
        EXPECT_NE(problem->find("at most " + std::to_string(limit) + " bytes"), std::string::npos) << *problem;
    }
    std::string umlauts;
    for (std::size_t i = 0; i < max_id_bytes / 2; ++i) umlauts += "ü";
    EXPECT_FALSE(input_problem(umlauts, InputKind::id));
    EXPECT_TRUE(input_problem(umlauts + "x", InputKind::id));
}

TEST(InputRules, IdsAndActorIdsAreNeitherEmptyNorBlank)
{
    for (InputKind kind : {InputKind::id, InputKind::actor_id})
        for (const std::string& blank : {std::string(), std::string(" "), std::string("   "), std::string("\xC2\xA0")})
            EXPECT_TRUE(input_problem(blank, kind)) << "'" << blank << "'";
    EXPECT_FALSE(input_problem("", InputKind::actor_field));  // a role or organisation may be empty
    EXPECT_FALSE(input_problem("", InputKind::line));
    EXPECT_FALSE(input_problem("14/1923", InputKind::id));
    EXPECT_FALSE(input_problem("Fraktion Die Linke", InputKind::actor_field));
}

TEST(InputRules, NamesHoldNoControlBidiOrZeroWidthCharacters)
{
    for (InputKind kind : {InputKind::id, InputKind::actor_id, InputKind::actor_field}) {
        for (const auto& bad : kNeverInNames) {
            const auto problem = input_problem("14/" + bad + "1923", kind);
            ASSERT_TRUE(problem) << printable(bad);
            EXPECT_NE(problem->find("invisible or direction-changing"), std::string::npos);
            EXPECT_TRUE(valid_utf8(*problem));
        }
        for (const auto& bad : kNeverInText) EXPECT_TRUE(input_problem("a" + bad + "b", kind)) << printable(bad);
        EXPECT_TRUE(input_problem("a\nb", kind));
        EXPECT_TRUE(input_problem("a\xFF", kind));
    }
    // Arabic and Hebrew names, umlauts and ß are names.
    EXPECT_FALSE(input_problem("Ärztekammer Straße", InputKind::actor_field));
    EXPECT_FALSE(input_problem("\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", InputKind::actor_id));
}

TEST(InputRules, TextsHoldLineFeedsOnlyWhereMultiLine)
{
    EXPECT_TRUE(input_problem("Betreff\nzweite Zeile", InputKind::line));
    EXPECT_FALSE(input_problem("Sachstand:\nerledigt", InputKind::multiline));
    for (InputKind kind : {InputKind::line, InputKind::multiline}) {
        for (const auto& bad : kNeverInText) {
            const auto problem = input_problem("a" + bad + "b", kind);
            ASSERT_TRUE(problem) << printable(bad);
            EXPECT_NE(problem->find("control characters"), std::string::npos);
            EXPECT_NE(problem->find("remove it"), std::string::npos);
        }
        // A text may be right to left: bidi marks are allowed there (terminal_safe shows them escaped).
        EXPECT_FALSE(input_problem("\xE2\x80\x8F\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", kind));
        const auto problem = input_problem("Anh\xC3", kind);
        ASSERT_TRUE(problem);
        EXPECT_NE(problem->find("UTF-8"), std::string::npos);
        EXPECT_TRUE(valid_utf8(*problem));
    }
}

TEST(InputRules, TheMultiLineFieldsAreTheFreeTexts)
{
    for (const char* name : {"reason", "note", "text", "delay_reason", "goal", "purpose", "completion_note",
                             "withdrawal_reason", "skip_reason"})
        EXPECT_EQ(text_kind(name), InputKind::multiline) << name;
    for (const char* name : {"title", "reference", "answer_reference", "organization", "recipient", "kommune",
                             "agenda_item", "subject", "data", ""})
        EXPECT_EQ(text_kind(name), InputKind::line) << name;
}

TEST(InputRules, CheckIdAndCheckActorThrowInvalidDataSayingWhatToDo)
{
    EXPECT_NO_THROW(check_id("14/1923"));
    EXPECT_NO_THROW(check_actor(Actor{"baumeister", "verwaltung", "Regionalverband Ruhr"}));
    EXPECT_NO_THROW(check_actor(Actor{"system"}));
    try {
        check_id("14/1923\xE2\x80\xAE");
        ADD_FAILURE();
    } catch (const InvalidData& e) {
        EXPECT_NE(std::string(e.what()).find("\\u202e"), std::string::npos) << e.what();
    }
    const std::vector<Actor> bad = {
        Actor{""}, Actor{" "}, Actor{"\x1B[31mmallory"}, Actor{"a\nb"}, Actor{"a\xFF"}, Actor{std::string(1 << 20, 'x')},
        Actor{"ok", "verwaltung\r"}, Actor{"ok", "", "RVR\xE2\x80\x8B"}, Actor{"ok", std::string(201, 'r')}};
    for (const Actor& actor : bad) {
        try {
            check_actor(actor);
            ADD_FAILURE() << printable(actor.id) << " / " << printable(actor.role) << " / "
                          << printable(actor.organization);
        } catch (const InvalidData& e) {
            EXPECT_LT(std::string(e.what()).size(), 400u);
            EXPECT_TRUE(valid_utf8(e.what()));
            EXPECT_NE(std::string(e.what()).find("actor"), std::string::npos);
        }
    }
}

TEST(TerminalSafe, EscapesWhatCouldTakeOverATerminal)
{
    EXPECT_EQ(terminal_safe("Anhörung € 14/1923"), "Anhörung € 14/1923");
    EXPECT_EQ(terminal_safe("\x1B[2J"), "\\x1b[2J");
    EXPECT_EQ(terminal_safe("a\r\nb\tc"), "a\\r\\nb\\tc");
    EXPECT_EQ(terminal_safe(std::string("a\0b", 3)), "a\\x00b");
    EXPECT_EQ(terminal_safe("\x7F"), "\\x7f");
    EXPECT_EQ(terminal_safe("abc\xE2\x80\xAE" "fdp.exe"), "abc\\u202efdp.exe");
    EXPECT_EQ(terminal_safe("\xE2\x80\x8B\xEF\xBB\xBF"), "\\u200b\\ufeff");
    EXPECT_EQ(terminal_safe("\xC2\x9B" "31m"), "\\u009b31m");  // the one-byte CSI of C1
    EXPECT_EQ(terminal_safe("Anh\xC3r\xFF"), "Anh\\xc3r\\xff");
    for (const auto& bad : kNeverInText) {
        const std::string shown = terminal_safe(bad);
        EXPECT_EQ(shown.find_first_of(std::string("\0\x1B\r\t\x7F", 5)), std::string::npos);
        EXPECT_FALSE(input_problem(shown, InputKind::line)) << shown;
    }
}

// EngineOptions::max_payload_bytes lowers the table's limit and never raises it: an engine given
// 2 MiB still refuses one byte over 1 MiB, one given 1000 bytes refuses 1001.
TEST(InputLimits, EngineOptionsLowerThePayloadLimitButNeverRaiseIt)
{
    // Recipients (fifteen of 64 KiB past a text's limit, else one), and a purpose that makes the
    // summary @p bytes long.
    const auto consent = [](std::size_t bytes) {
        kim::GrantConsent g{{}, "x"};
        const bool large = bytes > max_text_bytes;
        for (int i = 0; i < (large ? 15 : 1); ++i)
            g.recipients.emplace_back(large ? max_text_bytes : bytes / 4, static_cast<char>('a' + i));
        g.purpose = std::string(bytes - (summarize_fields(g).size() - 1), 'p');
        return g;
    };
    for (const std::size_t option : {std::size_t{1000}, 2 * max_payload_bytes}) {
        SCOPED_TRACE("max_payload_bytes = " + std::to_string(option));
        const std::size_t limit = std::min(option, max_payload_bytes);
        const kim::GrantConsent at_limit = consent(limit), over = consent(limit + 1);
        ASSERT_EQ(summarize_fields(at_limit).size(), limit);
        ASSERT_EQ(summarize_fields(over).size(), limit + 1);
        EngineOptions options;
        options.max_payload_bytes = option;
        kim::CaseEngine engine(kim::CaseConfig{}, std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z")),
                               nullptr, options);
        kim::open_case(engine, "K-1", kim_test::castrop_rauxel(), kim_test::caritas);
        EXPECT_THROW(engine.fire("K-1", over, kim_test::caritas), InvalidPayload);
        EXPECT_EQ(engine.version("K-1"), 1u) << "the refused fire changed nothing";
        EXPECT_EQ(engine.fire("K-1", at_limit, kim_test::caritas).version, 2u);
    }
}

}  // namespace
