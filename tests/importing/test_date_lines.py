"""Plain-text imports keep a line that is only a date as the article's date, and the report says so."""

from datetime import date

import pytest

from articles.importing import article_files
from articles.importing.parse import parse_text

STORY = "The mayor said the officers made a tactical retreat to avoid a bloodbath in the town on Monday."


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2016-02-20", date(2016, 2, 20)),
        ("20 February 2016", date(2016, 2, 20)),
        ("Feb. 20th, 2016", date(2016, 2, 20)),
    ],
)
def test_it_takes_the_date_from_a_line_that_is_only_a_date(line, expected):
    parsed = parse_text(f"Police retreat in Escuinapa\n\n{line}\n\n{STORY}")
    assert parsed.published == expected
    assert line not in parsed.body
    assert all(text != line for _, text in parsed.dropped)


def test_it_keeps_a_date_line_below_the_story_and_says_so():
    parsed = parse_text(f"Police retreat\n\n{STORY}\n\n2016-02-20\n\n{STORY.replace('Monday', 'Tuesday')}")
    assert parsed.published == date(2016, 2, 20)
    assert parsed.notes == ["took the published date 2016-02-20 from the line '2016-02-20'"]
    assert "2016-02-20" not in parsed.body


def test_it_keeps_the_known_date_and_notes_the_other_line():
    parsed = parse_text(
        f"Police retreat\n\nPublished 3 March 2016\n\n{STORY}\n\n2016-02-20\n\nMore of the story, Tuesday."
    )
    assert parsed.published == date(2016, 3, 3)
    assert parsed.notes == ["left out the date line '2016-02-20': the date is 2016-03-03"]


def test_it_still_drops_other_short_lines_and_text_that_is_not_a_date():
    parsed = parse_text(f"Police retreat\n\n{STORY}\n\nIMG_2016-02\n\nMore of the story, 2016 was long.")
    assert parsed.published is None and parsed.notes == []


def test_the_import_report_says_where_the_date_came_from(db, alice):
    report = article_files.import_file_data(
        "retreat.txt",
        f"Police retreat in Escuinapa\n\n{STORY}\n\n2016-02-20\n".encode(),
        article_files.ImportOptions(user=alice),
    )
    assert report.article.published == date(2016, 2, 20)
    assert "took the published date 2016-02-20" in " ".join(report.notes)
