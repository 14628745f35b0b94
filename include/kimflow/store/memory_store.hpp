/// @file
/// kimflow::InMemoryStore: a Store that keeps everything in memory, for tests, tools and hosts
/// that want an engine with the store's guarantees (units of work, erasure and purge, the
/// denial log, hash-chained logs) without a file. It passes the same conformance suite as
/// SqliteStore; what it holds ends with the object.
#pragma once

#include <memory>

#include "kimflow/store/store.hpp"

namespace kimflow {

/// A Store in memory. Safe to use from several threads: calls between begin() and the
/// outermost commit()/rollback() on one thread are one transaction, and other threads wait
/// meanwhile; nested begin() levels are savepoints, undone alone by their rollback().
class InMemoryStore final : public Store {
public:
    InMemoryStore();
    ~InMemoryStore() override;
    InMemoryStore(const InMemoryStore&) = delete;
    InMemoryStore& operator=(const InMemoryStore&) = delete;

    std::optional<StoredInstance> load(std::string_view lifecycle, std::string_view id) override;
    std::optional<std::uint64_t> version(std::string_view lifecycle, std::string_view id) override;
    void insert(const StoredInstance& instance) override;
    void append(const StoredInstance& after, const StoredTransition& transition) override;
    /// Takes the rows over.
    void append(StoredInstance&& after, StoredTransition&& transition) override;
    std::vector<StoredTransition> history(std::string_view lifecycle, std::string_view id) override;
    std::vector<std::string> find(const InstanceQuery& query) override;
    std::uint64_t count(std::string_view lifecycle) override;
    /// Moves with every write and rollback (nothing else can write to this memory); another
    /// thread's writes count once its transaction ends.
    std::optional<std::uint64_t> change_counter() override;
    void log_denial(const StoredDenial& denial) override;
    std::vector<StoredDenial> denials(std::string_view lifecycle, std::string_view id = {}) override;
    void erase(const StoredInstance& erased, const std::vector<ErasedEntry>& entries,
               const StoredTransition& record) override;
    using Store::verify_chain;
    ChainCheck verify_chain(const std::vector<Checkpoint>& witnessed) override;
    std::optional<std::string> setting(std::string_view key) override;
    void put_setting(std::string_view key, std::string_view value) override;
    std::vector<std::pair<std::string, std::string>> settings(std::string_view prefix) override;
    std::vector<LoggedTransition> log_after(std::uint64_t seq, std::size_t limit) override;
    void erase_setting(std::string_view key) override;
    void set_timer(std::string_view lifecycle, std::string_view id, std::uint64_t version,
                   std::optional<Timestamp> at) override;
    void reset_timers(std::string_view lifecycle) override;
    void begin() override;
    void commit() override;
    void rollback() override;

private:
    struct Impl;
    /// Counts the transaction's writes as committed and lets other threads in.
    static void end_transaction(Impl& m);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kimflow
