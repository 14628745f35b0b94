#!/usr/bin/env python3
"""The seeds' story of Fraktionsanfrage 14/1923 through kimflow's C ABI, from Python.

Fraktion Die Linke asks the Regionalverband Ruhr on 2025-01-06; the Regionaldirektor answers
with 14/1923-1 on 2025-01-27; the Ausschuss für Kultur, Sport und Vielfalt takes note on
2025-02-06 under TOP 9.2. Only Python's standard library (ctypes) is used: this is how a
Python, Java (JNA) or .NET (P/Invoke) system calls kimflow.

Usage: story_14_1923.py [--library PATH] [DATABASE]
  --library  libkimflow_c.so (default: $KIMFLOW_C_LIBRARY, else the system's search path)
  DATABASE   the SQLite file (default: story_14_1923.db); a second run shows what it kept.
"""
import argparse
import ctypes
import ctypes.util
import json
import os
import sys


class KimflowError(Exception):
    """A kimflow call that did not succeed: its status name and kimflow's message."""

    def __init__(self, status, message):
        super().__init__(f"{status}: {message}")
        self.status = status


class Actor(ctypes.Structure):
    _fields_ = [("id", ctypes.c_char_p), ("role", ctypes.c_char_p), ("organization", ctypes.c_char_p)]

    @classmethod
    def of(cls, who, role, organization):
        return cls(who.encode(), role.encode(), organization.encode())


class Kimflow:
    """A kimflow database through libkimflow_c: every call checks its status."""

    def __init__(self, library, path, options=None):
        lib = ctypes.CDLL(library)
        text, out = ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)
        status, actor = ctypes.c_int, ctypes.POINTER(Actor)
        signatures = {
            "kimflow_version": ([], text),
            "kimflow_status_name": ([status], text),
            "kimflow_last_error": ([], text),
            "kimflow_free": ([ctypes.c_void_p], None),
            "kimflow_open": ([text, text, ctypes.POINTER(ctypes.c_void_p)], status),
            "kimflow_close": ([ctypes.c_void_p], None),
            "kimflow_set_time": ([ctypes.c_void_p, text], status),
            "kimflow_paper_create": ([ctypes.c_void_p, text, actor, out], status),
            "kimflow_fire": ([ctypes.c_void_p, text, text, text, text, actor, ctypes.c_uint64, out], status),
            "kimflow_get": ([ctypes.c_void_p, text, text, actor, ctypes.c_int, out], status),
            "kimflow_allowed_events": ([ctypes.c_void_p, text, text, actor, out], status),
        }
        for name, (argtypes, restype) in signatures.items():
            function = getattr(lib, name)
            function.argtypes, function.restype = argtypes, restype
        self._lib = lib
        self._db = ctypes.c_void_p()
        self._check(lib.kimflow_open(path.encode(), self._encode(options), ctypes.byref(self._db)))

    @property
    def version(self):
        return self._lib.kimflow_version().decode()

    def close(self):
        if self._db:
            self._lib.kimflow_close(self._db)
            self._db = ctypes.c_void_p()

    def set_time(self, rfc3339):
        self._check(self._lib.kimflow_set_time(self._db, rfc3339.encode()))

    def create_paper(self, paper, actor):
        return self._returning(self._lib.kimflow_paper_create, self._db, self._encode(paper), ctypes.byref(actor))

    ANY_VERSION = 2**64 - 1  # KIMFLOW_ANY_VERSION

    def fire(self, lifecycle, id, event, actor, payload=None, expected_version=None):
        version = self.ANY_VERSION if expected_version is None else expected_version
        return self._returning(self._lib.kimflow_fire, self._db, lifecycle.encode(), id.encode(), event.encode(),
                               self._encode(payload), ctypes.byref(actor), version)

    def get(self, lifecycle, id, actor=None, history=False):
        return self._returning(self._lib.kimflow_get, self._db, lifecycle.encode(), id.encode(),
                               ctypes.byref(actor) if actor else None, 1 if history else 0)

    def allowed_events(self, lifecycle, id, actor=None):
        return self._returning(self._lib.kimflow_allowed_events, self._db, lifecycle.encode(), id.encode(),
                               ctypes.byref(actor) if actor else None)

    @staticmethod
    def _encode(value):
        return None if value is None else json.dumps(value, ensure_ascii=False).encode()

    def _check(self, status):
        if status != 0:
            raise KimflowError(self._lib.kimflow_status_name(status).decode(),
                               self._lib.kimflow_last_error().decode())

    def _returning(self, function, *args):
        """Calls a function whose last argument receives JSON text; returns it parsed, freed."""
        result = ctypes.c_void_p()
        self._check(function(*args, ctypes.byref(result)))
        try:
            return json.loads(ctypes.string_at(result).decode())
        finally:
            self._lib.kimflow_free(result)


FRAKTION = Actor.of("kretschmer", "fraktion", "Fraktion Die Linke")
VERWALTUNG = Actor.of("baumeister", "verwaltung", "Regionalverband Ruhr")
SITZUNGSDIENST = Actor.of("sitzungsdienst", "sitzungsdienst", "Regionalverband Ruhr")
COMMITTEE = "Ausschuss für Kultur, Sport und Vielfalt"


def tell_the_story(kimflow):
    kimflow.set_time("2025-01-06T09:00:00+01:00")
    kimflow.create_paper({
        "reference": "14/1923",
        "type": "Anfrage",
        "title": "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet",
        "date": "2025-01-06",
        "originator": "Fraktion Die Linke",
        "body": "Regionalverband Ruhr",
        "consultations": [{"organization": COMMITTEE, "role": "Kenntnisnahme"}],
    }, FRAKTION)
    kimflow.fire("paper", "14/1923", "submit", FRAKTION)

    # Only the Verwaltung answers: the Fraktion's attempt is refused and logged, nothing changes.
    try:
        kimflow.fire("paper", "14/1923", "answer", FRAKTION, {"answer_reference": "14/1923-1"})
        raise SystemExit("the policy let the Fraktion answer its own Anfrage")
    except KimflowError as e:
        print(f"  refused as it should be: {e.status}")

    kimflow.set_time("2025-01-27T10:00:00+01:00")
    kimflow.fire("paper", "14/1923", "answer", VERWALTUNG, {"answer_reference": "14/1923-1"}, expected_version=1)

    kimflow.set_time("2025-01-28T08:30:00+01:00")
    kimflow.fire("paper", "14/1923", "schedule", SITZUNGSDIENST,
                 {"organization": COMMITTEE, "meeting_date": "2025-02-06", "agenda_item": "9.2",
                  "role": "Kenntnisnahme"})

    kimflow.set_time("2025-02-06T15:40:00+01:00")
    print("  allowed for the Sitzungsdienst on 2025-02-06:",
          ", ".join(kimflow.allowed_events("paper", "14/1923", SITZUNGSDIENST)))
    kimflow.fire("paper", "14/1923", "acknowledge", SITZUNGSDIENST)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", default=os.environ.get("KIMFLOW_C_LIBRARY") or ctypes.util.find_library("kimflow_c"))
    parser.add_argument("database", nargs="?", default="story_14_1923.db")
    args = parser.parse_args()
    if not args.library:
        sys.exit("story_14_1923.py: libkimflow_c not found; pass --library PATH or set KIMFLOW_C_LIBRARY")

    kimflow = Kimflow(args.library, args.database, {
        "policy": "default",
        "rules": {"Regionalverband Ruhr": {"answer_period_days": 28, "agenda_deadline_days": 14,
                                           "invitation_period_days": 7}},
    })
    try:
        print(f"kimflow {kimflow.version} through ctypes")
        try:
            kimflow.get("paper", "14/1923")
            print(f"(stored in {args.database} by an earlier run)")
        except KimflowError as e:
            if e.status != "KIMFLOW_NOT_FOUND":
                raise
            tell_the_story(kimflow)

        paper = kimflow.get("paper", "14/1923", VERWALTUNG, history=True)
        data = paper["data"]
        print(f"Drucksache {data['reference']} ({data['type']}): {data['title']}")
        for entry in paper["history"]:
            print(f"  v{entry['version']}  {entry['at']}  {entry['from']} --{entry['event']}--> {entry['to']}"
                  f"  by {entry['actor']['id']} ({entry['actor']['role']})")
        consultation = data["consultations"][0]
        print(f"Beratungsfolge: {consultation['organization']}, {consultation['role']}, "
              f"{consultation['meeting_date']}, TOP {consultation['agenda_item']}: {consultation['result']}")
        print(f"state: {paper['state']}")
        return 0 if paper["state"] == "acknowledged" else 1
    except KimflowError as e:
        print(f"story_14_1923.py: {e}", file=sys.stderr)
        return 1
    finally:
        kimflow.close()


if __name__ == "__main__":
    sys.exit(main())
