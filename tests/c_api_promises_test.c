/* The C ABI's promises that need more than a story (include/kimflow/c/kimflow.h): out of memory
 * is KIMFLOW_INTERNAL, a database changed by hand is KIMFLOW_STORE_CORRUPT, one handle serves
 * many threads, and every status is produced at least once. main (c_api_test.c) runs them. */
#define _POSIX_C_SOURCE 200112L /* pthread barriers, getrlimit */

#include "c_api_check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Whether a sanitizer's runtime is in the process (its allocator ends the process on an
   allocation it cannot serve instead of failing it). Weak: NULL without one. */
extern void __asan_init(void) __attribute__((weak));
extern void __tsan_init(void) __attribute__((weak));
static int sanitized(void) { return __asan_init != NULL || __tsan_init != NULL; }

/* Out of memory is KIMFLOW_INTERNAL (the header's promise), with a message saying so, and
 * nothing is opened. The address space is capped below what copying a 64 MiB path takes. */
void out_of_memory_is_internal(void)
{
    if (sanitized()) {
        printf("note: out of memory -> KIMFLOW_INTERNAL not checked: a sanitizer's allocator ends the process\n");
        return;
    }
    const size_t size = (size_t)64 << 20;
    char* path = malloc(size + 1);
    unsigned long long pages = 0; /* the address space in use, path included */
    FILE* statm = fopen("/proc/self/statm", "r");
    if (statm) {
        if (fscanf(statm, "%llu", &pages) != 1) pages = 0;
        fclose(statm);
    }
    struct rlimit old, tight;
    const int limited = getrlimit(RLIMIT_AS, &old) == 0;
    CHECK(path != NULL && pages > 0 && limited);
    if (!path || pages == 0 || !limited) {
        free(path);
        return;
    }
    memset(path, 'x', size);
    path[size] = '\0';
    tight = old;
    const rlim_t cap = (rlim_t)(pages * (unsigned long long)sysconf(_SC_PAGESIZE) + size / 4);
    if (tight.rlim_cur == RLIM_INFINITY || tight.rlim_cur > cap) tight.rlim_cur = cap;
    kimflow_db* db = (kimflow_db*)&db;
    kimflow_status status = KIMFLOW_OK;
    if (setrlimit(RLIMIT_AS, &tight) == 0) {
        status = kimflow_open(path, NULL, &db);
        setrlimit(RLIMIT_AS, &old);
    }
    CHECK_STATUS(status, KIMFLOW_INTERNAL);
    CHECK(contains(kimflow_last_error(), "out of memory"));
    CHECK(db == NULL);
    free(path);
}

/* The bytes of the file @p path (free them), their number in @p size; NULL if it cannot be read. */
static char* read_file(const char* path, long* size)
{
    FILE* f = fopen(path, "rb");
    char* bytes = NULL;
    *size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0) *size = ftell(f);
    if (*size > 0 && fseek(f, 0, SEEK_SET) == 0) bytes = malloc((size_t)*size);
    if (bytes && fread(bytes, 1, (size_t)*size, f) != (size_t)*size) {
        free(bytes);
        bytes = NULL;
    }
    if (f) fclose(f);
    return bytes;
}

/* Writes @p size bytes to @p path; 1 if all were written. */
static int write_file(const char* path, const char* bytes, long size)
{
    FILE* f = fopen(path, "wb");
    const int written = f && fwrite(bytes, 1, (size_t)size, f) == (size_t)size;
    return (f && fclose(f) == 0) && written;
}

/* A database that holds something impossible is KIMFLOW_STORE_CORRUPT on every call that reads
 * the instance: a state the lifecycle does not have (kimflow's own check, as a hand edit leaves
 * it), and a damaged page (SQLite's check). */
void a_damaged_database_is_store_corrupt(const char* path)
{
    char damaged[4096];
    snprintf(damaged, sizeof damaged, "%s.damaged", path);
    remove_database(damaged);
    kimflow_db* db = NULL;
    CHECK_STATUS(kimflow_open(damaged, NULL, &db), KIMFLOW_OK);
    if (!db) return;
    CHECK_STATUS(kimflow_paper_create(db, "{\"reference\": \"14/6660\", \"title\": \"Kaputt\"}", &fraktion, NULL),
                 KIMFLOW_OK);
    kimflow_close(db); /* the last connection: SQLite moves the write-ahead log into the file */

    long size = -1;
    char* bytes = read_file(damaged, &size);
    CHECK(bytes != NULL && size > 8192);
    /* The instance's row as SQLite's record keeps its columns, back to back: lifecycle, id,
       version (0 takes no bytes), state, states. It is there once. */
    static const char row[] = "paper14/6660draftdraft";
    char* state = NULL;
    int rows = 0;
    for (long at = 0; bytes && at + (long)sizeof row - 1 <= size; ++at) {
        if (memcmp(bytes + at, row, sizeof row - 1) != 0) continue;
        ++rows;
        state = bytes + at + strlen("paper14/6660");
    }
    CHECK(rows == 1);
    if (rows != 1) {
        free(bytes);
        remove_database(damaged);
        return;
    }
    memcpy(state, "drafxdrafx", 10);
    remove_database(damaged);
    CHECK(write_file(damaged, bytes, size));
    CHECK_STATUS(kimflow_open(damaged, NULL, &db), KIMFLOW_OK);
    if (db) {
        CHECK_STATUS(kimflow_get(db, "paper", "14/6660", NULL, 1, NULL), KIMFLOW_STORE_CORRUPT);
        CHECK(contains(kimflow_last_error(), "'drafx'") && contains(kimflow_last_error(), "restore it from a backup"));
        CHECK_STATUS(kimflow_allowed_events(db, "paper", "14/6660", NULL, NULL), KIMFLOW_STORE_CORRUPT);
        CHECK_STATUS(kimflow_fire(db, "paper", "14/6660", "submit", NULL, &fraktion, KIMFLOW_ANY_VERSION, NULL),
                     KIMFLOW_STORE_CORRUPT);
        kimflow_close(db);
    }

    /* The state as it was, but the page of the instance table's root damaged: page 2 (the first
       table of the schema), whose first byte says which kind of b-tree page it is; 0 is none. */
    memcpy(state, "draftdraft", 10);
    const long field = (unsigned char)bytes[16] << 8 | (unsigned char)bytes[17];
    const long page = field == 1 ? 65536 : field; /* the file header's page size; 1 stands for 65536 */
    CHECK(page >= 512 && 2 * page <= size);
    if (page >= 512 && 2 * page <= size) {
        bytes[page] = 0;
        remove_database(damaged);
        CHECK(write_file(damaged, bytes, size));
        CHECK_STATUS(kimflow_open(damaged, NULL, &db), KIMFLOW_OK);
        if (db) {
            CHECK_STATUS(kimflow_get(db, "paper", "14/6660", NULL, 0, NULL), KIMFLOW_STORE_CORRUPT);
            CHECK(contains(kimflow_last_error(), "damaged"));
            kimflow_close(db);
        }
    }
    free(bytes);
    remove_database(damaged);
}

/* Text in the store that is not UTF-8 (a paper's title edited by hand) is KIMFLOW_STORE_CORRUPT,
 * as the header promises for a database changed by hand, not KIMFLOW_INTERNAL: every text is
 * checked to be UTF-8 on the way in (docs/input-rules.md), so such text comes from the file.
 * The message says what to do, and reading changes nothing in the file. */
void stored_text_that_is_not_utf8_is_store_corrupt(const char* path)
{
    static const char title[] = "Zeichensalat im Ratsinformationssystem";
    char damaged[4096], paper[256];
    snprintf(damaged, sizeof damaged, "%s.not-utf8", path);
    snprintf(paper, sizeof paper, "{\"reference\": \"14/6661\", \"title\": \"%s\"}", title);
    remove_database(damaged);
    kimflow_db* db = NULL;
    CHECK_STATUS(kimflow_open(damaged, NULL, &db), KIMFLOW_OK);
    if (!db) return;
    CHECK_STATUS(kimflow_paper_create(db, paper, &fraktion, NULL), KIMFLOW_OK);
    kimflow_close(db); /* the last connection: SQLite moves the write-ahead log into the file */

    long size = -1;
    char* bytes = read_file(damaged, &size);
    /* The title, in the paper's stored cereal data (its length, then its bytes): there once. */
    char* stored = NULL;
    int found = 0;
    for (long at = 0; bytes && at + (long)sizeof title - 1 <= size; ++at) {
        if (memcmp(bytes + at, title, sizeof title - 1) != 0) continue;
        ++found;
        stored = bytes + at;
    }
    CHECK(found == 1);
    if (found != 1) {
        free(bytes);
        remove_database(damaged);
        return;
    }
    stored[1] = (char)0xFF; /* "Z\xFFichensalat": a byte UTF-8 never has */
    remove_database(damaged);
    CHECK(write_file(damaged, bytes, size));
    CHECK_STATUS(kimflow_open(damaged, NULL, &db), KIMFLOW_OK);
    if (db) {
        char* out = (char*)&out; /* not NULL: a failed get must reset it */
        CHECK_STATUS(kimflow_get(db, "paper", "14/6661", NULL, 0, &out), KIMFLOW_STORE_CORRUPT);
        CHECK(out == NULL);
        const char* message = kimflow_last_error();
        CHECK(contains(message, "text that is not UTF-8") && contains(message, "changed by hand") &&
              contains(message, "restore it from a backup") && contains(message, "kimctl verify"));
        kimflow_close(db);
    }
    long after = -1;
    char* now = read_file(damaged, &after);
    CHECK(now != NULL && after == size && memcmp(now, bytes, (size_t)size) == 0);
    free(now);
    free(bytes);
    remove_database(damaged);
}

/* One handle, several threads (the header: "may be used from several threads at once"): each
 * fires on a case of its own and on one case they share, blindly and at a version it read. No
 * fire is lost or counted twice, and each thread's last error is its own. */
enum { workers = 4, rounds = 16, shared_fires = 2 * workers * rounds };

struct worker {
    kimflow_db* db;
    pthread_barrier_t* together; /* waited at twice: to start, and once all have failed */
    int index;
    int wrong;            /* calls that did not give what they should */
    int own_error;        /* after all threads failed differently, the last error named its call */
    int fired;            /* fires on the shared case that succeeded */
    long versions[2 * rounds]; /* the versions they reached */
};

static const char* const assign = "{\"manager\": \"mueller\"}";

static void* fire_from_one_thread(void* argument)
{
    struct worker* w = (struct worker*)argument;
    char own[32], missing[32];
    snprintf(own, sizeof own, "TH-%d", w->index);
    snprintf(missing, sizeof missing, "TH-missing-%d", w->index);
    if (kimflow_case_open(w->db, own, "{\"kommune\": \"Herten\"}", &case_manager, NULL) != KIMFLOW_OK) ++w->wrong;
    pthread_barrier_wait(w->together); /* all fire at once, for as much overlap as can be had */
    for (int r = 0; r < rounds; ++r) {
        char* out = NULL;
        /* Nobody else fires on its own case: each fire is at exactly the next version. */
        if (kimflow_fire(w->db, "case", own, "assign", assign, &case_manager, (uint64_t)(1 + r), NULL) != KIMFLOW_OK)
            ++w->wrong;
        if (kimflow_fire(w->db, "case", "TH-shared", "assign", assign, &case_manager, KIMFLOW_ANY_VERSION, &out) ==
            KIMFLOW_OK)
            w->versions[w->fired++] = version_in(out);
        else
            ++w->wrong;
        kimflow_free(out);
        /* At the version read: a conflict is retried (a bounded number of times), a success counts once. */
        int done = 0;
        for (int attempt = 0; attempt < 1000 && !done; ++attempt) {
            const long version = version_of(w->db, "case", "TH-shared");
            out = NULL;
            const kimflow_status status = version < 0 ? KIMFLOW_NOT_FOUND
                                                      : kimflow_fire(w->db, "case", "TH-shared", "assign", assign,
                                                                     &case_manager, (uint64_t)version, &out);
            if (status == KIMFLOW_OK) w->versions[w->fired++] = version_in(out);
            if (status != KIMFLOW_VERSION_CONFLICT) done = 1;
            if (status != KIMFLOW_OK && status != KIMFLOW_VERSION_CONFLICT) ++w->wrong;
            kimflow_free(out);
        }
        if (!done) ++w->wrong;
        if (r == rounds / 2) { /* every thread passes here exactly once: the barrier cannot hang */
            if (kimflow_get(w->db, "case", missing, NULL, 0, NULL) != KIMFLOW_NOT_FOUND) ++w->wrong;
            pthread_barrier_wait(w->together); /* every thread has failed, each with its own id */
            w->own_error = contains(kimflow_last_error(), missing);
        }
    }
    return NULL;
}

void one_handle_serves_many_threads(kimflow_db* db)
{
    CHECK_STATUS(kimflow_case_open(db, "TH-shared", "{\"kommune\": \"Herten\"}", &case_manager, NULL), KIMFLOW_OK);
    pthread_barrier_t together;
    pthread_barrier_init(&together, NULL, workers);
    struct worker jobs[workers];
    pthread_t threads[workers];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < workers; ++i) {
        jobs[i].db = db;
        jobs[i].together = &together;
        jobs[i].index = i;
        if (pthread_create(&threads[i], NULL, fire_from_one_thread, &jobs[i]) != 0) {
            fprintf(stderr, "cannot start a thread; the others would wait for it\n");
            exit(1);
        }
    }
    for (int i = 0; i < workers; ++i) pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&together);

    int reached[shared_fires + 2] = {0}; /* how often each version of the shared case was reported */
    for (int i = 0; i < workers; ++i) {
        char own[32], * history = NULL;
        snprintf(own, sizeof own, "TH-%d", i);
        CHECK(jobs[i].wrong == 0);
        CHECK(jobs[i].own_error);
        CHECK(jobs[i].fired == 2 * rounds);
        CHECK_STATUS(kimflow_get(db, "case", own, NULL, 1, &history), KIMFLOW_OK);
        CHECK(version_in(history) == 1 + rounds && count_of(history, "\"event\":\"assign\"") == rounds);
        kimflow_free(history);
        for (int f = 0; f < jobs[i].fired; ++f)
            if (jobs[i].versions[f] >= 2 && jobs[i].versions[f] <= 1 + shared_fires) ++reached[jobs[i].versions[f]];
    }
    char* history = NULL;
    CHECK_STATUS(kimflow_get(db, "case", "TH-shared", NULL, 1, &history), KIMFLOW_OK);
    CHECK(version_in(history) == 1 + shared_fires && count_of(history, "\"event\":\"assign\"") == shared_fires);
    kimflow_free(history);
    int each_once = 1;
    for (int v = 2; v <= 1 + shared_fires; ++v) each_once = each_once && reached[v] == 1;
    CHECK(each_once);
}

/* Every status of the enum was produced by some call above, and checked. */
void every_status_was_produced(void)
{
    for (int status = 0; status < status_count; ++status) {
        if (status == KIMFLOW_INTERNAL && sanitized()) continue; /* see out_of_memory_is_internal */
        ++checks;
        if (!produced[status]) {
            ++failures;
            fprintf(stderr, "%s:%d: no call was checked to give %s\n", __FILE__, __LINE__, kimflow_status_name(status));
        }
    }
}
