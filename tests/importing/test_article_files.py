"""The article importer: parsing text and HTML, dropping boilerplate, refusing broken files, no duplicates."""

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from articles.importing import article_files
from articles.importing.parse import UnreadableArticle, classify_line, clean_line, parse_html, parse_text
from articles.models import Article, Source

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

STORY_TEXT = """This story is over 3 years old.

- Advertisement -

Lakeside ferry fares to double next spring

Commuters say the rise will push them back into their cars.

By Tomasz Brennan
March 4, 2023

The Lakeside ferry company will double its fares from April, its chief executive said on Friday.
Photo by Lakeside Courier

"We need your support to keep the boats running," said the chief executive, Ama Rowe. "Without the rise we lose
money on every crossing."

Related: Council debates a second bridge

The regional transport office said 4,100 people use the ferry each day.

Share on Facebook Share on Twitter Email

Sign up for our morning newsletter

Support independent journalism: make a donation today.

Follow Tomasz Brennan on Twitter: @tbrennan

More stories
Ferry crew threatens strike
Harbour dredging starts in May
"""

STORY_SENTENCES = [
    "Commuters say the rise will push them back into their cars.",
    "The Lakeside ferry company will double its fares from April, its chief executive said on Friday.",
    '"We need your support to keep the boats running," said the chief executive, Ama Rowe. "Without the rise we '
    'lose money on every crossing."',
    "The regional transport office said 4,100 people use the ferry each day.",
]

STORY_HTML = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Ferry fares to double next spring | Lakeside Courier</title>
  <meta name="author" content="Tomasz Brennan">
  <meta property="article:published_time" content="2023-03-04T09:30:00+00:00">
  <link rel="canonical" href="https://courier.example.org/news/ferry-fares">
  <script>window.trackPageView("ferry-fares-secret-tracker");</script>
</head>
<body>
  <nav class="site-nav"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
  <div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
  <article>
    <h1>Ferry fares to double next spring</h1>
    <p class="byline">By Tomasz Brennan</p>
    <p>The Lakeside ferry company will double its fares from April, its chief executive said on Friday,
    blaming fuel prices that have risen by a third since last year.</p>
    <div class="ad-slot" id="ad-inline-1">Advertisement</div>
    <p>"Without the rise we lose money on every crossing," said the chief executive, Ama Rowe. She said the
    company had not raised fares since 2015.</p>
    <aside class="related-links"><h3>Related</h3><ul>
      <li><a href="/a">Council debates a second bridge</a></li>
      <li><a href="/b">Ferry crew threatens strike</a></li></ul></aside>
    <p>The regional transport office said 4,100 people use the ferry each day, most of them to reach jobs in
    the city centre.</p>
  </article>
  <div class="donation-box"><p>Local journalism needs you. Donate today to keep our reporters on the water.</p>
  <button>Donate</button></div>
  <footer><p>© 2023 Lakeside Courier. All rights reserved.</p></footer>
  <script>document.write("<div>injected</div>")</script>
</body>
</html>
"""


def sha(text: str) -> str:
    return hashlib.sha256(clean_line(text).encode()).hexdigest()[:16]


@pytest.fixture
def options(erin):
    return article_files.ImportOptions(user=erin, source_name="Lakeside Courier")


# ---------------------------------------------------------------- plain text


def test_it_takes_title_byline_and_date_out_of_a_text_article():
    parsed = parse_text(STORY_TEXT)
    assert parsed.title == "Lakeside ferry fares to double next spring"
    assert parsed.byline == "Tomasz Brennan"
    assert parsed.published == date(2023, 3, 4)
    assert "Lakeside ferry fares to double" not in parsed.body
    assert "By Tomasz Brennan" not in parsed.body


def test_it_keeps_every_story_sentence_as_paragraphs():
    parsed = parse_text(STORY_TEXT)
    # The quote was hard-wrapped over two lines; it comes back as one paragraph.
    assert parsed.body.split("\n\n") == STORY_SENTENCES


def test_it_reports_each_kind_of_boilerplate_it_drops():
    parsed = parse_text(STORY_TEXT)
    categories = dict(parsed.dropped_counts())
    assert categories == {
        "age_banner": 1,
        "advert": 1,
        "credit": 1,
        "related": 4,
        "share": 1,
        "newsletter": 1,
        "donation": 1,
        "social": 1,
    }
    for _category, line in parsed.dropped:
        assert line not in parsed.body


def test_it_keeps_a_quoted_line_that_reads_like_an_appeal():
    assert classify_line('"Sign up for the newsletter and donate today," the mayor joked at the gala.') is None
    assert classify_line("Support independent journalism: make a donation today.") == "donation"


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("This article is more than 2 years old", "age_banner"),
        ("ADVERTISEMENT", "advert"),
        ("Story continues below advertisement", "advert"),
        ("3 min read", "reading_time"),
        ("READ MORE: Mayor resigns", "related"),
        ("share icon icon icon", "share"),
        ("Was this article helpful?", "feedback"),
        ("Photo: Jane Roe/Reuters", "credit"),
        ("Getty Images", "credit"),
        ("Firefighters at the scene on Monday. Photo: AP", "caption"),
        ("Watch this video on YouTube", "embed"),
        ("POLITICS", "section_label"),
        ("Get our free weekly newsletter", "newsletter"),
        ("Republish this story under a Creative Commons licence", "licence"),
        ("The mayor denied the claim on Monday.", None),
        ("Analysis", None),
    ],
)
def test_it_classifies_boilerplate_lines(line, category):
    assert classify_line(line) == category


def test_it_normalises_newlines_and_spaces():
    raw = "Bridge shut\r\n\r\nThe bridge\u00a0 was shut on Monday.\r\rIt reopens in May.\u2029Tolls rise."
    parsed = parse_text(raw)
    assert parsed.body == "The bridge was shut on Monday.\n\nIt reopens in May.\n\nTolls rise."


def test_it_titles_a_text_without_a_headline_from_its_first_sentence():
    body = "The harbour master said on Tuesday that dredging will start in May and last for eleven weeks in total."
    parsed = parse_text(body)
    assert parsed.title == body
    assert parsed.body == body


def test_it_refuses_text_that_is_only_boilerplate():
    with pytest.raises(UnreadableArticle, match="no article text"):
        parse_text("Advertisement\n\nShare on Facebook\n\nSign up for our newsletter\n")


# ---------------------------------------------------------------- HTML


def test_it_extracts_the_story_and_metadata_from_html():
    parsed = parse_html(STORY_HTML)
    assert parsed.title == "Ferry fares to double next spring"
    assert parsed.byline == "Tomasz Brennan"
    assert parsed.published == date(2023, 3, 4)
    assert parsed.url == "https://courier.example.org/news/ferry-fares"
    assert parsed.language == "en-gb"
    paragraphs = parsed.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The Lakeside ferry company will double its fares from April")
    assert paragraphs[0].endswith("fuel prices that have risen by a third since last year.")
    assert paragraphs[2].endswith("most of them to reach jobs in the city centre.")


def test_it_leaves_page_furniture_and_scripts_out_of_the_html_body():
    parsed = parse_html(STORY_HTML)
    for unwanted in [
        "tracker",
        "injected",
        "Share on Facebook",
        "Advertisement",
        "Council debates",
        "Donate",
        "All rights reserved",
        "Sport",
        "By Tomasz Brennan",
    ]:
        assert unwanted not in parsed.body
    counts = parsed.dropped_counts()
    assert counts["script"] == 2
    assert counts["share"] == 1
    assert counts["advert"] == 1
    assert counts["related"] == 3
    assert counts["donation"] == 2
    assert counts["navigation"] == 1
    assert counts["licence"] == 1


def test_it_uses_the_given_url_over_the_pages_own():
    assert parse_html(STORY_HTML, url="https://elsewhere.example.org/x").url == "https://elsewhere.example.org/x"


def test_it_refuses_an_html_page_with_no_article_text():
    with pytest.raises(UnreadableArticle, match="no extractable article text"):
        parse_html("<html><head><title>Home</title><script>var a = 1;</script></head><body><nav>Hi</nav></body></html>")


# ---------------------------------------------------------------- importing files


def test_it_imports_a_text_file_keeping_the_raw_original(options, erin):
    raw = STORY_TEXT.replace("\n", "\r\n")
    report = article_files.import_file_data("ferry.txt", raw.encode(), options)
    assert report.outcome is article_files.Outcome.IMPORTED
    article = report.article
    assert article.raw == raw
    assert article.raw_format == "text"
    assert "\r" not in article.body
    assert article.title == "Lakeside ferry fares to double next spring"
    assert article.byline == "Tomasz Brennan"
    assert article.published == date(2023, 3, 4)
    assert article.source.name == "Lakeside Courier"
    assert article.added_by == erin
    assert article.language == "en"
    assert "dropped 11 lines of boilerplate" in report.dropped_summary()


def test_it_imports_an_html_file(options):
    report = article_files.import_file_data("ferry.html", STORY_HTML.encode(), options)
    article = report.article
    assert article.raw == STORY_HTML
    assert article.raw_format == "html"
    assert article.url == "https://courier.example.org/news/ferry-fares"
    assert article.language == "en-gb"


def test_it_sniffs_html_in_a_file_without_a_known_suffix(options):
    report = article_files.import_file_data("ferry.page", STORY_HTML.encode(), options)
    assert report.article.raw_format == "html"


def test_it_skips_an_article_it_already_has_by_text(options):
    article_files.import_file_data("ferry.txt", STORY_TEXT.encode(), options)
    again = article_files.import_file_data("copy-of-ferry.txt", STORY_TEXT.encode(), options)
    assert again.outcome is article_files.Outcome.DUPLICATE
    assert "same text" in again.message
    assert Article.objects.count() == 1


def test_it_revises_an_article_it_already_has_by_url(options):
    # The policy for revisions is tested in tests/test_revisions_import.py.
    article_files.import_file_data("ferry.html", STORY_HTML.encode(), options)
    changed = STORY_HTML.replace("4,100 people", "4,200 people")
    again = article_files.import_file_data("ferry-later.html", changed.encode(), options)
    assert again.outcome is article_files.Outcome.REVISED
    assert again.message == "0 anchored, 0 relocated, 0 orphaned"
    assert Article.objects.count() == 1
    assert "4,200 people" in Article.objects.get().body


def test_it_decides_new_or_duplicate_in_one_place(article):
    assert article_files.decide_import(body="Something never stored.").kind is article_files.Decision.NEW
    same_text = article_files.decide_import(body=article.body)
    assert (same_text.kind, same_text.existing, same_text.why) == (
        article_files.Decision.DUPLICATE,
        article,
        "same text",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "broken.txt is empty (0 bytes)."),
        (b"  \n\n \t", "broken.txt is empty (only whitespace)."),
        ("Fares \u2014 ferry".encode() + b"\xff\xfe broken", "broken.txt is not UTF-8 text (byte 0xff at position 15"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "broken.txt is a binary file, not text"),
    ],
)
def test_it_refuses_a_broken_file_by_name(options, data, message):
    report = article_files.import_file_data("broken.txt", data, options)
    assert report.outcome is article_files.Outcome.FAILED
    assert report.message.startswith(message)
    assert Article.objects.count() == 0


def test_it_refuses_an_html_file_with_no_article_text(options):
    page = b"<html><body><nav><a href='/'>Home</a></nav><script>track()</script></body></html>"
    report = article_files.import_file_data("empty-page.html", page, options)
    assert report.outcome is article_files.Outcome.FAILED
    assert report.message == "empty-page.html is an HTML page with no extractable article text."


def test_it_refuses_a_file_over_the_size_limit(options, monkeypatch):
    monkeypatch.setattr(article_files, "MAX_FILE_BYTES", 100)
    report = article_files.import_file_data("long.txt", STORY_TEXT.encode(), options)
    assert report.outcome is article_files.Outcome.FAILED
    assert "the limit is" in report.message


def test_it_refuses_a_malformed_url_or_language(erin):
    with pytest.raises(article_files.ValidationError, match="not an http"):
        article_files.import_uploads([("a.txt", b"x")], article_files.ImportOptions(url="javascript:alert(1)"))
    with pytest.raises(article_files.ValidationError, match="not a language code"):
        article_files.import_uploads([("a.txt", b"x")], article_files.ImportOptions(language="english please"))


def test_it_stores_nothing_in_a_dry_run(erin):
    options = article_files.ImportOptions(user=erin, source_name="Lakeside Courier", dry_run=True)
    reports = article_files.import_uploads([("a.txt", STORY_TEXT.encode()), ("b.txt", STORY_TEXT.encode())], options)
    assert [report.outcome for report in reports] == [article_files.Outcome.IMPORTED, article_files.Outcome.DUPLICATE]
    assert reports[0].headline() == "a.txt: would import “Lakeside ferry fares to double next spring”"
    assert reports[1].message == "repeats a.txt of this import"
    assert article_files.summarise(reports) == "1 would import, 1 skipped as duplicates, 0 failed."
    assert Article.objects.count() == 0
    assert not Source.objects.exists()


# ---------------------------------------------------------------- the seed articles

# Read by a person, not derived from the importer. Lines are named by the first 16 hex digits of the
# sha256 of the cleaned line (the seed text itself stays out of the project). Per file: the headline,
# byline and published date; the header lines that become metadata; the boilerplate lines by category;
# and, where a page ends in a list of other stories, the line from which everything is dropped.
SEED_EXPECTED = {
    "000": {
        "title": "6402b565cefbeb78",
        "byline": "1cb0d3ed31ebc8d9",
        "published": None,
        "metadata": ["6402b565cefbeb78"],
        "dropped": {
            "age_banner": ["4a02ae163da5c1ae"],
            "credit": ["7c1f7bdfa225339c", "71447e6f26ac6eaa"],
            "related": ["1811356d3947f1a5", "b61f862dfc5592c6", "d52a0da4ef004fbe", "20c495809b3897ca"],
            "social": ["e10053a9a1abead7"],
        },
    },
    "001": {
        "title": "180d177980854e89",
        "byline": "2bceaefeeb4ef53b",
        "published": date(2021, 5, 31),
        "metadata": ["180d177980854e89", "3f6290d98c75414e", "00d15e307d0100bf"],
        "dropped": {"image_label": ["30befa5ec5e4a755"], "advert": ["77cd5fac925537d0"]},
    },
    "002": {
        "title": "e03552bcb2fa8905",
        "byline": "85941dc36e94f725",
        "published": None,
        "metadata": ["e03552bcb2fa8905", "85941dc36e94f725"],
        "dropped": {
            "advert": ["7435138176b9c47d"],
            "reading_time": ["c4b3dcda9cf93941"],
            "caption": ["3c842a12026fdeac", "3c842a12026fdeac"],
        },
    },
    "003": {
        "title": "8593c8681aaec749",
        "byline": None,
        "published": None,
        "metadata": ["8593c8681aaec749"],
        "dropped": {
            "image_label": ["634396cae9be3d52", "634396cae9be3d52"],
            "credit": ["457b9195c7ba18b7", "8e916018b71dca54"],
            "embed": ["aab46b0ddb1d0db3", "4dc3a769398cc025"],
            "related": ["b6c336115b75f09b"],
        },
    },
    "004": {
        "title": "132d7fc33d847cdf",
        "byline": "e74fc11a56d956b3",
        "published": date(2021, 2, 3),
        "metadata": ["132d7fc33d847cdf", "671e53b5dfb593d9"],
        "dropped": {
            "breadcrumb": ["c6bb2b51ab281829"],
            "section_label": ["7ee66c4f1536ac84"],
            "related": ["b20e95bb0b983616", "96b58cc1993fd0a8"],
            "share": ["fa0422a7bc96ff02"],
            "feedback": ["10da90e442d6f3b7", "c2daddbd4ab6d2eb", "10da90e442d6f3b7"],
            "donation": ["74438559a63e4aff", "68273151ba9e5b8b", "74438559a63e4aff", "68273151ba9e5b8b"],
            "licence": ["9f9891a54e557d64"],
        },
        "related_from": "032c69aaca340d0f",
    },
}


def seed_files() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5
    return files


def expected_split(lines: list[str], expected: dict) -> tuple[Counter, Counter, list[str]]:
    """(dropped line hashes, dropped categories, kept lines in order) as a person marked them."""
    hashes = [sha(line) for line in lines]
    dropped = Counter(h for category_hashes in expected["dropped"].values() for h in category_hashes)
    categories = Counter({category: len(h) for category, h in expected["dropped"].items()})
    tail = hashes.index(expected["related_from"]) if "related_from" in expected else len(lines)
    dropped.update(hashes[tail:])
    categories["related"] += len(lines) - tail
    remaining = dropped.copy()
    metadata = Counter(expected["metadata"])
    kept = []
    for line, h in zip(lines[:tail], hashes[:tail], strict=True):
        if remaining[h]:
            remaining[h] -= 1
        elif metadata[h]:
            metadata[h] -= 1
        else:
            kept.append(line)
    return dropped, categories, kept


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_it_keeps_every_story_line_of_a_seed_and_drops_its_boilerplate(prefix):
    path = next(path for path in seed_files() if path.name.startswith(prefix))
    expected = SEED_EXPECTED[prefix]
    lines = [clean_line(line) for line in path.read_text(encoding="utf-8").splitlines() if clean_line(line)]
    dropped, categories, kept = expected_split(lines, expected)

    parsed = parse_text(path.read_text(encoding="utf-8"))
    # A line that is only a date is left out with a note of its own (the article's date comes from one), not
    # reported as boilerplate: count it with the lines the seed's reader marked as dropped.
    date_lines = [note.split("'")[1] for note in parsed.notes if note.startswith("left out the date line")]
    categories = categories.copy()
    for line in date_lines:
        categories[
            next(c for c, hashes in expected["dropped"].items() if sha(line) in hashes)
            if any(sha(line) in hashes for hashes in expected["dropped"].values())
            else "related"
        ] -= 1
    reported = Counter(sha(line) for _, line in parsed.dropped) + Counter(sha(line) for line in date_lines)

    assert reported == dropped
    assert Counter(category for category, _ in parsed.dropped) == +categories
    assert parsed.body.split("\n\n") == kept
    assert sha(parsed.title) == expected["title"]
    assert (sha(parsed.byline) if parsed.byline else None) == expected["byline"]
    assert parsed.published == expected["published"]


def test_it_imports_the_five_seeds_once(erin):
    files = seed_files()
    options = article_files.ImportOptions(user=erin)
    first = article_files.import_paths([SEEDS], options)
    assert [report.outcome for report in first] == [article_files.Outcome.IMPORTED] * 5
    for path, report in zip(files, first, strict=True):
        assert report.article.raw == path.read_text(encoding="utf-8")
        paragraphs = report.article.body.split("\n\n")
        for _, line in report.parsed.dropped:
            assert line not in paragraphs
    again = article_files.import_paths([SEEDS], options)
    assert [report.outcome for report in again] == [article_files.Outcome.DUPLICATE] * 5
    assert Article.objects.count() == 5
