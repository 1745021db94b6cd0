"""Create claims through POST /api/claims/ on gunicorn, 1 and 8 concurrent clients, beside the reference view.

Each client is a thread with its own annotator login and connection. A run sends `scale.api_requests`
requests in all, split evenly between the clients, and measures wall time from the moment all clients
start; throughput counts successful creations only. Any answer other than 201 is an error, and the
server's log is searched for "database is locked". The reference (bench/refviews.py: login, CSRF,
JSON, one INSERT) runs on the same server, interleaved with the claim runs so drift hits both.
"""

import random
import statistics
import threading
import time
import uuid

from django.contrib.auth.models import User

from articles.models import Article, Claim, Tag
from bench import text
from bench.refviews import PREFIX as REFERENCE_PREFIX
from bench.report import Figure, percentile
from bench.server import Gunicorn, HttpSession

CLAIMS_URL = "/api/claims/"
REFERENCE_URL = "/bench/reference/insert/"
CLIENT_COUNTS = (1, 8)
# Twice the better of doccano (80-190 spans/s at 1-8 clients) and Label Studio (13-21).
RIVAL_TARGET = {1: 160, 8: 380}


def claim_payloads(count: int, *, seed: int = 11) -> list[dict]:
    """Valid new claims on ordinary articles (not the reader's, the empty or the long one)."""
    rng = random.Random(seed)
    articles = list(Article.objects.filter(pk__gt=3).order_by("pk").values("pk", "body")[:50])
    tags = list(Tag.objects.order_by("pk").values_list("name", flat=True)[:5])
    payloads = []
    for index in range(count):
        article = articles[index % len(articles)]
        start, end = text.claim_span(rng, text.word_spans(article["body"]))
        payloads.append({
            "article": article["pk"],
            "start": start,
            "end": end,
            "quote": article["body"][start:end],
            "summary": text.summary(rng),
            "tags": rng.sample(tags, k=min(2, len(tags))),
            "speaker": rng.randint(1, 40),
        })  # fmt: skip
    return payloads


def drive(sessions: list[HttpSession], path: str, payloads: list[dict]) -> dict:
    """Send the payloads through the sessions in parallel; latency of each, wall time, errors."""
    shares = [payloads[index :: len(sessions)] for index in range(len(sessions))]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(sessions) + 1)

    def client(session: HttpSession, share: list[dict]) -> None:
        mine, failures = [], []
        start.wait()
        for payload in share:
            began = time.perf_counter()
            try:
                status, body = session.post_json(path, payload)
            except OSError as error:
                status, body = 0, str(error).encode()
            mine.append(time.perf_counter() - began)
            if status != 201:
                failures.append(f"{status}: {body[:200].decode(errors='replace')}")
        with lock:
            latencies.extend(mine)
            errors.extend(failures)

    threads = [threading.Thread(target=client, args=pair) for pair in zip(sessions, shares, strict=True)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ok = len(latencies) - len(errors)
    return {
        "requests": len(latencies),
        "ok": ok,
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_s": wall,
        "throughput": ok / wall if wall else 0.0,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
    }


def reference_payloads(count: int) -> list[dict]:
    run_id = uuid.uuid4().hex[:8]
    return [{"name": f"{run_id}-{index}"} for index in range(count)]


def run(run) -> list[Figure]:
    corpus, total = run.corpus, run.scale.api_requests
    first_new_claim = (Claim.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    results: dict[int, dict] = {}
    with Gunicorn(workers=run.args.workers, log_dir=run.work_dir) as server:
        sessions = []
        for username in corpus.annotators[: max(CLIENT_COUNTS)]:
            session = HttpSession(server.host, server.port)
            session.login(username, corpus.password)
            sessions.append(session)
        # Warm every worker (imports, URLconf, first connection) before timing anything.
        drive(sessions, CLAIMS_URL, claim_payloads(4 * run.args.workers, seed=1))
        drive(sessions, REFERENCE_URL, reference_payloads(4 * run.args.workers))
        for clients in CLIENT_COUNTS:
            results[clients] = {
                "reference": drive(sessions[:clients], REFERENCE_URL, reference_payloads(total)),
                "claims": drive(sessions[:clients], CLAIMS_URL, claim_payloads(total, seed=clients)),
            }
        for session in sessions:
            session.close()
        log = server.log_text()
    locked = log.count("database is locked")
    run.details["api_create"] = {"workers": run.args.workers, "requests_per_run": total, "runs": results,
                                 "database_is_locked_in_log": locked, "server_log_tail": log[-3000:]}  # fmt: skip
    _clean_up(first_new_claim)
    return _figures(results, locked, total, run.args.workers)


def _clean_up(first_new_claim: int) -> None:
    """Remove what the runs created, so the corpus stays as described (claims, their history, reference rows)."""
    Claim.objects.filter(pk__gte=first_new_claim).delete()
    Claim.history.filter(id__gte=first_new_claim).delete()
    Tag.objects.filter(name__startswith=REFERENCE_PREFIX).delete()
    User.objects.filter(username__startswith="annotator").update(last_login=None)


def _figures(results: dict, locked: int, total: int, workers: int) -> list[Figure]:
    figures = []
    for clients, pair in results.items():
        claims, reference = pair["claims"], pair["reference"]
        name = f"create claim (API), {clients} client{'s' if clients > 1 else ''}"
        rival = RIVAL_TARGET[clients]
        if clients == max(CLIENT_COUNTS):
            target = f">= 0.5x reference and >= {rival}/s"
            passed = claims["throughput"] >= 0.5 * reference["throughput"] and claims["throughput"] >= rival
        else:
            target, passed = f">= {rival}/s", claims["throughput"] >= rival
        note = f"{total:,} requests, gunicorn {workers} workers; {rival}/s is twice doccano's rate"
        figures += [
            Figure(name, "throughput", claims["throughput"], "req/s", reference["throughput"], target, passed,
                   note=note),
            Figure(name, "latency, median", claims["median_ms"], "ms", reference["median_ms"]),
            Figure(name, "latency, p95", claims["p95_ms"], "ms", reference["p95_ms"]),
            Figure(name, "errors", claims["errors"], "errors", reference["errors"], "0", claims["errors"] == 0,
                   note="; ".join(claims["error_samples"][:2])),
        ]  # fmt: skip
    figures.append(
        Figure("create claim (API)", '"database is locked" in server log', locked, "", None, "0", locked == 0)
    )
    return figures
