// kimctl --server URL end to end: the same papers, cases and resolutions built with local kimctl
// into one file, copied, the copy served by the real kimflowd to accounts whose actors are the
// local --as/--role/--org; then each command run on the file and through the service must print
// the same and exit the same. The exception, by design: a case of another Träger is refused
// locally (7, not permitted), while the service does not reveal that it exists (404, so 4).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <filesystem>
#include <map>
#include <regex>
#include <thread>

#include "kimctl_fixture.hpp"
#include "kimflowd_fixture.hpp"

namespace {

using namespace kimctl_test;
using kimflowd_test::Server;

const Args kOffice{"--as", "schulte", "--role", "verwaltung", "--org", "FB 5 Soziales"};
const char* const kRat = "Rat der Stadt Castrop-Rauxel";

/// Sets an environment variable for a scope (unsets it for an empty value), then restores it.
class Env {
public:
    Env(const char* name, const std::string& value) : name_(name)
    {
        if (const char* old = std::getenv(name)) old_ = old;
        value.empty() ? ::unsetenv(name) : ::setenv(name, value.c_str(), 1);
    }
    ~Env() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

/// @p j with every instant (`…T…Z`) replaced: what a fire records now differs by milliseconds.
json without_times(json j)
{
    static const std::regex instant(R"(\d{4}-\d\d-\d\dT[0-9:.]+Z)");
    if (j.is_string() && std::regex_match(j.get<std::string>(), instant)) return "<time>";
    if (j.is_structured())
        for (auto& item : j) item = without_times(item);
    return j;
}

class KimctlServer : public Kimctl {
protected:
    void SetUp() override
    {
        for (const char* name : {"KIMFLOW_SERVER", "KIMFLOW_TOKEN", "KIMFLOW_CA_FILE"}) ::unsetenv(name);
        Kimctl::SetUp();
        build_world();
        std::filesystem::copy_file(db.path(), served.path(), std::filesystem::copy_options::overwrite_existing);
        add_accounts(served.path());
        server = std::make_unique<Server>(served.path());
        url = "http://127.0.0.1:" + std::to_string(server->port());
    }

    /// Papers, a decided paper with two resolutions, and cases of two Träger with Wiedervorlagen.
    void build_world() const
    {
        tell_14_1923();
        ok(kFraktion + Args{"--at", "2025-03-01T09:00:00Z", "paper", "create", "14/2000", "--type", "Anfrage", "--title",
                            "Sprachkurse im Kreis", "--originator", "Fraktion Die Linke", "--body", "Regionalverband Ruhr"});
        ok(kFraktion + Args{"--at", "2025-03-01T09:00:00Z", "fire", "paper", "14/2000", "submit"});
        ok(kSitzungsdienst + Args{"--at", "2021-03-01T09:00:00Z", "paper", "create", "2021/123", "--type", "Antrag",
                                  "--title", "Sachstand KIM", "--originator", "SPD", "--body", kRat, "--consultation",
                                  std::string(kRat) + "|Entscheidung|authoritative"});
        ok(kSpd + Args{"--at", "2021-03-01T09:00:00Z", "fire", "paper", "2021/123", "submit"});
        ok(kSitzungsdienst + Args{"--at", "2021-03-02T09:00:00Z", "fire", "paper", "2021/123", "schedule",
                                  "meeting_date=2021-04-15"});
        ok(kSitzungsdienst + Args{"--at", "2021-04-15T19:00:00Z", "fire", "paper", "2021/123", "decide"});
        for (const auto& [id, due] : {std::pair{"2021/123-1", "2021-09-30"}, std::pair{"2021/123-2", "2099-12-31"}})
            ok(kSitzungsdienst + Args{"--at", "2021-04-16T09:00:00Z", "resolution", "create", id, "--paper", "2021/123",
                                      "--office", "FB 5 Soziales", "--due", due, "--task", "Bericht zum Stand von KIM"});
        ok({"--at", "2021-10-01T06:00:00Z", "tick", "--lifecycle", "resolution"});
        ok(kOffice + Args{"--at", "2021-10-05T09:00:00Z", "fire", "resolution", "2021/123-1", "report_progress",
                          "text=Daten liegen vor", "delay_reason=Personalwechsel"});

        const auto open = [&](const Args& who, const char* id, const char* traeger, const char* manager) {
            ok(who + Args{"--at", "2025-03-01T09:00:00Z", "case", "open", id, "--kommune", "Castrop-Rauxel", "--traeger",
                          traeger, "--manager", manager, "--kreis", "Kreis Recklinghausen"});
            ok(who + Args{"--at", "2025-03-01T09:00:00Z", "fire", "case", id, "grant_consent",
                          "recipients=Jobcenter Kreis Recklinghausen", "purpose=Arbeit"});
        };
        open(kCaritas, "K-1", "Caritas", "mkoch");
        for (const char* event : {"accept", "complete_assessment"})
            ok(kCaritas + Args{"--at", "2025-03-02T09:00:00Z", "fire", "case", "K-1", event});
        ok(kCaritas + Args{"--at", "2025-03-02T09:00:00Z", "fire", "case", "K-1", "add_goal", "goal=Sprachkurs B1"});
        ok(kCaritas + Args{"--at", "2025-03-02T09:00:00Z", "fire", "case", "K-1", "agree_plan"});
        ok(kCaritas + Args{"--at", "2025-03-03T09:00:00Z", "fire", "case", "K-1", "refer",
                           "recipient=Jobcenter Kreis Recklinghausen", "rechtskreis=SGB II"});
        ok(kCaritas + Args{"--at", "2025-03-03T09:00:00Z", "fire", "case", "K-1", "follow_up", "date=2025-03-20",
                           "subject=Rückmeldung Jobcenter"});
        ok(kCaritas + Args{"--at", "2025-03-03T09:00:00Z", "fire", "case", "K-1", "follow_up", "date=2099-04-15",
                           "subject=Sprachkurs"});
        open(kCaritas, "K-2", "Caritas", "jlang");
        for (const char* event : {"accept", "complete_assessment"})
            ok(kCaritas + Args{"--at", "2025-03-02T09:00:00Z", "fire", "case", "K-2", event});
        ok(kCaritas + Args{"--at", "2025-03-03T09:00:00Z", "fire", "case", "K-2", "follow_up", "date=2025-03-12"});
        // Closures after 4, 10 and 40 days: the report's median (10.0) and mean (18.0) differ.
        for (const auto& [id, day] : {std::pair{"K-4", "2025-03-05"}, {"K-5", "2025-03-11"}, {"K-6", "2025-04-10"}}) {
            ok(kCaritas + Args{"--at", "2025-03-01T09:00:00Z", "case", "open", id, "--kommune", "Herten", "--traeger",
                               "Caritas", "--kreis", "Kreis Recklinghausen"});
            ok(kCaritas + Args{"--at", std::string(day) + "T09:00:00Z", "fire", "case", id, "decline"});
        }
        open(kAgora, "K-3", "AGORA", "aweber");
        ok(kAgora + Args{"--at", "2025-03-03T09:00:00Z", "fire", "case", "K-3", "follow_up", "date=2025-03-12",
                         "subject=Kita"});
    }

    /// The accounts the service lets in: each the actor a local run names with --as/--role/--org.
    void add_accounts(const std::string& path)
    {
        auto store = std::make_shared<kimflow::SqliteStore>(path);
        kimflow::Accounts accounts(store);
        const std::vector<std::pair<std::string, Args>> people{
            {"sitzungsdienst", kSitzungsdienst}, {"mkoch", kCaritas},      {"aweber", kAgora},
            {"kreisler", kKreisRecklinghausen}, {"kretschmer", kFraktion}, {"schulte", kOffice}};
        for (const auto& [name, args] : people) {
            const std::string org = args.size() > 5 ? args[5] : "";
            accounts.add(name, args[3], org, "password-of-" + name, kimflowd_test::kSetup, kimflowd_test::wall_now());
            tokens[args[1]] =
                accounts.create_token(name, std::chrono::hours(1), "api", kimflowd_test::kSetup, kimflowd_test::wall_now());
        }
    }

    /// kimctl --server URL ARGS with @p token in $KIMFLOW_TOKEN.
    Result remote(const std::string& token, const Args& args, const std::string& server_url = "") const
    {
        Env t("KIMFLOW_TOKEN", token);
        return kimctl(Args{"--server", server_url.empty() ? url : server_url} + args);
    }
    /// The token of the account that acts as @p actor (kCaritas …).
    std::string token_of(const Args& actor) const { return tokens.at(actor[1]); }

    /// Runs @p args as @p actor on the file and through the service: same stdout, same exit code.
    Result same(const Args& actor, const Args& args) const
    {
        const Result local = run(actor + args), served_run = remote(token_of(actor), args);
        EXPECT_EQ(served_run.exit, local.exit) << "local: " << describe(local) << "\nremote: " << describe(served_run);
        EXPECT_EQ(served_run.out, local.out) << "remote: " << describe(served_run);
        return local;
    }

    TempFile served{"kimctl-served"};
    std::unique_ptr<Server> server;
    std::string url;
    std::map<std::string, std::string> tokens;
};

TEST_F(KimctlServer, ShowListHistoryAndReportsPrintTheSame)
{
    const std::vector<std::pair<Args, Args>> rows{
        {kSitzungsdienst, {"show", "paper", "14/1923"}},
        {kSitzungsdienst, {"history", "paper", "14/1923"}},
        {kSitzungsdienst, {"list", "paper"}},
        {kSitzungsdienst, {"list", "paper", "--state", "acknowledged"}},
        {kSitzungsdienst, {"list", "paper", "--originator", "Fraktion Die Linke", "--body", "Regionalverband Ruhr"}},
        {kSitzungsdienst, {"list", "paper", "--overdue"}},
        {kCaritas, {"show", "case", "K-1"}},
        {kCaritas, {"history", "case", "K-1"}},
        {kCaritas, {"list", "case"}},
        {kCaritas, {"list", "case", "--traeger", "Caritas", "--state", "planning"}},
        {kCaritas, {"list", "case", "--state", "Hilfeplanung"}},
        {kCaritas, {"list", "case", "--manager", "mkoch"}},
        {kCaritas, {"list", "case", "--due-for-follow-up", "--from", "2025-03-01", "--to", "2099-12-31"}},
        {kCaritas, {"list", "case", "--overdue"}},
        {kKreisRecklinghausen, {"list", "case", "--kommune", "Castrop-Rauxel"}},
        {kKreisRecklinghausen, {"list", "case", "--due-for-follow-up", "--to", "31.12.2025"}},
        {kKreisRecklinghausen, {"show", "case", "K-3"}},
        {kSitzungsdienst, {"show", "resolution", "2021/123-1"}},
        {kSitzungsdienst, {"history", "resolution", "2021/123-1"}},
        {kSitzungsdienst, {"list", "resolution"}},
        {kSitzungsdienst, {"list", "resolution", "--overdue", "--office", "FB 5 Soziales", "--committee", kRat}},
        {kKreisRecklinghausen, {"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31"}},
        {kKreisRecklinghausen, {"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv"}},
        {kSitzungsdienst, {"report", "resolutions", "--from", "2021-01-01", "--to", "2021-12-31"}},
        {kSitzungsdienst, {"report", "resolutions", "--from", "2021-01-01", "--to", "2021-12-31", "--format", "csv"}},
        {kSitzungsdienst, {"report", "resolutions", "--committee", kRat, "--from", "2021-01-01"}},
    };
    for (const auto& [actor, args] : rows) {
        SCOPED_TRACE(testing::PrintToString(args));
        EXPECT_EQ(same(actor, args).exit, 0);
        EXPECT_EQ(same(actor, args + Args{"--json"}).exit, 0);
    }
    // CSV for German Excel, which has no --json beside it.
    for (const auto& [actor, args] : std::vector<std::pair<Args, Args>>{
             {kKreisRecklinghausen, {"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31", "--csv"}},
             {kSitzungsdienst, {"report", "resolutions", "--from", "2021-01-01", "--to", "2021-12-31", "--csv"}},
             {kCaritas, {"list", "case", "--csv"}},
             {kSitzungsdienst, {"list", "resolution", "--csv"}}}) {
        SCOPED_TRACE(testing::PrintToString(args));
        const Result csv = same(actor, args);
        EXPECT_EQ(csv.exit, 0);
        EXPECT_EQ(csv.out.rfind("\xEF\xBB\xBF", 0), 0u) << "no BOM";
    }
    // The rows show what they should, not two equal nothings.
    EXPECT_NE(same(kCaritas, {"list", "case", "--overdue"}).out.find("Rückmeldung Jobcenter"), std::string::npos);
    EXPECT_NE(same(kSitzungsdienst, {"list", "resolution"}).out.find("überfällig"), std::string::npos);
    EXPECT_NE(same(kSitzungsdienst, {"show", "paper", "14/1923"}).out.find("Zur Kenntnis genommen"), std::string::npos);
    EXPECT_TRUE(std::regex_search(
        same(kKreisRecklinghausen, {"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31"}).out,
        std::regex("Kommune Herten +3 +3 +0 +0 +0 +10\\.0 +18\\.0 +0\n")));
    EXPECT_NE(same(kSitzungsdienst, {"report", "resolutions", "--from", "2021-01-01", "--to", "2021-12-31"})
                  .out.find("Grund der Verzögerung: Personalwechsel"),
              std::string::npos);
}

TEST_F(KimctlServer, FiresPrintTheSame)
{
    // The fire lines hold no times; each fire happens on both sides, so that they stay alike. An
    // event's label reaches kimflowd as its code.
    same(kFraktion, {"fire", "paper", "14/2000", "Zurückziehen", "reason=erledigt"});
    same(kCaritas, {"fire", "case", "K-1", "extend_consent", "recipients=Ausländerbehörde"});
    const Result narrowed = same(kCaritas, {"fire", "case", "K-1", "narrow_consent", "recipient=Ausländerbehörde"});
    EXPECT_NE(narrowed.out.find("Einwilligung eingeschränkt: entfällt für Ausländerbehörde"), std::string::npos)
        << narrowed.out;
    // add_goal records no time: the JSON is byte-equal, with --expect-version as If-Match.
    same(kCaritas, {"fire", "case", "K-2", "add_goal", "goal=Kita-Platz", "--expect-version", "5", "--json"});
    same(kCaritas, {"fire", "case", "K-2", "assign", "manager=mkoch", "--json"});
    const Args k2{"show", "case", "K-2", "--json"};
    EXPECT_EQ(json::parse(remote(token_of(kCaritas), k2).out)["data"], json::parse(ok(kCaritas + k2).out)["data"]);
    // Completing the paper's resolutions completes the paper: the last one says so.
    same(kOffice, {"fire", "resolution", "2021/123-1", "complete", "note=berichtet"});
    const Result local = run(kOffice + Args{"fire", "resolution", "2021/123-2", "complete", "note=erledigt", "--json"});
    const Result served_run =
        remote(token_of(kOffice), {"fire", "resolution", "2021/123-2", "complete", "note=erledigt", "--json"});
    ASSERT_EQ(served_run.exit, 0) << describe(served_run);
    EXPECT_EQ(without_times(json::parse(served_run.out)), without_times(json::parse(local.out)));
    EXPECT_EQ(json::parse(served_run.out)["paper_completed"], "2021/123");
    same(kSitzungsdienst, {"list", "paper", "--state", "completed"});
}

TEST_F(KimctlServer, ErrorsExitWithTheSameCodes)
{
    const std::vector<std::tuple<Args, Args, int, bool>> rows{
        // actor, command, exit code, and whether stderr is the same too
        {kSitzungsdienst, {"show", "paper", "14/9999"}, 4, true},
        {kCaritas, {"history", "case", "K-404"}, 4, true},
        {kFraktion, {"fire", "paper", "14/2000", "answer", "answer_reference=14/2000-1"}, 7, false},
        {kKreisRecklinghausen, {"fire", "case", "K-1", "add_goal", "goal=x"}, 7, false},
        {kFraktion, {"report", "kim", "--from", "2025-01-01", "--to", "2025-12-31"}, 7, false},
        {kFraktion, {"fire", "paper", "14/2000", "withdraw", "reason=x", "--expect-version", "7"}, 5, true},
        {kFraktion, {"fire", "paper", "14/1923", "submit"}, 3, true},
        {kCaritas, {"fire", "case", "K-1", "follow_up", "date=2025-02-30"}, 2, true},
        {kCaritas, {"fire", "case", "K-1", "follow_up", "datum"}, 2, true},
        {kCaritas, {"fire", "case", "K-1", "fly"}, 2, true},
        {kCaritas, {"list", "case", "--overdue", "--due-for-follow-up"}, 2, true},
        {kCaritas, {"report", "kim", "--from", "2025-12-31", "--to", "2025-01-01"}, 2, true},
    };
    for (const auto& [actor, args, code, same_err] : rows) {
        SCOPED_TRACE(testing::PrintToString(args));
        const Result local = run(actor + args), served_run = remote(token_of(actor), args);
        EXPECT_EQ(local.exit, code) << describe(local);
        EXPECT_EQ(served_run.exit, code) << describe(served_run);
        EXPECT_TRUE(served_run.out.empty()) << served_run.out;
        expect_short_error(served_run);
        if (same_err) {
            EXPECT_EQ(served_run.err, local.err);
        }
    }
}

// A case the caller may not read is not found, as one that does not exist, so as not to reveal
// that it exists: through the service (404) and on the file alike (exit 4, the same message).
TEST_F(KimctlServer, AnotherTraegersCaseIsNotFoundThroughTheService)
{
    for (const Args& args : {Args{"show", "case", "K-1"}, Args{"history", "case", "K-1"},
                             Args{"fire", "case", "K-1", "add_goal", "goal=x"}}) {
        const Result local = run(kAgora + args), served_run = remote(token_of(kAgora), args);
        EXPECT_EQ(local.exit, 4) << describe(local);
        std::string local_none = run(kAgora + Args{"show", "case", "K-404"}).err;
        local_none.replace(local_none.find("K-404"), 5, "K-1");
        EXPECT_EQ(local.err, local_none);
        EXPECT_EQ(served_run.exit, 4) << describe(served_run);
        // The very message of a case that does not exist.
        std::string none = remote(token_of(kAgora), {"show", "case", "K-404"}).err;
        none.replace(none.find("K-404"), 5, "K-1");
        EXPECT_EQ(served_run.err, none);
    }
    EXPECT_EQ(same(kAgora, {"list", "case"}).out.find("K-1"), std::string::npos) << "nor listed";
}

TEST_F(KimctlServer, TokensAndAServerThatCannotBeReached)
{
    const Result none = remote("", {"show", "paper", "14/1923"});
    EXPECT_EQ(none.exit, 2) << describe(none);
    EXPECT_NE(none.err.find("KIMFLOW_TOKEN"), std::string::npos) << none.err;
    const Result bad = remote("kft_not-a-token", {"show", "paper", "14/1923"});
    EXPECT_EQ(bad.exit, 7) << describe(bad);
    expect_short_error(bad);
    EXPECT_NE(bad.err.find("$KIMFLOW_TOKEN"), std::string::npos) << bad.err;
    {
        auto store = std::make_shared<kimflow::SqliteStore>(served.path());
        kimflow::Accounts(store).revoke_token(token_of(kCaritas), kimflowd_test::kSetup, kimflowd_test::wall_now());
    }
    EXPECT_EQ(remote(token_of(kCaritas), {"list", "case"}).exit, 7);

    const std::string nowhere = "http://127.0.0.1:1";
    for (const Args& args : {Args{"show", "paper", "14/1923"}, Args{"fire", "paper", "14/2000", "withdraw"}}) {
        const Result r = remote(token_of(kFraktion), args, nowhere);
        EXPECT_EQ(r.exit, 6) << describe(r);
        EXPECT_NE(r.err.find(nowhere), std::string::npos) << r.err;
        expect_short_error(r);
    }
}

TEST_F(KimctlServer, WhatDoesNotGoThroughTheServiceIsRefused)
{
    const std::string token = token_of(kSitzungsdienst);
    for (const Args& args :
         {Args{"init"}, Args{"paper", "create", "1/1", "--type", "Anfrage", "--title", "T"}, Args{"case", "erase", "K-1"},
          Args{"admin", "account", "list"}, Args{"tick"}, Args{"verify"}, Args{"events", "paper"}, Args{"denials"},
          Args{"--as", "sitzungsdienst", "show", "paper", "14/1923"}, Args{"--role", "verwaltung", "list", "paper"},
          Args{"--db", db.path(), "list", "paper"}, Args{"--at", "2025-01-01", "list", "paper"},
          Args{"--policy", "p.policy", "history", "paper", "14/1923"}}) {
        const Result r = remote(token, args);
        EXPECT_EQ(r.exit, 2) << testing::PrintToString(args) << describe(r);
        expect_short_error(r);
    }
    EXPECT_NE(remote(token, {"--as", "x", "list", "paper"}).err.find("comes from your token"), std::string::npos);
    EXPECT_NE(remote(token, {"tick"}).err.find("run it on the server"), std::string::npos);
}

TEST_F(KimctlServer, TheServerAndTokenFromTheEnvironmentOrTheConfigurationFile)
{
    const Result local = ok(kSitzungsdienst + Args{"show", "paper", "14/1923"});
    TempDir folder("kimctl-server-conf");
    const std::string conf = folder / "kimctl.conf";
    std::ofstream(conf) << "server = " << url << "\ntoken = " << token_of(kSitzungsdienst) << "\n";
    EXPECT_EQ(kimctl({"--config", conf, "show", "paper", "14/1923"}).out, local.out);
    {
        Env server_env("KIMFLOW_SERVER", url), token_env("KIMFLOW_TOKEN", token_of(kSitzungsdienst));
        EXPECT_EQ(kimctl({"show", "paper", "14/1923"}).out, local.out);
        // --server '' works on the file, whatever the environment says.
        EXPECT_EQ(kimctl(Args{"--server", ""} + kSitzungsdienst + Args{"--db", db.path(), "show", "paper", "14/1923"}).out,
                  local.out);
    }
    std::ofstream(conf, std::ios::app) << "as = sitzungsdienst\n";
    const Result who = kimctl({"--config", conf, "show", "paper", "14/1923"});
    EXPECT_EQ(who.exit, 2) << describe(who);
    EXPECT_NE(who.err.find("as in " + conf), std::string::npos) << who.err;
}

TEST_F(KimctlServer, HttpsWithTheCertificateOfAPrivateCa)
{
    TempDir folder("kimctl-server-tls");
    const std::string cert = folder / "cert.pem", key = folder / "key.pem";
    kimflowd_test::write_self_signed_certificate(cert, key);
    // The file is served over TLS now.
    server.reset();
    server = std::make_unique<Server>(served.path(), std::vector<std::string>{"tls_cert = " + cert, "tls_key = " + key});
    const int port = server->port();
    const std::string https = "https://127.0.0.1:" + std::to_string(port);
    const Args show{"show", "paper", "14/1923"};
    const Result unverified = remote(token_of(kSitzungsdienst), show, https);
    EXPECT_EQ(unverified.exit, 6) << describe(unverified);
    EXPECT_NE(unverified.err.find(https), std::string::npos) << unverified.err;
    EXPECT_NE(unverified.err.find("KIMFLOW_CA_FILE"), std::string::npos) << unverified.err;
    Env ca("KIMFLOW_CA_FILE", cert);
    const Result verified = remote(token_of(kSitzungsdienst), show, https);
    EXPECT_EQ(verified.exit, 0) << describe(verified);
    EXPECT_EQ(verified.out, ok(kSitzungsdienst + show).out);
}

/// Between kimctl and kimflowd: passes each request on, but loses the service's first answer
/// (the connection closes as if the network failed after the request arrived).
class LossyProxy {
public:
    explicit LossyProxy(int target) : target_(target)
    {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size);
        ::listen(listener_, 4);
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~LossyProxy()
    {
        thread_.join();
        ::close(listener_);
    }
    int port() const { return port_; }
    /// The Idempotency-Key of each request that came, and whether the service replayed its answer.
    std::vector<std::string> keys;
    std::vector<bool> replayed;

private:
    void serve()
    {
        for (int n = 0; n < 2; ++n) {
            pollfd waiting{listener_, POLLIN, 0};
            if (::poll(&waiting, 1, 20000) != 1) return;
            const int c = ::accept(listener_, nullptr, nullptr);
            std::string request;
            char buffer[4096];
            std::size_t end = std::string::npos, length = 0;
            while (end == std::string::npos || request.size() < end + 4 + length) {
                const ssize_t got = ::recv(c, buffer, sizeof buffer, 0);
                if (got <= 0) break;
                request.append(buffer, static_cast<std::size_t>(got));
                if (end == std::string::npos && (end = request.find("\r\n\r\n")) != std::string::npos) {
                    std::smatch m;
                    const std::string head = request.substr(0, end);
                    if (std::regex_search(head, m, std::regex("Content-Length: (\\d+)", std::regex::icase)))
                        length = std::stoul(m[1]);
                }
            }
            const std::string head = request.substr(0, end), body = request.substr(end + 4);
            httplib::Headers headers;
            std::smatch m;
            for (const char* name : {"Authorization", "Idempotency-Key", "If-Match"})
                if (std::regex_search(head, m, std::regex(std::string("\r\n") + name + ": ([^\r]*)", std::regex::icase)))
                    headers.emplace(name, m[1]);
            keys.push_back(headers.count("Idempotency-Key") ? headers.find("Idempotency-Key")->second : "");
            const std::string target = head.substr(head.find(' ') + 1, head.find(" HTTP/") - head.find(' ') - 1);
            httplib::Client service("127.0.0.1", target_);
            const auto answer = service.Post(target, headers, body, "application/json");
            replayed.push_back(answer && answer->get_header_value("Idempotent-Replayed") == "true");
            if (n == 1 && answer) {
                const std::string out = "HTTP/1.1 " + std::to_string(answer->status) +
                                        " X\r\nContent-Type: application/json\r\nContent-Length: " +
                                        std::to_string(answer->body.size()) + "\r\nConnection: close\r\n\r\n" + answer->body;
                ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
            }
            ::close(c);
        }
    }

    int target_;
    int listener_ = -1;
    int port_ = 0;
    std::thread thread_;
};

TEST_F(KimctlServer, AFireWhoseAnswerIsLostIsSentOnceMoreAndFiresOnce)
{
    std::optional<Result> fired;
    {
        LossyProxy proxy(server->port());
        fired = remote(token_of(kFraktion), {"fire", "paper", "14/2000", "withdraw", "reason=zurückgezogen"},
                       "http://127.0.0.1:" + std::to_string(proxy.port()));
        ASSERT_EQ(proxy.keys.size(), 2u);
        EXPECT_FALSE(proxy.keys[0].empty());
        EXPECT_EQ(proxy.keys[1], proxy.keys[0]) << "the same key, so the service knows it";
        EXPECT_EQ(proxy.replayed, (std::vector<bool>{false, true}));
    }
    const Result shown = remote(token_of(kSitzungsdienst), {"show", "paper", "14/2000", "--json"});
    EXPECT_EQ(fired->exit, 0) << describe(*fired);
    EXPECT_EQ(fired->out, "14/2000: Eingereicht --Zurückziehen--> Zurückgezogen  (Version 2)\n");
    EXPECT_EQ(json::parse(shown.out)["version"], 2) << "fired once";
}

}  // namespace
