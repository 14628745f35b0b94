// Store, competitor 2: the engine's persisted fire of `assign` on KIM cases in a SqliteStore:
// each fire alone (its own transaction, per_txn 1) or `per_txn` fires in one unit of work; and
// the same with the audit trail signed (an Ed25519 checkpoint at each commit), for its cost.
#include <memory>
#include <optional>

#include <kimflow/store/sqlite_store.hpp>
#ifdef KIMFLOW_BENCH_SIGNING
#include <kimflow/audit/signing.hpp>
#endif

#include "common/files.hpp"
#include "common/samples.hpp"
#include "common/suite.hpp"
#include "store/store_args.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::kim;

void fire_persisted(benchmark::State& state, std::shared_ptr<const CheckpointSigner> signer)
{
    const int per_txn = static_cast<int>(state.range(0));
    const bool interleaved = state.range(2) == bench::interleaved;
    bench::ScratchDir dir;
    SqliteOptions options = bench::sqlite_options(state);
    options.signer = std::move(signer);
    auto store = std::make_shared<SqliteStore>(dir.file("cases.db"), options);
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
    state.SetLabel(bench::store_label(state) + (options.signer ? ", signed" : ""));
}

void BM_Store_EngineFire(benchmark::State& state) { fire_persisted(state, nullptr); }
const int registered = bench::later([] { bench::register_store_benchmark("BM_Store_EngineFire", BM_Store_EngineFire); });

#ifdef KIMFLOW_BENCH_SIGNING
void BM_Store_EngineFireSigned(benchmark::State& state)
{
    fire_persisted(state, std::make_shared<const audit::SigningKey>(audit::SigningKey::generate()));
}
// Beside BM_Store_EngineFire's rows of the same arguments: FULL, 1000 instances, a commit per
// fire and per 100 fires.
const int registered_signed = bench::later([] {
    for (int per_txn : {1, 100})
        benchmark::RegisterBenchmark("BM_Store_EngineFireSigned", BM_Store_EngineFireSigned)
            ->ArgNames({"per_txn", "full_sync", "interleaved"})
            ->Args({per_txn, 1, bench::interleaved})
            ->Iterations(bench::rows_per_run(per_txn) / per_txn)
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
});
#endif

}  // namespace
