"""On PostgreSQL a web worker's statement is cancelled before gunicorn's 30 s timeout would kill the worker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
import factcheck.wsgi  # marks this process as a web worker, as gunicorn's import does
from django.conf import settings
from django.db import connection, OperationalError
print(settings.DATABASES["default"].get("OPTIONS", {}).get("options", ""))
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        print(cursor.fetchone()[0])
        try:
            cursor.execute("SELECT pg_sleep(3)")
            print("finished")
        except OperationalError as error:
            print("cancelled" if "statement timeout" in str(error) else f"other: {error}")
"""


def run(env_extra):
    env = {**os.environ, "FACTCHECK_DB_STATEMENT_TIMEOUT": "1", **env_extra}
    env.pop("FACTCHECK_WEB_PROCESS", None)
    if connection.vendor == "postgresql":
        # The maintenance database, which exists on every server (the configured one may be the test run's only).
        settings = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/postgres"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no statement timeout")
def test_it_cancels_a_web_workers_slow_statement():
    lines = run({})
    assert "statement_timeout=1000" in " ".join(lines)
    assert lines[-2] == "1s" and lines[-1] == "cancelled", lines


def test_it_sets_no_timeout_outside_postgresql_or_when_turned_off():
    assert "statement_timeout" not in " ".join(run({"FACTCHECK_DB_STATEMENT_TIMEOUT": "0"}))
