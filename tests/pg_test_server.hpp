// A PostgreSQL database of its own for each test, on the test run's server: ctest starts one
// server for the run (tests/postgresql/server.cmake, fixture kimflow_postgresql) and tells the
// tests its folder in KIMFLOW_TEST_PG_DIR; a test program run by hand starts a server of its own
// in a temporary folder and stops it when it exits.
#pragma once

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

namespace kimflow_test {

namespace pg_detail {

inline void run_server_script(const std::string& action, const std::string& dir, bool durable = false)
{
    const std::string command = std::string(KIMFLOW_CMAKE_COMMAND) + " -DACTION=" + action + " -DDIR=" + dir +
                                (durable ? " -DDURABLE=ON" : "") + " -DBINDIR=" KIMFLOW_PG_BINDIR
                                " -P " KIMFLOW_PG_SERVER_SCRIPT " >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot " + action + " a PostgreSQL server in " + dir);
}

}  // namespace pg_detail

/// A PostgreSQL server in a temporary folder of its own, stopped and removed at the end of its
/// scope: for a test that stops and restarts the server, and for a test program run by hand.
class PgServer {
public:
    /// @p durable: the server syncs its commits (fsync on), as in production; the tests' server
    /// does not, since no test cuts power.
    explicit PgServer(bool durable = false) : durable_(durable)
    {
        char pattern[] = "/tmp/kimflow-pg-XXXXXX";
        if (!mkdtemp(pattern)) throw std::runtime_error("cannot make a folder for a PostgreSQL server");
        dir_ = pattern;
        pg_detail::run_server_script("start", dir_, durable_);
    }
    ~PgServer()
    {
        try {
            pg_detail::run_server_script("stop", dir_);
        } catch (...) {
        }
    }
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    /// Stops the server, keeping its data (a restart's first half).
    void halt() { pg_detail::run_server_script("halt", dir_); }
    /// Starts the halted server again.
    void resume() { pg_detail::run_server_script("resume", dir_, durable_); }
    /// The folder of its data and socket.
    const std::string& dir() const noexcept { return dir_; }
    /// The connection string of its database `postgres`.
    std::string connection() const { return "host=" + dir_ + " user=kimflow dbname=postgres"; }
    /// The same as a `postgresql://` URI (kimflowd's and kimctl's `db`).
    std::string uri() const { return "postgresql:///postgres?host=" + dir_ + "&user=kimflow"; }

private:
    bool durable_;
    std::string dir_;
};

namespace pg_detail {

inline const std::string& server_dir()
{
    static const std::string dir = [] {
        if (const char* given = std::getenv("KIMFLOW_TEST_PG_DIR"); given && *given) return std::string(given);
        static PgServer own;
        return own.dir();
    }();
    return dir;
}

/// Runs @p sql (statements without rows) in database @p database of the test server.
inline void admin(const std::string& sql, const std::string& database = "postgres")
{
    const std::string conninfo = "host=" + server_dir() + " user=kimflow dbname=" + database;
    PGconn* conn = PQconnectdb(conninfo.c_str());
    std::string error;
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PGresult* r = PQexec(conn, sql.c_str());
        if (PQresultStatus(r) != PGRES_COMMAND_OK) error = PQerrorMessage(conn);
        PQclear(r);
    }
    PQfinish(conn);
    if (!error.empty()) throw std::runtime_error("PostgreSQL test server: " + sql + ": " + error);
}

/// The first value @p sql gives in database @p database, as text (empty for none).
inline std::string value(const std::string& sql, const std::string& database)
{
    const std::string conninfo = "host=" + server_dir() + " user=kimflow dbname=" + database;
    PGconn* conn = PQconnectdb(conninfo.c_str());
    std::string error, out;
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PGresult* r = PQexec(conn, sql.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            error = PQerrorMessage(conn);
        else if (PQntuples(r) > 0)
            out = PQgetvalue(r, 0, 0);
        PQclear(r);
    }
    PQfinish(conn);
    if (!error.empty()) throw std::runtime_error("PostgreSQL test server: " + sql + ": " + error);
    return out;
}

}  // namespace pg_detail

/// A new, empty database on the test server, dropped again at the end of its scope.
class PgDatabase {
public:
    PgDatabase()
    {
        static std::atomic<int> counter{0};
        name_ = "kimflow_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
        pg_detail::admin("CREATE DATABASE " + name_ + " STRATEGY FILE_COPY");
    }
    ~PgDatabase()
    {
        try {
            pg_detail::admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {
        }
    }
    PgDatabase(const PgDatabase&) = delete;
    PgDatabase& operator=(const PgDatabase&) = delete;

    /// The libpq connection string of the database.
    std::string connection() const { return "host=" + pg_detail::server_dir() + " user=kimflow dbname=" + name_; }
    const std::string& name() const noexcept { return name_; }
    /// Runs @p sql in the database as its owner would, outside kimflow (to set up or damage it).
    void run(const std::string& sql) const { pg_detail::admin(sql, name_); }
    /// The first value @p sql gives in the database, as text.
    std::string value(const std::string& sql) const { return pg_detail::value(sql, name_); }

private:
    std::string name_;
};

}  // namespace kimflow_test
