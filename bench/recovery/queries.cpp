// Queries in a request path: overdue papers and due follow-ups at the fixture's last day, on a
// database of n instances, through the library's own report functions (index, then the rows).
#include <memory>

#include <kimflow/kim/follow_up.hpp>
#include <kimflow/paper/deadlines.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "common/fixture_database.hpp"
#include "common/suite.hpp"

namespace {

using namespace kimflow;

SqliteOptions read_only()
{
    SqliteOptions o;
    o.read_only = true;
    return o;
}

void BM_Query_OverduePapers(benchmark::State& state)
{
    auto store = std::make_shared<SqliteStore>(bench::fixture_database(state.range(0)), read_only());
    paper::PaperEngine engine(paper::PaperConfig{}, std::make_shared<SystemClock>(), store);
    std::size_t found = 0;
    for (auto _ : state) found = paper::overdue_papers(engine, bench::fixture_now()).size();
    state.counters["found"] = static_cast<double>(found);
    state.SetItemsProcessed(state.iterations());
}

void BM_Query_DueFollowUps(benchmark::State& state)
{
    auto store = std::make_shared<SqliteStore>(bench::fixture_database(state.range(0)), read_only());
    kim::CaseEngine engine(kim::CaseConfig{}, std::make_shared<SystemClock>(), store);
    std::size_t found = 0;
    for (auto _ : state) found = kim::due_for_follow_up(engine, bench::fixture_now()).size();
    state.counters["found"] = static_cast<double>(found);
    state.SetItemsProcessed(state.iterations());
}

const int registered = bench::later([] {
    for (std::int64_t n : bench::database_sizes()) {
        benchmark::RegisterBenchmark("BM_Query_OverduePapers", BM_Query_OverduePapers)
            ->Arg(n)
            ->ArgName("instances")
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark("BM_Query_DueFollowUps", BM_Query_DueFollowUps)
            ->Arg(n)
            ->ArgName("instances")
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    }
});

}  // namespace
