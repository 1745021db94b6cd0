"""The project's own tests of articles.anchoring, on an invented news story (no Django needed)."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text.anchoring import (
    CONTEXT_LENGTH,
    Anchor,
    AnchorState,
    Selector,
    describe,
    find_approximate,
    find_exact,
    normalise_newlines,
    reanchor,
)

HEADLINE = "City council approves budget"
LEAD = (
    "The city council on Tuesday approved a budget of 4.2 million euros for the coming year, the mayor's office said."
)
SCHOOLS = (
    "Councillor Maria Jensen said spending on schools would rise by 12 percent. "
    '"We have never invested this much in education," she told reporters.'
)
JOBS = (
    "Opposition leader Tom Berg claimed that unemployment had fallen to 3 percent, "
    "a figure the statistics office disputes."
)
CLOSING = "The budget will be published in full next week."
STORY = "\n\n".join([HEADLINE, LEAD, SCHOOLS, JOBS, CLOSING])

SCHOOL_CLAIM = "spending on schools would rise by 12 percent"
JOBS_CLAIM = "unemployment had fallen to 3 percent"
BUDGET_CLAIM = "4.2 million euros"


def anchor_for(text: str, quote: str, occurrence: int = 0) -> Anchor:
    """An anchor on the n-th occurrence of `quote`, described the way the app stores claims."""
    start, end = find_exact(text, quote)[occurrence]
    selector = describe(text, start, end)
    return Anchor(start, end, selector.exact, selector.prefix, selector.suffix)


def reanchor_one(old_text: str, new_text: str, quote: str, occurrence: int = 0):
    return reanchor(old_text, new_text, [anchor_for(old_text, quote, occurrence)])[0]


def assert_anchored_at(result, new_text: str, start: int, quote: str) -> None:
    assert result.state is AnchorState.ANCHORED
    assert (result.start, result.end, result.quote) == (start, start + len(quote), quote)
    assert new_text[result.start : result.end] == quote
    assert result.prefix == new_text[max(0, start - CONTEXT_LENGTH) : start]
    assert result.suffix == new_text[result.end : result.end + CONTEXT_LENGTH]


def assert_orphaned(result, anchor: Anchor) -> None:
    assert result.state is AnchorState.ORPHANED
    assert (result.start, result.end, result.quote, result.method) == (None, None, None, "none")
    assert (result.prefix, result.suffix) == (anchor.prefix, anchor.suffix)


# ----------------------------------------------------------------------------- describe


def test_describe_takes_up_to_32_characters_of_context():
    start = STORY.index(SCHOOL_CLAIM)
    selector = describe(STORY, start, start + len(SCHOOL_CLAIM))
    assert selector == Selector(
        exact=SCHOOL_CLAIM,
        prefix=STORY[start - 32 : start],
        suffix=STORY[start + len(SCHOOL_CLAIM) : start + len(SCHOOL_CLAIM) + 32],
    )
    assert selector.prefix.endswith("Jensen said ")
    assert len(selector.prefix) == len(selector.suffix) == CONTEXT_LENGTH


def test_describe_shortens_context_at_the_edges_of_the_text():
    assert describe(STORY, 0, 4) == Selector("City", "", STORY[4:36])
    end = len(STORY)
    assert describe(STORY, end - 5, end) == Selector("week.", STORY[end - 37 : end - 5], "")
    assert describe("abc", 1, 2, context=1) == Selector("b", "a", "c")


@pytest.mark.parametrize(
    ("start", "end", "bound"),
    [
        (-1, 4, "start (-1) must be >= 0"),
        (0, 10_000, "end (10000) must be <="),
        (5, 5, "must be < end"),
        (6, 5, "< end"),
    ],
)
def test_describe_names_the_bound_that_failed(start, end, bound):
    with pytest.raises(ValueError, match=bound.replace("(", r"\(").replace(")", r"\)")):
        describe(STORY, start, end)


def test_describe_rejects_a_negative_context_length():
    with pytest.raises(ValueError, match="context"):
        describe(STORY, 0, 4, context=-1)


# ----------------------------------------------------------------------------- exact matching


def test_find_exact_returns_all_matches_in_order_including_overlaps():
    assert find_exact("the budget, the vote, the end", "the") == [(0, 3), (12, 15), (22, 25)]
    assert find_exact("a 1.1.1.1 b", "1.1") == [(2, 5), (4, 7), (6, 9)]
    assert find_exact(STORY, "no such words") == []


def test_find_exact_uses_prefix_and_suffix_to_filter():
    assert find_exact(STORY, "percent", prefix="12 ") == [
        (STORY.index("12 percent") + 3, STORY.index("12 percent") + 10)
    ]
    assert find_exact(STORY, "percent", suffix=",") == [(STORY.index("3 percent,") + 2, STORY.index("3 percent,") + 9)]
    assert find_exact(STORY, "percent", prefix="12 ", suffix=",") == []


def test_find_exact_with_an_empty_quote_matches_every_position_where_the_context_fits():
    assert find_exact("vote", "") == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]
    assert find_exact("vote", "", prefix="vo", suffix="te") == [(2, 2)]


# ----------------------------------------------------------------------------- offsets and code units


def utf16_units(text: str, offset: int) -> int:
    """Where a code-point offset falls in UTF-16 code units (what the browser counts)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def test_offsets_count_code_points_not_utf16_units_after_an_emoji():
    text = "Fans 😃 cheered as the council 👏 approved the budget"
    start = text.index("approved")
    assert text[start : start + 8] == "approved"
    assert describe(text, start, start + 8).exact == "approved"
    assert utf16_units(text, start) == start + 2  # two astral characters before it


def test_normalise_newlines():
    assert normalise_newlines("one\r\ntwo\rthree\nfour") == "one\ntwo\nthree\nfour"
    assert normalise_newlines("\r\r\n") == "\n\n"


# ----------------------------------------------------------------------------- approximate matching


def test_find_approximate_finds_a_quote_with_a_typo_and_scores_exact_matches_highest():
    exact = find_approximate(STORY, "approved a budget")
    typo = find_approximate(STORY, "aproved a budgit")
    start = STORY.index("approved a budget")
    assert (exact.start, exact.end, exact.score) == (start, start + 17, 1.0)
    assert (typo.start, typo.end) == (start, start + 17)
    assert 0 < typo.score < exact.score


def test_find_approximate_uses_context_and_hint_to_choose_between_repeats():
    text = "The mayor said yes. Later the council said no. Then the mayor said maybe."
    first, second = text.index("mayor said"), text.rindex("mayor said")
    assert find_approximate(text, "mayr said").start == first
    assert find_approximate(text, "mayr said", suffix=" maybe").start == second
    assert find_approximate(text, "mayr said", prefix="Then the ").start == second
    assert find_approximate(text, "mayr said", hint=second + 3).start == second


def test_find_approximate_gives_up_on_unrelated_or_empty_input():
    assert find_approximate(STORY, "xylophone quartet zebra") is None
    assert find_approximate(STORY, "") is None
    assert find_approximate("", "budget") is None


def test_find_approximate_never_cuts_a_combining_sequence():
    text = unicodedata.normalize("NFD", "Anh Nguyễn và Trần Thị Bích nói")  # ễ = e + two marks
    match = find_approximate(text, "Anh Nguye")
    assert text[match.start : match.end] == unicodedata.normalize("NFD", "Anh Nguyễ")
    assert not unicodedata.combining(text[match.end])


# ----------------------------------------------------------------------------- re-anchoring: edits around a span


def test_unchanged_text_keeps_every_anchor_where_it_was():
    anchors = [anchor_for(STORY, q) for q in (SCHOOL_CLAIM, JOBS_CLAIM, BUDGET_CLAIM)]
    results = reanchor(STORY, STORY, anchors)
    for anchor, result in zip(anchors, results, strict=True):
        assert_anchored_at(result, STORY, anchor.start, anchor.quote)
        assert result.method == "mapped"


def test_insertion_and_deletion_before_a_span_shift_it():
    inserted = STORY.replace("City council", "BREAKING: City council")
    result = reanchor_one(STORY, inserted, JOBS_CLAIM)
    assert_anchored_at(result, inserted, STORY.index(JOBS_CLAIM) + len("BREAKING: "), JOBS_CLAIM)
    assert result.method == "mapped"

    deleted = STORY.replace(" on Tuesday", "")
    result = reanchor_one(STORY, deleted, JOBS_CLAIM)
    assert_anchored_at(result, deleted, STORY.index(JOBS_CLAIM) - len(" on Tuesday"), JOBS_CLAIM)


def test_edits_after_a_span_leave_it_alone():
    edited = STORY.replace("next week", "on Friday, officials said")
    result = reanchor_one(STORY, edited, BUDGET_CLAIM)
    assert_anchored_at(result, edited, STORY.index(BUDGET_CLAIM), BUDGET_CLAIM)


def test_insertion_right_at_the_edges_of_a_span_stays_outside_it():
    start = STORY.index(BUDGET_CLAIM)
    end = start + len(BUDGET_CLAIM)
    edited = STORY[:start] + "roughly " + STORY[start:end] + " (about 4.6 million dollars)" + STORY[end:]
    result = reanchor_one(STORY, edited, BUDGET_CLAIM)
    assert_anchored_at(result, edited, start + len("roughly "), BUDGET_CLAIM)
    assert result.method == "mapped"


def test_insertion_inside_a_span_relocates_it_with_the_new_wording():
    edited = STORY.replace("on schools", "on primary schools")
    result = reanchor_one(STORY, edited, SCHOOL_CLAIM)
    assert result.state is AnchorState.RELOCATED
    assert result.method == "approximate"
    assert result.quote == "spending on primary schools would rise by 12 percent"
    assert edited[result.start : result.end] == result.quote
    assert result.prefix == edited[result.start - 32 : result.start]


def test_small_deletion_inside_a_span_relocates_it():
    edited = STORY.replace("fallen to 3 percent", "fallen to 3 pct")
    result = reanchor_one(STORY, edited, JOBS_CLAIM)
    assert result.state is AnchorState.RELOCATED
    assert result.quote == "unemployment had fallen to 3 pct"


def test_a_quote_rewritten_beyond_recognition_is_orphaned():
    edited = STORY.replace(SCHOOL_CLAIM, "the school budget would grow")
    anchor = anchor_for(STORY, SCHOOL_CLAIM)
    assert_orphaned(reanchor(STORY, edited, [anchor])[0], anchor)


# ----------------------------------------------------------------------------- re-anchoring: moves, repeats, deletions


def test_a_moved_paragraph_takes_its_claims_along():
    moved = "\n\n".join([HEADLINE, JOBS, LEAD, SCHOOLS, CLOSING])
    anchors = [anchor_for(STORY, q) for q in (SCHOOL_CLAIM, JOBS_CLAIM, BUDGET_CLAIM)]
    for anchor, result in zip(anchors, reanchor(STORY, moved, anchors), strict=True):
        assert_anchored_at(result, moved, moved.index(anchor.quote), anchor.quote)
        assert result.method in {"mapped", "exact"}


def test_a_moved_and_edited_paragraph_is_found_approximately():
    edited_jobs = JOBS.replace("had fallen to", "had dropped to")
    moved = "\n\n".join([HEADLINE, edited_jobs, LEAD, SCHOOLS, CLOSING])
    result = reanchor_one(STORY, moved, "Tom Berg claimed that unemployment had fallen to 3 percent")
    assert result.state is AnchorState.RELOCATED
    assert result.quote == "Tom Berg claimed that unemployment had dropped to 3 percent"


def test_a_duplicated_sentence_is_told_apart_by_its_context():
    # The first mention is rewritten, so the diff cannot carry the claim; the quote now occurs twice,
    # and only the copy that kept the old surroundings is ours.
    sentence = "Jensen said spending on schools would rise by 12 percent."
    old = f"{LEAD}\n\nIn a statement, {sentence} Teachers welcomed the news.\n\n{CLOSING}"
    new = f"{LEAD}\n\nIn a statement, {sentence} Teachers welcomed the news.\n\n{sentence}\n\n{CLOSING}"
    new = new.replace("In a statement, Jensen", "In a statement on Monday, the councillor Jensen")
    result = reanchor_one(old, new, "Jensen said spending on schools")
    assert_anchored_at(result, new, new.index("Jensen said spending on schools"), "Jensen said spending on schools")


def test_repeats_that_the_context_cannot_tell_apart_orphan_the_claim():
    old = f"{LEAD}\n\nMayor Lund said the plan was fair. {CLOSING}"
    new = f"{LEAD}\n\nThe plan was fair, the mayor said. Or was it? The plan was fair, the mayor said.\n\n{CLOSING}"
    anchor = anchor_for(old, "the plan was fair")
    edited = new.replace("The plan", "the plan")
    assert_orphaned(reanchor(old, edited, [anchor])[0], anchor)


def test_a_deleted_quote_is_orphaned_not_moved_onto_other_words():
    anchor = anchor_for(STORY, SCHOOL_CLAIM)
    without = STORY.replace(SCHOOLS + "\n\n", "")
    assert_orphaned(reanchor(STORY, without, [anchor])[0], anchor)


def test_a_deleted_quote_is_orphaned_even_when_the_same_words_remain_elsewhere():
    old = STORY.replace(CLOSING, "Teachers' pay would rise by 12 percent as well. " + CLOSING)
    new = old.replace("Councillor Maria Jensen said spending on schools would rise by 12 percent. ", "")
    for quote in ("would rise by 12 percent", "rise by 12 percent"):
        anchor = anchor_for(old, quote, occurrence=0)
        assert_orphaned(reanchor(old, new, [anchor])[0], anchor)
    # ... while the remaining mention keeps its own claim.
    other = reanchor_one(old, new, "rise by 12 percent", occurrence=1)
    assert_anchored_at(other, new, new.index("rise by 12 percent"), "rise by 12 percent")


def test_a_quote_that_is_replaced_by_similar_words_in_a_new_sentence_is_orphaned():
    # "rose by 5 percent" disappears; an unrelated sentence now says "rose by 6 percent".
    old = f"{LEAD} Bus fares rose by 5 percent in March.\n\n{CLOSING}"
    new = f"{LEAD}\n\nIn other news, the price of bread rose by 6 percent last year. {CLOSING}"
    anchor = anchor_for(old, "rose by 5 percent")
    assert_orphaned(reanchor(old, new, [anchor])[0], anchor)


def test_empty_quotes_are_orphaned():
    anchor = Anchor(3, 3, "", "", "")
    assert_orphaned(reanchor(STORY, STORY, [anchor])[0], anchor)


def test_stale_offsets_are_repaired_from_the_quote_and_its_context():
    anchor = anchor_for(STORY, JOBS_CLAIM)
    stale = Anchor(anchor.start - 40, anchor.end - 40, anchor.quote, anchor.prefix, anchor.suffix)
    edited = "Updated. " + STORY
    result = reanchor(STORY, edited, [stale])[0]
    assert_anchored_at(result, edited, anchor.start + len("Updated. "), JOBS_CLAIM)


def test_many_anchors_keep_their_order_and_one_diff_serves_them_all():
    quotes = [SCHOOL_CLAIM, JOBS_CLAIM, BUDGET_CLAIM, "Tom Berg", "next week"] * 20
    anchors = [anchor_for(STORY, q) for q in quotes]
    edited = STORY.replace("Tuesday", "Wednesday evening")
    results = reanchor(STORY, edited, anchors)
    assert [r.quote for r in results] == quotes
    assert all(r.state is AnchorState.ANCHORED for r in results)


# ----------------------------------------------------------------------------- whitespace and Unicode


def test_whitespace_and_newline_changes_inside_a_quote_relocate_it():
    edited = STORY.replace("would rise by 12", "would\nrise  by\t12")
    result = reanchor_one(STORY, edited, SCHOOL_CLAIM)
    assert result.state is AnchorState.RELOCATED
    assert result.quote == "spending on schools would\nrise  by\t12 percent"

    windows = STORY.replace("\n", "\r\n")
    result = reanchor_one(windows, normalise_newlines(windows), "budget\r\n\r\nThe city council")
    assert result.state is AnchorState.RELOCATED
    assert result.quote == "budget\n\nThe city council"


def test_nfc_and_nfd_forms_of_the_same_text_relocate_rather_than_orphan():
    story = STORY.replace("Maria Jensen", "Márïa Jënsen").replace("Tom Berg", "Tõm Bërg")
    nfd = unicodedata.normalize("NFD", story)
    quotes = ["Councillor Márïa Jënsen said", "Tõm Bërg", SCHOOL_CLAIM]
    results = reanchor(story, nfd, [anchor_for(story, q) for q in quotes])
    for quote, result in zip(quotes, results, strict=True):
        expected = unicodedata.normalize("NFD", quote)
        assert result.quote == expected
        assert nfd[result.start : result.end] == expected
        assert result.state is (AnchorState.ANCHORED if expected == quote else AnchorState.RELOCATED)
    # ... and back again.
    back = reanchor(nfd, story, [anchor_for(nfd, unicodedata.normalize("NFD", "Tõm Bërg"))])[0]
    assert (back.state, back.quote) == (AnchorState.RELOCATED, "Tõm Bërg")


def test_combining_marks_stay_with_their_letter_when_a_quote_is_relocated():
    # The article is edited and re-imported in NFD: "sẽ" (one character) becomes s + e + U+0303. The
    # closest raw alignment would stop before the tilde; the span must take the whole letter.
    story = "Bộ trưởng Nguyễn nói ngân sách sẽ tăng mạnh vào năm tới."
    edited = unicodedata.normalize("NFD", story.replace("ngân sách", "ngân sách mới"))
    result = reanchor_one(story, edited, "Nguyễn nói ngân sách sẽ")
    assert result.state is AnchorState.RELOCATED
    assert result.quote == unicodedata.normalize("NFD", "Nguyễn nói ngân sách mới sẽ")
    assert result.quote.endswith("e\u0303")
    assert not unicodedata.combining(edited[result.start])
    assert not unicodedata.combining(edited[result.end])


def test_emoji_before_a_span_shift_it_by_one_code_point_each():
    story = "Fans 😃 cheered as the council approved the budget."
    edited = "🎉🎉 " + story
    result = reanchor_one(story, edited, "approved the budget")
    start = story.index("approved the budget") + 3
    assert_anchored_at(result, edited, start, "approved the budget")
    assert utf16_units(edited, result.start) == start + 3  # three astral characters before it


def test_right_to_left_text_is_anchored_in_logical_order():
    story = "ראש העיר אמר שהתקציב יעלה בשנה הבאה. قال رئيس البلدية إن الميزانية سترتفع في العام المقبل."
    hebrew, arabic = "שהתקציב יעלה", "الميزانية سترتفع"
    edited = "\u200f" + story.replace("ראש העיר", "ראש העיר החדש")  # a right-to-left mark and a new word
    results = reanchor(story, edited, [anchor_for(story, hebrew), anchor_for(story, arabic)])
    assert_anchored_at(results[0], edited, edited.index(hebrew), hebrew)
    assert_anchored_at(results[1], edited, edited.index(arabic), arabic)

    typo = edited.replace("الميزانية", "الميزانيه")
    relocated = reanchor(story, typo, [anchor_for(story, arabic)])[0]
    assert (relocated.state, relocated.quote) == (AnchorState.RELOCATED, "الميزانيه سترتفع")


def test_texts_with_more_than_256_distinct_characters_are_searched_too():
    # edlib handles at most 256 symbols; a long CJK article has thousands of distinct characters.
    characters = [chr(0x4E00 + i * 7) for i in range(600)]
    story = "".join(characters)
    quote = story[300:340]
    edited = story[:310] + "。" + story[312:]  # two characters of the quote replaced by one
    result = reanchor_one(story, edited, quote)
    assert result.state is AnchorState.RELOCATED
    assert (result.start, result.end) == (300, 339)

    long_quote = story[100:500]  # itself more than 256 distinct characters
    edited = story[:200] + story[201:]
    result = reanchor_one(story, edited, long_quote)
    assert (result.state, result.start, result.end) == (AnchorState.RELOCATED, 100, 499)


# ----------------------------------------------------------------------------- properties

# Characters the story does not contain, so the inserted text cannot make the quote's position ambiguous.
INSERTIONS = st.text(alphabet=st.sampled_from("#%~^|😃\u05d0\u0301\u200f"), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None)
@given(st.data(), INSERTIONS)
def test_inserting_text_outside_a_span_keeps_it_anchored_at_the_shifted_offset(data, inserted):
    start = data.draw(st.integers(0, len(STORY) - 2))
    end = data.draw(st.integers(start + 1, min(len(STORY), start + 80)))
    position = data.draw(st.one_of(st.integers(0, start), st.integers(end, len(STORY))))
    selector = describe(STORY, start, end)
    anchor = Anchor(start, end, selector.exact, selector.prefix, selector.suffix)
    edited = STORY[:position] + inserted + STORY[position:]
    result = reanchor(STORY, edited, [anchor])[0]
    shift = len(inserted) if position <= start else 0
    assert_anchored_at(result, edited, start + shift, selector.exact)


@given(st.data())
def test_describe_invariants(data):
    start = data.draw(st.integers(0, len(STORY) - 1))
    end = data.draw(st.integers(start + 1, len(STORY)))
    selector = describe(STORY, start, end)
    assert selector.exact == STORY[start:end]
    assert STORY[:start].endswith(selector.prefix) and len(selector.prefix) == min(start, CONTEXT_LENGTH)
    assert STORY[end:].startswith(selector.suffix) and len(selector.suffix) == min(len(STORY) - end, CONTEXT_LENGTH)
    assert (start, end) in find_exact(STORY, selector.exact, selector.prefix, selector.suffix)


@given(st.text(alphabet="ab", max_size=12), st.text(alphabet="ab", max_size=3), st.text(alphabet="ab", max_size=2))
def test_find_exact_agrees_with_a_naive_scan(text, exact, prefix):
    expected = [
        (i, i + len(exact))
        for i in range(len(text) + 1)
        if text.startswith(exact, i) and text[:i].endswith(prefix) and i + len(exact) <= len(text)
    ]
    assert find_exact(text, exact, prefix) == expected
