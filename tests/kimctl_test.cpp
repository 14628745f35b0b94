// End-to-end tests of kimctl: the real binary against a temporary database, as a Verwaltung
// clerk or a script would run it. Checks exit codes, stdout (tables and --json parsed back)
// and stderr. Every command that touches a paper or a case acts as someone, under the default
// policy (default_policy()) unless a test gives its own.
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
using Args = std::vector<std::string>;

/// @p a, then @p b.
Args operator+(Args a, const Args& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// kimctl must not read the configuration of whoever runs the tests: XDG_CONFIG_HOME points to
/// an empty folder, and KIMCTL_CONFIG and KIMFLOW_DB are unset, unless a test sets them.
struct NoPersonalConfiguration {
    TempDir folder{"kimctl-xdg"};
    NoPersonalConfiguration()
    {
        ::setenv("XDG_CONFIG_HOME", folder.path().c_str(), 1);
        ::unsetenv("KIMCTL_CONFIG");
        ::unsetenv("KIMFLOW_DB");
    }
};
const NoPersonalConfiguration no_personal_configuration;

// Who acts, as the default policy knows them.
const Args kFraktion{"--as", "kretschmer", "--role", "fraktion", "--org", "Fraktion Die Linke"};
const Args kSpd{"--as", "mueller", "--role", "fraktion", "--org", "SPD"};
const Args kVerwaltung{"--as", "baumeister", "--role", "verwaltung", "--org", "Verwaltung"};
const Args kSitzungsdienst{"--as", "sitzungsdienst", "--role", "sitzungsdienst"};
const Args kCaritas{"--as", "mkoch", "--role", "case_manager", "--org", "caritas"};
const Args kAgora{"--as", "aweber", "--role", "case_manager", "--org", "AGORA"};
const Args kKreisRecklinghausen{"--as", "kreisler", "--role", "kreis_coordinator", "--org", "Kreis Recklinghausen"};
const Args kKreisUnna{"--as", "unnamann", "--role", "kreis_coordinator", "--org", "Kreis Unna"};
const Args kAdministrator{"--as", "admin", "--role", "administrator"};

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
    /// `show KIND ID --json` as @p actor (papers are public: anyone may read them).
    json show(const std::string& kind, const std::string& id, const Args& actor = kSitzungsdienst) const
    {
        return json::parse(ok(actor + Args{"show", kind, id, "--json"}).out);
    }
    /// The ids of `list ARGS --json` as @p actor.
    std::vector<std::string> ids(const Args& actor, const Args& args) const
    {
        std::vector<std::string> out;
        for (const auto& item : json::parse(ok(actor + args + Args{"--json"}).out)) out.push_back(item["id"]);
        return out;
    }

    /// The seeds' Fraktionsanfrage 14/1923, by commands alone.
    void tell_14_1923() const
    {
        ok({"--as", "kretschmer", "--role", "fraktion", "--org", "Fraktion Die Linke", "--at",
            "2025-01-06T09:00:00+01:00", "paper", "create", "14/1923", "--type", "Anfrage", "--title",
            "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet", "--date", "2025-01-06", "--originator",
            "Fraktion Die Linke", "--body", "Regionalverband Ruhr", "--consultation",
            std::string(kCommittee) + "|Kenntnisnahme"});
        ok(kFraktion + Args{"--at", "2025-01-06T09:00:00+01:00", "fire", "paper", "14/1923", "submit"});
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
    const Result human = ok(kSitzungsdienst + Args{"show", "paper", "14/1923"});
    EXPECT_NE(human.out.find("Drucksache 14/1923"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("acknowledged"), std::string::npos);
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
    EXPECT_EQ(run({"verify"}).exit, 0);
    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READWRITE);
        sql.exec("UPDATE transition SET at = at - 30 * 86400000000 WHERE version = 2 AND instance = "
                 "(SELECT key FROM instance WHERE id = 'K-1')");
    }
    const Result edited = run({"verify"});
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
                                "export", "import", "verify", "purge", "denials"})
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
    ok(kCaritas + Args{"case", "open", "K-1", "--kommune", "Castrop-Rauxel", "--traeger", "Caritas"});
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

/// An actor for imports, with a policy (in @p dir) that lets them do everything to papers: the
/// default policy lets no role replay the steps of another's paper.
Args importer(const TempDir& dir)
{
    std::ofstream(dir / "import.policy") << "# imports replay every step of a paper\nallow paper importer * any\n";
    return {"--as", "import-job", "--role", "importer", "--policy", dir / "import.policy"};
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
    // Created when it was submitted: a history only moves forward.
    ok(kSpd + Args{"--at", "2021-03-30", "paper", "create", "A-1", "--type", "Antrag", "--title",
                   "Bericht zum Stand von KIM", "--originator", "SPD", "--consultation",
                   "Betriebsausschuss 2|Entscheidung|authoritative"});
    ok(kSpd + Args{"--at", "2021-03-30", "fire", "paper", "A-1", "submit"});
    ok(kSitzungsdienst + Args{"--at", "2021-03-31", "fire", "paper", "A-1", "schedule", "meeting_date=2021-04-15",
                              "agenda_item=4", "urgent=true"});
    ok(kSitzungsdienst + Args{"--at", "2021-04-15", "fire", "paper", "A-1", "decide"});
    ok(kSpd + Args{"paper", "create", "W-1", "--type", "Antrag", "--title", "Zurückgezogen", "--originator", "SPD"});
    ok(kSpd + Args{"fire", "paper", "W-1", "withdraw", "reason=erledigt"});
    ok(kSitzungsdienst + Args{"paper", "create", "D-1", "--type", "Bericht", "--title", "Noch ein Entwurf"});

    TempDir dir("kimctl");
    const Result exported = ok(kVerwaltung + Args{"export", "oparl", "-o", dir / "oparl", "--base-url",
                                                  "https://rat.example.org/oparl"});
    std::string why;
    if (can_validate(why)) {
        const std::string command = "/usr/bin/python3 " + std::string(KIMFLOW_TESTS_DIR) + "/oparl/validate.py " +
                                    std::string(KIMFLOW_SHARED_DIR) + "/oparl/schema " + dir / "oparl";
        EXPECT_EQ(std::system(command.c_str()), 0) << command;
    } else {
        std::cout << "not validated: " << why << '\n';
    }
    // One list on stdout holds the same objects.
    const json list = json::parse(ok(kVerwaltung + Args{"export", "oparl"}).out);
    EXPECT_EQ(list["data"].size(), static_cast<std::size_t>(std::distance(fs::directory_iterator(dir / "oparl"),
                                                                          fs::directory_iterator{})));

    Args import = importer(dir) + Args{"--db", dir / "copy.db", "import", "oparl"};
    for (const auto& entry : fs::directory_iterator(dir / "oparl")) import.push_back(entry.path());
    ASSERT_EQ(kimctl({"--db", dir / "copy.db", "init"}).exit, 0);
    const Result first = kimctl(import);
    ASSERT_EQ(first.exit, 0) << describe(first);

    auto states = [](const std::string& database) {
        std::map<std::string, std::string> out;
        const Result r = kimctl(kSitzungsdienst + Args{"--db", database, "list", "paper", "--json"});
        for (const auto& p : json::parse(r.out)) out[p["id"]] = p["state"];
        return out;
    };
    const auto original = states(db.path());
    EXPECT_EQ(original.size(), 4u);
    EXPECT_EQ(states(dir / "copy.db"), original);

    // Importing the same files again changes nothing.
    const json versions_before =
        json::parse(kimctl(kSitzungsdienst + Args{"--db", dir / "copy.db", "list", "paper", "--json"}).out);
    import.push_back("--json");
    const Result again = kimctl(import);
    ASSERT_EQ(again.exit, 0) << describe(again);
    const json result = json::parse(again.out);
    EXPECT_TRUE(result["created"].empty());
    EXPECT_TRUE(result["advanced"].empty());
    EXPECT_EQ(result["unchanged"].size(), 4u);
    EXPECT_EQ(json::parse(kimctl(kSitzungsdienst + Args{"--db", dir / "copy.db", "list", "paper", "--json"}).out),
              versions_before);
}

TEST_F(Kimctl, ABrokenImportFileIsNamedAndNothingIsImported)
{
    TempDir dir("kimctl");
    std::ofstream(dir / "good.json") << R"({"id": "https://rat.example.org/paper/1", "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "0456/2010", "name": "Gute Drucksache", "paperType": "Antrag", "date": "2010-05-04"})";
    std::ofstream(dir / "broken.json") << R"({"id": "https://rat.example.org/paper/2", "type": )";
    const Result r = run(importer(dir) + Args{"import", "oparl", dir / "good.json", dir / "broken.json"});
    EXPECT_EQ(r.exit, 2) << describe(r);
    EXPECT_NE(r.err.find("broken.json"), std::string::npos) << r.err;
    EXPECT_EQ(ids(kSitzungsdienst, {"list", "paper"}).size(), 0u);
    // The default policy lets no role replay another's paper: an import needs a policy that does.
    const Result refused = run(kSitzungsdienst + Args{"import", "oparl", dir / "good.json"});
    EXPECT_EQ(refused.exit, 7) << describe(refused);
    EXPECT_EQ(ids(kSitzungsdienst, {"list", "paper"}).size(), 0u);
    ok(importer(dir) + Args{"import", "oparl", dir / "good.json"});
    EXPECT_EQ(show("paper", "0456/2010")["state"], "submitted");
}

// --- Who acts: flags and the configuration file ---

/// A configuration file with @p text in @p dir.
std::string write_config(const TempDir& dir, const std::string& text, const std::string& name = "kimctl.conf")
{
    std::ofstream(dir / name) << text;
    return dir / name;
}

TEST_F(Kimctl, TheActorComesFromTheFlags)
{
    ok(kCaritas + Args{"case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas"});
    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["created_by"], json({{"id", "mkoch"}, {"role", "case_manager"}, {"organization", "caritas"}}));
    EXPECT_EQ(k1["history"][0]["actor"]["id"], "mkoch");
}

TEST_F(Kimctl, TheActorComesFromTheConfigurationFile)
{
    TempDir dir("kimctl");
    const std::string conf = write_config(dir, "# Caritas, Büro Herten\n"
                                               "as = mkoch\n"
                                               "\n"
                                               "role   =   case_manager   # trailing comment\n"
                                               "org = \"caritas\"\n");
    // --config FILE
    ok({"--config", conf, "case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas"});
    EXPECT_EQ(show("case", "K-1", kCaritas)["created_by"],
              json({{"id", "mkoch"}, {"role", "case_manager"}, {"organization", "caritas"}}));
    // $KIMCTL_CONFIG
    ::setenv("KIMCTL_CONFIG", conf.c_str(), 1);
    const Result from_env = run({"fire", "case", "K-1", "follow_up", "date=2025-03-20"});
    ::unsetenv("KIMCTL_CONFIG");
    EXPECT_EQ(from_env.exit, 0) << describe(from_env);
    // $XDG_CONFIG_HOME/kimflow/kimctl.conf
    fs::create_directories(dir / "xdg/kimflow");
    fs::copy_file(conf, dir / "xdg/kimflow/kimctl.conf");
    ::setenv("XDG_CONFIG_HOME", (dir / "xdg").c_str(), 1);
    const Result from_xdg = run({"show", "case", "K-1", "--json"});
    ::setenv("XDG_CONFIG_HOME", no_personal_configuration.folder.path().c_str(), 1);
    ASSERT_EQ(from_xdg.exit, 0) << describe(from_xdg);
    EXPECT_EQ(json::parse(from_xdg.out)["history"][1]["actor"]["id"], "mkoch");
}

TEST_F(Kimctl, FlagsOverrideTheConfigurationFile)
{
    TempDir dir("kimctl");
    const std::string conf = write_config(dir, "as = mkoch\nrole = case_manager\norg = caritas\n");
    ok({"--config", conf, "case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas"});
    // Each flag overrides its key; the others still come from the file.
    ok({"--config", conf, "--as", "jschulz", "fire", "case", "K-1", "follow_up", "date=2025-03-20"});
    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["history"][1]["actor"], json({{"id", "jschulz"}, {"role", "case_manager"}, {"organization", "caritas"}}));
    const Result other_org = run({"--config", conf, "--org", "AGORA", "show", "case", "K-1"});
    EXPECT_EQ(other_org.exit, 7) << describe(other_org);
}

TEST_F(Kimctl, WithoutAnActorTheErrorSaysHowToGiveOne)
{
    ok(kSpd + Args{"paper", "create", "A-1", "--type", "Antrag", "--title", "Ein Antrag", "--originator", "SPD"});
    const Result nobody = run({"show", "paper", "A-1"});
    EXPECT_EQ(nobody.exit, 2) << describe(nobody);
    expect_short_error(nobody);
    EXPECT_NE(nobody.err.find("--as"), std::string::npos) << nobody.err;
    EXPECT_NE(nobody.err.find("kimctl.conf"), std::string::npos) << nobody.err;
    const Result no_role = run({"--as", "mueller", "fire", "paper", "A-1", "submit"});
    EXPECT_EQ(no_role.exit, 2) << describe(no_role);
    expect_short_error(no_role);
    EXPECT_NE(no_role.err.find("--role"), std::string::npos) << no_role.err;
    EXPECT_EQ(show("paper", "A-1")["version"], 0);
    // Commands that touch no paper or case need nobody.
    ok({"events", "case"});
    ok({"diagram", "paper"});
    ok({"verify"});
}

TEST_F(Kimctl, AMalformedConfigurationFileIsNamedWithTheLine)
{
    TempDir dir("kimctl");
    for (const auto& [text, line] : std::vector<std::pair<std::string, std::string>>{
             {"as = mkoch\nrole case_manager\n", "line 2"},  // not key = value
             {"# Caritas\ncolour = red\n", "line 2"},        // no such key
             {"as = mkoch\nas = jschulz\n", "line 2"},       // twice
             {"org =\n", "line 1"},                          // no value
         }) {
        const std::string conf = write_config(dir, text);
        const Result r = run({"--config", conf, "list", "case"});
        EXPECT_EQ(r.exit, 2) << text << describe(r);
        expect_short_error(r);
        EXPECT_NE(r.err.find(conf + ", " + line), std::string::npos) << r.err;
    }
    const Result missing = run({"--config", dir / "none.conf", "list", "case"});
    EXPECT_EQ(missing.exit, 2) << describe(missing);
    EXPECT_NE(missing.err.find("none.conf"), std::string::npos) << missing.err;
}

TEST(KimctlOptions, TheConfigurationNamesTheDatabaseAndThePolicyBesideIt)
{
    TempDir dir("kimctl");
    // An auditor role that the default policy does not know: it may read every case.
    std::ofstream(dir / "audit.policy") << "allow case case_manager * owner\nallow case auditor read any\n";
    const std::string conf = write_config(dir, "db = cases.db\npolicy = audit.policy\n");
    ASSERT_EQ(kimctl({"--config", conf, "init"}).exit, 0);
    EXPECT_TRUE(fs::exists(dir / "cases.db")) << "db is relative to the configuration file";
    ASSERT_EQ(kimctl(kCaritas + Args{"--config", conf, "case", "open", "K-1", "--kommune", "Herten", "--traeger",
                                     "Caritas"}).exit, 0);
    ASSERT_EQ(kimctl(kAgora + Args{"--config", conf, "case", "open", "K-2", "--kommune", "Herten", "--traeger",
                                   "AGORA"}).exit, 0);
    const Result audit = kimctl({"--config", conf, "--as", "pruefer", "--role", "auditor", "list", "case", "--json"});
    ASSERT_EQ(audit.exit, 0) << describe(audit);
    EXPECT_EQ(json::parse(audit.out).size(), 2u);
    // The built-in policy does not know auditors.
    const Result builtin = kimctl({"--db", dir / "cases.db", "--as", "pruefer", "--role", "auditor", "list", "case"});
    EXPECT_EQ(builtin.exit, 7) << describe(builtin);

    std::ofstream(dir / "broken.policy") << "allow case auditor read everywhere\n";
    const Result broken = kimctl({"--config", conf, "--policy", dir / "broken.policy", "--as", "pruefer", "--role",
                                  "auditor", "list", "case"});
    EXPECT_EQ(broken.exit, 2) << describe(broken);
    expect_short_error(broken);
    EXPECT_NE(broken.err.find("broken.policy"), std::string::npos) << broken.err;
    EXPECT_NE(broken.err.find("line 1"), std::string::npos) << broken.err;
}

// --- The policy: refusals, and what each actor may see ---

TEST_F(Kimctl, ADeniedFireExitsWith7ChangesNothingAndIsLogged)
{
    ok(kCaritas + Args{"--at", "2025-03-01", "case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas"});
    const Result denied = run(kAgora + Args{"--at", "2025-03-02", "fire", "case", "K-1", "follow_up", "date=2025-03-20"});
    EXPECT_EQ(denied.exit, 7) << describe(denied);
    expect_short_error(denied);
    EXPECT_NE(denied.err.find("not permitted"), std::string::npos) << denied.err;
    EXPECT_NE(denied.err.find("(nothing changed"), std::string::npos) << denied.err;
    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["state"], "intake");
    EXPECT_EQ(k1["version"], 1);
    EXPECT_EQ(k1["data"]["follow_ups"], json::array());

    // A denied read too.
    EXPECT_EQ(run(kAgora + Args{"--at", "2025-03-03", "show", "case", "K-1"}).exit, 7);
    // And a paper the SPD did not write.
    ok(kFraktion + Args{"paper", "create", "14/2000", "--type", "Anfrage", "--title", "Eine Anfrage", "--originator",
                        "Fraktion Die Linke"});
    EXPECT_EQ(run(kSpd + Args{"fire", "paper", "14/2000", "submit"}).exit, 7);
    EXPECT_EQ(show("paper", "14/2000")["state"], "draft");

    const json logged = json::parse(ok({"denials", "--id", "K-1", "--json"}).out);
    ASSERT_EQ(logged.size(), 2u) << logged.dump(2);
    EXPECT_EQ(logged[0]["lifecycle"], "case");
    EXPECT_EQ(logged[0]["id"], "K-1");
    EXPECT_EQ(logged[0]["action"], "follow_up");
    EXPECT_EQ(logged[0]["actor"], json({{"id", "aweber"}, {"role", "case_manager"}, {"organization", "AGORA"}}));
    EXPECT_EQ(logged[0]["at"], "2025-03-02T00:00:00Z");
    EXPECT_NE(logged[0]["reason"].get<std::string>().find("caritas"), std::string::npos) << logged[0];
    EXPECT_EQ(logged[1]["action"], "read");
    EXPECT_EQ(json::parse(ok({"denials", "--lifecycle", "paper", "--json"}).out).size(), 1u);
    EXPECT_EQ(json::parse(ok({"denials", "--json"}).out).size(), 3u);
    const Result table = ok({"denials", "--lifecycle", "case"});
    EXPECT_NE(table.out.find("aweber"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("follow_up"), std::string::npos) << table.out;
    EXPECT_EQ(ok({"denials", "--id", "K-404"}).out, "(keine Ablehnungen)\n");
}

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

// --- The audit trail's hash chain ---

TEST_F(Kimctl, VerifyChecksTheHashChainAndNamesTheFirstEntryEditedBySql)
{
    tell_14_1923();
    ok(kCaritas + Args{"case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas"});
    EXPECT_EQ(run(kAgora + Args{"show", "case", "K-1"}).exit, 7);  // one denial
    const Result sound = ok({"verify"});
    EXPECT_NE(sound.out.find("5 transitions"), std::string::npos) << sound.out;
    EXPECT_NE(sound.out.find("1 denial: unbroken"), std::string::npos) << sound.out;
    const json fresh = json::parse(ok({"verify", "--json"}).out);
    EXPECT_TRUE(fresh["ok"].get<bool>());
    EXPECT_TRUE(fresh["chain"]["ok"].get<bool>());
    EXPECT_EQ(fresh["chain"]["transitions"], 5);
    EXPECT_EQ(fresh["chain"]["denials"], 1);
    EXPECT_EQ(fresh["chain"]["first_break"], nullptr);
    EXPECT_EQ(fresh["chain"]["transition_head"].get<std::string>().size(), 64u);
    EXPECT_NE(sound.out.find(fresh["chain"]["transition_head"].get<std::string>()), std::string::npos) << sound.out;

    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READWRITE);
        // Someone rewrites who answered the Anfrage (the only version 2 there is).
        EXPECT_EQ(sql.exec("UPDATE transition SET actor = 'someone-else' WHERE version = 2"), 1);
    }
    const Result text = run({"verify"});
    EXPECT_EQ(text.exit, 6) << describe(text);
    EXPECT_NE(text.out.find("paper 14/1923: hash chain broken at transition log entry 2 (version 2)"), std::string::npos)
        << text.out;
    const Result tampered = run({"verify", "--json"});
    EXPECT_EQ(tampered.exit, 6) << describe(tampered);
    const json broken = json::parse(tampered.out);
    EXPECT_FALSE(broken["ok"].get<bool>());
    const json& b = broken["chain"]["first_break"];
    EXPECT_EQ(b["log"], "transition");
    EXPECT_EQ(b["position"], 2);
    EXPECT_EQ(b["lifecycle"], "paper");
    EXPECT_EQ(b["instance"], "14/1923");
    EXPECT_EQ(b["version"], 2);
    EXPECT_FALSE(b["problem"].get<std::string>().empty());

    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READWRITE);
        sql.exec("UPDATE transition SET actor = 'baumeister' WHERE version = 2");
        sql.exec("UPDATE denial SET reason = 'nothing to see'");
    }
    const json denial_edit = json::parse(run({"verify", "--json"}).out);
    EXPECT_EQ(denial_edit["chain"]["first_break"]["log"], "denial") << denial_edit.dump(2);
    EXPECT_EQ(denial_edit["chain"]["first_break"]["instance"], "K-1");
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
    ok({"verify"});
    // Nothing more to erase.
    EXPECT_EQ(json::parse(ok(kAdministrator + Args{"purge", "--at", "2026-06-01", "--json"}).out)["erased"]["case"],
              json::array());
}

TEST_F(KimctlClosedIn2020, CaseEraseErasesOneCaseNow)
{
    const json before = report2020();
    const Result other = run(kAgora + Args{"case", "erase", "K-NEW"});
    EXPECT_EQ(other.exit, 7) << describe(other);
    EXPECT_EQ(show("case", "K-NEW", kCaritas)["data"]["consent"]["purpose"], "Kita-Platz");

    ok(kCaritas + Args{"--at", "2025-04-01", "case", "erase", "K-NEW", "--reason", "Antrag der Klientin vom 2025-03-30"});
    const json k_new = show("case", "K-NEW", kCaritas);
    EXPECT_EQ(k_new["erased_at"], "2025-04-01T00:00:00Z");
    EXPECT_FALSE(k_new["data"]["consent"].contains("purpose")) << k_new.dump(2);
    EXPECT_EQ(k_new["state"], "intake") << "the case goes on";
    EXPECT_NE(k_new["history"].back()["payload"].get<std::string>().find("Antrag der Klientin"), std::string::npos)
        << k_new["history"].back();
    EXPECT_EQ(ok(kCaritas + Args{"show", "case", "K-NEW"}).out.find("Kita-Platz"), std::string::npos);
    // Erasing again is logged again (it erases what was recorded since).
    ok(kCaritas + Args{"case", "erase", "K-NEW"});
    EXPECT_EQ(show("case", "K-NEW", kCaritas)["version"], k_new["version"].get<int>() + 1);
    // The Kreis may erase too.
    ok(kKreisRecklinghausen + Args{"case", "erase", "K-OLD"});
    EXPECT_EQ(ok(kCaritas + Args{"show", "case", "K-OLD"}).out.find("Deutschkurs"), std::string::npos);
    EXPECT_EQ(report2020(), before);
    ok({"verify"});
}

}  // namespace
