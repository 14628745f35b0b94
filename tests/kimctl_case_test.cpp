// kimctl on the KIM case data: what a consent event did, said in words; a referral already open
// refused; Wiedervorlagen shown as a list and listed by period and case manager; German labels
// typed and shown, and the figures and the list as CSV for German Excel.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "kimctl_fixture.hpp"

using namespace kimctl_test;

namespace {

class KimctlCase : public Kimctl {
protected:
    Result as(const Args& actor, const std::string& at, const Args& args) const { return ok(actor + Args{"--at", at} + args); }

    /// K-1 of Caritas (case manager mkoch) in @p kommune, in linking, consent for the Jobcenter only.
    void k1_in_linking(const std::string& kommune = "Castrop-Rauxel") const
    {
        as(kCaritas, "2025-03-01", {"case", "open", "K-1", "--kommune", kommune, "--traeger", "Caritas",
                                    "--manager", "mkoch", "--kreis", "Kreis Recklinghausen"});
        as(kCaritas, "2025-03-01", {"fire", "case", "K-1", "grant_consent", "recipients=" + jobcenter, "purpose=Arbeit"});
        for (const char* event : {"accept", "complete_assessment"}) as(kCaritas, "2025-03-02", {"fire", "case", "K-1", event});
        as(kCaritas, "2025-03-02", {"fire", "case", "K-1", "add_goal", "goal=Sprachkurs B1"});
        as(kCaritas, "2025-03-02", {"fire", "case", "K-1", "agree_plan"});
    }

    /// K-1 from linking to closed, by the German labels of events and values.
    void close_k1_by_labels() const
    {
        as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "Vermitteln", "recipient=" + jobcenter,
                                    "rechtskreis=SGB II (Jobcenter)"});
        as(kCaritas, "2025-03-04", {"fire", "case", "K-1", "begleitung beginnen"});
        as(kCaritas, "2025-03-05", {"fire", "case", "K-1", "Auswertung beginnen"});
        as(kCaritas, "2025-03-11", {"fire", "case", "K-1", "Fall abschließen", "reason=Ziele erreicht", "note=Arbeit"});
    }

    const std::string jobcenter = "Jobcenter Kreis Recklinghausen";
    const std::string abh = "Ausländerbehörde Kreis Recklinghausen";
};

TEST_F(KimctlCase, EachConsentEventSaysWhatItDid)
{
    k1_in_linking();
    Result r = as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "extend_consent", "recipients=" + abh});
    EXPECT_NE(r.out.find("Einwilligung erweitert um " + abh + "; gilt für " + jobcenter + ", " + abh), std::string::npos)
        << r.out;
    r = as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "narrow_consent", "recipient=" + jobcenter});
    EXPECT_NE(r.out.find("Einwilligung eingeschränkt: entfällt für " + jobcenter + "; gilt für " + abh), std::string::npos)
        << r.out;
    r = as(kCaritas, "2025-03-03",
           {"fire", "case", "K-1", "grant_consent", "recipients=Jugendamt Castrop-Rauxel", "purpose=Kita"});
    EXPECT_NE(r.out.find("Einwilligung ersetzt; entfällt für " + abh + "; neu für Jugendamt Castrop-Rauxel"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(show("case", "K-1", kCaritas)["data"]["consent"]["recipients"], json({"Jugendamt Castrop-Rauxel"}));
}

TEST_F(KimctlCase, AReferralAlreadyOpenIsRefusedWithWhatToDo)
{
    k1_in_linking();
    as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "refer", "recipient=" + jobcenter, "rechtskreis=SGB II"});
    const Result again =
        run(kCaritas + Args{"--at", "2025-03-03T00:01:00Z", "fire", "case", "K-1", "refer", "recipient=" + jobcenter,
                            "rechtskreis=SGB II"});
    EXPECT_EQ(again.exit, 3) << describe(again);
    expect_short_error(again);
    EXPECT_NE(again.err.find("is still open; complete it first (complete_referral)"), std::string::npos) << again.err;
    as(kCaritas, "2025-03-10", {"fire", "case", "K-1", "complete_referral", "recipient=" + jobcenter, "rechtskreis=SGB II"});
    const Result shown = as(kCaritas, "2025-03-10", {"show", "case", "K-1"});
    EXPECT_NE(shown.out.find("abgeschlossen"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("2025-03-10T00:00:00Z"), std::string::npos) << shown.out;
}

TEST_F(KimctlCase, WiedervorlagenAreShownAsAListAndTheirPastIsRefused)
{
    k1_in_linking();
    as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "follow_up", "date=2025-03-20", "subject=Rückmeldung Jobcenter"});
    as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "follow_up", "date=2025-04-15", "subject=Sprachkurs"});
    const Result past = run(kCaritas + Args{"--at", "2025-03-03", "fire", "case", "K-1", "follow_up", "date=2025-03-02"});
    EXPECT_EQ(past.exit, 3) << describe(past);
    EXPECT_NE(past.err.find("lies before today (2025-03-03)"), std::string::npos) << past.err;
    as(kCaritas, "2025-03-21", {"fire", "case", "K-1", "follow_up_done", "number=1"});

    const Result shown = as(kCaritas, "2025-03-21", {"show", "case", "K-1"});
    EXPECT_NE(shown.out.find("nächste Wiedervorlage"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("Rückmeldung Jobcenter  erledigt 2025-03-21"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("Sprachkurs"), std::string::npos) << shown.out;
    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["data"]["follow_ups"].size(), 2u);
}

TEST_F(KimctlCase, DueForFollowUpFromToForOneCaseManager)
{
    k1_in_linking();
    as(kCaritas, "2025-03-01", {"case", "open", "K-2", "--kommune", "Herten", "--traeger", "Caritas", "--manager", "jlang",
                                "--kreis", "Kreis Recklinghausen"});
    as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "follow_up", "date=2025-03-05", "subject=früh"});
    as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "follow_up", "date=2025-03-12", "subject=Jobcenter"});
    as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "follow_up", "date=2025-03-14", "subject=Sprachkurs"});
    as(kCaritas, "2025-03-03", {"fire", "case", "K-2", "follow_up", "date=2025-03-13", "subject=Kita"});

    const Args period{"--at", "2025-03-03", "list", "case", "--due-for-follow-up", "--from", "2025-03-10", "--to",
                      "2025-03-16"};
    EXPECT_EQ(ids(kCaritas, period), (std::vector<std::string>{"K-1", "K-2"}));
    const json mine = json::parse(ok(kCaritas + period + Args{"--manager", "mkoch", "--json"}).out);
    ASSERT_EQ(mine.size(), 1u) << mine.dump(2);
    EXPECT_EQ(mine[0]["id"], "K-1");
    EXPECT_EQ(mine[0]["due_follow_ups"],
              json({{{"number", 2}, {"date", "2025-03-12"}, {"subject", "Jobcenter"}},
                    {{"number", 3}, {"date", "2025-03-14"}, {"subject", "Sprachkurs"}}}));
    const std::vector<std::string> rows = words_of_lines(ok(kCaritas + period).out);
    ASSERT_EQ(rows.size(), 5u);  // header, rule, three Wiedervorlagen
    // The phase by its label: linking is Vermittlung, intake Erstgespräch.
    EXPECT_EQ(rows[2], "K-1 2 2025-03-12 Jobcenter Vermittlung Caritas mkoch");
    EXPECT_EQ(rows[3], "K-2 1 2025-03-13 Kita Erstgespräch Caritas jlang");
    EXPECT_EQ(rows[4], "K-1 3 2025-03-14 Sprachkurs Vermittlung Caritas mkoch") << "früh lies before --from";

    // --to defaults to today; the Kreis sees the cases of its Träger too.
    EXPECT_EQ(ids(kKreisRecklinghausen, {"--at", "2025-03-12", "list", "case", "--due-for-follow-up"}),
              std::vector<std::string>{"K-1"});
    EXPECT_EQ(ids(kCaritas, {"--at", "2025-03-03", "list", "case", "--manager", "jlang"}), std::vector<std::string>{"K-2"});

    const Result no_flag = run(kCaritas + Args{"list", "case", "--from", "2025-03-10"});
    EXPECT_EQ(no_flag.exit, 2) << describe(no_flag);
    EXPECT_NE(no_flag.err.find("add --due-for-follow-up"), std::string::npos) << no_flag.err;
    const Result swapped = run(kCaritas + Args{"list", "case", "--due-for-follow-up", "--from", "2025-03-20", "--to",
                                               "2025-03-10"});
    EXPECT_EQ(swapped.exit, 2) << describe(swapped);
    const Result bad = run(kCaritas + Args{"list", "case", "--due-for-follow-up", "--to", "2025-02-30"});
    EXPECT_EQ(bad.exit, 2) << describe(bad);
}

TEST_F(KimctlCase, EventsAndValuesAreTypedAsTheirGermanLabelsAndStoredAsCodes)
{
    k1_in_linking();
    close_k1_by_labels();
    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["state"], "closed");
    EXPECT_EQ(k1["data"]["closure_reason"], "goals_achieved");
    EXPECT_EQ(k1["data"]["referrals"][0]["rechtskreis"], "SGB II");
    const json& h = k1["history"];
    EXPECT_EQ(h.back()["event"], "close");
    EXPECT_EQ(h.back()["payload"], "reason=goals_achieved, note=Arbeit");

    // People read the labels: the history, and the reason in show.
    const std::vector<std::string> history = words_of_lines(ok(kCaritas + Args{"history", "case", "K-1"}).out);
    EXPECT_NE(std::find_if(history.begin(), history.end(),
                           [](const std::string& line) {
                               return line.find("Fall abschließen Auswertung Abgeschlossen mkoch (case_manager) "
                                                "Grund: Ziele erreicht; Notiz: Arbeit") != std::string::npos;
                           }),
              history.end())
        << testing::PrintToString(history);
    const std::vector<std::string> shown = words_of_lines(ok(kCaritas + Args{"show", "case", "K-1"}).out);
    EXPECT_NE(std::find(shown.begin(), shown.end(), "Grund Ziele erreicht"), shown.end());
    EXPECT_NE(std::find(shown.begin(), shown.end(), "Zustand Einwilligung erteilt / Abgeschlossen"), shown.end());
    // A state's label selects as its code does.
    EXPECT_EQ(ids(kCaritas, {"list", "case", "--state", "Abgeschlossen"}), std::vector<std::string>{"K-1"});
    EXPECT_EQ(ids(kCaritas, {"list", "case", "--state", "closed"}), std::vector<std::string>{"K-1"});
}

TEST_F(KimctlCase, AValueThatIsNeitherCodeNorLabelIsRefusedWithTheChoices)
{
    k1_in_linking();
    const Result refused = run(kCaritas + Args{"fire", "case", "K-1", "abort", "reason=Ziele verfehlt"});
    EXPECT_EQ(refused.exit, 2) << describe(refused);
    expect_short_error(refused);
    for (const char* accepted : {"Ziele erreicht (goals_achieved)", "Weggezogen (moved_away)", "Sonstiger Grund (other)"})
        EXPECT_NE(refused.err.find(accepted), std::string::npos) << refused.err;
    EXPECT_EQ(show("case", "K-1", kCaritas)["state"], "linking") << "nothing changed";
    // A Rechtskreis's label holds its code; the spellings the library reads are read too.
    const Result rk = run(kCaritas + Args{"fire", "case", "K-1", "refer", "recipient=x", "rechtskreis=SGB 2"});
    EXPECT_EQ(rk.exit, 2) << describe(rk);
    EXPECT_NE(rk.err.find("SGB II (Jobcenter), SGB III (Agentur für Arbeit)"), std::string::npos) << rk.err;
    as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "refer", "recipient=Jobcenter Kreis Recklinghausen",
                                "rechtskreis=SGB2"});
    EXPECT_EQ(show("case", "K-1", kCaritas)["data"]["referrals"][0]["rechtskreis"], "SGB II");
    // A free-text field named like an enumerated one keeps what was typed: pause's reason is text.
    as(kCaritas, "2025-03-04", {"fire", "case", "K-1", "pause", "reason=Ziele erreicht"});
    EXPECT_EQ(show("case", "K-1", kCaritas)["data"]["note"], "Ziele erreicht");
}

TEST_F(KimctlCase, TheEventsTableNamesEventsFieldsAndValuesWithTheirCodes)
{
    const std::string table = ok({"events", "case"}).out;
    for (const char* shown : {"Wiedervorlage setzen (follow_up)", "Datum (date): Datum", "[Betreff (subject): Text]",
                              "Fall abschließen (close)", "Grund (reason): eins von: Ziele erreicht (goals_achieved)",
                              "SGB VIII (Jugendamt)", "Keine Einwilligung, Einwilligung erteilt"})
        EXPECT_NE(table.find(shown), std::string::npos) << shown << "\n" << table;
    EXPECT_EQ(json::parse(ok({"events", "case", "--json"}).out)[3]["event"], "follow_up") << "JSON keeps the codes";
}

TEST_F(KimctlCase, TheFiguresAndTheListForGermanExcel)
{
    k1_in_linking("Castrop-Rauxel; Nord");  // a ';' in a cell: quoted in German Excel's CSV
    as(kCaritas, "2025-03-02", {"fire", "case", "K-1", "follow_up", "date=2025-04-01", "subject=Rückruf"});
    close_k1_by_labels();
    as(kAgora, "2025-03-05", {"case", "open", "K-2", "--kommune", "Herten", "--traeger", "AGORA", "--kreis",
                              "Kreis Recklinghausen"});
    as(kAgora, "2025-03-06", {"fire", "case", "K-2", "follow_up", "date=2025-04-02", "subject==Termin"});

    const Args period{"--at", "2025-03-20", "report", "kim", "--from", "2025-01-01", "--to", "2025-12-31"};
    const Result csv = ok(kKreisRecklinghausen + period + Args{"--csv"});
    const auto rows = excel_rows(csv.out);
    ASSERT_EQ(rows.size(), 6u) << csv.out;  // header, two Kommunen, two Träger, the total
    for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size()) << testing::PrintToString(row);
    EXPECT_EQ(rows[0][0], "Gliederung");
    EXPECT_EQ(rows[1][0], "Kommune");
    EXPECT_EQ(rows[1][1], "Castrop-Rauxel; Nord");
    EXPECT_EQ(rows[5][0], "Gesamt");
    EXPECT_EQ(rows[5][column_of(rows, "Abgeschlossen: Ziele erreicht")], "1");
    EXPECT_EQ(rows[5][column_of(rows, "Aktiv: Erstgespräch")], "1");
    EXPECT_EQ(rows[5][column_of(rows, "Vermittlungen: SGB II (Jobcenter)")], "1");
    EXPECT_EQ(rows[5][column_of(rows, "Tage bis Abschluss (Median)")], "10,0");
    // --format csv stays RFC 4180, as it was; the table names reasons by their labels.
    EXPECT_EQ(ok(kKreisRecklinghausen + period + Args{"--format", "csv"}).out.rfind("grouping,group,opened,", 0), 0u);
    EXPECT_NE(ok(kKreisRecklinghausen + period).out.find("Abschlussgrund  Ziele erreicht"), std::string::npos);
    for (const Args& both : {Args{"--csv", "--format", "csv"}, Args{"--csv", "--json"}}) {
        const Result refused = run(kKreisRecklinghausen + period + both);
        EXPECT_EQ(refused.exit, 2) << describe(refused);
        expect_short_error(refused);
    }

    const auto listed = excel_rows(ok(kKreisRecklinghausen + Args{"--at", "2025-03-20", "list", "case", "--csv"}).out);
    ASSERT_EQ(listed.size(), 3u);
    EXPECT_EQ(listed[1][column_of(listed, "Phase")], "Abgeschlossen");
    EXPECT_EQ(listed[2][column_of(listed, "Wiedervorlage")], "02.04.2025");
    const auto due = excel_rows(ok(kKreisRecklinghausen + Args{"--at", "2025-04-03", "list", "case", "--overdue",
                                                                "--csv"})
                                    .out);
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[1][column_of(due, "Betreff")], "'=Termin") << "what Excel would take for a formula is defused";
}

}  // namespace
