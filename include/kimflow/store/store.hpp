/// @file
/// kimflow::Store: where an engine keeps its instances and their transition logs. The engine
/// speaks only to this interface; SqliteStore (sqlite_store.hpp) is the embedded default, and
/// another backend (e.g. PostgreSQL for a Kreis-wide database) implements the same calls and
/// runs the same conformance tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/time.hpp"

namespace kimflow {

/// A storage failure. code() is the backend's error code (SQLite's extended result code for
/// SqliteStore), 0 where there is none.
class StoreError : public Error {
public:
    StoreError(const std::string& message, int code = 0) : Error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

/// Another writer held the database longer than the busy timeout.
class StoreBusy : public StoreError {
public:
    using StoreError::StoreError;
};

/// The database cannot be written (read-only file or folder, or opened read-only).
class StoreReadOnly : public StoreError {
public:
    using StoreError::StoreError;
};

/// The disk (or the database's page limit) is full.
class StoreFull : public StoreError {
public:
    using StoreError::StoreError;
};

/// The file is damaged.
class StoreCorrupt : public StoreError {
public:
    using StoreError::StoreError;
};

/// The file is not a kimflow database (another SQLite database, or not SQLite at all).
class NotAKimflowDatabase : public StoreError {
public:
    using StoreError::StoreError;
};

/// The database was written by a newer kimflow; this one cannot read it safely.
class SchemaTooNew : public StoreError {
public:
    using StoreError::StoreError;
};

/// An instance as stored: its current state and data, no history.
struct StoredInstance {
    std::string lifecycle;
    std::string id;
    std::uint64_t version = 0;
    /// Active state per region (stable ids), region 0 first.
    std::vector<std::string> states;
    /// The state of the lifecycle's main region (for queries).
    std::string state;
    /// The instance data, serialised with cereal's portable binary archive.
    std::string data;
    Timestamp created_at{};
    Actor created_by;
    /// Query keys the lifecycle derives from the data (see Lifecycle::store_keys).
    std::optional<Date> due{};
    std::string owner{};
    std::string area{};
};

/// A transition as logged.
struct StoredTransition {
    /// The instance's version after the transition (1 for the first).
    std::uint64_t version = 0;
    std::string event;
    std::string from;
    std::string to;
    Actor actor;
    Timestamp at{};
    /// The event's payload, serialised with cereal's portable binary archive.
    std::string payload;
    /// The payload as `name=value, …`, for people and tools.
    std::string summary;
};

/// Which instances a query asks for; empty members do not restrict.
struct InstanceQuery {
    std::string lifecycle;
    std::string state{};
    std::string owner{};
    std::string area{};
    /// Only instances with a due date before this day.
    std::optional<Date> due_before{};
};

/// Storage of instances and transition logs. Implementations are safe to call from several
/// threads; calls between begin() and commit()/rollback() on one thread form one transaction,
/// and other threads wait meanwhile.
class Store {
public:
    virtual ~Store() = default;

    /// The stored instance, or none.
    virtual std::optional<StoredInstance> load(std::string_view lifecycle, std::string_view id) = 0;

    /// The stored version of an instance, or none if it does not exist.
    virtual std::optional<std::uint64_t> version(std::string_view lifecycle, std::string_view id) = 0;

    /// Stores a new instance. @throws DuplicateInstance if it exists.
    virtual void insert(const StoredInstance& instance) = 0;

    /// Logs @p transition and writes the instance's new state @p after, both or neither.
    /// @throws VersionConflict unless the stored version is after.version - 1
    virtual void append(const StoredInstance& after, const StoredTransition& transition) = 0;

    /// The transition log of one instance, oldest first.
    virtual std::vector<StoredTransition> history(std::string_view lifecycle, std::string_view id) = 0;

    /// Ids of the instances @p query asks for, sorted.
    virtual std::vector<std::string> find(const InstanceQuery& query) = 0;

    /// Number of instances of @p lifecycle.
    virtual std::uint64_t count(std::string_view lifecycle) = 0;

    /// A number that differs from an earlier reading whenever stored instances may have
    /// changed since, through this object or any other connection or process; none if the
    /// backend cannot tell. An engine whose reading has not moved since it last wrote uses its
    /// copies in memory without asking the store for their versions first. Inside this thread's
    /// transaction only this object's own writes can move it.
    virtual std::optional<std::uint64_t> change_counter() { return std::nullopt; }

    /// Starts a transaction on this thread, or a nested level inside it (a savepoint).
    virtual void begin() = 0;
    /// Ends the innermost level; the outermost commits.
    virtual void commit() = 0;
    /// Undoes the innermost level (the whole transaction at the outermost).
    virtual void rollback() = 0;
};

}  // namespace kimflow
