"""doccano 1.8.4 from var/peers/doccano: its own CLI sets it up, its REST API (/v1/) is driven.

`doccano init` and `doccano createuser` in a throw-away DOCCANO_HOME (SQLite, doccano's default; the
Celery broker is that same database, also doccano's default), then `doccano webserver` (gunicorn, with
the desk's worker count) and `doccano task` (the Celery worker that runs imports and exports). The token
comes from its login API (dj-rest-auth). Every document lives in a sequence-labelling project of its
own with overlapping spans allowed and collaborative annotation (one export file for all annotators).

- create: POST /v1/projects/<p>/examples/<e>/spans, one span each (201);
- list: GET /v1/projects/<p>/examples/<e>/spans (unpaginated: one request);
- bulk load: the UI's way, a file upload (POST /v1/fp/process/) then POST /v1/projects/<p>/upload,
  JSONL {"text", "label": [[start, end, label]]}, polled at /v1/tasks/status/<id> until done;
- export: POST /v1/projects/<p>/download {"format": "JSONL"}, poll GET ...?taskId=<id> until it gives
  the file (a zip with the JSON Lines inside).
"""

import io
import json
import secrets
import time
import uuid
import zipfile

from bench.peers import common
from bench.peers.data import LABEL, Document
from bench.server import HttpSession

NAME = "doccano"
POLL_SECONDS = 0.05
MAX_BUSY_ANSWERS = 2_000  # 500s from a status poll, over the whole run, before giving up


class Doccano:
    name = NAME

    def __init__(self, run):
        self.run = run
        self.home = (run.work_dir / "peer-doccano").resolve()  # the Celery worker runs elsewhere
        self.password = secrets.token_urlsafe(12)
        self.processes: list[common.PeerProcess] = []
        self.sessions: list[common.TokenSession] = []
        self.busy_answers = 0  # status polls answered 500 while the worker held SQLite's lock
        self.port = common.peer_port()

    def unavailable(self) -> str | None:
        return common.missing_reason(NAME, "doccano")

    def describe(self) -> str:
        busy = f"; {self.busy_answers} status polls answered 500 (database is locked)" if self.busy_answers else ""
        return f"doccano webserver (gunicorn, {self.run.args.workers} workers) + doccano task (Celery), SQLite{busy}"

    def _env(self) -> dict:
        return {
            "PATH": f"{common.PEERS_DIR / NAME / 'bin'}:/usr/bin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "DOCCANO_HOME": str(self.home),
            "DATABASE_URL": f"sqlite:///{self.home / 'db.sqlite3'}",
            "MEDIA_ROOT": str(self.home / "media"),
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(40),
        }

    def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        env, log = self._env(), self.home / "doccano.log"
        doccano = str(common.venv_script(NAME, "doccano"))
        common.run_checked([doccano, "init"], env=env, cwd=self.home, log_path=log)
        common.run_checked(
            [doccano, "createuser", "--username", "admin", "--password", self.password, "--email", "admin@peers.test"],
            env=env, cwd=self.home, log_path=log,
        )  # fmt: skip
        web = [doccano, "webserver", "--port", str(self.port), "--workers", str(self.run.args.workers)]
        task = [doccano, "task", "--concurrency", "1"]
        for label, command in (("webserver", web), ("task", task)):
            process = common.PeerProcess(
                f"doccano {label}", command, env=env, log_path=self.home / f"{label}.log", cwd=self.home, port=self.port
            )
            process.start()
            self.processes.append(process)
        self.processes[0].wait_until("/v1/me")  # (/v1/health/ also asks Celery, and answers 500 while it starts)
        self.processes[1].wait_for_log(" ready.")
        self.token = self._login()
        self.sessions = [common.TokenSession("127.0.0.1", self.port, f"Token {self.token}") for _ in range(8)]

    def _login(self) -> str:
        session = HttpSession("127.0.0.1", self.port)
        payload = json.dumps({"username": "admin", "password": self.password}).encode()
        status, body = session.request("POST", "/v1/auth/login/", payload, {"Content-Type": "application/json"})
        session.close()
        if status != 200:
            raise RuntimeError(f"login answered {status}: {body[:200]!r}")
        return json.loads(body)["key"]

    def stop(self) -> None:
        for session in self.sessions:
            session.close()
        for process in self.processes:
            process.stop()

    def pids(self) -> list[int]:
        return [pid for process in self.processes for pid in process.pids()]

    # ------------------------------------------------------------------ API helpers

    def _json(self, method: str, path: str, payload=None, expect=(200, 201)):
        return common.request_json(self.sessions[0], method, path, payload, expect)

    def _project(self, name: str) -> int:
        project = self._json("POST", "/v1/projects", {
            "name": name, "description": "peers benchmark", "guideline": "", "project_type": "SequenceLabeling",
            "resourcetype": "SequenceLabelingProject", "allow_overlapping": True, "collaborative_annotation": True,
            "random_order": False, "grapheme_mode": False, "use_relation": False, "tags": [],
        })  # fmt: skip
        return project["id"]

    # ------------------------------------------------------------------ create and list

    def new_document(self, document: Document) -> dict:
        project = self._project(document.title)
        label = self._json("POST", f"/v1/projects/{project}/span-types", {
            "text": LABEL, "background_color": "#209cee", "text_color": "#ffffff",
        })["id"]  # fmt: skip
        example = self._json("POST", f"/v1/projects/{project}/examples", {"text": document.body, "meta": {}})["id"]
        return {"project": project, "example": example, "label": label}

    def clients(self, count: int) -> list[common.TokenSession]:
        return self.sessions[:count]

    def create_requests(self, handle: dict, document: Document) -> tuple[str, list[dict]]:
        path = f"/v1/projects/{handle['project']}/examples/{handle['example']}/spans"
        payloads = [
            {"start_offset": start, "end_offset": end, "label": handle["label"], "example": handle["example"]}
            for start, end in document.spans
        ]
        return path, payloads

    def list_spans(self, handle: dict) -> dict:
        path = f"/v1/projects/{handle['project']}/examples/{handle['example']}/spans"
        status, body = self.sessions[0].request("GET", path, headers={"Accept": "application/json"})
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return {"requests": 1, "bytes": len(body), "spans": len(json.loads(body))}

    # ------------------------------------------------------------------ bulk load and export

    def prepare_bulk(self, documents: list[Document], round_number: int) -> dict:
        lines = [
            json.dumps({"text": document.body, "label": [[start, end, LABEL] for start, end in document.spans]})
            for document in documents
        ]
        return {"content": ("\n".join(lines) + "\n").encode(), "name": f"bulk {round_number} {uuid.uuid4().hex[:6]}"}

    def bulk_load(self, prepared: dict) -> int:
        project = self._project(prepared["name"])
        upload_id = self._upload(prepared["content"], "bulk.jsonl")
        task = self._json("POST", f"/v1/projects/{project}/upload", {
            "uploadIds": [upload_id], "format": "JSONL", "task": "SequenceLabeling",
            "column_data": "text", "column_label": "label", "delimiter": "", "encoding": "utf_8",
        })["task_id"]  # fmt: skip
        while True:
            status = self._poll(f"/v1/tasks/status/{task}")
            if status and status["ready"]:
                break
            time.sleep(POLL_SECONDS)
        if status["error"] or (status["result"] or {}).get("error"):
            raise RuntimeError(f"import failed: {status['error'] or status['result']['error'][:3]}")
        return project

    def _poll(self, path: str) -> dict | None:
        """A task's status, None while doccano answers 500: on SQLite its status view fails with "database
        is locked" while the Celery worker writes the import, and the UI simply polls again."""
        status, data = self.sessions[0].request("GET", path, headers={"Accept": "application/json"})
        if status == 500:
            self.busy_answers += 1
            if self.busy_answers > MAX_BUSY_ANSWERS:
                raise RuntimeError(f"GET {path} answered 500 {self.busy_answers} times (database is locked?)")
            return None
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {data[:300]!r}")
        return json.loads(data)

    def _upload(self, content: bytes, filename: str) -> str:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="filepond"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, data = self.sessions[0].request("POST", "/v1/fp/process/", body, headers)
        if status != 200:
            raise RuntimeError(f"upload answered {status}: {data[:300]!r}")
        return data.decode().strip()

    def export(self, project: int) -> dict:
        task = self._json("POST", f"/v1/projects/{project}/download", {"format": "JSONL", "exportApproved": False})
        path = f"/v1/projects/{project}/download?taskId={task['task_id']}"
        while True:
            status, body = self.sessions[0].request("GET", path)
            if status == 500:  # "database is locked" while the worker writes, as in _poll
                self.busy_answers += 1
            elif status != 200:
                raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
            elif not body.startswith(b'{"status"'):
                break
            if self.busy_answers > MAX_BUSY_ANSWERS:
                raise RuntimeError(f"GET {path} answered 500 {self.busy_answers} times (database is locked?)")
            time.sleep(POLL_SECONDS)
        spans = 0
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for member in archive.namelist():
                for line in archive.read(member).splitlines():
                    if line.strip():
                        spans += len(json.loads(line).get("label", []))
        return {"bytes": len(body), "spans": spans}
