// SqliteStore's audit trail: the denial log, erasing the personal data in the log's
// entries, and scrubbing the write-ahead log. The chains are checked in sqlite_verify.cpp.
#include <sqlite3.h>

#include "sqlite_impl.hpp"

namespace kimflow {

using sqlite_detail::digest_from_db;
using sqlite_detail::same_digest;
using sqlite_detail::timestamp_from_db;
using sqlite_detail::to_db;

void SqliteStore::log_denial(const StoredDenial& d)
{
    impl_->write("recording a refusal", [&] {
        const auto hash = chain::denial_hash(impl_->last_head(impl_->denial_head, "denial").hash, d);
        auto s = impl_->statement("INSERT INTO denial (lifecycle, instance, action, actor, actor_role, actor_org, at, "
                                  "reason, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s->bind(1, d.lifecycle);
        s->bind(2, d.instance);
        s->bind(3, d.action);
        s->bind(4, d.actor.id);
        s->bind(5, d.actor.role);
        s->bind(6, d.actor.organization);
        s->bind(7, to_db(d.at));
        s->bind(8, d.reason);
        s->bind(9, hash.data(), static_cast<int>(hash.size()));
        s->exec();
        impl_->extended(impl_->denial_head, impl_->db.getLastInsertRowid(), hash);
        return 0;
    });
}

std::vector<StoredDenial> SqliteStore::denials(std::string_view lifecycle, std::string_view id)
{
    return impl_->read("reading refusals", [&] {
        auto s = impl_->statement(id.empty()
                                      ? "SELECT lifecycle, instance, action, actor, actor_role, actor_org, at, reason "
                                        "FROM denial WHERE lifecycle = ? ORDER BY seq"
                                      : "SELECT lifecycle, instance, action, actor, actor_role, actor_org, at, reason "
                                        "FROM denial WHERE lifecycle = ? AND instance = ? ORDER BY seq");
        s->bind(1, std::string(lifecycle));
        if (!id.empty()) s->bind(2, std::string(id));
        std::vector<StoredDenial> out;
        while (s->executeStep())
            out.push_back({s->getColumn(0).getString(), s->getColumn(1).getString(), s->getColumn(2).getString(),
                           Actor{s->getColumn(3).getString(), s->getColumn(4).getString(), s->getColumn(5).getString()},
                           timestamp_from_db(s->getColumn(6).getInt64()), s->getColumn(7).getString()});
        return out;
    });
}

void SqliteStore::erase(const StoredInstance& erased, const std::vector<ErasedEntry>& entries,
                        const StoredTransition& record)
{
    begin();
    try {
        impl_->write("erasing personal data", [&] {
            std::int64_t key = 0;
            {
                auto current = impl_->statement("SELECT key, version FROM instance WHERE lifecycle = ? AND id = ?");
                current->bind(1, erased.lifecycle);
                current->bind(2, erased.id);
                if (!current->executeStep()) throw InstanceNotFound(erased.lifecycle, erased.id);
                key = current->getColumn(0).getInt64();
                const auto stored = static_cast<std::uint64_t>(current->getColumn(1).getInt64());
                if (stored + 1 != erased.version) throw VersionConflict(erased.id, erased.version - 1, stored);
            }
            for (const auto& e : entries) {
                {
                    auto chained =
                        impl_->statement("SELECT erased_hash FROM transition WHERE instance = ? AND version = ?");
                    chained->bind(1, key);
                    chained->bind(2, static_cast<std::int64_t>(e.version));
                    if (!chained->executeStep() ||
                        !same_digest(chained->getColumn(0), chain::payload_digest(e.payload, e.summary)))
                        throw StoreError("cannot erase " + erased.lifecycle + " '" + erased.id +
                                         "': the erased form of version " + std::to_string(e.version) +
                                         " is not the one chained when it was written; nothing was erased. Was the "
                                         "event's list of personal fields changed? Run kimctl verify");
                }
                auto update = impl_->statement(
                    "UPDATE transition SET payload = ?, summary = ?, erased_at = ? WHERE instance = ? AND version = ?");
                update->bindNoCopy(1, e.payload.data(), static_cast<int>(e.payload.size()));
                update->bindNoCopy(2, e.summary);
                update->bind(3, to_db(record.at));
                update->bind(4, key);
                update->bind(5, static_cast<std::int64_t>(e.version));
                update->exec();
            }
            return 0;
        });
        // Marked before the record is appended, so that the row the record chains is the erased one.
        impl_->write("erasing personal data", [&] {
            auto mark = impl_->statement("UPDATE instance SET erased_at = ? WHERE lifecycle = ? AND id = ?");
            mark->bind(1, to_db(record.at));
            mark->bind(2, erased.lifecycle);
            mark->bind(3, erased.id);
            mark->exec();
            return 0;
        });
        append(erased, record);
        commit();
    } catch (...) {
        rollback();
        throw;
    }
}

void SqliteStore::scrub()
{
    impl_->read("moving erasures out of the write-ahead log", [&] {
        if (impl_->depth > 0) throw StoreError("scrub() inside a transaction; call it after the commit");
        // TRUNCATE: every page in the WAL (old copies included) goes into the database file, and
        // the WAL file is cut to nothing.
        SQLite::Statement s(impl_->db, "PRAGMA wal_checkpoint(TRUNCATE)");
        s.executeStep();
        if (s.getColumn(0).getInt() != 0)
            throw StoreBusy("kimflow database '" + impl_->path +
                                "': another connection is reading, so erased data may remain in the write-ahead "
                                "log; close other programs using it and purge again (nothing is lost)",
                            SQLITE_BUSY);
        return 0;
    });
}

}  // namespace kimflow
