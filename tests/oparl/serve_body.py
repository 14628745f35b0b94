#!/usr/bin/env python3
"""A small OParl 1.1 RIS for tests/oparl_sync_test.cpp: one System, one Body, its organizations,
meetings and papers as paged lists, with the faults a real RIS has now and then.

    serve_body.py [--no-faults]

Binds 127.0.0.1 on a free port and prints the port as the first line on stdout. The data is
made up here: a Stadt Beispielstadt with a council, three committees, a Fraktion, five meetings
and seven papers (one of them pending in the council), and a tombstone among the papers.

Faults, each on the first request of its page only (unless --no-faults): HTTP 500 on paper page
2, a meeting page 1 slower than the test's timeout, paper page 3 cut short (Content-Length says
more than is sent).

Lists honour `modified_since` (objects modified at or after it) and page with `page=N`.

Test endpoints, not logged:
  GET  /_log      the requests so far, as a JSON array of paths with their query
  POST /_control  a JSON command:
       {"action": "decide", "meeting": 5, "paper": 5, "result": "beschlossen"}
                    sets that agenda item's result; the meeting counts as modified now
       {"action": "touch", "paper": 2}         the paper counts as modified now
       {"action": "fail", "list": "papers", "page": 3, "status": 503}
                    that page fails with that status until "heal"
       {"action": "heal"}
       {"action": "bodies_as_object"}          the body list URL serves the Body itself
       {"action": "clear_log"}
"""
import datetime
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCHEMA = "https://schema.oparl.org/1.1/"
OLD = "2024-01-15T10:00:00+01:00"
PAGE_SIZE = {"organizations": 2, "meetings": 2, "papers": 3}


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


class Ris:
    def __init__(self, base, faults):
        self.base = base
        self.lock = threading.Lock()
        self.log = []
        self.bodies_as_object = False
        self.failing = {}  # (list, page) -> status
        self.once = set()  # faults already served
        self.faults = faults
        self.organizations = []
        self.meetings = []
        self.papers = []
        self.build()

    def url(self, path):
        return self.base + path

    def build(self):
        body = self.url("/body/1")
        names = [
            ("Rat der Stadt Beispielstadt", "Gremium"),
            ("Hauptausschuss", "Gremium"),
            ("Ausschuss für Umwelt und Klimaschutz", "Gremium"),
            ("Ausschuss für Schule und Sport", "Gremium"),
            ("SPD-Fraktion", "Fraktion"),
        ]
        for n, (name, kind) in enumerate(names, 1):
            self.organizations.append({
                "id": self.url(f"/organization/{n}"), "type": SCHEMA + "Organization", "body": body,
                "name": name, "organizationType": kind, "created": OLD, "modified": OLD})
        # meeting: (committee, day)
        meetings = [(3, "2024-02-06"), (2, "2024-02-20"), (1, "2024-03-05"), (4, "2024-03-12"), (1, "2024-04-16")]
        for n, (org, day) in enumerate(meetings, 1):
            self.meetings.append({
                "id": self.url(f"/meeting/{n}"), "type": SCHEMA + "Meeting",
                "name": f"Sitzung {names[org - 1][0]}", "start": f"{day}T17:00:00+01:00",
                "organization": [self.url(f"/organization/{org}")], "agendaItem": [],
                "created": OLD, "modified": OLD})
        # paper: (type, title, originator, [(committee, role, authoritative, meeting, result)])
        papers = [
            ("Mitteilungsvorlage", "Luftqualität im Stadtgebiet 2023", None,
             [(3, "Kenntnisnahme", False, 1, "zur Kenntnis genommen")]),
            ("Beschlussvorlage", "Haushaltssatzung 2024", None,
             [(2, "Vorberatung", False, 2, "einstimmig empfohlen"), (1, "Entscheidung", True, 3, "beschlossen")]),
            ("Antrag", "Sichere Schulwege", 5, [(4, "Entscheidung", True, 4, "beschlossen")]),
            ("Mitteilungsvorlage", "Sportstättenbericht", None,
             [(4, "Kenntnisnahme", False, 4, "zur Kenntnis genommen")]),
            ("Beschlussvorlage", "Klimaschutzkonzept", None,
             [(3, "Vorberatung", False, 1, "empfohlen"), (1, "Entscheidung", True, 5, None)]),
            ("Antrag", "Tempo 30 in der Innenstadt", 5, [(3, "Entscheidung", True, 1, "abgelehnt")]),
            ("Beschlussvorlage", "Bebauungsplan Nr. 12 Am Bahnhof", None,
             [(2, "Vorberatung", False, 2, "empfohlen"), (1, "Entscheidung", True, 3, "beschlossen")]),
        ]
        for n, (kind, title, originator, consultations) in enumerate(papers, 1):
            paper_id = self.url(f"/paper/{n}")
            paper = {"id": paper_id, "type": SCHEMA + "Paper", "body": body, "name": title,
                     "reference": f"{n:04d}/2024", "date": f"2024-01-{n + 10:02d}", "paperType": kind,
                     "consultation": [], "created": OLD, "modified": OLD}
            if originator:
                paper["originatorOrganization"] = [self.url(f"/organization/{originator}")]
            for k, (org, role, authoritative, meeting_no, result) in enumerate(consultations, 1):
                meeting = self.meetings[meeting_no - 1]
                item = {"id": f"{meeting['id']}/agendaItem/{len(meeting['agendaItem']) + 1}",
                        "type": SCHEMA + "AgendaItem", "meeting": meeting["id"],
                        "number": f"Ö {len(meeting['agendaItem']) + 1}", "order": len(meeting["agendaItem"]) + 1,
                        "name": title, "public": True, "consultation": f"{paper_id}/consultation/{k}",
                        "created": OLD, "modified": OLD}
                if result:
                    item["result"] = result
                meeting["agendaItem"].append(item)
                paper["consultation"].append({
                    "id": f"{paper_id}/consultation/{k}", "type": SCHEMA + "Consultation", "paper": paper_id,
                    "agendaItem": item["id"], "meeting": meeting["id"],
                    "organization": [self.url(f"/organization/{org}")], "role": role,
                    "authoritative": authoritative, "created": OLD, "modified": OLD})
            self.papers.append(paper)
            if n == 4:  # a paper deleted at the source: only its tombstone is left
                self.papers.append({"id": self.url("/paper/99"), "type": SCHEMA + "Paper", "created": OLD,
                                    "modified": OLD, "deleted": True})

    def system(self):
        return {"id": self.url("/system"), "type": SCHEMA + "System", "oparlVersion": SCHEMA,
                "name": "Ratsinformationssystem Beispielstadt", "body": self.url("/bodies")}

    def body(self):
        b = self.url("/body/1")
        return {"id": b, "type": SCHEMA + "Body", "system": self.url("/system"), "name": "Stadt Beispielstadt",
                "organization": b + "/organizations", "person": b + "/people", "meeting": b + "/meetings",
                "paper": b + "/papers", "legislativeTerm": [], "agendaItem": b + "/agendaItems",
                "consultation": b + "/consultations", "file": b + "/files", "locationList": b + "/locations",
                "legislativeTermList": b + "/terms", "membership": b + "/memberships",
                "created": OLD, "modified": OLD}

    def list_page(self, name, objects, query):
        since = query.get("modified_since")
        if since:
            since_t = datetime.datetime.fromisoformat(since)
            objects = [o for o in objects if datetime.datetime.fromisoformat(o["modified"]) >= since_t]
        size = PAGE_SIZE[name]
        pages = max(1, (len(objects) + size - 1) // size)
        page = int(query.get("page", "1"))
        out = {"data": objects[(page - 1) * size:page * size],
               "pagination": {"totalElements": len(objects), "elementsPerPage": size, "currentPage": page,
                              "totalPages": pages},
               "links": {}}
        base = self.url(f"/body/1/{name}")
        extra = "&modified_since=" + urllib.parse.quote(since, safe="") if since else ""
        out["links"]["first"] = f"{base}?page=1{extra}"
        out["links"]["last"] = f"{base}?page={pages}{extra}"
        if page < pages:
            out["links"]["next"] = f"{base}?page={page + 1}{extra}"
        return out

    def find(self, path):
        """(status, JSON) for an object or list path under /oparl."""
        parts = path.strip("/").split("/")
        if path == "/system":
            return 200, self.system()
        if path == "/bodies":
            if self.bodies_as_object:
                return 200, self.body()
            return 200, {"data": [self.body()], "pagination": {"totalElements": 1, "elementsPerPage": 10,
                                                               "currentPage": 1, "totalPages": 1}, "links": {}}
        if path == "/body/1":
            return 200, self.body()
        if path == "/person/1":
            return 200, {"id": self.url("/person/1"), "type": SCHEMA + "Person", "name": "Erika Musterfrau"}
        collections = {"organization": self.organizations, "meeting": self.meetings}
        if len(parts) == 2 and parts[0] in collections:
            for o in collections[parts[0]]:
                if o["id"] == self.url(path):
                    return 200, o
        if len(parts) >= 2 and parts[0] == "paper":
            for p in self.papers:
                if p["id"] == self.url(f"/paper/{parts[1]}"):
                    if len(parts) == 2:
                        return 200, p
                    for c in p.get("consultation", []):
                        if c["id"] == self.url(path):
                            return 200, c
        return 404, {"error": "not found", "id": self.url(path)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    ris = None  # set in main

    def log_message(self, *args):
        pass

    def send_json(self, status, obj, declared_extra=0):
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data) + declared_extra))
        if declared_extra:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data[:len(data) - 200] if declared_extra else data)
        self.wfile.flush()

    def do_POST(self):
        ris = self.ris
        length = int(self.headers.get("Content-Length", "0"))
        command = json.loads(self.rfile.read(length) or b"{}")
        action = command.get("action")
        with ris.lock:
            if action == "decide":
                meeting = ris.meetings[command["meeting"] - 1]
                for item in meeting["agendaItem"]:
                    if item["consultation"].startswith(ris.url(f"/paper/{command['paper']}/")):
                        item["result"] = command["result"]
                        item["modified"] = now()
                meeting["modified"] = now()
            elif action == "touch":
                for p in ris.papers:
                    if p["id"] == ris.url(f"/paper/{command['paper']}"):
                        p["modified"] = now()
            elif action == "fail":
                ris.failing[(command["list"], int(command["page"]))] = int(command["status"])
            elif action == "heal":
                ris.failing.clear()
            elif action == "bodies_as_object":
                ris.bodies_as_object = True
            elif action == "clear_log":
                ris.log.clear()
            else:
                return self.send_json(400, {"error": f"unknown action {action!r}"})
        self.send_json(200, {"ok": True})

    def do_GET(self):
        ris = self.ris
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_log":
            with ris.lock:
                return self.send_json(200, list(ris.log))
        query = dict(urllib.parse.parse_qsl(url.query))
        with ris.lock:
            ris.log.append(self.path)
        if not url.path.startswith("/oparl/"):
            return self.send_json(404, {"error": "not found"})
        path = url.path[len("/oparl"):]
        parts = path.strip("/").split("/")
        try:
            if len(parts) == 3 and parts[0] == "body" and parts[2] in PAGE_SIZE:
                self.serve_list(parts[2], query)
            else:
                with ris.lock:
                    status, obj = ris.find(path)
                self.send_json(status, obj)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout); nothing to tell it

    def serve_list(self, name, query):
        ris = self.ris
        page = int(query.get("page", "1"))
        with ris.lock:
            status = ris.failing.get((name, page))
            fault = None
            if ris.faults and (name, page) not in ris.once:
                fault = {("papers", 2): "500", ("meetings", 1): "slow", ("papers", 3): "truncated"}.get((name, page))
                if fault:
                    ris.once.add((name, page))
            objects = {"organizations": ris.organizations, "meetings": ris.meetings, "papers": ris.papers}[name]
            body = ris.list_page(name, json.loads(json.dumps(objects)), query)
        if status:
            return self.send_json(status, {"error": f"HTTP {status} (made to fail by the test)"})
        if fault == "500":
            return self.send_json(500, {"error": "internal server error (once)"})
        if fault == "slow":
            time.sleep(1.5)
        self.send_json(200, body, declared_extra=500 if fault == "truncated" else 0)


def main():
    faults = "--no-faults" not in sys.argv[1:]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    Handler.ris = Ris(f"http://127.0.0.1:{port}/oparl", faults)
    print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
