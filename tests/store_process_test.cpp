// Processes against one database file: a writer killed with SIGKILL at random moments (under
// both synchronous settings), and two writers at once, racing on the same version at a
// barrier; the same for ticks. What a fire acknowledged must be there afterwards, exactly
// once, in a file SQLite and the hash chain both find whole.
#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "complaint_lifecycle.hpp"
#include "store_process_fixture.hpp"
#include "temp_file.hpp"

using namespace kimflow;
using process_fixture::Child;
using process_fixture::ended;
using process_fixture::LineReader;
using process_fixture::say;

namespace {

const Actor writer{"writer"};
constexpr int kInstances = 12;
using Synchronous = SqliteOptions::Synchronous;

std::string id_of(int i) { return "B" + std::to_string(i); }

std::shared_ptr<SqliteStore> open_store(const std::string& path, Synchronous synchronous = Synchronous::normal)
{
    SqliteOptions options;
    options.synchronous = synchronous;  // both survive a process crash
    return std::make_shared<SqliteStore>(path, options);
}

// ---- instances and what the file must hold -------------------------------------------------

void create_instances(const std::string& path)
{
    complaint::Engine engine(complaint::Settings{}, std::make_shared<SystemClock>(), open_store(path));
    for (int i = 0; i < kInstances; ++i) engine.create(id_of(i), complaint::Complaint{"s"}, writer, complaint::Review{"r"});
}

/// Checks the file as a new process finds it: SQLite's integrity check, the hash chains (one
/// entry per transition, one creation per instance, every row as chained), and every
/// instance: versions 1..v without gaps, one note per transition after the review, and at
/// least the acknowledged version. Returns the total of transitions.
std::uint64_t check_database(const std::string& path, const std::map<std::string, std::uint64_t>& acknowledged)
{
    const auto store = open_store(path);
    for (const auto& problem : store->integrity_check()) ADD_FAILURE() << "integrity_check: " << problem;
    complaint::Engine engine(complaint::Settings{}, std::make_shared<SystemClock>(), store);
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
    const ChainCheck chain = store->verify_chain();
    if (chain.first_break) {
        ADD_FAILURE() << "the hash chain breaks in the " << chain.first_break->log << " log at entry "
                      << chain.first_break->position << ": " << chain.first_break->problem;
    } else {  // a check that stops at a break has not counted everything
        EXPECT_EQ(chain.transitions, total) << "log entries beside the instances' versions";
        EXPECT_EQ(chain.creations, static_cast<std::uint64_t>(kInstances));
        EXPECT_EQ(chain.rows_checked, static_cast<std::uint64_t>(kInstances));
    }
    EXPECT_TRUE(chain.rows.empty()) << chain.rows.size() << " instance columns differ from what the chain holds";
    EXPECT_TRUE(chain.ok());
    return total;
}

// ---- a writer killed ----------------------------------------------------------------------

/// The child: fires notes on random instances until killed, reporting each acknowledged
/// version on @p fd as "<id> <version>" once the fire has returned.
[[noreturn]] void fire_until_killed(const std::string& path, Synchronous synchronous, int fd, unsigned seed)
{
    try {
        complaint::Engine engine(complaint::Settings{}, std::make_shared<SystemClock>(), open_store(path, synchronous));
        std::mt19937 rng(seed);
        for (;;) {
            const std::string id = id_of(std::uniform_int_distribution<int>(0, kInstances - 1)(rng));
            const auto fired = engine.fire(id, complaint::AddNote{"n"}, writer);
            if (!say(fd, id + " " + std::to_string(fired.version))) ::_exit(3);
        }
    } catch (...) {
        ::_exit(2);
    }
}

/// Kills a writer at a random moment @p rounds times, under @p synchronous; after each
/// recovery the file is whole and holds every acknowledged transition.
void survive_sigkills(Synchronous synchronous, int rounds)
{
    TempFile file;
    create_instances(file.path());
    std::map<std::string, std::uint64_t> acknowledged;
    std::mt19937 rng(1923);
    for (int round = 0; round < rounds; ++round) {
        Child child([&](int fd) { fire_until_killed(file.path(), synchronous, fd, static_cast<unsigned>(round)); });
        const int kill_after = std::uniform_int_distribution<int>(1, 80)(rng);
        int seen = 0;
        // Everything the child wrote was acknowledged, also what arrives after the kill.
        while (const auto line = child.line()) {
            std::istringstream words(*line);
            std::string id;
            std::uint64_t version = 0;
            ASSERT_TRUE(words >> id >> version) << "from the writer: " << *line;
            auto& highest = acknowledged[id];
            highest = std::max(highest, version);
            if (++seen == kill_after) child.kill();
        }
        const int status = child.wait();
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << "the writer stopped on its own (" << ended(status) << ") in round " << round;
        check_database(file.path(), acknowledged);
        if (::testing::Test::HasFailure()) {
            ADD_FAILURE() << "after the kill of round " << round << " (" << seen << " fires acknowledged)";
            return;
        }
    }
}

TEST(StoreProcesses, EveryAcknowledgedTransitionSurvivesSigkillWithSynchronousNormal)
{
    survive_sigkills(Synchronous::normal, 25);
}

// The default. A commit waits for its fsync, so fewer rounds keep the time alike (what fsync
// adds, durability through a power loss, no kill can show).
TEST(StoreProcesses, EveryAcknowledgedTransitionSurvivesSigkillWithSynchronousFull)
{
    survive_sigkills(Synchronous::full, 12);
}

// ---- two writers at once --------------------------------------------------------------------

constexpr int kRaces = 60;     // rounds, each with one race on the same version
constexpr int kFreeFires = 3;  // unconditional fires per writer and round, both writing at once

/// The child: does what the test says, line by line, and answers:
///  "read <id>"  reads the instance's version: "seen <v>";
///  "go"         fires on that instance expecting that version: "won" or "conflict";
///  "turn <id>"  fires on @p id in a unit of work (its transaction is open before the fire looks
///               at the file), while the other writer waits: "turned";
///  "free"       fires kFreeFires notes on random instances: "freed <applied> <gave_up>"
///               (gave_up: a VersionConflict the engine's own retries did not get past);
///  "end"        ends. Any other failure ends it with "error <what>".
[[noreturn]] void write_as_told(const std::string& path, int fd, unsigned seed)
{
    LineReader test(fd);
    const auto answer = [fd](const std::string& line) {
        if (!say(fd, line)) ::_exit(3);
    };
    try {
        complaint::Engine engine(complaint::Settings{}, std::make_shared<SystemClock>(), open_store(path));
        std::mt19937 rng(seed);
        std::string id;
        std::uint64_t seen = 0;
        for (;;) {
            const auto line = test.next();
            if (!line) ::_exit(4);
            std::istringstream words(*line);
            std::string word;
            words >> word;
            if (word == "read") {
                words >> id;
                seen = engine.version(id);
                answer("seen " + std::to_string(seen));
            } else if (word == "go") {
                bool won = true;
                try {
                    engine.fire(id, complaint::AddNote{"c"}, writer, seen);
                } catch (const VersionConflict&) {
                    won = false;
                }
                answer(won ? "won" : "conflict");
            } else if (word == "turn") {
                std::string other;
                words >> other;
                auto unit = engine.unit_of_work();
                engine.fire(other, complaint::AddNote{"t"}, writer);
                unit.commit();
                answer("turned");
            } else if (word == "free") {
                int applied = 0, gave_up = 0;
                for (int k = 0; k < kFreeFires; ++k) {
                    try {
                        engine.fire(id_of(std::uniform_int_distribution<int>(0, kInstances - 1)(rng)),
                                    complaint::AddNote{"u"}, writer);
                        ++applied;
                    } catch (const VersionConflict&) {
                        ++gave_up;
                    }
                }
                answer("freed " + std::to_string(applied) + " " + std::to_string(gave_up));
            } else {
                ::_exit(word == "end" ? 0 : 4);
            }
        }
    } catch (const std::exception& e) {
        say(fd, std::string("error ") + e.what());
        ::_exit(2);
    }
}

TEST(StoreProcesses, TwoWritersFiringOnOneVersionOneWinsOneConflictsAndNothingIsLostOrDuplicated)
{
    TempFile file;
    create_instances(file.path());
    std::vector<std::unique_ptr<Child>> writers;
    for (unsigned c = 0; c < 2; ++c)
        writers.push_back(std::make_unique<Child>([&](int fd) { write_as_told(file.path(), fd, c + 1); }));
    // The next answer of writer @p c, which must come.
    const auto hear = [&](int c) {
        std::optional<std::string> line;
        try {
            line = writers[c]->line();
        } catch (const std::exception& e) {
            throw std::runtime_error("writer " + std::to_string(c) + ": " + e.what());
        }
        if (!line) throw std::runtime_error("writer " + std::to_string(c) + " ended early: " + ended(writers[c]->wait()));
        return *line;
    };
    std::uint64_t applied = 0;  // transitions the writers say they applied
    int conflicts = 0, gave_up = 0;
    for (int round = 0; round < kRaces; ++round) {
        // The barrier: both read before either fires, and nobody writes in between; so both
        // expect the same version, and exactly one of the two fires may apply.
        const std::string id = id_of(round % kInstances);
        for (auto& w : writers) ASSERT_TRUE(w->tell("read " + id));
        const std::string seen[2] = {hear(0), hear(1)};
        ASSERT_EQ(seen[0].rfind("seen ", 0), 0u) << "writer 0: " << seen[0];
        ASSERT_EQ(seen[0], seen[1]) << "the writers read different versions of " << id;
        for (auto& w : writers) ASSERT_TRUE(w->tell("go"));
        const std::string outcome[2] = {hear(0), hear(1)};
        for (int c = 0; c < 2; ++c)
            ASSERT_TRUE(outcome[c] == "won" || outcome[c] == "conflict") << "writer " << c << ": " << outcome[c];
        ASSERT_NE(outcome[0], outcome[1]) << "round " << round << ": both fires on " << id << " expecting version "
                                          << seen[0].substr(5) << (outcome[0] == "won" ? " applied" : " were refused");
        ++applied;
        ++conflicts;
        // In turn, the loser first: the winner's next write, in a unit of work, must chain
        // after the loser's commit, which it has not seen yet.
        const int winner = outcome[0] == "won" ? 0 : 1;
        for (int c : {1 - winner, winner}) {
            ASSERT_TRUE(writers[c]->tell("turn " + id_of((round + 1 + c) % kInstances)));
            ASSERT_EQ(hear(c), "turned") << "writer " << c << " in round " << round;
            ++applied;
        }
        for (auto& w : writers) ASSERT_TRUE(w->tell("free"));
        for (int c = 0; c < 2; ++c) {
            std::istringstream words(hear(c));
            std::string freed;
            int a = 0, g = 0;
            ASSERT_TRUE(words >> freed >> a >> g && freed == "freed") << "writer " << c << ": " << words.str();
            EXPECT_EQ(a + g, kFreeFires);
            applied += static_cast<std::uint64_t>(a);
            gave_up += g;
        }
    }
    for (int c = 0; c < 2; ++c) {
        ASSERT_TRUE(writers[c]->tell("end"));
        const int status = writers[c]->wait();
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer " << c << ": " << ended(status);
    }
    EXPECT_EQ(conflicts, kRaces) << "one conflict in every round";
    const std::uint64_t total = check_database(file.path(), {});
    EXPECT_EQ(total, kInstances + applied)
        << "the log holds the opening reviews and exactly the fires the writers applied, each once";
    RecordProperty("free_fires_given_up", gave_up);
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
        Child child([&](int fd) { tick_reporting(file.path(), fd, true); });
        // At most 6 × 40 of the 300 fire before the kills: every round's tick is killed midway.
        const int kill_after = std::uniform_int_distribution<int>(1, 40)(rng);
        int seen = 0;
        while (const auto id = child.line()) {
            EXPECT_TRUE(acknowledged.insert(*id).second) << *id << " fired twice";
            if (++seen == kill_after) {
                child.kill();
                ++kills;
            }
        }
        const int status = child.wait();
        ASSERT_TRUE(WIFSIGNALED(status)) << "the tick ended on its own (" << ended(status) << ")";
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
    std::vector<std::unique_ptr<Child>> children;
    for (int c = 0; c < 2; ++c)
        children.push_back(std::make_unique<Child>([&](int fd) { tick_reporting(file.path(), fd, false); }));
    std::multiset<std::string> fired;
    std::size_t by_child[2] = {0, 0};
    for (int c = 0; c < 2; ++c) {
        while (const auto id = children[c]->line()) {
            fired.insert(*id);
            ++by_child[c];
        }
        const int status = children[c]->wait();
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "tick " << c << " failed (" << ended(status) << ")";
    }
    EXPECT_EQ(fired.size(), static_cast<std::size_t>(kAnfragen));
    for (const auto& id : fired) EXPECT_EQ(fired.count(id), 1u) << id;
    RecordProperty("fired_by_first", std::to_string(by_child[0]));
    RecordProperty("fired_by_second", std::to_string(by_child[1]));
    expect_each_overdue_once(file.path());
}

}  // namespace
