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
import hashlib
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

from bench.suggestions import intel_dir

BASE_DIR = Path(__file__).resolve().parents[2]
INTEL = intel_dir() / "claim-matching"  # ../shared/intel, or FACTCHECK_INTEL_DIR
CACHE = BASE_DIR / "var" / "bench"

TARGETS = {
    "map@5": (">=", 0.86),
    "recall@5": (">=", 0.93),
    "false_same_rate": ("<=", 0.10),
    "shown_p95_ms_10k": ("<=", 300.0),
    "shown_p95_ms_100k": ("<=", 1000.0),
    "shown_p95_cpu_ms_10k": ("<=", 300.0),
    "shown_p95_cpu_ms_100k": ("<=", 1000.0),
    "desk_shown_p95_ms": ("<=", 1000.0),
    "load_s": ("<=", 2.0),
    "rss_mb_model": ("<=", 400.0),
    "rss_mb_10k": ("<=", 400.0),
    "rss_mb_100k_index": ("<=", 400.0),
    "shown_p95_cpu_ms_index": ("<=", 1000.0),
}


def read_tsv(path: Path) -> list[list[str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def unquote(field: str) -> str:
    """A field as written: the files are read without CSV quoting (tweets hold stray quotes), but a field that
    contains quotes is itself quoted with doubled inner quotes (`"A ""large-scale killing"" ..."`)."""
    field = field.strip()
    if len(field) > 1 and field[0] == field[-1] == '"':
        field = field[1:-1].replace('""', '"')
    return field


def load_ct2020(root: Path):
    docs = {}
    for row in read_tsv(root / "verified_claims.docs.tsv")[1:]:
        if len(row) >= 3 and row[0].strip().isdigit():
            docs[int(row[0])] = (unquote(row[1]), unquote(row[2]))
    queries, gold = {}, {}
    for split in ("train", "dev"):
        for row in read_tsv(root / split / "tweets.queries.tsv")[1:]:
            if len(row) >= 2 and row[0].strip().isdigit():
                queries[f"{split}-{row[0].strip()}"] = unquote(row[1])
        for row in read_tsv(root / split / "tweet-vclaim-pairs.qrels"):
            if len(row) >= 3:
                gold.setdefault(f"{split}-{row[0].strip()}", set()).add(int(row[2]))
    queries = {q: t for q, t in queries.items() if q in gold}
    return docs, queries, gold


CHUNK = 512


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def cached_embeddings(
    name: str, texts: list[str], embed, sha: str, *, reverse: bool = False, compute: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of texts and a mask of the rows present, computed once per model file and text, in chunks
    under var/bench/ (each file holds its texts' keys beside their vectors): a rerun, a change in what is
    embedded (normalisation, a field) or a second process started with --reverse to share the work computes only
    the texts not there yet. With compute=False (--partial) only the vectors already cached are used."""
    folder = CACHE / f"related-{name}-{sha[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    keys = [_key(text) for text in texts]

    def known() -> dict[str, np.ndarray]:
        found = {}
        for path in folder.glob("*.npz"):
            with np.load(path) as data:
                found.update(zip(data["keys"].tolist(), data["vectors"], strict=True))
        return found

    vectors_by_key = known()
    todo = list(dict.fromkeys(k for k in keys if k not in vectors_by_key))
    text_of = dict(zip(keys, texts, strict=True))
    starts = list(range(0, len(todo), CHUNK))
    for start in reversed(starts) if reverse else starts:
        chunk = todo[start : start + CHUNK]
        path = folder / f"{_key(''.join(chunk))}.npz"
        if path.exists() or not compute:
            continue
        vectors = embed([text_of[k] for k in chunk])
        partial = folder / f"{path.stem}.{os.getpid()}.tmp.npz"
        np.savez(partial, keys=np.array(chunk), vectors=vectors)
        partial.replace(path)
    if todo and compute:
        vectors_by_key = known()
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    present = np.zeros(len(texts), dtype=bool)
    for i, key in enumerate(keys):
        if key in vectors_by_key:
            vectors[i], present[i] = vectors_by_key[key], True
    return vectors, present


def average_precision(ranked: list[int], relevant: set[int], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0


_QUOTE_MARKS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", '"': "'"})


def twin_canonical(docs: dict) -> dict:
    """Each verified claim's oldest twin: the set lists about 195 fact-checks twice (the same title and claim,
    quotes restyled, a later id). Scored with twins as one, a ranking that finds either twin first finds the
    fact-check, whatever order equal scores come in."""

    def twin_key(doc_id: int) -> tuple:
        return tuple(" ".join(text.translate(_QUOTE_MARKS).split()).casefold() for text in docs[doc_id])

    oldest: dict[tuple, int] = {}
    for doc_id in sorted(docs):
        oldest.setdefault(twin_key(doc_id), doc_id)
    return {doc_id: oldest[twin_key(doc_id)] for doc_id in docs}


def quality(related, log, *, reverse: bool = False, partial: bool = False) -> dict:
    docs, queries, gold = load_ct2020(INTEL)
    doc_ids = list(docs)
    sha = related.model_sha256()
    log(f"CT2020: {len(docs)} verified claims, {len(queries)} train+dev queries with gold pairs")
    t0 = time.perf_counter()
    # A verified claim stands for a desk claim: its claim is the quote, its fact-check's title the summary (a
    # desk's own words about the claim). Both are embedded apart, two rows as `claim_vectors` makes them for the
    # desk; the tweet is a new claim's quote with no summary yet. Texts are normalised before they are cached
    # (embed normalises too: the same on both sides).
    norm = related.normalise
    qids = list(queries)
    query_vecs, _ = cached_embeddings("queries", [norm(queries[q]) for q in qids], related.embed, sha, reverse=reverse)
    claim_vecs, with_claim = cached_embeddings(
        "docs", [norm(docs[d][0]) for d in doc_ids], related.embed, sha, reverse=reverse, compute=not partial
    )
    title_vecs, with_title = cached_embeddings(
        "docs", [norm(docs[d][1]) for d in doc_ids], related.embed, sha, reverse=reverse, compute=not partial
    )
    vecs, present = np.stack([claim_vecs, title_vecs], axis=1), with_claim & with_title
    texts = [related.claim_text(*docs[d]) for d in doc_ids]
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
    # The same claims under ids in the reverse order, so equal scores come newest first instead of oldest first:
    # the set lists about 195 fact-checks twice (the same title and claim, quotes restyled, a later id) and its
    # gold pairs name the older twin 233 times in 238, so the tie order alone moves MAP@5 by about 0.08.
    mirror = related.Index()
    mirror.put_many([-1 - doc_ids[i] for i in rows], vecs[rows], [texts[i] for i in rows])

    canonical = twin_canonical(docs)
    results = {}
    for label, weight, searched, own_id in (
        ("dense", 0.0, index, int),
        ("hybrid", related.BM25_WEIGHT, index, int),
        ("newest", related.BM25_WEIGHT, mirror, lambda mirrored: -1 - mirrored),
    ):
        per_query = {}
        for qi, q in enumerate(qids):
            found = search(searched, related, query_vecs[qi], queries[q], weight=weight)
            ranked = [own_id(m.claim_id) for m in found]
            one_each = list(dict.fromkeys(canonical[d] for d in ranked))
            per_query[q] = (
                average_precision(ranked, gold[q]),
                len(set(ranked[:5]) & gold[q]) / len(gold[q]),
                average_precision(one_each, {canonical[d] for d in gold[q]}),
            )
        for split in ("train", "dev", "all"):
            rows_ = [v for q, v in per_query.items() if split == "all" or q.startswith(f"{split}-")]
            results[label, split] = tuple(float(np.mean(column)) for column in zip(*rows_, strict=True))
            log(
                f"{label:7s} {split:5s} ({len(rows_)} queries) MAP@5 {results[label, split][0]:.3f}"
                f"  recall@5 {results[label, split][1]:.3f}  MAP@5, twins as one {results[label, split][2]:.3f}"
            )

    # False "likely same": the query's gold claims removed, how often is the best remaining one badged so?
    texts_by_id = dict(zip(doc_ids, texts, strict=True))
    false_same = 0
    for qi, q in enumerate(qids):
        ranked = index.search(query_vecs[qi], queries[q], k=1, exclude=gold[q], min_score=related.MIN_SCORE)
        if ranked and related.kind(ranked[0].cosine, queries[q], texts_by_id[ranked[0].claim_id]) == related.KIND_SAME:
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
            and related.kind(top.cosine, queries[q], texts_by_id[top.claim_id]) == related.KIND_SAME
        ):
            hits_same += 1
    return {
        "map@5": results["hybrid", "all"][0],
        "recall@5": results["hybrid", "all"][1],
        "map@5_dev": results["hybrid", "dev"][0],
        "recall@5_dev": results["hybrid", "dev"][1],
        "map@5_train": results["hybrid", "train"][0],
        "map@5_newest_first": results["newest", "all"][0],
        "recall@5_newest_first": results["newest", "all"][1],
        "map@5_twins_as_one": results["hybrid", "all"][2],
        "map@5_twins_as_one_newest_first": results["newest", "all"][2],
        "map@5_dense": results["dense", "all"][0],
        "recall@5_dense": results["dense", "all"][1],
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


FOOTPRINT_CLAIMS = 100_000


def footprint(related, n: int, log, *, repeats: int = 40) -> dict:
    """A worker's resident size with the model loaded and an index of n claims, each with a quote and a summary
    (two rows), and the CPU time of a search and of save → shown over it. Run alone in a process (`--footprint
    N`; measure() starts one) so nothing else the bench holds is counted.

    The texts are the CheckThat! 2020 claims and their fact-checks' titles, numbered (a real desk's vocabulary
    for BM25), or generated ones without the intel folder; the vectors are random. The index is filled a chunk
    at a time, as a worker fills it from the database, so no list of every text outlives the fill.
    """
    import gc

    related.embed(["The mayor said ten officers were deployed."])  # the model loaded, as after a worker's first job
    figures = {"rss_mb_model": rss_mb()}
    pairs = _footprint_texts()
    rng = np.random.default_rng(n)
    queries = [pairs[i] for i in rng.choice(len(pairs), repeats, replace=False)]
    index = related.Index()
    w0, c0 = time.perf_counter(), time.process_time()
    for start in range(0, n, 2000):
        ids = range(start, min(n, start + 2000))
        vectors = rng.standard_normal((len(ids), 2, related.DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=2, keepdims=True)
        texts = [related.claim_text(f"{pairs[i % len(pairs)][0]} {i}", pairs[i % len(pairs)][1]) for i in ids]
        index.put_many(list(ids), vectors, texts)
    del pairs, texts, vectors
    gc.collect()
    related.release_free_memory()  # as desk_index does after a fill
    fill_cpu = time.process_time() - c0
    figures[f"rss_mb_{n // 1000}k_index"] = rss_mb()
    log(
        f"footprint: {n:,} claims with summaries filled in {time.perf_counter() - w0:.1f} s wall, {fill_cpu:.1f} CPU-s;"
        f" resident {figures['rss_mb_model']:.0f} MB with the model, {figures[f'rss_mb_{n // 1000}k_index']:.0f} MB"
        " with the index"
    )
    searches, shown = [], []
    for r, (quote, summary) in enumerate(queries):
        text = related.claim_text(quote, summary)
        vector = rng.standard_normal(related.DIM).astype(np.float32)
        c0 = time.process_time()
        index.search(vector / np.linalg.norm(vector), text, k=5, exclude={r}, min_score=-1.0)
        searches.append((time.process_time() - c0) * 1000)
        c0 = time.process_time()
        vector = related.embed([quote])[0]
        index.put(n + r, vector, quote)
        index.search(vector, quote, k=5, exclude={n + r}, min_score=-1.0)
        shown.append((time.process_time() - c0) * 1000)
    figures["search_cpu_ms_median"] = float(np.median(searches))
    figures["search_cpu_ms_p95"] = float(np.percentile(searches, 95))
    figures["shown_p95_cpu_ms_index"] = float(np.percentile(shown, 95))
    log(
        f"footprint: search {figures['search_cpu_ms_median']:.1f} CPU-ms median, {figures['search_cpu_ms_p95']:.1f}"
        f" p95; save → shown p95 {figures['shown_p95_cpu_ms_index']:.1f} CPU-ms"
    )
    return figures


def _footprint_texts() -> list[tuple[str, str]]:
    """(quote, summary) pairs a desk might hold: the CheckThat! 2020 verified claims and titles when present."""
    if INTEL.is_dir():
        docs, _, _ = load_ct2020(INTEL)
        return list(docs.values())
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(20_000)]
    return [(" ".join(rng.choice(words, 18)), " ".join(rng.choice(words, 12))) for _ in range(10_000)]


def footprint_in_child(n: int, log) -> dict:
    """footprint() in a process of its own (this module's `--footprint N`), its log relayed."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "bench.suggestions.related", "--footprint", str(n)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    for line in lines[:-1]:
        log(line)
    return json.loads(lines[-1])


def desk_latency(work_dir: Path, log, *, repeats: int = 40) -> dict:
    """Save → shown through the service, on a kept benchmark database (`python -m bench --keep-db`; 100,000
    claims at the default scale): the job `suggest_related` for a claim whose vector is not stored yet, with
    every other claim's vector in the database and the worker's index already filled, as in a running worker.

    The corpus's claims get random unit vectors (embedding 100,000 synthetic quotes would take an hour here)
    except five planted near each timed claim, so the job finds, labels and stores five suggestions like a real
    one. The timed claims' suggestions are removed afterwards, so a rerun measures the same work.
    """
    from bench import database
    from bench.harness import configure_environment

    configure_environment()
    bench_db = database.reuse(work_dir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q
    from django.utils import timezone

    from articles import services
    from articles.models import Claim, ClaimEmbedding, RelatedSuggestion
    from articles.services import related as service
    from articles.suggesting import related as model

    call_command("migrate", interactive=False, verbosity=0)
    version = model.model_version()
    rng = np.random.default_rng(13)
    claims = list(Claim.objects.live().order_by("id").values_list("id", "article_id", "quote", "summary"))
    sample = [claims[i] for i in rng.choice(len(claims), repeats, replace=False)]
    sample_ids = {c[0] for c in sample}
    # Five claims of other articles planted near each timed claim (cosine about 0.9-0.97).
    texts = [quote for _, _, quote, _ in sample]  # planted near the quote's row
    vectors, _ = cached_embeddings("desk-sample", texts, model.embed, model.model_sha256())
    planted = {}
    others = [c for c in claims if c[0] not in sample_ids]
    for (_, article_id, _, _), vector in zip(sample, vectors, strict=True):
        for j in rng.choice(len(others), 5, replace=False):
            if others[j][1] != article_id:
                noisy = vector + rng.normal(0, 0.012 * (1 + len(planted) % 3), model.DIM).astype(np.float32)
                planted[others[j][0]] = noisy / np.linalg.norm(noisy)
    stored = set(ClaimEmbedding.objects.filter(model_version=version).values_list("claim_id", flat=True))
    began = time.perf_counter()
    rows = []
    for claim_id, *_ in claims:
        if claim_id in sample_ids:
            continue
        if claim_id in stored and claim_id not in planted:
            continue
        vector = planted.get(claim_id)
        if vector is None:
            vector = rng.standard_normal(model.DIM).astype(np.float32)
            vector /= np.linalg.norm(vector)
        rows.append(
            ClaimEmbedding(claim_id=claim_id, model_version=version, quote_sha256="", vector=model.to_bytes(vector))
        )
    ClaimEmbedding.objects.filter(claim_id__in=[row.claim_id for row in rows]).delete()
    ClaimEmbedding.objects.bulk_create(rows, batch_size=5000)
    log(
        f"desk: {len(claims):,} claims ({bench_db.describe()}); {len(rows):,} vectors stored"
        f" in {time.perf_counter() - began:.1f} s"
    )
    ClaimEmbedding.objects.filter(claim_id__in=sample_ids).delete()
    RelatedSuggestion.objects.filter(Q(from_claim_id__in=sample_ids) | Q(to_claim_id__in=sample_ids)).delete()
    service.forget_index()
    w0, c0 = time.perf_counter(), time.process_time()
    service.desk_index()
    log(
        f"desk: worker's index filled in {time.perf_counter() - w0:.1f} s wall,"
        f" {time.process_time() - c0:.1f} CPU-s (once per process)"
    )
    walls, cpus, found = [], [], 0
    for claim_id, *_ in sample:
        w0, c0 = time.perf_counter(), time.process_time()
        found += len(services.suggest_related(claim_id))
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    RelatedSuggestion.objects.filter(Q(from_claim_id__in=sample_ids) | Q(to_claim_id__in=sample_ids)).delete()
    refresh = _refresh_ms(lambda: service.desk_index())
    # The refresh as it was before the updated_at index: changed vectors or claims (an OR across the join, a scan
    # of both tables), then the claims deleted since (a scan of claims).
    seen = timezone.now()
    old = _refresh_ms(
        lambda: (
            list(
                ClaimEmbedding.objects.filter(model_version=version, claim__deleted_at__isnull=True)
                .filter(Q(updated_at__gte=seen) | Q(claim__updated_at__gte=seen))
                .values_list("claim_id", "vector", "claim__quote")
            ),
            list(Claim.objects.filter(deleted_at__isnull=False, deleted_at__gte=seen).values_list("id", flat=True)),
        )
    )
    log(f"desk: the index's refresh, median {refresh:.1f} ms wall (the scan it replaced: {old:.1f} ms)")
    p95, cpu95 = float(np.percentile(walls, 95)), float(np.percentile(cpus, 95))
    log(
        f"desk: save → shown p95 {p95:.0f} ms wall, {cpu95:.0f} CPU-ms; median {np.median(walls):.0f} ms wall,"
        f" {np.median(cpus):.0f} CPU-ms ({repeats} jobs, {found / repeats:.1f} suggestions each)"
    )
    return {
        "desk_shown_p95_ms": p95,
        "desk_shown_p95_cpu_ms": cpu95,
        "desk_refresh_ms": refresh,
        "desk_refresh_ms_before": old,
        "desk_claims": len(claims),
    }


def _refresh_ms(read, repeats: int = 9) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        read()
        times.append((time.perf_counter() - began) * 1000)
    return float(np.median(times))


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
        alone = footprint_in_child(FOOTPRINT_CLAIMS, log)
        figures.update({name: value for name, value in alone.items() if name != "rss_mb_model"})
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
    parser.add_argument(
        "--desk", type=Path, metavar="RUN_DIR", help="only save → shown through the service, on a kept bench database"
    )
    parser.add_argument("--reverse", action="store_true", help="embed the cache's chunks last to first (a helper)")
    parser.add_argument(
        "--footprint", type=int, metavar="N", help="only a worker's memory with an index of N claims (JSON last)"
    )
    args = parser.parse_args(argv)
    log = print
    if args.footprint:
        from articles.suggesting import related

        print(json.dumps(footprint(related, args.footprint, log)))
        return 0
    if args.desk:
        figures = desk_latency(args.desk.resolve(), log)
        figures["load_average_1min"] = os.getloadavg()[0]
        for name, value in figures.items():
            log(f"{name:22s} {value:10.3f}")
        return 0
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
