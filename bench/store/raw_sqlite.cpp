// Store, competitor 1: raw SQLite through SQLiteCpp, nothing of kimflow's: insert a row the
// size of a logged `assign` (event, states, actor, time, cereal payload, summary) into a log
// table with a unique (instance, version) index, in WAL mode, `per_txn` rows per transaction.
#include <cstdint>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/store/codec.hpp>

#include "common/files.hpp"
#include "common/samples.hpp"
#include "common/suite.hpp"
#include "store/store_args.hpp"

namespace {

void BM_Store_RawInsert(benchmark::State& state)
{
    const int per_txn = static_cast<int>(state.range(0));
    const bool interleaved = state.range(2) == bench::interleaved;
    bench::ScratchDir dir;
    SQLite::Database db(dir.file("raw.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec(std::string("PRAGMA synchronous=") + (state.range(1) ? "FULL" : "NORMAL"));
    db.exec("CREATE TABLE log (seq INTEGER PRIMARY KEY, instance INTEGER NOT NULL, version INTEGER NOT NULL, "
            "event TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, actor TEXT NOT NULL, "
            "actor_role TEXT NOT NULL, actor_org TEXT NOT NULL, at INTEGER NOT NULL, payload BLOB NOT NULL, "
            "summary TEXT NOT NULL)");
    db.exec("CREATE UNIQUE INDEX log_by_instance ON log (instance, version)");
    SQLite::Statement begin(db, "BEGIN IMMEDIATE");
    SQLite::Statement commit(db, "COMMIT");
    SQLite::Statement insert(db, "INSERT INTO log (instance, version, event, from_state, to_state, actor, actor_role, "
                                 "actor_org, at, payload, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const kimflow::Actor& actor = bench::case_manager();
    const std::string payload = kimflow::encode(bench::sample_assign(1));
    std::vector<std::int64_t> versions(bench::kInterleavedInstances, 0);
    std::size_t next = 0;
    std::int64_t at = 1'700'000'000'000'000;
    for (auto _ : state) {
        begin.exec();
        begin.reset();
        for (int i = 0; i < per_txn; ++i) {
            const std::size_t instance = interleaved ? next++ % versions.size() : 0;
            insert.bind(1, static_cast<std::int64_t>(instance));
            insert.bind(2, ++versions[instance]);
            insert.bind(3, "assign");
            insert.bind(4, "intake");
            insert.bind(5, "intake");
            insert.bind(6, actor.id);
            insert.bind(7, actor.role);
            insert.bind(8, actor.organization);
            insert.bind(9, ++at);
            insert.bind(10, payload.data(), static_cast<int>(payload.size()));
            insert.bind(11, "manager=cm-caritas-2");
            insert.exec();
            insert.reset();
        }
        commit.exec();
        commit.reset();
    }
    state.SetItemsProcessed(state.iterations() * per_txn);
    state.SetLabel(bench::store_label(state));
}
const int registered = bench::later([] { bench::register_store_benchmark("BM_Store_RawInsert", BM_Store_RawInsert); });

}  // namespace
