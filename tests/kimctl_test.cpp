// End-to-end tests of kimctl: the real binary against a temporary database, as a Verwaltung
// clerk or a script would run it. Checks exit codes, stdout (tables and --json parsed back)
// and stderr.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include "temp_file.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Result {
    int exit = -1;
    std::string out;
    std::string err;
};

/// Runs kimctl with @p args (no shell); stdout and stderr are captured through files.
Result kimctl(const std::vector<std::string>& args)
{
    static int counter = 0;
    const std::string base = testing::TempDir() + "kimctl-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    const std::string out_path = base + ".out", err_path = base + ".err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> all{KIMCTL_PATH};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t child = 0;
    Result r;
    if (posix_spawn(&child, KIMCTL_PATH, &actions, nullptr, argv.data(), environ) == 0) {
        int status = 0;
        waitpid(child, &status, 0);
        r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    posix_spawn_file_actions_destroy(&actions);
    r.out = read_text(out_path);
    r.err = read_text(err_path);
    std::remove(out_path.c_str());
    std::remove(err_path.c_str());
    return r;
}

std::string describe(const Result& r)
{
    return "exit " + std::to_string(r.exit) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

/// Errors are one or two lines on stderr, start with "kimctl: ", and show no C++ internals.
void expect_short_error(const Result& r)
{
    EXPECT_EQ(r.err.rfind("kimctl: ", 0), 0u) << describe(r);
    const auto lines = std::count(r.err.begin(), r.err.end(), '\n');
    EXPECT_GE(lines, 1) << describe(r);
    EXPECT_LE(lines, 2) << describe(r);
    for (const char* internal : {"terminate", "what()", "std::", "Aborted", "core dumped"})
        EXPECT_EQ(r.err.find(internal), std::string::npos) << describe(r);
}

const char* const kCommittee = "Ausschuss für Kultur, Sport und Vielfalt";

/// A database with `init` run, and kimctl calls against it.
class Kimctl : public testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(run({"init"}).exit, 0); }

    /// kimctl --db <this database> ARGS...
    Result run(std::vector<std::string> args) const
    {
        args.insert(args.begin(), {"--db", db.path()});
        return kimctl(args);
    }
    /// Runs and expects exit code 0.
    Result ok(const std::vector<std::string>& args) const
    {
        Result r = run(args);
        EXPECT_EQ(r.exit, 0) << describe(r);
        return r;
    }
    json show(const std::string& kind, const std::string& id) const
    {
        return json::parse(ok({"show", kind, id, "--json"}).out);
    }

    /// The seeds' Fraktionsanfrage 14/1923, by commands alone.
    void tell_14_1923() const
    {
        ok({"--as", "kretschmer", "--role", "fraktion", "--org", "Fraktion Die Linke", "--at",
            "2025-01-06T09:00:00+01:00", "paper", "create", "14/1923", "--type", "Anfrage", "--title",
            "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet", "--date", "2025-01-06", "--originator",
            "Fraktion Die Linke", "--body", "Regionalverband Ruhr", "--consultation",
            std::string(kCommittee) + "|Kenntnisnahme"});
        ok({"--as", "kretschmer", "--role", "fraktion", "--at", "2025-01-06T09:00:00+01:00", "fire", "paper", "14/1923",
            "submit"});
        ok({"--as", "baumeister", "--role", "verwaltung", "--at", "2025-01-27T10:00:00+01:00", "fire", "paper",
            "14/1923", "answer", "answer_reference=14/1923-1"});
        ok({"--as", "sitzungsdienst", "--role", "sitzungsdienst", "--at", "2025-01-28T08:30:00+01:00", "fire", "paper",
            "14/1923", "schedule", std::string("organization=") + kCommittee, "meeting_date=2025-02-06",
            "agenda_item=9.2", "role=Kenntnisnahme"});
        ok({"--as", "sitzungsdienst", "--role", "sitzungsdienst", "--at", "2025-02-06T15:40:00+01:00", "fire", "paper",
            "14/1923", "acknowledge"});
    }

    TempFile db{"kimctl"};
};

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
    const Result human = ok({"show", "paper", "14/1923"});
    EXPECT_NE(human.out.find("Drucksache 14/1923"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("acknowledged"), std::string::npos);
    EXPECT_NE(human.out.find("Beratungsfolge"), std::string::npos);
    EXPECT_NE(human.out.find("zur Kenntnis genommen"), std::string::npos);
    const Result history = ok({"history", "paper", "14/1923", "--json"});
    EXPECT_EQ(json::parse(history.out), h);
}

TEST_F(Kimctl, ListAndEventsAsJson)
{
    tell_14_1923();
    ok({"paper", "create", "A-1", "--type", "Antrag", "--title", "Bericht zum Stand von KIM"});
    const json all = json::parse(ok({"list", "paper", "--json"}).out);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0]["id"], "14/1923");
    EXPECT_EQ(all[1]["id"], "A-1");
    EXPECT_EQ(all[1]["state"], "draft");
    EXPECT_EQ(all[1]["allowed_events"], json({"submit", "withdraw"}));
    for (const auto& item : all) EXPECT_FALSE(item.contains("history"));

    const json drafts = json::parse(ok({"list", "paper", "--state", "draft", "--json"}).out);
    ASSERT_EQ(drafts.size(), 1u);
    EXPECT_EQ(drafts[0]["id"], "A-1");

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
    ok({"--at", "2025-01-06", "paper", "create", "14/2000", "--type", "Anfrage", "--title", "Unbeantwortet"});
    ok({"--at", "2025-01-06", "fire", "paper", "14/2000", "submit"});
    // Default answer period: 28 days, so due on 2025-02-03 and overdue from the day after.
    EXPECT_EQ(json::parse(ok({"--at", "2025-02-03", "list", "paper", "--overdue", "--json"}).out).size(), 0u);
    const json late = json::parse(ok({"--at", "2025-02-04", "list", "paper", "--overdue", "--json"}).out);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0]["overdue"][0]["what"], "answer");
    EXPECT_EQ(late[0]["overdue"][0]["due"], "2025-02-03");
}

TEST_F(Kimctl, AKimCaseFromOpeningToTheFigures)
{
    const std::vector<std::string> caritas{"--as", "mkoch", "--role", "case_manager", "--org", "caritas"};
    auto as_caritas = [&](const std::string& at, std::vector<std::string> args) {
        std::vector<std::string> all = caritas;
        all.insert(all.end(), {"--at", at});
        all.insert(all.end(), args.begin(), args.end());
        return ok(all);
    };
    as_caritas("2025-03-01", {"case", "open", "K-1", "--kommune", "Castrop-Rauxel", "--traeger", "Caritas", "--manager",
                              "mkoch"});
    as_caritas("2025-03-01", {"case", "open", "K-2", "--kommune", "Herten", "--traeger", "AGORA"});
    as_caritas("2025-03-02", {"fire", "case", "K-1", "grant_consent",
                              "recipients=Jobcenter Kreis Recklinghausen,Jugendamt Castrop-Rauxel",
                              "purpose=Vermittlung"});
    as_caritas("2025-03-02", {"fire", "case", "K-1", "follow_up", "date=2025-03-20"});
    as_caritas("2025-03-03", {"fire", "case", "K-1", "accept"});

    const json k1 = show("case", "K-1");
    EXPECT_EQ(k1["state"], "assessment");
    EXPECT_EQ(k1["states"], json({"granted", "assessment"}));
    EXPECT_EQ(k1["data"]["consent"]["recipients"].size(), 2u);
    EXPECT_EQ(k1["data"]["follow_ups"][0]["date"], "2025-03-20");

    auto ids = [&](std::vector<std::string> args) {
        args.push_back("--json");
        std::vector<std::string> out;
        for (const auto& item : json::parse(ok(args).out)) out.push_back(item["id"]);
        return out;
    };
    EXPECT_EQ(ids({"list", "case", "--traeger", "Caritas"}), std::vector<std::string>{"K-1"});
    EXPECT_EQ(ids({"list", "case", "--kommune", "Herten"}), std::vector<std::string>{"K-2"});
    EXPECT_EQ(ids({"list", "case", "--state", "intake"}), std::vector<std::string>{"K-2"});
    EXPECT_TRUE(ids({"--at", "2025-03-19", "list", "case", "--due-for-follow-up"}).empty());
    EXPECT_EQ(ids({"--at", "2025-03-20", "list", "case", "--due-for-follow-up"}), std::vector<std::string>{"K-1"});
    EXPECT_TRUE(ids({"--at", "2025-03-20", "list", "case", "--overdue"}).empty());
    EXPECT_EQ(ids({"--at", "2025-03-21", "list", "case", "--overdue"}), std::vector<std::string>{"K-1"});

    const json report = json::parse(ok({"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31", "--json"}).out);
    EXPECT_EQ(report["total"]["opened"], 2);
    const Result csv = ok({"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv"});
    EXPECT_NE(csv.out.find("Caritas"), std::string::npos) << csv.out;
    const Result table = ok({"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31"});
    EXPECT_NE(table.out.find("Kommune Castrop-Rauxel"), std::string::npos) << table.out;
}

TEST_F(Kimctl, ExitCode2ForUsageErrors)
{
    ok({"paper", "create", "A-1", "--type", "Antrag", "--title", "Ein Antrag"});
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
        const Result r = run(args);
        EXPECT_EQ(r.exit, 2) << describe(r);
        expect_short_error(r);
    }
    EXPECT_EQ(show("paper", "A-1")["version"], 0);
}

TEST_F(Kimctl, ExitCode3WhenTheEventIsRejectedAndNothingChanges)
{
    ok({"paper", "create", "A-1", "--type", "Antrag", "--title", "Ein Antrag"});
    const Result not_allowed = run({"fire", "paper", "A-1", "acknowledge"});
    EXPECT_EQ(not_allowed.exit, 3) << describe(not_allowed);
    expect_short_error(not_allowed);
    EXPECT_NE(not_allowed.err.find("submit"), std::string::npos) << "names what is allowed: " << not_allowed.err;

    ok({"fire", "paper", "A-1", "submit"});
    const Result guard = run({"fire", "paper", "A-1", "answer", "answer_reference=A-1-1"});  // only an Anfrage is answered
    EXPECT_EQ(guard.exit, 3) << describe(guard);
    expect_short_error(guard);
    const Result bad_date = run({"fire", "paper", "A-1", "schedule", "meeting_date=2025-02-30"});
    EXPECT_EQ(bad_date.exit, 2) << describe(bad_date);
    EXPECT_NE(bad_date.err.find("meeting_date"), std::string::npos) << bad_date.err;

    const Result twice = run({"paper", "create", "A-1", "--type", "Antrag", "--title", "noch einmal"});
    EXPECT_EQ(twice.exit, 3) << describe(twice);
    const json a1 = show("paper", "A-1");
    EXPECT_EQ(a1["state"], "submitted");
    EXPECT_EQ(a1["version"], 1);
    EXPECT_EQ(a1["data"]["title"], "Ein Antrag");
}

TEST_F(Kimctl, ExitCode4ForNoSuchPaperOrCase)
{
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"show", "paper", "99/9999"}, {"history", "case", "K-404"}, {"fire", "case", "K-404", "accept"}}) {
        const Result r = run(args);
        EXPECT_EQ(r.exit, 4) << describe(r);
        expect_short_error(r);
    }
}

TEST_F(Kimctl, ExitCode5ForAVersionConflict)
{
    ok({"paper", "create", "A-1", "--type", "Antrag", "--title", "Ein Antrag"});
    ok({"fire", "paper", "A-1", "submit", "--expect-version", "0"});
    const Result stale = run({"fire", "paper", "A-1", "withdraw", "reason=erledigt", "--expect-version", "0"});
    EXPECT_EQ(stale.exit, 5) << describe(stale);
    expect_short_error(stale);
    EXPECT_EQ(show("paper", "A-1")["state"], "submitted");
    ok({"fire", "paper", "A-1", "withdraw", "reason=erledigt", "--expect-version", "1"});
    EXPECT_EQ(show("paper", "A-1")["state"], "withdrawn");
}

TEST(KimctlStorage, ExitCode6WhenTheDatabaseCannotBeUsed)
{
    TempDir dir("kimctl");
    const Result missing = kimctl({"--db", dir / "none.db", "list", "paper"});
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

TEST(KimctlOptions, TheDatabaseComesFromKimflowDbOrTheCurrentFolder)
{
    TempDir dir("kimctl");
    const std::string cwd = fs::current_path();
    fs::current_path(dir.path());
    const Result here = kimctl({"init"});
    EXPECT_EQ(here.exit, 0) << describe(here);
    EXPECT_TRUE(fs::exists(dir / "kimflow.db"));
    ::setenv("KIMFLOW_DB", (dir / "from-env.db").c_str(), 1);
    const Result from_env = kimctl({"init"});
    ::unsetenv("KIMFLOW_DB");
    fs::current_path(cwd);
    EXPECT_EQ(from_env.exit, 0) << describe(from_env);
    EXPECT_TRUE(fs::exists(dir / "from-env.db"));
}

TEST(KimctlOptions, HelpAndVersionExitWith0)
{
    const Result help = kimctl({"--help"});
    EXPECT_EQ(help.exit, 0);
    for (const char* command : {"init", "paper", "case", "fire", "show", "history", "list", "events", "report", "diagram",
                                "export", "import", "verify"})
        EXPECT_NE(help.out.find(command), std::string::npos) << command;
    EXPECT_EQ(kimctl({"fire", "--help"}).exit, 0);
    EXPECT_EQ(kimctl({"--version"}).exit, 0);
    const Result none = kimctl({});
    EXPECT_EQ(none.exit, 2) << describe(none);
}

TEST_F(Kimctl, DiagramsAsDotMermaidSvgAndPng)
{
    const Result dot = ok({"diagram", "paper"});
    EXPECT_EQ(dot.out.rfind("digraph", 0), 0u) << dot.out;
    EXPECT_NE(dot.out.find("on_agenda"), std::string::npos);
    EXPECT_NE(ok({"diagram", "case", "--format", "mermaid"}).out.find("stateDiagram"), std::string::npos);

    if (std::system("command -v dot >/dev/null 2>&1") != 0) GTEST_SKIP() << "Graphviz's dot is not installed";
    TempDir dir("kimctl");
    ok({"diagram", "case", "--format", "svg", "-o", dir / "case.svg"});
    const std::string svg = read_text(dir / "case.svg");
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("withdraw_consent"), std::string::npos);
    const Result png = ok({"diagram", "paper", "--format", "png"});
    EXPECT_EQ(png.out.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_F(Kimctl, VerifyPassesASoundDatabaseAndNamesWhatWasTamperedWith)
{
    tell_14_1923();
    ok({"case", "open", "K-1", "--kommune", "Castrop-Rauxel"});
    const Result sound = ok({"verify"});
    EXPECT_NE(sound.out.find("no problems"), std::string::npos) << sound.out;
    const json report = json::parse(ok({"verify", "--json"}).out);
    EXPECT_TRUE(report["ok"].get<bool>());
    EXPECT_EQ(report["checked"]["paper"], 1);
    EXPECT_EQ(report["checked"]["case"], 1);

    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READWRITE);
        // An edit by hand: the paper's log says 'acknowledged', the instance now 'decided'.
        sql.exec("UPDATE instance SET state = 'decided', states = 'decided' WHERE id = '14/1923'");
        // And a log entry that skips a version.
        sql.exec("UPDATE transition SET version = 7 WHERE version = 1 AND instance = "
                 "(SELECT key FROM instance WHERE id = 'K-1')");
    }
    const Result tampered = run({"verify", "--json"});
    EXPECT_EQ(tampered.exit, 6) << describe(tampered);
    const json findings = json::parse(tampered.out);
    EXPECT_FALSE(findings["ok"].get<bool>());
    std::set<std::string> ids;
    for (const auto& p : findings["problems"]) ids.insert(p["id"].get<std::string>());
    EXPECT_EQ(ids, (std::set<std::string>{"14/1923", "K-1"})) << findings.dump(2);
}

/// Runs the OParl schema validator; empty when it cannot run here (with the reason in @p why).
bool can_validate(std::string& why)
{
    const std::string shared = KIMFLOW_SHARED_DIR;
    if (!fs::exists(shared + "/oparl/schema/Paper.json")) {
        why = "the OParl schemas are not in " + shared + " (../shared beside the checkout)";
        return false;
    }
    if (std::system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) {
        why = "/usr/bin/python3 cannot import jsonschema; install Debian's python3-jsonschema";
        return false;
    }
    return true;
}

TEST_F(Kimctl, OParlExportValidatesAndImportsIntoAnEmptyDatabaseWithTheSameStates)
{
    tell_14_1923();
    ok({"paper", "create", "A-1", "--type", "Antrag", "--title", "Bericht zum Stand von KIM", "--originator", "SPD",
        "--consultation", "Betriebsausschuss 2|Entscheidung|authoritative"});
    ok({"--at", "2021-03-30", "fire", "paper", "A-1", "submit"});
    ok({"--at", "2021-03-31", "fire", "paper", "A-1", "schedule", "meeting_date=2021-04-15", "agenda_item=4",
        "urgent=true"});
    ok({"--at", "2021-04-15", "fire", "paper", "A-1", "decide"});
    ok({"paper", "create", "W-1", "--type", "Antrag", "--title", "Zurückgezogen"});
    ok({"fire", "paper", "W-1", "withdraw", "reason=erledigt"});
    ok({"paper", "create", "D-1", "--type", "Bericht", "--title", "Noch ein Entwurf"});

    TempDir dir("kimctl");
    const Result exported = ok({"export", "oparl", "-o", dir / "oparl", "--base-url", "https://rat.example.org/oparl"});
    std::string why;
    if (can_validate(why)) {
        const std::string command = "/usr/bin/python3 " + std::string(KIMFLOW_TESTS_DIR) + "/oparl/validate.py " +
                                    std::string(KIMFLOW_SHARED_DIR) + "/oparl/schema " + dir / "oparl";
        EXPECT_EQ(std::system(command.c_str()), 0) << command;
    } else {
        std::cout << "not validated: " << why << '\n';
    }
    // One list on stdout holds the same objects.
    const json list = json::parse(ok({"export", "oparl"}).out);
    EXPECT_EQ(list["data"].size(), static_cast<std::size_t>(std::distance(fs::directory_iterator(dir / "oparl"),
                                                                          fs::directory_iterator{})));

    std::vector<std::string> import{"--db", dir / "copy.db", "import", "oparl"};
    for (const auto& entry : fs::directory_iterator(dir / "oparl")) import.push_back(entry.path());
    ASSERT_EQ(kimctl({"--db", dir / "copy.db", "init"}).exit, 0);
    const Result first = kimctl(import);
    ASSERT_EQ(first.exit, 0) << describe(first);

    auto states = [](const std::string& database) {
        std::map<std::string, std::string> out;
        const Result r = kimctl({"--db", database, "list", "paper", "--json"});
        for (const auto& p : json::parse(r.out)) out[p["id"]] = p["state"];
        return out;
    };
    const auto original = states(db.path());
    EXPECT_EQ(original.size(), 4u);
    EXPECT_EQ(states(dir / "copy.db"), original);

    // Importing the same files again changes nothing.
    const json versions_before = json::parse(kimctl({"--db", dir / "copy.db", "list", "paper", "--json"}).out);
    import.push_back("--json");
    const Result again = kimctl(import);
    ASSERT_EQ(again.exit, 0) << describe(again);
    const json result = json::parse(again.out);
    EXPECT_TRUE(result["created"].empty());
    EXPECT_TRUE(result["advanced"].empty());
    EXPECT_EQ(result["unchanged"].size(), 4u);
    EXPECT_EQ(json::parse(kimctl({"--db", dir / "copy.db", "list", "paper", "--json"}).out), versions_before);
}

TEST_F(Kimctl, ABrokenImportFileIsNamedAndNothingIsImported)
{
    TempDir dir("kimctl");
    std::ofstream(dir / "good.json") << R"({"id": "https://rat.example.org/paper/1", "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "0456/2010", "name": "Gute Drucksache", "paperType": "Antrag", "date": "2010-05-04"})";
    std::ofstream(dir / "broken.json") << R"({"id": "https://rat.example.org/paper/2", "type": )";
    const Result r = run({"import", "oparl", dir / "good.json", dir / "broken.json"});
    EXPECT_EQ(r.exit, 2) << describe(r);
    EXPECT_NE(r.err.find("broken.json"), std::string::npos) << r.err;
    EXPECT_EQ(json::parse(ok({"list", "paper", "--json"}).out).size(), 0u);
    ok({"import", "oparl", dir / "good.json"});
    EXPECT_EQ(show("paper", "0456/2010")["state"], "submitted");
}

}  // namespace
