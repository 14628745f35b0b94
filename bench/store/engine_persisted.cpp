// Store, competitor 2: the engine's persisted fire of `assign` on KIM cases in a SqliteStore:
// each fire alone (its own transaction, per_txn 1) or `per_txn` fires in one unit of work.
#include <memory>
#include <optional>

#include <kimflow/store/sqlite_store.hpp>

#include "common/files.hpp"
#include "common/samples.hpp"
#include "common/suite.hpp"
#include "store/store_args.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::kim;

void BM_Store_EngineFire(benchmark::State& state)
{
    const int per_txn = static_cast<int>(state.range(0));
    const bool interleaved = state.range(2) == bench::interleaved;
    bench::ScratchDir dir;
    auto store = std::make_shared<SqliteStore>(dir.file("cases.db"), bench::sqlite_options(state));
    CaseEngine engine(CaseConfig{}, std::make_shared<SystemClock>(), store);
    const Actor& actor = bench::case_manager();
    const auto ids = bench::make_ids("KIM-RE", bench::kInterleavedInstances);
    {
        auto unit = engine.unit_of_work();
        for (std::size_t i = 0; i < ids.size(); ++i) open_case(engine, ids[i], bench::sample_opening(i), actor);
        unit.commit();
    }
    std::size_t next = 0;
    for (auto _ : state) {
        std::optional<CaseEngine::UnitOfWork> unit;
        if (per_txn > 1) unit.emplace(engine.unit_of_work());
        for (int i = 0; i < per_txn; ++i, ++next)
            engine.fire(ids[interleaved ? next % ids.size() : 0], bench::sample_assign(next), actor);
        if (unit) unit->commit();
    }
    state.SetItemsProcessed(state.iterations() * per_txn);
    state.SetLabel(bench::store_label(state));
}
const int registered = bench::later([] { bench::register_store_benchmark("BM_Store_EngineFire", BM_Store_EngineFire); });

}  // namespace
