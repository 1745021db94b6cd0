"""The benchmark's own database: never the desk's var/db.sqlite3 nor the database DATABASE_URL names.

SQLite (the default): a fresh file in the run's own directory under var/bench/. PostgreSQL
(DATABASE_URL=postgres://...): a database on the same server named after the given one plus
"_bench_<scale>_<process id>", created by the harness and dropped at the end. Several runs (other
people's, CI's) can therefore share a machine without touching each other's data. The environment is
changed before Django is set up, so every process the harness starts (gunicorn, the export commands)
uses the same benchmark database.
"""

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RUNS_DIR = BASE_DIR / "var" / "bench"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


@dataclass
class BenchDatabase:
    vendor: str  # "sqlite" or "postgresql"
    name: str  # file path or database name
    admin_url: str = ""  # PostgreSQL: where to connect to create and drop it

    def describe(self) -> str:
        return f"{self.vendor} {self.name}"


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def prepare(scale: str, work_dir: Path) -> BenchDatabase:
    """Create an empty benchmark database and point this process's environment at it."""
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme if url else ""
    if scheme in POSTGRES_SCHEMES:
        return _prepare_postgres(url, scale)
    if url and not scheme.startswith("sqlite"):
        raise SystemExit(f"bench: unsupported DATABASE_URL scheme {scheme!r}; use SQLite (unset) or postgres://")
    path = work_dir / f"{scale}.sqlite3"
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SQLITE_PATH"] = str(path)
    return BenchDatabase(vendor="sqlite", name=str(path))


def _prepare_postgres(url: str, scale: str) -> BenchDatabase:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    given = parts.path.lstrip("/") or "postgres"
    name = f"{given}_bench_{scale}_{os.getpid()}"
    if not re.fullmatch(r"[A-Za-z0-9_]{1,63}", name):
        raise SystemExit(f"bench: cannot derive a benchmark database name from {given!r}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return BenchDatabase(vendor="postgresql", name=name, admin_url=admin_url)


def remember(database: BenchDatabase, work_dir: Path) -> None:
    """Note in a kept run's directory which database it used, for `--reuse`."""
    (work_dir / "database.json").write_text(json.dumps(asdict(database)))


def reuse(work_dir: Path) -> BenchDatabase:
    """Point this process's environment at the database a kept run used (see remember)."""
    try:
        database = BenchDatabase(**json.loads((work_dir / "database.json").read_text()))
    except (OSError, ValueError, TypeError) as error:
        raise SystemExit(f"bench: {work_dir} is not a kept run ({error})") from None
    if database.vendor == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.environ["DJANGO_SQLITE_PATH"] = database.name
    else:
        parts = urlsplit(database.admin_url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database.name}"))
    return database


def drop(database: BenchDatabase) -> None:
    """Remove the benchmark database (the caller has closed its connections)."""
    if database.vendor == "sqlite":
        for file in _sqlite_files(Path(database.name)):
            file.unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(database.admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name)))
