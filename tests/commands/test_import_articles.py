"""manage.py import_articles: files and directories, per-file report, summary, exit status, options."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Source

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

TEXT_STORY = """Harbour tolls to rise in June

By Noor Okafor
12 January 2024

The port authority will raise harbour tolls by 8 percent in June, its board decided on Thursday.

Advertisement

"Maintenance costs have grown faster than traffic," said the board's chair, Lena Virtanen.

Related: Port authority names new chair
"""

HTML_STORY = """<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">
<title>Cierran el mercado central por obras</title>
<meta name="author" content="Inés Duarte"><meta property="article:published_time" content="2024-02-01">
</head><body>
<div class="share"><a>Compartir en Facebook</a></div>
<article><h1>Cierran el mercado central por obras</h1>
<p>El ayuntamiento cerrará el mercado central durante tres meses a partir de marzo para reparar el tejado,
según anunció el alcalde el martes.</p>
<p>Los 84 puestos del mercado se trasladarán a una carpa provisional en la plaza mayor durante las obras.</p>
</article><script>var adSlot = "top";</script></body></html>
"""


class TtyBuffer(io.StringIO):
    def isatty(self):
        return True


def run(*args, stdout=None):
    """Run the command; (stdout, stderr, error or None)."""
    out, err = stdout or io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


@pytest.fixture
def story_files(tmp_path):
    (tmp_path / "tolls.txt").write_text(TEXT_STORY, encoding="utf-8")
    (tmp_path / "mercado.html").write_text(HTML_STORY, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    return tmp_path


def test_it_imports_the_text_and_html_files_of_a_directory(db, story_files):
    out, err, error = run(str(story_files), "--source", "Harbour Gazette")
    assert error is None, err
    assert Article.objects.count() == 2
    market = Article.objects.get(raw_format="html")
    assert (market.title, market.byline, str(market.published), market.language) == (
        "Cierran el mercado central por obras",
        "Inés Duarte",
        "2024-02-01",
        "es",
    )
    tolls = Article.objects.get(raw_format="text")
    assert tolls.source == Source.objects.get(name="Harbour Gazette")
    assert tolls.raw == TEXT_STORY
    assert "tolls.txt: imported as article" in out
    assert "dropped 2 lines of boilerplate: 1 ad slot, 1 related links" in out
    assert "notes.md" not in out
    assert out.strip().endswith("2 imported, 0 skipped as duplicates, 0 failed.")


def test_it_skips_what_it_already_imported(db, story_files):
    run(str(story_files))
    out, _, error = run(str(story_files / "tolls.txt"), str(story_files / "mercado.html"))
    assert error is None
    assert "tolls.txt: skipped as a duplicate: already imported as article #" in out
    assert out.strip().endswith("0 imported, 2 skipped as duplicates, 0 failed.")
    assert Article.objects.count() == 2


def test_it_imports_the_good_files_and_fails_with_the_bad_ones_named(db, story_files):
    (story_files / "bad-bytes.txt").write_bytes(b"Tolls \xc3\x28 rise")
    (story_files / "empty.txt").write_bytes(b"")
    (story_files / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (story_files / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    missing = story_files / "missing.txt"
    out, err, error = run(str(story_files), str(missing))
    assert str(error) == "5 of 7 files could not be imported."
    assert "bad-bytes.txt is not UTF-8 text (byte 0xc3 at position 6 is invalid)" in err
    assert "empty.txt is empty (0 bytes)." in err
    assert "image.html is a binary file, not text" in err
    assert "menu.html is an HTML page with no extractable article text." in err
    assert f"{missing} does not exist." in err
    assert out.strip().endswith("2 imported, 0 skipped as duplicates, 5 failed.")
    assert Article.objects.count() == 2


def test_it_fails_on_a_directory_without_articles(db, tmp_path):
    _, err, error = run(str(tmp_path))
    assert error is not None
    assert f"{tmp_path} is a directory with no .txt, .html or .htm files." in err


def test_it_shows_a_dry_run_and_writes_nothing(db, story_files):
    out, _, error = run(str(story_files / "tolls.txt"), "--dry-run", "--source", "Harbour Gazette")
    assert error is None
    assert "tolls.txt: would import “Harbour tolls to rise in June”" in out
    assert "by Noor Okafor; published 2024-01-12; 2 paragraphs" in out
    assert "- ad slot: Advertisement" in out
    assert "- related links: Related: Port authority names new chair" in out
    assert out.strip().endswith("1 would import, 0 skipped as duplicates, 0 failed.")
    assert not Article.objects.exists()
    assert not Source.objects.exists()


def test_it_takes_url_language_and_user_options(erin, story_files):
    _, err, error = run(
        str(story_files / "tolls.txt"),
        "--url",
        "https://gazette.example.org/tolls",
        "--language",
        "en-GB",
        "--user",
        "erin",
    )
    assert error is None, err
    article = Article.objects.get()
    assert (article.url, article.language, article.added_by) == ("https://gazette.example.org/tolls", "en-GB", erin)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "https://gazette.example.org/x"], "--url names one article, but 2 files were given."),
        (["--url", "ftp://gazette.example.org/x"], "is not an http(s) URL."),
        (["--language", "English!"], "is not a language code"),
        (["--user", "nobody"], "No user named 'nobody'."),
    ],
)
def test_it_refuses_bad_options_before_importing(db, story_files, args, message):
    _, _, error = run(str(story_files / "tolls.txt"), str(story_files / "mercado.html"), *args)
    assert message in str(error)
    assert not Article.objects.exists()


def test_it_prints_plain_lines_when_not_on_a_terminal(db, story_files):
    out, _, _ = run(str(story_files))
    assert "\r" not in out
    assert "[" not in out.splitlines()[0]


def test_it_draws_a_progress_bar_on_a_terminal(db, story_files):
    out, _, _ = run(str(story_files), stdout=TtyBuffer())
    assert "\r\033[K[------------------------] 1/2 " in out
    assert "\r\033[K[############------------] 2/2 " in out
    assert out.rstrip().endswith("2 imported, 0 skipped as duplicates, 0 failed.")


def test_it_imports_the_seeds_once(db):
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    out, _, error = run(str(SEEDS))
    assert error is None
    assert out.strip().endswith("5 imported, 0 skipped as duplicates, 0 failed.")
    out, _, error = run(str(SEEDS))
    assert out.strip().endswith("0 imported, 5 skipped as duplicates, 0 failed.")
    assert Article.objects.count() == 5
