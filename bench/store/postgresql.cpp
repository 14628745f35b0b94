// Store on PostgreSQL: the engine's persisted fire of `assign` on KIM cases in a PgStore against
// raw inserts of the same rows through libpq, on one server of the benchmark's own that syncs its
// commits (fsync on, synchronous_commit on: what a production server promises). Both write to a
// fresh database per benchmark, round-robin over 1000 instances, `per_txn` rows per transaction.
// The raw insert is a prepared INSERT with binary parameters into a table shaped like kimflow's
// transition log; the engine's fire also takes the write lock, reads and rewrites the instance
// row, chains the entry and counts the write (docs/postgresql.md).
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include <kimflow/store/codec.hpp>
#include <kimflow/store/pg_store.hpp>

#include "common/samples.hpp"
#include "common/suite.hpp"
#include "pg_test_server.hpp"
#include "store/store_args.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::kim;

/// The benchmark's server, started on first use and stopped at exit.
kimflow_test::PgServer& server()
{
    static kimflow_test::PgServer durable(true);
    return durable;
}

/// A fresh database on the server, dropped at the end of its scope.
struct Database {
    std::string name;
    explicit Database(const std::string& base)
    {
        static int counter = 0;
        name = base + std::to_string(++counter);
        // One statement per call: CREATE DATABASE cannot run inside the transaction a string of
        // several statements is.
        run("postgres", "DROP DATABASE IF EXISTS " + name);
        run("postgres", "CREATE DATABASE " + name);
    }
    ~Database()
    {
        try {
            run("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (...) {
            // the server goes at exit, and its databases with it
        }
    }
    std::string connection() const { return "host=" + server().dir() + " user=kimflow dbname=" + name; }

    static void run(const std::string& database, const std::string& sql)
    {
        const std::string conninfo = "host=" + server().dir() + " user=kimflow dbname=" + database;
        PGconn* conn = PQconnectdb(conninfo.c_str());
        PGresult* r = PQexec(conn, sql.c_str());
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        const std::string error = PQerrorMessage(conn);
        PQclear(r);
        PQfinish(conn);
        if (!ok) throw std::runtime_error("benchmark database: " + sql + ": " + error);
    }
};

/// Rows per run: fewer than SQLite's, since a commit waits for PostgreSQL's WAL flush.
std::int64_t rows(int per_txn)
{
    if (bench::settings().smoke) return 2 * per_txn;
    return per_txn == 1 ? 1000 : 20000;
}

/// Registers @p fn per transaction size; @p locked: also with kimflow's write lock taken first.
void register_pg(const char* name, void (*fn)(benchmark::State&), bool locked_too)
{
    for (int locked : {0, 1}) {
        if (locked && !locked_too) continue;
        for (int per_txn : {1, 100, 1000})
            benchmark::RegisterBenchmark(name, fn)
                ->ArgNames({"per_txn", "locked"})
                ->Args({per_txn, locked})
                ->Iterations(rows(per_txn) / per_txn)
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
    }
}

std::string big_endian(std::int64_t value)
{
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>(static_cast<std::uint64_t>(value) >> (56 - 8 * i));
    return out;
}

// locked 1: each transaction first takes the advisory lock PgStore's writers take, so that the
// pair of rows shows what the lock itself costs.
void BM_Pg_RawInsert(benchmark::State& state)
{
    const int per_txn = static_cast<int>(state.range(0));
    const char* const begin = state.range(1) ? "BEGIN; SELECT pg_advisory_xact_lock(1263095110)" : "BEGIN";
    Database db("raw");
    PGconn* conn = PQconnectdb(db.connection().c_str());
    PQclear(PQexec(conn, "CREATE TABLE log (seq bigint PRIMARY KEY, instance bigint NOT NULL, version bigint NOT NULL, "
                         "event text NOT NULL, from_state text NOT NULL, to_state text NOT NULL, actor text NOT NULL, "
                         "actor_role text NOT NULL, actor_org text NOT NULL, at bigint NOT NULL, payload bytea NOT NULL, "
                         "summary text NOT NULL, UNIQUE (instance, version))"));
    const Oid types[] = {20, 20, 20, 25, 25, 25, 25, 25, 25, 20, 17, 25};
    PQclear(PQprepare(conn, "insert",
                      "INSERT INTO log VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", 12, types));
    const Actor& actor = bench::case_manager();
    const std::string payload = encode(bench::sample_assign(1));
    std::vector<std::int64_t> versions(bench::kInterleavedInstances, 0);
    std::int64_t seq = 0, at = 1'700'000'000'000'000;
    std::size_t next = 0;
    for (auto _ : state) {
        PQclear(PQexec(conn, begin));
        for (int i = 0; i < per_txn; ++i) {
            const std::size_t instance = next++ % versions.size();
            const std::string values[] = {big_endian(++seq), big_endian(static_cast<std::int64_t>(instance)),
                                          big_endian(++versions[instance]), "assign", "intake", "intake", actor.id,
                                          actor.role, actor.organization, big_endian(++at), payload,
                                          "manager=cm-caritas-2"};
            const char* pointers[12];
            int lengths[12], formats[12];
            for (int v = 0; v < 12; ++v) {
                pointers[v] = values[v].data();
                lengths[v] = static_cast<int>(values[v].size());
                formats[v] = 1;
            }
            PGresult* r = PQexecPrepared(conn, "insert", 12, pointers, lengths, formats, 1);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) state.SkipWithError(PQerrorMessage(conn));
            PQclear(r);
        }
        PQclear(PQexec(conn, "COMMIT"));
    }
    PQfinish(conn);
    state.SetItemsProcessed(state.iterations() * per_txn);
    state.SetLabel(std::string("PostgreSQL, fsync, 1000 instances") + (state.range(1) ? ", write lock" : ""));
}

void BM_Pg_EngineFire(benchmark::State& state)
{
    const int per_txn = static_cast<int>(state.range(0));
    Database db("engine");
    auto store = std::make_shared<PgStore>(db.connection());
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
        for (int i = 0; i < per_txn; ++i, ++next) engine.fire(ids[next % ids.size()], bench::sample_assign(next), actor);
        if (unit) unit->commit();
    }
    state.SetItemsProcessed(state.iterations() * per_txn);
    state.SetLabel("PostgreSQL, fsync, 1000 instances");
}

// What an engine's check for other nodes' writes costs: one change_counter() (a round trip that
// reads the write counter), which PgStore pays where LISTEN/NOTIFY would not (docs/postgresql.md).
void BM_Pg_ChangeCounter(benchmark::State& state)
{
    Database db("counter");
    PgStore store(db.connection());
    for (auto _ : state) benchmark::DoNotOptimize(store.change_counter());
    state.SetLabel("PostgreSQL, one round trip on a Unix socket");
}

const int registered = bench::later([] {
    register_pg("BM_Pg_RawInsert", BM_Pg_RawInsert, true);
    register_pg("BM_Pg_EngineFire", BM_Pg_EngineFire, false);
    benchmark::RegisterBenchmark("BM_Pg_ChangeCounter", BM_Pg_ChangeCounter)
        ->Iterations(bench::settings().smoke ? 2 : 20000)
        ->Unit(benchmark::kMicrosecond);
});

}  // namespace
