// The libpq connection of PgStore (pg_connection.hpp).
#include "pg_connection.hpp"

#include <cstring>

namespace kimflow::pg {

namespace {

// PostgreSQL's fixed type OIDs (catalog/pg_type.dat); the client headers do not carry them.
constexpr Oid bytea_oid = 17;
constexpr Oid int8_oid = 20;
constexpr Oid text_oid = 25;

std::string big_endian(std::int64_t value)
{
    std::string out(8, '\0');
    const auto v = static_cast<std::uint64_t>(value);
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>(v >> (56 - 8 * i));
    return out;
}

/// @p conninfo with its password left out, for messages and logs.
std::string without_password(const std::string& conninfo)
{
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (!options) {
        PQfreemem(error);
        return "(a connection string libpq cannot read)";
    }
    std::string out;
    for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (!o->val || !*o->val || std::strcmp(o->keyword, "password") == 0) continue;
        out += (out.empty() ? "" : " ") + std::string(o->keyword) + "=" + o->val;
    }
    PQconninfoFree(options);
    return out;
}

}  // namespace

void Params::add(Oid type, std::string value, bool null)
{
    types_.push_back(type);
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(1);
    values_.push_back(std::move(value));
    nulls_.push_back(null);
}

Params& Params::integer(std::int64_t value)
{
    add(int8_oid, big_endian(value), false);
    return *this;
}

Params& Params::integer(std::optional<std::int64_t> value)
{
    add(int8_oid, value ? big_endian(*value) : std::string(), !value);
    return *this;
}

Params& Params::text(std::string_view value)
{
    add(text_oid, std::string(value), false);
    return *this;
}

Params& Params::bytes(std::string_view value)
{
    add(bytea_oid, std::string(value), false);
    return *this;
}

Params& Params::optional_bytes(std::optional<std::string_view> value)
{
    add(bytea_oid, value ? std::string(*value) : std::string(), !value);
    return *this;
}

std::vector<const char*> Params::values() const
{
    std::vector<const char*> out;
    out.reserve(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) out.push_back(nulls_[i] ? nullptr : values_[i].data());
    return out;
}

std::int64_t Result::integer(int row, int column) const
{
    if (null(row, column) || PQgetlength(result_.get(), row, column) != 8)
        throw Failure("column " + std::to_string(column) + " is not a bigint", "", false);
    const auto* bytes = reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column));
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | bytes[i];
    return static_cast<std::int64_t>(v);
}

std::optional<std::int64_t> Result::optional_integer(int row, int column) const
{
    if (null(row, column)) return std::nullopt;
    return integer(row, column);
}

std::string_view Result::view(int row, int column) const
{
    return std::string_view(PQgetvalue(result_.get(), row, column),
                            static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

Connection::Connection(std::string conninfo, std::chrono::seconds connect_timeout)
    : conninfo_(std::move(conninfo)), where_(without_password(conninfo_)), conn_(nullptr, &PQfinish)
{
    // libpq takes the timeout as one more keyword; a URI or a keyword string both accept it
    // through PQconnectdbParams with expand_dbname.
    const std::string timeout = std::to_string(connect_timeout.count());
    const char* keywords[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {conninfo_.c_str(), timeout.c_str(), "kimflow", nullptr};
    conn_.reset(PQconnectdbParams(keywords, values, 1));
    if (!up()) fail(nullptr, "cannot connect");
    PQsetErrorVerbosity(conn_.get(), PQERRORS_DEFAULT);
    // The server's notices (a ROLLBACK with no transaction open, say) are not errors, and libpq
    // would print them on stderr, in the middle of a host's output.
    PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
}

void Connection::leave_transaction()
{
    const PGTransactionStatusType status = PQtransactionStatus(conn_.get());
    if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) exec("ROLLBACK");
}

void Connection::fail(PGresult* result, const std::string& what)
{
    std::string sqlstate;
    std::string message = PQerrorMessage(conn_.get());
    if (result) {
        if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) sqlstate = state;
        if (const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) message = primary;
        PQclear(result);
    }
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    const bool lost = !up() || sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
                      sqlstate == "57P03";
    throw Failure(what + ": " + message, sqlstate, lost);
}

void Connection::ensure()
{
    if (up()) return;
    prepared_.clear();  // a new session knows none of them
    PQreset(conn_.get());
    if (!up()) fail(nullptr, "cannot reconnect");
}

Result Connection::run(std::string_view sql, const Params& params)
{
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
        const std::string name = "kimflow_" + std::to_string(prepared_.size() + 1);
        const std::string text(sql);
        PGresult* prepared = PQprepare(conn_.get(), name.c_str(), text.c_str(), params.size(), params.types());
        if (!prepared || PQresultStatus(prepared) != PGRES_COMMAND_OK) fail(prepared, "cannot prepare a statement");
        PQclear(prepared);
        it = prepared_.emplace(text, name).first;
    }
    const std::vector<const char*> values = params.values();
    PGresult* result = PQexecPrepared(conn_.get(), it->second.c_str(), params.size(), values.data(), params.lengths(),
                                      params.formats(), 1);
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(result, "a statement failed");
    return Result(result);
}

void Connection::exec(const std::string& sql)
{
    PGresult* result = PQexec(conn_.get(), sql.c_str());
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(result, "a statement failed");
    PQclear(result);
}

}  // namespace kimflow::pg
