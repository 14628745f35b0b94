// kimctl's exit codes, one test per row of the README's table ("Exit codes, for scripts"), each
// run on the real binary: the exact code, and a message that says what to do. Code 6 (storage)
// has a test for each way a file cannot be used that a script meets: busy, read-only, full,
// damaged, newer; a refused file is left byte for byte as it was, with no file made beside it.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
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

/// kimctl ARGS, killed by SIGALRM if it still runs after @p seconds (an alarm survives exec):
/// a kimctl that waits for ever makes the test fail, not hang.
Result kimctl_within(unsigned seconds, const Args& args)
{
    TempDir dir("kimctl-bounded");
    const std::string out = dir / "out", err = dir / "err";
    std::vector<std::string> all{KIMCTL_PATH};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t child = ::fork();
    if (child == 0) {
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (o < 0 || e < 0 || ::dup2(o, STDOUT_FILENO) < 0 || ::dup2(e, STDERR_FILENO) < 0) ::_exit(127);
        ::signal(SIGALRM, SIG_DFL);
        ::alarm(seconds);
        ::execve(KIMCTL_PATH, argv.data(), environ);
        ::_exit(127);
    }
    Result r;
    int status = 0;
    if (child > 0 && ::waitpid(child, &status, 0) == child)
        r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

/// A database file as it lies on disk: its bytes and the SQLite files beside it.
struct OnDisk {
    std::string bytes;
    std::vector<std::string> beside;
    explicit OnDisk(const std::string& path) : bytes(read_text(path))
    {
        for (const char* suffix : {"-wal", "-shm", "-journal"})
            if (fs::exists(path + suffix)) beside.push_back(suffix);
    }
    bool operator==(const OnDisk& o) const { return bytes == o.bytes && beside == o.beside; }
};

/// @p text as one word of sh: in single quotes.
std::string quoted(const std::string& text)
{
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

const Args kCreateA2{"paper", "create", "A-2", "--type", "Antrag", "--title", "Ein zweiter Antrag",
                     "--originator", "SPD"};

class KimctlExitCodes : public Kimctl {
protected:
    void SetUp() override
    {
        Kimctl::SetUp();
        ok(kSpd + Args{"paper", "create", "A-1", "--type", "Antrag", "--title", "Ein Antrag", "--originator", "SPD"});
    }
    /// The file is whole: no -wal beside it (the last kimctl checkpointed and removed it).
    void expect_complete() const
    {
        ASSERT_FALSE(fs::exists(db.path() + "-wal")) << "the file alone is not the database";
    }
};

TEST_F(KimctlExitCodes, Code0WhenDone)
{
    const Result r = ok(kSpd + Args{"fire", "paper", "A-1", "submit"});
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "A-1: Entwurf --Einreichen--> Eingereicht  (Version 1)\n") << describe(r);
    EXPECT_EQ(show("paper", "A-1")["state"], "submitted");
}

TEST_F(KimctlExitCodes, Code1WhenAnOutputFileCannotBeWritten)
{
    TempDir dir("kimctl-out");
    const Result r = run(kSpd + Args{"diagram", "paper", "-o", dir / "kein-ordner/paper.dot"});
    EXPECT_EQ(r.exit, 1) << describe(r);
    expect_short_error(r);
    EXPECT_NE(r.err.find("kein-ordner/paper.dot"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("check the folder exists and is writable"), std::string::npos) << r.err;
}

TEST_F(KimctlExitCodes, Code1WhenGraphvizIsMissing)
{
    TempDir empty("kimctl-no-path");
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", empty.path().c_str(), 1);  // no `dot` to be found
    const Result r = run(kSpd + Args{"diagram", "paper", "--format", "svg"});
    ::setenv("PATH", path.c_str(), 1);
    EXPECT_EQ(r.exit, 1) << describe(r);
    expect_short_error(r);
    EXPECT_NE(r.err.find("install graphviz, or use --format dot or mermaid"), std::string::npos) << r.err;
}

TEST_F(KimctlExitCodes, Code2ForABadCommandLineAndNothingChanges)
{
    // Each mistake, and what the message says about it.
    for (const auto& [args, says] : std::vector<std::pair<Args, std::string>>{
             {{"fire", "paper", "A-1", "submit", "--frobnicate"}, "kimctl --help lists the commands"},
             {{"fire", "paper", "A-1", "withdraw", "reason=x", "farbe=rot"},
              "'farbe': not a field of this event; its fields are: reason"}}) {
        const Result r = run(kSpd + args);
        EXPECT_EQ(r.exit, 2) << describe(r);
        expect_short_error(r);
        EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    }
    EXPECT_EQ(show("paper", "A-1")["version"], 0);
}

TEST_F(KimctlExitCodes, Code3WhenTheEventIsNotAllowedNowAndNothingChanges)
{
    const Result r = run(kSitzungsdienst + Args{"fire", "paper", "A-1", "acknowledge"});
    EXPECT_EQ(r.exit, 3) << describe(r);
    expect_short_error(r);
    EXPECT_NE(r.err.find("possible now: submit"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("(nothing changed)"), std::string::npos) << r.err;
    EXPECT_EQ(show("paper", "A-1")["version"], 0);
}

TEST_F(KimctlExitCodes, Code4ForNoSuchPaper)
{
    const Result r = run(kSitzungsdienst + Args{"show", "paper", "99/9999"});
    EXPECT_EQ(r.exit, 4) << describe(r);
    expect_short_error(r);
    EXPECT_NE(r.err.find("99/9999"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("check the id"), std::string::npos) << r.err;
}

TEST_F(KimctlExitCodes, Code5ForAnExpectedVersionThatIsNoLongerSoAndNothingChanges)
{
    ok(kSpd + Args{"fire", "paper", "A-1", "submit", "--expect-version", "0"});
    const Result r = run(kSpd + Args{"fire", "paper", "A-1", "withdraw", "reason=erledigt", "--expect-version", "0"});
    EXPECT_EQ(r.exit, 5) << describe(r);
    expect_short_error(r);
    EXPECT_NE(r.err.find("show it again and decide"), std::string::npos) << r.err;
    EXPECT_EQ(show("paper", "A-1")["state"], "submitted");
}

TEST_F(KimctlExitCodes, Code6WhenAnotherConnectionHoldsTheWriteLock)
{
    SQLite::Database holder(db.path(), SQLite::OPEN_READWRITE);
    holder.exec("BEGIN IMMEDIATE");  // another program is writing, and takes its time
    const Result busy = kimctl_within(60, Args{"--db", db.path()} + kSpd + Args{"fire", "paper", "A-1", "submit"});
    holder.exec("ROLLBACK");
    EXPECT_EQ(busy.exit, 6) << describe(busy);
    expect_short_error(busy);
    EXPECT_NE(busy.err.find("busy"), std::string::npos) << busy.err;
    EXPECT_NE(busy.err.find("try again later"), std::string::npos) << busy.err;
    EXPECT_EQ(show("paper", "A-1")["version"], 0);
    ok(kSpd + Args{"fire", "paper", "A-1", "submit"});  // and trying again, once it is free, works
}

// kimctl takes a file without write permission for an archive, also for root (who could write
// it anyway): so this holds for every user, and needs no skip under root.
TEST_F(KimctlExitCodes, Code6ForAWriteToAReadOnlyFileWhichStaysAsItWas)
{
    expect_complete();
    TempDir folder("kimctl-archive");  // a folder that may be written: only the file is read-only
    const std::string copy = folder / "archiv.db";
    fs::copy_file(db.path(), copy);
    ASSERT_EQ(::chmod(copy.c_str(), 0444), 0);
    const OnDisk before(copy);
    for (const Args& write : {kCreateA2, Args{"fire", "paper", "A-1", "submit"}}) {
        const Result r = kimctl(Args{"--db", copy} + kSpd + write);
        EXPECT_EQ(r.exit, 6) << describe(r);
        expect_short_error(r);
        EXPECT_NE(r.err.find("read-only; check permissions"), std::string::npos) << r.err;
    }
    EXPECT_TRUE(OnDisk(copy) == before) << "the archived file changed, or a file was made beside it";
    EXPECT_EQ(kimctl(kSitzungsdienst + Args{"--db", copy, "show", "paper", "A-1"}).exit, 0) << "reads still work";
}

// A disk that is really full: a small tmpfs, in a mount namespace of the test's own (root, or a
// user namespace), filled but for the 32 KiB SQLite's -shm takes, so that the write-ahead log
// cannot grow. SqliteOptions::max_page_count, which the library's tests use, is no kimctl option.
TEST_F(KimctlExitCodes, Code6WhenTheDiskIsFullAndNothingOfTheChangeIsWritten)
{
    expect_complete();
    const char* unshare = ::geteuid() == 0 ? "unshare -m" : "unshare -r -m";
    if (std::system((std::string(unshare) + " true > /dev/null 2>&1").c_str()) != 0)
        KIMFLOW_SKIP_WITHOUT("a mount namespace (unshare -m needs root or user namespaces)");
    TempDir mount("kimctl-full");
    TempDir out("kimctl-full-out");
    const std::string file = mount / "kreis.db";
    std::string command = "timeout -s KILL 60 " + quoted(KIMCTL_PATH) + " --db " + quoted(file);
    for (const auto& a : kSpd + kCreateA2) command += " " + quoted(a);
    const std::string script =
        "mount -t tmpfs -o size=512k tmpfs " + quoted(mount.path()) + " && cp " + quoted(db.path()) + " " +
        quoted(file) + " && { dd if=/dev/zero of=" + quoted(mount / "filler") + " bs=4096 2>/dev/null; true; }" +
        " && truncate -s -32K " + quoted(mount / "filler") + " && echo full > " + quoted(out / "mounted") + " && " +
        command + " > " + quoted(out / "out") + " 2> " + quoted(out / "err") + "; echo $? > " + quoted(out / "code") +
        "; cp " + quoted(file) + " " + quoted(out / "after.db") + "; ls -A " + quoted(mount.path()) + " > " +
        quoted(out / "names");
    const int status = std::system((std::string(unshare) + " sh -c " + quoted(script) + " > " + quoted(out / "sh") +
                                    " 2>&1")
                                       .c_str());
    if (!fs::exists(out / "mounted"))
        KIMFLOW_SKIP_WITHOUT("a tmpfs to fill (status " << status << "): " << read_text(out / "sh"));
    Result full;
    full.exit = std::atoi(read_text(out / "code").c_str());
    full.out = read_text(out / "out");
    full.err = read_text(out / "err");
    EXPECT_EQ(full.exit, 6) << describe(full);
    expect_short_error(full);
    EXPECT_NE(full.err.find("free disk space; nothing of this change was written"), std::string::npos) << full.err;
    EXPECT_TRUE(read_text(out / "after.db") == read_text(db.path())) << "the full disk's file changed";
    EXPECT_EQ(read_text(out / "names"), "filler\nkreis.db\n") << "no -wal or -shm left beside it";
}

TEST_F(KimctlExitCodes, Code6ForADamagedFileWhichStaysAsItWas)
{
    expect_complete();
    std::string bytes = read_text(db.path());
    ASSERT_GT(bytes.size(), 8u * 4096);
    std::fill(bytes.begin() + 4096, bytes.end(), static_cast<char>(0xA5));  // garbage over every page but the first
    std::ofstream(db.path(), std::ios::binary | std::ios::trunc) << bytes;
    const OnDisk before(db.path());
    for (const Args& args : {kSitzungsdienst + Args{"list", "paper"}, kSpd + Args{"fire", "paper", "A-1", "submit"},
                             kSpd + kCreateA2, Args{"init"}}) {
        const Result r = run(args);
        EXPECT_EQ(r.exit, 6) << describe(r);
        expect_short_error(r);
        EXPECT_NE(r.err.find("damaged"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("restore it from a backup"), std::string::npos) << r.err;
    }
    EXPECT_TRUE(OnDisk(db.path()) == before) << "the damaged file changed, or a file was made beside it";
}

TEST_F(KimctlExitCodes, Code6ForAFileOfANewerKimflowWhichStaysAsItWas)
{
    expect_complete();
    {
        SQLite::Database sql(db.path(), SQLite::OPEN_READWRITE);
        sql.exec("PRAGMA user_version = 99");
    }
    const OnDisk before(db.path());
    for (const Args& args : {kSitzungsdienst + Args{"show", "paper", "A-1"}, Args{"init"}}) {
        const Result r = run(args);
        EXPECT_EQ(r.exit, 6) << describe(r);
        expect_short_error(r);
        EXPECT_NE(r.err.find("newer kimflow"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("update kimflow"), std::string::npos) << r.err;
    }
    EXPECT_TRUE(OnDisk(db.path()) == before) << "the newer file changed, or a file was made beside it";
}

TEST_F(KimctlExitCodes, Code7WhenThePolicyRefusesAndTheRefusalIsLogged)
{
    const Args cdu{"--as", "schulz", "--role", "fraktion", "--org", "CDU"};
    const Result r = run(cdu + Args{"fire", "paper", "A-1", "submit"});
    EXPECT_EQ(r.exit, 7) << describe(r);
    expect_short_error(r);
    EXPECT_NE(r.err.find("not permitted"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nothing changed; the refusal is logged: kimctl denials"), std::string::npos) << r.err;
    EXPECT_EQ(show("paper", "A-1")["version"], 0);
    const json logged = json::parse(ok(kAdministrator + Args{"denials", "--id", "A-1", "--json"}).out);
    ASSERT_EQ(logged.size(), 1u) << logged.dump(2);
    EXPECT_EQ(logged[0]["actor"]["id"], "schulz");
}

TEST_F(KimctlExitCodes, Code8WhenAnImportTakesTheGoodAndQuarantinesTheRest)
{
    TempDir dir("kimctl-import");
    std::ofstream(dir / "gut.json") << R"({"id": "https://rat.example.org/paper/1",
        "type": "https://schema.oparl.org/1.1/Paper", "reference": "0456/2010", "name": "Gute Drucksache",
        "paperType": "Antrag", "date": "2010-05-04"})";
    std::ofstream(dir / "kaputt.json") << R"({"id": "https://rat.example.org/paper/2", "type": )";
    const Result r = run(importer(dir) + Args{"import", "oparl", dir / "gut.json", dir / "kaputt.json"});
    EXPECT_EQ(r.exit, 8) << describe(r);
    EXPECT_NE(r.out.find("1 Drucksachen neu"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 in Quarantäne"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("kaputt.json"), std::string::npos) << "names what was left out: " << r.out;
    EXPECT_NE(r.out.find("not valid JSON"), std::string::npos) << "and why: " << r.out;
    EXPECT_EQ(show("paper", "0456/2010")["data"]["title"], "Gute Drucksache");
}

}  // namespace
