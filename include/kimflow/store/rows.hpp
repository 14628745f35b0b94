/// @file
/// Every row of a store as it is stored, hashes and positions included: what `kimctl store copy`
/// moves from a SQLite file to a PostgreSQL database and back. A store that can be copied reads
/// its rows into a RowSink (SqliteStore::export_rows, PgStore::export_rows), and one that can be
/// filled takes them through the sink it opens on an empty database (import_rows). The rows keep
/// their seqs and hashes, so the copy verifies with the same heads and its checkpoints' signatures
/// still hold.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kimflow/store/store.hpp"

namespace kimflow {

/// A transition log entry as stored.
struct StoredLogEntry {
    /// Its position in the log.
    std::uint64_t seq = 0;
    /// The lifecycle of the instance it belongs to.
    std::string lifecycle;
    /// The instance it belongs to.
    std::string id;
    /// The entry (payload and summary as stored; erased_at if it was erased).
    StoredTransition transition;
    /// The digest the chain holds of its payload as written (raw bytes).
    std::string payload_hash;
    /// The digest of its payload's erased form (raw bytes).
    std::string erased_hash;
    /// Its hash in the chain (raw bytes).
    std::string hash;
    /// The row digest it chains; none for an entry written before rows were chained.
    std::optional<std::string> row_digest;
};

/// A denial log entry as stored.
struct StoredDenialEntry {
    /// Its position in the denial log.
    std::uint64_t seq = 0;
    /// The refusal.
    StoredDenial denial;
    /// Its hash in the chain (raw bytes).
    std::string hash;
};

/// A creation log entry as stored.
struct StoredCreationEntry {
    /// Its position in the creation log.
    std::uint64_t seq = 0;
    /// The lifecycle of the instance created.
    std::string lifecycle;
    /// The instance created.
    std::string id;
    /// The row digest it chains (raw bytes).
    std::string row_digest;
    /// Its hash in the chain (raw bytes).
    std::string hash;
};

/// Takes a store's rows in this order: instances, transitions, denials, creations, checkpoints,
/// settings; each kind in the order of its key (seq for the logs). finish() ends a copy that is
/// complete; a sink destroyed without it leaves its store as it was.
class RowSink {
public:
    virtual ~RowSink() = default;
    /// An instance with its query keys (timer_at included; last_transition_at is not a column).
    virtual void instance(const StoredInstance& row) = 0;
    /// A transition log entry.
    virtual void transition(const StoredLogEntry& row) = 0;
    /// A denial log entry.
    virtual void denial(const StoredDenialEntry& row) = 0;
    /// A creation log entry.
    virtual void creation(const StoredCreationEntry& row) = 0;
    /// A signed checkpoint, as Store::checkpoints() gives it (heads and signature in hex).
    virtual void checkpoint(const Checkpoint& row) = 0;
    /// A host's setting (Store::setting).
    virtual void setting(const std::string& key, const std::string& value) = 0;
    /// Commits what it took.
    virtual void finish() = 0;
};

}  // namespace kimflow
