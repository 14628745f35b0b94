// kimctl admin end to end: accounts, tokens and the stored policy changed on the database file
// by the administrator on the server, each change in the audit trail; and a database with
// accounts or a policy of its own no longer takes anyone's word for who they are (--as) or what
// they may do (--policy): the AWO case manager's `allow * * * any` of the issue.
#include <pwd.h>

#include <chrono>
#include <set>
#include <sstream>

#include <SQLiteCpp/SQLiteCpp.h>

#include "kimctl_fixture.hpp"

// The token and password checks and the audit trail are read in process, as kimflowd reads them.
#include <kimflow/identity/accounts.hpp>
#include <kimflow/store/sqlite_store.hpp>

using namespace kimctl_test;

namespace {

const std::string kAt = "2025-03-01T09:00:00Z";
const std::string kPassword = "Rote Rosen im Revier 1923";
const Args kAwo{"--as", "awo1", "--role", "case_manager", "--org", "AWO"};

/// @p text up to its first newline.
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

bool has_line(const std::string& text, const std::string& line)
{
    const auto lines = words_of_lines(text);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::set<std::string> keys_of(const json& object)
{
    std::set<std::string> out;
    for (const auto& item : object.items()) out.insert(item.key());
    return out;
}

/// Runs kimctl with @p input on its stdin (a password piped in by a script).
Result kimctl_with_stdin(const std::string& input, const std::vector<std::string>& args)
{
    return kimctl(args, &input);
}

class KimctlAdmin : public Kimctl {
protected:
    /// kimctl --db <this database> ARGS... with @p input on stdin.
    Result feed(const std::string& input, std::vector<std::string> args) const
    {
        args.insert(args.begin(), {"--db", db.path()});
        return kimctl_with_stdin(input, args);
    }
    /// Adds account @p name (with kPassword if @p password) at kAt.
    void add_account(const std::string& name, const std::string& role, const std::string& org, bool password) const
    {
        Args args{"--at", kAt, "admin", "account", "add", name, "--role", role, "--org", org};
        if (password) args.push_back("--password-stdin");
        const Result r = feed(kPassword + "\n", args);
        ASSERT_EQ(r.exit, 0) << describe(r);
    }
    /// Runs and expects exit code @p code, a short error, and nothing on stdout.
    Result refused(int code, const std::vector<std::string>& args, const std::string& input = {}) const
    {
        const Result r = input.empty() ? run(args) : feed(input, args);
        EXPECT_EQ(r.exit, code) << describe(r);
        EXPECT_EQ(r.out, "") << describe(r);
        expect_short_error(r);
        return r;
    }
    /// Entries in the transition log (the hash chain's length), counted in the file: verify
    /// needs the `audit` permission, which a stored policy of a test may not give.
    std::uint64_t chained() const
    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READONLY);
        return static_cast<std::uint64_t>(sql.execAndGet("SELECT count(*) FROM transition").getInt64());
    }
    /// K-1, a Caritas case (case manager mkoch), opened by Caritas itself.
    void caritas_case() const
    {
        ok(kCaritas + Args{"--at", kAt, "case", "open", "K-1", "--kommune", "Castrop-Rauxel", "--traeger", "caritas",
                           "--manager", "mkoch", "--kreis", "Kreis Recklinghausen"});
    }
    /// K-1's version and owner, read from the file (nobody but an administrator may read it now).
    std::pair<std::int64_t, std::string> k1_row() const
    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READONLY);
        SQLite::Statement q(sql, "SELECT version, owner FROM instance WHERE lifecycle = 'case' AND id = 'K-1'");
        if (!q.executeStep()) return {-1, ""};
        return {q.getColumn(0).getInt64(), q.getColumn(1).getString()};
    }

    TempDir dir{"kimctl-admin"};
};

TEST_F(KimctlAdmin, AddsListsDisablesAndEnablesAccounts)
{
    const Result added = feed(kPassword + "\n", {"--at", kAt, "admin", "account", "add", "mkoch", "--role",
                                                 "case_manager", "--org", "caritas", "--password-stdin"});
    ASSERT_EQ(added.exit, 0) << describe(added);
    EXPECT_NE(added.out.find("Konto mkoch angelegt"), std::string::npos) << added.out;
    add_account("import-job", "importer", "Stadt", false);

    Result list = ok({"admin", "account", "list"});
    EXPECT_TRUE(has_line(list.out, "Konto Rolle Organisation Status Passwort angelegt")) << list.out;
    EXPECT_TRUE(has_line(list.out, "import-job importer Stadt aktiv nein " + kAt)) << list.out;
    EXPECT_TRUE(has_line(list.out, "mkoch case_manager caritas aktiv ja " + kAt)) << list.out;

    ok({"admin", "account", "disable", "mkoch"});
    list = ok({"admin", "account", "list"});
    EXPECT_TRUE(has_line(list.out, "mkoch case_manager caritas gesperrt ja " + kAt)) << list.out;
    const json listed = json::parse(ok({"admin", "account", "list", "--json"}).out);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(keys_of(listed[1]),
              (std::set<std::string>{"name", "role", "organization", "disabled", "has_password", "created_at"}));
    EXPECT_EQ(listed[1]["name"], "mkoch");
    EXPECT_EQ(listed[1]["role"], "case_manager");
    EXPECT_EQ(listed[1]["organization"], "caritas");
    EXPECT_EQ(listed[1]["disabled"], true);
    EXPECT_EQ(listed[1]["has_password"], true);
    EXPECT_EQ(listed[1]["created_at"], kAt);
    EXPECT_EQ(listed[0]["has_password"], false);

    ok({"admin", "account", "enable", "mkoch"});
    EXPECT_TRUE(has_line(ok({"admin", "account", "list"}).out, "mkoch case_manager caritas aktiv ja " + kAt));
}

TEST_F(KimctlAdmin, ListsTokensAndRevokesThem)
{
    add_account("import-job", "importer", "Stadt", false);
    const std::string printed = ok({"--at", kAt, "admin", "token", "create", "import-job", "--days", "30"}).out;
    EXPECT_EQ(std::count(printed.begin(), printed.end(), '\n'), 1) << printed;
    const std::string token = first_line(printed);
    ASSERT_FALSE(token.empty());

    Result list = ok({"admin", "token", "list"});
    const json tokens = json::parse(ok({"admin", "token", "list", "import-job", "--json"}).out);
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_EQ(keys_of(tokens[0]),
              (std::set<std::string>{"id", "account", "kind", "created_at", "expires_at", "revoked_at"}));
    const std::string id = tokens[0]["id"];
    EXPECT_NE(token.find(id), std::string::npos);
    EXPECT_EQ(tokens[0]["kind"], "api");
    EXPECT_EQ(tokens[0]["created_at"], kAt);
    EXPECT_EQ(tokens[0]["expires_at"], "2025-03-31T09:00:00Z");
    EXPECT_TRUE(tokens[0]["revoked_at"].is_null());
    EXPECT_TRUE(has_line(list.out, "Token-ID Konto Art angelegt gültig bis widerrufen")) << list.out;
    EXPECT_TRUE(has_line(list.out, id + " import-job api " + kAt + " 2025-03-31T09:00:00Z nein")) << list.out;
    EXPECT_EQ(list.out.find(token.substr(token.rfind('_') + 1)), std::string::npos) << "the secret is shown once";

    ok({"--at", "2025-03-02T10:00:00Z", "admin", "token", "revoke", id});
    list = ok({"admin", "token", "list", "import-job"});
    EXPECT_TRUE(has_line(list.out, id + " import-job api " + kAt + " 2025-03-31T09:00:00Z 2025-03-02T10:00:00Z"))
        << list.out;
    EXPECT_EQ(json::parse(ok({"admin", "token", "list", "--json"}).out)[0]["revoked_at"], "2025-03-02T10:00:00Z");
}


/// The administrator's actor when no --as is given: the operating system's user.
std::string local_actor()
{
    const passwd* user = ::getpwuid(::geteuid());
    return "local:" + std::string(user && user->pw_name && *user->pw_name ? user->pw_name
                                                                          : "uid" + std::to_string(::geteuid()));
}

TEST_F(KimctlAdmin, TheTokenPrintedAloneWorksUntilItExpiresOrIsRevoked)
{
    add_account("import-job", "importer", "Stadt", false);
    const Result created = ok({"--at", kAt, "admin", "token", "create", "import-job"});
    EXPECT_EQ(created.err, "");
    ASSERT_EQ(created.out.back(), '\n');
    const std::string token = created.out.substr(0, created.out.size() - 1);
    EXPECT_EQ(token.find_first_of(" \t\n"), std::string::npos) << "the token alone: " << created.out;
    const std::string shorter = ok({"--at", kAt, "admin", "token", "create", "import-job", "--days", "1"}).out;

    auto store = std::make_shared<kimflow::SqliteStore>(db.path());
    kimflow::Accounts accounts(store);
    const kimflow::Timestamp at = kimflow::parse_timestamp(kAt);
    using std::chrono::hours;
    const auto who = accounts.check_token(token, at + hours(1));
    ASSERT_TRUE(who) << token;
    EXPECT_EQ(who->actor, (kimflow::Actor{"import-job", "importer", "Stadt"}));
    EXPECT_TRUE(accounts.check_token(token, at + hours(24 * 90) - hours(1))) << "90 days by default";
    EXPECT_FALSE(accounts.check_token(token, at + hours(24 * 90)));
    EXPECT_TRUE(accounts.check_token(shorter.substr(0, shorter.size() - 1), at + hours(23)));
    EXPECT_FALSE(accounts.check_token(shorter.substr(0, shorter.size() - 1), at + hours(24))) << "--days 1";

    ok({"admin", "account", "disable", "import-job"});
    EXPECT_FALSE(accounts.check_token(token, at + hours(1))) << "a disabled account's token";
    ok({"admin", "account", "enable", "import-job"});
    EXPECT_TRUE(accounts.check_token(token, at + hours(1)));
    ok({"admin", "token", "revoke", token});  // the whole token does as well as its id
    EXPECT_FALSE(accounts.check_token(token, at + hours(1)));
}

TEST_F(KimctlAdmin, PasswdSetsANewPasswordFromStdin)
{
    add_account("mkoch", "case_manager", "caritas", true);
    auto store = std::make_shared<kimflow::SqliteStore>(db.path());
    kimflow::Accounts accounts(store);
    EXPECT_TRUE(accounts.check_password("mkoch", kPassword)) << "the first line, without its newline";

    const std::string next = "Zeche Zollverein Schacht XII";
    const Result changed = feed(next + "\r\n", {"admin", "account", "passwd", "mkoch"});
    ASSERT_EQ(changed.exit, 0) << describe(changed);
    EXPECT_TRUE(accounts.check_password("mkoch", next));
    EXPECT_FALSE(accounts.check_password("mkoch", kPassword));

    refused(2, {"admin", "account", "passwd", "mkoch"}, "kurz\n");
    refused(2, {"admin", "account", "passwd", "mkoch"}, "\nsecond line is not read\n");
    refused(2, {"admin", "account", "passwd", "nobody"}, next + "\n");
    EXPECT_TRUE(accounts.check_password("mkoch", next)) << "refused: the password stays";
    EXPECT_EQ(store->history(kimflow::admin_lifecycle, "account/mkoch").size(), 2u);

    // An account without a password gets one.
    add_account("zander", "verwaltung", "Stadt", false);
    EXPECT_FALSE(accounts.check_password("zander", ""));
    ASSERT_EQ(feed(next + "\n", {"admin", "account", "passwd", "zander"}).exit, 0);
    EXPECT_TRUE(accounts.find("zander")->has_password);
    EXPECT_TRUE(accounts.check_password("zander", next));
}

TEST_F(KimctlAdmin, TheAuditTrailNamesWhoChangedWhatAndVerifyStillPasses)
{
    add_account("mkoch", "case_manager", "caritas", true);  // no --as: the operating system's user
    ok(kAdministrator + Args{"--at", kAt, "admin", "account", "disable", "mkoch"});
    // A case manager's --as does not make them the one who changed it.
    ok(kCaritas + Args{"--at", kAt, "admin", "account", "enable", "mkoch"});
    const std::string token = first_line(ok({"--at", kAt, "admin", "token", "create", "mkoch"}).out);
    ASSERT_EQ(feed("Ein neues langes Passwort\n", {"--at", kAt, "admin", "account", "passwd", "mkoch"}).exit, 0);
    ok({"--at", kAt, "admin", "token", "revoke", token});
    const std::string policy_file = dir / "rvr.policy";
    const std::string policy = "allow case case_manager * owner\nallow * administrator purge,audit any\n";
    std::ofstream(policy_file) << policy;
    ok(kAdministrator + Args{"--at", kAt, "admin", "policy", "set", policy_file});

    auto store = std::make_shared<kimflow::SqliteStore>(db.path());
    const auto account = store->history(kimflow::admin_lifecycle, "account/mkoch");
    std::vector<std::string> events;
    for (const auto& t : account) events.push_back(t.event);
    EXPECT_EQ(events, (std::vector<std::string>{"add_account", "disable_account", "enable_account", "create_token",
                                                "set_password", "revoke_token"}));
    const kimflow::Actor local{local_actor(), "administrator", ""};
    EXPECT_EQ(account[0].actor, local);
    EXPECT_EQ(account[1].actor, (kimflow::Actor{"admin", "administrator", ""}));
    EXPECT_EQ(account[2].actor, local);
    EXPECT_EQ(account[0].at, kimflow::parse_timestamp(kAt));
    EXPECT_NE(account[0].summary.find("role=case_manager"), std::string::npos) << account[0].summary;
    for (const auto& t : account) {
        EXPECT_EQ(t.summary.find(kPassword), std::string::npos);
        EXPECT_EQ(t.summary.find(token.substr(token.rfind('_') + 1)), std::string::npos);
    }
    const auto policy_log = store->history(kimflow::admin_lifecycle, "policy");
    ASSERT_EQ(policy_log.size(), 1u);
    EXPECT_EQ(policy_log[0].event, "set_policy");
    EXPECT_EQ(policy_log[0].actor, (kimflow::Actor{"admin", "administrator", ""}));
    EXPECT_NE(policy_log[0].summary.find("sha256="), std::string::npos) << policy_log[0].summary;
    store.reset();

    const Result verified = ok(kAdministrator + Args{"verify"});
    EXPECT_NE(verified.out.find("no problems found"), std::string::npos) << verified.out;
    EXPECT_EQ(chained(), 7u);
}


TEST_F(KimctlAdmin, ThePasswordIsNowhereInTheDatabaseFile)
{
    add_account("mkoch", "case_manager", "caritas", true);
    const std::string next = "Gasometer Oberhausen 117m";
    ASSERT_EQ(feed(next + "\n", {"admin", "account", "passwd", "mkoch"}).exit, 0);
    const std::string token = first_line(ok({"admin", "token", "create", "mkoch"}).out);
    const std::string secret = token.substr(token.rfind('_') + 1);
    ASSERT_GE(secret.size(), 32u) << token;
    auto nowhere = [&](const char* when) {
        const std::string bytes = read_text(db.path()) + read_text(db.path() + "-wal");
        ASSERT_FALSE(bytes.empty());
        for (const std::string& s : {kPassword, next, secret})
            EXPECT_EQ(bytes.find(s), std::string::npos) << "'" << s << "' is in the database file " << when;
    };
    nowhere("and its WAL");
    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READWRITE);
        sql.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    nowhere("after a checkpoint");
}

TEST_F(KimctlAdmin, StoresAndShowsThePolicy)
{
    const Result none = ok({"admin", "policy", "show"});
    EXPECT_EQ(none.out, "");
    EXPECT_NE(none.err.find("default policy applies"), std::string::npos) << none.err;
    EXPECT_EQ(json::parse(ok({"admin", "policy", "show", "--json"}).out)["stored"], false);

    const std::string file = dir / "rvr.policy";
    const std::string text = "# RVR\nallow case case_manager * owner\nallow * administrator purge any";  // no last newline
    std::ofstream(file) << text;
    const Result set = ok({"admin", "policy", "set", file});
    EXPECT_NE(set.out.find("2 Regeln"), std::string::npos) << set.out;
    EXPECT_EQ(ok({"admin", "policy", "show"}).out, text) << "exactly as stored";
    const json shown = json::parse(ok({"admin", "policy", "show", "--json"}).out);
    EXPECT_EQ(shown["stored"], true);
    EXPECT_EQ(shown["text"], text);
    // Without the rules of role system, the deadlines would stop: said, with the lines to add.
    EXPECT_NE(set.err.find("allow case system follow_up_due any"), std::string::npos) << set.err;
    std::ofstream(file) << text << "\nallow * system * any\n";
    EXPECT_EQ(ok({"admin", "policy", "set", file}).err.find("Warnung"), std::string::npos);
}

TEST_F(KimctlAdmin, BadInputIsRefusedWithWhatToDoAndChangesNothing)
{
    add_account("mkoch", "case_manager", "caritas", true);
    ok({"admin", "token", "create", "mkoch"});
    const std::string good = dir / "good.policy";
    std::ofstream(good) << "allow * administrator purge any\n";
    ok({"admin", "policy", "set", good});
    const std::uint64_t before = chained();
    const std::string accounts_before = ok({"admin", "account", "list", "--json"}).out;
    const std::string tokens_before = ok({"admin", "token", "list", "--json"}).out;

    const Args add{"admin", "account", "add"};
    Result r = refused(2, add + Args{"mkoch", "--role", "verwaltung", "--org", "Stadt"});
    EXPECT_NE(r.err.find("already"), std::string::npos) << r.err;
    r = refused(2, add + Args{"two words", "--role", "verwaltung"});
    EXPECT_NE(r.err.find("letters, digits"), std::string::npos) << r.err;
    r = refused(2, add + Args{"robot", "--role", "system"});
    EXPECT_NE(r.err.find("another role"), std::string::npos) << r.err;
    r = refused(2, add + Args{"zander", "--role", "verwaltung", "--password-stdin"}, "elf Zeichen\n");
    EXPECT_NE(r.err.find("at least 12"), std::string::npos) << r.err;
    r = feed("", {"admin", "account", "add", "zander", "--role", "verwaltung", "--password-stdin"});
    EXPECT_EQ(r.exit, 2) << describe(r);
    expect_short_error(r);
    EXPECT_NE(r.err.find("no password on stdin"), std::string::npos) << r.err;
    r = refused(2, add + Args{"zander"});  // no --role
    for (const char* verb : {"disable", "enable"}) {
        r = refused(2, {"admin", "account", verb, "nobody"});
        EXPECT_NE(r.err.find("admin account list"), std::string::npos) << r.err;
    }
    r = refused(2, {"admin", "token", "create", "nobody"});
    r = refused(2, {"admin", "token", "list", "nobody"});
    r = refused(2, {"admin", "token", "revoke", "0123456789abcdef"});
    EXPECT_NE(r.err.find("admin token list"), std::string::npos) << r.err;
    r = refused(2, {"admin", "token", "create", "mkoch", "--days", "0"});

    const std::string bad = dir / "bad.policy";
    std::ofstream(bad) << "allow case case_manager * owner\nallow * * * everyone\n";
    r = refused(2, {"admin", "policy", "set", bad});
    EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
    r = refused(2, {"admin", "policy", "set", dir / "missing.policy"});
    EXPECT_NE(r.err.find("check the path"), std::string::npos) << r.err;
    refused(2, {"admin", "account", "frobnicate"});

    EXPECT_EQ(chained(), before) << "nothing logged";
    EXPECT_EQ(ok({"admin", "account", "list", "--json"}).out, accounts_before);
    EXPECT_EQ(ok({"admin", "token", "list", "--json"}).out, tokens_before);
    EXPECT_EQ(ok({"admin", "policy", "show"}).out, "allow * administrator purge any\n");
}

TEST_F(KimctlAdmin, AnAccountEndsSelfAssertedActorsAndPolicies)
{
    caritas_case();
    const std::string allow_all = dir / "allow-all.policy";
    std::ofstream(allow_all) << "allow * * * any\n";
    ok(kCaritas + Args{"--policy", allow_all, "show", "case", "K-1"});  // before: as it always was
    add_account("mkoch", "case_manager", "caritas", true);

    Result r = refused(7, kCaritas + Args{"show", "case", "K-1"});
    for (const char* said : {"has accounts", "kimflowd", "--server", "KIMFLOW_TOKEN", "administrator"})
        EXPECT_NE(r.err.find(said), std::string::npos) << said << "\n" << r.err;
    r = refused(7, kAdministrator + Args{"--policy", allow_all, "purge"});
    for (const char* said : {"keeps its own policy", "kimctl admin policy show", "kimctl admin policy set"})
        EXPECT_NE(r.err.find(said), std::string::npos) << said << "\n" << r.err;
    refused(7, kCaritas + Args{"--policy", allow_all, "list", "case"});
    refused(7, {"--as", "sitzungsdienst", "--role", "sitzungsdienst", "list", "paper"});
    r = refused(2, {"show", "case", "K-1"});  // nobody at all
    EXPECT_NE(r.err.find("kimflowd"), std::string::npos) << r.err;

    // The same from the configuration file: named, so that the user knows which line to remove.
    const std::string conf = dir / "kimctl.conf";
    std::ofstream(conf) << "as = mkoch\nrole = case_manager\norg = caritas\npolicy = " << allow_all << "\n";
    r = refused(7, {"--config", conf, "case", "open", "K-2", "--kommune", "Waltrop"});
    EXPECT_NE(r.err.find(conf), std::string::npos) << r.err;
    r = refused(7, kAdministrator + Args{"--config", conf, "purge"});
    EXPECT_NE(r.err.find(conf), std::string::npos) << r.err;

    // An administrator on the server still acts, under the database's policy (the default here).
    ok(kAdministrator + Args{"--at", "2025-03-02T00:00:00Z", "purge"});
    // (exit 4: the default policy lets administrators purge, not read cases, so K-1 is not there for them)
    EXPECT_EQ(refused(4, kAdministrator + Args{"show", "case", "K-1"}).err.find("has accounts"), std::string::npos)
        << "refused by the policy, not for asserting who they are";
    // What needs no actor nor policy works, even with the configuration file's.
    for (const Args& args : {Args{"init"}, Args{"events", "case"}, Args{"diagram", "case"},
                             Args{"admin", "account", "list"}, Args{"admin", "policy", "show"}})
        ok(Args{"--config", conf} + args);
    EXPECT_EQ(k1_row(), (std::pair<std::int64_t, std::string>{1, "caritas"}));
}

TEST_F(KimctlAdmin, AStoredPolicyAloneEndsThemToo)
{
    caritas_case();
    const std::string allow_all = dir / "allow-all.policy";
    std::ofstream(allow_all) << "allow * * * any\n";
    refused(4, kAdministrator + Args{"show", "case", "K-1"});  // the default policy: administrators purge (and audit) only
    const std::string stored = dir / "stored.policy";
    std::ofstream(stored) << "allow case case_manager * owner\nallow case administrator read any\n";
    ok({"admin", "policy", "set", stored});
    EXPECT_EQ(ok({"admin", "account", "list", "--json"}).out, "[]\n") << "no accounts, a policy only";

    Result r = refused(7, kCaritas + Args{"show", "case", "K-1"});
    EXPECT_NE(r.err.find("keeps its own policy"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("kimflowd"), std::string::npos) << r.err;
    r = refused(7, kAdministrator + Args{"--policy", allow_all, "show", "case", "K-1"});
    EXPECT_NE(r.err.find("kimctl admin policy show"), std::string::npos) << r.err;

    // Every engine checks the stored policy: it lets an administrator read, and no longer purge.
    EXPECT_EQ(show("case", "K-1", kAdministrator)["id"], "K-1");
    r = refused(7, kAdministrator + Args{"purge"});
    EXPECT_NE(r.err.find("kimctl denials"), std::string::npos) << "the policy's refusal, logged: " << r.err;
}

TEST_F(KimctlAdmin, TheAwoCaseManagersOwnPolicyCannotTakeACaritasCase)
{
    // The story, first where it worked: a database without accounts takes any policy file.
    const std::string allow_all = dir / "allow-all.policy";
    std::ofstream(allow_all) << "# mine\nallow * * * any\n";
    const Args take{"fire", "case", "K-1", "assign", "traeger=AWO", "manager=awo1"};
    caritas_case();
    {
        TempFile other{"kimctl-awo"};
        ASSERT_EQ(kimctl({"--db", other.path(), "init"}).exit, 0);
        ASSERT_EQ(kimctl(Args{"--db", other.path()} + kCaritas +
                         Args{"--at", kAt, "case", "open", "K-1", "--kommune", "Castrop-Rauxel", "--traeger", "caritas"})
                      .exit,
                  0);
        const Result taken = kimctl(Args{"--db", other.path()} + kAwo + Args{"--policy", allow_all} + take);
        ASSERT_EQ(taken.exit, 0) << "without accounts, a policy file is believed: " << describe(taken);
    }

    // Once the database has accounts: refused however it is put, and the case stays Caritas's.
    add_account("mkoch", "case_manager", "caritas", true);
    const auto before = k1_row();
    ASSERT_EQ(before.second, "caritas");
    const std::uint64_t chain = chained();
    refused(7, kAwo + Args{"--policy", allow_all} + take);
    refused(7, kAwo + take);
    refused(7, Args{"--as", "awo1", "--role", "administrator", "--org", "AWO", "--policy", allow_all} + take);
    EXPECT_EQ(k1_row(), before);
    EXPECT_EQ(chained(), chain);
}

}  // namespace
