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

/// Runs @p query (an engine of type E on the fixture, opened read-only) and counts what it found.
template <class E, class Query>
void run_query(benchmark::State& state, Query&& query)
{
    auto store = std::make_shared<SqliteStore>(bench::fixture_database(state.range(0)), read_only());
    E engine(typename E::Config{}, std::make_shared<SystemClock>(), store);
    std::size_t found = 0;
    for (auto _ : state) found = query(engine, bench::fixture_now()).size();
    state.counters["found"] = static_cast<double>(found);
    state.SetItemsProcessed(state.iterations());
}

void BM_Query_OverduePapers(benchmark::State& state)
{
    run_query<paper::PaperEngine>(state, paper::overdue_papers);
}

void BM_Query_DueFollowUps(benchmark::State& state)
{
    run_query<kim::CaseEngine>(state, kim::due_for_follow_up);
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
