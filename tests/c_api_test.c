/* The C ABI (include/kimflow/c/kimflow.h) called from C, as a C, Java or .NET host would:
 * statuses, messages, JSON in and out, nothing changed on a refusal, data kept across a close,
 * the numbers fixed at compile time. The promises that need more (out of memory, a damaged
 * database, many threads, every status produced) are in c_api_promises_test.c; main runs both.
 *
 * Usage: kimflow_c_test DATABASE   (the file and its -wal/-shm are removed first)
 * Prints "N checks, 0 failed" and exits 0, or lists the failed checks and exits 1. */
#define _POSIX_C_SOURCE 200112L /* pthread barriers */

#include "c_api_check.h"

#include <kimflow/version.hpp>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stable numbers: hosts switch on them, so a renumbering must not compile. (__extension__:
   _Static_assert is C11, this file C99.) */
#define STABLE(status, number) __extension__ _Static_assert(status == number, #status " must stay " #number)
STABLE(KIMFLOW_OK, 0);
STABLE(KIMFLOW_INVALID_ARGUMENT, 1);
STABLE(KIMFLOW_NOT_FOUND, 2);
STABLE(KIMFLOW_ALREADY_EXISTS, 3);
STABLE(KIMFLOW_EVENT_NOT_ALLOWED, 4);
STABLE(KIMFLOW_GUARD_REJECTED, 5);
STABLE(KIMFLOW_VERSION_CONFLICT, 6);
STABLE(KIMFLOW_NOT_PERMITTED, 7);
STABLE(KIMFLOW_STORAGE, 8);
STABLE(KIMFLOW_STORE_CORRUPT, 9);
STABLE(KIMFLOW_INTERNAL, 10);

/* The counters every check in both files counts in, defined here once; c_api_check.h declares
   them and the helpers below. */
int failures = 0;
int checks = 0;
int produced[status_count];

int contains(const char* text, const char* part) { return text && strstr(text, part) != NULL; }

const kimflow_actor fraktion = {"kretschmer", "fraktion", "Fraktion Die Linke"};
static const kimflow_actor verwaltung = {"baumeister", "verwaltung", "Regionalverband Ruhr"};
static const kimflow_actor sitzungsdienst = {"sitzungsdienst", "sitzungsdienst", "Regionalverband Ruhr"};
const kimflow_actor case_manager = {"mueller", "case_manager", "Caritas Recklinghausen"};

static const char* anfrage =
    "{\"reference\": \"14/1923\", \"type\": \"Anfrage\","
    " \"title\": \"Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet\","
    " \"date\": \"2025-01-06\", \"originator\": \"Fraktion Die Linke\", \"body\": \"Regionalverband Ruhr\","
    " \"consultations\": [{\"organization\": \"Ausschuss für Kultur, Sport und Vielfalt\", \"role\": \"Kenntnisnahme\"}]}";

long version_in(const char* json)
{
    const char* v = NULL;
    for (const char* at = json ? strstr(json, "\"version\":") : NULL; at; at = strstr(at + 1, "\"version\":")) v = at;
    return v ? strtol(v + strlen("\"version\":"), NULL, 10) : -1;
}

long version_of(kimflow_db* db, const char* lifecycle, const char* id)
{
    char* json = NULL;
    const long version = kimflow_get(db, lifecycle, id, NULL, 0, &json) == KIMFLOW_OK ? version_in(json) : -1;
    kimflow_free(json);
    return version;
}

int count_of(const char* text, const char* part)
{
    int n = 0;
    for (const char* at = text ? strstr(text, part) : NULL; at; at = strstr(at + 1, part)) ++n;
    return n;
}

static void the_boundary_itself(void)
{
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", KIMFLOW_VERSION_MAJOR, KIMFLOW_VERSION_MINOR, KIMFLOW_VERSION_PATCH);
    CHECK(strcmp(kimflow_version(), expected) == 0);
    static const char* const names[status_count] = {
        "KIMFLOW_OK", "KIMFLOW_INVALID_ARGUMENT", "KIMFLOW_NOT_FOUND", "KIMFLOW_ALREADY_EXISTS",
        "KIMFLOW_EVENT_NOT_ALLOWED", "KIMFLOW_GUARD_REJECTED", "KIMFLOW_VERSION_CONFLICT", "KIMFLOW_NOT_PERMITTED",
        "KIMFLOW_STORAGE", "KIMFLOW_STORE_CORRUPT", "KIMFLOW_INTERNAL"};
    for (int status = 0; status < status_count; ++status) CHECK(strcmp(kimflow_status_name(status), names[status]) == 0);
    CHECK(strcmp(kimflow_status_name(99), "KIMFLOW_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(kimflow_status_name(-1), "KIMFLOW_UNKNOWN_STATUS") == 0);
    kimflow_free(NULL);
    kimflow_close(NULL);
}

static void opening_refuses_bad_arguments(const char* path)
{
    kimflow_db* db = (kimflow_db*)&db; /* not NULL: a failed open must reset it */
    CHECK_STATUS(kimflow_open(path, NULL, NULL), KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_open(NULL, NULL, &db), KIMFLOW_INVALID_ARGUMENT);
    CHECK(db == NULL);
    CHECK_STATUS(kimflow_open(path, "{\"policy\": ", &db), KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "not valid JSON"));
    CHECK_STATUS(kimflow_open(path, "{\"polcy\": \"default\"}", &db), KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "known are policy, rules, max_resident"));
    CHECK_STATUS(kimflow_open(path, "{\"policy\": \"allow paper everyone\"}", &db), KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_open(path, "{\"rules\": {\"Regionalverband Ruhr\": {\"answer_period_days\": -3}}}", &db),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK(db == NULL);

    /* A file of another program is refused and left as it was. */
    char foreign[4096];
    snprintf(foreign, sizeof foreign, "%s.txt", path);
    FILE* f = fopen(foreign, "wb");
    CHECK(f != NULL);
    if (!f) return;
    const char text[] = "Tagesordnung der Sitzung vom 06.02.2025\n";
    fputs(text, f);
    fclose(f);
    CHECK_STATUS(kimflow_open(foreign, NULL, &db), KIMFLOW_STORAGE);
    CHECK(db == NULL);
    char back[sizeof text] = {0};
    f = fopen(foreign, "rb");
    CHECK(f != NULL && fread(back, 1, sizeof back, f) == sizeof text - 1 && strcmp(back, text) == 0);
    if (f) fclose(f);
    remove(foreign);
}

static void a_paper_goes_through_its_lifecycle(kimflow_db* db)
{
    char* out = NULL;
    CHECK_STATUS(kimflow_set_time(db, "2025-01-06T09:00:00+01:00"), KIMFLOW_OK);
    CHECK_STATUS(kimflow_paper_create(db, anfrage, &fraktion, &out), KIMFLOW_OK);
    CHECK(contains(out, "\"state\":\"draft\""));
    CHECK(kimflow_last_error()[0] == '\0');
    kimflow_free(out);

    CHECK_STATUS(kimflow_paper_create(db, anfrage, &fraktion, NULL), KIMFLOW_ALREADY_EXISTS);
    CHECK_STATUS(kimflow_paper_create(db, "{\"reference\": \"14/1924\"}", &fraktion, NULL), KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "needs a title"));
    CHECK_STATUS(kimflow_paper_create(db, "{\"reference\": \"14/1924\", \"title\": \"x\", \"submitted_at\": \"2025-01-01\"}",
                                      &fraktion, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_paper_create(db, anfrage, NULL, NULL), KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_get(db, "paper", "14/1924", NULL, 0, &out), KIMFLOW_NOT_FOUND);
    CHECK(out == NULL);

    /* Optimistic locking from the start: the new paper is at version 0. */
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "submit", NULL, &fraktion, 0, &out), KIMFLOW_OK);
    CHECK(contains(out, "\"from\":\"draft\"") && contains(out, "\"to\":\"submitted\"") && contains(out, "\"version\":1"));
    kimflow_free(out);

    /* Refusals change nothing: the version stays at 1. */
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "acknowledge", NULL, &sitzungsdienst, KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_EVENT_NOT_ALLOWED);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "withdraw", "{\"reason\": \"erledigt\"}", &fraktion, 0, NULL),
                 KIMFLOW_VERSION_CONFLICT);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "answer", "{\"answer_reference\": 1e400}", &verwaltung,
                              KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "send large numbers and exact values as strings"));
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "answr", NULL, &verwaltung, KIMFLOW_ANY_VERSION, NULL), KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "its events are"));
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "answer", "{\"answer_reference\": \"14/1923-1\"}", &verwaltung, 7, NULL),
                 KIMFLOW_VERSION_CONFLICT);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "schedule",
                              "{\"meeting_date\": \"next week\", \"agenda_item\": \"9.2\"}", &sitzungsdienst, KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "schedule",
                              "{\"meeting_date\": \"2024-12-01\", \"agenda_item\": \"9.2\"}", &sitzungsdienst, KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_GUARD_REJECTED);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "answer", "[1, 2]", &verwaltung, KIMFLOW_ANY_VERSION, NULL), KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_fire(db, "papers", "14/1923", "answer", NULL, &verwaltung, KIMFLOW_ANY_VERSION, NULL), KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "use \"paper\" or \"case\""));
    CHECK(version_of(db, "paper", "14/1923") == 1);

    CHECK_STATUS(kimflow_allowed_events(db, "paper", "14/1923", NULL, &out), KIMFLOW_OK);
    CHECK(contains(out, "\"answer\"") && contains(out, "\"schedule\"") && !contains(out, "\"submit\""));
    kimflow_free(out);

    CHECK_STATUS(kimflow_set_time(db, "2025-01-27T10:00:00+01:00"), KIMFLOW_OK);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "answer", "{\"answer_reference\": \"14/1923-1\"}", &verwaltung, 1, NULL),
                 KIMFLOW_OK);
    CHECK_STATUS(kimflow_set_time(db, "the day after"), KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_set_time(db, "2025-01-28T08:30:00+01:00"), KIMFLOW_OK);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "schedule",
                              "{\"meeting_date\": \"2025-02-06\", \"agenda_item\": \"9.2\"}", &sitzungsdienst, KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_OK);
    CHECK_STATUS(kimflow_set_time(db, "2025-02-06T15:40:00+01:00"), KIMFLOW_OK);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "acknowledge", NULL, &sitzungsdienst, KIMFLOW_ANY_VERSION, &out), KIMFLOW_OK);
    CHECK(contains(out, "\"state\":\"acknowledged\"") && contains(out, "\"version\":4"));
    kimflow_free(out);

    CHECK_STATUS(kimflow_get(db, "paper", "14/1923", &verwaltung, 1, &out), KIMFLOW_OK);
    CHECK(contains(out, "\"created_at\":\"2025-01-06T08:00:00Z\""));
    CHECK(contains(out, "\"answer_reference\":\"14/1923-1\""));
    CHECK(contains(out, "\"agenda_item\":\"9.2\""));
    CHECK(contains(out, "\"history\":[") && contains(out, "\"at\":\"2025-02-06T14:40:00Z\""));
    kimflow_free(out);
}

static void a_case_is_opened_and_worked(kimflow_db* db)
{
    char* out = NULL;
    CHECK_STATUS(kimflow_case_open(db, "RE-2025-0042",
                                   "{\"kommune\": \"Recklinghausen\", \"traeger\": \"Caritas Recklinghausen\","
                                   " \"manager\": \"mueller\", \"kreis\": \"Kreis Recklinghausen\"}",
                                   &case_manager, &out),
                 KIMFLOW_OK);
    CHECK(contains(out, "\"event\":\"open\"") && contains(out, "\"version\":1"));
    kimflow_free(out);
    CHECK_STATUS(kimflow_case_open(db, "RE-2025-0043", "{\"kommune\": {\"name\": \"Marl\"}}", &case_manager, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_get(db, "case", "RE-2025-0043", NULL, 0, NULL), KIMFLOW_NOT_FOUND);

    CHECK_STATUS(kimflow_allowed_events(db, "case", "RE-2025-0042", NULL, &out), KIMFLOW_OK);
    CHECK(contains(out, "\"grant_consent\""));
    kimflow_free(out);
    CHECK_STATUS(kimflow_fire(db, "case", "RE-2025-0042", "grant_consent",
                              "{\"recipients\": [\"Jobcenter\", \"Jugendamt\"], \"purpose\": \"Abstimmung der Hilfen\"}",
                              &case_manager, KIMFLOW_ANY_VERSION, &out),
                 KIMFLOW_OK);
    CHECK(contains(out, "\"to\":\"granted\""));
    kimflow_free(out);
    CHECK_STATUS(kimflow_get(db, "case", "RE-2025-0042", NULL, 0, &out), KIMFLOW_OK);
    CHECK(contains(out, "\"recipients\":[\"Jobcenter\",\"Jugendamt\"]"));
    kimflow_free(out);
}

static void a_policy_is_enforced(const char* path)
{
    kimflow_db* db = NULL;
    char* out = NULL;
    CHECK_STATUS(kimflow_open(path, "{\"policy\": \"default\"}", &db), KIMFLOW_OK);
    if (!db) return;
    CHECK_STATUS(kimflow_paper_create(db, "{\"reference\": \"14/2000\", \"title\": \"Antwort der Verwaltung\", "
                                          "\"originator\": \"Fraktion Die Linke\"}",
                                      &fraktion, NULL),
                 KIMFLOW_OK);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/2000", "submit", NULL, &fraktion, KIMFLOW_ANY_VERSION, NULL), KIMFLOW_OK);
    /* Only the Verwaltung answers. */
    CHECK_STATUS(kimflow_fire(db, "paper", "14/2000", "answer", "{\"answer_reference\": \"14/2000-1\"}", &fraktion, KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_NOT_PERMITTED);
    CHECK(contains(kimflow_last_error(), "refusal is logged"));
    CHECK(version_of(db, "paper", "14/2000") == 1);
    /* A Fraktion reads papers, but another Träger's case is not theirs to read: not found, as if
       it did not exist, so that its existence is not revealed. */
    CHECK_STATUS(kimflow_allowed_events(db, "paper", "14/2000", &fraktion, &out), KIMFLOW_OK);
    CHECK(contains(out, "\"withdraw\"") && !contains(out, "\"answer\""));
    kimflow_free(out);
    CHECK_STATUS(kimflow_get(db, "case", "RE-2025-0042", &fraktion, 0, &out), KIMFLOW_NOT_FOUND);
    CHECK(out == NULL);
    CHECK_STATUS(kimflow_get(db, "case", "RE-2025-0042", &case_manager, 0, &out), KIMFLOW_OK);
    kimflow_free(out);
    kimflow_close(db);
}

/* A history only moves forward: a fire recorded before the last transition is refused. */
static void a_back_dated_fire_is_refused(kimflow_db* db)
{
    CHECK_STATUS(kimflow_set_time(db, "2025-01-01T00:00:00Z"), KIMFLOW_OK);
    CHECK_STATUS(kimflow_fire(db, "case", "RE-2025-0042", "accept", NULL, &case_manager, KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_GUARD_REJECTED);
    CHECK(contains(kimflow_last_error(), "before its last transition"));
    CHECK(version_of(db, "case", "RE-2025-0042") == 2);
    CHECK_STATUS(kimflow_set_time(db, NULL), KIMFLOW_OK);
}

/* One rule for every door (kimflow/core/input.hpp): the C ABI refuses what the engine refuses,
 * at the same limits, and JSON a host cannot have meant: a NUL in a string, a key twice, an
 * integer a double cannot hold. Nothing changes on a refusal. */
static void hostile_input_is_refused_as_everywhere(kimflow_db* db)
{
    static const kimflow_actor escape = {"\x1b[31mmallory", "verwaltung", "Regionalverband Ruhr"};
    static const kimflow_actor bidi = {"baumeister", "verwaltung", "RVR\xe2\x80\xae"};
    static const kimflow_actor blank = {" ", "verwaltung", ""};
    const long before = version_of(db, "paper", "14/1923");
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "answer", "{\"answer_reference\": \"x\"}", &escape,
                              KIMFLOW_ANY_VERSION, NULL), KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "actor id"));
    CHECK(!contains(kimflow_last_error(), "\x1b"));  /* quoted escaped, never raw */
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "answer", NULL, &bidi, KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "answer", NULL, &blank, KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_case_open(db, "K\xe2\x80\x8b-1", "{\"kommune\": \"Datteln\"}", &case_manager, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_case_open(db, "K-9", "{\"kommune\": \"Datteln\", \"kommune\": \"Marl\"}", &case_manager,
                                   NULL), KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "twice"));
    CHECK_STATUS(kimflow_case_open(db, "K-9", "{\"kommune\": \"Dat\\u0000teln\"}", &case_manager, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "NUL"));
    CHECK_STATUS(kimflow_case_open(db, "K-9", "{\"kommune\": \"Datteln\\u001b[2J\"}", &case_manager, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_case_open(db, "K-9", "{\"kommune\": 12345678901234567890123}", &case_manager, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "2^53"));
    CHECK_STATUS(kimflow_case_open(db, "K-9", "{\"kommune\": 9007199254740993}", &case_manager, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_get(db, "case", "K-9", NULL, 0, NULL), KIMFLOW_NOT_FOUND);
    CHECK(version_of(db, "paper", "14/1923") == before);

    /* The text limit of the table: a title of 65536 bytes is taken, one more byte is not. */
    {
        const size_t limit = 65536;
        char* paper = malloc(limit + 200);
        char* title = malloc(limit + 2);
        if (!paper || !title) {
            free(paper);
            free(title);
            CHECK(0);
            return;
        }
        memset(title, 'x', limit + 1);
        title[limit + 1] = '\0';
        snprintf(paper, limit + 200, "{\"reference\": \"14/7001\", \"type\": \"Anfrage\", \"title\": \"%s\", \"originator\": \"Fraktion Die Linke\", \"consultations\": [{\"organization\": \"Rat\", \"role\": \"Kenntnisnahme\"}]}", title);
        CHECK_STATUS(kimflow_paper_create(db, paper, &fraktion, NULL), KIMFLOW_INVALID_ARGUMENT);
        CHECK(contains(kimflow_last_error(), "at most 65536 bytes"));
        title[limit] = '\0';
        snprintf(paper, limit + 200, "{\"reference\": \"14/7002\", \"type\": \"Anfrage\", \"title\": \"%s\", \"originator\": \"Fraktion Die Linke\", \"consultations\": [{\"organization\": \"Rat\", \"role\": \"Kenntnisnahme\"}]}", title);
        CHECK_STATUS(kimflow_paper_create(db, paper, &fraktion, NULL), KIMFLOW_OK);
        free(paper);
        free(title);
    }
}

/* After a close, the handle is refused, not used; a second close is harmless. */
static void a_closed_handle_is_refused(const char* path)
{
    kimflow_db* db = NULL;
    CHECK_STATUS(kimflow_open(path, NULL, &db), KIMFLOW_OK);
    if (!db) return;
    kimflow_close(db);
    CHECK_STATUS(kimflow_set_time(db, "2025-01-06T09:00:00Z"), KIMFLOW_INVALID_ARGUMENT);
    CHECK(contains(kimflow_last_error(), "not an open handle"));
    CHECK_STATUS(kimflow_fire(db, "paper", "14/1923", "withdraw", "{\"reason\": \"x\"}", &fraktion,
                              KIMFLOW_ANY_VERSION, NULL),
                 KIMFLOW_INVALID_ARGUMENT);
    CHECK_STATUS(kimflow_get(db, "paper", "14/1923", NULL, 0, NULL), KIMFLOW_INVALID_ARGUMENT);
    kimflow_close(db);
}

/* Two threads on one handle, each with its own recorded time. */
struct timed_open {
    kimflow_db* db;
    pthread_barrier_t* both_set;
    const char* time;
    const char* id;
    kimflow_status status;
    char* json;
};

static void* open_at_own_time(void* argument)
{
    struct timed_open* job = (struct timed_open*)argument;
    job->status = kimflow_set_time(job->db, job->time);
    pthread_barrier_wait(job->both_set); /* the other thread has set its time too */
    if (job->status == KIMFLOW_OK)
        job->status = kimflow_case_open(job->db, job->id, "{\"kommune\": \"Marl\", \"traeger\": \"AWO\"}",
                                        &case_manager, NULL);
    if (job->status == KIMFLOW_OK) job->status = kimflow_get(job->db, "case", job->id, NULL, 0, &job->json);
    return NULL;
}

static void each_thread_records_at_its_own_time(kimflow_db* db)
{
    pthread_barrier_t both_set;
    pthread_barrier_init(&both_set, NULL, 2);
    struct timed_open jobs[2] = {{db, &both_set, "2025-03-01T08:00:00Z", "MA-1", KIMFLOW_INTERNAL, NULL},
                                 {db, &both_set, "2025-04-01T08:00:00Z", "MA-2", KIMFLOW_INTERNAL, NULL}};
    pthread_t threads[2];
    for (int i = 0; i < 2; ++i) pthread_create(&threads[i], NULL, open_at_own_time, &jobs[i]);
    for (int i = 0; i < 2; ++i) pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&both_set);
    CHECK(jobs[0].status == KIMFLOW_OK && jobs[1].status == KIMFLOW_OK);
    CHECK(contains(jobs[0].json, "\"created_at\":\"2025-03-01T08:00:00Z\""));
    CHECK(contains(jobs[1].json, "\"created_at\":\"2025-04-01T08:00:00Z\""));
    kimflow_free(jobs[0].json);
    kimflow_free(jobs[1].json);
}

void remove_database(const char* path)
{
    char side[4096];
    remove(path);
    snprintf(side, sizeof side, "%s-wal", path);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", path);
    remove(side);
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATABASE\n", argv[0]);
        return 2;
    }
    const char* path = argv[1];
    remove_database(path);

    the_boundary_itself();
    out_of_memory_is_internal(); /* first: no other thread may take address space meanwhile */
    opening_refuses_bad_arguments(path);

    kimflow_db* db = NULL;
    CHECK_STATUS(kimflow_open(path, "{\"rules\": {\"Regionalverband Ruhr\": {\"answer_period_days\": 28}}}", &db),
                 KIMFLOW_OK);
    if (db) {
        a_paper_goes_through_its_lifecycle(db);
        a_case_is_opened_and_worked(db);
        a_back_dated_fire_is_refused(db);
        hostile_input_is_refused_as_everywhere(db);
        each_thread_records_at_its_own_time(db);
        one_handle_serves_many_threads(db);
        kimflow_close(db);
        a_closed_handle_is_refused(path);

        /* What was written is there after a close, on a new handle. */
        db = NULL;
        CHECK_STATUS(kimflow_open(path, NULL, &db), KIMFLOW_OK);
        if (db) {
            char* out = NULL;
            CHECK_STATUS(kimflow_get(db, "paper", "14/1923", NULL, 0, &out), KIMFLOW_OK);
            CHECK(contains(out, "\"state\":\"acknowledged\""));
            kimflow_free(out);
            kimflow_close(db);
        }
        a_policy_is_enforced(path);
        a_damaged_database_is_store_corrupt(path);
        stored_text_that_is_not_utf8_is_store_corrupt(path);
        every_status_was_produced();
    }

    /* The last line, and the exit code, say whether every check held. */
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
