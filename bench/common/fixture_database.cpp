// Builds the recovery group's databases. Papers: an Anfrage submitted, answered, put on the
// agenda four times (postponed three times) and acknowledged; every 50th is never answered and
// is postponed once more and stays on the agenda of a meeting that has passed (overdue). Cases: opened, consent, accept,
// assessment, a goal, the plan, a referral, monitoring, a follow-up date and a reassignment;
// every 100th follow-up falls due on the fixture's last day.
#include "common/fixture_database.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "common/files.hpp"
#include "common/samples.hpp"
#include "common/suite.hpp"

namespace bench {

namespace {

using namespace kimflow;
namespace fs = std::filesystem;

constexpr std::int64_t kPerUnit = 5000;
const char* const kJobcenter = "Jobcenter Kreis Recklinghausen";

Timestamp day(std::int64_t n) { return parse_timestamp("2020-01-06T09:00:00Z") + date::days{n}; }

void write_papers(const std::shared_ptr<SqliteStore>& store, std::int64_t count)
{
    using namespace kimflow::paper;
    auto clock = std::make_shared<ManualClock>();
    PaperEngine engine(PaperConfig{}, clock, store);
    const Actor& actor = sitzungsdienst();
    Paper paper = sample_paper();
    for (std::int64_t first = 0; first < count; first += kPerUnit) {
        auto unit = engine.unit_of_work();
        for (std::int64_t i = first; i < std::min(count, first + kPerUnit); ++i) {
            const std::string id = fixture_paper_id(i);
            const bool overdue = i % 50 == 0;
            std::int64_t t = i % 1500;
            clock->set(day(t));
            paper.reference = id;
            engine.create(id, paper, actor, Submit{});
            if (!overdue) {
                clock->set(day(++t));
                engine.fire(id, Answer{id + "-1"}, actor);
            }
            // Ten transitions either way: the overdue paper is postponed once more instead of
            // being answered and acknowledged.
            const int rounds = overdue ? 5 : 4;
            for (int round = 0; round < rounds; ++round) {
                clock->set(day(++t));
                Schedule s;
                s.meeting_date = date_of(day(t + 30));
                s.agenda_item = std::to_string(round + 5) + ".1";
                engine.fire(id, s, actor);
                t += 30;
                clock->set(day(t));
                if (round < rounds - 1)
                    engine.fire(id, Postpone{}, actor);
                else if (!overdue)
                    engine.fire(id, Acknowledge{}, actor);
            }
        }
        unit.commit();
    }
}

void write_cases(const std::shared_ptr<SqliteStore>& store, std::int64_t count)
{
    using namespace kimflow::kim;
    auto clock = std::make_shared<ManualClock>();
    CaseEngine engine(CaseConfig{}, clock, store);
    const Actor& actor = case_manager();
    const Date last_day = date_of(fixture_now());
    for (std::int64_t first = 0; first < count; first += kPerUnit) {
        auto unit = engine.unit_of_work();
        for (std::int64_t i = first; i < std::min(count, first + kPerUnit); ++i) {
            const std::string id = fixture_case_id(i);
            std::int64_t t = i % 1500;
            const auto at_next_day = [&] { clock->set(day(t++)); };
            at_next_day();
            open_case(engine, id, sample_opening(static_cast<std::size_t>(i)), actor);
            at_next_day();
            engine.fire(id, GrantConsent{{kJobcenter}, "Arbeitsmarkt"}, actor);
            at_next_day();
            engine.fire(id, Accept{}, actor);
            at_next_day();
            engine.fire(id, CompleteAssessment{}, actor);
            engine.fire(id, AddGoal{"Sprachkurs B1"}, actor);
            at_next_day();
            engine.fire(id, AgreePlan{}, actor);
            engine.fire(id, Refer{kJobcenter, Rechtskreis::sgb2}, actor);
            at_next_day();
            engine.fire(id, StartMonitoring{}, actor);
            engine.fire(id, FollowUpOn{last_day + date::days{i % 100}}, actor);
            engine.fire(id, sample_assign(static_cast<std::size_t>(i)), actor);
        }
        unit.commit();
    }
}

bool complete(const std::string& path, std::int64_t instances)
{
    if (!fs::exists(path)) return false;
    SqliteStore store(path);
    return store.count("paper") == static_cast<std::uint64_t>(instances / 2) &&
           store.count("case") == static_cast<std::uint64_t>(instances - instances / 2);
}

}  // namespace

Timestamp fixture_now() { return parse_timestamp("2025-06-02T08:00:00Z"); }

std::string fixture_paper_id(std::int64_t i) { return "P-" + std::to_string(i); }
std::string fixture_case_id(std::int64_t i) { return "K-" + std::to_string(i); }

std::string fixture_database(std::int64_t instances)
{
    fs::create_directories(settings().data_dir);
    // Named by the schema it is built with: a file of an older schema would be migrated on open,
    // and the migration's time measured.
    const std::string path = (fs::path(settings().data_dir) /
                              ("fixture-v" + std::to_string(SqliteStore::schema_version) + "-" +
                               std::to_string(instances) + ".db"))
                                 .string();
    if (complete(path, instances)) return path;
    // Built under another name and renamed when whole, so that an interrupted build is not used.
    const std::string building = path + ".building";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(building + suffix);
    std::cerr << "kimflow_bench: building " << path << " (" << instances << " instances, 10 transitions each)...\n";
    const auto start = std::chrono::steady_clock::now();
    {
        SqliteOptions options;
        options.synchronous = SqliteOptions::Synchronous::normal;
        auto store = std::make_shared<SqliteStore>(building, options);
        write_papers(store, instances / 2);
        write_cases(store, instances - instances / 2);
    }
    fs::rename(building, path);
    std::cerr << "kimflow_bench: built in " << seconds_since(start) << " s\n";
    return path;
}

std::string fixture_copy(std::int64_t instances)
{
    static ScratchDir dir;
    static std::map<std::int64_t, std::string> copies;
    auto it = copies.find(instances);
    if (it != copies.end()) return it->second;
    const std::string copy = dir.file("copy-" + std::to_string(instances) + ".db");
    fs::copy_file(fixture_database(instances), copy);
    return copies[instances] = copy;
}

}  // namespace bench
