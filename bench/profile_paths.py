"""Where the time of the claim paths goes: pyinstrument profiles of create claim (POST /api/claims/), an
article's claims (GET /api/articles/<id>/claims/) and the reader page, on a corpus of its own.

    .venv/bin/python -m bench.profile_paths --scale small [--requests 200]

Requests run in this process through Django's test Client with the production settings the harness uses
(debug off); the summary printed is pyinstrument's, trimmed to the frames that take at least 3%.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench import database, harness
from bench.scales import SCALES


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_paths", description=__doc__)
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    harness.configure_environment()
    database.RUNS_DIR.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix=f"profile-{scale.name}-", dir=database.RUNS_DIR))
    bench_db = database.prepare(scale.name, work_dir)
    sys.path.insert(0, str(harness.BASE_DIR))
    import django

    django.setup()
    from django.db import connections

    try:
        run = harness.prepare_run(scale, harness.parse_args(["--scale", scale.name]), work_dir)
        profile(run, args.requests)
    finally:
        connections.close_all()
        database.drop(bench_db)
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


def profile(run, count: int) -> None:
    from django.contrib.auth.models import User
    from django.test import Client
    from pyinstrument import Profiler

    from bench.api_create import claim_payloads

    client = Client()
    client.force_login(User.objects.get(username=run.corpus.annotators[0]))
    article = run.corpus.reader_article_id
    payloads = claim_payloads(count + 5, seed=3)
    paths = {
        "create claim (POST /api/claims/)": lambda index: client.post(
            "/api/claims/", payloads[index], content_type="application/json"
        ),
        "an article's claims (GET /api/articles/<id>/claims/)": lambda index: client.get(
            f"/api/articles/{article}/claims/"
        ),
        "reader page (1,000 claims)": lambda index: client.get(f"/articles/{article}/"),
    }
    for name, call in paths.items():
        call(count)  # warm up
        times = count if "create" in name else max(10, count // 10)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for index in range(times):
            response = call(index)
        profiler.stop()
        print(f"\n===== {name}: {times} requests, last answered {response.status_code}")
        print(profiler.output_text(unicode=False, color=False, time="percent_of_total"))


if __name__ == "__main__":
    sys.exit(main())
