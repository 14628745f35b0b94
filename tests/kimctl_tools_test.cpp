// End-to-end tests of kimctl's tools and set-up: help and version, where the database comes
// from, diagrams, verify (a database edited by hand, the audit trail's hash chain), OParl
// export and import, and who acts (the flags and the configuration file).
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include "kimctl_fixture.hpp"
#include "temp_file.hpp"
#include "test_data.hpp"

namespace {

using namespace kimctl_test;

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

    if (std::system("command -v dot >/dev/null 2>&1") != 0) KIMFLOW_SKIP_WITHOUT("Graphviz's dot is not installed");
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
    const Result sound = ok(kAdministrator + Args{"verify"});
    EXPECT_NE(sound.out.find("no problems"), std::string::npos) << sound.out;
    const json report = json::parse(ok(kAdministrator + Args{"verify", "--json"}).out);
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
    const Result tampered = run(kAdministrator + Args{"verify", "--json"});
    EXPECT_EQ(tampered.exit, 6) << describe(tampered);
    const json findings = json::parse(tampered.out);
    EXPECT_FALSE(findings["ok"].get<bool>());
    std::set<std::string> ids;
    for (const auto& p : findings["problems"]) ids.insert(p["id"].get<std::string>());
    EXPECT_EQ(ids, (std::set<std::string>{"14/1923", "K-1"})) << findings.dump(2);
}

// --- The audit trail's hash chain ---

TEST_F(Kimctl, VerifyChecksTheHashChainAndNamesTheFirstEntryEditedBySql)
{
    tell_14_1923();
    ok(kCaritas + Args{"case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas"});
    EXPECT_EQ(run(kAgora + Args{"show", "case", "K-1"}).exit, 4);  // one denial (and as if it were not there)
    const Result sound = ok(kAdministrator + Args{"verify"});
    EXPECT_NE(sound.out.find("5 transitions"), std::string::npos) << sound.out;
    EXPECT_NE(sound.out.find("1 denial and 2 creations: unbroken"), std::string::npos) << sound.out;
    const json fresh = json::parse(ok(kAdministrator + Args{"verify", "--json"}).out);
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
    const Result text = run(kAdministrator + Args{"verify"});
    EXPECT_EQ(text.exit, 6) << describe(text);
    EXPECT_NE(text.out.find("paper 14/1923: hash chain broken at transition log entry 2 (version 2)"), std::string::npos)
        << text.out;
    const Result tampered = run(kAdministrator + Args{"verify", "--json"});
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
    const json denial_edit = json::parse(run(kAdministrator + Args{"verify", "--json"}).out);
    EXPECT_EQ(denial_edit["chain"]["first_break"]["log"], "denial") << denial_edit.dump(2);
    EXPECT_EQ(denial_edit["chain"]["first_break"]["instance"], "K-1");
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
    // All of it ran; the validation alone could not: say so, visibly.
    if (!why.empty()) KIMFLOW_SKIP_WITHOUT("the export was not validated: " << why);
}

TEST_F(Kimctl, ABrokenImportFileIsReportedAndTheGoodOnesGoIn)
{
    TempDir dir("kimctl");
    std::ofstream(dir / "good.json") << R"({"id": "https://rat.example.org/paper/1", "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "0456/2010", "name": "Gute Drucksache", "paperType": "Antrag", "date": "2010-05-04"})";
    std::ofstream(dir / "broken.json") << R"({"id": "https://rat.example.org/paper/2", "type": )";
    // --strict: all or nothing, as before.
    const Result strict = run(importer(dir) + Args{"import", "oparl", "--strict", dir / "good.json", dir / "broken.json"});
    EXPECT_EQ(strict.exit, 2) << describe(strict);
    EXPECT_NE(strict.err.find("broken.json"), std::string::npos) << strict.err;
    EXPECT_EQ(ids(kSitzungsdienst, {"list", "paper"}).size(), 0u);
    // The default policy lets no role replay another's paper: an import needs a policy that does.
    const Result refused = run(kSitzungsdienst + Args{"import", "oparl", dir / "good.json"});
    EXPECT_EQ(refused.exit, 7) << describe(refused);
    EXPECT_EQ(ids(kSitzungsdienst, {"list", "paper"}).size(), 0u);
    // Without --strict the good file goes in, and the report names the broken one (exit code 8).
    const Result partial = run(importer(dir) + Args{"import", "oparl", dir / "good.json", dir / "broken.json"});
    EXPECT_EQ(partial.exit, 8) << describe(partial);
    EXPECT_NE(partial.out.find("1 Drucksachen neu"), std::string::npos) << partial.out;
    EXPECT_NE(partial.out.find("1 in Quarantäne"), std::string::npos) << partial.out;
    EXPECT_NE(partial.out.find("broken.json"), std::string::npos) << partial.out;
    EXPECT_NE(partial.out.find("not valid JSON"), std::string::npos) << partial.out;
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
    const Result from_env = run({"fire", "case", "K-1", "follow_up", "date=2099-03-20"});
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
    ok({"--config", conf, "--as", "jschulz", "fire", "case", "K-1", "follow_up", "date=2099-03-20"});
    const json k1 = show("case", "K-1", kCaritas);
    EXPECT_EQ(k1["history"][1]["actor"], json({{"id", "jschulz"}, {"role", "case_manager"}, {"organization", "caritas"}}));
    const Result other_org = run({"--config", conf, "--org", "AGORA", "show", "case", "K-1"});
    EXPECT_EQ(other_org.exit, 4) << describe(other_org);  // AGORA may not see Caritas's case
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
    // Commands that touch no paper or case need nobody; verify's figures are the audit's.
    ok({"events", "case"});
    ok({"diagram", "paper"});
    const Result unverified = run({"verify"});
    EXPECT_EQ(unverified.exit, 2) << describe(unverified);
    EXPECT_NE(unverified.err.find("--as"), std::string::npos) << unverified.err;
    ok(kAdministrator + Args{"verify"});
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

// --- The database file: only init creates one; read-only copies verify ---

TEST(KimctlFiles, AnEmptyFileIsRefusedSayingToRunInitAndStaysEmpty)
{
    TempDir dir("kimctl-files");
    const std::string empty = dir / "empty.db";
    { std::ofstream touch(empty); }
    const Result listed = kimctl(kSitzungsdienst + Args{"--db", empty, "list", "paper"});
    EXPECT_EQ(listed.exit, 6) << describe(listed);
    EXPECT_NE(listed.err.find("kimctl init"), std::string::npos) << listed.err;
    EXPECT_EQ(std::filesystem::file_size(empty), 0u);
    EXPECT_FALSE(std::filesystem::exists(empty + "-wal"));
    EXPECT_EQ(kimctl({"--db", empty, "init"}).exit, 0);
    EXPECT_EQ(kimctl(kSitzungsdienst + Args{"--db", empty, "list", "paper"}).exit, 0);
}

TEST_F(Kimctl, AReadOnlyCopyIsVerifiedWithoutCreatingFiles)
{
    tell_14_1923();
    TempDir archive("kimctl-archive");
    const std::string copy = archive / "archiv.db";
    std::filesystem::copy_file(db.path(), copy);
    ::chmod(copy.c_str(), 0444);
    const Result verified = kimctl({"--db", copy, "--as", "admin", "--role", "administrator", "verify"});
    EXPECT_EQ(verified.exit, 0) << describe(verified);
    EXPECT_EQ(kimctl(kSitzungsdienst + Args{"--db", copy, "show", "paper", "14/1923"}).exit, 0);
    const Result write = kimctl(kFraktion + Args{"--db", copy, "paper", "create", "14/2000", "--type", "Anfrage",
                                                 "--title", "Neu", "--originator", "Fraktion Die Linke"});
    EXPECT_EQ(write.exit, 6) << describe(write);
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(archive.path())) names.insert(e.path().filename());
    EXPECT_EQ(names, std::set<std::string>{"archiv.db"});
}

TEST_F(Kimctl, ADatabaseOnAReadOnlyMountIsVerified)
{
    tell_14_1923();
    if (std::system("unshare -m true > /dev/null 2>&1") != 0)
        KIMFLOW_SKIP_WITHOUT("a mount namespace (unshare -m needs root or user namespaces)");
    TempDir mount("kimctl-mount");
    TempDir scratch("kimctl-mount-out");  // writable while the mount is read-only
    std::filesystem::copy_file(db.path(), mount / "archiv.db");
    const std::string out = scratch / "verify.out";
    const std::string script = "mount --bind '" + mount.path() + "' '" + mount.path() + "' && mount -o remount,ro,bind '" +
                               mount.path() + "' && ! touch '" + mount.path() + "/probe' 2>/dev/null && " + KIMCTL_PATH +
                               " --db '" + mount.path() + "/archiv.db' --as admin --role administrator verify";
    const int status = std::system(("unshare -m sh -c \"" + script + "\" > '" + out + "' 2>&1").c_str());
    const std::string said = read_text(out);
    if (said.find("mount:") != std::string::npos && said.find("permission") != std::string::npos)
        KIMFLOW_SKIP_WITHOUT("permission to mount: " << said);
    EXPECT_EQ(WEXITSTATUS(status), 0) << said;
    EXPECT_NE(said.find("no problems found"), std::string::npos) << said;
}

}  // namespace

// --- The signed audit trail end to end (issue 19): a key, writes that sign, a witness, and a
// file rewritten without the key. The attacker's tools are audit_signing_fixture.hpp's. ---

#include "audit_signing_fixture.hpp"

namespace {

using namespace kimctl_test;

class KimctlSigned : public Kimctl {
protected:
    TempDir keys{"kimctl-keys"};
    const Args with_key{"--signing-key", keys / "signing.key"};
    const Args awo{"--as", "awo1", "--role", "case_manager", "--org", "AWO"};

    /// A signed database: the key made, two cases of two Träger, a refusal, the heads witnessed.
    void SetUp() override
    {
        Kimctl::SetUp();
        const Result made = ok({"admin", "key", "init", "--key", keys / "signing.key", "--public-key", keys / "public.keys"});
        EXPECT_NE(made.out.find("signiert"), std::string::npos) << describe(made);
        ok(with_key + kCaritas + Args{"--at", "2025-03-01", "case", "open", "K-1", "--kommune", "Herten", "--traeger", "Caritas"});
        ok(with_key + awo + Args{"--at", "2025-03-01", "case", "open", "K-2", "--kommune", "Marl", "--traeger", "AWO"});
        ok(with_key + kCaritas + Args{"--at", "2025-03-02", "fire", "case", "K-1", "follow_up", "date=2025-03-20"});
        EXPECT_NE(run(with_key + kAgora + Args{"--at", "2025-03-03", "fire", "case", "K-1", "follow_up",
                                               "date=2025-03-21"}).exit, 0);
        ok(with_key + awo + Args{"--at", "2025-03-04", "fire", "case", "K-2", "follow_up", "date=2025-03-22"});
        std::ofstream(keys / "witness.jsonl", std::ios::app) << ok(kAdministrator + Args{"audit", "heads"}).out;
    }
    Result verify() const { return run(kAdministrator + Args{"verify", "--public-key", keys / "public.keys", "--witness", keys / "witness.jsonl"}); }
    std::int64_t transitions() const
    {
        return SQLite::Database(db.path()).execAndGet("SELECT count(*) FROM transition").getInt64();
    }
};

TEST_F(KimctlSigned, ASignedDatabaseWithItsWitnessVerifies)
{
    const Result sound = verify();
    EXPECT_EQ(sound.exit, 0) << describe(sound);
    EXPECT_NE(sound.out.find("every one valid"), std::string::npos) << sound.out;
    EXPECT_NE(sound.out.find("1 of 1 witnessed heads found"), std::string::npos) << sound.out;
    const json heads = json::parse(ok(kAdministrator + Args{"audit", "heads"}).out);
    EXPECT_EQ(heads["format"], "kimflow-checkpoint-1");
    EXPECT_EQ(heads["transitions"], 4);
    EXPECT_EQ(heads["creations"], 2);
    EXPECT_EQ(heads["denials"], 1);
}

// Without the key a write would be covered by no signature: refused, nothing changed, and the
// file still verifies with its witness.
TEST_F(KimctlSigned, AWriteWithoutTheKeyExits6AndChangesNothing)
{
    const std::int64_t before = transitions();
    const std::string heads = ok(kAdministrator + Args{"audit", "heads"}).out;
    const Result refused = run(kCaritas + Args{"--at", "2025-03-05", "fire", "case", "K-1", "follow_up", "date=2025-03-25"});
    EXPECT_EQ(refused.exit, 6) << describe(refused);
    expect_short_error(refused);
    EXPECT_NE(refused.err.find("--signing-key"), std::string::npos) << refused.err;
    EXPECT_EQ(transitions(), before);
    EXPECT_EQ(ok(kAdministrator + Args{"audit", "heads"}).out, heads);
    EXPECT_EQ(verify().exit, 0);
    // With the key from the environment, the same write goes through and is signed.
    ::setenv("KIMFLOW_SIGNING_KEY", (keys / "signing.key").c_str(), 1);
    const Result signed_write = run(kCaritas + Args{"--at", "2025-03-05", "fire", "case", "K-1", "follow_up", "date=2025-03-25"});
    ::unsetenv("KIMFLOW_SIGNING_KEY");
    EXPECT_EQ(signed_write.exit, 0) << describe(signed_write);
    EXPECT_EQ(transitions(), before + 1);
    EXPECT_EQ(verify().exit, 0) << describe(verify());
}

// The attack of the findings: an actor rewritten and every later hash recomputed. The stored
// checkpoints no longer match; with them deleted, the public key finds no signature.
TEST_F(KimctlSigned, ARewriteWithEveryHashRecomputedExits6NamingThePlace)
{
    {
        SQLite::Database file(db.path(), SQLite::OPEN_READWRITE);
        file.exec("UPDATE transition SET actor = 'someone-else' WHERE version = 1 AND instance = "
                  "(SELECT key FROM instance WHERE id = 'K-2')");
        audit_signing_test::rechain_all(file);
    }
    const Result caught = verify();
    EXPECT_EQ(caught.exit, 6) << describe(caught);
    EXPECT_NE(caught.out.find("problem: signed checkpoint"), std::string::npos) << caught.out;
    EXPECT_NE(caught.out.find("are not in the logs"), std::string::npos) << caught.out;
    // K-2 was opened by the second write (the key's first checkpoint is the first): the rewrite
    // is placed after the heads of that first checkpoint.
    EXPECT_NE(caught.out.find("problem: signed checkpoint 3: the signed heads (2 transitions, 0 denials, 2 creations)"),
              std::string::npos) << caught.out;
    EXPECT_NE(caught.out.find("those of signed checkpoint 2 (1 transitions, 0 denials, 1 creations) still hold"),
              std::string::npos) << caught.out;

    SQLite::Database(db.path(), SQLite::OPEN_READWRITE).exec("DELETE FROM checkpoint");
    const Result unsigned_file = verify();
    EXPECT_EQ(unsigned_file.exit, 6) << describe(unsigned_file);
    EXPECT_NE(unsigned_file.out.find("no signed checkpoint"), std::string::npos) << unsigned_file.out;
    EXPECT_NE(unsigned_file.out.find("witness file line 1"), std::string::npos) << unsigned_file.out;
}

}  // namespace
