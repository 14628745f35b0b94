/// @file
/// kimflow::Store: where an engine keeps its instances and their transition logs. The engine
/// speaks only to this interface; SqliteStore (sqlite_store.hpp) is the embedded default, and
/// another backend (e.g. PostgreSQL for a Kreis-wide database) implements the same calls and
/// runs the same conformance tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/time.hpp"

namespace kimflow {

/// A storage failure. code() is the backend's error code (SQLite's extended result code for
/// SqliteStore), 0 where there is none.
class StoreError : public Error {
public:
    /// A failure described by @p message, with the backend's error @p code (0 for none).
    StoreError(const std::string& message, int code = 0) : Error(message), code_(code) {}
    /// The backend's error code (SQLite's extended result code), 0 where there is none.
    int code() const noexcept { return code_; }

private:
    int code_;
};

/// Another writer held the database longer than the busy timeout.
class StoreBusy : public StoreError {
public:
    /// Takes the message and the backend's error code, as StoreError does.
    using StoreError::StoreError;
};

/// The database cannot be written (read-only file or folder, or opened read-only).
class StoreReadOnly : public StoreError {
public:
    /// Takes the message and the backend's error code, as StoreError does.
    using StoreError::StoreError;
};

/// The disk (or the database's page limit) is full.
class StoreFull : public StoreError {
public:
    /// Takes the message and the backend's error code, as StoreError does.
    using StoreError::StoreError;
};

/// The file is damaged.
class StoreCorrupt : public StoreError {
public:
    /// Takes the message and the backend's error code, as StoreError does.
    using StoreError::StoreError;
};

/// The file is not a kimflow database (another SQLite database, or not SQLite at all).
class NotAKimflowDatabase : public StoreError {
public:
    /// Takes the message and the backend's error code, as StoreError does.
    using StoreError::StoreError;
};

/// The database was written by a newer kimflow; this one cannot read it safely.
class SchemaTooNew : public StoreError {
public:
    /// Takes the message and the backend's error code, as StoreError does.
    using StoreError::StoreError;
};

/// An instance as stored: its current state and data, no history.
struct StoredInstance {
    /// The lifecycle's id (`paper`, `case`).
    std::string lifecycle;
    /// The instance's id, unique within its lifecycle.
    std::string id;
    /// Number of transitions applied so far.
    std::uint64_t version = 0;
    /// Active state per region (stable ids), region 0 first.
    std::vector<std::string> states;
    /// The state of the lifecycle's main region (for queries).
    std::string state;
    /// The instance data, serialised with cereal's portable binary archive.
    std::string data;
    /// When the instance was created.
    Timestamp created_at{};
    /// Who created it.
    Actor created_by;
    /// Query key the lifecycle derives from the data (StoreKeys::due): the day it is due.
    std::optional<Date> due{};
    /// Query key: who it belongs to (StoreKeys::owner).
    std::string owner{};
    /// Query key: where it belongs (StoreKeys::area).
    std::string area{};
    /// Query key: the organisation over its owner (StoreKeys::overseer).
    std::string overseer{};
    /// When its personal data was erased (Store::erase), if it was.
    std::optional<Timestamp> erased_at{};
    /// Query key: when its next time-triggered row falls due (the earliest Timer::due of the
    /// lifecycle's `timers`), if it has one; what a tick looks up.
    std::optional<Timestamp> timer_at{};
    /// When its last logged transition was recorded, if it has one (read back only: the engine
    /// refuses to record a fire before it).
    std::optional<Timestamp> last_transition_at{};
};

/// A transition as logged.
struct StoredTransition {
    /// The instance's version after the transition (1 for the first).
    std::uint64_t version = 0;
    /// The event's id.
    std::string event;
    /// The main region's state before (for a move in another region, that region's state).
    std::string from;
    /// The state after, in the same region as `from`.
    std::string to;
    /// Who fired the event.
    Actor actor;
    /// When, by the engine's clock.
    Timestamp at{};
    /// The event's payload, serialised with cereal's portable binary archive.
    std::string payload;
    /// The payload as `name=value, …`, for people and tools.
    std::string summary;
    /// Whether the payload holds personal data; then erased_payload and erased_summary are what
    /// payload and summary become once it is erased. The store chains a digest of both forms, so
    /// that an erased entry stays verifiable (see ChainCheck).
    bool personal = false;
    /// The payload with its personal fields emptied.
    std::string erased_payload{};
    /// The summary of the erased payload.
    std::string erased_summary{};
    /// When the entry's personal data was erased, if it was (read back only).
    std::optional<Timestamp> erased_at{};
};

/// An action the policy refused, as the audit trail keeps it.
struct StoredDenial {
    /// The lifecycle's id.
    std::string lifecycle;
    /// The instance (empty for a list, a report or a purge).
    std::string instance;
    /// The event id, or `create`, `read`, `erase`, `purge`.
    std::string action;
    /// Who was refused.
    Actor actor;
    /// When.
    Timestamp at{};
    /// The policy's reason.
    std::string reason;
};

/// A log entry's payload after erasure, for Store::erase.
struct ErasedEntry {
    /// The entry's version (which transition of the instance).
    std::uint64_t version = 0;
    /// The payload in its erased form (StoredTransition::erased_payload).
    std::string payload;
    /// The summary in its erased form (StoredTransition::erased_summary).
    std::string summary;
};

/// Where the hash chain of an audit trail breaks.
struct ChainBreak {
    /// `transition` or `denial`.
    std::string log;
    /// The entry's position in its log (1 for the first).
    std::uint64_t position = 0;
    /// The entry's lifecycle.
    std::string lifecycle;
    /// The entry's instance (empty for a denial of a list, a report or a purge).
    std::string instance;
    /// The instance's version after the transition (0 for a denial).
    std::uint64_t version = 0;
    /// What does not match, in a sentence.
    std::string problem;
};

/// An instance row that differs from the row its last log entry chained (store/chain.hpp): the
/// row was edited outside kimflow.
struct RowMismatch {
    /// The instance's lifecycle.
    std::string lifecycle;
    /// The instance's id.
    std::string id;
    /// The column that differs (`owner`, `data`, `created_at`, …).
    std::string column;
};

/// The result of Store::verify_chain.
struct ChainCheck {
    /// Entries checked in the transition log.
    std::uint64_t transitions = 0;
    /// Entries checked in the denial log.
    std::uint64_t denials = 0;
    /// Transition entries whose personal data is erased (checked in their erased form).
    std::uint64_t erased = 0;
    /// The first entry that does not match, if one does not.
    std::optional<ChainBreak> first_break{};
    /// The hash of the transition log's last entry (hex), to keep elsewhere: a copy taken today
    /// lets a later check prove that nothing before it was removed from the end.
    std::string transition_head{};
    /// The hash of the denial log's last entry (hex), likewise.
    std::string denial_head{};
    /// Entries checked in the creation log (one per instance created since schema 6).
    std::uint64_t creations = 0;
    /// The hash of the creation log's last entry (hex).
    std::string creation_head{};
    /// The seq of the transition log's last entry (0 for an empty log): what the last signed
    /// checkpoint must reach for the whole log to be signed.
    std::uint64_t last_transition_seq = 0;
    /// The seq of the denial log's last entry (0 for an empty log), likewise.
    std::uint64_t last_denial_seq = 0;
    /// The seq of the creation log's last entry (0 for an empty log), likewise.
    std::uint64_t last_creation_seq = 0;
    /// Checkpoints whose heads were found in the logs (their signatures are checked with the
    /// public key outside the store: kimflow/audit/signing.hpp).
    std::uint64_t checkpoints = 0;
    /// Witnessed heads (Store::verify_chain's argument) found in the logs.
    std::uint64_t witnessed = 0;
    /// Instance rows compared with the row their last entry chained (every row: a row no entry
    /// chains is a break of the creation log).
    std::uint64_t rows_checked = 0;
    /// Every column of every row that differs from what its entry chained.
    std::vector<RowMismatch> rows{};
    /// Whether the chains are intact, every checkpoint and witnessed head is in them, and every
    /// row is as chained.
    bool ok() const noexcept { return !first_break && rows.empty(); }
};

/// A signed statement of how far the audit trail's logs reached at one commit: the number of
/// entries in each log and the hash of its last entry (ChainCheck's heads), signed with a key
/// held outside the database (SqliteOptions::signer). Whoever rewrites the logs without the key
/// cannot sign the new heads, so verify() with the public key finds the rewrite; a copy kept
/// elsewhere (a witness, `kimctl audit heads`) also shows when entries were cut off at the end.
struct Checkpoint {
    /// Its position among the checkpoints (1 for the first).
    std::uint64_t seq = 0;
    /// Entries in the transition log at that commit.
    std::uint64_t transitions = 0;
    /// Hash of the transition log's last entry then (hex; 64 zeros for an empty log).
    std::string transition_head{};
    /// Entries in the denial log at that commit.
    std::uint64_t denials = 0;
    /// Hash of the denial log's last entry then (hex).
    std::string denial_head{};
    /// Entries in the creation log (one per instance created) at that commit.
    std::uint64_t creations = 0;
    /// Hash of the creation log's last entry then (hex).
    std::string creation_head{};
    /// When it was signed, by the store's clock.
    Timestamp at{};
    /// Which key signed it (CheckpointSigner::key_id).
    std::string key_id{};
    /// The Ed25519 signature over checkpoint_message() (hex).
    std::string signature{};
};

/// The bytes a checkpoint's signature covers: a fixed prefix, then every field but the
/// signature, each length-prefixed, so that no two checkpoints give the same bytes.
std::string checkpoint_message(const Checkpoint& checkpoint);

/// What signs checkpoints for a store (kimflow/audit/signing.hpp has the Ed25519 one). Called
/// inside the store's commit, so it must not call the store.
class CheckpointSigner {
public:
    virtual ~CheckpointSigner() = default;
    /// The id of the signing key, written beside each signature, so that keys can be rotated.
    virtual std::string key_id() const = 0;
    /// The signature over @p message, as raw bytes.
    virtual std::string sign(std::string_view message) const = 0;
};

/// A transition with its place in the log of every lifecycle, for a feed of changes
/// (Store::log_after).
struct LoggedTransition {
    /// Its position in the whole log: entries are numbered in commit order, without reuse, so
    /// that a reader who remembers the last number it saw misses nothing and sees nothing twice.
    std::uint64_t seq = 0;
    /// The instance's lifecycle.
    std::string lifecycle;
    /// The instance's id.
    std::string id;
    /// The instance's owner key now (StoredInstance::owner), for a policy check of the reader.
    std::string owner;
    /// The instance's overseer key now (StoredInstance::overseer).
    std::string overseer;
    /// The entry, as history() gives it (in its erased form once erased).
    StoredTransition transition;
};

/// Which instances a query asks for; empty members do not restrict.
struct InstanceQuery {
    /// The lifecycle's id.
    std::string lifecycle;
    /// Only instances in this state of the main region.
    std::string state{};
    /// Only instances of this owner (StoreKeys::owner).
    std::string owner{};
    /// Only instances in this area (StoreKeys::area).
    std::string area{};
    /// Only instances under this overseer (StoreKeys::overseer).
    std::string overseer{};
    /// Only instances with a due date before this day.
    std::optional<Date> due_before{};
    /// Only instances with a time-triggered row due at or before this time (StoredInstance::timer_at).
    std::optional<Timestamp> timer_until{};
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
    /// append() of rows the caller no longer needs: a store that keeps them in memory takes them
    /// over instead of copying them (the engine writes this way). By default, append().
    virtual void append(StoredInstance&& after, StoredTransition&& transition)
    {
        append(static_cast<const StoredInstance&>(after), static_cast<const StoredTransition&>(transition));
    }

    /// The transition log of one instance, oldest first.
    virtual std::vector<StoredTransition> history(std::string_view lifecycle, std::string_view id) = 0;

    /// Ids of the instances @p query asks for, sorted.
    virtual std::vector<std::string> find(const InstanceQuery& query) = 0;

    /// Number of instances of @p lifecycle.
    virtual std::uint64_t count(std::string_view lifecycle) = 0;

    /// A number that grows whenever stored instances may have changed since an earlier reading,
    /// through this object or any other connection or process, and never goes back; none if the
    /// backend cannot tell. An engine whose reading has not moved since it last wrote uses its
    /// copies in memory without asking the store for their versions first. Inside this thread's
    /// transaction only this object's own writes can move it; another thread's transaction may
    /// move it when it commits.
    virtual std::optional<std::uint64_t> change_counter() { return std::nullopt; }

    /// Adds a refused action to the audit trail.
    virtual void log_denial(const StoredDenial& denial) = 0;

    /// The refusals logged about @p lifecycle (and instance @p id, unless empty), oldest first.
    virtual std::vector<StoredDenial> denials(std::string_view lifecycle, std::string_view id = {}) = 0;

    /// Erases an instance's personal data, all or nothing: replaces each listed log entry's
    /// payload and summary by its erased form, writes @p erased (the instance one version on,
    /// without its personal data) and logs @p record (the erasure itself, event erasure_event,
    /// at that version), as append() does. The store refuses (StoreError, nothing changed) an
    /// entry whose erased form is not the one chained when it was written.
    /// @throws VersionConflict unless the stored version is erased.version - 1
    virtual void erase(const StoredInstance& erased, const std::vector<ErasedEntry>& entries,
                       const StoredTransition& record) = 0;

    /// Makes erased data unrecoverable from the store's files (such as SQLite's WAL); called after
    /// erasures have committed. A backend whose files hold no old copies does nothing.
    virtual void scrub() {}

    /// Recomputes the hash chains of the transition, denial and creation logs, compares every
    /// instance row with the row its last entry chained, and checks that each stored checkpoint
    /// and each of @p witnessed (checkpoints kept elsewhere, `kimctl audit heads`) names an
    /// entry of the logs with the hash it has. Signatures are not checked here (the store holds
    /// no public key): audit::check_signatures() does that with the result.
    virtual ChainCheck verify_chain(const std::vector<Checkpoint>& witnessed) = 0;
    /// verify_chain() with no witnessed heads.
    ChainCheck verify_chain() { return verify_chain({}); }

    /// The signed checkpoints, oldest first (SqliteOptions::signer); none where the store keeps
    /// none.
    virtual std::vector<Checkpoint> checkpoints() { return {}; }

    /// The value a host keeps under @p key beside the instances (such as the point an OParl sync
    /// reached, or which OParl id became which paper), or none. Keys and values are the host's
    /// text; the store does not interpret them, and they are not part of the audit trail.
    virtual std::optional<std::string> setting(std::string_view key) = 0;
    /// Writes @p value under @p key (replacing what was there), in this thread's transaction if
    /// one is open, so that it commits or rolls back with the instances written beside it.
    virtual void put_setting(std::string_view key, std::string_view value) = 0;

    /// Every setting whose key starts with @p prefix, sorted by key (an administrator's list of
    /// accounts, say). @throws StoreError from a backend that cannot list them
    virtual std::vector<std::pair<std::string, std::string>> settings(std::string_view prefix)
    {
        (void)prefix;
        throw StoreError("this store cannot list its settings", 0);
    }

    /// Removes the setting under @p key, if there is one, in this thread's transaction if one is
    /// open. @throws StoreError from a backend that cannot
    virtual void erase_setting(std::string_view key)
    {
        (void)key;
        throw StoreError("this store cannot remove settings", 0);
    }

    /// Up to @p limit log entries after position @p seq (0: from the start), of every lifecycle,
    /// in commit order. Only committed entries, or this thread's own inside its transaction.
    /// @throws StoreError from a backend that keeps no such order
    virtual std::vector<LoggedTransition> log_after(std::uint64_t seq, std::size_t limit)
    {
        (void)seq, (void)limit;
        throw StoreError("this store keeps no feed of its log", 0);
    }

    /// Rewrites the timer key of an instance (StoredInstance::timer_at) without a transition: a
    /// tick that finds the stored key stale (a file from before timers were indexed, or rules
    /// that changed since) sets it to what the lifecycle says now. A query key, like `due`: not
    /// part of the audit trail. Does nothing for an instance that does not exist.
    /// Applies only while the instance is at @p version, so that it never overwrites the key of
    /// a transition written meanwhile.
    virtual void set_timer(std::string_view lifecycle, std::string_view id, std::uint64_t version,
                           std::optional<Timestamp> at) = 0;

    /// Marks the timer key of every instance of @p lifecycle as not known, so that the next tick
    /// looks at each once and stores what the lifecycle says now: after a change of what the
    /// timers depend on (the rules of procedure), which may make a timer earlier than its key.
    virtual void reset_timers(std::string_view lifecycle) = 0;

    /// Starts a transaction on this thread, or a nested level inside it (a savepoint).
    virtual void begin() = 0;
    /// Ends the innermost level; the outermost commits.
    virtual void commit() = 0;
    /// Undoes the innermost level (the whole transaction at the outermost).
    virtual void rollback() = 0;
};

/// A new InMemoryStore (memory_store.hpp): the store of an engine that is given none. Declared
/// here, with the interface, so that an engine needs no store's header to make one.
std::shared_ptr<Store> make_memory_store();

}  // namespace kimflow
