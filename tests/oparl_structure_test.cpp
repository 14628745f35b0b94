// OParl import against council information systems (RIS) as they publish: one test per quirk of
// SD.NET, SessionNet, ALLRIS and more!rubin output in how the data is shaped and tied together
// (times and shapes, linking without back-links, provenance and identity), each with a small
// hand-written fixture (see oparl_fixture.hpp for its `{ris}`, `{1.0}`, `{1.1}` shorthands), and
// what import must make of it. The quirks of what the data says are in oparl_quirks_test.cpp.
#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oparl_fixture.hpp"

namespace {

using namespace oparl_fixture;

// ------------------------------------------------------------------------------ times and shapes

TEST(OparlQuirks, OffsetsWithADoubleColonAreRead)
{
    Council c;
    const auto r = c.import({file("papers.json", R"([{"id": "{ris}paper/81", "type": "{1.0}Paper",
        "reference": "0081/2025", "name": "Anfrage Grünflächenpflege", "paperType": "Anfrage",
        "created": "2025-01-06T10:12:00+01::00", "modified": "2025-01-07T08:00:00+01::00"}])")});
    ASSERT_EQ(r.created, Refs{"0081/2025"}) << describe(r);
    const Paper p = c.engine.data("0081/2025");
    EXPECT_EQ(p.submitted_at, parse_timestamp("2025-01-06T09:12:00Z"));  // no `date`: `created`
    EXPECT_EQ(p.source.modified, parse_timestamp("2025-01-07T07:00:00Z"));
}

TEST(OparlQuirks, APlaceholderCreatedGivesWayToThePapersDate)
{
    Council c;
    const auto r = c.import({file("papers.json", R"([{"id": "{ris}paper/82", "type": "{1.0}Paper",
        "reference": "0082/2024", "name": "Antrag Stadtteilbibliothek", "paperType": "Antrag", "date": "2024-11-05",
        "created": "2000-01-01T00:00:00+01:00", "modified": "2024-11-06T08:30:00+01:00"}])")});
    ASSERT_EQ(r.created, Refs{"0082/2024"}) << describe(r);
    EXPECT_GE(c.engine.view("0082/2024").created_at, parse_timestamp("2024-11-05T00:00:00Z"));
    EXPECT_EQ(c.engine.data("0082/2024").submitted_at, parse_timestamp("2024-11-05T00:00:00Z"));
}

TEST(OparlQuirks, ADateWrittenAsADateTimeIsItsDay)
{
    Council c;
    const auto r = c.import({file("p.json", R"({"data": [{"id": "{ris}paper/83", "type": "{1.0}Paper",
        "reference": "0083/2025", "name": "Antrag 83", "paperType": "Antrag", "date": "2024-03-05T00:00:00+01:00"}]})")});
    ASSERT_EQ(r.created, Refs{"0083/2025"}) << describe(r);
    EXPECT_EQ(c.engine.data("0083/2025").date, parse_date("2024-03-05"));  // not 4 March in UTC
}

TEST(OparlQuirks, MeetingsEndingBeforeTheyStartOrAtMidnightStillImport)
{
    Council c;
    const auto r = c.import({file("all.json", R"([{"id": "{ris}paper/84", "type": "{1.1}Paper",
        "reference": "0084/2025", "name": "Umgestaltung Marktplatz", "paperType": "Beschlussvorlage",
        "date": "2025-01-15", "consultation": [
        {"id": "{ris}consultation/841", "organization": ["{ris}organization/bau"], "role": "Vorberatung",
         "meeting": "{ris}meeting/bau-0206", "agendaItem": "{ris}agendaitem/8411"},
        {"id": "{ris}consultation/842", "organization": ["{ris}organization/rat"], "role": "Entscheidung",
         "authoritative": true, "meeting": "{ris}meeting/rat-0213", "agendaItem": "{ris}agendaitem/8421"}]},
      {"id": "{ris}meeting/bau-0206", "type": "{1.1}Meeting", "start": "2025-02-06T17:00:00+01:00",
       "end": "2025-02-06T16:00:00+01:00", "agendaItem": [{"id": "{ris}agendaitem/8411", "number": "5", "order": 5,
       "result": "empfohlen"}]},
      {"id": "{ris}meeting/rat-0213", "type": "{1.1}Meeting", "start": "2025-02-13T18:00:00+01:00",
       "end": "2025-02-13T00:00:00+01:00", "agendaItem": [{"id": "{ris}agendaitem/8421", "number": "9", "order": 9,
       "result": "mehrheitlich beschlossen"}]}])")});
    ASSERT_EQ(r.created, Refs{"0084/2025"}) << describe(r);
    EXPECT_EQ(c.state("0084/2025"), "decided");
    const Paper p = c.engine.data("0084/2025");
    EXPECT_EQ(p.consultations.at(0).meeting_date, parse_date("2025-02-06"));
    EXPECT_EQ(p.consultations.at(1).meeting_date, parse_date("2025-02-13"));
}

TEST(OparlQuirks, AnOrderWrittenAsTextIsRead)
{
    Council c;
    const auto r = c.import({kenntnisnahme_paper(R"("id": "{ris}consultation/701", "organization": ["{ris}organization/bau"],
        "meeting": "{ris}meeting/bau-0305", "agendaItem": "{ris}agendaitem/7011")"),
                             bau_meeting(R"({"id": "{ris}agendaitem/7011", "type": "{1.1}AgendaItem", "number": "3",
        "order": "3", "name": "Sachstand Sanierung Rathaus", "result": "zur Kenntnis genommen"})")});
    ASSERT_EQ(r.created, Refs{"0070/2025"}) << describe(r);
    EXPECT_EQ(c.state("0070/2025"), "acknowledged");
    EXPECT_EQ(c.engine.data("0070/2025").consultations.at(0).agenda_item, "3");
}

TEST(OparlQuirks, AnAuxiliaryFileGivenAsOneObjectIsNoError)
{
    Council c;
    const auto r = c.import({antrag_page("p.json", "85", R"(, "mainFile": {"id": "{ris}file/850", "type": "{1.1}File",
        "name": "Antrag", "accessUrl": "{ris}file/850/download"}, "auxiliaryFile": {"id": "{ris}file/851",
        "type": "{1.1}File", "name": "Lageplan", "accessUrl": "{ris}file/851/download"})")});
    EXPECT_EQ(r.created, Refs{"0085/2025"}) << describe(r);
    EXPECT_TRUE(r.quarantined.empty());
    EXPECT_EQ(c.engine.data("0085/2025").title, "Antrag 85");
}

TEST(OparlQuirks, AgendaItemNullInAConsultationAndAMeetingIsNoError)
{
    Council c;  // as published before the agenda is out
    const auto r = c.import({kenntnisnahme_paper(R"("id": "{ris}consultation/702", "organization": ["{ris}organization/bau"],
        "meeting": "{ris}meeting/bau-0305", "agendaItem": null)"),
                             file("meeting.json", R"({"id": "{ris}meeting/bau-0305", "type": "{1.1}Meeting",
        "start": "2025-03-05T16:00:00+01:00", "agendaItem": null})")});
    EXPECT_EQ(r.created, Refs{"0070/2025"}) << describe(r);
    EXPECT_EQ(c.state("0070/2025"), "on_agenda");
    EXPECT_EQ(c.engine.data("0070/2025").consultations.at(0).meeting_date, parse_date("2025-03-05"));
}

TEST(OparlQuirks, EmbeddedConsultationsAndAgendaItemsWithoutTypeAreRead)
{
    Council c;
    const auto r = c.import({kenntnisnahme_paper(R"("id": "{ris}consultation/703", "organization": ["{ris}organization/bau"],
        "role": "Kenntnisnahme", "meeting": "{ris}meeting/bau-0305", "agendaItem": "{ris}agendaitem/7031")"),
                             bau_meeting(R"({"id": "{ris}agendaitem/7031", "number": "4", "order": 4,
        "consultation": "{ris}consultation/703", "result": "zur Kenntnis genommen"})")});
    ASSERT_EQ(r.created, Refs{"0070/2025"}) << describe(r);
    EXPECT_EQ(c.state("0070/2025"), "acknowledged");
}

TEST(OparlQuirks, ConsultationsWithoutMeetingAgendaItemPaperOrRoleImportAndTheirPaperStaysSubmitted)
{
    Council c;
    const auto r = c.import({antrag_page("p.json", "86", R"(, "consultation": [
        {"id": "{ris}consultation/861", "organization": ["{ris}organization/bau"]},
        {"id": "{ris}consultation/862", "organization": ["{ris}organization/rat"], "authoritative": true}])"),
                             bau_meeting("")});
    ASSERT_EQ(r.created, Refs{"0086/2025"}) << describe(r);
    EXPECT_EQ(c.state("0086/2025"), "submitted");
    const Paper p = c.engine.data("0086/2025");
    ASSERT_EQ(p.consultations.size(), 2u);
    EXPECT_EQ(p.consultations[0].role, ConsultationRole::kenntnisnahme);
    EXPECT_EQ(p.consultations[1].role, ConsultationRole::entscheidung);
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::planned);
    EXPECT_EQ(p.consultations[1].status, ConsultationStatus::planned);
}

TEST(OparlQuirks, OneConsultationIdListedTwiceWithDifferentAgendaItemsStillImports)
{
    Council c;
    const auto r = c.import({file("papers.json", R"([{"id": "{ris}paper/74", "type": "{1.1}Paper",
        "reference": "0074/2025", "name": "Lärmaktionsplan", "paperType": "Mitteilungsvorlage", "date": "2025-01-20",
        "consultation": [{"id": "{ris}consultation/741", "organization": ["{ris}organization/bau"],
        "meeting": "{ris}meeting/bau-0219", "agendaItem": "{ris}agendaitem/7411"}, {"id": "{ris}consultation/741",
        "organization": ["{ris}organization/bau"], "meeting": "{ris}meeting/bau-0305", "agendaItem": "{ris}agendaitem/7412"}]}])"),
                             file("meeting-0219.json", R"({"id": "{ris}meeting/bau-0219", "type": "{1.1}Meeting",
        "start": "2025-02-19T16:00:00+01:00", "agendaItem": [{"id": "{ris}agendaitem/7411", "number": "6", "order": 6}]})"),
                             bau_meeting(R"({"id": "{ris}agendaitem/7412", "number": "4", "order": 4,
        "result": "zur Kenntnis genommen"})")});
    ASSERT_EQ(r.created, Refs{"0074/2025"}) << describe(r);
    EXPECT_TRUE(r.quarantined.empty()) << describe(r);
    EXPECT_TRUE(c.state("0074/2025") == "acknowledged" || !r.warnings.empty()) << c.state("0074/2025") << describe(r);
}

TEST(OparlQuirks, SectionHeadersInTheAgendaAreIgnored)
{
    Council c;
    const auto r = c.import({kenntnisnahme_paper(R"("id": "{ris}consultation/705", "organization": ["{ris}organization/bau"])"),
                             bau_meeting(R"({"id": "{ris}agendaitem/7050", "number": "", "order": 1, "name": "Öffentlicher Teil"},
        {"id": "{ris}agendaitem/7051", "number": "1", "order": 2, "name": "Sachstand Sanierung Rathaus",
         "consultation": "{ris}consultation/705", "result": "zur Kenntnis genommen"},
        {"id": "{ris}agendaitem/7059", "number": "", "order": 3, "name": "Nichtöffentlicher Teil"})")});
    ASSERT_EQ(r.created, Refs{"0070/2025"}) << describe(r);
    EXPECT_EQ(c.state("0070/2025"), "acknowledged");
    EXPECT_EQ(c.engine.data("0070/2025").consultations.at(0).agenda_item, "1");
    for (const char* header : {"https://ris.example.de/oparl/agendaitem/7050", "https://ris.example.de/oparl/agendaitem/7059"})
        EXPECT_FALSE(about(r.warnings, header) || about(r.skipped, header) || about(r.quarantined, header))
            << header << describe(r);
}

TEST(OparlQuirks, AgendaItemNumbersAreKeptAsTheTop)
{
    Council c;
    const std::vector<std::string> tops = {"1.", "A", "7.110"};
    std::vector<oparl::ImportSource> sources;
    std::string items;
    for (std::size_t i = 0; i < tops.size(); ++i) {
        const std::string n = std::to_string(91 + i);
        sources.push_back(antrag_page("paper-" + n + ".json", n, R"(, "consultation": [{"id": "{ris}consultation/)" + n +
            R"(", "organization": ["{ris}organization/bau"], "role": "Vorberatung", "meeting": "{ris}meeting/bau-0305"}])"));
        items += (i ? ", " : "") + std::string(R"({"id": "{ris}agendaitem/)") + n + R"(", "order": )" +
                 std::to_string(i + 1) + R"(, "number": ")" + tops[i] + R"(", "consultation": "{ris}consultation/)" + n +
                 R"("})";
    }
    sources.push_back(bau_meeting(items));
    const auto r = c.import(sources);
    ASSERT_EQ(r.created, (Refs{"0091/2025", "0092/2025", "0093/2025"})) << describe(r);
    for (std::size_t i = 0; i < tops.size(); ++i) {
        EXPECT_EQ(c.state(r.created[i]), "on_agenda");
        EXPECT_EQ(c.engine.data(r.created[i]).consultations.at(0).agenda_item, tops[i]);
    }
}

TEST(OparlQuirks, LineBreaksAndNoBreakSpacesInTypesAndRolesStillMatch)
{
    Council c;
    oparl::ImportOptions options;
    options.vocabulary.extend(R"({"paperType": {"Vorlage BV": "Antrag"}, "role": {"Beratung und Beschluss": "Vorberatung"}})",
                              "musterstadt.json");
    const auto r = c.import({file("p.json", R"([{"id": "{ris}paper/94", "type": "{1.1}Paper", "reference": "0094/2025",
        "name": "Ortsumgehung Süd", "paperType": "Vorlage\u00a0BV", "date": "2025-02-10", "consultation": [
        {"id": "{ris}consultation/941", "organization": ["{ris}organization/bau"], "role": "Beratung und\nBeschluss"},
        {"id": "{ris}consultation/942", "organization": ["{ris}organization/rat"], "role": "zur\u00a0\r\nKenntnis"}]}])")},
                            options);
    ASSERT_EQ(r.created, Refs{"0094/2025"}) << describe(r);
    const Paper p = c.engine.data("0094/2025");
    EXPECT_EQ(p.type, PaperType::antrag);
    EXPECT_EQ(p.consultations.at(0).role, ConsultationRole::vorberatung);
    EXPECT_EQ(p.consultations.at(1).role, ConsultationRole::kenntnisnahme);
}

TEST(OparlQuirks, IdsWithQueryStringsAndSlugsAreIdsLikeAnyOther)
{
    Council c;
    const auto r = c.import({file("papers.json", R"([{"id": "{ris}paper?id=12345", "type": "{1.1}Paper",
        "reference": "0095/2025", "name": "Neue Buslinie 7", "paperType": "Mitteilungsvorlage", "date": "2025-02-10",
        "consultation": [{"id": "{ris}consultation?id=55501", "paper": "{ris}paper?id=12345",
        "organization": ["{ris}organization/bauausschuss"], "meeting": "{ris}meeting?id=77",
        "agendaItem": "{ris}agendaitem?id=901&meeting=77"}]},
      {"id": "{ris}paper/vorlage-0096-2025", "type": "{1.1}Paper", "reference": "0096/2025",
       "name": "Radverkehrskonzept", "paperType": "Mitteilungsvorlage", "date": "2025-02-10"}])"),
                             file("meetings.json", R"([{"id": "{ris}meeting?id=77", "type": "{1.1}Meeting",
        "start": "2025-03-05T16:00:00+01:00", "agendaItem": [{"id": "{ris}agendaitem?id=901&meeting=77", "number": "2",
        "order": 2, "consultation": "{ris}consultation?id=55501", "result": "zur Kenntnis genommen"}]}])")});
    ASSERT_EQ(r.created, (Refs{"0095/2025", "0096/2025"})) << describe(r);
    EXPECT_EQ(c.ref_of("https://ris.example.de/oparl/paper?id=12345"), "0095/2025");
    EXPECT_EQ(c.ref_of("https://ris.example.de/oparl/paper/vorlage-0096-2025"), "0096/2025");
    EXPECT_EQ(c.state("0095/2025"), "acknowledged");
    EXPECT_EQ(c.engine.data("0095/2025").consultations.at(0).source_id, "https://ris.example.de/oparl/consultation?id=55501");
}

TEST(OparlQuirks, HttpAndHttpsSpellingsOfOneIdAreOneObject)
{
    Council c;
    const auto r = c.import({file("organizations.json", R"([{"id": "https://ris.example.de/oparl/organization/12",
        "type": "{1.1}Organization", "name": "Ausschuss für Stadtentwicklung"}])"),
                             kenntnisnahme_paper(R"("id": "{ris}consultation/708",
        "organization": ["http://ris.example.de/oparl/organization/12"],
        "meeting": "http://ris.example.de/oparl/meeting/12-0305", "agendaItem": "http://ris.example.de/oparl/agendaitem/1208")"),
                             file("meetings.json", R"([{"id": "https://ris.example.de/oparl/meeting/12-0305",
        "type": "{1.1}Meeting", "start": "2025-03-05T16:00:00+01:00", "agendaItem": [
        {"id": "https://ris.example.de/oparl/agendaitem/1208", "number": "8", "order": 8, "result": "zur Kenntnis genommen"}]}])")});
    ASSERT_EQ(r.created, Refs{"0070/2025"}) << describe(r);
    EXPECT_EQ(c.engine.data("0070/2025").consultations.at(0).organization, "Ausschuss für Stadtentwicklung");
    EXPECT_EQ(c.state("0070/2025"), "acknowledged");
}

TEST(OparlQuirks, VendorFieldsAreIgnored)
{
    Council c;  // SD.NET's `STERNBERG:` and more!rubin's `more-it-solutions:` members, and unprefixed extras
    const auto r = c.import({file("papers.json", R"([{"id": "{ris}paper/97", "type": "{1.0}Paper", "reference": "0097/2025",
        "name": "Sachstand Breitbandausbau", "paperType": "Mitteilungsvorlage", "date": "2025-02-10",
        "STERNBERG:vorlagenart": "MV", "STERNBERG:federfuehrung": {"name": "Amt 61"}, "web": "{ris}vo020?VOLFDNR=97",
        "more-it-solutions:oeffentlich": true, "consultation": [{"id": "{ris}consultation/971",
        "organization": ["{ris}organization/bau"], "STERNBERG:beratungsfolge": 1, "web": ["a", 1],
        "meeting": "{ris}meeting/bau-0305", "agendaItem": "{ris}agendaitem/9711"}]}])"),
                             bau_meeting(R"({"id": "{ris}agendaitem/9711", "number": "7", "order": 7,
        "more-it-solutions:beschlussart": {"code": 3}, "web": "{ris}to020?TOLFDNR=9711", "result": "zur Kenntnis genommen"})")});
    ASSERT_EQ(r.created, Refs{"0097/2025"}) << describe(r);
    EXPECT_EQ(c.engine.data("0097/2025").title, "Sachstand Breitbandausbau");
    EXPECT_EQ(c.state("0097/2025"), "acknowledged");
}

TEST(OparlQuirks, ABodyResponseIsOneBodyObjectInAFile)
{
    Council c;
    const auto body = file("body.json", R"({"id": "{ris}body/1", "type": "{1.0}Body", "name": "Stadt Musterstadt",
        "shortName": "Musterstadt", "system": "{ris}system", "organization": "{ris}body/1/organization",
        "meeting": "{ris}body/1/meeting", "paper": "{ris}body/1/paper", "legislativeTerm": [{"id": "{ris}term/18",
        "type": "{1.0}LegislativeTerm", "name": "2020-2025", "startDate": "2020-11-01", "endDate": "2025-10-31"}]})");
    EXPECT_TRUE(nothing_done(c.import({body})));
    const auto r = c.import({body, antrag_page("papers.json", "87", R"(, "body": "{ris}body/1")")});
    ASSERT_EQ(r.created, Refs{"0087/2025"}) << describe(r);
    EXPECT_GE(r.context_objects, 1u);
    EXPECT_EQ(c.engine.data("0087/2025").body, "Stadt Musterstadt");
}

TEST(OparlQuirks, AnEmptyListImportsNothingWithoutError)
{
    Council c;
    for (const char* text : {"[]", R"({"data": []})", R"({"data": [], "pagination": {"totalElements": 0,
        "elementsPerPage": 20, "currentPage": 1, "totalPages": 1}, "links": {}})"}) {
        const auto r = c.import({file("papers.json", text)});
        EXPECT_TRUE(nothing_done(r)) << text << describe(r);
    }
    EXPECT_EQ(c.engine.size(), 0u);
}

TEST(OparlQuirks, AnErrorObjectInsteadOfAListIsReportedAndTheOtherFilesImport)
{
    Council c;
    const auto r = c.import({file("papers-2.json", R"({"error": "Die angeforderte Seite ist nicht verfügbar."})"),
                             antrag_page("papers-1.json", "88")});
    EXPECT_EQ(r.created, Refs{"0088/2025"}) << describe(r);
    const auto names_file = [](const oparl::ObjectReport& o) { return o.file == "papers-2.json"; };
    EXPECT_TRUE(std::any_of(r.quarantined.begin(), r.quarantined.end(), names_file) ||
                std::any_of(r.skipped.begin(), r.skipped.end(), names_file))
        << describe(r);
}

// ------------------------------------------------------------------------------ linking without back-links

TEST(OparlQuirks, AConsultationWithoutPaperBelongsToThePaperEmbeddingIt)
{
    Council c;  // and the agenda item does not name it back
    const auto r = c.import({kenntnisnahme_paper(R"("id": "{ris}consultation/706", "organization": ["{ris}organization/bau"],
        "meeting": "{ris}meeting/bau-0305", "agendaItem": "{ris}agendaitem/7061")"),
                             bau_meeting(R"({"id": "{ris}agendaitem/7061", "number": "5", "order": 5,
        "result": "zur Kenntnis genommen"})")});
    ASSERT_EQ(r.created, Refs{"0070/2025"}) << describe(r);
    EXPECT_EQ(c.state("0070/2025"), "acknowledged");
    EXPECT_EQ(c.engine.data("0070/2025").consultations.at(0).agenda_item, "5");
}

TEST(OparlQuirks, AnAgendaItemNamingTheConsultationGivesItTheMeetingsDayAndResult)
{
    Council c;  // the consultation names neither meeting nor agenda item
    const auto r = c.import({kenntnisnahme_paper(R"("id": "{ris}consultation/707", "organization": ["{ris}organization/bau"],
        "role": "Kenntnisnahme")"),
                             bau_meeting(R"({"id": "{ris}agendaitem/7071", "number": "6", "order": 6,
        "consultation": "{ris}consultation/707", "result": "zur Kenntnis genommen"})")});
    ASSERT_EQ(r.created, Refs{"0070/2025"}) << describe(r);
    EXPECT_EQ(c.state("0070/2025"), "acknowledged");
    const Consultation k = c.engine.data("0070/2025").consultations.at(0);
    EXPECT_EQ(k.meeting_date, parse_date("2025-03-05"));
    EXPECT_EQ(k.agenda_item, "6");
    EXPECT_EQ(k.result, "zur Kenntnis genommen");
}

TEST(OparlQuirks, AnAgendaItemNamedLikeThePaperOrWithItsReferenceIsTiedToIt)
{
    Council c;  // ALLRIS: the item names neither consultation nor paper
    const auto r = c.import({file("papers.json", R"([
      {"id": "{ris}paper/71", "type": "{1.1}Paper", "reference": "0071/2025", "name": "Sanierung der Grundschule Am Park",
       "paperType": "Mitteilungsvorlage", "date": "2025-02-10", "consultation": [{"id": "{ris}consultation/711",
       "organization": ["{ris}organization/bau"], "role": "Kenntnisnahme"}]},
      {"id": "{ris}paper/72", "type": "{1.1}Paper", "reference": "0072/2025", "name": "Umbenennung der Hafenstraße",
       "paperType": "Mitteilungsvorlage", "date": "2025-02-10", "consultation": [{"id": "{ris}consultation/721",
       "organization": ["{ris}organization/bau"], "role": "Kenntnisnahme"}]}])"),
                             bau_meeting(R"x({"id": "{ris}agendaitem/7111", "number": "3", "order": 3,
        "name": "Sanierung der Grundschule Am Park", "result": "zur Kenntnis genommen"},
        {"id": "{ris}agendaitem/7121", "number": "4", "order": 4,
         "name": "0072/2025 Umbenennung der Hafenstraße (Mitteilung)", "result": "zur Kenntnis genommen"})x")});
    ASSERT_EQ(r.created, (Refs{"0071/2025", "0072/2025"})) << describe(r);
    for (const char* ref : {"0071/2025", "0072/2025"}) {
        EXPECT_NE(c.state(ref), "submitted") << ref << describe(r);
        EXPECT_EQ(c.engine.data(ref).consultations.at(0).meeting_date, parse_date("2025-03-05")) << ref;
    }
}

TEST(OparlQuirks, AnAgendaItemThatCannotBeTiedIsAWarning)
{
    Council c;
    const auto r = c.import({antrag_page("p.json", "89"), bau_meeting(R"({"id": "{ris}agendaitem/7191", "number": "8",
        "order": 8, "name": "Bebauungsplan Nr. 112 Am Mühlenbach", "result": "beschlossen"})")});
    ASSERT_EQ(r.created, Refs{"0089/2025"}) << describe(r);
    EXPECT_TRUE(about(r.warnings, "https://ris.example.de/oparl/agendaitem/7191")) << describe(r);
    EXPECT_EQ(c.state("0089/2025"), "submitted");
}

// ------------------------------------------------------------------------------ provenance and identity

TEST(OparlQuirks, ImportingTheSameDataAgainLeavesEveryPaperUnchanged)
{
    Council c;
    auto sources = rat_treats("einstimmig beschlossen");
    sources.push_back(antrag_page("antrag.json", "41"));
    ASSERT_EQ(c.import(sources).created, (Refs{"0041/2025", "0300/2025"}));
    const auto before = histories(c);
    const auto r = c.import(sources);
    EXPECT_EQ(r.unchanged, (Refs{"0041/2025", "0300/2025"})) << describe(r);
    EXPECT_TRUE(r.created.empty() && r.advanced.empty() && r.quarantined.empty()) << describe(r);
    EXPECT_EQ(histories(c), before);
}

TEST(OparlQuirks, AResultPublishedLaterAdvancesThePaper)
{
    Council c;
    const auto paper = kenntnisnahme_paper(R"("id": "{ris}consultation/709", "organization": ["{ris}organization/bau"],
        "meeting": "{ris}meeting/bau-0305", "agendaItem": "{ris}agendaitem/7091")");
    ASSERT_EQ(c.import({paper, bau_meeting(R"({"id": "{ris}agendaitem/7091", "number": "2", "order": 2})")}).created,
              Refs{"0070/2025"});
    ASSERT_EQ(c.state("0070/2025"), "on_agenda");
    const auto r = c.import({paper, bau_meeting(R"({"id": "{ris}agendaitem/7091", "number": "2", "order": 2,
        "result": "zur Kenntnis genommen"})")});
    EXPECT_EQ(r.advanced, Refs{"0070/2025"}) << describe(r);
    EXPECT_EQ(c.state("0070/2025"), "acknowledged");
}

TEST(OparlQuirks, ARenumberedPaperIsMatchedByItsId)
{
    Council c;
    ASSERT_EQ(c.import({antrag_page("p.json", "90")}).created, Refs{"0090/2025"});
    const auto r = c.import({file("p.json", R"({"data": [{"id": "{ris}paper/90", "type": "{1.1}Paper",
        "reference": "AN/2025/0090", "name": "Antrag 90", "paperType": "Antrag", "date": "2025-01-13"}]})")});
    EXPECT_TRUE(r.created.empty()) << describe(r);
    EXPECT_EQ(c.engine.size(), 1u);
    EXPECT_EQ(c.ref_of("https://ris.example.de/oparl/paper/90"), "0090/2025");
}

TEST(OparlQuirks, TwoBodiesPapersWithOneReferenceAreTwoPapers)
{
    Council c;
    const auto a = c.import({{"stadt-a.json", expand(R"([{"id": "https://ris.stadt-a.example/oparl/paper/4711",
        "type": "{1.1}Paper", "reference": "0456/2025", "name": "Haushaltssatzung", "paperType": "Beschlussvorlage",
        "date": "2025-02-03"}])")}});
    const auto b = c.import({{"stadt-b.json", expand(R"([{"id": "https://sessionnet.stadt-b.example/oparl/paper/0815",
        "type": "{1.0}Paper", "reference": "0456/2025", "name": "Friedhofssatzung", "paperType": "Vorlage",
        "date": "2025-02-04"}])")}});
    ASSERT_EQ(a.created.size(), 1u) << describe(a);
    ASSERT_EQ(b.created.size(), 1u) << describe(b);
    EXPECT_EQ(c.engine.size(), 2u);
    const std::string first = c.ref_of("https://ris.stadt-a.example/oparl/paper/4711");
    const std::string second = c.ref_of("https://sessionnet.stadt-b.example/oparl/paper/0815");
    EXPECT_FALSE(first.empty() || second.empty());
    EXPECT_NE(first, second);
    EXPECT_EQ(c.engine.data(second).title, "Friedhofssatzung");
}

TEST(OparlQuirks, DataContradictingTheStoredHistoryIsQuarantinedAndChangesNothing)
{
    Council c;
    c.import(rat_treats("beschlossen"));
    ASSERT_EQ(c.state("0300/2025"), "decided");
    const auto before = histories(c);
    auto sources = rat_treats("abgelehnt");
    sources.push_back(antrag_page("antrag.json", "42"));
    const auto r = c.import(sources);
    EXPECT_TRUE(about(r.quarantined, "https://ris.example.de/oparl/paper/300") || about(r.quarantined, "0300/2025"))
        << describe(r);
    EXPECT_EQ(r.created, Refs{"0042/2025"}) << describe(r);
    EXPECT_EQ(c.state("0300/2025"), "decided");
    EXPECT_EQ(histories(c).at("0300/2025"), before.at("0300/2025"));
}

}  // namespace
