/* What the C ABI's tests share (c_api_test.c, c_api_promises_test.c): the checks and their
 * counters, the actors, the helpers, and the promise tests main runs. C99.
 *
 * The counters are defined once, in c_api_test.c; every check in either file counts there, so
 * that main's last line ("N checks, 0 failed") and its exit code speak for both. */
#ifndef KIMFLOW_TESTS_C_API_CHECK_H
#define KIMFLOW_TESTS_C_API_CHECK_H

#include <kimflow/c/kimflow.h>

#include <stdio.h>

enum { status_count = 11 }; /* KIMFLOW_OK .. KIMFLOW_INTERNAL */

extern int failures;
extern int checks;
/* Which statuses a CHECK_STATUS has seen produced: every one must be, at least once. */
extern int produced[status_count];

#define CHECK(condition)                                                                          \
    do {                                                                                          \
        ++checks;                                                                                 \
        if (!(condition)) {                                                                       \
            ++failures;                                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__,   \
                    #condition, kimflow_last_error());                                            \
        }                                                                                         \
    } while (0)

/* The call returned @p expected; on a failure, the message is not empty. */
#define CHECK_STATUS(call, expected)                                                              \
    do {                                                                                          \
        kimflow_status status_ = (call);                                                          \
        ++checks;                                                                                 \
        if (status_ != (expected)) {                                                              \
            ++failures;                                                                           \
            fprintf(stderr, "%s:%d: %s gave %s, expected %s (last error: %s)\n", __FILE__, __LINE__, \
                    #call, kimflow_status_name(status_), kimflow_status_name(expected),           \
                    kimflow_last_error());                                                        \
        } else if ((expected) != KIMFLOW_OK && kimflow_last_error()[0] == '\0') {                 \
            ++failures;                                                                           \
            fprintf(stderr, "%s:%d: %s failed without a message\n", __FILE__, __LINE__, #call);  \
        } else if ((int)status_ >= 0 && (int)status_ < status_count) {                            \
            produced[status_] = 1;                                                                \
        }                                                                                         \
    } while (0)

extern const kimflow_actor fraktion;
extern const kimflow_actor case_manager;

/* Whether @p part occurs in @p text (NULL holds nothing). */
int contains(const char* text, const char* part);
/* How often @p part occurs in @p text. */
int count_of(const char* text, const char* part);
/* The last "version" in @p json (the instance's: its keys are sorted, a history's come first), or -1. */
long version_in(const char* json);
/* The instance's version as kimflow_get reports it, or -1. */
long version_of(kimflow_db* db, const char* lifecycle, const char* id);
/* Removes the database @p path and its -wal and -shm files. */
void remove_database(const char* path);

/* The promise tests (c_api_promises_test.c), in the order main runs them. */
void out_of_memory_is_internal(void);
void one_handle_serves_many_threads(kimflow_db* db);
void a_damaged_database_is_store_corrupt(const char* path);
void stored_text_that_is_not_utf8_is_store_corrupt(const char* path);
void every_status_was_produced(void);

#endif
