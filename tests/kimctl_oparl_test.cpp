// End-to-end tests of kimctl's OParl import report: the table for people, --json for scripts,
// exit code 8 for a partial import, and a body's vocabulary file.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kimctl_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kimctl_test;

/// A list page as an SD.NET-style RIS serves it in OParl 1.0: a paper of a type no default
/// vocabulary maps, one whose result names two outcomes, a tombstone and a broken object.
const char* const kPage = R"({"data": [
  {"id": "https://ris.example.de/oparl/v1/paper/7001", "type": "https://schema.oparl.org/1.0/Paper",
   "reference": "VO/2024/0815", "name": "Niederschrift über die Sitzung", "paperType": "Niederschrift",
   "date": "2024-03-05", "created": "2000-01-01T00:00:00+01::00"},
  {"id": "https://ris.example.de/oparl/v1/paper/7002", "type": "https://schema.oparl.org/1.0/Paper",
   "reference": "VO/2024/0816", "name": "Radweg Hauptstraße", "paperType": "Beschlussvorlage Rat",
   "date": "2024-03-06", "consultation": [{"id": "https://ris.example.de/oparl/v1/consultation/9",
   "organization": "https://ris.example.de/oparl/v1/organization/1", "role": "Beratung", "authoritative": true,
   "meeting": "https://ris.example.de/oparl/v1/meeting/3"}]},
  {"id": "https://ris.example.de/oparl/v1/paper/7003", "deleted": true, "created": "2024-01-01T10:00:00+01:00",
   "modified": "2024-02-01T10:00:00+01:00"},
  {"id": "https://ris.example.de/oparl/v1/paper/7004", "type": "https://schema.oparl.org/1.0/Paper",
   "reference": 4711, "paperType": "Antrag"},
  {"id": "https://ris.example.de/oparl/v1/organization/1", "type": "https://schema.oparl.org/1.0/Organization",
   "name": "Rat der\nStadt"},
  {"id": "https://ris.example.de/oparl/v1/meeting/3", "type": "https://schema.oparl.org/1.0/Meeting",
   "start": "2024-04-10T17:00:00+02:00", "end": "2024-04-10T00:00:00+02:00",
   "agendaItem": [{"id": "https://ris.example.de/oparl/v1/agendaitem/31", "number": "7.110", "order": "3",
     "consultation": "https://ris.example.de/oparl/v1/consultation/9", "result": "a) beschlossen b) abgelehnt"}]}
]})";

TEST_F(Kimctl, TheImportReportListsWhatWasLeftOutAndWhy)
{
    TempDir dir("kimctl-oparl");
    std::ofstream(dir / "page.json") << kPage;
    const Result r = run(importer(dir) + Args{"import", "oparl", dir / "page.json"});
    EXPECT_EQ(r.exit, 8) << describe(r);
    EXPECT_NE(r.out.find("2 Drucksachen neu, 0 fortgeschrieben, 0 unverändert, 1 übersprungen, 1 in Quarantäne"),
              std::string::npos)
        << r.out;
    for (const char* cell : {"Quarantäne", "data[3].reference", "übersprungen", "data[2]", "Hinweis",
                             "'Niederschrift' is not in the vocabulary", "names no outcome"})
        EXPECT_NE(r.out.find(cell), std::string::npos) << cell << "\n" << r.out;
    EXPECT_EQ(show("paper", "VO/2024/0815")["data"]["type"], "Sonstige");
    EXPECT_EQ(show("paper", "VO/2024/0815")["data"]["type_name"], "Niederschrift");
    const json vorlage = show("paper", "VO/2024/0816");
    EXPECT_EQ(vorlage["state"], "on_agenda") << "the ambiguous result moves it no further";
    EXPECT_EQ(vorlage["data"]["consultations"][0]["organization"], "Rat der Stadt");
    EXPECT_EQ(vorlage["data"]["consultations"][0]["agenda_item"], "7.110");
    EXPECT_EQ(vorlage["data"]["source"]["oparl_version"], "1.0");
}

TEST_F(Kimctl, TheImportReportAsJsonForScripts)
{
    TempDir dir("kimctl-oparl");
    std::ofstream(dir / "page.json") << kPage;
    const Result r = run(importer(dir) + Args{"import", "oparl", dir / "page.json", "--json"});
    EXPECT_EQ(r.exit, 8) << describe(r);
    const json report = json::parse(r.out);
    EXPECT_EQ(report["created"], json::array({"VO/2024/0815", "VO/2024/0816"}));
    ASSERT_EQ(report["quarantined"].size(), 1u);
    EXPECT_EQ(report["quarantined"][0]["file"], dir / "page.json");
    EXPECT_EQ(report["quarantined"][0]["path"], "data[3].reference");
    EXPECT_EQ(report["quarantined"][0]["id"], "https://ris.example.de/oparl/v1/paper/7004");
    ASSERT_EQ(report["skipped"].size(), 1u);
    EXPECT_EQ(report["skipped"][0]["id"], "https://ris.example.de/oparl/v1/paper/7003");
    EXPECT_EQ(report["warnings"].size(), 2u) << report.dump(2);
    EXPECT_EQ(report["versions"]["1.0"], 5) << "the tombstone has no type to say its version";
    EXPECT_EQ(report["context_objects"], 2);
    // Again: what went in is unchanged, the rest is reported again.
    const json again = json::parse(run(importer(dir) + Args{"import", "oparl", dir / "page.json", "--json"}).out);
    EXPECT_EQ(again["unchanged"].size(), 2u);
    EXPECT_TRUE(again["created"].empty());
}

TEST_F(Kimctl, ABodysVocabularyFileMapsItsOwnWords)
{
    TempDir dir("kimctl-oparl");
    std::ofstream(dir / "page.json") << kPage;
    std::ofstream(dir / "bad.json") << R"({"paperType": {"Niederschrift": "Protokoll"}})";
    const Result bad =
        run(importer(dir) + Args{"import", "oparl", "--vocabulary", dir / "bad.json", dir / "page.json"});
    EXPECT_EQ(bad.exit, 2) << describe(bad);
    EXPECT_NE(bad.err.find("paperType.Niederschrift: 'Protokoll' is not one of: Anfrage"), std::string::npos)
        << bad.err;
    EXPECT_TRUE(ids(kSitzungsdienst, {"list", "paper"}).empty()) << "a bad vocabulary imports nothing";

    std::ofstream(dir / "herne.json")
        << R"({"paperType": {"Niederschrift": "Bericht"}, "result": {"a) beschlossen b) abgelehnt": "decide"}})";
    const Result r =
        run(importer(dir) + Args{"import", "oparl", "--vocabulary", dir / "herne.json", dir / "page.json", "--json"});
    EXPECT_EQ(r.exit, 8) << describe(r);
    EXPECT_TRUE(json::parse(r.out)["warnings"].empty()) << r.out;
    EXPECT_EQ(show("paper", "VO/2024/0815")["data"]["type"], "Bericht");
    EXPECT_EQ(show("paper", "VO/2024/0816")["state"], "decided");
}

TEST_F(Kimctl, AVocabularyKeptInTheDatabaseServesEveryImport)
{
    TempDir dir("kimctl-oparl");
    std::ofstream(dir / "page.json") << kPage;
    std::ofstream(dir / "herne.json") << R"({"paperType": {"Niederschrift": "Bericht"}})";
    std::ofstream(dir / "bad.json") << R"({"role": {"Beratung": "Mitberatung"}})";
    // Keeping one is configuring papers: the importer may, the Sitzungsdienst may not.
    const Result refused = run(kSitzungsdienst + Args{"vocabulary", "oparl", dir / "herne.json"});
    EXPECT_EQ(refused.exit, 7) << describe(refused);
    const Result bad = run(importer(dir) + Args{"vocabulary", "oparl", dir / "bad.json"});
    EXPECT_EQ(bad.exit, 2) << describe(bad);
    EXPECT_NE(bad.err.find("role.Beratung: 'Mitberatung' is not one of"), std::string::npos) << bad.err;
    EXPECT_EQ(json::parse(ok(kSitzungsdienst + Args{"vocabulary", "oparl", "--json"}).out)["role"]["Beratung"],
              "Vorberatung")
        << "a refused file changes nothing";

    const json kept = json::parse(ok(importer(dir) + Args{"vocabulary", "oparl", dir / "herne.json", "--json"}).out);
    EXPECT_EQ(kept["paperType"]["Niederschrift"], "Bericht");
    EXPECT_EQ(kept["paperType"]["Anfrage"], "Anfrage") << "the defaults stay";
    run(importer(dir) + Args{"import", "oparl", dir / "page.json"});
    EXPECT_EQ(show("paper", "VO/2024/0815")["data"]["type"], "Bericht");

    ok(importer(dir) + Args{"vocabulary", "oparl", "--reset"});
    EXPECT_FALSE(json::parse(ok(kSitzungsdienst + Args{"vocabulary", "oparl", "--json"}).out)["paperType"].contains(
        "Niederschrift"));
}

TEST_F(Kimctl, ExportWritesOnlyNewFilesAndFollowsNoSymlink)
{
    tell_14_1923();
    TempDir out("kimctl-export"), elsewhere("kimctl-victim");
    const std::string victim = elsewhere / "victim.txt";
    std::ofstream(victim) << "unverändert";
    std::filesystem::create_symlink(victim, out / "paper-14_1923.json");
    const Result refused = run(kSitzungsdienst + Args{"export", "oparl", "-o", out.path()});
    EXPECT_NE(refused.exit, 0) << describe(refused);
    EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
    EXPECT_EQ(read_text(victim), "unverändert");
    EXPECT_TRUE(std::filesystem::is_symlink(out / "paper-14_1923.json"));
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(out.path())) names.insert(e.path().filename());
    EXPECT_EQ(names, std::set<std::string>{"paper-14_1923.json"}) << "nothing else written, no temporary left";

    // Into an empty folder it writes; a second export does not overwrite what is there.
    std::filesystem::remove(out / "paper-14_1923.json");
    ok(kSitzungsdienst + Args{"export", "oparl", "-o", out.path()});
    ASSERT_TRUE(std::filesystem::is_regular_file(out / "paper-14_1923.json"));
    std::ofstream(out / "paper-14_1923.json") << "von Hand";
    const Result again = run(kSitzungsdienst + Args{"export", "oparl", "-o", out.path()});
    EXPECT_NE(again.exit, 0) << describe(again);
    EXPECT_EQ(read_text(out / "paper-14_1923.json"), "von Hand");
}

}  // namespace
