"""Server time of the reader and the claim list, measured in this process with Django's test Client.

The Client runs the whole request (middleware, session, view, queries, template) with the production
settings the harness set (debug off), without a network hop, which is the honest server time. Each page
is loaded twice to warm caches, then `scale.page_loads` times timed; the query count comes from one
further load under CaptureQueriesContext, so recording SQL does not slow the timed loads.
"""

import time
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from bench.report import Figure, summary_ms

WARM_UP = 2


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def measure(client: Client, url: str, loads: int, before=None) -> dict:
    """Median and p95 server time (ms), queries and bytes of GET url; `before` runs ahead of each load and of
    the counted one, outside the time (say, emptying the cache)."""
    for _ in range(WARM_UP):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    timings, cpu = [], []
    for _ in range(loads):
        if before is not None:
            before()
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    median, p95 = summary_ms(timings)
    return {
        "url": url,
        "median_ms": median,
        "p95_ms": p95,
        # This process's CPU (on SQLite the database's work too): what other load on the machine inflates least.
        "cpu_median_ms": summary_ms(cpu)[0],
        "queries": len(queries),
        "bytes": len(response.content),
        "data_bytes": _embedded_data_bytes(response.content),
        "loads": loads,
        "sql": [query["sql"][:300] for query in queries.captured_queries],
    }


DATA_TARGET = 300_000
DATA_START = b'<script id="reader-data" type="application/json">'


def _embedded_data_bytes(content: bytes) -> int | None:
    """Size of the reader's embedded JSON (None on pages without it)."""
    start = content.find(DATA_START)
    if start < 0:
        return None
    start += len(DATA_START)
    return content.index(b"</script>", start) - start


def _article_with_few_claims() -> int:
    """An ordinary article with a few live claims: the query count must not change between it and 1,000."""
    article = (
        Article.objects.annotate(live=Count("claims", filter=Q(claims__deleted_at__isnull=True)))
        .filter(live__gte=1, live__lte=10)
        .order_by("live", "pk")
        .values("pk", "live")
        .first()
    )
    return article["pk"] if article else None


def reader(run) -> list[Figure]:
    corpus, loads = run.corpus, run.scale.page_loads
    client = _client(corpus.annotators[0])
    url = reverse("articles:article_detail", args=[corpus.reader_article_id])
    full = measure(client, url, loads)
    empty_url = reverse("articles:article_detail", args=[corpus.empty_article_id])
    empty = measure(client, empty_url, loads)
    # The claims and links are cached under the article's state: a first load after a change builds them.
    built = measure(client, url, loads, before=cache.clear)
    empty_built = measure(client, empty_url, loads, before=cache.clear)
    few_pk = _article_with_few_claims()
    few = measure(client, reverse("articles:article_detail", args=[few_pk]), 1) if few_pk else None
    run.details["reader"] = {"full": full, "empty": empty, "few": few, "built": built, "empty_built": empty_built}
    name = f"reader page, {corpus.reader_claims:,} claims"
    # One query fewer is fine: without links there are no linked claims to read.
    independent = few is None or full["queries"] - few["queries"] in (0, 1)
    few_note = f"an article with a few claims takes {few['queries']} queries" if few else ""
    return [
        Figure(
            name, "server time, median", full["median_ms"], "ms", empty["median_ms"], "< 50 ms", full["median_ms"] < 50
        ),
        Figure(name, "server time, p95", full["p95_ms"], "ms", empty["p95_ms"]),
        Figure(
            name,
            "server time built (cache emptied before each), median",
            built["median_ms"],
            "ms",
            empty_built["median_ms"],
            note=f"{built['queries']} queries ({empty_built['queries']} for the empty article)",
        ),
        Figure(
            name,
            "queries",
            full["queries"],
            "queries",
            empty["queries"],
            "same for any claim count",
            independent,
            note=few_note,
        ),
        Figure(name, "bytes", full["bytes"], "B", empty["bytes"]),
        Figure(name, "embedded data (reader-data JSON), bytes", full["data_bytes"], "B", empty["data_bytes"],
               f"<= {DATA_TARGET:,}", full["data_bytes"] <= DATA_TARGET,
               note="the article text, compact claims and links, relations, the user's permissions"),
    ]  # fmt: skip


# The claim list's searches besides the corpus's "filter and search": a rare word and a common one, alone.
# "Dispatch" opens each synthetic article (bench/text.py article_body), so only the claims that begin
# there hold it (about one in a thousand); a place name such as "Vallemar" is in about one claim in ten
# and in the names of one speaker in fifteen.
LIST_SEARCHES = {"rare word": {"q": "Dispatch"}, "common word": {"q": "Vallemar"}}


def claim_list(run) -> list[Figure]:
    corpus, loads = run.corpus, run.scale.page_loads
    client = _client(corpus.annotators[0])
    base = reverse("articles:claim_list")
    bare = measure(client, base, loads)
    searches = {"filter and search": corpus.list_filter, **LIST_SEARCHES}
    measured = {}
    for label, params in searches.items():
        query = urlencode(params)
        measured[label] = (query, measure(client, f"{base}?{query}", loads))
    run.details["claim_list"] = {"bare": bare, **{label: result for label, (_, result) in measured.items()}}
    name = f"claim list, {run.corpus.counts['claims']:,} claims"
    target_note = "" if run.scale.name == "1m" else "the target is set for 1,000,000 claims"
    figures = [
        Figure(name, "bare list, p95", bare["p95_ms"], "ms", None, "< 200 ms", bare["p95_ms"] < 200, note=target_note),
        Figure(
            name,
            "bare list, CPU of this process, median",
            bare["cpu_median_ms"],
            "ms",
            note="SQLite: the database's work included; PostgreSQL: the client's only",
        ),
    ]
    for label, (query, result) in measured.items():
        figures += [
            Figure(name, f"{label} ({query}), median", result["median_ms"], "ms", bare["median_ms"]),
            Figure(name, f"{label} ({query}), CPU of this process, median", result["cpu_median_ms"], "ms",
                   bare["cpu_median_ms"]),
            Figure(name, f"{label} ({query}), p95", result["p95_ms"], "ms", bare["p95_ms"], "< 200 ms",
                   result["p95_ms"] < 200, note=target_note),
            Figure(name, f"{label} ({query}), queries", result["queries"], "queries", bare["queries"]),
        ]  # fmt: skip
    return figures
