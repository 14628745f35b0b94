// PgStore's audit trail and host data: the denial log, erasing personal data, scrubbing the
// tables, the settings, and the log in commit order (the event feed). The chains are checked in
// pg_verify.cpp.
#include <algorithm>
#include <cstdint>

#include "pg_impl.hpp"

namespace kimflow {

using pg::to_db;

void PgStore::log_denial(const StoredDenial& d)
{
    impl_->write("recording a refusal", [&] {
        const auto hash = chain::denial_hash(impl_->last_head(impl_->denial_head, "denial").hash, d);
        const std::int64_t seq = impl_->next_seq(impl_->denial_head, "denial");
        pg::insert_denial(impl_->conn, seq, d, pg::as_bytes(hash));
        impl_->extended(impl_->denial_head, seq, hash);
        return 0;
    });
}

std::vector<StoredDenial> PgStore::denials(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("reading refusals", [&] {
        const std::string columns = "SELECT lifecycle, instance, action, actor, actor_role, actor_org, at, reason FROM denial ";
        const pg::Result r =
            id.empty() ? impl_->conn.run(columns + "WHERE lifecycle = $1 ORDER BY seq", pg::Params().text(lifecycle))
                       : impl_->conn.run(columns + "WHERE lifecycle = $1 AND instance = $2 ORDER BY seq",
                                         pg::Params().text(lifecycle).text(id));
        std::vector<StoredDenial> out;
        for (int row = 0; row < r.rows(); ++row)
            out.push_back({r.text(row, 0), r.text(row, 1), r.text(row, 2),
                           Actor{r.text(row, 3), r.text(row, 4), r.text(row, 5)},
                           pg::timestamp_from_db(r.integer(row, 6)), r.text(row, 7)});
        return out;
    });
}

void PgStore::erase(const StoredInstance& erased, const std::vector<ErasedEntry>& entries,
                    const StoredTransition& record)
{
    begin();
    try {
        impl_->write("erasing personal data", [&] {
            const pg::Result current = impl_->conn.run(
                "SELECT key, version FROM instance WHERE lifecycle = $1 AND id = $2",
                pg::Params().text(erased.lifecycle).text(erased.id));
            if (current.rows() == 0) throw InstanceNotFound(erased.lifecycle, erased.id);
            const std::int64_t key = current.integer(0, 0);
            const auto stored = static_cast<std::uint64_t>(current.integer(0, 1));
            if (stored + 1 != erased.version) throw VersionConflict(erased.id, erased.version - 1, stored);
            for (const auto& e : entries) {
                const auto version = static_cast<std::int64_t>(e.version);
                const pg::Result chained = impl_->conn.run(
                    "SELECT erased_hash FROM transition WHERE instance = $1 AND version = $2",
                    pg::Params().integer(key).integer(version));
                if (chained.rows() == 0 ||
                    chained.view(0, 0) != pg::as_bytes(chain::payload_digest(e.payload, e.summary)))
                    throw StoreError("cannot erase " + erased.lifecycle + " '" + erased.id +
                                     "': the erased form of version " + std::to_string(e.version) +
                                     " is not the one chained when it was written; nothing was erased. Was the "
                                     "event's list of personal fields changed? Run kimctl verify");
                impl_->conn.run("UPDATE transition SET payload = $1, summary = $2, erased_at = $3 WHERE instance = $4 "
                                "AND version = $5",
                                pg::Params().bytes(e.payload).text(e.summary).integer(to_db(record.at)).integer(key).integer(
                                    version));
            }
            // Marked before the record is appended, so that the row the record chains is the erased one.
            impl_->conn.run("UPDATE instance SET erased_at = $1 WHERE key = $2",
                            pg::Params().integer(to_db(record.at)).integer(key));
            return 0;
        });
        append(erased, record);
        commit();
    } catch (...) {
        rollback();
        throw;
    }
}

void PgStore::scrub()
{
    impl_->read("rewriting the tables that held erased data", [&] {
        if (impl_->depth > 0) throw StoreError("scrub() inside a transaction; call it after the commit");
        // An UPDATE leaves the old row version in the table file until VACUUM removes it, and a
        // plain VACUUM only marks its space free. VACUUM FULL writes each table anew, without
        // them. It locks the two tables while it runs (docs/postgresql.md).
        impl_->conn.exec("VACUUM FULL transition, instance");
        return 0;
    });
}

std::optional<std::string> PgStore::setting(std::string_view key)
{
    return impl_->read("reading a setting", [&]() -> std::optional<std::string> {
        const pg::Result r = impl_->conn.run("SELECT value FROM setting WHERE key = $1", pg::Params().bytes(key));
        if (r.rows() == 0) return std::nullopt;
        return r.text(0, 0);
    });
}

void PgStore::put_setting(std::string_view key, std::string_view value)
{
    impl_->write("writing a setting", [&] {
        impl_->conn.run("INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = "
                        "excluded.value",
                        pg::Params().bytes(key).bytes(value));
        return 0;
    });
}

std::vector<std::pair<std::string, std::string>> PgStore::settings(std::string_view prefix)
{
    return impl_->read("listing settings", [&] {
        // A range on the key and its first bytes rather than LIKE, which would read '%' and '_' as
        // patterns.
        const pg::Result r = impl_->conn.run(
            "SELECT key, value FROM setting WHERE key >= $1 AND substring(key FROM 1 FOR $2::integer) = $1 ORDER BY key",
            pg::Params().bytes(prefix).integer(static_cast<std::int64_t>(prefix.size())));
        std::vector<std::pair<std::string, std::string>> out;
        for (int row = 0; row < r.rows(); ++row) out.emplace_back(r.text(row, 0), r.text(row, 1));
        return out;
    });
}

void PgStore::erase_setting(std::string_view key)
{
    impl_->write("removing a setting", [&] {
        impl_->conn.run("DELETE FROM setting WHERE key = $1", pg::Params().bytes(key));
        return 0;
    });
}

std::vector<LoggedTransition> PgStore::log_after(std::uint64_t seq, std::size_t limit)
{
    return impl_->read("reading the log", [&] {
        const pg::Result r = impl_->conn.run(
            "SELECT t.seq, i.lifecycle, i.id, i.owner, i.overseer, t.version, t.event, t.from_state, t.to_state, "
            "t.actor, t.actor_role, t.actor_org, t.at, t.payload, t.summary, t.erased_at FROM transition t JOIN "
            "instance i ON t.instance = i.key WHERE t.seq > $1 ORDER BY t.seq LIMIT $2",
            pg::Params().integer(static_cast<std::int64_t>(seq)).integer(static_cast<std::int64_t>(
                std::min<std::size_t>(limit, static_cast<std::size_t>(INT64_MAX)))));
        std::vector<LoggedTransition> out;
        for (int row = 0; row < r.rows(); ++row) {
            LoggedTransition e;
            e.seq = static_cast<std::uint64_t>(r.integer(row, 0));
            e.lifecycle = r.text(row, 1);
            e.id = r.text(row, 2);
            e.owner = r.text(row, 3);
            e.overseer = r.text(row, 4);
            e.transition = pg::transition_from(r, row, 5);
            if (const auto erased = r.optional_integer(row, 15)) e.transition.erased_at = pg::timestamp_from_db(*erased);
            out.push_back(std::move(e));
        }
        return out;
    });
}

}  // namespace kimflow
