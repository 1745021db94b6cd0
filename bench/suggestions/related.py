"""Related claims, measured: `python -m bench.suggestions.related [--quick]`.

Quality on CLEF CheckThat! 2020 Task 2 (train+dev tweets matched against the 10,375 verified claims, read from
../shared/intel/claim-matching and never copied into the project): MAP@5 and recall@5, the "likely same"
false-badge rate on queries whose counterpart is removed; cost: embedding ms per sentence, model load time,
resident memory; and "save → shown" p95 with 10,000 and 100,000 synthetic claims in the in-memory index.
The verified-claim embeddings are cached under var/bench/ (keyed by the model file's hash) to keep reruns fast.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

BASE_DIR = Path(__file__).resolve().parents[2]
# ../shared/intel beside the checkout (the main repository's), or FACTCHECK_INTEL for a worktree elsewhere.
INTEL = Path(os.environ.get("FACTCHECK_INTEL") or BASE_DIR.parent / "shared" / "intel") / "claim-matching"
CACHE = BASE_DIR / "var" / "bench"

TARGETS = {
    "map@5": (">=", 0.86),
    "recall@5": (">=", 0.93),
    "false_same_rate": ("<=", 0.10),
    "shown_p95_ms_10k": ("<=", 300.0),
    "shown_p95_ms_100k": ("<=", 1000.0),
    "shown_p95_cpu_ms_10k": ("<=", 300.0),
    "shown_p95_cpu_ms_100k": ("<=", 1000.0),
    "load_s": ("<=", 2.0),
    "rss_mb_model": ("<=", 400.0),
    "rss_mb_10k": ("<=", 400.0),
}


def read_tsv(path: Path) -> list[list[str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_ct2020(root: Path):
    docs = {}
    for row in read_tsv(root / "verified_claims.docs.tsv")[1:]:
        if len(row) >= 3 and row[0].strip().isdigit():
            docs[int(row[0])] = (row[1].strip(), row[2].strip())
    queries, gold = {}, {}
    for split in ("train", "dev"):
        for row in read_tsv(root / split / "tweets.queries.tsv")[1:]:
            if len(row) >= 2 and row[0].strip().isdigit():
                queries[f"{split}-{row[0].strip()}"] = row[1].strip()
        for row in read_tsv(root / split / "tweet-vclaim-pairs.qrels"):
            if len(row) >= 3:
                gold.setdefault(f"{split}-{row[0].strip()}", set()).add(int(row[2]))
    queries = {q: t for q, t in queries.items() if q in gold}
    return docs, queries, gold


CHUNK = 512


def cached_embeddings(
    name: str, texts: list[str], embed, sha: str, *, reverse: bool = False, compute: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of texts and a mask of the rows present, computed once per model file in chunks under
    var/bench/ (a rerun, or a second process started with --reverse to share the work, picks up the chunks
    already there). With compute=False (--partial) only the chunks already cached are used."""
    folder = CACHE / f"related-{name}-{sha[:12]}-{len(texts)}"
    folder.mkdir(parents=True, exist_ok=True)
    starts = list(range(0, len(texts), CHUNK))
    order = list(reversed(starts)) if reverse else starts
    middle = len(order) // 2 if os.environ.get("BENCH_FROM_MIDDLE") else 0  # a third helper starts halfway
    for start in order[middle:] + order[:middle]:
        path = folder / f"{start:06d}.npy"
        if not path.exists() and compute:
            vectors = embed(texts[start : start + CHUNK])
            partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(partial, vectors)
            partial.replace(path)
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    present = np.zeros(len(texts), dtype=bool)
    for start in starts:
        path = folder / f"{start:06d}.npy"
        if path.exists():
            chunk = np.load(path)
            vectors[start : start + len(chunk)] = chunk
            present[start : start + len(chunk)] = True
    return vectors, present


def average_precision(ranked: list[int], relevant: set[int], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0


def quality(related, log, *, reverse: bool = False, partial: bool = False) -> dict:
    docs, queries, gold = load_ct2020(INTEL)
    doc_ids = list(docs)
    sha = related.model_sha256()
    log(f"CT2020: {len(docs)} verified claims, {len(queries)} train+dev queries with gold pairs")
    t0 = time.perf_counter()
    # One text per verified claim, the claim and its fact-check title, as a desk claim has one quote.
    texts = [f"{docs[d][0]} {docs[d][1]}" for d in doc_ids]
    qids = list(queries)
    query_vecs, _ = cached_embeddings("queries", [queries[q] for q in qids], related.embed, sha, reverse=reverse)
    vecs, present = cached_embeddings("docs", texts, related.embed, sha, reverse=reverse, compute=not partial)
    log(f"embeddings ready in {time.perf_counter() - t0:.1f} s (cached under {CACHE})")
    kept = {d for d, ok in zip(doc_ids, present, strict=True) if ok}
    if partial:
        # Only the verified claims embedded so far, and the queries whose gold claims are all among them.
        keep = [i for i, q in enumerate(qids) if gold[q] <= kept]
        query_vecs, qids = query_vecs[keep], [qids[i] for i in keep]
        log(f"PARTIAL: {len(kept)} of {len(doc_ids)} verified claims, {len(qids)} queries")

    index = related.Index()
    rows = [i for i, d in enumerate(doc_ids) if d in kept]
    index.put_many([doc_ids[i] for i in rows], vecs[rows], [texts[i] for i in rows])

    results = {}
    for label, weight in (("dense", 0.0), ("hybrid", related.BM25_WEIGHT)):
        aps, recalls = [], []
        for qi, q in enumerate(qids):
            ranked = search(index, related, query_vecs[qi], queries[q], weight=weight)
            aps.append(average_precision([m.claim_id for m in ranked], gold[q]))
            recalls.append(len({m.claim_id for m in ranked[:5]} & gold[q]) / len(gold[q]))
        results[label] = (float(np.mean(aps)), float(np.mean(recalls)))
        log(f"{label:7s} MAP@5 {results[label][0]:.3f}  recall@5 {results[label][1]:.3f}")

    # False "likely same": the query's gold claims removed, how often is the best remaining one badged so?
    false_same = 0
    for qi, q in enumerate(qids):
        ranked = index.search(query_vecs[qi], queries[q], k=1, exclude=gold[q], min_score=related.MIN_SCORE)
        if ranked and related.kind(ranked[0].cosine, queries[q], docs[ranked[0].claim_id][0]) == related.KIND_SAME:
            false_same += 1
    # Where the thresholds come from: on the train queries only, the best score left once the gold claims are
    # removed (no counterpart) against the gold claim's own score.
    without, with_gold = [], []
    for qi, q in enumerate(qids):
        if not q.startswith("train-"):
            continue
        rest = index.search(query_vecs[qi], queries[q], k=1, exclude=gold[q], min_score=-1.0)
        own = index.search(query_vecs[qi], queries[q], k=1, min_score=-1.0)
        without.append(rest[0].cosine if rest else 0.0)
        if own and own[0].claim_id in gold[q]:
            with_gold.append(own[0].cosine)
    for pct in (50, 80, 90, 95):
        cut = float(np.percentile(without, pct))
        share = float(np.mean(np.array(with_gold) >= cut)) if with_gold else 0.0
        log(
            f"train: {pct}th percentile of the best no-counterpart score {cut:.3f}; gold top-1 at or above: {share:.2f}"
        )
    hits_same = 0
    for qi, q in enumerate(qids):
        ranked = index.search(query_vecs[qi], queries[q], k=1, min_score=related.MIN_SCORE)
        top = ranked[0] if ranked else None
        if (
            top
            and top.claim_id in gold[q]
            and related.kind(top.cosine, queries[q], docs[top.claim_id][0]) == "likely_same"
        ):
            hits_same += 1
    return {
        "map@5": results["hybrid"][0],
        "recall@5": results["hybrid"][1],
        "map@5_dense": results["dense"][0],
        "recall@5_dense": results["dense"][1],
        "false_same_rate": false_same / len(qids),
        "true_same_rate": hits_same / len(qids),
        "queries": len(qids),
        "verified_claims": len(kept),
    }


def search(index, related, vector, text, *, weight):
    # Quality is ranked without the suggest threshold: MAP@5 scores the top five whatever their score.
    return index.search(vector, text, k=5, min_score=-1.0, weight=weight)


def cost(related, log) -> dict:
    t0 = time.perf_counter()
    related._model()
    load_s = time.perf_counter() - t0
    sentences = [
        f"The mayor said {i} officers were deployed in the northern district of the city last week." for i in range(64)
    ]
    related.embed(sentences[:4])
    c0 = time.process_time()
    w0 = time.perf_counter()
    for s in sentences:
        related.embed([s])
    cpu_ms = (time.process_time() - c0) * 1000 / len(sentences)
    wall_ms = (time.perf_counter() - w0) * 1000 / len(sentences)
    log(f"model load {load_s:.2f} s; embedding {cpu_ms:.1f} CPU-ms / {wall_ms:.1f} wall-ms per sentence")
    return {"load_s": load_s, "embed_cpu_ms": cpu_ms, "embed_wall_ms": wall_ms}


def rss_mb() -> float:
    """Resident memory now (VmRSS), in MB; the peak (ru_maxrss) would include the quality run's matrices."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def shown_latency(related, n: int, log, *, repeats: int = 40) -> tuple[float, float]:
    """Save → shown: embed the new claim, add it to the index, find its top 5 among n claims (p95 ms, wall and
    CPU: on a machine shared with other work the wall time includes waiting for a core)."""
    rng = np.random.default_rng(n)
    base = rng.standard_normal((n, related.DIM)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    words = [
        "mayor",
        "governor",
        "police",
        "budget",
        "officers",
        "deaths",
        "attack",
        "city",
        "state",
        "school",
        "water",
        "election",
    ]
    texts = [" ".join(rng.choice(words, 8)) + f" {i}" for i in range(n)]
    index = related.Index()
    index.put_many(list(range(n)), base, texts)
    del base
    timings, cpu = [], []
    for r in range(repeats):
        text = f"The governor said {r} officers died in the attack on the state police."
        t0, c0 = time.perf_counter(), time.process_time()
        vector = related.embed([text])[0]
        index.put(n + r, vector, text)
        index.search(vector, text, k=5, exclude={n + r}, min_score=-1.0)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    p95, cpu95 = float(np.percentile(timings, 95)), float(np.percentile(cpu, 95))
    log(f"save → shown p95 with {n:,} claims: {p95:.0f} ms wall, {cpu95:.0f} CPU-ms (embed + index + top-5)")
    return p95, cpu95


def measure(log, *, quick=False, no_quality=False, partial=False, reverse=False) -> dict:
    """Every figure of this kind, by name (see TARGETS); {} with a note logged when the model is missing."""
    from articles.suggesting import related

    missing = related.check_model()
    if missing:
        log(f"skipped: {missing}")
        return {}
    figures = cost(related, log)
    figures["rss_mb_model"] = rss_mb()
    if no_quality:
        log("quality skipped (--no-quality)")
    elif INTEL.is_dir():
        figures.update(quality(related, log, reverse=reverse, partial=partial))
    else:
        log(f"quality skipped: {INTEL} is absent (the public CheckThat! 2020 set is read from ../shared/intel)")
    figures["shown_p95_ms_10k"], figures["shown_p95_cpu_ms_10k"] = shown_latency(related, 10_000, log)
    figures["rss_mb_10k"] = rss_mb()
    if not quick:
        figures["shown_p95_ms_100k"], figures["shown_p95_cpu_ms_100k"] = shown_latency(related, 100_000, log)
    figures["rss_mb_peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def _passed(name: str, value: float) -> bool | None:
    op, target = TARGETS.get(name, ("", None))
    if target is None:
        return None
    return value >= target if op == ">=" else value <= target


def figures(log) -> list:
    """`python -m bench --only suggestions`: this kind's figures in the harness's table."""
    from bench.report import Figure, skipped

    measured = measure(log)
    if not measured:
        return [skipped("suggestions: related", "MAP@5", "the related-claims model is not installed")]
    return [
        Figure("suggestions: related", name, round(value, 3), target=" ".join(map(str, TARGETS.get(name, ("", "")))),
               passed=_passed(name, value))
        for name, value in measured.items()
    ]  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggestions.related", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="latency at 10k only (skip the 100k figure)")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--partial", action="store_true", help="quality over the cached embeddings only")
    parser.add_argument("--no-quality", action="store_true", help="cost and latency only")
    parser.add_argument("--reverse", action="store_true", help="embed the cache's chunks last to first (a helper)")
    args = parser.parse_args(argv)
    log = print
    figures = measure(log, quick=args.quick, no_quality=args.no_quality, partial=args.partial, reverse=args.reverse)
    if not figures:
        return 0
    log("")
    log(f"{'figure':22s} {'measured':>10s}  target")
    for name, value in figures.items():
        op, target = TARGETS.get(name, ("", None))
        verdict = {True: "ok", False: "MISS", None: ""}[_passed(name, value)]
        log(f"{name:22s} {value:10.3f}  {op} {target if target is not None else ''} {verdict}")
    if args.output:
        args.output.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
