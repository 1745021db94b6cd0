"""List one document's claims through the API, as the peers were compared: GET /api/articles/<id>/claims/.

In this process (Django's test Client, debug off: the server's own time, bytes and queries) for the reader's
article (1,000 claims at default scale) and for the empty article: the answer as a reload finds it (cached under
its ETag), as a first request after a change builds it (the cache emptied before each), and the reload with
If-None-Match (a 304).
Then over HTTP on gunicorn, the wall time a client sees, beside the same claims listed through the paginated
/api/claims/?article=<id> (page_size 500), the way a client had to before.
"""

import json
import statistics
import time
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import Figure, percentile, summary_ms
from bench.server import Gunicorn, HttpSession

WARM_UP = 2
SERVER_TARGET_MS = 10
BYTES_TARGET = 200_000


def _timed(get, loads: int, before=None) -> tuple[list[float], object]:
    """`before` runs ahead of each call, outside the time (say, emptying the cache)."""
    for _ in range(WARM_UP):
        response = get()
    timings = []
    for _ in range(loads):
        if before is not None:
            before()
        began = time.perf_counter()
        response = get()
        timings.append(time.perf_counter() - began)
    return timings, response


def in_process(run, article_id: int) -> dict:
    client = Client()
    client.force_login(User.objects.get(username=run.corpus.annotators[0]))
    url = f"/api/articles/{article_id}/claims/"
    timings, response = _timed(lambda: client.get(url), run.scale.page_loads)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    etag = response["ETag"]
    # The answer is cached under its ETag: a first request after a change builds it again.
    cold, built = _timed(lambda: client.get(url), run.scale.page_loads, before=cache.clear)
    if built.content != response.content:
        raise RuntimeError(f"GET {url} answered differently from the cache and built")
    with CaptureQueriesContext(connection) as queries:
        cache.clear()
        client.get(url)
    cold_queries = len(queries)
    reloads, not_modified = _timed(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag), run.scale.page_loads)
    if not_modified.status_code != 304:
        raise RuntimeError(f"GET {url} with its ETag answered {not_modified.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    median, p95 = summary_ms(timings)
    return {
        "url": url,
        "median_ms": median,
        "p95_ms": p95,
        "not_modified_median_ms": summary_ms(reloads)[0],
        "built_median_ms": summary_ms(cold)[0],
        "built_queries": cold_queries,
        "bytes": len(response.content),
        "claims": response.json()["count"],
        "queries": len(queries),
        "etag": etag,
    }


def over_http(run, etag: str) -> dict:
    corpus, loads = run.corpus, run.scale.page_loads
    article = corpus.reader_article_id
    with Gunicorn(workers=run.args.workers, log_dir=run.work_dir) as server:
        session = HttpSession(server.host, server.port)
        session.login(corpus.annotators[0], corpus.password)
        accept = {"Accept": "application/json"}

        def one_call():
            status, body = session.request("GET", f"/api/articles/{article}/claims/", headers=accept)
            return status, len(body), 1

        def reload():
            status, body = session.request(
                "GET", f"/api/articles/{article}/claims/", headers={**accept, "If-None-Match": etag}
            )
            return status, len(body), 1

        def paginated():
            path, total, requests, status = f"/api/claims/?article={article}&page_size=500", 0, 0, 200
            while path:
                status, body = session.request("GET", path, headers=accept)
                total, requests = total + len(body), requests + 1
                following = json.loads(body).get("next")
                path = urlunsplit(("", "", *urlsplit(following)[2:])) if following else None
            return status, total, requests

        results = {}
        for name, call in (("one_call", one_call), ("reload_304", reload), ("paginated", paginated)):
            for _ in range(WARM_UP):
                call()
            timings, outcome = [], None
            for _ in range(loads):
                began = time.perf_counter()
                outcome = call()
                timings.append(time.perf_counter() - began)
            status, size, requests = outcome
            results[name] = {
                "status": status,
                "bytes": size,
                "requests": requests,
                "median_ms": statistics.median(timings) * 1000,
                "p95_ms": percentile(timings, 0.95) * 1000,
            }
        session.close()
    return results


def run(run) -> list[Figure]:
    corpus = run.corpus
    full = in_process(run, corpus.reader_article_id)
    empty = in_process(run, corpus.empty_article_id)
    http = over_http(run, full["etag"])
    run.details["article_claims"] = {"full": full, "empty": empty, "http": http}
    name = f"list one document's {full['claims']:,} claims (API)"
    one, again, paged = http["one_call"], http["reload_304"], http["paginated"]
    return [
        Figure(name, "server time, cached answer, median (reference: empty article)", full["median_ms"], "ms",
               empty["median_ms"],
               f"<= {SERVER_TARGET_MS} ms on a quiet machine", full["median_ms"] <= SERVER_TARGET_MS,
               note=f"{full['queries']} queries ({empty['queries']} for the empty article)"),
        Figure(name, "server time, built (cache emptied before each), median (reference: empty article)",
               full["built_median_ms"], "ms", empty["built_median_ms"], f"<= {SERVER_TARGET_MS} ms on a quiet machine",
               full["built_median_ms"] <= SERVER_TARGET_MS,
               note=f"{full['built_queries']} queries ({empty['built_queries']} for the empty article)"),
        Figure(name, "bytes", full["bytes"], "B", paged["bytes"], f"<= {BYTES_TARGET:,}", full["bytes"] <= BYTES_TARGET,
               note="reference: the same claims from the paginated /api/claims/"),
        Figure(name, "over HTTP (gunicorn), median (reference: paginated /api/claims/)", one["median_ms"], "ms",
               paged["median_ms"], note=f"{one['requests']} request against {paged['requests']}"),
        Figure(name, "reload with If-None-Match, HTTP median", again["median_ms"], "ms", one["median_ms"], "304",
               again["status"] == 304, note=f"status {again['status']}, {again['bytes']} bytes; in-process "
                                            f"{full['not_modified_median_ms']:.1f} ms"),
    ]  # fmt: skip
