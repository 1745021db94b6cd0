"""Re-anchoring 1,000 claims on a 50,000-character article after an edit (target: under one second).

`bench_reanchor()` measures two figures on the same synthetic article and edit:

* ``seconds``: the whole service, ``services.revise_article`` on a stored article with 1,000 stored
  claims: lock, save the new body and its history, one ``reanchor()`` call, one bulk UPDATE of the moved
  claims and their history records. This is what a desk member waits for, and what the target is for.
* ``pure_seconds``: ``anchoring.reanchor()`` alone (the diff and the searches, no database).

The edit is the kind an outlet makes when it corrects a story: a correction note added at the top
(every offset shifts), a dozen figures corrected (claims on them become relocated), a paragraph deleted
(claims in it become orphaned), a paragraph moved to the end, and one line break and one double space
changed. Every figure is the median of a few runs; the database work runs in a transaction that is
rolled back, so the benchmark database is left as it was.

Run on its own: ``.venv/bin/python -m bench.reanchor`` (a throwaway test database; DATABASE_URL picks
PostgreSQL). The harness (``python -m bench``) calls ``bench_reanchor()`` inside its own database.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections import Counter

from bench import text

CLAIMS = 1_000
LENGTH = 50_000
REPEATS = 5
SEED = 6
_NUMBER = re.compile(r"\b\d{2,3}\b")


def make_article(rng: random.Random, length: int = LENGTH) -> str:
    return text.article_body(rng, 960_000 + rng.randrange(1000), length)


def make_spans(rng: random.Random, body: str, count: int = CLAIMS) -> list[tuple[int, int]]:
    """`count` claim spans of 4 to 30 words on word boundaries (they may overlap, as real ones do)."""
    words = text.word_spans(body)
    return [text.claim_span(rng, words) for _ in range(count)]


def edit(rng: random.Random, body: str) -> str:
    """An outlet's correction of the story (see the module docstring)."""
    paragraphs = body.split("\n\n")
    middle = len(paragraphs) // 2
    del paragraphs[middle]  # a paragraph cut
    paragraphs.append(paragraphs.pop(2))  # a paragraph moved to the end
    paragraphs[1] = paragraphs[1].replace(". ", ".\n", 1)  # a line break added
    paragraphs[3] = paragraphs[3].replace(" ", "  ", 1)  # a double space
    paragraphs.insert(0, "Correction: an earlier version of this report gave wrong figures for several towns.")
    edited = "\n\n".join(paragraphs)
    numbers = list(_NUMBER.finditer(edited))
    for found in sorted(rng.sample(numbers, k=min(12, len(numbers))), key=lambda m: -m.start()):
        corrected = str(int(found.group()) + rng.randint(1, 9))
        edited = edited[: found.start()] + corrected + edited[found.end() :]
    return edited


def _median_seconds(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bench_pure(old: str, new: str, spans: list[tuple[int, int]], repeats: int = REPEATS) -> tuple[float, Counter]:
    from articles.text import anchoring

    anchors = []
    for start, end in spans:
        selector = anchoring.describe(old, start, end)
        anchors.append(anchoring.Anchor(start, end, selector.exact, selector.prefix, selector.suffix))
    states = Counter(result.state.value for result in anchoring.reanchor(old, new, anchors))
    return _median_seconds(lambda: anchoring.reanchor(old, new, anchors), repeats), states


def bench_service(old: str, new: str, spans: list[tuple[int, int]], repeats: int = 3) -> tuple[float, dict]:
    """Median seconds of revise_article on a stored article with the claims; everything rolled back."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from articles import services
    from articles.models import Article, Claim
    from articles.text import anchoring

    times, summary = [], {}
    for run in range(repeats):
        with transaction.atomic():
            user = User.objects.create(username=f"bench-reanchor-{run}-{time.monotonic_ns()}")
            article = Article(title="Re-anchoring benchmark", body=old, added_by=user)
            article.save()
            claims = []
            for start, end in spans:
                selector = anchoring.describe(old, start, end)
                claims.append(
                    Claim(
                        article=article, start=start, end=end, quote=selector.exact, prefix=selector.prefix,
                        suffix=selector.suffix, created_by=user,
                    )
                )  # fmt: skip
            Claim.objects.bulk_create(claims, batch_size=500)
            began = time.perf_counter()
            result = services.revise_article(user=user, article=article, body=new, reason="benchmark edit")
            times.append(time.perf_counter() - began)
            summary = {
                "anchored": result.anchored,
                "relocated": result.relocated,
                "orphaned": result.orphaned,
                "moved": len(result.moved),
            }
            transaction.set_rollback(True)
    return statistics.median(times), summary


def bench_reanchor(*, claims: int = CLAIMS, length: int = LENGTH, repeats: int = REPEATS, service: bool = True) -> dict:
    """Figures for re-anchoring `claims` claims after an edit of a `length`-character article.

    Returns {"seconds": service median (or the pure one when service=False), "pure_seconds", "service_seconds",
    "claims", "characters", "edited_characters", "states": {...}, "database", "note"}. Needs Django set up with
    a migrated database when service=True.
    """
    rng = random.Random(SEED)
    old = make_article(rng, length)
    spans = make_spans(rng, old, claims)
    new = edit(rng, old)
    pure_seconds, states = bench_pure(old, new, spans, repeats)
    figures = {
        "claims": claims,
        "characters": len(old),
        "edited_characters": len(new),
        "pure_seconds": round(pure_seconds, 4),
        "states": {state: states.get(state, 0) for state in ("anchored", "relocated", "orphaned")},
    }
    if service:
        from django.db import connection

        service_seconds, service_states = bench_service(old, new, spans, repeats=max(1, min(repeats, 3)))
        figures.update(
            seconds=round(service_seconds, 4),
            service_seconds=round(service_seconds, 4),
            service_states=service_states,
            database=connection.vendor,
        )
    else:
        figures["seconds"] = figures["pure_seconds"]
    states_text = ", ".join(f"{n} {state}" for state, n in figures["states"].items())
    figures["note"] = (
        f"revise_article median of {max(1, min(repeats, 3)) if service else 0} runs"
        f"{' on ' + figures['database'] if service else ''}; reanchor() alone {figures['pure_seconds']} s; "
        f"{states_text}"
    )
    return figures


def main() -> None:
    """Stand-alone run on a throwaway test database; prints the figures."""
    import json
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = bench_reanchor()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(json.dumps(figures, indent=2))
    target = "met" if figures["seconds"] < 1.0 else "MISSED"
    print(f"re-anchoring {figures['claims']:,} claims on {figures['characters']:,} characters: "
          f"{figures['seconds']} s (target < 1 s: {target})")  # fmt: skip


if __name__ == "__main__":
    main()
