// kimctl's promises that no other test checked: a tick refuses a time ahead; `audit sign` signs
// only a file that verifies; `verify` needs the audit permission; erasure keeps free text only as
// a note, purge erases what a note left, papers keep everything, and old free-text reasons still
// verify; `export oparl --force`; and `sync oparl` against the library tests' RIS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kimflow/audit/signing.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "audit_signing_fixture.hpp"  // the attacker's tools: rechain_all
#include "kimctl_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kimctl_test;
namespace kf = kimflow;

const Args kDatenschutzRe{"--as", "dsb-re", "--role", "datenschutz", "--org", "Kreis Recklinghausen"};

/// Case @p id of Caritas opened on @p day, with a consent whose purpose is personal data.
Args open_case(const std::string& id, const std::string& day)
{
    return kCaritas + Args{"--at", day, "case", "open", id, "--kommune", "Herten", "--traeger", "Caritas", "--kreis",
                           "Kreis Recklinghausen"};
}
Args grant_consent(const std::string& id, const std::string& day)
{
    return kCaritas + Args{"--at", day, "fire", "case", id, "grant_consent", "recipients=Jobcenter", "purpose=Kita-Platz"};
}

// --- tick: a time ahead would fire deadlines early ---

TEST_F(Kimctl, TickRefusesAnAtInTheFutureWithExit2AndFiresNothing)
{
    // An Anfrage submitted in January 2025 and never answered: any tick from February on fires.
    ok(kFraktion + Args{"--at", "2025-01-06", "paper", "create", "14/1923", "--type", "Anfrage", "--title", "Anfrage",
                        "--originator", "Fraktion Die Linke"});
    ok(kFraktion + Args{"--at", "2025-01-06", "fire", "paper", "14/1923", "submit"});
    // Two days ahead of now, whatever today is, written as kimctl writes it back.
    const auto ahead = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now() +
                                                                          std::chrono::hours(48));
    const std::string at = kf::format_timestamp(kf::Timestamp(ahead));
    const Result refused = run({"--at", at, "tick"});
    EXPECT_EQ(refused.exit, 2) << describe(refused);
    EXPECT_EQ(refused.err,
              "kimctl: --at " + at + " is in the future: a tick fires what is due by then; give a time up to now\n");
    EXPECT_EQ(refused.out, "");
    const json paper = show("paper", "14/1923");
    EXPECT_EQ(paper["version"], 1) << paper["history"].dump(2);
    EXPECT_FALSE(paper["data"].contains("answer_overdue_at") && !paper["data"]["answer_overdue_at"].is_null());
    // The same deadline at a time past fires: the refusal was about the time alone.
    const json fired = json::parse(ok({"--at", "2025-03-01", "tick", "--json"}).out)["fired"];
    ASSERT_EQ(fired.size(), 1u) << fired.dump(2);
    EXPECT_EQ(fired[0]["event"], "answer_overdue");
}

// --- audit sign: the key's holder vouches only for a file that verifies ---

TEST_F(Kimctl, AuditSignRefusesATamperedFileAndAddsNoCheckpoint)
{
    ok(open_case("K-1", "2025-03-01"));
    ok(kAgora + Args{"--at", "2025-03-02", "case", "open", "K-2", "--kommune", "Marl", "--traeger", "AGORA"});
    TempDir keys("kimctl-sign");
    const auto key = kf::audit::SigningKey::generate();
    key.save(keys / "signing.key");
    std::ofstream(keys / "public.keys") << key.public_key().line() << '\n';
    const Args sign = kAdministrator + Args{"--signing-key", keys / "signing.key", "audit", "sign"};
    const auto checkpoints = [&] {
        return SQLite::Database(db.path()).execAndGet("SELECT count(*) FROM checkpoint").getInt64();
    };
    const auto sql = [&](const std::string& statement, bool rechain) {
        SQLite::Database file(db.path(), SQLite::OPEN_READWRITE);
        file.exec(statement);
        if (rechain) audit_signing_test::rechain_all(file);
    };
    ASSERT_EQ(checkpoints(), 0);
    const std::string owner = SQLite::Database(db.path()).execAndGet("SELECT owner FROM instance WHERE id = 'K-2'").getString();

    // AGORA's case moved into Caritas's lists, every chain rehashed: the row its entry chained differs.
    sql("UPDATE instance SET owner = 'caritas' WHERE id = 'K-2'", true);
    const Result moved = run(sign);
    EXPECT_EQ(moved.exit, 6) << describe(moved);
    expect_short_error(moved);
    EXPECT_NE(moved.err.find("its heads are not signed"), std::string::npos) << moved.err;
    EXPECT_EQ(checkpoints(), 0);
    sql("UPDATE instance SET owner = '" + owner + "' WHERE id = 'K-2'", true);

    // Who opened K-1 rewritten, the chain left as it was: it breaks there.
    const std::string k1 = "(SELECT key FROM instance WHERE id = 'K-1')";
    sql("UPDATE transition SET actor = 'someone-else' WHERE version = 1 AND instance = " + k1, false);
    const Result rewritten = run(sign);
    EXPECT_EQ(rewritten.exit, 6) << describe(rewritten);
    EXPECT_NE(rewritten.err.find("transition"), std::string::npos) << rewritten.err;
    EXPECT_EQ(checkpoints(), 0);
    sql("UPDATE transition SET actor = 'mkoch' WHERE version = 1 AND instance = " + k1, false);

    // Put back as it was, the file verifies and is signed, once.
    const Result signed_now = run(sign);
    EXPECT_EQ(signed_now.exit, 0) << describe(signed_now);
    EXPECT_EQ(checkpoints(), 1);
    const Result checked = ok(kAdministrator + Args{"verify", "--public-key", keys / "public.keys"});
    EXPECT_NE(checked.out.find("every one valid"), std::string::npos) << checked.out;
}

// --- verify: database-wide figures are the audit's ---

TEST_F(Kimctl, VerifyWithoutTheAuditPermissionExits7ShowsNothingAndIsLogged)
{
    tell_14_1923();
    ok(open_case("K-1", "2025-03-01"));
    // A Träger, the Sitzungsdienst, and a Kreis's Datenschutz (audit only over its Kreis's cases).
    for (const Args& who : {kCaritas, kSitzungsdienst, kDatenschutzRe}) {
        for (const Args& how : {Args{"verify"}, Args{"verify", "--json"}}) {
            const Result refused = run(who + how);
            EXPECT_EQ(refused.exit, 7) << describe(refused);
            expect_short_error(refused);
            EXPECT_EQ(refused.out, "") << "no figure about the database";
        }
    }
    const json logged = json::parse(ok(kAdministrator + Args{"denials", "--json"}).out);
    ASSERT_EQ(logged.size(), 6u) << logged.dump(2);
    for (const auto& d : logged) EXPECT_EQ(d["action"], "audit") << d;
    EXPECT_EQ(logged[4]["actor"]["id"], "dsb-re");
    EXPECT_NE(ok(kAdministrator + Args{"verify"}).out.find("no problems found"), std::string::npos);
}

// --- Erasure: free text only as a note; purge and notes; papers; old free-text reasons ---

/// The library's engines on the test's database, on a clock of their own.
struct OnTheFile {
    explicit OnTheFile(const std::string& path, const char* now, kf::EngineOptions options = {})
        : store(std::make_shared<kf::SqliteStore>(path)),
          clock(std::make_shared<kf::ManualClock>(kf::parse_timestamp(now))),
          cases(kf::kim::CaseConfig{}, clock, store, options),
          papers(kf::paper::PaperConfig{}, clock, store, options)
    {
    }
    std::shared_ptr<kf::SqliteStore> store;
    std::shared_ptr<kf::ManualClock> clock;
    kf::kim::CaseEngine cases;
    kf::paper::PaperEngine papers;
};
const kf::Actor kCaritasActor{"mkoch", "case_manager", "caritas"};

TEST_F(Kimctl, FreeTextGivenToTheLibrarysEraseIsANoteOnRequestArt17AndGoesAtTheNextErasure)
{
    for (const char* id : {"K-1", "K-2"}) {
        ok(open_case(id, "2025-03-01"));
        ok(grant_consent(id, "2025-03-02"));
    }
    // kimctl takes only codes: the old free text is refused, nothing erased.
    const Result old_style = run(kCaritas + Args{"case", "erase", "K-1", "--reason", "DSGVO Art. 17"});
    EXPECT_EQ(old_style.exit, 2) << describe(old_style);
    EXPECT_EQ(show("case", "K-1", kCaritas)["version"], 2);
    {
        OnTheFile lib(db.path(), "2025-04-01T10:00:00Z");
        lib.cases.erase("K-1", kCaritasActor, "Frau Yilmaz rief am 31. März an");  // free text, as before the codes
        lib.cases.erase("K-2", kCaritasActor, "consent_withdrawn\nBrief von Frau Yilmaz");  // a code, then the note
    }
    EXPECT_EQ(show("case", "K-1", kCaritas)["history"].back()["payload"],
              "reason=request_art17, note=Frau Yilmaz rief am 31. März an");
    EXPECT_EQ(show("case", "K-2", kCaritas)["history"].back()["payload"],
              "reason=consent_withdrawn, note=Brief von Frau Yilmaz");
    // Recorded since and erased again: the notes go with the rest; the codes stay.
    for (const char* id : {"K-1", "K-2"}) {
        ok(kCaritas + Args{"--at", "2025-04-02", "fire", "case", id, "accept"});
        ok(kCaritas + Args{"--at", "2025-04-03", "case", "erase", id, "--reason", "duplicate"});
    }
    EXPECT_EQ(show("case", "K-1", kCaritas)["history"][2]["payload"], "reason=request_art17, note=");
    EXPECT_EQ(show("case", "K-2", kCaritas)["history"][2]["payload"], "reason=consent_withdrawn, note=");
    ok(kAdministrator + Args{"verify"});
    EXPECT_EQ((read_text(db.path()) + read_text(db.path() + "-wal")).find("Yilmaz"), std::string::npos);
}

TEST_F(Kimctl, PurgeEmptiesTheNoteOfACaseErasedAfterItEndedAndLeavesOneWithoutANote)
{
    for (const char* id : {"K-NOTE", "K-QUIET"}) {
        ok(open_case(id, "2020-02-03"));
        ok(grant_consent(id, "2020-02-04"));
        ok(kCaritas + Args{"--at", "2020-02-05", "fire", "case", id, "decline"});  // closed in 2020
    }
    ok(kCaritas + Args{"--at", "2021-03-01", "case", "erase", "K-NOTE", "--reason", "consent_withdrawn", "--note",
                       "Anruf von Frau Yilmaz"});
    ok(kCaritas + Args{"--at", "2021-03-01", "case", "erase", "K-QUIET", "--reason", "consent_withdrawn"});
    const json quiet = show("case", "K-QUIET", kCaritas);

    const auto purge = [&](const char* at) {
        return json::parse(ok(kAdministrator + Args{"purge", "--at", at, "--json"}).out)["erased"]["case"];
    };
    EXPECT_EQ(purge("2025-12-31"), json::array()) << "within the retention period the note stays";
    EXPECT_EQ(show("case", "K-NOTE", kCaritas)["history"].back()["payload"],
              "reason=consent_withdrawn, note=Anruf von Frau Yilmaz");
    EXPECT_EQ(purge("2026-01-01"), json::array({"K-NOTE"})) << "the other has nothing left to erase";
    const json note = show("case", "K-NOTE", kCaritas);
    ASSERT_GE(note["history"].size(), 2u);
    EXPECT_EQ(note["history"][note["history"].size() - 2]["payload"], "reason=consent_withdrawn, note=");
    EXPECT_EQ(note["history"].back()["payload"], "reason=retention_expired");
    EXPECT_EQ(show("case", "K-QUIET", kCaritas), quiet);
    EXPECT_EQ(purge("2026-06-01"), json::array());
    ok(kAdministrator + Args{"verify"});
    EXPECT_EQ((read_text(db.path()) + read_text(db.path() + "-wal")).find("Yilmaz"), std::string::npos);
}

TEST_F(Kimctl, PurgeKeepsEveryPaperWholeEvenWithARetentionGiven)
{
    tell_14_1923();  // acknowledged in 2025
    ok(kFraktion + Args{"--at", "2019-05-01", "paper", "create", "14/0001", "--type", "Antrag", "--title",
                        "Ein alter Antrag", "--originator", "Fraktion Die Linke"});
    ok(kFraktion + Args{"--at", "2019-05-02", "fire", "paper", "14/0001", "withdraw", "reason=erledigt"});
    const json before[] = {show("paper", "14/1923"), show("paper", "14/0001")};
    const json purged = json::parse(ok(kAdministrator + Args{"purge", "--at", "2099-01-01", "--json"}).out);
    EXPECT_EQ(purged["erased"]["paper"], json::array());
    {
        // A host that gives every engine a retention: papers have no personal data all the same.
        kf::EngineOptions options;
        options.retention = kf::Retention{0};
        OnTheFile lib(db.path(), "2099-01-01T00:00:00Z", options);
        EXPECT_EQ(lib.papers.purge(kf::parse_timestamp("2099-01-01T00:00:00Z"), kf::Actor{"it", "administrator", ""}),
                  std::vector<std::string>{});
    }
    EXPECT_EQ(show("paper", "14/1923"), before[0]);
    EXPECT_EQ(show("paper", "14/0001"), before[1]);
}

/// Erases case @p id's personal data as kimflow did before reason codes (EngineCore's
/// erase_stored before commit b9d1ab9), through the public model and store: the personal fields
/// emptied, and one entry `reason=TEXT` with the text as given, not marked personal.
void erase_before_reason_codes(kf::SqliteStore& store, const std::string& id, const kf::Actor& actor,
                               kf::Timestamp at, const std::string& text)
{
    const kf::LifecycleModel& model = kf::model_of<kf::kim::CaseLifecycle>();
    std::vector<kf::ErasedEntry> entries;
    for (const auto& t : store.history("case", id)) {
        if (t.erased_at || t.event == kf::erasure_event) continue;
        if (const kf::EventType* type = model.event(t.event))
            if (auto payload = type->erase_stored(t.payload, "case " + id))
                entries.push_back({t.version, std::move(payload->bytes), std::move(payload->summary)});
    }
    kf::StoredInstance after = store.load("case", id).value();
    auto machine = model.restore(after.data, after.states, "case " + id);
    model.erase_personal(machine->data());
    after.version += 1;
    after.data = model.encode_data(machine->data());
    after.erased_at = at;
    const std::string state(machine->state());
    store.erase(after, entries, kf::StoredTransition{after.version, std::string(kf::erasure_event), state, state, actor,
                                                     at, {}, "reason=" + text});
}

TEST_F(Kimctl, EntriesWithAFreeTextReasonFromBeforeTheCodesStayAsTheyAreAndVerify)
{
    // The second text looks like a note of today's form: it must not be taken for one.
    const std::map<std::string, std::string> old{{"K-1", "DSGVO Art. 17"}, {"K-2", "Anruf, note=Frau Yilmaz"}};
    for (const auto& [id, text] : old) {
        ok(open_case(id, "2025-03-01"));
        ok(grant_consent(id, "2025-03-02"));
        kf::SqliteStore store(db.path());
        erase_before_reason_codes(store, id, kCaritasActor, kf::parse_timestamp("2025-03-03T00:00:00Z"), text);
    }
    const Result sound = ok(kAdministrator + Args{"verify"});
    EXPECT_NE(sound.out.find("no problems found"), std::string::npos) << sound.out;
    for (const auto& [id, text] : old) {
        EXPECT_EQ(show("case", id, kCaritas)["history"].back()["payload"], "reason=" + text);
        EXPECT_FALSE(show("case", id, kCaritas)["data"]["consent"].contains("purpose"));
        // Erased again today, after a change: the old entry stays word for word.
        ok(kCaritas + Args{"--at", "2025-03-04", "fire", "case", id, "accept"});
        ok(kCaritas + Args{"--at", "2025-03-05", "case", "erase", id, "--reason", "duplicate", "--note", "doppelt"});
        const json history = show("case", id, kCaritas)["history"];
        EXPECT_EQ(history[2]["payload"], "reason=" + text) << history.dump(2);
        EXPECT_EQ(history.back()["payload"], "reason=duplicate, note=doppelt");
    }
    EXPECT_NE(ok(kAdministrator + Args{"verify"}).out.find("no problems found"), std::string::npos);
}

// --- export oparl --force: replaces the export's own names, never writes through a symlink ---

/// Each entry of @p dir: a file's content, or where a symlink points.
std::map<std::string, std::string> folder(const std::string& dir)
{
    std::map<std::string, std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        out[e.path().filename()] = e.is_symlink() ? "-> " + std::filesystem::read_symlink(e.path()).string()
                                                  : read_text(e.path());
    return out;
}

TEST_F(Kimctl, ExportWithForceReplacesItsFilesButNotASymlinksTarget)
{
    tell_14_1923();
    TempDir out("kimctl-force"), elsewhere("kimctl-force-victim");
    const json first = json::parse(ok(kSitzungsdienst + Args{"export", "oparl", "-o", out.path(), "--json"}).out);
    const auto exported = folder(out.path());
    ASSERT_EQ(exported.size(), first["written"].size());
    ASSERT_EQ(exported.count("paper-14_1923.json"), 1u);
    const std::string organization = std::filesystem::path(first["written"].back().get<std::string>()).filename();
    ASSERT_EQ(organization.rfind("organization-", 0), 0u) << first.dump(2);
    // A paper file edited by hand, an organization's name taken by a symlink, a file of someone's own.
    const std::string victim = elsewhere / "victim.txt";
    std::ofstream(victim) << "unverändert";
    std::ofstream(out / "paper-14_1923.json") << "von Hand";
    std::filesystem::remove(out / organization);
    std::filesystem::create_symlink(victim, out / organization);
    std::ofstream(out / "notizen.txt") << "eigene Notizen";
    const auto prepared = folder(out.path());

    const Result refused = run(kSitzungsdienst + Args{"export", "oparl", "-o", out.path()});
    EXPECT_EQ(refused.exit, 1) << describe(refused);
    expect_short_error(refused);
    EXPECT_NE(refused.err.find("nothing was written"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
    EXPECT_EQ(folder(out.path()), prepared);

    const Result forced = run(kSitzungsdienst + Args{"export", "oparl", "-o", out.path(), "--force", "--json"});
    EXPECT_EQ(forced.exit, 0) << describe(forced);
    EXPECT_EQ(json::parse(forced.out)["written"], first["written"]);
    auto expected = exported;
    expected["notizen.txt"] = "eigene Notizen";
    EXPECT_EQ(folder(out.path()), expected) << "the export's files as exported, the symlink replaced, nothing else";
    EXPECT_FALSE(std::filesystem::is_symlink(out / organization));
    EXPECT_EQ(read_text(victim), "unverändert");
}

// --- sync oparl from the command line, against the library tests' RIS ---

/// tests/oparl/serve_body.py without faults, run with python3 from PATH, killed at the end.
class TestRis {
public:
    TestRis()
    {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        std::vector<std::string> args{"python3", std::string(KIMFLOW_TESTS_DIR) + "/oparl/serve_body.py", "--no-faults"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int spawned = posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);
        std::string line;
        pollfd p{fds[0], POLLIN, 0};
        char c = 0;
        while (spawned == 0 && line.find('\n') == std::string::npos && poll(&p, 1, 20000) > 0 && read(fds[0], &c, 1) == 1)
            line += c;
        close(fds[0]);
        port_ = std::atoi(line.c_str());
        if (spawned != 0) pid_ = 0;
        if (port_ <= 0) throw std::runtime_error("python3 serve_body.py told no port (python3 is part of the set-up)");
    }
    ~TestRis()
    {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    TestRis(const TestRis&) = delete;
    TestRis& operator=(const TestRis&) = delete;

    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    void control(const json& command) const { ASSERT_EQ(call("POST", "/_control", command.dump()), json({{"ok", true}})); }
    /// The requests the RIS saw, as path and query.
    std::vector<std::string> log() const { return call("GET", "/_log", "").get<std::vector<std::string>>(); }

private:
    /// One HTTP request to the RIS's test endpoints over a plain socket (kimctl_tests has no HTTP client).
    json call(const std::string& method, const std::string& path, const std::string& body) const
    {
        const int s = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval limit{10, 0};
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port_));
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        std::string answer;
        if (::connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0 &&
            ::send(s, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
            char buffer[4096];
            for (ssize_t n; (n = ::recv(s, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(s);
        const auto at = answer.find("\r\n\r\n");
        return json::parse(at == std::string::npos ? std::string("null") : answer.substr(at + 4));
    }

    pid_t pid_ = 0;
    int port_ = 0;
};

class KimctlSync : public Kimctl {
protected:
    void SetUp() override
    {
        Kimctl::SetUp();
        ::setenv("no_proxy", "127.0.0.1,localhost", 1);  // requests to 127.0.0.1 pass no proxy
        ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    }
    Result sync(const Args& more = {}) const
    {
        return run(importer(dir) + Args{"sync", "oparl", ris.url("/oparl/system"), "--interval", "0"} + more);
    }
    TempDir dir{"kimctl-sync"};
    TestRis ris;
};

TEST_F(KimctlSync, SyncOparlImportsTheRisAndReportsItsRequests)
{
    const Result first = sync();
    EXPECT_EQ(first.exit, 0) << describe(first);
    EXPECT_NE(first.out.find("7 Drucksachen neu, 0 fortgeschrieben, 0 unverändert, 1 übersprungen, 0 in Quarantäne"),
              std::string::npos) << first.out;
    const std::string requests = std::to_string(ris.log().size());
    EXPECT_NE(first.out.find("Abgleich: 1 Körperschaft, " + requests +
                             " HTTP-Abrufe (davon 0 Wiederholungen), 10 Listenseiten, inkrementell: nein"),
              std::string::npos) << first.out;
    EXPECT_EQ(show("paper", "0002/2024")["state"], "decided");
    EXPECT_EQ(show("paper", "0006/2024")["state"], "rejected");
    const json again = json::parse(sync({"--json"}).out);
    EXPECT_EQ(again["sync"]["incremental"], true) << again.dump(2);
    EXPECT_EQ(again["sync"]["bodies"], json::array({ris.url("/oparl/body/1")}));
    EXPECT_EQ(again["import"]["created"], json::array());
}

TEST_F(KimctlSync, SyncOparlExits8ForAQuarantinedPaperAnd1WhenTheRisFails)
{
    // 0001/2024, withdrawn here, was treated there: the RIS's story contradicts the stored one.
    ok(importer(dir) + Args{"--at", "2024-01-11", "paper", "create", "0001/2024", "--type", "Mitteilungsvorlage",
                            "--title", "Luftqualität"});
    ok(importer(dir) + Args{"--at", "2024-01-11", "fire", "paper", "0001/2024", "withdraw", "reason=zurückgezogen"});
    const Result partial = sync({"--json"});
    EXPECT_EQ(partial.exit, 8) << describe(partial);
    const json report = json::parse(partial.out);
    ASSERT_EQ(report["import"]["quarantined"].size(), 1u) << report.dump(2);
    EXPECT_EQ(report["import"]["quarantined"][0]["reference"], "0001/2024");
    EXPECT_EQ(report["import"]["created"].size(), 6u);
    EXPECT_EQ(show("paper", "0001/2024")["state"], "withdrawn");

    // The next run's paper list fails for good: exit 1, the URL named, nothing changed.
    const json before = json::parse(ok(kSitzungsdienst + Args{"list", "paper", "--json"}).out);
    ris.control({{"action", "fail"}, {"list", "papers"}, {"page", 1}, {"status", 503}});
    const Result failed = sync({"--retries", "0"});
    EXPECT_EQ(failed.exit, 1) << describe(failed);
    expect_short_error(failed);
    EXPECT_EQ(failed.err.rfind("kimctl: " + ris.url("/oparl/body/1/papers"), 0), 0u) << failed.err;
    EXPECT_NE(failed.err.find("HTTP 503; gave up after 1 try (run again later"), std::string::npos) << failed.err;
    EXPECT_EQ(json::parse(ok(kSitzungsdienst + Args{"list", "paper", "--json"}).out), before);
    ris.control({{"action", "heal"}});
    EXPECT_EQ(sync().exit, 0);
}

}  // namespace
