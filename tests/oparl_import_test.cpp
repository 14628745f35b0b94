// Tests of OParl import (kimflow/io/oparl.hpp): how import derives a paper's state from the
// data, how it reports what it cannot read, and that a round trip through export keeps every
// paper as it was. The papers in every state it starts from come from oparl_export_fixture.hpp.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/io/json.hpp>
#include <kimflow/io/oparl.hpp>
#include <kimflow/store/codec.hpp>

#include "oparl_export_fixture.hpp"
#include "temp_file.hpp"
#include "test_data.hpp"

namespace {

using namespace oparl_export_fixture;

/// The files of @p dir (or the one file @p path) as import sources, sorted by name.
std::vector<oparl::ImportSource> sources_from(const std::string& path)
{
    std::vector<std::string> files;
    if (fs::is_directory(path)) {
        for (const auto& entry : fs::directory_iterator(path))
            if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    } else {
        files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    std::vector<oparl::ImportSource> out;
    for (const auto& f : files) out.push_back({f, read_text(f)});
    return out;
}

// ------------------------------------------------------------------------------ import

/// Everything a round trip must keep of a paper.
void expect_same_paper(PaperEngine& original, PaperEngine& imported, const std::string& ref)
{
    SCOPED_TRACE(ref);
    ASSERT_TRUE(imported.contains(ref));
    EXPECT_EQ(imported.state(ref), original.state(ref));
    const Paper a = original.data(ref), b = imported.data(ref);
    EXPECT_EQ(b.reference, a.reference);
    EXPECT_EQ(b.type, a.type);
    EXPECT_EQ(b.title, a.title);
    EXPECT_EQ(b.date, a.date);
    EXPECT_EQ(b.originator, a.originator);
    EXPECT_EQ(b.body, a.body);
    EXPECT_EQ(b.related_papers, a.related_papers);
    EXPECT_EQ(b.submitted_at, a.submitted_at);
    EXPECT_EQ(b.answered_at, a.answered_at);
    EXPECT_EQ(b.answer_reference, a.answer_reference);
    EXPECT_EQ(b.withdrawal_reason, a.withdrawal_reason);
    EXPECT_EQ(b.completion_note, a.completion_note);
    EXPECT_EQ(b.current_consultation, a.current_consultation);
    EXPECT_EQ(b.waiting_state, a.waiting_state);
    ASSERT_EQ(b.consultations.size(), a.consultations.size());
    for (std::size_t i = 0; i < a.consultations.size(); ++i) {
        SCOPED_TRACE("consultation " + std::to_string(i));
        const Consultation &x = a.consultations[i], &y = b.consultations[i];
        EXPECT_EQ(y.organization, x.organization);
        EXPECT_EQ(y.role, x.role);
        EXPECT_EQ(y.authoritative, x.authoritative);
        EXPECT_EQ(y.status, x.status);
        EXPECT_EQ(y.meeting_date, x.meeting_date);
        EXPECT_EQ(y.agenda_item, x.agenda_item);
        EXPECT_EQ(y.result, x.result);
    }
}

/// Versions, data (every field) and histories of every paper of @p engine.
std::map<std::string, std::vector<std::string>> histories(const PaperEngine& engine)
{
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& ref : engine.find(InstanceQuery{})) {
        auto& lines = out[ref];
        lines.push_back("version " + std::to_string(engine.version(ref)));
        const Paper data = engine.data(ref);
        lines.push_back("data " + paper::to_json(data).dump());
        lines.push_back("encoded " + encode(data));  // every field, to_json's or not
        for (const auto& h : engine.history(ref))
            lines.push_back(std::string(h.event) + " " + format_timestamp(h.at) + " " + h.actor.id + " " + h.payload);
    }
    return out;
}

class OparlImport : public ::testing::Test {
protected:
    Council original;
    Council imported;
    void SetUp() override { build_every_state(original); }
    std::vector<oparl::ImportSource> exported_list() const
    {
        return {{"export.json", oparl::as_list(oparl::export_papers(original.engine, {kBase})).dump(2)}};
    }
};

TEST_F(OparlImport, ARoundTripKeepsEveryPaperInEveryState)
{
    TempDir dir("kimflow-oparl");
    oparl::write_export(oparl::export_papers(original.engine, {kBase}), dir.path());
    const auto result = imported.import(sources_from(dir.path()));
    EXPECT_EQ(result.created, kEveryState);
    EXPECT_TRUE(result.advanced.empty());
    EXPECT_TRUE(result.unchanged.empty());
    for (const auto& ref : kEveryState) expect_same_paper(original.engine, imported.engine, ref);
    // The replay: the lifecycle's events, as the importer, at the data's times.
    const auto history = imported.engine.history("14/1923");
    std::vector<std::string> events;
    for (const auto& h : history) events.push_back(std::string(h.event));
    EXPECT_EQ(events, (std::vector<std::string>{"submit", "answer", "schedule", "acknowledge"}));
    EXPECT_EQ(history.at(0).actor, importer);
    EXPECT_EQ(history.at(1).at, parse_timestamp("2025-01-27T10:00:00Z"));
    EXPECT_EQ(history.at(3).at, parse_timestamp("2025-02-06T00:00:00Z"));  // the meeting's day
    // The Dringlichkeitsantrag missed the deadline: it goes on the agenda as urgent again.
    EXPECT_NE(imported.engine.history("14/2009").at(1).payload.find("urgent=true"), std::string::npos);
    // And exported again, it is the same OParl (but for the times of the replayed meetings).
    auto again = oparl::export_papers(imported.engine, {kBase});
    auto first = oparl::export_papers(original.engine, {kBase});
    EXPECT_EQ(again.meetings, first.meetings);
    EXPECT_EQ(again.organizations, first.organizations);
    for (std::size_t i = 0; i < first.papers.size(); ++i) {
        first.papers[i].erase("modified");
        again.papers[i].erase("modified");
        // What the import learned: where each paper and consultation came from.
        EXPECT_EQ(again.papers[i].at("kimflow:source").at("id"), first.papers[i].at("id"));
        EXPECT_EQ(again.papers[i].at("kimflow:source").at("oparlVersion"), "1.1");
        again.papers[i].erase("kimflow:source");
        // (A consultation the lifecycle planned again, after a postpone or refer, has none.)
        for (auto& c : again.papers[i]["consultation"]) {
            if (!c.contains("kimflow:sourceId")) continue;
            EXPECT_EQ(c.at("kimflow:sourceId"), c.at("id"));
            c.erase("kimflow:sourceId");
        }
        if (again.papers[i]["consultation"].empty()) again.papers[i].erase("consultation");
        EXPECT_EQ(again.papers[i], first.papers[i]);
    }
}

// Found by fuzz_oparl_import: a referral's result names the committee ("verwiesen an …"), and a
// committee whose name holds an outcome word came back withdrawn or postponed.
TEST(OparlRoundTrip, AReferralToACommitteeNamedWithAnOutcomeWordStaysAReferral)
{
    for (const std::string committee : {"Ausschuss für zurückgezogene Anträge", "Vertagte Sachen", "Kenntnisnahme"}) {
        SCOPED_TRACE(committee);
        Council original, imported;
        auto& e = original.engine;
        e.create("14/2011", paper_of(PaperType::antrag, "14/2011", {{kAusschuss, ConsultationRole::vorberatung}}),
                 fraktion);
        e.fire("14/2011", Submit{}, fraktion);
        original.schedule("14/2011", kAusschuss, "2025-02-06", "4");
        original.at("2025-02-06T18:00:00Z");
        e.fire("14/2011", Refer{committee, std::nullopt}, sitzungsdienst);
        original.at("2025-02-07T09:00:00Z");
        original.schedule("14/2011", committee, "2025-03-06", "3");
        ASSERT_EQ(e.state("14/2011"), "on_agenda");

        imported.import({{"export.json", oparl::as_list(oparl::export_papers(e, {kBase})).dump(2)}});
        expect_same_paper(e, imported.engine, "14/2011");
    }
}

// Found by fuzz_oparl_import: on one day the Hauptausschuss postpones the paper and the
// Ausschuss, earlier in the Beratungsfolge, puts it on its agenda the same evening. The waiting
// consultation must come after the treated one of that day, wherever it stands in the list.
TEST(OparlRoundTrip, ATreatmentAndAWaitingConsultationOnOneDayKeepTheirOrder)
{
    Council original, imported;
    auto& e = original.engine;
    e.create("14/2012",
             paper_of(PaperType::antrag, "14/2012",
                      {{kAusschuss, ConsultationRole::vorberatung}, {kHaupt, ConsultationRole::vorberatung}}),
             fraktion);
    e.fire("14/2012", Submit{}, fraktion);
    original.at("2025-01-10T09:00:00Z");
    // The Hauptausschuss goes first, out of the Beratungsfolge's order: the history says so, as
    // the import's does.
    original.schedule("14/2012", kHaupt, "2025-02-06", "3", false, std::string(oparl::skip_as_recorded));
    original.at("2025-02-06T17:00:00Z");
    e.fire("14/2012", Postpone{}, sitzungsdienst);
    original.at("2025-02-06T18:00:00Z");
    original.schedule("14/2012", kAusschuss, "2025-02-06", "5", true);
    ASSERT_EQ(e.state("14/2012"), "on_agenda");

    imported.import({{"export.json", oparl::as_list(oparl::export_papers(e, {kBase})).dump(2)}});
    expect_same_paper(e, imported.engine, "14/2012");
}

// Imported again, a paper keeps every field its lifecycle recorded: with the same objects; after
// fires of the council's own moved papers past them; and with objects the RIS changed but whose
// steps are the stored ones. Import adds only steps beyond the stored history, rewrites nothing.
TEST_F(OparlImport, ImportingAgainNeverRewritesAStoredPaper)
{
    const auto sources = exported_list();
    imported.import(sources);
    auto before = histories(imported.engine);
    const auto result = imported.import(sources);
    EXPECT_TRUE(result.created.empty());
    EXPECT_TRUE(result.advanced.empty());
    EXPECT_EQ(result.unchanged, kEveryState);
    EXPECT_EQ(histories(imported.engine), before);

    // Fires of its own: 14/1930 (answered) goes on an agenda, 14/1931 (submitted) is answered.
    imported.at("2025-06-02T09:00:00Z");
    imported.schedule("14/1930", kAusschuss, "2025-06-12", "7");
    imported.engine.fire("14/1931", Answer{"14/1931-A"}, verwaltung);
    before = histories(imported.engine);
    EXPECT_EQ(imported.import(sources).quarantined.size(), 2u) << "the data is older for these two";
    EXPECT_EQ(histories(imported.engine), before);
    // The RIS renamed and renumbered every paper, and has 14/1931 answered as 14/1931-1.
    json list = json::parse(sources.at(0).text);
    for (auto& o : list.at("data")) {
        if (!o.contains("reference")) continue;
        if (o["reference"] == "14/1931")
            o.update({{"kimflow:answerReference", "14/1931-1"}, {"kimflow:answeredAt", "2025-02-03T09:00:00Z"},
                      {"kimflow:state", "answered"}});
        o["name"] = "Neu: " + o["name"].get<std::string>();
        o["reference"] = "RIS-" + o["reference"].get<std::string>();
    }
    const auto changed = imported.import({{"changed.json", list.dump()}});
    std::string reasons;
    for (const auto& q : changed.quarantined) reasons += q.reference + ": " + q.reason + "\n";
    EXPECT_EQ(changed.unchanged.size(), kEveryState.size() - 1) << reasons;
    EXPECT_EQ(changed.quarantined.size(), 1u) << reasons;  // 14/1930, older still
    EXPECT_EQ(histories(imported.engine), before);
}

TEST_F(OparlImport, NewResultsAdvanceAnExistingPaper)
{
    // The Anfrage while it is on the agenda, and again after the meeting.
    Council council;
    council.engine.create("14/1923", paper_test::anfrage(), fraktion);
    council.engine.fire("14/1923", Submit{}, fraktion);
    council.at("2025-01-27T10:00:00Z");
    council.engine.fire("14/1923", Answer{"14/1923-1"}, verwaltung);
    council.schedule("14/1923", kAusschuss, "2025-02-06", "9.2");
    const std::string before = oparl::as_list(oparl::export_papers(council.engine)).dump();
    council.at("2025-02-06T18:00:00Z");
    council.engine.fire("14/1923", Acknowledge{}, sitzungsdienst);
    const std::string after = oparl::as_list(oparl::export_papers(council.engine)).dump();

    EXPECT_EQ(imported.import({{"before.json", before}}).created, std::vector<std::string>{"14/1923"});
    EXPECT_EQ(imported.engine.state("14/1923"), "on_agenda");
    const auto result = imported.import({{"after.json", after}});
    EXPECT_EQ(result.advanced, std::vector<std::string>{"14/1923"});
    EXPECT_EQ(imported.engine.state("14/1923"), "acknowledged");
    EXPECT_EQ(imported.engine.version("14/1923"), 4u);
    EXPECT_EQ(imported.import({{"after.json", after}}).unchanged, std::vector<std::string>{"14/1923"});
    // An older export does not move a paper back: it is quarantined, and says why.
    const auto older = imported.import({{"before.json", before}});
    ASSERT_EQ(older.quarantined.size(), 1u);
    EXPECT_EQ(older.quarantined[0].reference, "14/1923");
    EXPECT_NE(older.quarantined[0].reason.find("the data looks older than what is stored"), std::string::npos)
        << older.quarantined[0].reason;
    EXPECT_EQ(imported.engine.state("14/1923"), "acknowledged");
}

TEST_F(OparlImport, APaperWithADifferentHistoryIsQuarantinedAndTheOthersGoIn)
{
    imported.engine.create("14/1923", paper_test::anfrage(), fraktion);
    imported.engine.fire("14/1923", Submit{}, fraktion);
    imported.engine.fire("14/1923", Withdraw{"zurückgezogen"}, fraktion);
    const auto before = imported.engine.history("14/1923");
    const auto result = imported.import(exported_list());
    ASSERT_EQ(result.quarantined.size(), 1u);
    EXPECT_EQ(result.quarantined[0].reference, "14/1923");
    EXPECT_EQ(result.quarantined[0].file, "export.json");
    EXPECT_NE(result.quarantined[0].reason.find("exists with a different history (stored: submit, withdraw; "),
              std::string::npos)
        << result.quarantined[0].reason;
    EXPECT_EQ(result.created.size(), kEveryState.size() - 1);
    EXPECT_EQ(imported.engine.history("14/1923").size(), before.size());
    EXPECT_EQ(imported.engine.state("14/1923"), "withdrawn");
}

TEST_F(OparlImport, StrictlyAPaperWithADifferentHistoryIsRefusedAndNothingChanges)
{
    imported.engine.create("14/1923", paper_test::anfrage(), fraktion);
    imported.engine.fire("14/1923", Submit{}, fraktion);
    imported.engine.fire("14/1923", Withdraw{"zurückgezogen"}, fraktion);
    const auto before = histories(imported.engine);
    try {
        imported.import(exported_list(), true);
        FAIL() << "expected an ImportError";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "export.json");
        EXPECT_NE(std::string(e.what()).find("paper 14/1923 exists with a different history (stored: submit, withdraw; "
                                             "the data implies: submit, answer, schedule, acknowledge)"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(histories(imported.engine), before);  // the papers before 14/1923 were rolled back
    EXPECT_EQ(imported.engine.size(), 1u);
}

TEST_F(OparlImport, StrictlyOneBadFileAndNothingIsImported)
{
    const auto good = exported_list().front();
    const oparl::ImportSource bad{"bad.json",
                                  R"({"id": "https://x.example/paper/9", "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "9/2025", "paperType": "Antrag", "consultation": [{"organization": ["https://x.example/org/1"],
        "authoritative": "ja"}]})"};
    try {
        imported.import({good, bad}, true);
        FAIL() << "expected an ImportError";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "bad.json");
        EXPECT_EQ(e.field(), "consultation[0].authoritative");
        EXPECT_NE(std::string(e.what()).find("must be true or false"), std::string::npos) << e.what();
    }
    EXPECT_EQ(imported.engine.size(), 0u);
    // Without --strict the good papers go in and the bad one is quarantined, where it is.
    const auto partial = imported.import({good, bad});
    EXPECT_EQ(partial.created.size(), kEveryState.size());
    ASSERT_EQ(partial.quarantined.size(), 1u);
    EXPECT_EQ(partial.quarantined[0].file, "bad.json");
    EXPECT_EQ(partial.quarantined[0].path, "consultation[0].authoritative");
    EXPECT_EQ(partial.quarantined[0].id, "https://x.example/paper/9");
    Council fresh;

    // A contradiction found only while firing: the papers created before it are rolled back too.
    const oparl::ImportSource contradiction{"antwort.json", R"({"id": "https://x.example/paper/10",
        "type": "https://schema.oparl.org/1.1/Paper", "reference": "10/2025", "name": "Antwort", "paperType": "Antwort",
        "kimflow:answerReference": "10/2025-1"})"};
    try {
        fresh.import({good, contradiction}, true);
        FAIL() << "expected EventRejected";
    } catch (const GuardRejected& e) {
        EXPECT_EQ(std::string(e.what()).rfind("antwort.json: ", 0), 0u) << e.what();
        EXPECT_NE(std::string(e.what()).find("only an Anfrage is answered"), std::string::npos) << e.what();
    }
    EXPECT_EQ(fresh.engine.size(), 0u);
    EXPECT_EQ(fresh.clock->now(), parse_timestamp("2025-01-06T09:00:00Z"));  // the clock is not moved
    // Without --strict the contradicting paper is left out whole: not even created.
    const auto partial_fire = fresh.import({good, contradiction});
    ASSERT_EQ(partial_fire.quarantined.size(), 1u);
    EXPECT_EQ(partial_fire.quarantined[0].reference, "10/2025");
    EXPECT_NE(partial_fire.quarantined[0].reason.find("only an Anfrage is answered"), std::string::npos);
    EXPECT_FALSE(fresh.engine.contains("10/2025"));
    EXPECT_EQ(fresh.engine.size(), kEveryState.size());
}

/// Imports @p text as file `in.json`; expects an ImportError naming @p field and saying @p says.
void expect_import_error(Council& c, const std::string& text, const std::string& field, const std::string& says)
{
    SCOPED_TRACE(text);
    try {
        c.import({{"in.json", text}}, true);
        ADD_FAILURE() << "expected an ImportError";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "in.json");
        EXPECT_EQ(e.field(), field) << e.what();
        EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).rfind("in.json: " + field, 0), 0u) << e.what();
    }
    EXPECT_EQ(c.engine.size(), 0u);
}

std::string paper_json(const std::string& fields)
{
    return R"({"id": "https://x.example/paper/1", "type": "https://schema.oparl.org/1.1/Paper", "reference": "1/2025",
               "name": "Betreff", "paperType": "Antrag")" +
           (fields.empty() ? std::string() : ", " + fields) + "}";
}

TEST_F(OparlImport, MalformedInputIsReportedByFileAndField)
{
    Council& c = imported;
    expect_import_error(c, "{\"id\": ", "", "not valid JSON (parse error at line 1, column 8");
    expect_import_error(c, R"([{"type": "https://schema.oparl.org/1.1/Person"}, 5])", "[1]", "must be an OParl object");
    expect_import_error(
        c, R"({"data": [{"type": "https://schema.oparl.org/1.1/File"}, )" + paper_json(R"("name": 5)") + "]}",
        "data[1].name", "must be a text (JSON string), not a number");
    expect_import_error(c, paper_json(R"("date": "2025-02-30")"), "date", "'2025-02-30' is not a date");
    expect_import_error(c, paper_json(R"("date": "06.02.2025")"), "date", "YYYY-MM-DD");
    expect_import_error(c, paper_json(R"("created": "yesterday")"), "created", "is not a date-time");
    expect_import_error(c, paper_json(R"("consultation": 5)"), "consultation", "must be a list (JSON array)");
    expect_import_error(c, paper_json(R"("consultation": [5])"), "consultation[0]", "must be an OParl object");
    expect_import_error(
        c, paper_json(R"("consultation": [{"organization": ["https://x.example/o/1"], "authoritative": "ja"}])"),
        "consultation[0].authoritative", "must be true or false");
    expect_import_error(c, paper_json(R"("relatedPaper": 5)"), "relatedPaper", "must be a list (JSON array) of texts");
    expect_import_error(c, paper_json(R"("kimflow:state": "archived")"), "kimflow:state",
                        "is not a state of the paper lifecycle");
    expect_import_error(c, R"({"type": "https://schema.oparl.org/1.1/Paper", "paperType": "Antrag"})", "reference",
                        "give its Drucksachennummer");
    // A result kimflow cannot read is a warning where it is, in the meeting's agenda item; the
    // paper goes in, on that meeting's agenda, with no result recorded.
    const auto result = c.import({{"paper.json", paper_json(R"("consultation": [{"id": "https://x.example/c/1",
                      "organization": ["https://x.example/o/1"], "meeting": "https://x.example/m/1"}])")},
                  {"meeting.json", R"({"id": "https://x.example/m/1", "type": "https://schema.oparl.org/1.1/Meeting",
                      "start": "2025-03-01T17:00:00+01:00", "agendaItem": [{"id": "https://x.example/ai/1",
                      "type": "https://schema.oparl.org/1.1/AgendaItem", "consultation": "https://x.example/c/1",
                      "result": "Kaffeepause"}]})"}},
                                  true);
    EXPECT_EQ(result.created, std::vector<std::string>{"1/2025"});
    EXPECT_EQ(c.engine.state("1/2025"), "on_agenda");
    EXPECT_EQ(c.engine.data("1/2025").consultations.at(0).result, "");
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_EQ(result.warnings[0].file, "meeting.json");
    EXPECT_EQ(result.warnings[0].path, "agendaItem[0].result");
    EXPECT_NE(result.warnings[0].reason.find("'Kaffeepause' names no outcome kimflow knows"), std::string::npos)
        << result.warnings[0].reason;
}

TEST_F(OparlImport, UnknownFieldsNullsAndOtherTypesAreIgnored)
{
    const auto result =
        imported.import(
            {{"mixed.json",
              R"([{"id": "https://x.example/person/1", "type": "https://schema.oparl.org/1.1/Person", "name": 5},
            {"type": "https://schema.oparl.org/1.1/System", "oparlVersion": "https://schema.oparl.org/1.1/"},
            )" + paper_json(R"("date": null, "mainFile": {"id": "https://x.example/f/1"}, "x-ris:intern": [1, 2],
                                "keyword": ["Integration"])") +
                  "]"}});
    EXPECT_EQ(result.created, std::vector<std::string>{"1/2025"});
    EXPECT_EQ(imported.engine.state("1/2025"), "submitted");
    EXPECT_FALSE(imported.engine.data("1/2025").date);
}

TEST_F(OparlImport, ProgressIsToldAfterEachPaper)
{
    std::vector<std::pair<std::size_t, std::size_t>> told;
    oparl::ImportOptions options;
    options.progress = [&](std::size_t done, std::size_t total) { told.emplace_back(done, total); };
    oparl::import_papers(imported.engine, exported_list(), importer, options);
    const std::size_t n = kEveryState.size();
    ASSERT_EQ(told.size(), n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(told[i], std::make_pair(i + 1, n));
}

TEST_F(OparlImport, TheStateComesFromTheStandardFields)
{
    // Hand-written OParl as a council information system publishes it: an Anfrage with its
    // Antwort, a Vorlage through two committees, and a meeting that postponed and referred.
    const auto result = imported.import(sources_from(kFixtures + "/ratsinfo.json"));
    EXPECT_EQ(result.created, (std::vector<std::string>{"14/1923", "14/1923-1", "14/2010", "14/2011"}));

    const Paper anfrage = imported.engine.data("14/1923");
    EXPECT_EQ(imported.engine.state("14/1923"), "acknowledged");
    EXPECT_EQ(anfrage.type, PaperType::anfrage);  // "Fraktionsanfrage"
    EXPECT_EQ(anfrage.title, "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet");
    EXPECT_EQ(anfrage.date, parse_date("2025-01-06"));
    EXPECT_EQ(anfrage.originator, "Fraktion Die Linke");
    EXPECT_EQ(anfrage.body, "Regionalverband Ruhr");
    EXPECT_EQ(anfrage.related_papers, std::vector<std::string>{"14/1923-1"});
    EXPECT_EQ(anfrage.answer_reference, "14/1923-1");
    EXPECT_EQ(anfrage.answered_at, parse_timestamp("2025-01-27T00:00:00Z"));  // the Antwort's date
    ASSERT_EQ(anfrage.consultations.size(), 1u);
    EXPECT_EQ(anfrage.consultations[0].organization, kAusschuss);
    EXPECT_EQ(anfrage.consultations[0].role, ConsultationRole::kenntnisnahme);  // "zur Kenntnis"
    EXPECT_EQ(anfrage.consultations[0].meeting_date, parse_date("2025-02-06"));
    EXPECT_EQ(anfrage.consultations[0].agenda_item, "9.2");
    EXPECT_EQ(anfrage.consultations[0].result, "zur Kenntnis genommen");
    std::vector<std::string> events;
    for (const auto& h : imported.engine.history("14/1923")) events.push_back(std::string(h.event));
    EXPECT_EQ(events, (std::vector<std::string>{"submit", "answer", "schedule", "acknowledge"}));

    EXPECT_EQ(imported.engine.state("14/1923-1"), "submitted");
    EXPECT_EQ(imported.engine.data("14/1923-1").type, PaperType::antwort);

    // The Vorlage: recommended in the Ausschuss (dated six days before it: urgent), decided in
    // the Verbandsversammlung, whose Beschlussfassung is the Entscheidung.
    EXPECT_EQ(imported.engine.state("14/2010"), "decided");
    const Paper vorlage = imported.engine.data("14/2010");
    EXPECT_EQ(vorlage.type, PaperType::beschlussvorlage);
    ASSERT_EQ(vorlage.consultations.size(), 2u);
    EXPECT_EQ(vorlage.consultations[0].result, "einstimmig empfohlen");
    EXPECT_EQ(vorlage.consultations[1].organization, kRat);
    EXPECT_EQ(vorlage.consultations[1].role, ConsultationRole::entscheidung);
    EXPECT_EQ(vorlage.consultations[1].result, "mit Änderungen beschlossen");
    EXPECT_NE(imported.engine.history("14/2010").at(1).payload.find("urgent=true"), std::string::npos);

    // The Antrag: vertagt, then verwiesen to the next committee of its Beratungsfolge, where it waits.
    EXPECT_EQ(imported.engine.state("14/2011"), "on_agenda");
    const Paper antrag = imported.engine.data("14/2011");
    std::vector<std::string> results;
    for (const auto& c : antrag.consultations) results.push_back(c.organization + ": " + c.result);
    EXPECT_EQ(results, (std::vector<std::string>{kAusschuss + ": vertagt", kAusschuss + ": verwiesen an " + kHaupt,
                                                 kHaupt + ": ", kRat + ": "}));
    EXPECT_EQ(antrag.consultations[2].status, ConsultationStatus::scheduled);
    EXPECT_EQ(antrag.consultations[2].agenda_item, "3");
    EXPECT_EQ(antrag.consultations[3].status, ConsultationStatus::planned);
}

TEST_F(OparlImport, TheOfficialExamples)
{
    if (!fs::exists(kShared + "/oparl/examples/Paper-01.json"))
        KIMFLOW_SKIP_WITHOUT("the OParl examples are not in " << kShared
                                                              << "/oparl/examples; set KIMFLOW_SHARED_DIR to the shared folder");
    // Every example together: the Paper, and Meeting-01 (whose agenda item lacks `order`),
    // Organization-01, Body-01, Person-01, File-01, Location-01, System-01 beside it.
    const auto result = imported.import(sources_from(kShared + "/oparl/examples"));
    EXPECT_EQ(result.created, std::vector<std::string>{"1234/2014"});
    EXPECT_EQ(imported.engine.state("1234/2014"), "submitted");  // its meeting is not given
    const Paper p = imported.engine.data("1234/2014");
    EXPECT_EQ(p.type, PaperType::antwort);  // "Beantwortung einer Anfrage"
    EXPECT_EQ(p.title, "Antwort auf Anfrage 1200/2014");
    EXPECT_EQ(p.date, parse_date("2014-04-04"));
    EXPECT_EQ(p.submitted_at, parse_timestamp("2014-04-04T00:00:00Z"));
    EXPECT_EQ(p.related_papers, std::vector<std::string>{"https://oparl.example.org/paper/699"});
    EXPECT_EQ(p.originator, "https://oparl.example.org/organization/2000; https://oparl.example.org/organization/1000");
    EXPECT_EQ(p.body, "https://oparl.example.org/bodies/1");
    ASSERT_EQ(p.consultations.size(), 1u);
    EXPECT_EQ(p.consultations[0].role, ConsultationRole::entscheidung);  // "Beschlussfassung"
    EXPECT_EQ(p.consultations[0].organization, "https://oparl.example.org/organization/96");
    EXPECT_FALSE(p.consultations[0].authoritative);
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::planned);
    EXPECT_EQ(imported.engine.history("1234/2014").at(0).at, parse_timestamp("2014-04-04T00:00:00Z"));

    // The meeting alone imports nothing and is no error.
    const auto meeting = imported.import(sources_from(kShared + "/oparl/examples/Meeting-01.json"));
    EXPECT_TRUE(meeting.created.empty() && meeting.advanced.empty() && meeting.unchanged.empty());
    // Again, all of them: nothing new.
    EXPECT_EQ(imported.import(sources_from(kShared + "/oparl/examples")).unchanged,
              std::vector<std::string>{"1234/2014"});
}

}  // namespace
