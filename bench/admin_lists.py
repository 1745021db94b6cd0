"""Server time of every admin changelist (unfiltered, default order) at the run's scale, as a superuser.

Issue 16, finding 10: with 100,000 claims the Admin → Claims list ran past gunicorn's 30 s timeout. The
target is under a second per list at 1,000,000 claims, on SQLite and PostgreSQL.
"""

from django.contrib.auth.models import User

from bench.pages import measure
from bench.report import Figure

LISTS = [
    ("claims", "claim"),
    ("links", "claimlink"),
    ("verdicts", "verdict"),
    ("evidence", "evidence"),
    ("articles", "article"),
    ("speakers", "speaker"),
    ("sources", "source"),
    ("tags", "tag"),
]
TARGET_MS = 1000


def run(run) -> list[Figure]:
    from django.test import Client

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.org"}
    )
    client = Client()
    client.force_login(admin)
    loads = max(3, run.scale.page_loads // 4)
    name = f"admin lists, {run.corpus.counts['claims']:,} claims"
    figures, details = [], {}
    for label, model in LISTS:
        result = measure(client, f"/admin/articles/{model}/", loads)
        details[label] = result
        figures.append(
            Figure(
                name,
                f"Admin → {label}, p95 ({result['queries']} queries)",
                result["p95_ms"],
                "ms",
                target=f"< {TARGET_MS} ms",
                passed=result["p95_ms"] < TARGET_MS,
            )
        )
    run.details["admin_lists"] = details
    return figures
