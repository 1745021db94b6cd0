"""Running background jobs in tests: in-process (the service, as a worker would call it) or with a real
worker subprocess (`manage.py run_huey`) against the test database and the test session's queue."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from articles import services
from articles.importing.jobs import RUNNERS
from articles.models import Job

PROJECT = Path(__file__).resolve().parents[1]


def run_queued_jobs(worker: str = "test-worker") -> list[Job]:
    """Run every job not finished, as a worker would; returns them reloaded."""
    ids = list(Job.objects.exclude(state__in=["done", "failed", "partly_failed"]).values_list("pk", flat=True))
    for job_id in ids:
        services.run_job(job_id, worker=worker, runners=RUNNERS)
    return list(Job.objects.filter(pk__in=ids).order_by("pk"))


def database_env() -> dict[str, str]:
    """The environment that points a subprocess at this test database (SQLite file or PostgreSQL)."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = str(database["NAME"])
        if "memory" in name:
            raise RuntimeError("the SQLite test database is in memory; mark the test `jobs` or use job_worker")
        return {"DJANGO_SQLITE_PATH": name, "DATABASE_URL": ""}
    user, host, port = database["USER"], database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"}


class Worker:
    """`manage.py run_huey` as a subprocess; start() again after kill() is the worker coming back."""

    def __init__(self, queue_url: str, log_dir: Path):
        self.queue_url, self.log_dir = queue_url, log_dir
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def start(self, **env) -> "Worker":
        self.runs += 1
        environment = {
            **os.environ,
            **database_env(),
            "FACTCHECK_QUEUE_URL": self.queue_url,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "PYTHONUNBUFFERED": "1",
            **{key: str(value) for key, value in env.items()},
        }
        if not environment.get("DATABASE_URL"):
            environment.pop("DATABASE_URL", None)
        self.log = self.log_dir / f"worker-{self.runs}.log"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "2", "--no-periodic"],
            cwd=PROJECT,
            env=environment,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        """kill -9: no clean-up, no chance to finish the item at hand."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def wait_for(predicate, *, timeout: float, interval: float = 0.1, worker: Worker | None = None):
    """Poll until predicate() is truthy; fail with the worker's log when it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    log = worker.output()[-3000:] if worker else ""
    pytest.fail(f"gave up after {timeout} s waiting for {getattr(predicate, '__name__', 'a condition')}\n{log}")
