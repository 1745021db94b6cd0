"""Text anchoring for claims: offsets, selectors, quote matching and re-anchoring after edits.

Everything here is plain Python over ``str`` (no Django), so it can be tested and reused on its own.

Offsets are Unicode **code points** into a Python string, half-open ``[start, end)``, which is what the
W3C Web Annotation TextPositionSelector means by "characters". Browsers count UTF-16 code units instead;
the reader converts in the browser (static/articles/textmath.js), so the API and everything here take
and give code points only.

A claim is stored as an :class:`Anchor`: its offsets plus a TextQuoteSelector-like description (the
quote and up to :data:`CONTEXT_LENGTH` characters of context on each side). When an article body is
edited, :func:`reanchor` moves every anchor to the new text, in this order of preference:

1. map the old offsets through one character diff of old → new text (cheap and exact when the quote
   itself was not touched);
2. search the quote exactly (with its context, then alone), using the context to choose between
   repeats only when it clearly decides;
3. search the quote approximately (edit distance), scoring the quote, its context and the distance from
   where the diff says it should be;
4. otherwise give up: the claim is orphaned rather than attached to other words.

Libraries: ``rapidfuzz`` computes the diff and the similarity scores; ``edlib`` finds approximate
occurrences of a quote anywhere in a text (Myers' bit-vector infix search, in C).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import edlib
from rapidfuzz.distance import Levenshtein

__all__ = [
    "CONTEXT_LENGTH",
    "Anchor",
    "AnchorState",
    "Match",
    "Reanchored",
    "Selector",
    "describe",
    "find_approximate",
    "find_exact",
    "normalise_newlines",
    "reanchor",
]

#: Characters of context kept on each side of a quote (the Hypothesis client uses 32 too).
CONTEXT_LENGTH = 32

# Weights of the parts of an approximate match's score (the proportions Hypothesis uses): the quote
# matters most, each side of the context less, and nearness to the expected position only breaks ties.
QUOTE_WEIGHT = 50
PREFIX_WEIGHT = 20
SUFFIX_WEIGHT = 20
NEARNESS_WEIGHT = 2

#: A re-anchored quote may differ from the stored one by at most a quarter of its characters
#: (compared after Unicode NFC normalisation and whitespace collapsing).
MIN_RELOCATION_SIMILARITY = 0.75
#: Between repeats of a quote, the chosen one's context must still look like the stored context (mean
#: similarity of the non-empty sides); unrelated English text scores about 0.3.
MIN_CONTEXT_SIMILARITY = 0.5
#: A relocated quote must have kept at least one side of its context this well, both as a whole and in
#: the characters right next to it: text edited in place or moved keeps one side, while a lookalike
#: phrase in another (or a newly written) sentence does not.
MIN_KEPT_SIDE_SIMILARITY = 0.75
#: Between exact repeats of a quote, the best context must beat the next one by this much.
CONTEXT_MARGIN = 0.1
#: Between approximate candidates, a runner-up this close to the best makes the match ambiguous.
AMBIGUITY_MARGIN = 0.05
#: Unchanged runs of the diff shorter than this are not trusted as "text carried over from elsewhere":
#: an edit-distance alignment pairs up stray letters inside rewritten passages.
MIN_CARRIED_RUN = 8

# edlib maps the symbols of both strings into one byte-sized alphabet.
_EDLIB_MAX_SYMBOLS = 256
_WHITESPACE_RUN = re.compile(r"\s+")


# ----------------------------------------------------------------------------- text


def normalise_newlines(text: str) -> str:
    """Return ``text`` with Windows (``\\r\\n``) and old Mac (``\\r``) line ends turned into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ----------------------------------------------------------------------------- selectors


@dataclass(frozen=True)
class Selector:
    """A TextQuoteSelector: the quoted text and the context just before and after it."""

    exact: str
    prefix: str
    suffix: str


def describe(text: str, start: int, end: int, context: int = CONTEXT_LENGTH) -> Selector:
    """Describe ``text[start:end]`` by its quote and up to ``context`` characters on each side.

    Raises ValueError, naming the failing bound, unless ``0 <= start < end <= len(text)``
    (and if ``context`` is negative).
    """
    if context < 0:
        raise ValueError(f"context ({context}) must be >= 0")
    if start < 0:
        raise ValueError(f"start ({start}) must be >= 0")
    if end > len(text):
        raise ValueError(f"end ({end}) must be <= the text length ({len(text)})")
    if start >= end:
        raise ValueError(f"start ({start}) must be < end ({end}); an empty span cannot be described")
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


# ----------------------------------------------------------------------------- exact matching


def find_exact(text: str, exact: str, prefix: str = "", suffix: str = "") -> list[tuple[int, int]]:
    """Return every ``(start, end)`` where ``exact`` occurs between ``prefix`` and ``suffix``.

    Matches are in document order and may overlap (``"ana"`` in ``"bananas"`` gives ``(1, 4)`` and
    ``(3, 6)``). The text before a match must end with ``prefix`` and the text after it must start
    with ``suffix``; an empty ``exact`` matches at every position where the context fits.
    """
    # Searching for the concatenation is the same test as checking both sides of each occurrence of
    # `exact`, and lets str.find (C speed) do all the work.
    needle = prefix + exact + suffix
    matches = []
    position = text.find(needle)
    while position != -1:
        start = position + len(prefix)
        matches.append((start, start + len(exact)))
        position = text.find(needle, position + 1)
    return matches


# ----------------------------------------------------------------------------- approximate matching


@dataclass(frozen=True)
class Match:
    """An approximate match: ``text[start:end]`` with a score from 0 (poor) to 1 (exact, in context)."""

    start: int
    end: int
    score: float


def find_approximate(
    text: str, quote: str, prefix: str = "", suffix: str = "", hint: int | None = None
) -> Match | None:
    """Find the best approximate occurrence of ``quote`` in ``text``, or None.

    Candidates are the occurrences with the fewest edits (at most half the quote's length) anywhere in
    the text, plus the best one near ``hint`` (the expected start). Each is scored on the similarity of
    the quote, of the text before it to ``prefix`` and after it to ``suffix`` (an empty context counts as
    a perfect fit), and on its nearness to ``hint``; an exact match in context scores 1.0. Ties go to the
    earliest candidate. Returns None for an empty quote or text, or when nothing is close enough.
    """
    if not quote or not text:
        return None
    query = _Query(quote, prefix, suffix, hint)
    ranked = _ranked_candidates(_Haystack(text), query)
    if not ranked:
        return None
    best = ranked[0]
    return Match(best.start, best.end, best.score)


@dataclass(frozen=True)
class _Query:
    """What we look for: a quote, its stored context and (optionally) where we expect it to start."""

    quote: str
    prefix: str = ""
    suffix: str = ""
    hint: int | None = None


@dataclass(frozen=True)
class _Candidate:
    """A possible location of a quote with the similarities that rank it (None = no context given)."""

    start: int
    end: int
    quote_similarity: float
    prefix_similarity: float | None
    suffix_similarity: float | None
    nearness: float

    @property
    def evidence(self) -> float:
        """Score from the text alone (quote and context), ignoring where it is; 0..1."""
        prefix = 1.0 if self.prefix_similarity is None else self.prefix_similarity
        suffix = 1.0 if self.suffix_similarity is None else self.suffix_similarity
        weighted = QUOTE_WEIGHT * self.quote_similarity + PREFIX_WEIGHT * prefix + SUFFIX_WEIGHT * suffix
        return weighted / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT)

    @property
    def score(self) -> float:
        """The overall score: evidence plus a little for nearness to the expected position; 0..1."""
        text_weight = QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT
        return (text_weight * self.evidence + NEARNESS_WEIGHT * self.nearness) / (text_weight + NEARNESS_WEIGHT)

    @property
    def context_similarity(self) -> float | None:
        """Mean similarity of the sides that had stored context, or None when neither had any."""
        sides = [s for s in (self.prefix_similarity, self.suffix_similarity) if s is not None]
        return sum(sides) / len(sides) if sides else None

    def overlaps(self, other: _Candidate) -> bool:
        return self.start < other.end and other.start < self.end


class _Haystack:
    """A text prepared for repeated approximate searches (its alphabet is computed once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._alphabet: frozenset[str] | None = None

    @property
    def alphabet(self) -> frozenset[str]:
        if self._alphabet is None:
            self._alphabet = frozenset(self.text)
        return self._alphabet

    def infix_matches(self, pattern: str, max_errors: int, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
        """Spans of ``text[lo:hi]`` matching ``pattern`` with the fewest edits, if at most ``max_errors``."""
        hi = len(self.text) if hi is None else hi
        segment = self.text[lo:hi]
        if not segment:
            return []
        alphabet = self.alphabet if (lo, hi) == (0, len(self.text)) else frozenset(segment)
        if len(alphabet | set(pattern)) > _EDLIB_MAX_SYMBOLS:
            pattern, segment = _fit_alphabet(pattern, segment)
        found = edlib.align(pattern, segment, mode="HW", task="locations", k=max_errors)
        if found["editDistance"] < 0:
            return []
        # edlib's end is inclusive; an empty span (the whole pattern deleted) is no match.
        return [(lo + start, lo + end + 1) for start, end in found["locations"] if end >= start]


def _fit_alphabet(pattern: str, text: str) -> tuple[str, str]:
    """Rewrite ``pattern`` and ``text`` into at most 256 distinct symbols for edlib, keeping offsets.

    Characters of the text that are not in the pattern can never match, so they all become one symbol
    and distances are unchanged. Only a pattern with more than 254 distinct characters (a long CJK quote,
    say) loses something: its rarest characters share one symbol, which can only make distances smaller,
    and every candidate is re-scored on the real text anyway.
    """
    ranked = [char for char, _ in Counter(pattern).most_common()]
    # The most frequent characters keep a symbol each; one is left for the merged rest, one for "other".
    merged = ranked[_EDLIB_MAX_SYMBOLS - 2 :]
    used = set(ranked)
    other = next(chr(code) for code in range(0x110000) if chr(code) not in used)
    text = re.sub(f"[^{re.escape(''.join(ranked))}]", other, text)
    if merged:
        shared = str.maketrans(dict.fromkeys(merged[1:], merged[0]))
        pattern, text = pattern.translate(shared), text.translate(shared)
    return pattern, text


def _canonical(text: str) -> str:
    """The form in which two texts count as "the same": NFC-normalised, whitespace runs as one space."""
    return _WHITESPACE_RUN.sub(" ", unicodedata.normalize("NFC", text))


def _similarity(expected: str, found: str) -> float:
    """Levenshtein similarity (0..1) of two texts, ignoring Unicode normalisation and whitespace runs."""
    return Levenshtein.normalized_similarity(_canonical(expected), _canonical(found))


def _context_similarity(expected: str, found: str) -> float:
    """How well ``found`` (the text beside a candidate) holds the stored context ``expected``; 0..1.

    As in the Hypothesis client, ``expected`` may sit anywhere inside ``found`` (an infix alignment),
    so a context whose typo changed its length ("we had nout" for "we had nothing") still lines up.
    """
    expected, found = _canonical(expected), _canonical(found)
    if not found:
        return 0.0
    errors = edlib.align(expected, found, mode="HW", task="distance")["editDistance"]
    return 1.0 - errors / len(expected)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _snap_to_characters(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span so it neither starts nor ends in the middle of a base character + combining marks."""
    while 0 < start < len(text) and _is_mark(text[start]):
        start -= 1
    while end < len(text) and _is_mark(text[end]):
        end += 1
    return start, end


def _score(text: str, start: int, end: int, query: _Query) -> _Candidate:
    """Score ``text[start:end]`` as an occurrence of ``query``."""
    prefix_similarity = suffix_similarity = None
    if query.prefix:
        prefix_similarity = _context_similarity(query.prefix, text[max(0, start - len(query.prefix)) : start])
    if query.suffix:
        suffix_similarity = _context_similarity(query.suffix, text[end : end + len(query.suffix)])
    nearness = 1.0
    if query.hint is not None:
        nearness = 1.0 - min(1.0, abs(start - query.hint) / max(1, len(text)))
    return _Candidate(
        start, end, _similarity(query.quote, text[start:end]), prefix_similarity, suffix_similarity, nearness
    )


def _candidate_spans(haystack: _Haystack, query: _Query) -> Iterator[tuple[int, int]]:
    """Spans worth scoring: the closest occurrences anywhere, and the closest one near the hint."""
    max_errors = len(query.quote) // 2
    yield from haystack.infix_matches(query.quote, max_errors)
    if query.hint is not None:
        # The globally closest occurrences may all be elsewhere (a repeated phrase); the edited quote
        # we are after is usually close to where the diff says it should be.
        reach = 2 * len(query.quote) + 2 * CONTEXT_LENGTH
        hint = min(max(query.hint, 0), len(haystack.text))
        yield from haystack.infix_matches(query.quote, max_errors, max(0, hint - reach), hint + reach)


def _ranked_candidates(haystack: _Haystack, query: _Query) -> list[_Candidate]:
    """Score the candidate spans, best first; ties go to the earliest."""
    spans = {_snap_to_characters(haystack.text, s, e) for s, e in _candidate_spans(haystack, query)}
    candidates = [_score(haystack.text, s, e, query) for s, e in spans if e > s]
    return sorted(candidates, key=lambda c: (-c.score, c.start, c.end))


# ----------------------------------------------------------------------------- re-anchoring


@dataclass(frozen=True)
class Anchor:
    """A stored claim span: offsets into the old text, its quote and context (as from :func:`describe`)."""

    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


class AnchorState(StrEnum):
    ANCHORED = "anchored"  # the very same text was found
    RELOCATED = "relocated"  # slightly different text was found; a person should confirm it
    ORPHANED = "orphaned"  # not found (deleted, rewritten or ambiguous)


@dataclass(frozen=True)
class Reanchored:
    """Where an anchor now is in the new text.

    For ANCHORED and RELOCATED, ``quote`` is ``new_text[start:end]`` and prefix/suffix are fresh context
    from the new text. For ORPHANED, start, end and quote are None and prefix/suffix are the anchor's
    old context, unchanged, so nothing is moved onto other words. ``method`` says which strategy
    decided: "mapped", "exact", "approximate" or "none".
    """

    state: AnchorState
    start: int | None
    end: int | None
    quote: str | None
    prefix: str
    suffix: str
    method: str


def reanchor(old_text: str, new_text: str, anchors: Sequence[Anchor]) -> list[Reanchored]:
    """Re-anchor each of ``anchors`` (spans of ``old_text``) in ``new_text``; results in the same order.

    Per anchor: (a) its offsets mapped through the diff, if the text there is still the quote →
    ANCHORED "mapped"; (b) the quote found exactly, with its context or alone, once (or once with
    clearly the best context) → ANCHORED "exact", while several equally plausible occurrences →
    ORPHANED; (c) the best approximate occurrence, if its text, context and position make it
    clearly the one → RELOCATED "approximate"; (d) otherwise ORPHANED "none".

    Text that the diff shows was carried over unchanged from *elsewhere* in the old text is never
    taken, so a deleted quote is orphaned even when the same words occur somewhere else. Offsets that
    do not hold the quote in ``old_text`` (stale ones) are repaired first when the quote with its
    context occurs exactly once there. The diff is computed once for all anchors.
    """
    edits = _EditMap(old_text, new_text)
    haystack = _Haystack(new_text)
    return [_reanchor_one(anchor, old_text, edits, haystack) for anchor in anchors]


def _reanchor_one(anchor: Anchor, old_text: str, edits: _EditMap, haystack: _Haystack) -> Reanchored:
    new_text = haystack.text
    if not anchor.quote or not new_text:
        return _orphaned(anchor)
    old_span = _locate_in_old_text(anchor, old_text)
    mapped = edits.map_span(*old_span) if old_span else None
    if mapped and new_text[mapped[0] : mapped[1]] == anchor.quote and _still_recognisable(anchor, new_text, *mapped):
        return _placed(AnchorState.ANCHORED, "mapped", new_text, *mapped)

    def is_own(start: int, end: int) -> bool:
        """May the anchor move to new_text[start:end]? Not onto words that were elsewhere before the edit.

        A span touching the mapped position is where the quote was, even if the diff credits its letters
        to a deleted twin next to it ("the the" → "the"): both readings of such an edit are equally true.
        """
        if old_span is None or (mapped and start <= mapped[1] and end >= mapped[0]):
            return True
        return not edits.carried_over_from_elsewhere(start, end, *old_span)

    exact = _find_exact_once(anchor, new_text, is_own)
    if exact is _AMBIGUOUS:
        return _orphaned(anchor)
    if exact is not None:
        return _placed(AnchorState.ANCHORED, "exact", new_text, *exact)
    relocated = _find_relocation(anchor, haystack, mapped, is_own)
    if relocated is not None:
        return _placed(AnchorState.RELOCATED, "approximate", new_text, *relocated)
    return _orphaned(anchor)


def _placed(state: AnchorState, method: str, new_text: str, start: int, end: int) -> Reanchored:
    context = describe(new_text, start, end)
    return Reanchored(state, start, end, context.exact, context.prefix, context.suffix, method)


def _orphaned(anchor: Anchor) -> Reanchored:
    return Reanchored(AnchorState.ORPHANED, None, None, None, anchor.prefix, anchor.suffix, "none")


def _still_recognisable(anchor: Anchor, new_text: str, start: int, end: int) -> bool:
    """Can the quote the diff carried to ``new_text[start:end]`` be told apart from any repeat of it?

    Yes if some of its old context came along, or if it occurs only once. Otherwise the words around it
    were rewritten and it now repeats: the diff's choice between the copies is arbitrary, so the
    exact search decides (and orphans the claim when nothing tells the copies apart).
    """
    if new_text.endswith(anchor.prefix, 0, start) or new_text.startswith(anchor.suffix, end):
        return True
    context = _score(new_text, start, end, _Query(anchor.quote, anchor.prefix, anchor.suffix)).context_similarity
    if context is None or context >= MIN_CONTEXT_SIMILARITY:
        return True
    first = new_text.find(anchor.quote)
    return new_text.find(anchor.quote, first + 1) == -1


def _locate_in_old_text(anchor: Anchor, old_text: str) -> tuple[int, int] | None:
    """The anchor's span in the old text: its offsets if they hold the quote, else its unique exact match."""
    if 0 <= anchor.start < anchor.end <= len(old_text) and old_text[anchor.start : anchor.end] == anchor.quote:
        return anchor.start, anchor.end
    matches = find_exact(old_text, anchor.quote, anchor.prefix, anchor.suffix)
    return matches[0] if len(matches) == 1 else None


_SpanTest = Callable[[int, int], bool]


class _Ambiguous:
    """Marker: the quote occurs several times and the context does not say which one is ours."""


_AMBIGUOUS = _Ambiguous()


def _find_exact_once(anchor: Anchor, new_text: str, is_own: _SpanTest) -> tuple[int, int] | _Ambiguous | None:
    """The one exact occurrence of the quote that is ours, _AMBIGUOUS, or None when there is none."""
    in_context = [m for m in find_exact(new_text, anchor.quote, anchor.prefix, anchor.suffix) if is_own(*m)]
    if len(in_context) == 1:
        return in_context[0]
    if in_context:
        return _AMBIGUOUS  # same quote, same context on both sides: nothing left to decide by
    alone = [m for m in find_exact(new_text, anchor.quote) if is_own(*m)]
    if len(alone) <= 1:
        return alone[0] if alone else None
    return _pick_by_context(anchor, new_text, alone)


def _pick_by_context(anchor: Anchor, new_text: str, spans: list[tuple[int, int]]) -> tuple[int, int] | _Ambiguous:
    """Among repeats of the quote, the one whose context clearly fits best, else _AMBIGUOUS."""
    query = _Query(anchor.quote, anchor.prefix, anchor.suffix)
    scored = sorted(
        ((_score(new_text, s, e, query).context_similarity, (s, e)) for s, e in spans),
        key=lambda item: -(item[0] or 0.0),
    )
    (best, span), (runner_up, _) = scored[0], scored[1]
    if best is None or best < MIN_CONTEXT_SIMILARITY or best - (runner_up or 0.0) < CONTEXT_MARGIN:
        return _AMBIGUOUS
    return span


def _find_relocation(
    anchor: Anchor, haystack: _Haystack, mapped: tuple[int, int] | None, is_own: _SpanTest
) -> tuple[int, int] | None:
    """The one approximate occurrence good enough to relocate the anchor to, or None."""
    hint = mapped[0] if mapped else None
    query = _Query(anchor.quote, anchor.prefix, anchor.suffix, hint)

    def acceptable(candidate: _Candidate) -> bool:
        return (
            candidate.quote_similarity >= MIN_RELOCATION_SIMILARITY
            and _keeps_a_side(haystack.text, candidate, query)
            and is_own(candidate.start, candidate.end)
        )

    # Where the diff put the old span is the best guess when it is good enough: the diff knows where the
    # edit happened, while the closest alignment would rather drop a letter than take in an insertion
    # next to the edge ("C|ity council" edited to "Cy ity council" should keep the "C"). It also covers
    # text that is the same once normalised (reflowed whitespace, NFC become NFD) without any search.
    if mapped and mapped[1] > mapped[0]:
        span = _snap_to_words(haystack.text, *_snap_to_characters(haystack.text, *mapped), query)
        at_mapped = _score(haystack.text, *span, query)
        if acceptable(at_mapped):
            return at_mapped.start, at_mapped.end

    ranked = _ranked_candidates(haystack, query)
    snapped = {_snap_to_words(haystack.text, c.start, c.end, query) for c in ranked}
    if snapped != {(c.start, c.end) for c in ranked}:
        rescored = (_score(haystack.text, s, e, query) for s, e in snapped)
        ranked = sorted(rescored, key=lambda c: (-c.score, c.start, c.end))
    candidates = [c for c in ranked if acceptable(c)]
    if not candidates:
        return None
    best = candidates[0]
    rivals = [c for c in candidates[1:] if not c.overlaps(best)]
    if rivals and max(r.evidence for r in rivals) > best.evidence - AMBIGUITY_MARGIN:
        return None  # two places fit about equally well: do not guess
    return best.start, best.end


def _snap_to_words(text: str, start: int, end: int, query: _Query) -> tuple[int, int]:
    """Widen a span that cuts a word when the stored quote began (ended) on a word boundary.

    An edit inside a word at the quote's edge ("340 homes" corrected to "430 homes") aligns best as
    a dropped letter ("30 homes"); a person who highlighted whole words wants the whole word.
    """
    if query.quote[:1].isalnum() and not query.prefix[-1:].isalnum():
        while 0 < start < len(text) and text[start].isalnum() and text[start - 1].isalnum():
            start -= 1
    if query.quote[-1:].isalnum() and not query.suffix[:1].isalnum():
        while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
            end += 1
    return start, end


def _keeps_a_side(text: str, candidate: _Candidate, query: _Query) -> bool:
    """Has ``candidate`` kept one side of the stored context, as a whole and right next to the quote?

    Checking the nearest characters too matters: a new sentence that happens to end like the old one
    ("... in March. The budget" / "... last year. The budget") is similar overall but not adjacent.
    """
    if not query.prefix and not query.suffix:
        return True  # nothing to compare (the quote was the whole text)
    near = CONTEXT_LENGTH // 2
    if query.prefix and candidate.prefix_similarity >= MIN_KEPT_SIDE_SIMILARITY:
        expected = query.prefix[-near:]
        found = text[max(0, candidate.start - len(expected)) : candidate.start]
        if _context_similarity(expected, found) >= MIN_KEPT_SIDE_SIMILARITY:
            return True
    if query.suffix and candidate.suffix_similarity >= MIN_KEPT_SIDE_SIMILARITY:
        expected = query.suffix[:near]
        found = text[candidate.end : candidate.end + len(expected)]
        if _context_similarity(expected, found) >= MIN_KEPT_SIDE_SIMILARITY:
            return True
    return False


class _EditMap:
    """Maps offsets of the old text to the new one, from a single character-level diff.

    rapidfuzz's Levenshtein opcodes are used (C++, bit-parallel; ~50 ms for two 50,000-character texts
    with a few edits, ~0.1 s for two unrelated ones), rather than difflib, which is far slower at this size.
    """

    def __init__(self, old: str, new: str) -> None:
        if old == new:
            ops = [("equal", 0, len(old), 0, len(new))] if old else []
        else:
            ops = [
                (op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Levenshtein.opcodes(old, new)
            ]
        self._ops = ops
        self._src_starts = [op[1] for op in ops]
        self._src_ends = [op[2] for op in ops]
        self._carried = [op for op in ops if op[0] == "equal" and op[2] - op[1] >= MIN_CARRIED_RUN]
        self._carried_dest_starts = [op[3] for op in self._carried]

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        """Map an old span; text inserted exactly at either edge stays outside the span."""
        new_start = self._map(start, bisect.bisect_right(self._src_starts, start) - 1, after_insertions=True)
        new_end = self._map(end, bisect.bisect_left(self._src_ends, end), after_insertions=False)
        return new_start, max(new_start, new_end)

    def _map(self, position: int, index: int, *, after_insertions: bool) -> int:
        if not self._ops:
            return 0
        tag, src_start, _, dest_start, dest_end = self._ops[min(max(index, 0), len(self._ops) - 1)]
        if tag == "insert":
            return dest_end if after_insertions else dest_start
        # Equal: shift. Delete: collapse to the point of deletion. Replace: same offset, clamped.
        return dest_start + min(max(position - src_start, 0), dest_end - dest_start)

    def carried_over_from_elsewhere(self, start: int, end: int, old_start: int, old_end: int) -> bool:
        """Is most of ``new[start:end]`` unchanged text from outside ``old[old_start:old_end]``?

        Such text was other words before the edit, so an anchor must not be moved onto it.
        """
        foreign = 0
        index = max(0, bisect.bisect_right(self._carried_dest_starts, start) - 1)
        for _, src_start, _, dest_start, dest_end in self._carried[index:]:
            if dest_start >= end:
                break
            low, high = max(start, dest_start), min(end, dest_end)
            if low >= high:
                continue
            source_low = src_start + (low - dest_start)
            source_high = source_low + (high - low)
            own = max(0, min(source_high, old_end) - max(source_low, old_start))
            foreign += (high - low) - own
        return foreign * 2 > end - start
