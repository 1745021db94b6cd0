"""The desk as one of the systems: gunicorn on the benchmark database, driven like the peers.

Spans are claims created through POST /api/claims/ by the corpus's annotators (session login, CSRF), as
bench/api_create.py does; a document is an article stored through the service; its spans are listed
with GET /api/articles/<id>/claims/. The bulk load is import_claims's importer (articles.importing.jsonl)
in this process, on a JSON Lines file written beforehand, committed; its claims carry a tag of their own
so the export, GET /api/exports/claims.jsonl?tag=<it>, gives exactly them.
"""

import json
import secrets
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import User

from articles import exports
from articles.importing.jsonl import import_jsonl
from articles.models import content_hash
from articles.services.articles import create_article
from bench.peers.common import process_tree
from bench.peers.data import LABEL, Document
from bench.server import Gunicorn, HttpSession

ACCEPT_JSON = {"Accept": "application/json"}


class Desk:
    name = "desk"
    server_note = "gunicorn, {workers} workers (the README's production)"

    def __init__(self, run):
        self.run = run
        self.token = secrets.token_hex(4)  # tags and URLs of this run's documents
        self.server: Gunicorn | None = None
        self.sessions: list[HttpSession] = []

    def unavailable(self) -> str | None:
        return None

    def describe(self) -> str:
        return self.server_note.format(workers=self.run.args.workers)

    def start(self) -> None:
        self.server = Gunicorn(workers=self.run.args.workers, log_dir=self.run.work_dir).__enter__()
        for username in self.run.corpus.annotators[:8]:
            session = HttpSession(self.server.host, self.server.port)
            session.login(username, self.run.corpus.password)
            self.sessions.append(session)

    def stop(self) -> None:
        for session in self.sessions:
            session.close()
        if self.server:
            self.server.__exit__(None, None, None)

    def pids(self) -> list[int]:
        return process_tree(self.server.process.pid)

    # ------------------------------------------------------------------ create and list

    def new_document(self, document: Document) -> int:
        editor = User.objects.get(username=self.run.corpus.editor)
        return create_article(user=editor, title=document.title, body=document.body).pk

    def clients(self, count: int) -> list[HttpSession]:
        return self.sessions[:count]

    def create_requests(self, handle: int, document: Document) -> tuple[str, list[dict]]:
        body = document.body
        payloads = [
            {"article": handle, "start": start, "end": end, "quote": body[start:end], "tags": [LABEL]}
            for start, end in document.spans
        ]
        return "/api/claims/", payloads

    def list_spans(self, handle: int) -> dict:
        status, body = self.sessions[0].request("GET", f"/api/articles/{handle}/claims/", headers=ACCEPT_JSON)
        if status != 200:
            raise RuntimeError(f"GET /api/articles/{handle}/claims/ answered {status}: {body[:200]!r}")
        return {"requests": 1, "bytes": len(body), "spans": json.loads(body)["count"]}

    # ------------------------------------------------------------------ bulk load and export

    def prepare_bulk(self, documents: list[Document], round_number: int) -> dict:
        tag = f"peers-{self.token}-{round_number}"
        path = self.run.work_dir / f"peers-desk-{round_number}.jsonl"
        with path.open("w", encoding="utf-8") as file:
            for line in jsonl_lines(documents, tag, f"https://peers.example.org/{self.token}/{round_number}/"):
                file.write(line + "\n")
        return {"path": path, "tag": tag}

    def bulk_load(self, prepared: dict) -> str:
        with prepared["path"].open("rb") as file:
            report = import_jsonl(file)
        if report.errors or not report.written:
            raise RuntimeError(f"import went wrong: {report.summary()} {report.errors[:3]}")
        return prepared["tag"]

    def export(self, tag: str) -> dict:
        path = f"/api/exports/claims.jsonl?tag={tag}"
        status, body = self.sessions[0].request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:200]!r}")
        spans = sum(
            1 for line in body.splitlines() if line.startswith(b'{"type":"claim"') or b'"type": "claim"' in line
        )
        return {"bytes": len(body), "spans": spans}


def jsonl_lines(documents: list[Document], tag: str, url_prefix: str):
    """The export format import_claims reads: a header, then each article and its claims (one tag each)."""
    when = datetime(2026, 5, 1, tzinfo=UTC)
    yield json.dumps({"type": "export", "format": exports.JSONL_FORMAT_NAME, "version": exports.JSONL_FORMAT_VERSION})
    for index, document in enumerate(documents):
        body, digest = document.body, content_hash(document.body)
        stamp = (when + timedelta(minutes=index)).isoformat()
        yield json.dumps({
            "type": "article", "title": document.title, "body": body, "content_hash": digest,
            "url": f"{url_prefix}{index}", "language": "en", "added_by": "peers-loader",
            "created_at": stamp, "updated_at": stamp,
        })  # fmt: skip
        for n, (start, end) in enumerate(document.spans):
            created = (when + timedelta(minutes=index, seconds=n)).isoformat()
            yield json.dumps({
                "type": "claim", "article": {"content_hash": digest}, "start": start, "end": end,
                "quote": body[start:end], "prefix": body[max(0, start - 32) : start], "suffix": body[end : end + 32],
                "anchor_state": "anchored", "tags": [tag], "created_by": "peers-loader",
                "created_at": created, "updated_at": created,
            })  # fmt: skip
