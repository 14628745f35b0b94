#include "kimflow/core/error_kind.hpp"

#include "kimflow/core/error.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow {

namespace {

// Rows in the order they are tried: a derived type before its base.
enum Row {
    not_found, duplicate, unknown_event, invalid_payload, invalid_data, event_not_allowed, guard_rejected,
    recorded_too_early, event_rejected, version_conflict, not_permitted, store_busy, store_read_only, store_full,
    store_corrupt, not_a_database, schema_too_new, store_error, observer_error, error, internal
};

const std::vector<ErrorKind>& table()
{
    // exit codes: 1 failure, 2 usage, 3 rejected, 4 not found, 5 version conflict, 6 storage, 7 not permitted;
    // C statuses: 1 invalid argument, 2 not found, 3 exists, 4 not allowed, 5 guard, 6 version,
    // 7 not permitted, 8 storage, 9 corrupt, 10 internal (kimflow/c/kimflow.h)
    static const std::vector<ErrorKind> rows{
        {"not-found", "No such instance", 404, 4, 2},
        {"duplicate-instance", "An instance with this id exists already", 409, 3, 3},
        {"unknown-event", "No such event in this lifecycle", 422, 2, 1},
        {"invalid-payload", "A field of the event is missing, unknown or malformed", 422, 2, 1},
        {"invalid-data", "The data is incomplete or contradictory", 422, 2, 1},
        {"event-not-allowed", "The event is not allowed in the instance's state", 409, 3, 4},
        {"guard-rejected", "The event's condition is not met", 409, 3, 5},
        {"recorded-too-early", "The time given lies before the instance's last transition", 409, 3, 5},
        {"event-rejected", "The instance did not take the event", 409, 3, 5},
        {"version-conflict", "The instance has changed since the version given", 412, 5, 6},
        {"not-permitted", "The policy does not allow this", 403, 7, 7},
        {"store-busy", "The database is busy; try again", 503, 6, 8},
        {"store-read-only", "The database cannot be written", 503, 6, 8},
        {"store-full", "The database's disk is full", 503, 6, 8},
        {"store-corrupt", "The database is damaged", 503, 6, 9},
        {"not-a-kimflow-database", "The file is not a kimflow database", 503, 6, 8},
        {"schema-too-new", "The database was written by a newer kimflow", 503, 6, 8},
        {"store-error", "The database failed", 503, 6, 8},
        {"observer-error", "The change was made, but a notification failed", 500, 1, 10},
        {"error", "The request could not be carried out", 500, 1, 10},
        {"internal", "Internal error", 500, 1, 10},
    };
    return rows;
}

}  // namespace

const std::vector<ErrorKind>& error_kinds() { return table(); }

const ErrorKind& error_kind(const std::exception& e)
{
    const auto& t = table();
    const auto is = [&](auto* type) { return dynamic_cast<decltype(type)>(&e) != nullptr; };
    if (is(static_cast<const InstanceNotFound*>(nullptr))) return t[not_found];
    if (is(static_cast<const DuplicateInstance*>(nullptr))) return t[duplicate];
    if (is(static_cast<const UnknownEvent*>(nullptr))) return t[unknown_event];
    if (is(static_cast<const InvalidPayload*>(nullptr))) return t[invalid_payload];
    if (is(static_cast<const InvalidData*>(nullptr))) return t[invalid_data];
    if (is(static_cast<const EventNotAllowed*>(nullptr))) return t[event_not_allowed];
    if (is(static_cast<const GuardRejected*>(nullptr))) return t[guard_rejected];
    if (is(static_cast<const RecordedTooEarly*>(nullptr))) return t[recorded_too_early];
    if (is(static_cast<const EventRejected*>(nullptr))) return t[event_rejected];
    if (is(static_cast<const VersionConflict*>(nullptr))) return t[version_conflict];
    if (is(static_cast<const NotPermitted*>(nullptr))) return t[not_permitted];
    if (is(static_cast<const StoreBusy*>(nullptr))) return t[store_busy];
    if (is(static_cast<const StoreReadOnly*>(nullptr))) return t[store_read_only];
    if (is(static_cast<const StoreFull*>(nullptr))) return t[store_full];
    if (is(static_cast<const StoreCorrupt*>(nullptr))) return t[store_corrupt];
    if (is(static_cast<const NotAKimflowDatabase*>(nullptr))) return t[not_a_database];
    if (is(static_cast<const SchemaTooNew*>(nullptr))) return t[schema_too_new];
    if (is(static_cast<const StoreError*>(nullptr))) return t[store_error];
    if (is(static_cast<const ObserverError*>(nullptr))) return t[observer_error];
    if (is(static_cast<const Error*>(nullptr))) return t[error];
    return t[internal];
}

}  // namespace kimflow
