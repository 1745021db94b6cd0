"""Bulk load of 200 articles and 20,000 claims from a JSON Lines file, the peers' bulk workload.

The file is what export_claims --format jsonl writes (header, article records with their texts, claim
records), made here from synthetic articles the corpus does not hold, with one tag per claim and no
verdicts or links, like the peers' spans with a label. The import runs in this process, inside a
transaction rolled back afterwards, so the corpus stays as it was for the other workloads; the time is
reading, validating and writing (the commit's flush is the only thing it leaves out). Label Studio
loaded the same workload in 1.34 s on this machine (doccano 5.9-8.7 s); the target is half of that.
"""

import json
import random
import time
from datetime import UTC, datetime, timedelta

from django.db import transaction

from articles import exports
from articles.importing.jsonl import import_jsonl
from articles.models import content_hash
from bench import text
from bench.report import Figure

ARTICLES, CLAIMS_EACH = 200, 100
LABEL_STUDIO_SECONDS = 1.34
TARGET_SECONDS = LABEL_STUDIO_SECONDS / 2
FIRST_NUMBER = 9_000_000  # article numbers the corpus does not use: new texts, new hashes


class Rollback(Exception):
    pass


def jsonl_lines(articles: int, claims_each: int, *, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    when = datetime(2026, 5, 1, tzinfo=UTC)
    header = {"type": "export", "format": exports.JSONL_FORMAT_NAME, "version": exports.JSONL_FORMAT_VERSION}
    lines = [json.dumps(header)]
    for number in range(FIRST_NUMBER, FIRST_NUMBER + articles):
        body = text.article_body(rng, number, rng.randint(4000, 8000))
        digest = content_hash(body)
        stamp = (when + timedelta(minutes=number - FIRST_NUMBER)).isoformat()
        lines.append(
            json.dumps(
                {
                    "type": "article",
                    "title": text.title(rng, number),
                    "body": body,
                    "content_hash": digest,
                    "url": f"https://bulk.example.org/{number}",
                    "language": "en",
                    "added_by": "bulk-loader",
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        )
        words = text.word_spans(body)
        for n in range(claims_each):
            start, end = text.claim_span(rng, words)
            created = (when + timedelta(minutes=number - FIRST_NUMBER, seconds=n)).isoformat()
            lines.append(
                json.dumps(
                    {
                        "type": "claim",
                        "article": {"content_hash": digest},
                        "start": start,
                        "end": end,
                        "quote": body[start:end],
                        "prefix": body[max(0, start - 32) : start],
                        "suffix": body[end : end + 32],
                        "anchor_state": "anchored",
                        "tags": [f"label-{rng.randint(1, 8)}"],
                        "created_by": "bulk-loader",
                        "created_at": created,
                        "updated_at": created,
                    }
                )
            )
    return lines


def run(run) -> list[Figure]:
    path = run.work_dir / "bulk.jsonl"
    path.write_text("\n".join(jsonl_lines(ARTICLES, CLAIMS_EACH)) + "\n", encoding="utf-8")
    timings, report = [], None
    for _ in range(3):
        began = time.perf_counter()
        try:
            with transaction.atomic():
                with path.open("rb") as file:
                    report = import_jsonl(file)
                timings.append(time.perf_counter() - began)
                raise Rollback
        except Rollback:
            pass
    if report.errors or report.claims != ARTICLES * CLAIMS_EACH:
        raise RuntimeError(f"bulk import went wrong: {report.summary()} {report.errors[:3]}")
    best = min(timings)
    run.details["bulk_import"] = {"seconds": timings, "summary": report.summary(), "bytes": path.stat().st_size}
    return [
        Figure(
            "bulk import (import_claims)",
            f"{ARTICLES} articles / {ARTICLES * CLAIMS_EACH:,} claims, best of 3 (Label Studio 1.34 s)",
            round(best, 3),
            "s",
            reference=LABEL_STUDIO_SECONDS,
            target=f"≤ {TARGET_SECONDS:.2f} s",
            passed=best <= TARGET_SECONDS,
            note=f"runs {', '.join(f'{t:.2f}' for t in timings)} s; rolled back after each",
        )
    ]
