"""The order of a benchmark run: environment, own database, corpus, workloads, table and JSON.

Workloads that only read run first, in this process (reader, claim list) or in child processes
(exports); then those that need the production server (browser, API create), which writes claims.
"""

import argparse
import dataclasses
import importlib.util
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import database
from bench.report import Figure, machine, skipped, table, write_json
from bench.scales import SCALES, Scale

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
# Workload name -> "module:function(run) -> list[Figure]", in the order they run.
WORKLOADS = {
    "reader": "bench.pages:reader",
    "claim_list": "bench.pages:claim_list",
    "admin_lists": "bench.admin_lists:run",
    "export": "bench.export_bench:run",
    "article_claims": "bench.article_claims:run",
    "bulk_import": "bench.import_bench:run",
    "reanchor": "bench.harness:reanchor",
    "browser": "bench.browser:run",
    "api_create": "bench.api_create:run",
    "suggestions": "bench.suggestions:run",
    "peers": "bench.peers:run",
}
# Workloads that need neither the benchmark database nor its corpus: asked for alone (`--only suggestions`),
# the harness skips building them.
STANDALONE = {"suggestions"}
# Workloads run only when named (`--only suggestions`): they read ../shared/intel and train or embed for
# minutes, which a plain `make bench` (and CI's tiny run) should not wait for; peers needs the peers'
# venvs under var/peers/ and drives three servers for tens of minutes.
OPT_IN = {"suggestions", "peers"}


@dataclass
class Run:
    """What every workload gets: the scale, the corpus, where to log and what was noted on the way."""

    scale: Scale
    corpus: object  # bench.corpus.Corpus
    args: argparse.Namespace
    work_dir: Path  # this run's own files: SQLite database, exports, server logs
    notes: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)  # per-workload raw data for the JSON file

    def log(self, message: str) -> None:
        print(message, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default="default",
        help="corpus size: tiny (CI, seconds), small, default (100,000 claims), 1m (a million)",
    )
    parser.add_argument("--output", type=Path, help="JSON file (default bench/results/<time>-<scale>-<db>.json)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=WORKLOADS,
        metavar="WORKLOAD",
        help=f"run only these workloads ({', '.join(WORKLOADS)})",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="RUN_DIR",
        help="run on the database a --keep-db run kept (its directory under var/bench/): migrate, no new corpus",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (README's production: 3)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Playwright figures")
    return parser.parse_args(argv)


def configure_environment() -> None:
    """Production settings (debug off) on plain HTTP at 127.0.0.1, inherited by every child process."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECRET_KEY"] = "bench-" + secrets.token_urlsafe(64)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_LOG_LEVEL"] = "ERROR"
    os.environ["FACTCHECK_BENCH_REFERENCE"] = "1"  # mounts bench.urls: the API's reference view
    os.environ.pop("DJANGO_CONN_MAX_AGE", None)


def run_workload(name: str, run: Run) -> list[Figure]:
    module_name, function_name = WORKLOADS[name].split(":")
    began = time.perf_counter()
    run.log(f"== {name}")
    try:
        figures = getattr(importlib.import_module(module_name), function_name)(run)
    except Exception as error:  # one broken workload must not hide the others' figures
        traceback.print_exc()
        figures = [skipped(name, "(workload)", f"failed: {type(error).__name__}: {error}")]
    run.details.setdefault("seconds", {})[name] = round(time.perf_counter() - began, 2)
    for figure in figures:
        run.log(f"   {figure.figure}: {figure.value} {figure.unit} (reference {figure.reference}) {figure.result}")
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scale = SCALES[args.scale]
    started = datetime.now(UTC)
    load_at_start = os.getloadavg()
    configure_environment()
    if args.only and set(args.only) <= STANDALONE:
        return main_standalone(args, scale, started, load_at_start)
    database.RUNS_DIR.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        work_dir = args.reuse.resolve()
        bench_db = database.reuse(work_dir)
        args.keep_db = True
    else:
        work_dir = Path(tempfile.mkdtemp(prefix=f"{scale.name}-", dir=database.RUNS_DIR))
        bench_db = database.prepare(scale.name, work_dir)
    os.environ["DJANGO_STATIC_ROOT"] = str(work_dir / "static")  # collected per run: others may change static files
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.db import connection, connections

    print(f"bench: scale {scale.name}, database {bench_db.describe()}", flush=True)
    try:
        run = prepare_run(scale, args, work_dir)
        figures = run_workloads(run)
    finally:
        vendor_version = _database_version(connection)
        connections.close_all()
        if args.keep_db:
            database.remember(bench_db, work_dir)
            print(f"kept: {bench_db.describe()} (and {work_dir}; rerun with --reuse {work_dir})")
        else:
            database.drop(bench_db)
            shutil.rmtree(work_dir, ignore_errors=True)

    print()
    print(table(figures))
    print(
        f"\nload average (1, 5, 15 min) at start {_loads(load_at_start)}, at end {_loads(os.getloadavg())}"
        f" on {os.cpu_count()} CPUs"
    )
    output = args.output or RESULTS_DIR / f"{started:%Y%m%dT%H%M%S}-{scale.name}-{bench_db.vendor}.json"
    write_json(
        output,
        {
            "started": started.isoformat(),
            "finished": datetime.now(UTC).isoformat(),
            "scale": scale.as_dict(),
            # Other work on the machine inflates absolute times (the ratios to same-run references hold better).
            "machine": {**machine(), "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg()},
            "database": {"vendor": bench_db.vendor, "name": bench_db.name, "version": vendor_version},
            "migrate_seconds": run.details["migrate_seconds"],
            "corpus": run.corpus.as_dict(),
            "figures": [figure.as_dict() for figure in figures],
            "notes": run.notes,
            "details": run.details,
        },
    )
    print(f"\nfigures written to {output}")
    return 0


def main_standalone(args: argparse.Namespace, scale: Scale, started: datetime, load_at_start) -> int:
    """Workloads without a database (STANDALONE): run them, print the table, write the JSON."""
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="standalone-") as work_dir:
        run = Run(scale=scale, corpus=None, args=args, work_dir=Path(work_dir))
        figures = run_workloads(run)
    print()
    print(table(figures))
    print(f"\nload average (1, 5, 15 min) at start {_loads(load_at_start)}, at end {_loads(os.getloadavg())}")
    output = args.output or RESULTS_DIR / f"{started:%Y%m%dT%H%M%S}-{'-'.join(args.only)}.json"
    write_json(
        output,
        {
            "started": started.isoformat(),
            "finished": datetime.now(UTC).isoformat(),
            "machine": {**machine(), "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg()},
            "figures": [figure.as_dict() for figure in figures],
            "notes": run.notes,
            "details": run.details,
        },
    )
    print(f"\nfigures written to {output}")
    return 0


def prepare_run(scale: Scale, args: argparse.Namespace, work_dir: Path) -> Run:
    """Static files (debug off serves the hashed ones, from this run's directory), the schema, then the corpus."""
    from django.core.management import call_command

    from bench import corpus as corpus_module

    began = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - began
    saved = work_dir / "corpus.json"
    if args.reuse and saved.exists():
        corpus = corpus_module.Corpus(**json.loads(saved.read_text()))
        print(f"  migrated in {migrate_seconds:.1f} s; reusing the corpus: {corpus.counts}", flush=True)
    else:
        print(f"  migrated in {migrate_seconds:.1f} s; building the corpus", flush=True)
        corpus = corpus_module.build(scale, secrets.token_urlsafe(16))
        print(f"  corpus built in {corpus.build_seconds:.1f} s: {corpus.counts}", flush=True)
        if args.keep_db:  # what --reuse needs to run on it again (the password too: a local throwaway)
            saved.write_text(json.dumps(dataclasses.asdict(corpus)))
    return Run(
        scale=scale, corpus=corpus, args=args, work_dir=work_dir, details={"migrate_seconds": round(migrate_seconds, 2)}
    )


def run_workloads(run: Run) -> list[Figure]:
    figures: list[Figure] = []
    for name in run.args.only or [name for name in WORKLOADS if name not in OPT_IN]:
        if name == "browser" and run.args.no_browser:
            figures.append(skipped("reader in Chromium", "highlights drawn", "--no-browser"))
            continue
        figures += run_workload(name, run)
    return figures


def reanchor(run: Run) -> list[Figure]:
    """Re-anchor 1,000 claims after an edit of a 50,000-character article (bench/reanchor.py measures it)."""
    if importlib.util.find_spec("bench.reanchor") is None:
        return [skipped("re-anchor", "1,000 claims, 50,000 characters", "bench/reanchor.py is not there yet")]
    from bench.reanchor import bench_reanchor

    result = bench_reanchor()
    run.details["reanchor"] = result
    seconds = result.get("seconds")
    return [
        Figure(
            "re-anchor",
            "1,000 claims after an edit of 50,000 characters",
            seconds,
            "s",
            target="< 1 s",
            passed=None if seconds is None else seconds < 1.0,
            note=result.get("note", ""),
        )
    ]


def _loads(values) -> str:
    return " ".join(f"{value:.1f}" for value in values)


def _database_version(connection) -> str:
    try:
        if connection.vendor == "sqlite":
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version}"
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    except Exception as error:  # the version is a nicety; never fail the run for it
        return f"unknown ({error})"
    finally:
        connection.close()
