// Processes against one database file: a writer killed with SIGKILL at random moments, and two
// writers at once; the same for ticks. What a fire acknowledged must be there afterwards,
// exactly once.
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "complaint_lifecycle.hpp"
#include "temp_file.hpp"

using namespace kimflow;

namespace {

const Actor writer{"writer"};
constexpr int kInstances = 12;

std::string id_of(int i) { return "B" + std::to_string(i); }

std::shared_ptr<SqliteStore> open_store(const std::string& path)
{
    SqliteOptions options;
    options.synchronous = SqliteOptions::Synchronous::normal;  // survives a process crash
    return std::make_shared<SqliteStore>(path, options);
}

void create_instances(const std::string& path)
{
    complaint::Engine engine(complaint::Settings{}, std::make_shared<SystemClock>(), open_store(path));
    for (int i = 0; i < kInstances; ++i) engine.create(id_of(i), complaint::Complaint{"s"}, writer, complaint::Review{"r"});
}

/// Checks every instance: versions 1..v without gaps, one note per transition after the
/// review, and at least the acknowledged version. Returns the total of transitions.
std::uint64_t check_database(const std::string& path, const std::map<std::string, std::uint64_t>& acknowledged)
{
    complaint::Engine engine(complaint::Settings{}, std::make_shared<SystemClock>(), open_store(path));
    std::uint64_t total = 0;
    for (int i = 0; i < kInstances; ++i) {
        const std::string id = id_of(i);
        const auto history = engine.history(id);
        const std::uint64_t version = engine.version(id);
        EXPECT_EQ(history.size(), version) << id;
        for (std::size_t v = 0; v < history.size(); ++v) EXPECT_EQ(history[v].version, v + 1) << id;
        EXPECT_EQ(engine.data(id).notes.size(), version - 1) << id << ": data and log disagree";
        auto it = acknowledged.find(id);
        if (it != acknowledged.end()) {
            EXPECT_GE(version, it->second) << id << ": an acknowledged transition is lost";
        }
        total += version;
    }
    return total;
}

/// The child: fires notes on random instances until killed, reporting each acknowledged
/// version on @p fd as "<id> <version>\n" once the fire has returned.
[[noreturn]] void fire_until_killed(const std::string& path, int fd, unsigned seed)
{
    try {
        complaint::Engine engine(complaint::Settings{}, std::make_shared<SystemClock>(), open_store(path));
        std::mt19937 rng(seed);
        for (;;) {
            const std::string id = id_of(std::uniform_int_distribution<int>(0, kInstances - 1)(rng));
            const auto fired = engine.fire(id, complaint::AddNote{"n"}, writer);
            const std::string line = id + " " + std::to_string(fired.version) + "\n";
            if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(3);
        }
    } catch (...) {
        ::_exit(2);
    }
}

/// A child process running @p body (which must not return), and the reading end of its pipe.
struct Child {
    pid_t pid;
    FILE* output;
};
template <class Body>
Child start_child(Body body)
{
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        body(fds[1]);
        ::_exit(0);
    }
    ::close(fds[1]);
    return Child{pid, ::fdopen(fds[0], "r")};
}

TEST(StoreProcesses, EveryAcknowledgedTransitionSurvivesSigkill)
{
    TempFile file;
    create_instances(file.path());
    std::map<std::string, std::uint64_t> acknowledged;
    std::mt19937 rng(1923);
    int kills = 0;
    for (int round = 0; round < 25; ++round) {
        const Child child = start_child([&](int fd) { fire_until_killed(file.path(), fd, static_cast<unsigned>(round)); });
        FILE* acks = child.output;
        const int kill_after = std::uniform_int_distribution<int>(1, 80)(rng);
        char id[32];
        unsigned long long version = 0;
        int seen = 0;
        // Everything the child wrote was acknowledged, also what arrives after the kill.
        while (std::fscanf(acks, "%31s %llu", id, &version) == 2) {
            auto& highest = acknowledged[id];
            highest = std::max<std::uint64_t>(highest, version);
            if (++seen == kill_after) {
                ::kill(child.pid, SIGKILL);
                ++kills;
            }
        }
        std::fclose(acks);
        int status = 0;
        ::waitpid(child.pid, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped on its own (exit " << WEXITSTATUS(status) << ")";
        check_database(file.path(), acknowledged);
        if (HasFailure()) return;
    }
    EXPECT_EQ(kills, 25);
}

TEST(StoreProcesses, TwoWritersOnOneFileLoseAndDuplicateNothing)
{
    TempFile file;
    create_instances(file.path());
    constexpr int kFires = 150;
    std::vector<Child> children;
    for (int c = 0; c < 2; ++c) {
        children.push_back(start_child([&](int fd) {
            int applied = 0, conflicts = 0, other = 0;
            try {
                complaint::Engine engine(complaint::Settings{}, std::make_shared<SystemClock>(), open_store(file.path()));
                std::mt19937 rng(static_cast<unsigned>(c + 1));
                for (int i = 0; i < kFires; ++i) {
                    const std::string id = id_of(std::uniform_int_distribution<int>(0, kInstances - 1)(rng));
                    try {
                        if (i % 2) {
                            // Conditional on the version just read: the other writer may come between.
                            const auto seen = engine.version(id);
                            engine.fire(id, complaint::AddNote{"c"}, writer, seen);
                        } else {
                            engine.fire(id, complaint::AddNote{"u"}, writer);
                        }
                        ++applied;
                    } catch (const VersionConflict&) {
                        ++conflicts;
                    }
                }
            } catch (...) {
                ++other;
            }
            const std::string report = std::to_string(applied) + " " + std::to_string(conflicts) + " " +
                                       std::to_string(other) + "\n";
            (void)::write(fd, report.data(), report.size());
        }));
    }
    int applied = 0, conflicts = 0;
    for (const Child& child : children) {
        int a = 0, c = 0, o = 0;
        ASSERT_EQ(std::fscanf(child.output, "%d %d %d", &a, &c, &o), 3);
        std::fclose(child.output);
        int status = 0;
        ::waitpid(child.pid, &status, 0);
        EXPECT_EQ(o, 0) << "a writer failed with something other than a conflict";
        EXPECT_EQ(a + c, kFires) << "every fire was applied or reported as a conflict";
        applied += a;
        conflicts += c;
    }
    const std::uint64_t total = check_database(file.path(), {});
    EXPECT_EQ(total, kInstances + static_cast<std::uint64_t>(applied))
        << "the log holds the opening reviews and exactly the applied notes (" << conflicts << " conflicts)";
}

// ---- ticks --------------------------------------------------------------------------------

constexpr int kAnfragen = 300;
const Timestamp kTickAt = parse_timestamp("2025-03-01T00:00:00Z");

/// Anfragen submitted on 2025-01-06: every answer period has passed by kTickAt.
void create_anfragen(const std::string& path)
{
    paper::PaperEngine engine(paper::PaperConfig{}, std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z")),
                              open_store(path));
    auto unit = engine.unit_of_work();
    for (int i = 0; i < kAnfragen; ++i) {
        paper::Paper p;
        p.reference = "A/" + std::to_string(i);
        p.title = "Anfrage";
        p.type = paper::PaperType::anfrage;
        engine.create(p.reference, p, writer);
        engine.fire(p.reference, paper::Submit{}, writer);
    }
    unit.commit();
}

/// The child: one tick at kTickAt, reporting each firing on @p fd ("<id>\n") once committed
/// (observers hear of a transition after its commit); @p slow: a little time after each, and
/// then waiting to be killed.
[[noreturn]] void tick_reporting(const std::string& path, int fd, bool slow)
{
    try {
        paper::PaperEngine engine(paper::PaperConfig{}, std::make_shared<ManualClock>(kTickAt), open_store(path));
        engine.observe([fd, slow](const paper::PaperEngine::Notice& n) {
            const std::string line = n.instance + "\n";
            if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(3);
            if (slow) ::usleep(2000);  // so that a kill lands in the middle of the tick
        });
        const TickReport report = engine.tick(kTickAt);
        if (slow)
            for (;;) ::pause();  // waits to be killed, as every round expects
        ::_exit(report.refused.empty() ? 0 : 4);
    } catch (...) {
        ::_exit(2);
    }
}

/// Every Anfrage's history holds answer_overdue exactly once, and the log is whole.
void expect_each_overdue_once(const std::string& path)
{
    paper::PaperEngine engine(paper::PaperConfig{}, std::make_shared<ManualClock>(kTickAt), open_store(path));
    for (int i = 0; i < kAnfragen; ++i) {
        const std::string id = "A/" + std::to_string(i);
        int n = 0;
        for (const auto& r : engine.history(id)) n += r.event == "answer_overdue";
        EXPECT_EQ(n, 1) << id;
        EXPECT_TRUE(engine.data(id).answer_overdue_at) << id;
    }
    EXPECT_TRUE(engine.store()->verify_chain().ok());
}

TEST(StoreProcesses, ATickKilledMidwayKeepsWhatItFiredAndTheNextFiresTheRestOnce)
{
    TempFile file;
    create_anfragen(file.path());
    std::set<std::string> acknowledged;
    std::mt19937 rng(2021);
    int kills = 0;
    for (int round = 0; round < 6; ++round) {
        const Child child = start_child([&](int fd) { tick_reporting(file.path(), fd, true); });
        // At most 6 × 40 of the 300 fire before the kills: every round's tick is killed midway.
        const int kill_after = std::uniform_int_distribution<int>(1, 40)(rng);
        char id[32];
        int seen = 0;
        while (std::fscanf(child.output, "%31s", id) == 1) {
            EXPECT_TRUE(acknowledged.insert(id).second) << id << " fired twice";
            if (++seen == kill_after) {
                ::kill(child.pid, SIGKILL);
                ++kills;
            }
        }
        std::fclose(child.output);
        int status = 0;
        ::waitpid(child.pid, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the tick ended on its own (exit " << WEXITSTATUS(status) << ")";
        // Nothing acknowledged is lost.
        paper::PaperEngine engine(paper::PaperConfig{}, std::make_shared<ManualClock>(kTickAt), open_store(file.path()));
        for (const auto& a : acknowledged) ASSERT_TRUE(engine.data(a).answer_overdue_at) << a << " was lost";
    }
    EXPECT_EQ(kills, 6);
    // A tick after the crashes fires exactly what is left.
    paper::PaperEngine engine(paper::PaperConfig{}, std::make_shared<ManualClock>(kTickAt), open_store(file.path()));
    const TickReport rest = engine.tick(kTickAt);
    EXPECT_EQ(rest.fired.size() + acknowledged.size(), static_cast<std::size_t>(kAnfragen));
    for (const auto& f : rest.fired) EXPECT_FALSE(acknowledged.count(f.instance)) << f.instance << " fired twice";
    expect_each_overdue_once(file.path());
}

TEST(StoreProcesses, TwoTicksAtOnceFireEachDueRowOnceBetweenThem)
{
    TempFile file;
    create_anfragen(file.path());
    std::vector<Child> children;
    for (int c = 0; c < 2; ++c) children.push_back(start_child([&](int fd) { tick_reporting(file.path(), fd, false); }));
    std::multiset<std::string> fired;
    std::size_t by_child[2] = {0, 0};
    for (int c = 0; c < 2; ++c) {
        char id[32];
        while (std::fscanf(children[c].output, "%31s", id) == 1) {
            fired.insert(id);
            ++by_child[c];
        }
        std::fclose(children[c].output);
        int status = 0;
        ::waitpid(children[c].pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "tick " << c << " failed";
    }
    EXPECT_EQ(fired.size(), static_cast<std::size_t>(kAnfragen));
    for (const auto& id : fired) EXPECT_EQ(fired.count(id), 1u) << id;
    RecordProperty("fired_by_first", std::to_string(by_child[0]));
    RecordProperty("fired_by_second", std::to_string(by_child[1]));
    expect_each_overdue_once(file.path());
}

}  // namespace
