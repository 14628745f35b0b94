// SqliteStore's settings beyond one key (a prefix's, removal) and the log in commit order (the
// event feed of kimflowd).
#include "sqlite_impl.hpp"

namespace kimflow {

std::vector<std::pair<std::string, std::string>> SqliteStore::settings(std::string_view prefix)
{
    return impl_->read("listing settings", [&] {
        // A range on the primary key rather than LIKE, which would read '%' and '_' as patterns;
        // compared as bytes, since substr() of text counts characters and the length is in bytes.
        auto s = impl_->statement("SELECT key, value FROM setting WHERE key >= ? AND substr(CAST(key AS BLOB), 1, ?) = "
                                  "CAST(? AS BLOB) ORDER BY key");
        const std::string p(prefix);
        s->bind(1, p);
        s->bind(2, static_cast<std::int64_t>(p.size()));
        s->bind(3, p);
        std::vector<std::pair<std::string, std::string>> out;
        while (s->executeStep()) out.emplace_back(s->getColumn(0).getString(), s->getColumn(1).getString());
        return out;
    });
}

void SqliteStore::erase_setting(std::string_view key)
{
    impl_->write("removing a setting", [&] {
        auto s = impl_->statement("DELETE FROM setting WHERE key = ?");
        s->bind(1, std::string(key));
        s->exec();
        return 0;
    });
}

std::vector<LoggedTransition> SqliteStore::log_after(std::uint64_t seq, std::size_t limit)
{
    return impl_->read("reading the log", [&] {
        auto s = impl_->statement(
            "SELECT t.seq, i.lifecycle, i.id, i.owner, i.overseer, t.version, t.event, t.from_state, t.to_state, "
            "t.actor, t.actor_role, t.actor_org, t.at, t.payload, t.summary, t.erased_at FROM transition t JOIN "
            "instance i ON t.instance = i.key WHERE t.seq > ? ORDER BY t.seq LIMIT ?");
        s->bind(1, static_cast<std::int64_t>(seq));
        s->bind(2, static_cast<std::int64_t>(limit));
        std::vector<LoggedTransition> out;
        while (s->executeStep()) {
            LoggedTransition e;
            e.seq = static_cast<std::uint64_t>(s->getColumn(0).getInt64());
            e.lifecycle = s->getColumn(1).getString();
            e.id = s->getColumn(2).getString();
            e.owner = s->getColumn(3).getString();
            e.overseer = s->getColumn(4).getString();
            e.transition = Impl::transition_from(*s, 5);
            if (!s->getColumn(15).isNull())
                e.transition.erased_at = sqlite_detail::timestamp_from_db(s->getColumn(15).getInt64());
            out.push_back(std::move(e));
        }
        return out;
    });
}

}  // namespace kimflow
