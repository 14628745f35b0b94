// OParl import against council information systems (RIS) as they publish: one test per quirk of
// SD.NET, SessionNet, ALLRIS and more!rubin output in what the data says (OParl versions, the
// open vocabularies, results written as prose, tombstones, partial import), each with a small
// hand-written fixture (see oparl_fixture.hpp for its `{ris}`, `{1.0}`, `{1.1}` shorthands), and
// what import must make of it. The quirks of times, shapes, links and identity are in
// oparl_structure_test.cpp.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oparl_fixture.hpp"

namespace {

using namespace oparl_fixture;

// ------------------------------------------------------------------------------ versions

TEST(OparlQuirks, OParl10ObjectsImportLikeOParl11AndOneFileMixesBoth)
{
    Council c;
    const auto r = c.import({file("papers.json", R"({"data": [
      {"id": "{ris}organization/7", "type": "{1.0}Organization", "name": "SPD-Fraktion"},
      {"id": "{ris}paper/101", "type": "{1.0}Paper", "reference": "0101/2024", "name": "Radweg an der Ringstraße",
       "paperType": "Antrag", "date": "2024-05-02", "originatorOrganization": ["{ris}organization/7"],
       "modified": "2024-05-03T09:30:00+02:00"},
      {"id": "{ris}paper/102", "type": "{1.1}Paper", "reference": "0102/2024", "name": "Haushaltssatzung 2025",
       "paperType": "Beschlussvorlage", "date": "2024-05-06"},
      {"id": "{ris}paper/103", "type": "{1.0}Paper", "reference": "0103/2024", "name": "Spielplatz Lindenweg",
       "paperType": "Anfrage", "date": "2024-05-07"}]})")});
    EXPECT_EQ(r.created, (Refs{"0101/2024", "0102/2024", "0103/2024"})) << describe(r);
    EXPECT_EQ(r.versions, (std::map<std::string, std::size_t>{{"1.0", 3}, {"1.1", 1}}));
    const Paper p = c.engine.data("0101/2024");
    EXPECT_EQ(c.state("0101/2024"), "submitted");
    EXPECT_EQ(p.originator, "SPD-Fraktion");  // named by the 1.0 Organization
    EXPECT_EQ(p.source.id, "https://ris.example.de/oparl/paper/101");
    EXPECT_EQ(p.source.oparl_version, "1.0");
    EXPECT_EQ(p.source.system, "https://ris.example.de");
    EXPECT_EQ(p.source.modified, parse_timestamp("2024-05-03T07:30:00Z"));
    EXPECT_EQ(c.engine.data("0102/2024").source.oparl_version, "1.1");
    EXPECT_EQ(c.engine.data("0103/2024").source.oparl_version, "1.0");
}

// ------------------------------------------------------------------------------ vocabularies

TEST(OparlQuirks, OpenPaperTypesMapToKindsAndKeepTheirText)
{
    Council c;
    const std::map<std::string, PaperType> expected = {{"Beschlussvorlage Rat", PaperType::beschlussvorlage},
                                                       {"Änderungs-/Ergänzungsantrag", PaperType::aenderungsantrag},
                                                       {"Anfrage nach § 4 BV6 (CDU)", PaperType::anfrage},
                                                       {"Fraktionsanfrage Antwort", PaperType::antwort}};
    const auto r = c.import({file("papers.json", R"x([
      {"id": "{ris}paper/1", "type": "{1.1}Paper", "reference": "1/2025", "name": "Bebauungsplan 112",
       "paperType": "Beschlussvorlage Rat", "date": "2025-01-08"},
      {"id": "{ris}paper/2", "type": "{1.1}Paper", "reference": "2/2025", "name": "Ergänzung zum Bebauungsplan 112",
       "paperType": "Änderungs-/Ergänzungsantrag", "date": "2025-01-09"},
      {"id": "{ris}paper/3", "type": "{1.1}Paper", "reference": "3/2025", "name": "Parken am Stadtpark",
       "paperType": "Anfrage nach § 4 BV6 (CDU)", "date": "2025-01-09"},
      {"id": "{ris}paper/4", "type": "{1.1}Paper", "reference": "4/2025", "name": "Antwort: Parken am Stadtpark",
       "paperType": "Fraktionsanfrage Antwort", "date": "2025-01-20"}])x")});
    ASSERT_EQ(r.created.size(), 4u) << describe(r);
    for (const auto& ref : r.created) {
        const Paper p = c.engine.data(ref);
        SCOPED_TRACE(p.type_name);
        ASSERT_EQ(expected.count(p.type_name), 1u);  // kept verbatim
        EXPECT_EQ(p.type, expected.at(p.type_name));
    }
}

TEST(OparlQuirks, AnUnmappedPaperTypeIsImportedAsSonstigeWithAWarning)
{
    Council c;
    const auto r = c.import({file("papers.json", R"([{"id": "{ris}paper/9", "type": "{1.1}Paper",
        "reference": "NS/2025/003", "paperType": "Niederschrift", "name": "Niederschrift über die 3. Sitzung des Rates",
        "date": "2025-02-14"}])")});
    EXPECT_EQ(r.created, Refs{"NS/2025/003"}) << describe(r);
    EXPECT_EQ(c.engine.data("NS/2025/003").type, PaperType::sonstige);
    EXPECT_EQ(c.engine.data("NS/2025/003").type_name, "Niederschrift");
    EXPECT_TRUE(about(r.warnings, "https://ris.example.de/oparl/paper/9") || about(r.warnings, "NS/2025/003"))
        << describe(r);
}

TEST(OparlQuirks, TheRoleBeratungIsAVorberatung)
{
    Council c;
    const auto r = c.import({antrag_page("p.json", "51", R"(, "consultation": [{"id": "{ris}consultation/511",
        "type": "{1.1}Consultation", "organization": ["{ris}organization/bau"], "role": "Beratung"}])")});
    ASSERT_EQ(r.created, Refs{"0051/2025"}) << describe(r);
    EXPECT_EQ(c.engine.data("0051/2025").consultations.at(0).role, ConsultationRole::vorberatung);
}

TEST(OparlQuirks, AnUnmappedRoleIsImportedWithAWarningAsEntscheidungOrKenntnisnahme)
{
    Council c;
    const auto r = c.import({antrag_page("p.json", "52", R"(, "consultation": [
        {"id": "{ris}consultation/521", "organization": ["{ris}organization/bv6"], "role": "Bürgerbeteiligung"},
        {"id": "{ris}consultation/522", "organization": ["{ris}organization/rat"], "authoritative": true,
         "role": "Abschließende Befassung"}])")});
    ASSERT_EQ(r.created, Refs{"0052/2025"}) << describe(r);
    const Paper p = c.engine.data("0052/2025");
    ASSERT_EQ(p.consultations.size(), 2u);
    EXPECT_EQ(p.consultations[0].role, ConsultationRole::kenntnisnahme);
    EXPECT_EQ(p.consultations[1].role, ConsultationRole::entscheidung);
    EXPECT_FALSE(r.warnings.empty()) << describe(r);
}

TEST(OparlQuirks, AnExtendedVocabularyChangesTheMapping)
{
    const auto page = file("p.json", R"([{"id": "{ris}paper/31", "type": "{1.1}Paper", "reference": "BV/0031/2025",
        "name": "Parkraumkonzept Innenstadt", "paperType": "Vorlage BV", "date": "2025-03-03"}])");
    Council plain, configured;
    plain.import({page});
    oparl::ImportOptions options;
    options.vocabulary.extend(R"({"paperType": {"Vorlage BV": "Antrag"}})", "test");
    const auto r = configured.import({page}, options);
    ASSERT_EQ(r.created, Refs{"BV/0031/2025"}) << describe(r);
    EXPECT_NE(plain.engine.data("BV/0031/2025").type, PaperType::antrag);
    EXPECT_EQ(configured.engine.data("BV/0031/2025").type, PaperType::antrag);
    EXPECT_EQ(configured.engine.data("BV/0031/2025").type_name, "Vorlage BV");
}

TEST(OparlQuirks, ABadVocabularyIsAVocabularyErrorAndChangesNothing)
{
    oparl::Vocabulary v;
    EXPECT_THROW(v.extend(R"({"paperType": {"Vorlage BV": "Kaffee"}})", "bad.json"), oparl::VocabularyError);
    EXPECT_THROW(v.extend(R"({"paperType": )", "broken.json"), oparl::VocabularyError);
    EXPECT_THROW(v.extend(R"({"sitzungsart": {"Sondersitzung": "Rat"}})", "section.json"), oparl::VocabularyError);
    EXPECT_THROW(v.extend(R"({"role": {"Beratung": "Mitzeichnung"}})", "role.json"), oparl::VocabularyError);
    EXPECT_THROW(v.extend(R"({"result": {"*geschoben*": "later"}})", "result.json"), oparl::VocabularyError);
    // All or nothing: the good entry beside a bad one does not stay.
    EXPECT_THROW(v.extend(R"({"paperType": {"Vorlage BV": "Antrag", "Vorlage X": "Kaffee"}})", "half.json"),
                 oparl::VocabularyError);
    EXPECT_NE(v.paper_type("Vorlage BV"), std::optional<PaperType>(PaperType::antrag));
}

// ------------------------------------------------------------------------------ results as prose

TEST(OparlQuirks, EinstimmigWithTheVoteCountGluedOnDecides)
{
    Council c;  // the vote count follows the result without a blank
    const auto r = c.import(rat_treats("Einstimmig15 Ja-Stimmen, 0 Nein-Stimmen"));
    ASSERT_EQ(r.created, Refs{"0300/2025"}) << describe(r);
    EXPECT_EQ(c.state("0300/2025"), "decided");
    EXPECT_EQ(c.engine.data("0300/2025").consultations.at(0).meeting_date, parse_date("2025-03-20"));
}

TEST(OparlQuirks, InDieAusschuesseVerwiesenRefersThePaperBack)
{
    Council c;
    const auto r = c.import({file("papers.json", R"({"data": [{"id": "{ris}paper/310", "type": "{1.1}Paper",
        "reference": "0310/2025", "name": "Gestaltungssatzung Altstadt", "paperType": "Beschlussvorlage",
        "date": "2025-01-20", "consultation": [
        {"id": "{ris}consultation/3101", "organization": ["{ris}organization/bau"], "role": "Vorberatung",
         "meeting": "{ris}meeting/bau-0211", "agendaItem": "{ris}agendaitem/3102"},
        {"id": "{ris}consultation/3102", "organization": ["{ris}organization/rat"], "role": "Entscheidung",
         "authoritative": true, "meeting": "{ris}meeting/rat-0320", "agendaItem": "{ris}agendaitem/3207"},
        {"id": "{ris}consultation/3103", "organization": ["{ris}organization/bau"], "role": "Vorberatung"}]}]})"),
                             file("meetings.json", R"([
        {"id": "{ris}meeting/bau-0211", "type": "{1.1}Meeting", "start": "2025-02-11T16:00:00+01:00",
         "agendaItem": [{"id": "{ris}agendaitem/3102", "number": "3", "order": 3, "result": "empfohlen"}]},
        {"id": "{ris}meeting/rat-0320", "type": "{1.1}Meeting", "start": "2025-03-20T17:00:00+01:00",
         "agendaItem": [{"id": "{ris}agendaitem/3207", "number": "7", "order": 7,
                         "result": "in die Ausschüsse verwiesen"}]}])")});
    ASSERT_EQ(r.created, Refs{"0310/2025"}) << describe(r);
    EXPECT_EQ(c.state("0310/2025"), "submitted");
    EXPECT_EQ(c.events("0310/2025").back(), "refer");
}

TEST(OparlQuirks, AResultNamingTwoOutcomesLeavesThePaperWhereItWasAndWarns)
{
    Council c;
    const auto r = c.import(rat_treats("a) beschlossen b) abgelehnt"));
    ASSERT_EQ(r.created, Refs{"0300/2025"}) << describe(r);
    EXPECT_TRUE(c.state("0300/2025") == "on_agenda" || c.state("0300/2025") == "submitted") << c.state("0300/2025");
    EXPECT_FALSE(r.warnings.empty()) << describe(r);
}

TEST(OparlQuirks, TheResultOhneLeavesThePaperWhereItWasAndWarns)
{
    Council c;
    const auto r = c.import(rat_treats("ohne"));
    ASSERT_EQ(r.created, Refs{"0300/2025"}) << describe(r);
    EXPECT_TRUE(c.state("0300/2025") == "on_agenda" || c.state("0300/2025") == "submitted") << c.state("0300/2025");
    EXPECT_FALSE(r.warnings.empty()) << describe(r);
}

TEST(OparlQuirks, ZurKenntnisGenommenOnTheLastKenntnisnahmeAcknowledges)
{
    Council c;
    const auto r = c.import({file("all.json", R"([{"id": "{ris}paper/320", "type": "{1.1}Paper",
        "reference": "0320/2025", "name": "Quartalsbericht Kita-Ausbau", "paperType": "Mitteilungsvorlage",
        "date": "2025-01-27", "consultation": [
        {"id": "{ris}consultation/3201", "organization": ["{ris}organization/jha"], "role": "Kenntnisnahme",
         "meeting": "{ris}meeting/jha-0213", "agendaItem": "{ris}agendaitem/3211"},
        {"id": "{ris}consultation/3202", "organization": ["{ris}organization/rat"], "role": "Kenntnisnahme",
         "meeting": "{ris}meeting/rat-0320", "agendaItem": "{ris}agendaitem/3212"}]},
      {"id": "{ris}meeting/jha-0213", "type": "{1.1}Meeting", "start": "2025-02-13T16:00:00+01:00", "agendaItem": [
       {"id": "{ris}agendaitem/3211", "number": "4", "order": 4, "result": "zur Kenntnis genommen"}]},
      {"id": "{ris}meeting/rat-0320", "type": "{1.1}Meeting", "start": "2025-03-20T17:00:00+01:00", "agendaItem": [
       {"id": "{ris}agendaitem/3212", "number": "12", "order": 12, "result": "zur Kenntnis genommen"}]}])")});
    ASSERT_EQ(r.created, Refs{"0320/2025"}) << describe(r);
    EXPECT_EQ(c.state("0320/2025"), "acknowledged");
    EXPECT_EQ(c.engine.data("0320/2025").consultations.at(1).result, "zur Kenntnis genommen");
}

// ------------------------------------------------------------------------------ tombstones

TEST(OparlQuirks, ATombstoneWithdrawsAPaperImportedBeforeAtItsModifiedTime)
{
    Council c;
    c.import({antrag_page("papers.json", "41")});
    c.import({antrag_page("papers.json", "42")});
    ASSERT_EQ(c.state("0041/2025"), "submitted");
    ASSERT_EQ(c.state("0042/2025"), "submitted");
    // One without `type`; one with its type and name and reference emptied.
    const auto r = c.import({file("papers-since.json", R"({"data": [
      {"id": "{ris}paper/41", "created": "2025-01-13T08:00:00+01:00", "modified": "2025-02-03T10:15:00+01:00",
       "deleted": true},
      {"id": "{ris}paper/42", "type": "{1.1}Paper", "name": "", "reference": "", "created": "2025-01-13T08:00:00+01:00",
       "modified": "2025-02-04T11:00:00+01:00", "deleted": true}]})")});
    EXPECT_EQ(r.advanced, (Refs{"0041/2025", "0042/2025"})) << describe(r);
    EXPECT_EQ(c.state("0041/2025"), "withdrawn");
    EXPECT_EQ(c.state("0042/2025"), "withdrawn");
    EXPECT_EQ(c.engine.history("0041/2025").back().at, parse_timestamp("2025-02-03T09:15:00Z"));
    EXPECT_EQ(c.engine.history("0042/2025").back().at, parse_timestamp("2025-02-04T10:00:00Z"));
    EXPECT_EQ(c.engine.size(), 2u);
}

TEST(OparlQuirks, ATombstoneOfAnUnknownPaperIsSkippedWithAReason)
{
    Council c;
    const auto r = c.import({file("papers.json", R"({"data": [
      {"id": "{ris}paper/43", "created": "2024-11-02T09:00:00+01:00", "modified": "2025-02-03T10:15:00+01:00",
       "deleted": true},
      {"id": "{ris}paper/44", "type": "{1.0}Paper", "name": "", "reference": "", "created": "2024-11-02T09:00:00+01:00",
       "modified": "2025-02-03T10:15:00+01:00", "deleted": true}]})")});
    ASSERT_EQ(r.skipped.size(), 2u) << describe(r);
    for (const char* id : {"https://ris.example.de/oparl/paper/43", "https://ris.example.de/oparl/paper/44"}) {
        const auto* report = report_of(r.skipped, id);
        ASSERT_NE(report, nullptr) << id << describe(r);
        EXPECT_FALSE(report->reason.empty());
        EXPECT_EQ(report->file, "papers.json");
    }
    EXPECT_TRUE(r.created.empty() && r.quarantined.empty()) << describe(r);
    EXPECT_EQ(c.engine.size(), 0u);
}

TEST(OparlQuirks, DeletedFalseIsAnOrdinaryObject)
{
    Council c;
    const auto r = c.import({antrag_page("papers.json", "45", R"(, "deleted": false)")});
    EXPECT_EQ(r.created, Refs{"0045/2025"}) << describe(r);
    EXPECT_EQ(c.state("0045/2025"), "submitted");
}

// ------------------------------------------------------------------------------ partial import

TEST(OparlQuirks, ABadObjectIsQuarantinedByFileAndPathAndTheGoodOnesImport)
{
    Council c;
    const auto r = c.import(pages_with_bad_objects());
    EXPECT_EQ(r.created, (Refs{"0061/2025", "0063/2025", "0065/2025", "0066/2025"})) << describe(r);
    ASSERT_EQ(r.quarantined.size(), 2u) << describe(r);
    EXPECT_EQ(r.quarantined[0].file, "papers-1.json");
    EXPECT_EQ(r.quarantined[0].path.rfind("data[1]", 0), 0u) << r.quarantined[0].path;
    EXPECT_EQ(r.quarantined[0].id, "https://ris.example.de/oparl/paper/62");
    EXPECT_EQ(r.quarantined[1].file, "papers-2.json");
    EXPECT_EQ(r.quarantined[1].path.rfind("data[0]", 0), 0u) << r.quarantined[1].path;
    EXPECT_FALSE(r.quarantined[1].reason.empty());
    EXPECT_EQ(c.engine.size(), 4u);
}

TEST(OparlQuirks, AResultWithAControlCharacterQuarantinesItsPaperAndTheOthersImport)
{
    // The RIS's result text becomes the decide event's `result`, a one-line text: a NUL in it
    // breaks the input rule when the event is fired, after the plan was made.
    auto sources = rat_treats(R"(beschlossen\u0000\u0000)");
    sources.push_back(antrag_page("more.json", "46"));
    Council c;
    const auto r = c.import(sources);
    EXPECT_EQ(r.created, Refs{"0046/2025"}) << describe(r);
    ASSERT_EQ(r.quarantined.size(), 1u) << describe(r);
    EXPECT_EQ(r.quarantined[0].file, "papers.json");
    EXPECT_EQ(r.quarantined[0].id, "https://ris.example.de/oparl/paper/300");
    EXPECT_NE(r.quarantined[0].reason.find("control characters"), std::string::npos) << r.quarantined[0].reason;
    EXPECT_EQ(c.engine.size(), 1u);

    Council strict_council;
    oparl::ImportOptions strict;
    strict.strict = true;
    EXPECT_THROW(strict_council.import(sources, strict), oparl::ImportError);
    EXPECT_EQ(strict_council.engine.size(), 0u);
}

TEST(OparlQuirks, StrictModeStopsAtTheFirstBadObjectAndImportsNothing)
{
    Council c;
    oparl::ImportOptions strict;
    strict.strict = true;
    try {
        c.import(pages_with_bad_objects(), strict);
        ADD_FAILURE() << "expected an ImportError";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "papers-1.json") << e.what();
        EXPECT_EQ(e.field().rfind("data[1]", 0), 0u) << e.what();
    }
    EXPECT_EQ(c.engine.size(), 0u);
}

}  // namespace
