// kimctl and the Beschlusskontrolle end to end: resolutions created, reported on, ticked and
// settled with the real binary, and the committee's report in its three forms.
#include <fstream>
#include <set>

#include "kimctl_fixture.hpp"

namespace {

using namespace kimctl_test;

const Args kOffice{"--as", "schulte", "--role", "verwaltung", "--org", "FB 5 Soziales"};
const char* const kRat = "Rat der Stadt Castrop-Rauxel";

class KimctlResolution : public Kimctl {
protected:
    /// The seed Antrag of Castrop-Rauxel (2021): the Rat decides that the Verwaltung reports on
    /// the state of KIM.
    void decided_antrag() const
    {
        ok(kSitzungsdienst + Args{"--at", "2021-03-01T09:00:00Z", "paper", "create", "2021/123", "--type", "Antrag",
                                  "--title", "Sachstand Kommunales Integrationsmanagement", "--originator", "SPD",
                                  "--body", kRat, "--consultation", "Haupt- und Finanzausschuss|Vorberatung",
                                  "--consultation", std::string(kRat) + "|Entscheidung|authoritative"});
        ok(kSpd + Args{"--at", "2021-03-01T09:00:00Z", "fire", "paper", "2021/123", "submit"});
        ok(kSitzungsdienst + Args{"--at", "2021-03-02T09:00:00Z", "fire", "paper", "2021/123", "schedule",
                                  "meeting_date=2021-03-18"});
        ok(kSitzungsdienst + Args{"--at", "2021-03-18T19:00:00Z", "fire", "paper", "2021/123", "recommend"});
        ok(kSitzungsdienst + Args{"--at", "2021-03-19T09:00:00Z", "fire", "paper", "2021/123", "schedule",
                                  "meeting_date=2021-04-15"});
        ok(kSitzungsdienst + Args{"--at", "2021-04-15T19:00:00Z", "fire", "paper", "2021/123", "decide"});
    }
    void create_resolution(const char* id, const char* due, const char* office = "FB 5 Soziales") const
    {
        ok(kSitzungsdienst + Args{"--at", "2021-04-16T09:00:00Z", "resolution", "create", id, "--paper", "2021/123",
                                  "--office", office, "--due", due, "--task", "Bericht zum Stand von KIM"});
    }
};

TEST_F(KimctlResolution, TheBeschlusskontrolleOfTheCastropRauxelAntrag)
{
    decided_antrag();
    create_resolution("2021/123-1", "2021-09-30");
    const json r = show("resolution", "2021/123-1");
    EXPECT_EQ(r["state"], "open");
    EXPECT_EQ(r["data"]["committee"], kRat);
    EXPECT_EQ(r["data"]["decided_on"], "2021-04-15");

    // The due date passes: the tick records it once, as the system.
    const Result tick = ok({"--at", "2021-10-01T06:00:00Z", "tick", "--json"});
    const json fired = json::parse(tick.out)["fired"];
    ASSERT_EQ(fired.size(), 1u) << tick.out;
    EXPECT_EQ(fired[0]["id"], "2021/123-1");
    EXPECT_EQ(fired[0]["event"], "became_overdue");
    EXPECT_EQ(fired[0]["due"], "2021-10-01T00:00:00Z");
    EXPECT_TRUE(json::parse(ok({"--at", "2021-10-01T07:00:00Z", "tick", "--json"}).out)["fired"].empty());
    EXPECT_EQ(ids(kSitzungsdienst, {"--at", "2021-10-02T00:00:00Z", "list", "resolution", "--overdue"}),
              std::vector<std::string>{"2021/123-1"});

    // A late Sachstandsbericht with its reason, then the report the Sitzungsdienst prints.
    ok(kOffice + Args{"--at", "2021-10-05T09:00:00Z", "fire", "resolution", "2021/123-1", "report_progress",
                      "text=Daten der Träger liegen vor", "delay_reason=Personalwechsel im Fachbereich"});
    const Result table = ok(kSitzungsdienst + Args{"--at", "2021-10-06T09:00:00Z", "report", "resolutions",
                                                   "--committee", kRat, "--from", "2021-01-01"});
    EXPECT_NE(table.out.find("Überfällig (1)"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("Grund der Verzögerung: Personalwechsel im Fachbereich"), std::string::npos) << table.out;
    const json report = json::parse(ok(kSitzungsdienst + Args{"--at", "2021-10-06T09:00:00Z", "report", "resolutions",
                                                               "--format", "json"})
                                        .out);
    EXPECT_EQ(report["committees"][0]["overdue"][0]["office"], "FB 5 Soziales");
    EXPECT_EQ(report["committees"][0]["overdue"][0]["delay_reason"], "Personalwechsel im Fachbereich");
    const Result csv = ok(kSitzungsdienst + Args{"--at", "2021-10-06T09:00:00Z", "report", "resolutions", "--format", "csv"});
    EXPECT_NE(csv.out.find("overdue,2021/123-1,2021/123,FB 5 Soziales"), std::string::npos) << csv.out;
    // For German Excel: German titles and labels, dates as TT.MM.JJJJ, one column per title.
    const auto excel = excel_rows(
        ok(kSitzungsdienst + Args{"--at", "2021-10-06T09:00:00Z", "report", "resolutions", "--csv"}).out);
    ASSERT_EQ(excel.size(), 3u);  // header, decided in the period, overdue
    for (const auto& row : excel) EXPECT_EQ(row.size(), excel[0].size()) << testing::PrintToString(row);
    EXPECT_EQ(excel[0][0], "Gremium");
    const auto& overdue = excel[2];
    EXPECT_EQ(overdue[column_of(excel, "Abschnitt")], "Überfällig");
    EXPECT_EQ(overdue[column_of(excel, "Nr.")], "2021/123-1");
    EXPECT_EQ(overdue[column_of(excel, "Status")], "überfällig");
    EXPECT_EQ(overdue[column_of(excel, "Fällig am")], "30.09.2021");
    EXPECT_EQ(overdue[column_of(excel, "Letzter Sachstand am")], "05.10.2021");
    EXPECT_EQ(overdue[column_of(excel, "Grund der Verzögerung")], "Personalwechsel im Fachbereich");

    // A manual completion of the paper is refused while the resolution is open.
    const Result refused = run(kVerwaltung + Args{"--at", "2021-10-07T09:00:00Z", "fire", "paper", "2021/123", "complete"});
    EXPECT_EQ(refused.exit, 3) << describe(refused);
    EXPECT_NE(refused.err.find("2021/123-1"), std::string::npos) << refused.err;

    // Completing the resolution completes the paper, and its history shows it.
    const Result done = ok(kOffice + Args{"--at", "2021-11-04T18:00:00Z", "fire", "resolution", "2021/123-1",
                                          "complete", "note=Bericht im Rat am 04.11.2021 erstattet"});
    EXPECT_NE(done.out.find("Vorlage 2021/123 ist damit erledigt"), std::string::npos) << done.out;
    const json paper = show("paper", "2021/123");
    EXPECT_EQ(paper["state"], "completed");
    EXPECT_EQ(paper["history"].back()["event"], "settle_resolution");
    EXPECT_EQ(paper["history"].back()["actor"]["id"], "system");
    EXPECT_EQ(ok(kAdministrator + Args{"verify"}).exit, 0);
}

TEST_F(KimctlResolution, RefusalsSayWhatToDoAndChangeNothing)
{
    decided_antrag();
    // Only the Sitzungsdienst creates them.
    EXPECT_EQ(run(kOffice + Args{"resolution", "create", "X", "--paper", "2021/123", "--office", "FB 5", "--due",
                                 "2021-09-30"})
                  .exit,
              7);
    // A paper that is not decided.
    ok(kSitzungsdienst + Args{"paper", "create", "2021/200", "--type", "Antrag", "--title", "t", "--originator", "SPD"});
    const Result draft = run(kSitzungsdienst + Args{"resolution", "create", "X", "--paper", "2021/200", "--office", "FB 5",
                                                    "--due", "2021-09-30"});
    EXPECT_EQ(draft.exit, 2);
    EXPECT_NE(draft.err.find("decided paper"), std::string::npos) << draft.err;
    const Result bad_date = run(kSitzungsdienst + Args{"resolution", "create", "X", "--paper", "2021/123", "--office",
                                                       "FB 5", "--due", "30.13.2021"});
    EXPECT_EQ(bad_date.exit, 2) << describe(bad_date);
    EXPECT_NE(bad_date.err.find("--due"), std::string::npos) << bad_date.err;
    EXPECT_TRUE(ids(kSitzungsdienst, {"list", "resolution"}).empty());
    // Another office may not report on this one's resolution.
    create_resolution("2021/123-1", "2021-09-30");
    const Result other = run({"--as", "x", "--role", "verwaltung", "--org", "FB 1", "fire", "resolution", "2021/123-1",
                              "start"});
    EXPECT_EQ(other.exit, 7) << describe(other);
    EXPECT_EQ(show("resolution", "2021/123-1")["version"], 0);
    // Filters that belong to other kinds are refused.
    EXPECT_EQ(run(kSitzungsdienst + Args{"list", "resolution", "--traeger", "caritas"}).exit, 2);
    EXPECT_EQ(run(kSitzungsdienst + Args{"list", "paper", "--office", "FB 5"}).exit, 2);
}

TEST_F(KimctlResolution, ListFiltersByOfficeAndCommittee)
{
    decided_antrag();
    create_resolution("2021/123-1", "2021-09-30");
    create_resolution("2021/123-2", "2021-12-31", "FB 1 Zentrale Dienste");
    EXPECT_EQ(ids(kSitzungsdienst, {"list", "resolution", "--office", "fb 1 zentrale dienste"}),
              std::vector<std::string>{"2021/123-2"});
    EXPECT_EQ(ids(kSitzungsdienst, {"list", "resolution", "--committee", kRat}).size(), 2u);
    EXPECT_TRUE(ids(kSitzungsdienst, {"list", "resolution", "--committee", "Haupt- und Finanzausschuss"}).empty());
    const Result table = ok(kSitzungsdienst + Args{"--at", "2021-09-20T00:00:00Z", "list", "resolution"});
    EXPECT_NE(table.out.find("bald fällig"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("im Plan"), std::string::npos) << table.out;
}

TEST_F(KimctlResolution, EventsAndDiagramKnowTheLifecycle)
{
    const Result events = ok({"events", "resolution"});
    for (const char* e : {"start", "report_progress", "extend", "complete", "drop", "became_overdue"})
        EXPECT_NE(events.out.find(e), std::string::npos) << e;
    const Result dot = ok({"diagram", "resolution"});
    EXPECT_NE(dot.out.find("in_progress"), std::string::npos) << dot.out;
}

TEST_F(KimctlResolution, ATickFiresTheDeadlinesOfEveryLifecycleOnceAndSaysWhat)
{
    tell_14_1923();  // answered: never overdue
    ok(kFraktion + Args{"--at", "2025-01-06T09:00:00Z", "paper", "create", "14/1930", "--type", "Anfrage", "--title",
                        "t", "--originator", "Fraktion Die Linke", "--body", "Regionalverband Ruhr"});
    ok(kFraktion + Args{"--at", "2025-01-06T09:00:00Z", "fire", "paper", "14/1930", "submit"});
    ok(kCaritas + Args{"--at", "2025-01-06", "case", "open", "K-1", "--kommune", "Castrop-Rauxel", "--traeger", "Caritas"});
    ok(kCaritas + Args{"--at", "2025-01-06", "fire", "case", "K-1", "follow_up", "date=2025-01-20", "subject=Anruf"});
    ok(kCaritas + Args{"--at", "2025-01-06", "fire", "case", "K-1", "follow_up", "date=2025-03-01"});

    const Result early = ok({"--at", "2025-01-19T23:00:00Z", "tick"});
    EXPECT_NE(early.out.find("0 ausgelöst"), std::string::npos) << early.out;
    const json first = json::parse(ok({"--at", "2025-02-10T05:00:00Z", "tick", "--json"}).out);
    std::set<std::string> fired;
    for (const auto& f : first["fired"]) fired.insert(f["lifecycle"].get<std::string>() + " " + f["id"].get<std::string>() +
                                                      " " + f["event"].get<std::string>());
    EXPECT_EQ(fired, (std::set<std::string>{"paper 14/1930 answer_overdue", "case K-1 follow_up_due"})) << first.dump();
    EXPECT_TRUE(json::parse(ok({"--at", "2025-02-10T05:00:00Z", "tick", "--json"}).out)["fired"].empty());
    // Only one lifecycle, and the Wiedervorlage of March when it comes.
    const json cases = json::parse(ok({"--at", "2025-03-01T00:00:00Z", "tick", "--lifecycle", "case", "--json"}).out);
    ASSERT_EQ(cases["fired"].size(), 1u) << cases.dump();
    EXPECT_EQ(cases["fired"][0]["due"], "2025-03-01T00:00:00Z");
    const json history = show("paper", "14/1930")["history"];
    EXPECT_EQ(history.back()["event"], "answer_overdue");
    EXPECT_EQ(history.back()["actor"]["id"], "system");
    EXPECT_EQ(history.back()["payload"], "due=2025-02-04T00:00:00Z");
}

TEST_F(KimctlResolution, ATickAPolicyRefusesExitsPartlyDoneAndChangesNothing)
{
    ok(kFraktion + Args{"--at", "2025-01-06T09:00:00Z", "paper", "create", "14/1930", "--type", "Anfrage", "--title",
                        "t", "--originator", "Fraktion Die Linke"});
    ok(kFraktion + Args{"--at", "2025-01-06T09:00:00Z", "fire", "paper", "14/1930", "submit"});
    TempDir dir;
    std::ofstream(dir / "no-system.policy") << "allow paper * read any\n";
    const Result r = run({"--policy", dir / "no-system.policy", "--at", "2025-03-01", "tick", "--lifecycle", "paper"});
    EXPECT_EQ(r.exit, 8) << describe(r);
    EXPECT_NE(r.out.find("nicht ausgelöst"), std::string::npos) << r.out;
    EXPECT_EQ(show("paper", "14/1930")["version"], 1);
}

}  // namespace
