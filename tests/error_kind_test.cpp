// The one table from error types to codes (kimflow/core/error_kind.hpp): each type finds its own
// row (a derived type before its base), the codes match kimctl's README, the HTTP statuses what a
// client expects, and the C statuses kimflow.h's numbers.
#include <set>

#include <gtest/gtest.h>

#include <kimflow/c/kimflow.h>
#include <kimflow/core/error_kind.hpp>
#include <kimflow/store/store.hpp>

namespace {

using namespace kimflow;

void expect_kind(const std::exception& e, const char* type, int http, int exit_code, int c_status)
{
    const ErrorKind& k = error_kind(e);
    EXPECT_EQ(k.type, type) << e.what();
    EXPECT_EQ(k.http_status, http) << type;
    EXPECT_EQ(k.exit_code, exit_code) << type;
    EXPECT_EQ(k.c_status, c_status) << type;
}

TEST(ErrorKind, EachErrorTypeFindsItsOwnRow)
{
    expect_kind(InstanceNotFound("case", "c-1"), "not-found", 404, 4, KIMFLOW_NOT_FOUND);
    expect_kind(DuplicateInstance("case", "c-1"), "duplicate-instance", 409, 3, KIMFLOW_ALREADY_EXISTS);
    expect_kind(UnknownEvent("case", "fly", "open"), "unknown-event", 422, 2, KIMFLOW_INVALID_ARGUMENT);
    expect_kind(InvalidPayload("open", "kommune", "missing"), "invalid-payload", 422, 2, KIMFLOW_INVALID_ARGUMENT);
    expect_kind(InvalidData("no id"), "invalid-data", 422, 2, KIMFLOW_INVALID_ARGUMENT);
    expect_kind(EventNotAllowed("c", "intake", "close", "r", "m"), "event-not-allowed", 409, 3, KIMFLOW_EVENT_NOT_ALLOWED);
    expect_kind(GuardRejected("c", "intake", "close", "r", "m"), "guard-rejected", 409, 3, KIMFLOW_GUARD_REJECTED);
    expect_kind(RecordedTooEarly("c", "intake", "close", "r", "m"), "recorded-too-early", 409, 3, KIMFLOW_GUARD_REJECTED);
    expect_kind(VersionConflict("c", 1, 2), "version-conflict", 412, 5, KIMFLOW_VERSION_CONFLICT);
    expect_kind(NotPermitted("case", "c", "read", "x", "m"), "not-permitted", 403, 7, KIMFLOW_NOT_PERMITTED);
    expect_kind(StoreBusy("busy", 5), "store-busy", 503, 6, KIMFLOW_STORAGE);
    expect_kind(StoreReadOnly("ro", 8), "store-read-only", 503, 6, KIMFLOW_STORAGE);
    expect_kind(StoreFull("full", 13), "store-full", 503, 6, KIMFLOW_STORAGE);
    expect_kind(StoreCorrupt("bad", 11), "store-corrupt", 503, 6, KIMFLOW_STORE_CORRUPT);
    expect_kind(NotAKimflowDatabase("x", 0), "not-a-kimflow-database", 503, 6, KIMFLOW_STORAGE);
    expect_kind(SchemaTooNew("x", 0), "schema-too-new", 503, 6, KIMFLOW_STORAGE);
    expect_kind(StoreError("x", 1), "store-error", 503, 6, KIMFLOW_STORAGE);
    expect_kind(ObserverError("x"), "observer-error", 500, 1, KIMFLOW_INTERNAL);
    expect_kind(Error("misuse"), "error", 500, 1, KIMFLOW_INTERNAL);
    expect_kind(std::runtime_error("other"), "internal", 500, 1, KIMFLOW_INTERNAL);
}

TEST(ErrorKind, TypesAreUniqueAndStable)
{
    std::set<std::string_view> types;
    for (const auto& k : error_kinds()) {
        EXPECT_TRUE(types.insert(k.type).second) << k.type;
        EXPECT_EQ(k.type.find_first_not_of("abcdefghijklmnopqrstuvwxyz-"), std::string_view::npos) << k.type;
        EXPECT_FALSE(k.title.empty());
    }
    EXPECT_EQ(types.size(), 21u) << "a type once released stays: add rows, never rename";
}

}  // namespace
