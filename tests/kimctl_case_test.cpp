// kimctl on the KIM case data: what a consent event did, said in words; a referral already open
// refused; Wiedervorlagen shown as a list and listed by period and case manager.
#include <sstream>
#include <string>
#include <vector>

#include "kimctl_fixture.hpp"

using namespace kimctl_test;

namespace {

class KimctlCase : public Kimctl {
protected:
    Result as(const Args& actor, const std::string& at, const Args& args) const { return ok(actor + Args{"--at", at} + args); }

    /// K-1 of Caritas (case manager mkoch) in linking, consent for the Jobcenter only.
    void k1_in_linking() const
    {
        as(kCaritas, "2025-03-01", {"case", "open", "K-1", "--kommune", "Castrop-Rauxel", "--traeger", "Caritas",
                                    "--manager", "mkoch", "--kreis", "Kreis Recklinghausen"});
        as(kCaritas, "2025-03-01", {"fire", "case", "K-1", "grant_consent", "recipients=" + jobcenter, "purpose=Arbeit"});
        for (const char* event : {"accept", "complete_assessment"}) as(kCaritas, "2025-03-02", {"fire", "case", "K-1", event});
        as(kCaritas, "2025-03-02", {"fire", "case", "K-1", "add_goal", "goal=Sprachkurs B1"});
        as(kCaritas, "2025-03-02", {"fire", "case", "K-1", "agree_plan"});
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
    EXPECT_EQ(rows[2], "K-1 2 2025-03-12 Jobcenter linking Caritas mkoch");
    EXPECT_EQ(rows[3], "K-2 1 2025-03-13 Kita intake Caritas jlang");
    EXPECT_EQ(rows[4], "K-1 3 2025-03-14 Sprachkurs linking Caritas mkoch") << "früh lies before --from";

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

}  // namespace
