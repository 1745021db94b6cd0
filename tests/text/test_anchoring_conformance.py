"""articles.anchoring against the public anchoring vectors in ../shared/conformance/anchoring.

The vectors (Apache Annotator and Hypothesis client test data, see FORMAT.md and SOURCE.md there) are
read at test time and never copied into the project. Offsets in their `derived` blocks are code points,
like ours. Plain pytest: no Django needed.
"""

import json
from pathlib import Path

import pytest

from articles.text.anchoring import (
    Anchor,
    AnchorState,
    Selector,
    describe,
    find_approximate,
    find_exact,
    reanchor,
)

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "anchoring"
if not VECTORS.is_dir():
    pytest.skip(f"../shared is absent: no anchoring vectors at {VECTORS}", allow_module_level=True)

APACHE = VECTORS / "apache-annotator"
HYPOTHESIS = VECTORS / "hypothesis-client"
BASELINES = HYPOTHESIS / "html-baselines"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def cases(path: Path) -> list:
    return [pytest.param(case, id=case["name"]) for case in load(path)["cases"]]


def describe_cases() -> list:
    groups = load(APACHE / "text-quote-describe-cases.json")["groups"]
    return [pytest.param(case, id=f"{group}: {case['name']}") for group, items in groups.items() for case in items]


def read_text(path: Path) -> str:
    # newline="" keeps the text exactly as saved: the offsets count its \n characters.
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def utf16_span(text: str, span: tuple[int, int]) -> list[int]:
    """The span in UTF-16 code units, as the vectors' `expected_offsets_utf16` (and browsers) count."""
    return [len(text[:offset].encode("utf-16-le")) // 2 for offset in span]


# ----------------------------------------------------------------------------- Apache Annotator


@pytest.mark.parametrize("case", cases(APACHE / "text-quote-match-cases.json"))
def test_text_quote_match(case):
    text, selector = case["derived"]["text"], case["selector"]
    matches = find_exact(text, selector["exact"], selector.get("prefix", ""), selector.get("suffix", ""))
    assert [list(span) for span in matches] == case["derived"]["expected_offsets"]
    assert [utf16_span(text, span) for span in matches] == case["derived"]["expected_offsets_utf16"]


@pytest.mark.parametrize("case", cases(APACHE / "text-position-match-cases.json"))
def test_text_position_match(case):
    text, selector, derived = case["derived"]["text"], case["selector"], case["derived"]
    start, end = selector["start"], selector["end"]
    assert text[start:end] == derived["selected_text"]
    assert derived["expected_offsets"] == [[start, end]]
    [[unit_start, unit_end]] = derived["expected_offsets_utf16"]
    assert utf16_span(text, (start, end)) == [unit_start, unit_end]


@pytest.mark.parametrize("case", describe_cases())
def test_text_quote_describe(case):
    text = case["derived"]["text"]
    start, end = case["derived"]["range_offsets"]
    expected = case["expected"]
    if start == end:
        with pytest.raises(ValueError, match="start .* must be < end"):
            describe(text, start, end)
        return
    selector = describe(text, start, end)
    assert selector.exact == text[start:end] == expected["exact"]
    assert text[:start].endswith(selector.prefix)
    assert text[end:].startswith(selector.suffix)
    assert find_exact(text, selector.exact, selector.prefix, selector.suffix) == [(start, end)]
    # Apache adds the least context that makes the quote unique; ours is a fixed 32 characters, so one
    # of the two contexts is always the nearer part of the other.
    assert selector.prefix.endswith(expected["prefix"]) or expected["prefix"].endswith(selector.prefix)
    assert selector.suffix.startswith(expected["suffix"]) or expected["suffix"].startswith(selector.suffix)


# ----------------------------------------------------------------------------- Hypothesis: approximate matching

MATCH_QUOTE = load(HYPOTHESIS / "match-quote-vectors.json")


def quote_case_text(case: dict) -> str:
    return MATCH_QUOTE["texts"][case["text"]] if "text" in case else case["text_literal"]


def quote_cases(*, orderings: bool) -> list:
    selected = [c for c in MATCH_QUOTE["cases"] if ("scores_strictly_decreasing" in c["expect"]) == orderings]
    return [pytest.param(case, id=case["id"]) for case in selected]


@pytest.mark.parametrize("case", quote_cases(orderings=False))
def test_match_quote(case):
    """Spans, starts and nulls transfer from Hypothesis's matchQuote; its exact scores do not."""
    text, expect = quote_case_text(case), case["expect"]
    quote = MATCH_QUOTE["texts"][case["quote_is_text"]] if "quote_is_text" in case else case["quote"]
    context = {key: case[key] for key in ("prefix", "suffix", "hint") if key in case}
    match = find_approximate(text, quote, **context)
    if "match" in expect:
        assert expect["match"] is None
        assert match is None
        return
    assert match is not None
    assert 0.0 <= match.score <= 1.0
    if "span" in expect:
        assert [match.start, match.end] == expect["span"]
    if "start" in expect:
        assert match.start == expect["start"]
    if "matched_text" in expect:
        assert text[match.start : match.end] == expect["matched_text"]
    if "score_between" in expect:
        low, high = expect["score_between"]
        assert low < match.score < high
    if expect.get("score") == 1.0:
        assert match.score == 1.0  # our own rule too: an exact match (no context to contradict it) scores 1


@pytest.mark.parametrize("case", quote_cases(orderings=True))
def test_match_quote_score_ordering(case):
    text = quote_case_text(case)
    if "quotes_descending_similarity" in case:
        matches = [find_approximate(text, quote) for quote in case["quotes_descending_similarity"]]
    elif "prefixes_descending_similarity" in case:
        prefixes = case["prefixes_descending_similarity"]
        matches = [find_approximate(text, case["quote"], prefix=prefix) for prefix in prefixes]
    else:
        suffixes = case["suffixes_descending_similarity"]
        matches = [find_approximate(text, case["quote"], suffix=suffix) for suffix in suffixes]
    scores = [match.score for match in matches]
    assert all(earlier > later for earlier, later in zip(scores, scores[1:], strict=False)), scores


# ----------------------------------------------------------------------------- Hypothesis: HTML baselines


def baseline_anchors(name: str) -> list[Anchor]:
    anchors = []
    for row in load(BASELINES / f"{name}.json")["rows"]:
        selectors = {selector["type"]: selector for selector in row["target"][0]["selector"]}
        position, quote = selectors["TextPositionSelector"], selectors["TextQuoteSelector"]
        anchors.append(Anchor(position["start"], position["end"], quote["exact"], quote["prefix"], quote["suffix"]))
    return anchors


@pytest.mark.parametrize("name", ["wikipedia-regression-testing", "minimal"])
def test_baseline_positions_and_quotes_agree(name):
    text = read_text(BASELINES / f"{name}.body-textContent.derived.txt")
    anchors = baseline_anchors(name)
    assert anchors
    for anchor in anchors:
        assert text[anchor.start : anchor.end] == anchor.quote
        assert find_exact(text, anchor.quote, anchor.prefix, anchor.suffix) == [(anchor.start, anchor.end)]
        # Hypothesis stores 32 characters of context on each side, exactly as describe() does.
        assert describe(text, anchor.start, anchor.end) == Selector(anchor.quote, anchor.prefix, anchor.suffix)


def test_regression_testing_occurs_many_times_so_context_is_needed():
    text = read_text(BASELINES / "wikipedia-regression-testing.body-textContent.derived.txt")
    assert len(find_exact(text, "Regression testing")) == 9


# 156 characters (the length of the <noscript> text a non-browser parser drops), written for this test.
INSERTED = (
    "Editor's note: this page was imported again after a change to our HTML parser, which now keeps "
    "the text of noscript elements, so all offsets move a little. "
)


@pytest.mark.parametrize("at", [0, 20], ids=["at the start", "inside the title's context"])
def test_baseline_anchors_follow_an_insertion_near_the_start(at):
    assert len(INSERTED) == 156
    text = read_text(BASELINES / "wikipedia-regression-testing.body-textContent.derived.txt")
    perturbed = text[:at] + INSERTED + text[at:]
    anchors = baseline_anchors("wikipedia-regression-testing")
    for anchor, result in zip(anchors, reanchor(text, perturbed, anchors), strict=True):
        assert (result.state, result.start, result.end) == (AnchorState.ANCHORED, anchor.start + 156, anchor.end + 156)
        assert result.quote == anchor.quote


@pytest.mark.parametrize("at", [0, 20], ids=["at the start", "inside the title's context"])
def test_baseline_anchors_with_stale_positions_are_recovered_by_their_quotes(at):
    """The <noscript> case: offsets 156 characters short for the text in hand; the quotes still decide."""
    text = read_text(BASELINES / "wikipedia-regression-testing.body-textContent.derived.txt")
    perturbed = text[:at] + INSERTED + text[at:]
    anchors = baseline_anchors("wikipedia-regression-testing")
    for anchor in anchors:
        assert perturbed[anchor.start : anchor.end] != anchor.quote  # the positions alone are wrong
    # Same text before and after: only the quote (and its context, among the 9 "Regression testing") helps.
    for anchor, result in zip(anchors, reanchor(perturbed, perturbed, anchors), strict=True):
        assert (result.state, result.start, result.end) == (AnchorState.ANCHORED, anchor.start + 156, anchor.end + 156)
        assert result.quote == anchor.quote


def test_minimal_baseline_reanchors_after_an_edit():
    text = read_text(BASELINES / "minimal.body-textContent.derived.txt")
    [anchor] = baseline_anchors("minimal")
    edited = "Zero " + text
    [result] = reanchor(text, edited, [anchor])
    assert (result.state, result.start, result.quote) == (AnchorState.ANCHORED, anchor.start + 5, anchor.quote)
