"""Label Studio 1.23.2 from var/peers/label-studio: its own CLI starts it, its REST API (/api/) is driven.

`label-studio start` with a throw-away --data-dir (SQLite, its default), on 127.0.0.1, creating the admin
user with a legacy API token of ours (--user-token, --enable-legacy-api-token: `Authorization: Token`,
no JWT refresh). It serves with Django's runserver (threaded, one process), as `label-studio start` does.
Every document is a task in a project of its own whose labelling config is one text with one label.

Label Studio keeps spans as regions inside an annotation; its API creates annotations, so "one span per
request" is one annotation holding one region:
- create: POST /api/tasks/<t>/annotations/ {"result": [one labels region]} (201);
- list: GET /api/tasks/<t>/annotations/ (every annotation with its regions, one request);
- bulk load: POST /api/projects/<p>/import, a JSON list of tasks each with one annotation of 100 regions
  (the Community edition imports in the request; an `import` id, as other editions answer, is polled);
- export: GET /api/projects/<p>/export?exportType=JSON. Label Studio has no JSON Lines export: JSON (one
  array of tasks with their annotations) is its nearest and its default.
"""

import json
import secrets
import time

from bench.peers import common
from bench.peers.data import LABEL, Document

NAME = "label-studio"
LABEL_CONFIG = (
    '<View><Labels name="label" toName="text"><Label value="' + LABEL + '"/></Labels>'
    '<Text name="text" value="$text"/></View>'
)
POLL_SECONDS = 0.05


def region(body: str, start: int, end: int) -> dict:
    return {
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": body[start:end], "labels": [LABEL]},
    }


class LabelStudio:
    name = NAME

    def __init__(self, run):
        self.run = run
        self.home = (run.work_dir / "peer-label-studio").resolve()
        self.password = secrets.token_urlsafe(12)
        self.token = secrets.token_hex(20)
        self.port = common.peer_port()
        self.process: common.PeerProcess | None = None
        self.sessions: list[common.TokenSession] = []

    def unavailable(self) -> str | None:
        return common.missing_reason(NAME, "label-studio")

    def describe(self) -> str:
        return "label-studio start (Django runserver, threaded, one process), SQLite"

    def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": f"{common.PEERS_DIR / NAME / 'bin'}:/usr/bin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.home),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            str(common.venv_script(NAME, "label-studio")), "start", "--no-browser", "--data-dir", str(self.home),
            "--internal-host", "127.0.0.1", "--port", str(self.port), "--username", "admin@peers.test",
            "--password", self.password, "--user-token", self.token, "--enable-legacy-api-token",
            "--log-level", "WARNING",
        ]  # fmt: skip
        self.process = common.PeerProcess(
            "label-studio", command, env=env, log_path=self.home / "server.log", cwd=self.home, port=self.port
        )
        self.process.start()
        self.process.wait_until("/health", timeout=300)  # the first start migrates its database
        self.sessions = [common.TokenSession("127.0.0.1", self.port, f"Token {self.token}") for _ in range(8)]
        self._json("GET", "/api/projects/")  # the token works

    def stop(self) -> None:
        for session in self.sessions:
            session.close()
        if self.process:
            self.process.stop()

    def pids(self) -> list[int]:
        return self.process.pids()

    def _json(self, method: str, path: str, payload=None, expect=(200, 201)):
        return common.request_json(self.sessions[0], method, path, payload, expect)

    def _project(self, title: str) -> int:
        return self._json("POST", "/api/projects/", {"title": title[:50], "label_config": LABEL_CONFIG})["id"]

    # ------------------------------------------------------------------ create and list

    def new_document(self, document: Document) -> int:
        project = self._project(document.title)
        return self._json("POST", "/api/tasks/", {"project": project, "data": {"text": document.body}})["id"]

    def clients(self, count: int) -> list[common.TokenSession]:
        return self.sessions[:count]

    def create_requests(self, task: int, document: Document) -> tuple[str, list[dict]]:
        payloads = [{"result": [region(document.body, start, end)]} for start, end in document.spans]
        return f"/api/tasks/{task}/annotations/", payloads

    def list_spans(self, task: int) -> dict:
        path = f"/api/tasks/{task}/annotations/"
        status, body = self.sessions[0].request("GET", path, headers={"Accept": "application/json"})
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return {"requests": 1, "bytes": len(body), "spans": sum(len(item["result"]) for item in json.loads(body))}

    # ------------------------------------------------------------------ bulk load and export

    def prepare_bulk(self, documents: list[Document], round_number: int) -> dict:
        tasks = [
            {
                "data": {"text": document.body},
                "annotations": [{"result": [region(document.body, start, end) for start, end in document.spans]}],
            }
            for document in documents
        ]
        return {"content": json.dumps(tasks).encode(), "title": f"bulk {round_number} {secrets.token_hex(3)}"}

    def bulk_load(self, prepared: dict) -> int:
        project = self._project(prepared["title"])
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        status, data = self.sessions[0].request("POST", f"/api/projects/{project}/import", prepared["content"], headers)
        if status != 201:
            raise RuntimeError(f"import answered {status}: {data[:300]!r}")
        answer = json.loads(data)
        if "import" in answer:  # an edition that imports in the background
            while True:
                state = self._json("GET", f"/api/projects/{project}/imports/{answer['import']}")
                if state.get("status") in ("completed", "failed"):
                    break
                time.sleep(POLL_SECONDS)
            if state["status"] == "failed":
                raise RuntimeError(f"import failed: {state.get('error')}")
        return project

    def export(self, project: int) -> dict:
        path = f"/api/projects/{project}/export?exportType=JSON"
        status, body = self.sessions[0].request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        tasks = json.loads(body)
        spans = sum(len(annotation["result"]) for task in tasks for annotation in task["annotations"])
        return {"bytes": len(body), "spans": spans}
