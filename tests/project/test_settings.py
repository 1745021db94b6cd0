"""The settings guard: production refuses to start without a real secret key, and passes --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-for-the-settings-test-0123456789"


def run_manage(*args, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment |= {"DJANGO_SQLITE_PATH": str(tmp_path / "db.sqlite3")} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_to_start_without_a_secret_key_in_production(tmp_path):
    result = run_manage("check", tmp_path=tmp_path, DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_it_refuses_the_development_key_in_production(tmp_path):
    from factcheck.settings import DEVELOPMENT_SECRET_KEY

    result = run_manage("check", tmp_path=tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0
    assert "development key" in result.stderr


def test_it_refuses_a_short_key_in_production(tmp_path):
    result = run_manage("check", tmp_path=tmp_path, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "shorter than 50" in result.stderr


def test_it_refuses_a_malformed_boolean(tmp_path):
    result = run_manage("check", tmp_path=tmp_path, DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_it_passes_the_deploy_checks_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="desk.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_it_uses_wal_and_immediate_transactions_on_sqlite(db):
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
