#!/usr/bin/python3
"""Validates OParl 1.1 objects against the official JSON schemas.

usage: validate.py SCHEMA_DIR FILE_OR_DIR...

Every object is checked against the schema its `type` names (the last segment of
`https://schema.oparl.org/1.1/Paper` gives `Paper.json`). The schemas mark nested objects with
OParl's own keyword `"schema": "X.json"` (for an object property, or for the items of an array),
which standard validators ignore; this script validates those nested objects against their own
schema explicitly, so that e.g. every `Paper.consultation[]` and `Meeting.agendaItem[]` is checked.
The formats `url`, `date` and `date-time` (RFC 3339, with an offset) are checked as well.

A file holds one object, a JSON array of objects, or a list page `{"data": [...]}`; a folder
is searched for `*.json` files. Each error is printed as `FILE: JSON-PATH: message`.

Exit status: 0 if every object is valid, 1 if any is invalid (or a file is not JSON), 2 on a
usage error (missing arguments, a path that does not exist, no JSON file found).

Needs Debian's python3-jsonschema: run it with /usr/bin/python3.
"""

import datetime
import json
import os
import re
import sys
import urllib.parse

import jsonschema

TYPE_URL = re.compile(r"^https://schema\.oparl\.org/1\.1/([A-Za-z]+)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("url")
def is_url(value):
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


@FORMATS.checks("date", raises=ValueError)
def is_date(value):
    if not isinstance(value, str):
        return True
    if not DATE.match(value):
        raise ValueError("not a date of the form YYYY-MM-DD")
    datetime.date.fromisoformat(value)
    return True


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value):
    if not isinstance(value, str):
        return True
    if not DATE_TIME.match(value):
        raise ValueError("not an RFC 3339 date-time with offset, e.g. 2025-01-06T08:00:00Z")
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


class Validator:
    def __init__(self, schema_dir):
        self.schema_dir = schema_dir
        self.schemas = {}
        self.errors = 0

    def schema(self, name):
        """The schema in file `name` (e.g. `Paper.json`; `Paper` is read as `Paper.json`)."""
        if not name.endswith(".json"):
            name += ".json"
        if name not in self.schemas:
            path = os.path.join(self.schema_dir, name)
            if not os.path.isfile(path):
                return None
            with open(path, encoding="utf-8") as f:
                self.schemas[name] = json.load(f)
        return self.schemas[name]

    def report(self, file, path, message):
        self.errors += 1
        print(f"{file}: {path}: {message}")

    def check_top(self, file, obj, path):
        """An object at the top of a file (or in a list): its schema comes from its `type`."""
        if not isinstance(obj, dict):
            self.report(file, path, "is not a JSON object")
            return
        kind = obj.get("type")
        match = TYPE_URL.match(kind) if isinstance(kind, str) else None
        if not match:
            self.report(file, path + ".type", f"{kind!r} is not an OParl 1.1 type URL")
            return
        if self.schema(match.group(1)) is None:
            self.report(file, path + ".type", f"no schema {match.group(1)}.json in {self.schema_dir}")
            return
        self.check(file, obj, match.group(1), path)

    def check(self, file, obj, schema_name, path):
        """Validates `obj` against schema `schema_name`, then its nested objects against theirs."""
        schema = self.schema(schema_name)
        if schema is None:
            self.report(file, path, f"no schema {schema_name} in {self.schema_dir}")
            return
        validator = jsonschema.Draft4Validator(schema, format_checker=FORMATS)
        for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
            self.report(file, path + "".join(step(p) for p in error.absolute_path), error.message)
        if not isinstance(obj, dict):
            return
        for key, prop in schema.get("properties", {}).items():
            value = obj.get(key)
            if "schema" in prop and isinstance(value, dict):
                self.check(file, value, prop["schema"], path + step(key))
            items = prop.get("items")
            if isinstance(items, dict) and "schema" in items and isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        self.check(file, item, items["schema"], path + step(key) + step(i))

    def check_file(self, file):
        try:
            with open(file, encoding="utf-8") as f:
                document = json.load(f)
        except (OSError, ValueError) as e:
            self.report(file, "$", f"cannot be read as JSON: {e}")
            return
        if isinstance(document, list):
            for i, obj in enumerate(document):
                self.check_top(file, obj, "$" + step(i))
        elif isinstance(document, dict) and "type" not in document and isinstance(document.get("data"), list):
            for i, obj in enumerate(document["data"]):
                self.check_top(file, obj, "$.data" + step(i))
        else:
            self.check_top(file, document, "$")


def step(key):
    return f"[{key}]" if isinstance(key, int) else f".{key}"


def json_files(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith(".json")]
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return files


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    schema_dir = argv[1]
    if not os.path.isfile(os.path.join(schema_dir, "Paper.json")):
        print(f"{schema_dir}: not a folder of OParl schemas (no Paper.json there)", file=sys.stderr)
        return 2
    try:
        files = json_files(argv[2:])
    except FileNotFoundError as e:
        print(e, file=sys.stderr)
        return 2
    if not files:
        print("no .json files found in " + " ".join(argv[2:]), file=sys.stderr)
        return 2
    validator = Validator(schema_dir)
    for file in files:
        validator.check_file(file)
    if validator.errors:
        print(f"{validator.errors} error(s) in {len(files)} file(s)", file=sys.stderr)
        return 1
    print(f"{len(files)} file(s) valid", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
