// InMemoryStore: rows in hash maps per lifecycle, the logs in commit order with the same hash
// chain as SqliteStore, and transactions as undo lists (one per nesting level), so that a
// begin() costs nothing however many instances there are.
//
// It is the store of every engine given none, so a fire's part of it is kept short: rows are
// taken over rather than copied (Store::append with rvalues), and the chain is hashed when it is
// read (verify_chain, erase), not on every append. Nothing but this process can change its
// memory, so hashing later reports exactly what hashing at once would.
#include "kimflow/store/memory_store.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "chain.hpp"

namespace kimflow {

namespace {

struct LogEntry {
    std::string lifecycle;
    std::string id;
    StoredTransition transition;
    /// Whether payload_hash and erased_hash are computed (always before an erasure changes the
    /// payload, so that they are the digests of what was written).
    bool digested = false;
    Sha256::Digest payload_hash{};
    Sha256::Digest erased_hash{};
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

using Rows = std::unordered_map<std::string, Row>;

/// Locks @p mutex, trying for a moment before it sleeps: another thread holds it for one fire's
/// write (well under a microsecond), and putting a thread to sleep and waking it costs several.
void lock_briefly_spinning(std::recursive_mutex& mutex)
{
    // Waits twice as long after each failed try, so that the waiting thread does not take the
    // lock's cache line from the one that holds it on every turn.
    for (int pauses = 1; pauses <= 128; pauses *= 2) {
        if (mutex.try_lock()) return;
        for (int i = 0; i < pauses; ++i) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
    }
    mutex.lock();
}

/// std::lock_guard over lock_briefly_spinning().
class SpinningGuard {
public:
    explicit SpinningGuard(std::recursive_mutex& mutex) : mutex_(mutex) { lock_briefly_spinning(mutex_); }
    ~SpinningGuard()
    {
        if (held_) mutex_.unlock();
    }
    SpinningGuard(const SpinningGuard&) = delete;
    SpinningGuard& operator=(const SpinningGuard&) = delete;
    /// Unlocks before the guard ends.
    void release_early()
    {
        held_ = false;
        mutex_.unlock();
    }

private:
    std::recursive_mutex& mutex_;
    bool held_ = true;
};

/// The transition log: entries in commit order, each in memory of its own, so that an entry can
/// be made before the store's lock is taken (see begin()).
class EntryLog {
public:
    LogEntry& operator[](std::size_t i) { return *entries_[i]; }
    const LogEntry& operator[](std::size_t i) const { return *entries_[i]; }
    std::size_t size() const noexcept { return entries_.size(); }
    LogEntry& back() { return *entries_.back(); }
    void push_back(std::unique_ptr<LogEntry> entry) { entries_.push_back(std::move(entry)); }
    void pop_back() { entries_.pop_back(); }

private:
    std::deque<std::unique_ptr<LogEntry>> entries_;
};

/// An entry made by this thread before it took the store's lock, for its next append: making it
/// (and touching fresh memory for it) inside the lock would keep other threads waiting.
std::unique_ptr<LogEntry>& spare_entry()
{
    thread_local std::unique_ptr<LogEntry> spare;
    return spare;
}

void digest(LogEntry& e)
{
    if (e.digested) return;
    const StoredTransition& t = e.transition;
    e.payload_hash = chain::payload_digest(t.payload, t.summary);
    e.erased_hash = t.personal ? chain::payload_digest(t.erased_payload, t.erased_summary) : e.payload_hash;
    e.digested = true;
}

}  // namespace

namespace {

/// Makes room for one more element before a change, so that the push that follows cannot fail.
/// Growing by doubling: a transaction of n writes must not copy its rows n times (reserving
/// exactly one more reallocates at every write).
template <class Vector>
void room_for_one(Vector& v)
{
    if (v.size() == v.capacity()) v.reserve(v.empty() ? 8 : 2 * v.size());
}

}  // namespace

struct InMemoryStore::Impl {
    std::recursive_mutex mutex;
    std::unique_lock<std::recursive_mutex> transaction_lock{mutex, std::defer_lock};
    /// Open transaction levels (0: none); undo[level] is each one's undo list, innermost last.
    /// The lists stay allocated between transactions, so that a fire's write allocates none.
    std::size_t depth = 0;
    std::vector<std::vector<std::function<void()>>> undo;
    /// The rows as they were before each append of the open transaction, in order (their undo
    /// takes the last one back).
    std::vector<StoredInstance> replaced;
    /// Rows by lifecycle, then id.
    std::map<std::string, Rows, std::less<>> lifecycles;
    /// In a deque: appending never moves the entries already there.
    EntryLog log;
    /// The chain's hash after each entry, for the entries hashed so far (a prefix of the log).
    std::deque<Sha256::Digest> hashes;
    std::vector<DenialEntry> denial_log;
    std::map<std::string, std::string, std::less<>> settings;
    /// Writes committed so far: what change_counter() tells other threads. Read without the lock,
    /// written under it.
    std::atomic<std::uint64_t> changes{0};
    /// Writes of the open transaction, not yet in `changes` (the transaction's thread sees them).
    std::uint64_t pending = 0;
    /// The thread whose transaction is open.
    std::atomic<std::thread::id> owner{};

    /// Records how to undo a change just made, if a transaction is open.
    void on_rollback(std::function<void()> undo_it)
    {
        if (depth > 0) undo[depth - 1].push_back(std::move(undo_it));
    }

    Row* find_row(std::string_view lifecycle, std::string_view id)
    {
        auto rows = lifecycles.find(lifecycle);
        if (rows == lifecycles.end()) return nullptr;
        auto it = rows->second.find(std::string(id));
        return it == rows->second.end() ? nullptr : &it->second;
    }

    /// Hashes the chain through the log's last entry.
    void hash_log()
    {
        for (std::size_t i = hashes.size(); i < log.size(); ++i) {
            LogEntry& e = log[i];
            digest(e);
            hashes.push_back(chain::transition_hash(i == 0 ? chain::genesis : hashes[i - 1], e.lifecycle, e.id,
                                                    e.transition, e.payload_hash, e.erased_hash));
        }
    }

    /// Appends @p t to @p row's log, and moves the row to @p after. Whatever can fail (memory)
    /// happens before anything changes, so that a failure leaves the store as it was.
    void append(Row& row, StoredInstance&& after, StoredTransition&& t)
    {
        std::unique_ptr<LogEntry> entry = std::move(spare_entry());
        if (!entry) entry = std::make_unique<LogEntry>();
        entry->lifecycle = row.instance.lifecycle;
        entry->id = row.instance.id;
        // As SqliteStore: creation facts are not rewritten.
        after.created_at = row.instance.created_at;
        after.created_by = row.instance.created_by;
        after.erased_at = row.instance.erased_at;
        after.last_transition_at.reset();
        room_for_one(row.log);
        if (depth > 0) {
            room_for_one(replaced);
            room_for_one(undo[depth - 1]);
        }
        entry->transition = std::move(t);
        entry->transition.erased_at.reset();
        log.push_back(std::move(entry));  // the last step that may fail
        std::swap(row.instance, after);
        row.log.push_back(log.size() - 1);
        if (depth == 0) return;
        replaced.push_back(std::move(after));
        // Two pointers: std::function keeps them without allocating.
        on_rollback([this, row = &row] {
            row->log.pop_back();
            log.pop_back();
            if (hashes.size() > log.size()) hashes.pop_back();
            row->instance = std::move(replaced.back());
            replaced.pop_back();
        });
    }

    template <class F>
    auto locked(F&& f)
    {
        SpinningGuard lock(mutex);
        return f();
    }

    template <class F>
    auto write(F&& f)
    {
        SpinningGuard lock(mutex);
        if (depth == 0)
            changes.fetch_add(1, std::memory_order_release);
        else
            ++pending;
        return f();
    }
};

std::shared_ptr<Store> make_memory_store() { return std::make_shared<InMemoryStore>(); }

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
        auto rows = impl_->lifecycles.find(instance.lifecycle);
        if (rows == impl_->lifecycles.end()) rows = impl_->lifecycles.emplace(instance.lifecycle, Rows{}).first;
        // Made before the row goes in, so that running out of memory changes nothing.
        std::function<void()> undo = [&rows = rows->second, id = instance.id] { rows.erase(id); };
        if (impl_->depth > 0) room_for_one(impl_->undo[impl_->depth - 1]);
        const auto [it, fresh] = rows->second.emplace(instance.id, Row{instance, {}});
        if (!fresh) throw DuplicateInstance(instance.lifecycle, instance.id);
        it->second.instance.last_transition_at.reset();
        impl_->on_rollback(std::move(undo));
    });
}

void InMemoryStore::append(const StoredInstance& after, const StoredTransition& transition)
{
    append(StoredInstance(after), StoredTransition(transition));
}

void InMemoryStore::append(StoredInstance&& after, StoredTransition&& transition)
{
    impl_->write([&] {
        Row* row = impl_->find_row(after.lifecycle, after.id);
        if (!row) throw InstanceNotFound(after.lifecycle, after.id);
        if (row->instance.version + 1 != after.version)
            throw VersionConflict(after.id, after.version - 1, row->instance.version);
        impl_->append(*row, std::move(after), std::move(transition));
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
        auto rows = impl_->lifecycles.find(q.lifecycle);
        if (rows == impl_->lifecycles.end()) return out;
        for (const auto& [id, row] : rows->second) {
            const StoredInstance& in = row.instance;
            if (!q.state.empty() && in.state != q.state) continue;
            if (!q.owner.empty() && in.owner != q.owner) continue;
            if (!q.area.empty() && in.area != q.area) continue;
            if (!q.overseer.empty() && in.overseer != q.overseer) continue;
            if (q.due_before && !(in.due && *in.due < *q.due_before)) continue;
            if (q.timer_until && !(in.timer_at && *in.timer_at <= *q.timer_until)) continue;
            out.push_back(id);
        }
        std::sort(out.begin(), out.end());
        return out;
    });
}

std::uint64_t InMemoryStore::count(std::string_view lifecycle)
{
    return impl_->locked([&]() -> std::uint64_t {
        auto rows = impl_->lifecycles.find(lifecycle);
        return rows == impl_->lifecycles.end() ? 0 : rows->second.size();
    });
}

std::optional<std::string> InMemoryStore::setting(std::string_view key)
{
    return impl_->locked([&]() -> std::optional<std::string> {
        auto it = impl_->settings.find(key);
        if (it == impl_->settings.end()) return std::nullopt;
        return it->second;
    });
}

void InMemoryStore::put_setting(std::string_view key, std::string_view value)
{
    impl_->locked([&] {
        Impl& m = *impl_;
        auto it = m.settings.find(key);
        std::optional<std::string> before;
        if (it != m.settings.end()) before = it->second;
        std::string k(key);
        m.on_rollback([&m, k, before] {
            if (before)
                m.settings[k] = *before;
            else
                m.settings.erase(k);
        });
        m.settings.insert_or_assign(std::move(k), std::string(value));
    });
}

std::vector<std::pair<std::string, std::string>> InMemoryStore::settings(std::string_view prefix)
{
    return impl_->locked([&] {
        std::vector<std::pair<std::string, std::string>> out;
        for (auto it = impl_->settings.lower_bound(prefix); it != impl_->settings.end(); ++it) {
            if (it->first.compare(0, prefix.size(), prefix) != 0) break;
            out.emplace_back(it->first, it->second);
        }
        return out;
    });
}

void InMemoryStore::erase_setting(std::string_view key)
{
    impl_->locked([&] {
        Impl& m = *impl_;
        auto it = m.settings.find(key);
        if (it == m.settings.end()) return;
        m.on_rollback([&m, k = it->first, v = it->second] { m.settings[k] = v; });
        m.settings.erase(it);
    });
}

std::vector<LoggedTransition> InMemoryStore::log_after(std::uint64_t seq, std::size_t limit)
{
    return impl_->locked([&] {
        // The log's position + 1 is the entry's number: a rollback takes back only the newest.
        std::vector<LoggedTransition> out;
        for (std::size_t i = static_cast<std::size_t>(seq); i < impl_->log.size() && out.size() < limit; ++i) {
            const LogEntry& e = impl_->log[i];
            const Row* row = impl_->find_row(e.lifecycle, e.id);
            out.push_back({i + 1, e.lifecycle, e.id, row ? row->instance.owner : std::string(),
                           row ? row->instance.overseer : std::string(), e.transition});
        }
        return out;
    });
}

void InMemoryStore::set_timer(std::string_view lifecycle, std::string_view id, std::uint64_t version,
                              std::optional<Timestamp> at)
{
    impl_->locked([&] {
        Impl& m = *impl_;
        Row* row = m.find_row(lifecycle, id);
        if (!row || row->instance.version != version) return;
        const std::optional<Timestamp> before = row->instance.timer_at;
        m.on_rollback([row, before] { row->instance.timer_at = before; });
        row->instance.timer_at = at;
    });
}

void InMemoryStore::reset_timers(std::string_view lifecycle)
{
    impl_->locked([&] {
        Impl& m = *impl_;
        auto rows = m.lifecycles.find(lifecycle);
        if (rows == m.lifecycles.end()) return;
        for (auto& [id, row] : rows->second) {
            const std::optional<Timestamp> before = row.instance.timer_at;
            Row* at = &row;
            m.on_rollback([at, before] { at->instance.timer_at = before; });
            row.instance.timer_at = Timestamp{};
        }
    });
}

std::optional<std::uint64_t> InMemoryStore::change_counter()
{
    // Another thread's transaction moves the counter when it commits, not before: an engine
    // that reads it meanwhile need not check its copies again for writes it cannot see yet.
    const std::uint64_t committed = impl_->changes.load(std::memory_order_acquire);
    if (impl_->owner.load(std::memory_order_acquire) != std::this_thread::get_id()) return committed;
    return committed + impl_->pending;
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
            if (found != impl_->log.size()) digest(impl_->log[found]);  // before the payload changes
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
        impl_->append(*row, StoredInstance(erased), StoredTransition(record));
        const std::optional<Timestamp> erased_before = row->instance.erased_at;
        row->instance.erased_at = record.at;
        impl_->on_rollback([row, erased_before] { row->instance.erased_at = erased_before; });
    });
}

ChainCheck InMemoryStore::verify_chain(const std::vector<Checkpoint>& witnessed)
{
    return impl_->locked([&] {
        impl_->hash_log();
        ChainCheck check;
        Sha256::Digest previous = chain::genesis;
        for (std::size_t i = 0; i < impl_->log.size(); ++i) {
            const LogEntry& e = impl_->log[i];
            ++check.transitions;
            const StoredTransition& t = e.transition;
            if (t.erased_at) ++check.erased;
            const Sha256::Digest& expected = t.erased_at ? e.erased_hash : e.payload_hash;
            previous = chain::transition_hash(previous, e.lifecycle, e.id, t, e.payload_hash, e.erased_hash);
            if (expected != chain::payload_digest(t.payload, t.summary) || previous != impl_->hashes[i]) {
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
        check.last_transition_seq = check.transitions;
        check.last_denial_seq = check.denials;
        // Positions are seqs here: nothing outside this process can remove an entry. The
        // memory store keeps no creation log and no checkpoints of its own.
        if (check.first_break) return check;
        for (const Checkpoint& w : witnessed) {
            const bool found =
                w.transitions <= impl_->hashes.size() && w.denials <= impl_->denial_log.size() &&
                (w.transitions == 0 ? w.transition_head == to_hex(chain::genesis)
                                    : w.transition_head == to_hex(impl_->hashes[w.transitions - 1])) &&
                (w.denials == 0 ? w.denial_head == to_hex(chain::genesis)
                                : w.denial_head == to_hex(impl_->denial_log[w.denials - 1].hash));
            if (!found) {
                check.first_break = ChainBreak{"witness", w.seq, "", "", 0,
                                               "the logs do not hold the witnessed heads: entries were changed or cut off"};
                break;
            }
            ++check.witnessed;
        }
        return check;
    });
}

void InMemoryStore::begin()
{
    if (!spare_entry()) spare_entry() = std::make_unique<LogEntry>();
    lock_briefly_spinning(impl_->mutex);
    std::unique_lock<std::recursive_mutex> lock(impl_->mutex, std::adopt_lock);
    Impl& m = *impl_;
    if (m.undo.size() == m.depth) m.undo.emplace_back();
    m.undo[m.depth].clear();
    ++m.depth;
    // The outermost level keeps the lock until it ends: other threads wait for the transaction.
    if (m.depth == 1) {
        m.transaction_lock = std::move(lock);
        m.owner.store(std::this_thread::get_id(), std::memory_order_release);
    }
}

void InMemoryStore::commit()
{
    SpinningGuard guard(impl_->mutex);
    Impl& m = *impl_;
    if (m.depth == 0) throw StoreError("commit() without begin()");
    --m.depth;
    if (m.depth > 0) {
        // An inner level's changes become the outer level's to undo.
        auto& level = m.undo[m.depth];
        auto& outer = m.undo[m.depth - 1];
        outer.insert(outer.end(), std::make_move_iterator(level.begin()), std::make_move_iterator(level.end()));
        level.clear();
        return;
    }
    m.undo[0].clear();
    // The rows replaced are freed once the lock is let go.
    std::vector<StoredInstance> replaced;
    replaced.swap(m.replaced);
    end_transaction(m);
    guard.release_early();
}

void InMemoryStore::rollback()
{
    SpinningGuard guard(impl_->mutex);
    Impl& m = *impl_;
    if (m.depth == 0) return;
    ++m.pending;  // what engines keep in memory may now be ahead of the store
    --m.depth;
    auto& level = m.undo[m.depth];
    for (auto it = level.rbegin(); it != level.rend(); ++it) (*it)();
    level.clear();
    if (m.depth == 0) end_transaction(m);
}

void InMemoryStore::end_transaction(Impl& m)
{
    m.changes.fetch_add(std::exchange(m.pending, 0), std::memory_order_release);
    m.owner.store(std::thread::id{}, std::memory_order_release);
    m.transaction_lock.unlock();
}

}  // namespace kimflow
