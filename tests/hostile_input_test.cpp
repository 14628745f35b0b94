// Hostile input at the library's edges: event and field names, values of the wrong type,
// impossible dates, ids full of SQL, 10 MB fields, bytes that are not UTF-8, lifecycles this
// program does not know, and a database edited by hand into a state no fire can reach. Each
// must give an error a host can catch by type, whose message names the problem and the fix,
// and change nothing: state, version, data and history, and every stored row.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/core/field_archive.hpp>
#include <kimflow/core/text.hpp>
#include <kimflow/io/json.hpp>
#include <kimflow/io/oparl.hpp>
#include <kimflow/store/codec.hpp>
#include <kimflow/store/sqlite_store.hpp>
#include <kimflow/core/verify.hpp>

#include "kim_fixture.hpp"
#include "paper_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kimflow;
using kim_test::caritas;
using paper_test::anfrage;
using paper_test::fraktion;
using paper_test::sitzungsdienst;
using paper_test::verwaltung;

const std::string kTenMegabytes(10 * 1024 * 1024, 'x');

/// Whether @p text says each of @p parts.
testing::AssertionResult says(const std::string& text, std::initializer_list<std::string> parts)
{
    for (const auto& part : parts)
        if (text.find(part) == std::string::npos)
            return testing::AssertionFailure() << "'" << printable(text, 400) << "' does not say '" << part << "'";
    return testing::AssertionSuccess();
}

/// Everything a user can see of instance @p id, as one text: equal before and after means the
/// instance did not change (its states, version, data bytes and history).
template <class Engine>
std::string seen(const Engine& engine, const std::string& id)
{
    const auto view = engine.view(id);
    std::string out;
    for (auto s : view.states) out += std::string(s) + ",";
    out += " v" + std::to_string(view.version) + " data=" + encode(view.data) + " history=";
    for (const auto& r : engine.history(id))
        out += std::string(r.event) + ":" + std::string(r.from) + ">" + std::string(r.to) + "(" + r.payload + ");";
    return out;
}

/// Ids as a clerk or an attacker may type them: SQL, quotes, backslashes and LIKE's wildcards.
const std::vector<std::string> kHostileIds = {
    "14/1923'; DROP TABLE instance;--",
    "\"; DELETE FROM transition; --",
    "Robert'); DROP TABLE transition;--",
    "x' OR '1'='1",
    "back\\slash\\\\",
    "100%",
    "%",
    "_",
    "14_1923",
    "14/1923",
    "Anhörung €",
};

class HostileInput : public testing::Test {
protected:
    TempFile file{"hostile"};
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));

    std::shared_ptr<SqliteStore> open() { return std::make_shared<SqliteStore>(file.path()); }

    /// A paper engine in memory, or on the test's SQLite file when @p stored.
    std::unique_ptr<paper::PaperEngine> papers(bool stored)
    {
        return std::make_unique<paper::PaperEngine>(paper::PaperConfig{}, clock, stored ? open() : nullptr);
    }
    std::unique_ptr<kim::CaseEngine> cases(bool stored)
    {
        return std::make_unique<kim::CaseEngine>(kim::CaseConfig{}, clock, stored ? open() : nullptr);
    }

    /// Every row of every table of the file, as text: equal before and after means nothing
    /// was written. Empty when there is no file (an engine in memory).
    std::string rows() const
    {
        if (!std::filesystem::exists(file.path())) return {};
        SQLite::Database db(file.path(), SQLite::OPEN_READONLY);
        std::string out;
        SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        while (tables.executeStep()) {
            const std::string table = tables.getColumn(0).getString();
            out += "[" + table + "]\n";
            SQLite::Statement s(db, "SELECT * FROM \"" + table + "\"");
            while (s.executeStep()) {
                for (int c = 0; c < s.getColumnCount(); ++c) {
                    const SQLite::Column column = s.getColumn(c);
                    out += column.isNull() ? std::string("NULL")
                                           : std::string(static_cast<const char*>(column.getBlob()),
                                                         static_cast<std::size_t>(column.getBytes()));
                    out += '|';
                }
                out += '\n';
            }
        }
        EXPECT_NE(out.find("[instance]\n"), std::string::npos) << "the comparison of rows would prove nothing";
        return out;
    }

    /// Runs @p sql on the file behind the store's back, as a hand edit would.
    void edit(const std::string& sql) const
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec(sql);
    }

    /// Sets the data bytes of instance @p id behind the store's back.
    void edit_data(const std::string& id, const std::string& bytes) const
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        SQLite::Statement s(db, "UPDATE instance SET data = ? WHERE id = ?");
        s.bind(1, bytes.data(), static_cast<int>(bytes.size()));
        s.bind(2, id);
        ASSERT_EQ(s.exec(), 1);
    }
};

// ------------------------------------------------------------------ unknown names

TEST_F(HostileInput, AnUnknownEventNameIsRefusedWithTheEventsThereAreAndChangesNothing)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        engine->create("14/1923", anfrage(), fraktion, paper::Submit{});
        const std::string before = seen(*engine, "14/1923");
        const std::string rows_before = rows();
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
        EXPECT_EQ(seen(*engine, "14/1923"), before);
        EXPECT_EQ(rows(), rows_before);
    }
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
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        engine->create("14/1923", anfrage(), fraktion, paper::Submit{});
        const std::string before = seen(*engine, "14/1923");
        const std::string rows_before = rows();
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
        EXPECT_EQ(seen(*engine, "14/1923"), before);
        EXPECT_EQ(rows(), rows_before);
    }
}

// A store may hold instances of host lifecycles this program does not know (another program
// on the same file): an engine neither sees nor touches them, verify leaves them out, and the
// store names them, so that a tool can say what it did not check.
TEST_F(HostileInput, InstancesOfALifecycleThisProgramDoesNotKnowAreLeftAlone)
{
    auto store = open();
    StoredInstance foreign;
    foreign.lifecycle = "beschwerde";
    foreign.id = "14/1923";
    foreign.states = {"eingegangen"};
    foreign.state = "eingegangen";
    foreign.data = std::string("\x01\x02\x03", 3);  // whatever that program writes
    foreign.created_by = fraktion;
    store->insert(foreign);
    paper::PaperEngine engine(paper::PaperConfig{}, clock, store);
    const std::string rows_before = rows();

    EXPECT_FALSE(engine.contains("14/1923"));
    EXPECT_EQ(engine.size(), 0u);
    EXPECT_TRUE(engine.find(InstanceQuery{}).empty());
    try {
        engine.fire("14/1923", "submit", Fields{}, fraktion);
        ADD_FAILURE() << "a paper engine fired on another lifecycle's instance";
    } catch (const InstanceNotFound& e) {
        EXPECT_EQ(e.lifecycle(), "paper");
        EXPECT_TRUE(says(e.what(), {"no paper '14/1923' exists; check the id or create it first"}));
    }
    std::vector<VerifyFinding> findings;
    EXPECT_EQ(verify_instances<paper::PaperLifecycle>(*store, findings), 0u);
    EXPECT_TRUE(findings.empty());
    const std::vector<std::pair<std::string, std::uint64_t>> named{{"beschwerde", 1}};
    EXPECT_EQ(store->lifecycles(), named);
    // A lifecycle name the store has nothing of reads as empty; nothing is made of it.
    const std::string unknown = "vorlage'; DROP TABLE instance;--";
    EXPECT_FALSE(store->load(unknown, "14/1923"));
    EXPECT_FALSE(store->version(unknown, "14/1923"));
    EXPECT_EQ(store->count(unknown), 0u);
    EXPECT_TRUE(store->find(InstanceQuery{unknown}).empty());
    EXPECT_TRUE(store->history(unknown, "14/1923").empty());
    EXPECT_EQ(rows(), rows_before);

    // A paper of the same id is another instance: ids are unique per lifecycle.
    engine.create("14/1923", anfrage(), fraktion);
    const auto still = store->load("beschwerde", "14/1923");
    ASSERT_TRUE(still);
    EXPECT_EQ(still->data, foreign.data);
    EXPECT_EQ(still->states, foreign.states);
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
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        engine->create("14/1923", anfrage(), fraktion, paper::Submit{});
        const std::string before = seen(*engine, "14/1923");
        const std::string rows_before = rows();
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
        EXPECT_EQ(seen(*engine, "14/1923"), before);
        EXPECT_EQ(rows(), rows_before);
    }
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

// ------------------------------------------------------------------ ids full of SQL

TEST_F(HostileInput, IdsAndTextWithQuotesSemicolonsAndSqlAreStoredVerbatimAndNeverRun)
{
    const Actor bobby{"bobby'); DROP TABLE instance;--", "fraktion\"", "100% _Linke_"};
    {
        auto engine = papers(true);
        for (const auto& id : kHostileIds) {
            paper::Paper p = anfrage(id);
            p.originator = id;  // the owner query key
            engine->create(id, p, bobby);
            engine->fire(id, "withdraw", Fields{{"reason", id + "'); DROP TABLE transition;--"}}, bobby);
        }
    }
    // Read back by a fresh store and engine, as after a restart.
    auto store = open();
    paper::PaperEngine engine(paper::PaperConfig{}, clock, store);
    std::vector<std::string> sorted = kHostileIds;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(engine.find(InstanceQuery{}), sorted);
    EXPECT_EQ(engine.find(InstanceQuery{"", "withdrawn"}), sorted);
    for (const auto& id : kHostileIds) {
        SCOPED_TRACE(id);
        ASSERT_TRUE(engine.contains(id));
        const auto view = engine.view(id);
        EXPECT_EQ(view.id, id);
        EXPECT_EQ(view.data.reference, id);
        EXPECT_EQ(view.created_by, bobby);
        const auto history = engine.history(id);
        ASSERT_EQ(history.size(), 1u);
        EXPECT_EQ(history[0].payload, "reason=" + id + "'); DROP TABLE transition;--");
        EXPECT_EQ(history[0].actor, bobby);
        // Found exactly: '%' and '_' are no wildcards, a quote ends nothing.
        EXPECT_EQ(engine.find(InstanceQuery{"", "", id}), std::vector<std::string>{id});
        EXPECT_EQ(to_json(engine, id)["id"], id);
        EXPECT_EQ(nlohmann::json::parse(to_json(engine, id).dump())["data"]["reference"], id);
    }
    EXPECT_TRUE(engine.find(InstanceQuery{"", "", "14%"}).empty());
    EXPECT_TRUE(engine.find(InstanceQuery{"", "", "14/1923'"}).empty());
    EXPECT_THROW(engine.fire("' OR '1'='1", paper::Submit{}, bobby), InstanceNotFound);

    SQLite::Database db(file.path(), SQLite::OPEN_READONLY);
    EXPECT_TRUE(db.tableExists("instance"));
    EXPECT_TRUE(db.tableExists("transition"));
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM instance").getInt64(), static_cast<std::int64_t>(kHostileIds.size()));
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM transition").getInt64(),
              static_cast<std::int64_t>(kHostileIds.size()));
}

TEST_F(HostileInput, IdsWithQuotesAndSqlWorkTheSameInMemory)
{
    auto engine = papers(false);
    for (const auto& id : kHostileIds) engine->create(id, anfrage(id), fraktion, paper::Submit{});
    for (const auto& id : kHostileIds) {
        EXPECT_EQ(engine->state(id), "submitted") << id;
        EXPECT_EQ(engine->data(id).reference, id);
    }
    EXPECT_EQ(engine->size(), kHostileIds.size());
    EXPECT_THROW(engine->create("%", anfrage("%"), fraktion), DuplicateInstance);
}

// ------------------------------------------------------------------ 10 MB

TEST_F(HostileInput, ATenMegabyteFieldIsRefusedWithTheLimitAndChangesNothing)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        engine->create("14/1923", anfrage(), fraktion, paper::Submit{});
        const std::string before = seen(*engine, "14/1923");
        const std::string rows_before = rows();
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
        EXPECT_EQ(seen(*engine, "14/1923"), before);
        EXPECT_EQ(rows(), rows_before);
    }
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
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        engine->create("14/1923", anfrage(), fraktion, paper::Submit{});
        const std::string before = seen(*engine, "14/1923");
        const std::string rows_before = rows();
        try {
            engine->fire("14/1923", paper::Withdraw{kTenMegabytes}, verwaltung);
            ADD_FAILURE() << "a 10 MB withdraw was taken";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.event(), "withdraw");
            EXPECT_LT(std::string(e.what()).size(), 1000u);
        }
        EXPECT_EQ(seen(*engine, "14/1923"), before);
        EXPECT_EQ(rows(), rows_before);
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
    EXPECT_EQ(printable("Anhörung €"), "Anhörung €");
    EXPECT_EQ(printable(std::string(1000, 'x'), 10), "xxxxxxxxxx… (1000 bytes)");
    EXPECT_TRUE(valid_utf8(printable("\xED\xA0\x80\xF4\x90\x80\x80\xC0\xAF")));
}

TEST_F(HostileInput, APayloadFieldThatIsNotUtf8IsRefusedAndChangesNothing)
{
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        engine->create("14/1923", anfrage(), fraktion, paper::Submit{});
        const std::string before = seen(*engine, "14/1923");
        const std::string rows_before = rows();
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
        EXPECT_EQ(seen(*engine, "14/1923"), before);
        EXPECT_EQ(rows(), rows_before);
    }
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
    for (bool stored : {false, true}) {
        SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
        auto engine = papers(stored);
        engine->create("14/1923", anfrage(), fraktion, paper::Submit{});
        const std::string before = seen(*engine, "14/1923");
        const std::string rows_before = rows();
        try {
            engine->fire("14/1923", paper::Answer{"14/1923-\xED\xA0\x80"}, verwaltung);
            ADD_FAILURE() << "a surrogate was taken";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.event(), "answer");
            EXPECT_TRUE(says(e.what(), {"UTF-8"}));
            EXPECT_TRUE(valid_utf8(e.what()));
        }
        EXPECT_EQ(seen(*engine, "14/1923"), before);
        EXPECT_EQ(rows(), rows_before);
    }
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

// ------------------------------------------------------------------ a database edited by hand

TEST_F(HostileInput, AStoredStateTheLifecycleDoesNotHaveIsReportedAsCorruptAndNothingIsWritten)
{
    { papers(true)->create("14/1923", anfrage(), fraktion, paper::Submit{}); }
    auto engine = papers(true);
    for (const char* states : {"vanished", "submitted,submitted", "", "Submitted", " submitted"}) {
        SCOPED_TRACE(states);
        edit("UPDATE instance SET states = '" + std::string(states) + "' WHERE id = '14/1923'");
        const std::string rows_before = rows();
        try {
            engine->fire("14/1923", paper::Answer{"14/1923-1"}, verwaltung);
            ADD_FAILURE() << "fired on a paper stored in '" << states << "'";
        } catch (const StoreCorrupt& e) {
            EXPECT_TRUE(says(e.what(), {"restore it from a backup", "kimctl verify"}));
        }
        EXPECT_THROW(engine->fire("14/1923", "answer", Fields{{"answer_reference", "14/1923-1"}}, verwaltung),
                     StoreCorrupt);
        EXPECT_THROW(engine->view("14/1923"), StoreCorrupt);
        EXPECT_THROW(papers(true)->state("14/1923"), StoreCorrupt) << "a fresh engine too";
        EXPECT_EQ(rows(), rows_before) << "nothing is written";
        EXPECT_EQ(engine->resident(), 0u) << "nothing half-loaded stays in memory";
    }
    // Restored from a backup, it works again.
    edit("UPDATE instance SET states = 'submitted' WHERE id = '14/1923'");
    EXPECT_EQ(engine->state("14/1923"), "submitted");
    EXPECT_EQ(engine->fire("14/1923", paper::Answer{"14/1923-1"}, verwaltung).version, 2u);
}

TEST_F(HostileInput, CorruptStatesAreNamedInTheMessage)
{
    { papers(true)->create("14/1923", anfrage(), fraktion, paper::Submit{}); }
    auto engine = papers(true);
    edit("UPDATE instance SET states = 'vanished' WHERE id = '14/1923'");
    try {
        engine->state("14/1923");
        ADD_FAILURE();
    } catch (const StoreCorrupt& e) {
        EXPECT_TRUE(says(e.what(), {"state 'vanished', which is not a state of the paper lifecycle"}));
    }
    edit("UPDATE instance SET states = 'submitted,submitted' WHERE id = '14/1923'");
    try {
        engine->state("14/1923");
        ADD_FAILURE();
    } catch (const StoreCorrupt& e) {
        EXPECT_TRUE(says(e.what(), {"has 2 region states, but the paper lifecycle has 1"}));
    }
}

TEST_F(HostileInput, AKimCaseStoredWithTheWrongRegionStatesIsReportedAsCorrupt)
{
    {
        auto engine = cases(true);
        kim::open_case(*engine, "K-1", kim_test::castrop_rauxel(), caritas);
        engine->fire("K-1", kim::GrantConsent{{kim_test::kJobcenter}, "Arbeit"}, caritas);
        engine->fire("K-1", kim::Accept{}, caritas);
        ASSERT_EQ(engine->view("K-1").states, (std::vector<std::string_view>{"granted", "assessment"}));
    }
    auto engine = cases(true);
    const std::vector<std::pair<const char*, const char*>> edits = {
        {"granted", "has 1 region states, but the case lifecycle has 2"},
        {"granted,assessment,closed", "has 3 region states"},
        {"assessment,granted", "has state 'assessment' in region 1 of 2, where the case lifecycle does not have it"},
        {"granted,granted", "has state 'granted' in region 2 of 2"},
        {"granted,nirvana", "state 'nirvana', which is not a state of the case lifecycle"},
    };
    for (const auto& [states, problem] : edits) {
        SCOPED_TRACE(states);
        edit("UPDATE instance SET states = '" + std::string(states) + "' WHERE id = 'K-1'");
        const std::string rows_before = rows();
        try {
            engine->fire("K-1", kim::CompleteAssessment{}, caritas);
            ADD_FAILURE() << "fired on a case stored in " << states;
        } catch (const StoreCorrupt& e) {
            EXPECT_TRUE(says(e.what(), {problem, "restore it from a backup"}));
        }
        EXPECT_EQ(rows(), rows_before);
    }
    edit("UPDATE instance SET states = 'granted,assessment' WHERE id = 'K-1'");
    EXPECT_EQ(engine->fire("K-1", kim::CompleteAssessment{}, caritas).to, "planning");
}

TEST_F(HostileInput, DataCerealCannotReadIsReportedAsCorruptAndNothingIsWritten)
{
    { papers(true)->create("14/1923", anfrage(), fraktion, paper::Submit{}); }
    const std::string good = open()->load("paper", "14/1923")->data;
    auto engine = papers(true);
    for (const std::string& bytes : {std::string("\x01\x02", 2), std::string(), good.substr(0, good.size() / 2),
                                    std::string("'; DROP TABLE instance;--")}) {
        SCOPED_TRACE(printable(bytes));
        edit_data("14/1923", bytes);
        const std::string rows_before = rows();
        try {
            engine->fire("14/1923", "answer", Fields{{"answer_reference", "14/1923-1"}}, verwaltung);
            ADD_FAILURE() << "fired on data that cannot be read";
        } catch (const StoreCorrupt& e) {
            EXPECT_TRUE(says(e.what(), {"the stored data of paper 14/1923 cannot be read", "restore it from a backup",
                                        "kimctl verify"}));
        }
        EXPECT_THROW(engine->data("14/1923"), StoreCorrupt);
        EXPECT_EQ(rows(), rows_before);
    }
    edit_data("14/1923", good);
    EXPECT_EQ(engine->fire("14/1923", paper::Answer{"14/1923-1"}, verwaltung).to, "answered");
}

// ------------------------------------------------------------------ OParl files

TEST_F(HostileInput, AnOParlFileThatIsNotUtf8OrHasAMalformedTimeIsAnImportErrorAndImportsNothing)
{
    paper::PaperEngine engine(paper::PaperConfig{}, clock, open());
    const Actor importer{"oparl-import", "sitzungsdienst", "Regionalverband Ruhr"};
    auto paper_json = [](const std::string& more) {
        return R"({"id": "https://x.example/paper/1", "type": "https://schema.oparl.org/1.1/Paper",
                   "reference": "1/2025", "name": "Betreff", "paperType": "Antrag")" +
               more + "}";
    };
    try {
        oparl::import_papers(engine, {{"in.json", paper_json(", \"originator\": \"Fraktion \xC0\xAF\"")}},
                             importer);
        ADD_FAILURE() << "a file that is not UTF-8 was imported";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "in.json");
        EXPECT_TRUE(says(e.what(), {"not valid JSON", "UTF-8", "fix the file or leave it out"}));
        EXPECT_TRUE(valid_utf8(e.what())) << "the message quotes no bad bytes";
    }
    // A date-time date.h would half-read (one-digit month): named by file and field.
    const std::string meeting = R"({"id": "https://x.example/m/1", "type": "https://schema.oparl.org/1.1/Meeting",
                                    "start": "2025-3-1T17:00:00+01:00"})";
    try {
        oparl::import_papers(engine, {{"in.json", paper_json("")}, {"meeting.json", meeting}}, importer);
        ADD_FAILURE() << "a malformed start was imported";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "meeting.json");
        EXPECT_EQ(e.field(), "start");
        EXPECT_TRUE(says(e.what(), {"'2025-3-1T17:00:00+01:00' is not a date-time"}));
    }
    EXPECT_EQ(engine.size(), 0u);
    // A reference full of SQL is a reference like any other.
    const auto result = oparl::import_papers(
        engine,
        {{"in.json", R"({"type": "https://schema.oparl.org/1.1/Paper", "reference": "1/2025'); DROP TABLE instance;--",
                        "paperType": "Antrag"})"}},
        importer);
    EXPECT_EQ(result.created, std::vector<std::string>{"1/2025'); DROP TABLE instance;--"});
    EXPECT_EQ(engine.state("1/2025'); DROP TABLE instance;--"), "submitted");
}

// Needs the engine's check of instance ids.
TEST_F(HostileInput, AnOParlReferenceTooLongForAnIdIsAnImportErrorNamingTheFile)
{
    paper::PaperEngine engine(paper::PaperConfig{}, clock, open());
    const std::string reference(300, '7');
    try {
        oparl::import_papers(engine,
                             {{"long.json", R"({"type": "https://schema.oparl.org/1.1/Paper", "reference": ")" +
                                                reference + R"(", "paperType": "Antrag"})"}},
                             Actor{"oparl-import", "sitzungsdienst", ""});
        ADD_FAILURE() << "a 300-byte reference was imported";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "long.json");
        EXPECT_EQ(e.field(), "reference");
    }
    EXPECT_EQ(engine.size(), 0u);
}

}  // namespace
