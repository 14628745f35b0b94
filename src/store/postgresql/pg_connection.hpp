// One libpq connection as PgStore uses it: statements prepared once per text, parameters and
// results in binary (no text round trip of numbers, bytes as they are), and libpq's failures as
// one exception with PostgreSQL's SQLSTATE. Private to src/store/postgresql.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

namespace kimflow::pg {

/// A failed call: PostgreSQL's SQLSTATE (empty where libpq gave none) and whether the
/// connection is gone with it.
class Failure : public std::runtime_error {
public:
    Failure(const std::string& message, std::string sqlstate, bool connection_lost)
        : std::runtime_error(message), sqlstate_(std::move(sqlstate)), lost_(connection_lost)
    {
    }
    const std::string& sqlstate() const noexcept { return sqlstate_; }
    bool connection_lost() const noexcept { return lost_; }

private:
    std::string sqlstate_;
    bool lost_;
};

/// A statement's parameters, each sent in binary with its type.
class Params {
public:
    Params& integer(std::int64_t value);
    Params& integer(std::optional<std::int64_t> value);
    Params& text(std::string_view value);
    Params& bytes(std::string_view value);
    /// bytea, NULL for none.
    Params& optional_bytes(std::optional<std::string_view> value);

    int size() const noexcept { return static_cast<int>(types_.size()); }
    const Oid* types() const noexcept { return types_.data(); }
    std::vector<const char*> values() const;
    const int* lengths() const noexcept { return lengths_.data(); }
    const int* formats() const noexcept { return formats_.data(); }

private:
    void add(Oid type, std::string value, bool null);
    std::vector<Oid> types_;
    std::vector<std::string> values_;
    std::vector<bool> nulls_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
};

/// A statement's rows, in binary.
class Result {
public:
    explicit Result(PGresult* result) : result_(result, &PQclear) {}
    int rows() const noexcept { return PQntuples(result_.get()); }
    bool null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
    /// A bigint column.
    std::int64_t integer(int row, int column) const;
    /// A bigint column that may be NULL.
    std::optional<std::int64_t> optional_integer(int row, int column) const;
    /// A text or bytea column, as bytes (empty for NULL).
    std::string text(int row, int column) const { return std::string(view(row, column)); }
    std::string_view view(int row, int column) const;

private:
    std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

/// A connection to one database.
class Connection {
public:
    /// Connects to @p conninfo. @throws Failure (connection_lost) if the server cannot be reached
    Connection(std::string conninfo, std::chrono::seconds connect_timeout);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Runs @p sql with @p params (prepared on first use); rows in binary.
    Result run(std::string_view sql, const Params& params = {});
    /// Runs @p sql as it is (several statements allowed, no parameters, no rows).
    void exec(const std::string& sql);
    /// Whether the connection is up; reconnects once if it is not. @throws Failure if it stays down
    void ensure();
    /// Rolls back a transaction the session is still in (none: nothing happens).
    void leave_transaction();
    /// Whether libpq still holds a working connection.
    bool up() const noexcept { return PQstatus(conn_.get()) == CONNECTION_OK; }
    /// The connection string without a password, for messages.
    const std::string& where() const noexcept { return where_; }

private:
    [[noreturn]] void fail(PGresult* result, const std::string& what);
    std::string conninfo_;
    std::string where_;
    std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
    std::map<std::string, std::string, std::less<>> prepared_;  // SQL text -> statement name
};

}  // namespace kimflow::pg
