// Hostile input in what is stored and in files: ids and text full of SQL, stored verbatim and
// never run; instances of a lifecycle this program does not know; a database edited by hand
// into a state no fire can reach, or into data that cannot be read (reported as corrupt, nothing
// written); and OParl files that are not UTF-8, have a malformed time or a reference too long.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/core/text.hpp>
#include <kimflow/core/verify.hpp>
#include <kimflow/io/json.hpp>
#include <kimflow/io/oparl.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "hostile_input_fixture.hpp"
#include "kim_fixture.hpp"
#include "paper_fixture.hpp"

namespace {

using namespace kimflow;
using namespace hostile_test;
using kim_test::caritas;
using paper_test::anfrage;
using paper_test::fraktion;
using paper_test::verwaltung;

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
    oparl::ImportOptions strict;
    strict.strict = true;
    auto paper_json = [](const std::string& more) {
        return R"({"id": "https://x.example/paper/1", "type": "https://schema.oparl.org/1.1/Paper",
                   "reference": "1/2025", "name": "Betreff", "paperType": "Antrag")" +
               more + "}";
    };
    try {
        oparl::import_papers(engine, {{"in.json", paper_json(", \"originator\": \"Fraktion \xC0\xAF\"")}},
                             importer, strict);
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
        oparl::import_papers(engine, {{"in.json", paper_json("")}, {"meeting.json", meeting}}, importer, strict);
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
    const std::vector<oparl::ImportSource> sources{
        {"long.json", R"({"type": "https://schema.oparl.org/1.1/Paper", "reference": ")" + reference +
                          R"(", "paperType": "Antrag"})"}};
    const Actor importer{"oparl-import", "sitzungsdienst", ""};
    oparl::ImportOptions strict;
    strict.strict = true;
    try {
        oparl::import_papers(engine, sources, importer, strict);
        ADD_FAILURE() << "a 300-byte reference was imported";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "long.json");
        EXPECT_EQ(e.field(), "reference");
    }
    EXPECT_EQ(engine.size(), 0u);
    // Without strict, the paper is quarantined, naming the file and the field.
    const auto result = oparl::import_papers(engine, sources, importer);
    ASSERT_EQ(result.quarantined.size(), 1u);
    EXPECT_EQ(result.quarantined[0].file, "long.json");
    EXPECT_EQ(result.quarantined[0].path, "reference");
    EXPECT_EQ(engine.size(), 0u);
}

}  // namespace
