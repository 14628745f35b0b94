// PgStore's tables: the schema of each released version, and opening a database, refusing one
// that holds another application's tables or was written by a newer kimflow.
#include <string>

#include "pg_impl.hpp"

namespace kimflow {

namespace {

// Schema 1 (kimflow 0.5): what SQLite's schema 6 holds, in PostgreSQL's types. Times are bigint
// microseconds and dates bigint days, as in SQLite, so that values and hashes copy unchanged.
// Text that is sorted or compared (ids, keys) is COLLATE "C": bytes order, as in SQLite, whatever
// the database's locale. The logs' seq is written by kimflow under the write lock (the last
// seq + 1), not taken from a sequence, so that seqs follow commit order without gaps.
const char* const kSchemaV1[] = {
    "CREATE TABLE kimflow_meta (name text PRIMARY KEY, value text NOT NULL)",
    R"(CREATE TABLE instance (
        key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        lifecycle text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        version bigint NOT NULL,
        state text COLLATE "C" NOT NULL,
        states text NOT NULL,
        data bytea NOT NULL,
        created_at bigint NOT NULL,
        created_by text NOT NULL,
        created_role text NOT NULL,
        created_org text NOT NULL,
        due bigint,
        owner text COLLATE "C" NOT NULL,
        area text COLLATE "C" NOT NULL,
        overseer text COLLATE "C" NOT NULL,
        erased_at bigint,
        timer_at bigint,
        UNIQUE (lifecycle, id)))",
    // Each query index ends in id, so that a query answers in id order without sorting.
    "CREATE INDEX instance_by_state ON instance (lifecycle, state, id)",
    "CREATE INDEX instance_by_due ON instance (lifecycle, due) WHERE due IS NOT NULL",
    "CREATE INDEX instance_by_owner ON instance (lifecycle, owner, id)",
    "CREATE INDEX instance_by_area ON instance (lifecycle, area, id)",
    "CREATE INDEX instance_by_overseer ON instance (lifecycle, overseer, id)",
    "CREATE INDEX instance_by_timer ON instance (lifecycle, timer_at) WHERE timer_at IS NOT NULL",
    // row_digest is NULL for entries written before rows were chained (format 1, copied from an
    // older SQLite file); store/chain.hpp.
    R"(CREATE TABLE transition (
        seq bigint PRIMARY KEY,
        instance bigint NOT NULL REFERENCES instance (key),
        version bigint NOT NULL,
        event text NOT NULL,
        from_state text NOT NULL,
        to_state text NOT NULL,
        actor text NOT NULL,
        actor_role text NOT NULL,
        actor_org text NOT NULL,
        at bigint NOT NULL,
        payload bytea NOT NULL,
        summary text NOT NULL,
        payload_hash bytea NOT NULL,
        erased_hash bytea NOT NULL,
        hash bytea NOT NULL,
        row_digest bytea,
        erased_at bigint,
        UNIQUE (instance, version)))",
    R"(CREATE TABLE denial (
        seq bigint PRIMARY KEY,
        lifecycle text COLLATE "C" NOT NULL,
        instance text COLLATE "C" NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        actor_role text NOT NULL,
        actor_org text NOT NULL,
        at bigint NOT NULL,
        reason text NOT NULL,
        hash bytea NOT NULL))",
    "CREATE INDEX denial_by_instance ON denial (lifecycle, instance, seq)",
    R"(CREATE TABLE creation (
        seq bigint PRIMARY KEY,
        lifecycle text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        row_digest bytea NOT NULL,
        hash bytea NOT NULL))",
    "CREATE INDEX creation_by_instance ON creation (lifecycle, id, seq)",
    R"(CREATE TABLE checkpoint (
        seq bigint PRIMARY KEY,
        transitions bigint NOT NULL,
        transition_head bytea NOT NULL,
        denials bigint NOT NULL,
        denial_head bytea NOT NULL,
        creations bigint NOT NULL,
        creation_head bytea NOT NULL,
        at bigint NOT NULL,
        key_id text NOT NULL,
        signature bytea NOT NULL))",
    // The host's text, kept byte for byte as SQLite keeps it (a NUL included): bytea.
    "CREATE TABLE setting (key bytea PRIMARY KEY, value bytea NOT NULL)",
    // Moved by every write transaction of every node: what change_counter() reads.
    "CREATE TABLE kimflow_writes (id int PRIMARY KEY, counter bigint NOT NULL)",
    "INSERT INTO kimflow_writes VALUES (1, 0)",
};

}  // namespace

void PgStore::Impl::open()
{
    conn.exec("SET lock_timeout = '" + std::to_string(options.busy_timeout.count()) + "ms'");
    // One node at a time looks at the tables and creates them.
    conn.exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(pg::write_lock) + ")");
    try {
        const auto tables = [&](const char* condition) {
            return conn
                .run(std::string("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND ") +
                     condition)
                .integer(0, 0);
        };
        const std::string here = "kimflow database '" + where() + "': ";
        if (tables("tablename = 'kimflow_meta'") == 0) {
            if (tables("true") > 0)
                throw NotAKimflowDatabase(here + "holds tables of another application and no kimflow tables; give "
                                                 "kimflow a database (or schema) of its own");
            if (!options.create)
                throw NotAKimflowDatabase(here + "holds no kimflow tables; check the database name, or create them "
                                                 "(kimctl init)");
            for (const char* sql : kSchemaV1) conn.exec(sql);
            conn.run("INSERT INTO kimflow_meta VALUES ('application', 'kimflow'), ('schema_version', $1)",
                     pg::Params().text(std::to_string(PgStore::schema_version)));
        } else {
            const pg::Result meta = conn.run("SELECT name, value FROM kimflow_meta WHERE name IN ('application', "
                                             "'schema_version') ORDER BY name");
            if (meta.rows() != 2 || meta.view(0, 1) != "kimflow")
                throw NotAKimflowDatabase(here + "has a kimflow_meta table that kimflow did not write");
            const std::string version = meta.text(1, 1);
            if (version != std::to_string(PgStore::schema_version)) {
                // Versions are whole numbers from 1; a later one is a newer kimflow's.
                throw SchemaTooNew(here + "was written by a newer kimflow (schema " + version + ", this one knows " +
                                   std::to_string(PgStore::schema_version) + "); update kimflow");
            }
        }
        conn.exec("COMMIT");
    } catch (...) {
        try {
            conn.exec("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
}

}  // namespace kimflow
