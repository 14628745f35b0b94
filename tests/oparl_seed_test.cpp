// The seeds' Anfrage 14/1923 of Fraktion Die Linke and its answer 14/1923-1, as the RIS of the
// Regionalverband Ruhr would publish them over OParl 1.0: separate list files for the body, the
// organizations, the papers and the meetings, written by hand with the quirks of SD.NET output
// (a date written as a date-time, `+01::00` offsets, a placeholder `created`, `STERNBERG:`
// members, embedded consultations without `type`, a Betreff with a line break, a meeting that
// "ends" at midnight, a section header in the agenda, an `order` written as text). Imported, the
// Anfrage ends acknowledged, as the README's demo tells it.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oparl_fixture.hpp"

namespace {

using namespace oparl_fixture;

const std::string kHost = "https://ratsinfo.rvr.example/oparl/";

oparl::ImportSource body()
{
    return {"body.json", R"({"id": "https://ratsinfo.rvr.example/oparl/body/1", "type": "https://schema.oparl.org/1.0/Body",
  "name": "Regionalverband Ruhr", "shortName": "RVR", "system": "https://ratsinfo.rvr.example/oparl/system",
  "organization": "https://ratsinfo.rvr.example/oparl/body/1/organization",
  "person": "https://ratsinfo.rvr.example/oparl/body/1/person",
  "meeting": "https://ratsinfo.rvr.example/oparl/body/1/meeting",
  "paper": "https://ratsinfo.rvr.example/oparl/body/1/paper",
  "legislativeTerm": [{"id": "https://ratsinfo.rvr.example/oparl/legislativeterm/14",
    "type": "https://schema.oparl.org/1.0/LegislativeTerm", "name": "14. Wahlperiode", "startDate": "2020-11-01"}],
  "created": "2000-01-01T00:00:00+01:00", "modified": "2024-09-12T10:00:00+02:00"})"};
}

oparl::ImportSource organizations()
{
    return {"organizations.json", R"({"data": [
  {"id": "https://ratsinfo.rvr.example/oparl/organization/17", "type": "https://schema.oparl.org/1.0/Organization",
   "body": "https://ratsinfo.rvr.example/oparl/body/1", "name": "Ausschuss für Kultur, Sport und Vielfalt",
   "shortName": "KSV", "organizationType": "Gremium", "classification": "Ausschuss"},
  {"id": "https://ratsinfo.rvr.example/oparl/organization/101", "type": "https://schema.oparl.org/1.0/Organization",
   "body": "https://ratsinfo.rvr.example/oparl/body/1", "name": "Fraktion Die Linke", "organizationType": "Fraktion"},
  {"id": "https://ratsinfo.rvr.example/oparl/organization/1", "type": "https://schema.oparl.org/1.0/Organization",
   "body": "https://ratsinfo.rvr.example/oparl/body/1", "name": "Der Regionaldirektor",
   "organizationType": "Verwaltungsbereich"}],
 "links": {"first": "https://ratsinfo.rvr.example/oparl/body/1/organization?page=1"}})"};
}

oparl::ImportSource papers()
{
    return {"papers.json", R"({"data": [
  {"id": "https://ratsinfo.rvr.example/oparl/paper/8812", "type": "https://schema.oparl.org/1.0/Paper",
   "body": "https://ratsinfo.rvr.example/oparl/body/1", "reference": "14/1923",
   "name": "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet", "paperType": "Fraktionsanfrage",
   "date": "2025-01-06T00:00:00+01:00", "originatorOrganization": ["https://ratsinfo.rvr.example/oparl/organization/101"],
   "relatedPaper": ["https://ratsinfo.rvr.example/oparl/paper/8871"],
   "mainFile": {"id": "https://ratsinfo.rvr.example/oparl/file/40211", "type": "https://schema.oparl.org/1.0/File",
     "name": "Fraktionsanfrage", "fileName": "14_1923.pdf", "mimeType": "application/pdf",
     "accessUrl": "https://ratsinfo.rvr.example/oparl/file/40211/download"},
   "consultation": [{"id": "https://ratsinfo.rvr.example/oparl/consultation/30177",
     "paper": "https://ratsinfo.rvr.example/oparl/paper/8812",
     "meeting": "https://ratsinfo.rvr.example/oparl/meeting/2211",
     "organization": ["https://ratsinfo.rvr.example/oparl/organization/17"], "authoritative": false,
     "role": "zur Kenntnis", "STERNBERG:beratungsstatus": "zur Kenntnis"}],
   "STERNBERG:oeffentlich": true, "web": "https://ratsinfo.rvr.example/vo0050?VOLFDNR=8812",
   "created": "2025-01-06T11:04:12+01::00", "modified": "2025-02-07T08:15:00+01::00"},
  {"id": "https://ratsinfo.rvr.example/oparl/paper/8871", "type": "https://schema.oparl.org/1.0/Paper",
   "body": "https://ratsinfo.rvr.example/oparl/body/1", "reference": "14/1923-1",
   "name": "Antwort auf die Anfrage der Fraktion DIE LINKE:\nZusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet",
   "paperType": "Fraktionsanfrage Antwort", "date": "2025-01-27T00:00:00+01:00",
   "originatorOrganization": ["https://ratsinfo.rvr.example/oparl/organization/1"],
   "relatedPaper": ["https://ratsinfo.rvr.example/oparl/paper/8812"],
   "consultation": [{"id": "https://ratsinfo.rvr.example/oparl/consultation/30245",
     "meeting": "https://ratsinfo.rvr.example/oparl/meeting/2211",
     "agendaItem": "https://ratsinfo.rvr.example/oparl/agendaitem/51902",
     "organization": ["https://ratsinfo.rvr.example/oparl/organization/17"], "authoritative": false,
     "role": "zur Kenntnis"}],
   "STERNBERG:oeffentlich": true, "created": "2000-01-01T00:00:00+01:00", "modified": "2025-01-27T14:40:00+01::00"}],
 "links": {"first": "https://ratsinfo.rvr.example/oparl/body/1/paper?page=1"}})"};
}

oparl::ImportSource meetings()
{
    return {"meetings.json", R"({"data": [
  {"id": "https://ratsinfo.rvr.example/oparl/meeting/2211", "type": "https://schema.oparl.org/1.0/Meeting",
   "name": "Sitzung des Ausschusses für Kultur, Sport und Vielfalt", "meetingState": "durchgeführt",
   "cancelled": false, "start": "2025-02-06T14:00:00+01:00", "end": "2025-02-06T00:00:00+01:00",
   "organization": ["https://ratsinfo.rvr.example/oparl/organization/17"],
   "agendaItem": [
    {"id": "https://ratsinfo.rvr.example/oparl/agendaitem/51800", "type": "https://schema.oparl.org/1.0/AgendaItem",
     "meeting": "https://ratsinfo.rvr.example/oparl/meeting/2211", "number": "", "order": 1,
     "name": "Öffentliche Sitzung", "public": true},
    {"id": "https://ratsinfo.rvr.example/oparl/agendaitem/51902", "type": "https://schema.oparl.org/1.0/AgendaItem",
     "meeting": "https://ratsinfo.rvr.example/oparl/meeting/2211", "number": "9.2", "order": "15",
     "name": "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet\nAnfrage der Fraktion Die Linke",
     "public": true, "consultation": "https://ratsinfo.rvr.example/oparl/consultation/30177",
     "result": "zur Kenntnis genommen", "STERNBERG:beschlussart": "ohne Abstimmung"}]}],
 "links": {"first": "https://ratsinfo.rvr.example/oparl/body/1/meeting?page=1"}})"};
}

TEST(OparlSeed, TheAnfrageEndsAcknowledgedAndItsAnswerIsImported)
{
    Council c;
    const auto r = c.import({body(), organizations(), papers(), meetings()});
    EXPECT_EQ(r.created, (std::vector<std::string>{"14/1923", "14/1923-1"})) << describe(r);
    EXPECT_TRUE(r.quarantined.empty() && r.skipped.empty()) << describe(r);

    ASSERT_TRUE(c.engine.contains("14/1923")) << describe(r);
    EXPECT_EQ(c.state("14/1923"), "acknowledged");
    const Paper anfrage = c.engine.data("14/1923");
    EXPECT_EQ(anfrage.type, PaperType::anfrage);
    EXPECT_EQ(anfrage.type_name, "Fraktionsanfrage");
    EXPECT_EQ(anfrage.title, "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet");
    EXPECT_EQ(anfrage.date, parse_date("2025-01-06"));
    EXPECT_EQ(anfrage.originator, "Fraktion Die Linke");
    EXPECT_EQ(anfrage.body, "Regionalverband Ruhr");
    EXPECT_EQ(anfrage.answer_reference, "14/1923-1");
    EXPECT_EQ(anfrage.source.id, kHost + "paper/8812");
    EXPECT_EQ(anfrage.source.oparl_version, "1.0");
    ASSERT_EQ(anfrage.consultations.size(), 1u);
    const Consultation& k = anfrage.consultations[0];
    EXPECT_EQ(k.organization, "Ausschuss für Kultur, Sport und Vielfalt");
    EXPECT_EQ(k.role, ConsultationRole::kenntnisnahme);
    EXPECT_EQ(k.meeting_date, parse_date("2025-02-06"));
    EXPECT_EQ(k.agenda_item, "9.2");
    EXPECT_EQ(k.result, "zur Kenntnis genommen");
    EXPECT_EQ(k.source_id, kHost + "consultation/30177");
    EXPECT_EQ(c.events("14/1923"), (std::vector<std::string>{"submit", "answer", "schedule", "acknowledge"}));

    ASSERT_TRUE(c.engine.contains("14/1923-1")) << describe(r);
    const Paper antwort = c.engine.data("14/1923-1");
    EXPECT_EQ(antwort.type, PaperType::antwort);
    EXPECT_EQ(antwort.type_name, "Fraktionsanfrage Antwort");
    EXPECT_EQ(antwort.date, parse_date("2025-01-27"));
    EXPECT_EQ(antwort.originator, "Der Regionaldirektor");
    EXPECT_EQ(antwort.related_papers, std::vector<std::string>{"14/1923"});
    const std::string answered = c.state("14/1923-1");
    EXPECT_TRUE(answered == "submitted" || answered == "on_agenda" || answered == "acknowledged") << answered;
}

TEST(OparlSeed, PapersBeforeTheMeetingAreAnsweredAndTheMeetingLaterAcknowledges)
{
    Council c;  // a sync that reads the papers before the meeting's agenda is out
    const auto first = c.import({body(), organizations(), papers()});
    ASSERT_EQ(first.created, (std::vector<std::string>{"14/1923", "14/1923-1"})) << describe(first);
    EXPECT_EQ(c.state("14/1923"), "answered");
    EXPECT_EQ(c.engine.data("14/1923").consultations.at(0).status, ConsultationStatus::planned);

    const auto second = c.import({body(), organizations(), papers(), meetings()});
    EXPECT_NE(std::find(second.advanced.begin(), second.advanced.end(), "14/1923"), second.advanced.end())
        << describe(second);
    EXPECT_TRUE(second.created.empty()) << describe(second);
    EXPECT_EQ(c.state("14/1923"), "acknowledged");
    EXPECT_EQ(c.engine.data("14/1923").consultations.at(0).agenda_item, "9.2");
}

TEST(OparlSeed, ImportingTheSeedsAgainChangesNothing)
{
    Council c;
    const std::vector<oparl::ImportSource> all = {body(), organizations(), papers(), meetings()};
    c.import(all);
    const auto before = histories(c);
    const auto again = c.import(all);
    EXPECT_EQ(again.unchanged, (std::vector<std::string>{"14/1923", "14/1923-1"})) << describe(again);
    EXPECT_TRUE(again.created.empty() && again.advanced.empty() && again.quarantined.empty()) << describe(again);
    EXPECT_EQ(histories(c), before);
}

}  // namespace
