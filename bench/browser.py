"""The reader in a real browser: Chromium (Playwright) against gunicorn, logged in.

For each load it reads the reader's `highlights-drawn` performance mark, whose startTime counts from the
start of navigation, so it includes the server's answer, parsing, scripts and drawing. If the mark is
missing it measures instead until every claim has a highlight. The first load runs with an empty cache
and its requests are counted: that is what opening the reader costs a user the first time.
"""

import os
import statistics
from pathlib import Path

from django.urls import reverse

from bench.report import Figure, percentile, skipped
from bench.server import Gunicorn, HttpSession

CHROMIUM = Path(os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HIGHLIGHTED_CLAIMS = """() => {
  const ids = new Set();
  document.querySelectorAll('#article-text mark[data-claims]').forEach(function (mark) {
    mark.dataset.claims.split(' ').forEach(function (id) { if (id) { ids.add(id); } });
  });
  return ids.size;
}"""
DRAWN = (
    f"(expected) => performance.getEntriesByName('highlights-drawn').length > 0 || ({HIGHLIGHTED_CLAIMS})() >= expected"
)
TIMINGS = """() => {
  const mark = performance.getEntriesByName('highlights-drawn')[0];
  const navigation = performance.getEntriesByType('navigation')[0];
  const marks = {};
  performance.getEntriesByType('mark').forEach(function (entry) { marks[entry.name] = entry.startTime; });
  return {
    marks: marks,
    mark: mark ? mark.startTime : null,
    now: performance.now(),
    responseStart: navigation.responseStart,
    responseEnd: navigation.responseEnd,
    domContentLoaded: navigation.domContentLoadedEventEnd,
  };
}"""
NETWORK_IDLE_TIMEOUT_MS = 5000
MAX_REQUESTS = 5  # the spec's limit; doccano needs 24, Label Studio 31
DRAWN_LIMIT_MS = 200


def load(page, url: str, expected: int) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        raise RuntimeError(f"the reader answered {response.status if response else 'nothing'} in the browser")
    page.wait_for_function(DRAWN, arg=expected, polling="raf", timeout=60_000)
    # The cards come in the task after the highlights: wait for them too, so their step marks are read.
    page.wait_for_function("() => document.getElementById('article-text').dataset.ready === 'true'", timeout=60_000)
    timings = page.evaluate(TIMINGS)
    try:  # let late requests (scripts fetching data after drawing) be counted too
        page.wait_for_load_state("networkidle", timeout=NETWORK_IDLE_TIMEOUT_MS)
        timings["network_idle"] = True
    except PlaywrightTimeout:
        timings["network_idle"] = False
    timings["drawn_ms"] = timings["mark"] if timings["mark"] is not None else timings["now"]
    timings["highlighted_claims"] = page.evaluate(HIGHLIGHTED_CLAIMS)
    timings["requests"] = list(requests)
    return timings


def measure(context, url: str, expected: int, loads: int) -> dict:
    page = context.new_page()
    try:
        first = load(page, url, expected)  # empty cache: the requests a first visit makes
        runs = [load(page, url, expected) for _ in range(loads)]
    finally:
        page.close()
    drawn = [item["drawn_ms"] for item in runs]
    return {
        "first": first,
        "runs": runs,
        "median_ms": statistics.median(drawn),
        "p95_ms": percentile(drawn, 0.95),
        "script_ms": statistics.median(item["drawn_ms"] - item["responseEnd"] for item in runs),
        "painted_ms": _median_mark(runs, "highlights-painted"),
        "built_ms": _median_mark(runs, "cards-built"),
        "steps_ms": _steps(runs),
    }


def _median_mark(runs: list[dict], name: str) -> float | None:
    times = [run["marks"][name] for run in runs if name in run["marks"]]
    return statistics.median(times) if times else None


# The reader's performance marks (main.js), in order: each step's median time from the previous mark. The
# highlights are painted before any card is made; then the first screenful of cards, the rest in short tasks.
STEPS = (
    "reader-start",
    "reader-parsed",
    "reader-expanded",
    "highlights-drawn",
    "highlights-painted",
    "cards-visible",
    "cards-built",
)


def _steps(runs: list[dict]) -> dict:
    steps = {}
    for before, after in zip(STEPS, STEPS[1:], strict=False):
        spans = [run["marks"][after] - run["marks"][before] for run in runs if {before, after} <= set(run["marks"])]
        if spans:
            steps[f"{before} -> {after}"] = round(statistics.median(spans), 1)
    return steps


def run(run) -> list[Figure]:
    name = f"reader in Chromium, {run.corpus.reader_claims:,} claims"
    if not CHROMIUM.exists():
        return [skipped(name, "highlights drawn", f"no Chromium at {CHROMIUM} (apt-get install chromium)")]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [skipped(name, "highlights drawn", "Playwright for Python is not installed")]

    corpus = run.corpus
    with Gunicorn(workers=run.args.workers, log_dir=run.work_dir) as server:
        session = HttpSession(server.host, server.port)
        session.login(corpus.annotators[0], corpus.password)
        session.close()
        cookies = [
            {"name": key, "value": value, "domain": server.host, "path": "/"} for key, value in session.cookies.items()
        ]
        reader_url = server.base_url + reverse("articles:article_detail", args=[corpus.reader_article_id])
        empty_url = server.base_url + reverse("articles:article_detail", args=[corpus.empty_article_id])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.add_cookies(cookies)
                full = measure(context, reader_url, corpus.reader_claims, run.scale.browser_loads)
                empty = measure(context, empty_url, 0, run.scale.browser_loads)
                version = browser.version
            finally:
                browser.close()
    run.details["browser"] = {"chromium": version, "full": full, "empty": empty}
    first = full["first"]
    requests = len(first["requests"])
    drawn_all = first["highlighted_claims"] == corpus.reader_claims
    how = "performance mark highlights-drawn" if first["mark"] is not None else "until every claim had a highlight"
    return [
        Figure(name, "highlights drawn, median", full["median_ms"], "ms", empty["median_ms"],
               f"< {DRAWN_LIMIT_MS} ms", full["median_ms"] < DRAWN_LIMIT_MS,
               note=f"from navigation start ({how}); scripts after the response: {full['script_ms']:.0f} ms "
                    f"({_describe_steps(full['steps_ms'])}); {run.scale.browser_loads} warm loads; Chromium {version}"),
        Figure(name, "highlights drawn, p95", full["p95_ms"], "ms", empty["p95_ms"]),
        Figure(name, "highlights drawn after the response (the browser's share)", full["script_ms"], "ms",
               empty["script_ms"], note="median of highlights-drawn minus responseEnd: parsing, scripts, drawing"),
        Figure(name, "highlights painted (first frame after drawing), median", full["painted_ms"], "ms",
               empty["painted_ms"], note="mark highlights-painted, in the task after the frame that drew them"),
        Figure(name, "every card made (data-ready), median", full["built_ms"], "ms", empty["built_ms"],
               note="the first screenful of cards right after the paint, the rest in tasks of up to 12 ms"),
        Figure(name, "highlights drawn, first (cold) load", first["drawn_ms"], "ms", empty["first"]["drawn_ms"]),
        Figure(name, "requests to open (cold cache)", requests, "requests", len(empty["first"]["requests"]),
               f"<= {MAX_REQUESTS}", requests <= MAX_REQUESTS,
               note=" ".join(_paths(first["requests"])) + ("" if first["network_idle"] else
                    f" (the network was still busy {NETWORK_IDLE_TIMEOUT_MS / 1000:.0f} s after drawing)")),
        Figure(name, "claims highlighted", first["highlighted_claims"], "claims", None,
               f"= {corpus.reader_claims}", drawn_all),
    ]  # fmt: skip


def _describe_steps(steps: dict) -> str:
    return ", ".join(f"{name.split(' -> ')[1]} +{value:.0f}" for name, value in steps.items()) or "no step marks"


def _paths(urls: list[str]) -> list[str]:
    return [url.split("/", 3)[-1] if url.startswith("http") else url[:40] for url in urls]
