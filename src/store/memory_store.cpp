// InMemoryStore: rows in ordered maps, the logs in commit order with the same hash chain as
// SqliteStore, and transactions as undo lists (one per nesting level), so that a begin()
// costs nothing however many instances there are.
#include "kimflow/store/memory_store.hpp"

#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "chain.hpp"

namespace kimflow {

namespace {

struct LogEntry {
    std::string lifecycle;
    std::string id;
    StoredTransition transition;
    Sha256::Digest payload_hash{};
    Sha256::Digest erased_hash{};
    Sha256::Digest hash{};
};

struct DenialEntry {
    StoredDenial denial;
    Sha256::Digest hash{};
};

struct Row {
    StoredInstance instance;
    /// Positions of its entries in the transition log, oldest first.
    std::vector<std::size_t> log;
};

using Key = std::pair<std::string, std::string>;

}  // namespace

struct InMemoryStore::Impl {
    std::recursive_mutex mutex;
    std::unique_lock<std::recursive_mutex> transaction_lock{mutex, std::defer_lock};
    /// One undo list per open level, innermost last; empty outside a transaction.
    std::vector<std::vector<std::function<void()>>> undo;
    std::map<Key, Row, std::less<>> rows;
    std::vector<LogEntry> log;
    std::vector<DenialEntry> denial_log;
    std::uint64_t changes = 0;

    /// Records how to undo a change just made, if a transaction is open.
    void on_rollback(std::function<void()> undo_it)
    {
        if (!undo.empty()) undo.back().push_back(std::move(undo_it));
    }

    Row* find_row(std::string_view lifecycle, std::string_view id)
    {
        auto it = rows.find(Key{std::string(lifecycle), std::string(id)});
        return it == rows.end() ? nullptr : &it->second;
    }

    Sha256::Digest last_transition_hash() const { return log.empty() ? chain::genesis : log.back().hash; }

    /// Appends @p t to @p row's log and the chain, and moves the row to @p after.
    void append(Row& row, const StoredInstance& after, const StoredTransition& t)
    {
        LogEntry entry{after.lifecycle, after.id, t, {}, {}, {}};
        entry.transition.erased_at.reset();
        entry.payload_hash = chain::payload_digest(t.payload, t.summary);
        entry.erased_hash = t.personal ? chain::payload_digest(t.erased_payload, t.erased_summary) : entry.payload_hash;
        entry.hash = chain::transition_hash(last_transition_hash(), after.lifecycle, after.id, entry.transition,
                                            entry.payload_hash, entry.erased_hash);
        StoredInstance before = row.instance;
        row.instance = after;
        row.instance.created_at = before.created_at;  // as SqliteStore: creation facts are not rewritten
        row.instance.created_by = before.created_by;
        row.instance.erased_at = before.erased_at;
        row.instance.last_transition_at.reset();
        log.push_back(std::move(entry));
        row.log.push_back(log.size() - 1);
        on_rollback([this, &row, before = std::move(before)]() mutable {
            row.log.pop_back();
            log.pop_back();
            row.instance = std::move(before);
        });
    }

    template <class F>
    auto locked(F&& f)
    {
        std::lock_guard<std::recursive_mutex> lock(mutex);
        return f();
    }

    template <class F>
    auto write(F&& f)
    {
        std::lock_guard<std::recursive_mutex> lock(mutex);
        ++changes;
        return f();
    }
};

InMemoryStore::InMemoryStore() : impl_(std::make_unique<Impl>()) {}

InMemoryStore::~InMemoryStore() = default;

std::optional<StoredInstance> InMemoryStore::load(std::string_view lifecycle, std::string_view id)
{
    return impl_->locked([&]() -> std::optional<StoredInstance> {
        const Row* row = impl_->find_row(lifecycle, id);
        if (!row) return std::nullopt;
        StoredInstance out = row->instance;
        if (!row->log.empty()) out.last_transition_at = impl_->log[row->log.back()].transition.at;
        return out;
    });
}

std::optional<std::uint64_t> InMemoryStore::version(std::string_view lifecycle, std::string_view id)
{
    return impl_->locked([&]() -> std::optional<std::uint64_t> {
        const Row* row = impl_->find_row(lifecycle, id);
        return row ? std::optional<std::uint64_t>(row->instance.version) : std::nullopt;
    });
}

void InMemoryStore::insert(const StoredInstance& instance)
{
    impl_->write([&] {
        Key key{instance.lifecycle, instance.id};
        const auto [it, fresh] = impl_->rows.emplace(key, Row{instance, {}});
        if (!fresh) throw DuplicateInstance(instance.lifecycle, instance.id);
        it->second.instance.last_transition_at.reset();
        impl_->on_rollback([this, key = std::move(key)] { impl_->rows.erase(key); });
    });
}

void InMemoryStore::append(const StoredInstance& after, const StoredTransition& transition)
{
    impl_->write([&] {
        Row* row = impl_->find_row(after.lifecycle, after.id);
        if (!row) throw InstanceNotFound(after.lifecycle, after.id);
        if (row->instance.version + 1 != after.version)
            throw VersionConflict(after.id, after.version - 1, row->instance.version);
        impl_->append(*row, after, transition);
    });
}

std::vector<StoredTransition> InMemoryStore::history(std::string_view lifecycle, std::string_view id)
{
    return impl_->locked([&] {
        std::vector<StoredTransition> out;
        if (const Row* row = impl_->find_row(lifecycle, id))
            for (std::size_t at : row->log) out.push_back(impl_->log[at].transition);
        return out;
    });
}

std::vector<std::string> InMemoryStore::find(const InstanceQuery& q)
{
    return impl_->locked([&] {
        std::vector<std::string> out;
        for (auto it = impl_->rows.lower_bound(Key{q.lifecycle, std::string()});
             it != impl_->rows.end() && it->first.first == q.lifecycle; ++it) {
            const StoredInstance& in = it->second.instance;
            if (!q.state.empty() && in.state != q.state) continue;
            if (!q.owner.empty() && in.owner != q.owner) continue;
            if (!q.area.empty() && in.area != q.area) continue;
            if (!q.overseer.empty() && in.overseer != q.overseer) continue;
            if (q.due_before && !(in.due && *in.due < *q.due_before)) continue;
            out.push_back(in.id);
        }
        return out;  // in id order: the map's
    });
}

std::uint64_t InMemoryStore::count(std::string_view lifecycle)
{
    return impl_->locked([&] {
        std::uint64_t n = 0;
        for (auto it = impl_->rows.lower_bound(Key{std::string(lifecycle), std::string()});
             it != impl_->rows.end() && it->first.first == lifecycle; ++it)
            ++n;
        return n;
    });
}

std::optional<std::uint64_t> InMemoryStore::change_counter()
{
    return impl_->locked([&] { return std::optional<std::uint64_t>(impl_->changes); });
}

void InMemoryStore::log_denial(const StoredDenial& denial)
{
    impl_->write([&] {
        const Sha256::Digest previous =
            impl_->denial_log.empty() ? chain::genesis : impl_->denial_log.back().hash;
        impl_->denial_log.push_back({denial, chain::denial_hash(previous, denial)});
        impl_->on_rollback([this] { impl_->denial_log.pop_back(); });
    });
}

std::vector<StoredDenial> InMemoryStore::denials(std::string_view lifecycle, std::string_view id)
{
    return impl_->locked([&] {
        std::vector<StoredDenial> out;
        for (const auto& entry : impl_->denial_log)
            if (entry.denial.lifecycle == lifecycle && (id.empty() || entry.denial.instance == id))
                out.push_back(entry.denial);
        return out;
    });
}

void InMemoryStore::erase(const StoredInstance& erased, const std::vector<ErasedEntry>& entries,
                          const StoredTransition& record)
{
    impl_->write([&] {
        Row* row = impl_->find_row(erased.lifecycle, erased.id);
        if (!row) throw InstanceNotFound(erased.lifecycle, erased.id);
        if (row->instance.version + 1 != erased.version)
            throw VersionConflict(erased.id, erased.version - 1, row->instance.version);
        // Every check first: a refused erasure changes nothing.
        std::vector<std::size_t> positions;
        for (const auto& e : entries) {
            std::size_t found = impl_->log.size();
            for (std::size_t at : row->log)
                if (impl_->log[at].transition.version == e.version) found = at;
            if (found == impl_->log.size() ||
                impl_->log[found].erased_hash != chain::payload_digest(e.payload, e.summary))
                throw StoreError("cannot erase " + erased.lifecycle + " '" + erased.id + "': the erased form of version " +
                                 std::to_string(e.version) +
                                 " is not the one chained when it was written; nothing was erased. Was the event's "
                                 "list of personal fields changed?");
            positions.push_back(found);
        }
        for (std::size_t i = 0; i < entries.size(); ++i) {
            StoredTransition& t = impl_->log[positions[i]].transition;
            StoredTransition before = t;
            t.payload = entries[i].payload;
            t.summary = entries[i].summary;
            t.erased_at = record.at;
            // By position: the log may grow (and move) before the undo runs.
            impl_->on_rollback([this, at = positions[i], before = std::move(before)]() mutable {
                impl_->log[at].transition = std::move(before);
            });
        }
        impl_->append(*row, erased, record);
        const std::optional<Timestamp> erased_before = row->instance.erased_at;
        row->instance.erased_at = record.at;
        impl_->on_rollback([row, erased_before] { row->instance.erased_at = erased_before; });
    });
}

ChainCheck InMemoryStore::verify_chain()
{
    return impl_->locked([&] {
        ChainCheck check;
        Sha256::Digest previous = chain::genesis;
        for (const LogEntry& e : impl_->log) {
            ++check.transitions;
            const StoredTransition& t = e.transition;
            if (t.erased_at) ++check.erased;
            const Sha256::Digest& expected = t.erased_at ? e.erased_hash : e.payload_hash;
            previous = chain::transition_hash(previous, e.lifecycle, e.id, t, e.payload_hash, e.erased_hash);
            if (expected != chain::payload_digest(t.payload, t.summary) || previous != e.hash) {
                check.first_break = ChainBreak{"transition", check.transitions, e.lifecycle, e.id, t.version,
                                               "its content does not match its hash"};
                break;
            }
        }
        check.transition_head = to_hex(previous);
        if (check.first_break) return check;
        previous = chain::genesis;
        for (const DenialEntry& d : impl_->denial_log) {
            ++check.denials;
            previous = chain::denial_hash(previous, d.denial);
            if (previous != d.hash) {
                check.first_break = ChainBreak{"denial", check.denials, d.denial.lifecycle, d.denial.instance, 0,
                                               "its content does not match its hash"};
                break;
            }
        }
        check.denial_head = to_hex(previous);
        return check;
    });
}

void InMemoryStore::begin()
{
    std::unique_lock<std::recursive_mutex> lock(impl_->mutex);
    impl_->undo.emplace_back();
    // The outermost level keeps the lock until it ends: other threads wait for the transaction.
    if (impl_->undo.size() == 1) impl_->transaction_lock = std::move(lock);
}

void InMemoryStore::commit()
{
    std::lock_guard<std::recursive_mutex> guard(impl_->mutex);
    if (impl_->undo.empty()) throw StoreError("commit() without begin()");
    std::vector<std::function<void()>> level = std::move(impl_->undo.back());
    impl_->undo.pop_back();
    if (!impl_->undo.empty()) {
        // An inner level's changes become the outer level's to undo.
        auto& outer = impl_->undo.back();
        outer.insert(outer.end(), std::make_move_iterator(level.begin()), std::make_move_iterator(level.end()));
        return;
    }
    impl_->transaction_lock.unlock();
}

void InMemoryStore::rollback()
{
    std::lock_guard<std::recursive_mutex> guard(impl_->mutex);
    if (impl_->undo.empty()) return;
    ++impl_->changes;  // what engines keep in memory may now be ahead of the store
    std::vector<std::function<void()>> level = std::move(impl_->undo.back());
    impl_->undo.pop_back();
    for (auto it = level.rbegin(); it != level.rend(); ++it) (*it)();
    if (impl_->undo.empty()) impl_->transaction_lock.unlock();
}

}  // namespace kimflow
