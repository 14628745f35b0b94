// The shared part of kimctl's end-to-end tests (kimctl_test.cpp, kimctl_tools_test.cpp,
// kimctl_privacy_test.cpp): the real binary run against a temporary database, as a Verwaltung
// clerk or a script would run it, with its exit code, stdout and stderr captured. Every command
// that touches a paper or a case acts as someone (the actors below), under the default policy
// (default_policy()) unless a test gives its own.
#pragma once

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
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "csv_reader.hpp"
#include "temp_file.hpp"

extern char** environ;

namespace kimctl_test {

namespace fs = std::filesystem;
using nlohmann::json;
using Args = std::vector<std::string>;

/// @p a, then @p b.
inline Args operator+(Args a, const Args& b)
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
inline const NoPersonalConfiguration no_personal_configuration;

// Who acts, as the default policy knows them.
inline const Args kFraktion{"--as", "kretschmer", "--role", "fraktion", "--org", "Fraktion Die Linke"};
inline const Args kSpd{"--as", "mueller", "--role", "fraktion", "--org", "SPD"};
inline const Args kVerwaltung{"--as", "baumeister", "--role", "verwaltung", "--org", "Verwaltung"};
inline const Args kSitzungsdienst{"--as", "sitzungsdienst", "--role", "sitzungsdienst"};
inline const Args kCaritas{"--as", "mkoch", "--role", "case_manager", "--org", "caritas"};
inline const Args kAgora{"--as", "aweber", "--role", "case_manager", "--org", "AGORA"};
inline const Args kKreisRecklinghausen{"--as", "kreisler", "--role", "kreis_coordinator", "--org", "Kreis Recklinghausen"};
inline const Args kKreisUnna{"--as", "unnamann", "--role", "kreis_coordinator", "--org", "Kreis Unna"};
inline const Args kAdministrator{"--as", "admin", "--role", "administrator"};

struct Result {
    int exit = -1;
    std::string out;
    std::string err;
};

/// Each line of @p text with its blanks squeezed to one (a table's columns, however aligned).
inline std::vector<std::string> words_of_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string joined;
        for (std::string w; words >> w;) joined += (joined.empty() ? "" : " ") + w;
        lines.push_back(joined);
    }
    return lines;
}

/// Runs kimctl with @p args (no shell); stdout and stderr are captured through files, and
/// @p input, if given, is its stdin (a password piped in by a script).
inline Result kimctl(const std::vector<std::string>& args, const std::string* input = nullptr)
{
    static int counter = 0;
    const std::string base = testing::TempDir() + "kimctl-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    const std::string in_path = base + ".in", out_path = base + ".out", err_path = base + ".err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (input) {
        std::ofstream(in_path, std::ios::binary) << *input;
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in_path.c_str(), O_RDONLY, 0);
    }
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
    for (const auto& p : {in_path, out_path, err_path}) std::remove(p.c_str());
    return r;
}

inline std::string describe(const Result& r)
{
    return "exit " + std::to_string(r.exit) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

/// Errors are one or two lines on stderr, start with "kimctl: ", and show no C++ internals.
inline void expect_short_error(const Result& r)
{
    EXPECT_EQ(r.err.rfind("kimctl: ", 0), 0u) << describe(r);
    const auto lines = std::count(r.err.begin(), r.err.end(), '\n');
    EXPECT_GE(lines, 1) << describe(r);
    EXPECT_LE(lines, 2) << describe(r);
    for (const char* internal : {"terminate", "what()", "std::", "Aborted", "core dumped"})
        EXPECT_EQ(r.err.find(internal), std::string::npos) << describe(r);
}

using kimflow_test::excel_rows;
using kimflow_test::kBom;

/// The column of @p rows' header titled @p title (the header's size if there is none).
inline std::size_t column_of(const std::vector<std::vector<std::string>>& rows, const std::string& title)
{
    const auto& h = rows.at(0);
    const auto it = std::find(h.begin(), h.end(), title);
    EXPECT_NE(it, h.end()) << title;
    return static_cast<std::size_t>(it - h.begin());
}

inline const char* const kCommittee = "Ausschuss für Kultur, Sport und Vielfalt";

/// An actor for imports, with a policy (in @p dir) that lets them do everything to papers: the
/// default policy lets no role replay the steps of another's paper.
inline Args importer(const TempDir& dir)
{
    std::ofstream(dir / "import.policy") << "# imports replay every step of a paper\nallow paper importer * any\n";
    return {"--as", "import-job", "--role", "importer", "--policy", dir / "import.policy"};
}

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

}  // namespace kimctl_test
