// End-to-end tests of kimctl under the policy and the DSGVO: a refusal exits with 7, changes
// nothing and is logged; a Träger lists and counts only its own cases and a Kreis those in the
// Kreis; and a case is erased early (art. 17) or at the end of the retention period.
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include "kimctl_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kimctl_test;

// --- The policy: refusals, and what each actor may see ---

TEST_F(Kimctl, ADeniedFireExitsWith7ChangesNothingAndIsLogged)
{
    ok(kCaritas + Args{"--at", "2025-03-01", "case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas",
                       "--kreis", "Kreis Recklinghausen"});
    // The Kreis may read the case, so it is told that it may not do this.
    const Result denied =
        run(kKreisRecklinghausen + Args{"--at", "2025-03-02", "fire", "case", "K-1", "follow_up", "date=2025-03-20"});
    EXPECT_EQ(denied.exit, 7) << describe(denied);
    expect_short_error(denied);
    EXPECT_NE(denied.err.find("not permitted"), std::string::npos) << denied.err;
    EXPECT_NE(denied.err.find("(nothing changed"), std::string::npos) << denied.err;
    EXPECT_EQ(denied.err.find("aritas"), std::string::npos) << "whose case it is stays unsaid: " << denied.err;
    // AGORA may not read it: to AGORA there is no K-1 (exit 4, as for a missing id), logged all the same.
    const Result hidden = run(kAgora + Args{"--at", "2025-03-02", "fire", "case", "K-1", "follow_up", "date=2025-03-20"});
    EXPECT_EQ(hidden.exit, 4) << describe(hidden);
    const Result missing = run(kAgora + Args{"--at", "2025-03-02", "fire", "case", "K-9", "follow_up", "date=2025-03-20"});
    EXPECT_EQ(missing.exit, 4) << describe(missing);
    std::string hidden_err = hidden.err;
    hidden_err.replace(hidden_err.find("K-1"), 3, "K-9");
    EXPECT_EQ(hidden_err, missing.err);
    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["state"], "intake");
    EXPECT_EQ(k1["version"], 1);
    EXPECT_EQ(k1["data"]["follow_ups"], json::array());

    // A denied read too.
    EXPECT_EQ(run(kAgora + Args{"--at", "2025-03-03", "show", "case", "K-1"}).exit, 4);
    // And a paper the SPD did not write (papers are public: told, exit 7).
    ok(kFraktion + Args{"paper", "create", "14/2000", "--type", "Anfrage", "--title", "Eine Anfrage", "--originator",
                        "Fraktion Die Linke"});
    EXPECT_EQ(run(kSpd + Args{"fire", "paper", "14/2000", "submit"}).exit, 7);
    EXPECT_EQ(show("paper", "14/2000")["state"], "draft");

    const json logged = json::parse(ok(kAdministrator + Args{"denials", "--id", "K-1", "--json"}).out);
    ASSERT_EQ(logged.size(), 3u) << logged.dump(2);
    EXPECT_EQ(logged[0]["lifecycle"], "case");
    EXPECT_EQ(logged[0]["id"], "K-1");
    EXPECT_EQ(logged[0]["action"], "follow_up");
    EXPECT_EQ(logged[0]["actor"]["id"], "kreisler");
    EXPECT_EQ(logged[1]["actor"], json({{"id", "aweber"}, {"role", "case_manager"}, {"organization", "AGORA"}}));
    EXPECT_EQ(logged[1]["at"], "2025-03-02T00:00:00Z");
    EXPECT_NE(logged[1]["reason"].get<std::string>().find("instances their organisation owns"), std::string::npos)
        << logged[1];
    EXPECT_EQ(logged[1]["reason"].get<std::string>().find("aritas"), std::string::npos) << logged[1];
    EXPECT_EQ(logged[2]["action"], "read");
    EXPECT_EQ(json::parse(ok(kAdministrator + Args{"denials", "--lifecycle", "paper", "--json"}).out).size(), 1u);
    EXPECT_EQ(json::parse(ok(kAdministrator + Args{"denials", "--json"}).out).size(), 4u);
    const Result table = ok(kAdministrator + Args{"denials", "--lifecycle", "case"});
    EXPECT_NE(table.out.find("aweber"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("follow_up"), std::string::npos) << table.out;
    EXPECT_EQ(ok(kAdministrator + Args{"denials", "--id", "K-404"}).out, "(keine Ablehnungen)\n");
}

// --- The denial log: only for an actor who may `audit`, and only what the scope reaches ---

const Args kDatenschutzRe{"--as", "dsb-re", "--role", "datenschutz", "--org", "Kreis Recklinghausen"};
const Args kDatenschutzUnna{"--as", "dsb-un", "--role", "datenschutz", "--org", "Kreis Unna"};

/// Three cases: two in the Kreis Recklinghausen (Caritas, AGORA), one of Caritas in the Kreis Unna.
class KimctlTwoKreise : public Kimctl {
protected:
    void SetUp() override
    {
        Kimctl::SetUp();
        ok(kCaritas + Args{"--at", "2025-03-01", "case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas",
                           "--kreis", "Kreis Recklinghausen"});
        ok(kAgora + Args{"--at", "2025-03-02", "case", "open", "K-2", "--kommune", "Marl", "--traeger", "AGORA",
                         "--kreis", "Kreis Recklinghausen"});
        ok(kCaritas + Args{"--at", "2025-03-03", "case", "open", "K-3", "--kommune", "Schwerte", "--traeger", "Caritas",
                           "--kreis", "Kreis Unna"});
    }
    using Ids = std::vector<std::string>;
};

TEST_F(KimctlTwoKreise, AListHoldsTheCasesOfTheTraegerOrOfTheKreis)
{
    EXPECT_EQ(ids(kCaritas, {"list", "case"}), (Ids{"K-1", "K-3"}));
    EXPECT_EQ(ids(kAgora, {"list", "case"}), (Ids{"K-2"}));
    EXPECT_EQ(ids(kKreisRecklinghausen, {"list", "case"}), (Ids{"K-1", "K-2"}));
    EXPECT_EQ(ids(kKreisUnna, {"list", "case"}), (Ids{"K-3"}));
    EXPECT_EQ(ids(kCaritas, {"list", "case", "--traeger", "AGORA"}), Ids{}) << "another Träger's cases stay hidden";
    EXPECT_EQ(ids(kKreisRecklinghausen, {"list", "case", "--traeger", "Caritas"}), (Ids{"K-1"}));
    const Result table = ok(kCaritas + Args{"list", "case"});
    EXPECT_NE(table.out.find("K-3"), std::string::npos) << table.out;
    EXPECT_EQ(table.out.find("K-2"), std::string::npos) << table.out;
    // A Fraktion may read no case at all.
    const Result fraktion = run(kSpd + Args{"list", "case"});
    EXPECT_EQ(fraktion.exit, 7) << describe(fraktion);
    expect_short_error(fraktion);
}

TEST_F(KimctlTwoKreise, AReportCountsOnlyTheCasesTheActorMayRead)
{
    auto report = [&](const Args& actor) {
        return json::parse(ok(actor + Args{"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31", "--json"}).out);
    };
    auto groups = [](const json& r) {
        std::set<std::string> out;
        for (const auto& g : r["by_traeger"]) out.insert(g["group"].get<std::string>());
        return out;
    };
    const json caritas = report(kCaritas);
    EXPECT_EQ(caritas["total"]["opened"], 2);
    EXPECT_EQ(groups(caritas), std::set<std::string>{"Caritas"});
    const json agora = report(kAgora);
    EXPECT_EQ(agora["total"]["opened"], 1);
    EXPECT_EQ(groups(agora), std::set<std::string>{"AGORA"});
    const json kreis = report(kKreisRecklinghausen);
    EXPECT_EQ(kreis["total"]["opened"], 2);
    EXPECT_EQ(groups(kreis), (std::set<std::string>{"AGORA", "Caritas"}));
    EXPECT_EQ(report(kKreisUnna)["total"]["opened"], 1);
    EXPECT_EQ(run(kSpd + Args{"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31"}).exit, 7);
}

TEST_F(KimctlTwoKreise, DenialsNeedAnActorWhoMayAuditAndShowOnlyItsScope)
{
    EXPECT_EQ(run(kAgora + Args{"show", "case", "K-1"}).exit, 4);     // about a case of the Kreis Recklinghausen
    EXPECT_EQ(run(kAgora + Args{"show", "case", "K-3"}).exit, 4);     // about one of the Kreis Unna
    EXPECT_EQ(run(kSpd + Args{"list", "case"}).exit, 7);              // about no case
    auto ids_of = [](const Result& r) {
        Ids out;
        for (const auto& d : json::parse(r.out)) out.push_back(d["id"].get<std::string>());
        return out;
    };
    EXPECT_EQ(ids_of(ok(kAdministrator + Args{"denials", "--json"})), (Ids{"K-1", "K-3", ""}));
    EXPECT_EQ(ids_of(ok(kDatenschutzRe + Args{"denials", "--json"})), Ids{"K-1"});
    EXPECT_EQ(ids_of(ok(kDatenschutzUnna + Args{"denials", "--lifecycle", "case", "--json"})), Ids{"K-3"});
    EXPECT_EQ(ok(kDatenschutzRe + Args{"denials", "--id", "K-3"}).out, "(keine Ablehnungen)\n")
        << "another Kreis's case: as if it had none";

    // Without an actor: a usage error; without `audit`: refused (7) and logged.
    const Result nobody = run({"denials"});
    EXPECT_EQ(nobody.exit, 2) << describe(nobody);
    for (const Args& who : {kCaritas, kAgora, kKreisRecklinghausen}) {
        const Result refused = run(who + Args{"denials", "--lifecycle", "case"});
        EXPECT_EQ(refused.exit, 7) << describe(refused);
        EXPECT_EQ(refused.out.find("K-1"), std::string::npos) << refused.out;
    }
    EXPECT_EQ(run(kCaritas + Args{"denials"}).exit, 7);
    const json all = json::parse(ok(kAdministrator + Args{"denials", "--lifecycle", "case", "--json"}).out);
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.back()["action"], "audit");
    EXPECT_EQ(all.back()["actor"]["id"], "mkoch");
}

// --- Erasure: early (DSGVO art. 17) and at the end of the retention period ---

/// A case of Caritas closed on 2020-06-30, with a goal and a note about the client, and one
/// opened in 2025 that is still open.
class KimctlClosedIn2020 : public Kimctl {
protected:
    void SetUp() override
    {
        Kimctl::SetUp();
        const std::vector<std::pair<std::string, Args>> steps{
            {"2020-02-03", {"case", "open", "K-OLD", "--kommune", "Herten", "--traeger", "Caritas", "--kreis",
                            "Kreis Recklinghausen"}},
            {"2020-02-04", {"fire", "case", "K-OLD", "grant_consent", "recipients=Jobcenter Kreis Recklinghausen",
                            "purpose=Vermittlung in Arbeit"}},
            {"2020-02-05", {"fire", "case", "K-OLD", "accept"}},
            {"2020-02-10", {"fire", "case", "K-OLD", "complete_assessment"}},
            {"2020-02-11", {"fire", "case", "K-OLD", "add_goal", "goal=Deutschkurs B1 bis zum Sommer"}},
            {"2020-02-12", {"fire", "case", "K-OLD", "agree_plan"}},
            {"2020-02-13", {"fire", "case", "K-OLD", "refer", "recipient=Jobcenter Kreis Recklinghausen",
                            "rechtskreis=SGB II"}},
            {"2020-02-14", {"fire", "case", "K-OLD", "start_monitoring"}},
            {"2020-06-01", {"fire", "case", "K-OLD", "evaluate"}},
            {"2020-06-30", {"fire", "case", "K-OLD", "close", "reason=goals_achieved", "note=zieht zu ihrer Schwester"}},
            {"2025-03-01", {"case", "open", "K-NEW", "--kommune", "Marl", "--traeger", "Caritas", "--kreis",
                            "Kreis Recklinghausen"}},
            {"2025-03-02", {"fire", "case", "K-NEW", "grant_consent", "recipients=Jugendamt Marl", "purpose=Kita-Platz"}},
        };
        for (const auto& [at, args] : steps) ok(kCaritas + Args{"--at", at} + args);
    }
    json report2020() const
    {
        return json::parse(
            ok(kKreisRecklinghausen + Args{"report", "kim", "--from", "2020-01-01", "--to", "2025-12-31", "--json"}).out);
    }
};

TEST_F(KimctlClosedIn2020, PurgeErasesACaseClosedIn2020From2026On)
{
    const json before = report2020();
    ASSERT_EQ(before["total"]["opened"], 2);

    // 2025-12-31: still within the 5 calendar years after 2020.
    const json early = json::parse(ok(kAdministrator + Args{"purge", "--at", "2025-12-31", "--json"}).out);
    EXPECT_EQ(early["erased"]["case"], json::array());
    EXPECT_EQ(early["erased"]["paper"], json::array());
    EXPECT_NE(ok(kCaritas + Args{"show", "case", "K-OLD"}).out.find("Deutschkurs"), std::string::npos);

    // Only an administrator purges.
    const Result not_admin = run(kCaritas + Args{"purge", "--at", "2026-01-01"});
    EXPECT_EQ(not_admin.exit, 7) << describe(not_admin);
    EXPECT_NE(ok(kCaritas + Args{"show", "case", "K-OLD"}).out.find("Deutschkurs"), std::string::npos);

    const Result purged = ok(kAdministrator + Args{"purge", "--at", "2026-01-01"});
    EXPECT_NE(purged.out.find("1 case"), std::string::npos) << purged.out;
    EXPECT_NE(purged.out.find("K-OLD"), std::string::npos) << purged.out;
    EXPECT_EQ(purged.out.find("K-NEW"), std::string::npos) << purged.out;

    const Result shown = ok(kCaritas + Args{"show", "case", "K-OLD"});
    for (const char* personal : {"Deutschkurs", "zieht zu", "Vermittlung in Arbeit"})
        EXPECT_EQ(shown.out.find(personal), std::string::npos) << personal << '\n' << shown.out;
    EXPECT_NE(shown.out.find("gelöscht"), std::string::npos) << shown.out;
    const json k_old = show("case", "K-OLD", kCaritas);
    EXPECT_EQ(k_old["state"], "closed");
    EXPECT_EQ(k_old["erased_at"], "2026-01-01T00:00:00Z");
    EXPECT_EQ(k_old["history"].back()["actor"]["id"], "admin");
    EXPECT_EQ(show("case", "K-NEW", kCaritas)["data"]["consent"]["purpose"], "Kita-Platz");

    EXPECT_EQ(report2020(), before) << "the figures stay";
    ok(kAdministrator + Args{"verify"});  // database-wide figures: `audit` on everything
    // Nothing more to erase.
    EXPECT_EQ(json::parse(ok(kAdministrator + Args{"purge", "--at", "2026-06-01", "--json"}).out)["erased"]["case"],
              json::array());
}

TEST_F(KimctlClosedIn2020, CaseEraseErasesOneCaseNow)
{
    const json before = report2020();
    const Result other = run(kAgora + Args{"case", "erase", "K-NEW"});
    EXPECT_EQ(other.exit, 4) << "AGORA may not read the case: to it there is none\n" << describe(other);
    EXPECT_EQ(show("case", "K-NEW", kCaritas)["data"]["consent"]["purpose"], "Kita-Platz");

    ok(kCaritas + Args{"--at", "2025-04-01", "case", "erase", "K-NEW", "--reason", "request_art17", "--note",
                       "Antrag der Klientin vom 2025-03-30"});
    const json k_new = show("case", "K-NEW", kCaritas);
    EXPECT_EQ(k_new["erased_at"], "2025-04-01T00:00:00Z");
    EXPECT_FALSE(k_new["data"]["consent"].contains("purpose")) << k_new.dump(2);
    EXPECT_EQ(k_new["state"], "intake") << "the case goes on";
    EXPECT_NE(k_new["history"].back()["payload"].get<std::string>().find("Antrag der Klientin"), std::string::npos)
        << k_new["history"].back();
    EXPECT_EQ(ok(kCaritas + Args{"show", "case", "K-NEW"}).out.find("Kita-Platz"), std::string::npos);
    // Erasing again with nothing recorded since logs nothing; after a change it is logged again.
    ok(kCaritas + Args{"case", "erase", "K-NEW"});
    EXPECT_EQ(show("case", "K-NEW", kCaritas)["version"], k_new["version"]);
    ok(kCaritas + Args{"--at", "2025-04-02", "fire", "case", "K-NEW", "accept"});
    const json accepted = report2020();
    ok(kCaritas + Args{"--at", "2025-04-03", "case", "erase", "K-NEW"});
    EXPECT_EQ(show("case", "K-NEW", kCaritas)["version"], k_new["version"].get<int>() + 2);
    // The Kreis may erase too.
    ok(kKreisRecklinghausen + Args{"case", "erase", "K-OLD"});
    EXPECT_EQ(ok(kCaritas + Args{"show", "case", "K-OLD"}).out.find("Deutschkurs"), std::string::npos);
    EXPECT_NE(accepted, before);
    EXPECT_EQ(report2020(), accepted) << "the figures stay";
    ok(kAdministrator + Args{"verify"});  // database-wide figures: `audit` on everything
}

// --- Erasure: a reason code, a note that is erased later, and a reader that holds the scrub up ---

TEST_F(KimctlClosedIn2020, EraseTakesAReasonCodeAndItsNoteIsErasedWithTheCase)
{
    const Result free_text = run(kCaritas + Args{"case", "erase", "K-NEW", "--reason", "Frau Yilmaz rief an"});
    EXPECT_EQ(free_text.exit, 2) << describe(free_text);
    for (const char* listed : {"consent_withdrawn", "Einwilligung widerrufen", "retention_expired", "--note"})
        EXPECT_NE(free_text.err.find(listed), std::string::npos) << listed << '\n' << free_text.err;
    EXPECT_EQ(show("case", "K-NEW", kCaritas)["version"], 2);

    const Result erased = ok(kCaritas + Args{"--at", "2025-04-01", "case", "erase", "K-NEW", "--reason",
                                             "consent_withdrawn", "--note", "Anruf von Frau Yilmaz"});
    EXPECT_NE(erased.out.find("Einwilligung widerrufen"), std::string::npos) << erased.out;
    EXPECT_EQ(show("case", "K-NEW", kCaritas)["history"].back()["payload"],
              "reason=consent_withdrawn, note=Anruf von Frau Yilmaz");

    // Recorded since, and erased again: the earlier note goes with the rest.
    ok(kCaritas + Args{"--at", "2025-04-02", "fire", "case", "K-NEW", "accept"});
    ok(kCaritas + Args{"--at", "2025-04-03", "case", "erase", "K-NEW", "--reason", "duplicate"});
    const json k_new = show("case", "K-NEW", kCaritas);
    EXPECT_EQ(k_new["history"][2]["payload"], "reason=consent_withdrawn, note=") << k_new["history"].dump(2);
    EXPECT_EQ(k_new["history"].back()["payload"], "reason=duplicate");
    EXPECT_EQ(k_new.dump().find("Yilmaz"), std::string::npos) << k_new.dump(2);
    ok(kAdministrator + Args{"verify"});  // database-wide figures: `audit` on everything
    EXPECT_EQ(read_text(db.path()).find("Yilmaz"), std::string::npos);
}

TEST_F(KimctlClosedIn2020, EraseWhileAnotherProgramReadsSucceedsAndASecondRunOnlyScrubs)
{
    std::optional<SQLite::Database> reader(std::in_place, db.path(), SQLite::OPEN_READONLY);
    reader->exec("BEGIN");
    ASSERT_GT(reader->execAndGet("SELECT count(*) FROM instance").getInt(), 0);  // holds a snapshot

    const Result first = run(kCaritas + Args{"--at", "2025-04-01", "case", "erase", "K-NEW", "--reason", "consent_withdrawn"});
    EXPECT_EQ(first.exit, 0) << describe(first);
    EXPECT_NE(first.out.find("gelöscht"), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("Write-Ahead-Log"), std::string::npos) << first.out;
    reader->exec("COMMIT");
    reader.reset();

    const Result second = run(kCaritas + Args{"--at", "2025-04-02", "case", "erase", "K-NEW", "--reason", "consent_withdrawn"});
    EXPECT_EQ(second.exit, 0) << describe(second);
    EXPECT_NE(second.out.find("bereits gelöscht"), std::string::npos) << second.out;
    EXPECT_EQ(second.out.find("Write-Ahead-Log"), std::string::npos) << second.out;
    int erasures = 0;
    const json k_new = show("case", "K-NEW", kCaritas);
    for (const auto& entry : k_new["history"]) erasures += entry["event"] == "erase_personal_data" ? 1 : 0;
    EXPECT_EQ(erasures, 1) << k_new["history"].dump(2);
    EXPECT_EQ((read_text(db.path()) + read_text(db.path() + "-wal")).find("Kita-Platz"), std::string::npos);
    ok(kAdministrator + Args{"verify"});  // database-wide figures: `audit` on everything
}

}  // namespace
