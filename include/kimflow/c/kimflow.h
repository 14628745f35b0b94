/**
 * @file
 * kimflow's C ABI: the paper and KIM case lifecycles on a SQLite file, for hosts that are not
 * C++ (Java through JNA or the FFM API, .NET through P/Invoke, Python through ctypes, C).
 *
 * Link `kimflow::c` (CMake) or `kimflow-c` (pkg-config); the library is `libkimflow_c.so`.
 *
 * The rules of the boundary:
 * - Every function that can fail returns a ::kimflow_status. `KIMFLOW_OK` is 0; on anything
 *   else nothing changed, and kimflow_last_error() says what went wrong and what to do.
 * - No C++ exception crosses it; out of memory and library faults are `KIMFLOW_INTERNAL`.
 * - Text in and out is UTF-8 and NUL-terminated. Data goes in and out as JSON (the shapes of
 *   `kimflow/io/json.hpp`): kimflow_get() gives an instance as
 *   `{"lifecycle": "paper", "id": "14/1923", "state": "submitted", "states": [...],
 *   "version": 1, "allowed_events": [...], "created_at": "...", "created_by": {...},
 *   "data": {...}, "history": [...]}`. A write gives its outcome only,
 *   `{"lifecycle": "paper", "id": "14/1923", "event": "submit", "from": "draft",
 *   "to": "submitted", "state": "submitted", "version": 1}`: an actor may be allowed to write
 *   what the policy does not let them read.
 * - Text the library returns through a `char**` is the caller's: free it with kimflow_free().
 *   Out pointers may be NULL when the caller does not want the result.
 * - A ::kimflow_db may be used from several threads at once (the engines lock per instance).
 *   After kimflow_close() every call on it returns ::KIMFLOW_INVALID_ARGUMENT (until a later
 *   kimflow_open() happens to hand out the same address); a call still running when another
 *   thread closes it finishes first.
 *
 * @code{.c}
 * kimflow_db* db = NULL;
 * if (kimflow_open("rat.db", NULL, &db) != KIMFLOW_OK) { fprintf(stderr, "%s\n", kimflow_last_error()); return 1; }
 * kimflow_actor fraktion = {"kretschmer", "fraktion", "Fraktion Die Linke"};
 * kimflow_paper_create(db, "{\"reference\": \"14/1923\", \"title\": \"...\"}", &fraktion, NULL);
 * kimflow_fire(db, "paper", "14/1923", "submit", NULL, &fraktion, KIMFLOW_ANY_VERSION, NULL);
 * kimflow_close(db);
 * @endcode
 */
#ifndef KIMFLOW_C_KIMFLOW_H
#define KIMFLOW_C_KIMFLOW_H

#include <stdint.h>

/** @def KIMFLOW_C_API
    Marks the functions libkimflow_c exports (and, on Windows, imports into a host). */
#if defined(_WIN32)
#if defined(KIMFLOW_C_BUILDING)
#define KIMFLOW_C_API __declspec(dllexport)
#else
#define KIMFLOW_C_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define KIMFLOW_C_API __attribute__((visibility("default")))
#else
#define KIMFLOW_C_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** For kimflow_fire(): fire whatever version the instance is at (no optimistic locking). */
#define KIMFLOW_ANY_VERSION UINT64_MAX

/** An open database with the paper and KIM case engines on it. Opaque. */
typedef struct kimflow_db kimflow_db;

/** What a call did. Stable numbers: hosts may switch on them. */
typedef enum kimflow_status {
    /** Done. */
    KIMFLOW_OK = 0,
    /** A missing argument, malformed JSON, an unknown lifecycle, event or field, a field value
        that does not parse, data a new instance cannot have. Fix the input. */
    KIMFLOW_INVALID_ARGUMENT = 1,
    /** No instance with that id. */
    KIMFLOW_NOT_FOUND = 2,
    /** An instance with that id exists already. */
    KIMFLOW_ALREADY_EXISTS = 3,
    /** The event has no transition from the instance's current state; kimflow_allowed_events()
        lists those that have. */
    KIMFLOW_EVENT_NOT_ALLOWED = 4,
    /** A guard of the lifecycle said no; the message says what is needed first. */
    KIMFLOW_GUARD_REJECTED = 5,
    /** The instance is not at the version the caller expected: someone else changed it. Read it
        again and decide. */
    KIMFLOW_VERSION_CONFLICT = 6,
    /** The policy does not let the actor do this. The refusal is logged. */
    KIMFLOW_NOT_PERMITTED = 7,
    /** The database cannot be opened, read or written (busy, read-only, full, not a kimflow
        database, from a newer kimflow). */
    KIMFLOW_STORAGE = 8,
    /** The database holds something impossible (edited by hand, damaged). Restore a backup and
        run `kimctl verify`. */
    KIMFLOW_STORE_CORRUPT = 9,
    /** Out of memory, or a fault in kimflow: the message says what. */
    KIMFLOW_INTERNAL = 10
} kimflow_status;

/** Who acts: recorded with every transition and checked against the policy. `role` and
    `organization` may be NULL or empty when no policy is in force. */
typedef struct kimflow_actor {
    /** Who: a user name or the name of a job, e.g. "kretschmer". Required. */
    const char* id;
    /** In which role, e.g. "fraktion", "verwaltung", "case_manager". */
    const char* role;
    /** For which organisation, e.g. "Fraktion Die Linke", "Caritas Recklinghausen". */
    const char* organization;
} kimflow_actor;

/** kimflow's version, e.g. "0.1.0". */
KIMFLOW_C_API const char* kimflow_version(void);

/** The name of @p status, a ::kimflow_status, e.g. "KIMFLOW_NOT_FOUND"; "KIMFLOW_UNKNOWN_STATUS"
    for any other number (an int, so that a number from another language is never out of range). */
KIMFLOW_C_API const char* kimflow_status_name(int status);

/** What the calling thread's last failed call said, and what to do; "" after a call that
    succeeded. Valid until the thread's next kimflow call. */
KIMFLOW_C_API const char* kimflow_last_error(void);

/** Frees text the library returned. NULL is fine. */
KIMFLOW_C_API void kimflow_free(char* text);

/**
 * Opens (or creates) the kimflow database at @p path, with a paper and a KIM case engine on it.
 *
 * @param path     the SQLite file; created with its schema if it does not exist
 * @param options  NULL, or a JSON object with any of:
 *   - `"policy"`: `"default"` for the policy kimctl uses (README), or the text of a policy file
 *     (`Policy::parse`); without it every actor may do everything (a host that checks itself);
 *   - `"rules"`: the rules of procedure by body, e.g. `{"Regionalverband Ruhr":
 *     {"answer_period_days": 28, "agenda_deadline_days": 14, "invitation_period_days": 7}}`;
 *   - `"max_resident"`: how many instances each engine keeps in memory.
 * @param db       receives the handle; set to NULL on failure
 */
KIMFLOW_C_API kimflow_status kimflow_open(const char* path, const char* options, kimflow_db** db);

/** Closes @p db and frees it. NULL, or a handle closed already, is left alone. */
KIMFLOW_C_API void kimflow_close(kimflow_db* db);

/**
 * Sets the time at which the calling thread's following fires and creations on @p db are
 * recorded, as RFC 3339 (`2025-01-06T09:00:00+01:00`): for replays, imports and tests. Other
 * threads keep their own. NULL returns to now. A history only moves forward: a fire recorded
 * before the instance's last transition returns ::KIMFLOW_GUARD_REJECTED and changes nothing.
 */
KIMFLOW_C_API kimflow_status kimflow_set_time(kimflow_db* db, const char* rfc3339);

/**
 * Creates a paper (Drucksache) in state `draft`; its id is its reference.
 *
 * @param db        the database, from kimflow_open()
 * @param paper     JSON: `reference` and `title` required; `type` ("Anfrage", "Antrag",
 *                  "Beschlussvorlage", …), `date`, `originator`, `body`, `related_papers`,
 *                  `consultations` (the Beratungsfolge: `organization`, `role`, `authoritative`)
 * @param actor     who creates it
 * @param outcome   receives `{"lifecycle": "paper", "id": …, "state": "draft", "version": 0}`
 */
KIMFLOW_C_API kimflow_status kimflow_paper_create(kimflow_db* db, const char* paper, const kimflow_actor* actor,
                                                  char** outcome);

/**
 * Opens a KIM case: creates it and fires its `open` event.
 *
 * @param db        the database, from kimflow_open()
 * @param id        the case's id, e.g. "RE-2025-0042" (no personal data in ids)
 * @param payload   JSON of the `open` event's fields: `kommune`, `traeger`, `manager`, `kreis`
 * @param actor     who opens it (the case manager)
 * @param outcome   receives the transition: lifecycle, id, event, from, to, state, version
 */
KIMFLOW_C_API kimflow_status kimflow_case_open(kimflow_db* db, const char* id, const char* payload,
                                               const kimflow_actor* actor, char** outcome);

/**
 * Fires an event by name on an instance.
 *
 * @param db                the database, from kimflow_open()
 * @param lifecycle         "paper" or "case"
 * @param id                the instance's id (a paper's reference, a case's id)
 * @param event             the event's id, e.g. "submit", "schedule", "add_goal"
 * @param payload           NULL, or a JSON object of the event's fields: strings, numbers,
 *                          booleans, lists of strings (see `kimctl paper events`)
 * @param actor             who fires it
 * @param expected_version  the version the instance must be at (optimistic locking; 0 for a
 *                          paper nothing has happened to), or ::KIMFLOW_ANY_VERSION
 * @param outcome           receives the transition: lifecycle, id, event, from, to, state, version
 */
KIMFLOW_C_API kimflow_status kimflow_fire(kimflow_db* db, const char* lifecycle, const char* id, const char* event,
                                          const char* payload, const kimflow_actor* actor, uint64_t expected_version,
                                          char** outcome);

/**
 * Reads an instance as JSON.
 *
 * @param db            the database, from kimflow_open()
 * @param lifecycle     "paper" or "case"
 * @param id            the instance's id
 * @param actor         who reads (checked against the policy); NULL reads unchecked
 * @param with_history  non-zero: include the history, one entry per transition
 * @param instance      receives the instance
 */
KIMFLOW_C_API kimflow_status kimflow_get(kimflow_db* db, const char* lifecycle, const char* id,
                                         const kimflow_actor* actor, int with_history, char** instance);

/**
 * The events the instance takes in its current state (and, with an actor, that the policy lets
 * the actor fire), as a JSON array of names, e.g. `["answer", "schedule", "withdraw"]`.
 *
 * @param db      the database, from kimflow_open()
 * @param lifecycle "paper" or "case"
 * @param id      the instance's id
 * @param actor   NULL: every event with a transition from the current state whose state guards
 *                allow it now
 * @param events  receives the array
 */
KIMFLOW_C_API kimflow_status kimflow_allowed_events(kimflow_db* db, const char* lifecycle, const char* id,
                                                    const kimflow_actor* actor, char** events);

#ifdef __cplusplus
}
#endif

#endif /* KIMFLOW_C_KIMFLOW_H */
