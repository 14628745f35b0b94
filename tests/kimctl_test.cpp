// End-to-end tests of kimctl on papers and cases: a Drucksache's and a KIM case's story by
// commands alone, lists, events, deadlines and the year's figures, and the exit code of each
// kind of failure (2 usage, 3 rejected, 4 not found, 5 version conflict, 6 storage). The
// tools, options and configuration are in kimctl_tools_test.cpp, the policy and erasure in
// kimctl_privacy_test.cpp; the fixture they share is kimctl_fixture.hpp.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include "kimctl_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kimctl_test;

TEST_F(Kimctl, TheSeedsStoryOf14_1923ByCommandsAlone)
{
    tell_14_1923();
    const json paper = show("paper", "14/1923");
    EXPECT_EQ(paper["lifecycle"], "paper");
    EXPECT_EQ(paper["id"], "14/1923");
    EXPECT_EQ(paper["state"], "acknowledged");
    EXPECT_EQ(paper["version"], 4);
    EXPECT_EQ(paper["allowed_events"], json::array());
    EXPECT_EQ(paper["data"]["type"], "Anfrage");
    EXPECT_EQ(paper["data"]["answer_reference"], "14/1923-1");
    const json& c = paper["data"]["consultations"].at(0);
    EXPECT_EQ(c["organization"], kCommittee);
    EXPECT_EQ(c["meeting_date"], "2025-02-06");
    EXPECT_EQ(c["agenda_item"], "9.2");
    EXPECT_EQ(c["result"], "zur Kenntnis genommen");

    const json& h = paper["history"];
    ASSERT_EQ(h.size(), 4u);
    const std::vector<std::string> events{"submit", "answer", "schedule", "acknowledge"};
    const std::vector<std::string> to{"submitted", "answered", "on_agenda", "acknowledged"};
    std::string from = "draft";
    for (std::size_t i = 0; i < h.size(); ++i) {
        EXPECT_EQ(h[i]["event"], events[i]);
        EXPECT_EQ(h[i]["from"], from);
        EXPECT_EQ(h[i]["to"], to[i]);
        from = to[i];
    }
    EXPECT_EQ(h[1]["actor"]["id"], "baumeister");
    EXPECT_EQ(h[1]["actor"]["role"], "verwaltung");
    EXPECT_EQ(h[1]["at"], "2025-01-27T09:00:00Z");  // --at with an offset, stored as UTC
    EXPECT_EQ(h[3]["at"], "2025-02-06T14:40:00Z");

    // The same for people: an aligned table with German words, and the history.
    const Result human = ok(kSitzungsdienst + Args{"show", "paper", "14/1923"});
    EXPECT_NE(human.out.find("Drucksache 14/1923"), std::string::npos) << human.out;
    const std::vector<std::string> lines = words_of_lines(human.out);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "Zustand Zur Kenntnis genommen"), lines.end()) << human.out;
    EXPECT_EQ(human.out.find("acknowledged"), std::string::npos) << "a state by its code";
    EXPECT_NE(human.out.find("Beratungsfolge"), std::string::npos);
    EXPECT_NE(human.out.find("zur Kenntnis genommen"), std::string::npos);
    const Result history = ok(kFraktion + Args{"history", "paper", "14/1923", "--json"});
    EXPECT_EQ(json::parse(history.out), h);
}

TEST_F(Kimctl, ListAndEventsAsJson)
{
    tell_14_1923();
    ok(kSpd + Args{"paper", "create", "A-1", "--type", "Antrag", "--title", "Bericht zum Stand von KIM", "--originator",
                   "SPD"});
    // Allowed events are those the reader may fire: the SPD may submit or withdraw its draft.
    const json all = json::parse(ok(kSpd + Args{"list", "paper", "--json"}).out);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0]["id"], "14/1923");
    EXPECT_EQ(all[1]["id"], "A-1");
    EXPECT_EQ(all[1]["state"], "draft");
    EXPECT_EQ(all[1]["allowed_events"], json({"submit", "withdraw"}));
    for (const auto& item : all) EXPECT_FALSE(item.contains("history"));

    const json drafts = json::parse(ok(kSitzungsdienst + Args{"list", "paper", "--state", "draft", "--json"}).out);
    ASSERT_EQ(drafts.size(), 1u);
    EXPECT_EQ(drafts[0]["id"], "A-1");
    EXPECT_EQ(drafts[0]["allowed_events"], json::array()) << "the Sitzungsdienst may not submit the SPD's paper";

    const json events = json::parse(ok({"events", "paper", "--json"}).out);
    const auto schedule = std::find_if(events.begin(), events.end(), [](const json& e) { return e["event"] == "schedule"; });
    ASSERT_NE(schedule, events.end());
    EXPECT_EQ((*schedule)["allowed_in"], json({"submitted", "answered"}));
    bool meeting_date_required = false;
    for (const auto& f : (*schedule)["fields"])
        if (f["name"] == "meeting_date") meeting_date_required = f["required"].get<bool>();
    EXPECT_TRUE(meeting_date_required);
    EXPECT_NE(ok({"events", "case"}).out.find("grant_consent"), std::string::npos);
}

TEST_F(Kimctl, OverduePapersAreListed)
{
    ok(kSpd + Args{"--at", "2025-01-06", "paper", "create", "14/2000", "--type", "Anfrage", "--title", "Unbeantwortet",
                   "--originator", "SPD"});
    ok(kSpd + Args{"--at", "2025-01-06", "fire", "paper", "14/2000", "submit"});
    // Default answer period: 28 days, so due on 2025-02-03 and overdue from the day after.
    EXPECT_EQ(ids(kVerwaltung, {"--at", "2025-02-03", "list", "paper", "--overdue"}).size(), 0u);
    const json late = json::parse(ok(kVerwaltung + Args{"--at", "2025-02-04", "list", "paper", "--overdue", "--json"}).out);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0]["overdue"][0]["what"], "answer");
    EXPECT_EQ(late[0]["overdue"][0]["due"], "2025-02-03");
}

TEST_F(Kimctl, AKimCaseFromOpeningToTheFigures)
{
    auto as = [&](const Args& actor, const std::string& at, const Args& args) {
        return ok(actor + Args{"--at", at} + args);
    };
    as(kCaritas, "2025-03-01", {"case", "open", "K-1", "--kommune", "Castrop-Rauxel", "--traeger", "Caritas", "--manager",
                                "mkoch", "--kreis", "Kreis Recklinghausen"});
    as(kAgora, "2025-03-01", {"case", "open", "K-2", "--kommune", "Herten", "--traeger", "AGORA", "--kreis",
                              "Kreis Recklinghausen"});
    as(kCaritas, "2025-03-02", {"fire", "case", "K-1", "grant_consent",
                                "recipients=Jobcenter Kreis Recklinghausen,Jugendamt Castrop-Rauxel",
                                "purpose=Vermittlung"});
    as(kCaritas, "2025-03-02", {"fire", "case", "K-1", "follow_up", "date=2025-03-20"});
    as(kCaritas, "2025-03-03", {"fire", "case", "K-1", "accept"});

    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["state"], "assessment");
    EXPECT_EQ(k1["states"], json({"granted", "assessment"}));
    EXPECT_EQ(k1["data"]["consent"]["recipients"].size(), 2u);
    EXPECT_EQ(k1["data"]["follow_ups"][0]["date"], "2025-03-20");

    // The Kreis sees the cases of both Träger.
    const Args& kreis = kKreisRecklinghausen;
    EXPECT_EQ(ids(kreis, {"list", "case", "--traeger", "Caritas"}), std::vector<std::string>{"K-1"});
    EXPECT_EQ(ids(kreis, {"list", "case", "--kommune", "Herten"}), std::vector<std::string>{"K-2"});
    EXPECT_EQ(ids(kreis, {"list", "case", "--state", "intake"}), std::vector<std::string>{"K-2"});
    EXPECT_TRUE(ids(kreis, {"--at", "2025-03-19", "list", "case", "--due-for-follow-up"}).empty());
    EXPECT_EQ(ids(kreis, {"--at", "2025-03-20", "list", "case", "--due-for-follow-up"}), std::vector<std::string>{"K-1"});
    EXPECT_TRUE(ids(kreis, {"--at", "2025-03-20", "list", "case", "--overdue"}).empty());
    EXPECT_EQ(ids(kreis, {"--at", "2025-03-21", "list", "case", "--overdue"}), std::vector<std::string>{"K-1"});

    const Args period{"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31"};
    const json report = json::parse(ok(kreis + period + Args{"--json"}).out);
    EXPECT_EQ(report["total"]["opened"], 2);
    const Result csv = ok(kreis + period + Args{"--format", "csv"});
    EXPECT_NE(csv.out.find("Caritas"), std::string::npos) << csv.out;
    const Result table = ok(kreis + period);
    EXPECT_NE(table.out.find("Kommune Castrop-Rauxel"), std::string::npos) << table.out;
}

TEST_F(Kimctl, ExitCode2ForUsageErrors)
{
    ok(kSpd + Args{"paper", "create", "A-1", "--type", "Antrag", "--title", "Ein Antrag", "--originator", "SPD"});
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"frobnicate"},                                                     // no such command
             {"paper", "create", "A-2", "--title", "ohne Art"},                  // --type missing
             {"paper", "create", "A-2", "--type", "Rundschreiben", "--title", "x"},  // unknown type
             {"paper", "create", "A-2", "--type", "Antrag", "--title", ""},        // empty title
             {"fire", "paper", "A-1", "submit", "oops"},                         // not name=value
             {"fire", "paper", "A-1", "teleport"},                               // no such event
             {"fire", "paper", "A-1", "withdraw", "reason=x", "colour=red"},     // no such field
             {"fire", "document", "A-1", "submit"},                              // no such lifecycle
             {"--at", "2025-02-30", "show", "paper", "A-1"},                     // no such day
             {"list", "paper", "--traeger", "Caritas"},                          // a case filter on papers
             {"report", "kim", "--from", "2025-12-31", "--to", "2025-01-01"},    // the wrong way round
         }) {
        const Result r = run(kSpd + args);
        EXPECT_EQ(r.exit, 2) << describe(r);
        expect_short_error(r);
    }
    EXPECT_EQ(show("paper", "A-1")["version"], 0);
}

TEST_F(Kimctl, ExitCode3WhenTheEventIsRejectedAndNothingChanges)
{
    ok(kSpd + Args{"paper", "create", "A-1", "--type", "Antrag", "--title", "Ein Antrag", "--originator", "SPD"});
    const Result not_allowed = run(kSitzungsdienst + Args{"fire", "paper", "A-1", "acknowledge"});
    EXPECT_EQ(not_allowed.exit, 3) << describe(not_allowed);
    expect_short_error(not_allowed);
    EXPECT_NE(not_allowed.err.find("submit"), std::string::npos) << "names what is allowed: " << not_allowed.err;

    ok(kSpd + Args{"fire", "paper", "A-1", "submit"});
    // Only an Anfrage is answered.
    const Result guard = run(kVerwaltung + Args{"fire", "paper", "A-1", "answer", "answer_reference=A-1-1"});
    EXPECT_EQ(guard.exit, 3) << describe(guard);
    expect_short_error(guard);
    const Result bad_date = run(kSitzungsdienst + Args{"fire", "paper", "A-1", "schedule", "meeting_date=2025-02-30"});
    EXPECT_EQ(bad_date.exit, 2) << describe(bad_date);
    EXPECT_NE(bad_date.err.find("meeting_date"), std::string::npos) << bad_date.err;

    const Result twice =
        run(kSpd + Args{"paper", "create", "A-1", "--type", "Antrag", "--title", "noch einmal", "--originator", "SPD"});
    EXPECT_EQ(twice.exit, 3) << describe(twice);
    const json a1 = show("paper", "A-1");
    EXPECT_EQ(a1["state"], "submitted");
    EXPECT_EQ(a1["version"], 1);
    EXPECT_EQ(a1["data"]["title"], "Ein Antrag");
}

TEST_F(Kimctl, ABackDatedFireExitsWith3AndAnEditedTimeOrderIsFoundByVerify)
{
    ok(kCaritas + Args{"--at", "2025-05-10T09:00:00Z", "case", "open", "K-1", "--kommune", "Castrop-Rauxel",
                       "--traeger", "Caritas"});
    // Closed "on 2025-01-10", four months before it was opened: refused, nothing changed.
    const Result back = run(kCaritas + Args{"--at", "2025-01-10", "fire", "case", "K-1", "decline"});
    EXPECT_EQ(back.exit, 3) << describe(back);
    expect_short_error(back);
    EXPECT_NE(back.err.find("before its last transition (2025-05-10T09:00:00Z)"), std::string::npos) << back.err;
    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["state"], "intake");
    EXPECT_EQ(k1["version"], 1);

    ok(kCaritas + Args{"--at", "2025-05-12T09:00:00Z", "fire", "case", "K-1", "decline"});
    EXPECT_EQ(run(kAdministrator + Args{"verify"}).exit, 0);  // verify needs `audit` on everything
    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READWRITE);
        sql.exec("UPDATE transition SET at = at - 30 * 86400000000 WHERE version = 2 AND instance = "
                 "(SELECT key FROM instance WHERE id = 'K-1')");
    }
    const Result edited = run(kAdministrator + Args{"verify"});
    EXPECT_EQ(edited.exit, 6) << describe(edited);
    EXPECT_NE(edited.out.find("case K-1: log entry 2 (decline) is recorded at 2025-04-12T09:00:00Z, before the entry "
                              "ahead of it (2025-05-10T09:00:00Z)"),
              std::string::npos)
        << edited.out;
}

TEST_F(Kimctl, ExitCode4ForNoSuchPaperOrCase)
{
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"show", "paper", "99/9999"}, {"history", "case", "K-404"}, {"fire", "case", "K-404", "accept"}}) {
        const Result r = run(kCaritas + args);
        EXPECT_EQ(r.exit, 4) << describe(r);
        expect_short_error(r);
    }
}

TEST_F(Kimctl, ExitCode5ForAVersionConflict)
{
    ok(kSpd + Args{"paper", "create", "A-1", "--type", "Antrag", "--title", "Ein Antrag", "--originator", "SPD"});
    ok(kSpd + Args{"fire", "paper", "A-1", "submit", "--expect-version", "0"});
    const Result stale = run(kSpd + Args{"fire", "paper", "A-1", "withdraw", "reason=erledigt", "--expect-version", "0"});
    EXPECT_EQ(stale.exit, 5) << describe(stale);
    expect_short_error(stale);
    EXPECT_EQ(show("paper", "A-1")["state"], "submitted");
    ok(kSpd + Args{"fire", "paper", "A-1", "withdraw", "reason=erledigt", "--expect-version", "1"});
    EXPECT_EQ(show("paper", "A-1")["state"], "withdrawn");
}

TEST(KimctlStorage, ExitCode6WhenTheDatabaseCannotBeUsed)
{
    TempDir dir("kimctl");
    const Result missing = kimctl(kSitzungsdienst + Args{"--db", dir / "none.db", "list", "paper"});
    EXPECT_EQ(missing.exit, 6) << describe(missing);
    expect_short_error(missing);
    EXPECT_NE(missing.err.find("kimctl init"), std::string::npos) << missing.err;
    EXPECT_FALSE(fs::exists(dir / "none.db")) << "a read must not create the database";

    std::ofstream(dir / "notes.db") << "Protokoll der Sitzung vom 6. Februar 2025\n";
    const Result not_a_database = kimctl({"--db", dir / "notes.db", "init"});
    EXPECT_EQ(not_a_database.exit, 6) << describe(not_a_database);
    expect_short_error(not_a_database);
    EXPECT_EQ(read_text(dir / "notes.db"), "Protokoll der Sitzung vom 6. Februar 2025\n") << "the file is left alone";
}

// Needs input.hpp: the rules every door shares, and terminal_safe() in kimctl's tables and texts.
TEST_F(Kimctl, HostileActorsAndTextsAreRefusedAndStoredTextIsShownEscaped)
{
    const auto npos = std::string::npos;
    // An escape sequence in --as is refused as bad input; it reaches neither the log nor the terminal.
    const Result bad = run(Args{"--as", "\x1b[31mmallory", "--role", "fraktion", "--org", "SPD", "paper", "create",
                                "A-9", "--type", "Antrag", "--title", "x", "--originator", "SPD"});
    EXPECT_EQ(bad.exit, 2) << describe(bad);
    EXPECT_EQ(bad.out.find('\x1b'), npos);
    EXPECT_EQ(bad.err.find('\x1b'), npos);
    // The title limit is the table's, as for the library, the C ABI and the OParl importer.
    EXPECT_EQ(run(kSpd + Args{"paper", "create", "A-2", "--type", "Antrag", "--title", std::string(65537, 'x'),
                              "--originator", "SPD"}).exit, 2);
    ok(kSpd + Args{"paper", "create", "A-1", "--type", "Antrag", "--title", "Bericht \xe2\x80\xae" "fdp.exe",
                   "--originator", "SPD"});
    ok(kSpd + Args{"fire", "paper", "A-1", "withdraw", "reason=erstens\nzweitens"});
    for (const Args& args : {Args{"show", "paper", "A-1"}, Args{"history", "paper", "A-1"}, Args{"list", "paper"}}) {
        const Result r = ok(kSpd + args);
        EXPECT_EQ(r.out.find("\xe2\x80\xae"), npos) << r.out;
        EXPECT_EQ(r.out.find("erstens\nzweitens"), npos) << r.out;
    }
    EXPECT_NE(ok(kSpd + Args{"show", "paper", "A-1"}).out.find("Bericht \\u202efdp.exe"), npos);
    EXPECT_NE(ok(kSpd + Args{"history", "paper", "A-1"}).out.find("erstens\\nzweitens"), npos);
    // JSON stays JSON: the text as stored, escaped by JSON's rules.
    EXPECT_EQ(show("paper", "A-1", kSpd)["data"]["title"], "Bericht \xe2\x80\xae" "fdp.exe");
}

}  // namespace
