"""manage.py import_articles --url-list FILE / --url URL: fetch pages from a local server, report, exit status."""

import io

import pytest

from articles.models import Article
from tests.commands.test_import_articles import TtyBuffer, run
from tests.importing.test_import_url import BRIDGE, MARKET


@pytest.fixture
def pages(local_site):
    local_site.add("/bridge", BRIDGE)
    local_site.add("/market", MARKET)
    return local_site


def test_it_imports_the_addresses_of_a_list(pages, tmp_path, db):
    listing = tmp_path / "urls.txt"
    listing.write_text(
        f"# this morning's stories\n{pages.url('/bridge')}\n\n{pages.url('/market')}\n"
        f"{pages.url('/bridge')}\n{pages.url('/gone')}\nhttp://169.254.169.254/latest/meta-data/\n",
        encoding="utf-8",
    )
    out, err, error = run("--url-list", str(listing), "--source", "Vell Courier")
    assert Article.objects.count() == 2
    bridge = Article.objects.get(url=pages.url("/bridge"))
    assert f"{pages.url('/bridge')}: imported as article #{bridge.pk} “Old bridge to close for repairs”" in out
    assert f"{pages.url('/bridge')}: skipped as a duplicate: repeats {pages.url('/bridge')} earlier in this list" in out
    assert f"Not imported: {pages.url('/gone')}: failed: the server answered 404 Not Found." in err
    assert (
        "Not imported: http://169.254.169.254/latest/meta-data/: "
        "refused: 169.254.169.254 is a link-local address." in err
    )
    assert "2 imported, 1 skipped as duplicates, 2 failed." in out
    assert str(error) == "2 of 5 addresses could not be imported."
    assert pages.fetched("/bridge") == 1


def test_it_fetches_each_url_option_and_exits_0_when_all_imported(pages, db):
    out, err, error = run("--url", pages.url("/bridge"), "--url", pages.url("/market"))
    assert error is None, err
    assert "2 imported, 0 skipped as duplicates, 0 failed." in out
    assert set(Article.objects.values_list("url", flat=True)) == {pages.url("/bridge"), pages.url("/market")}


def test_it_refuses_loopback_without_the_allow_list(pages, settings, db):
    settings.FACTCHECK_FETCH_ALLOW_HOSTS = []
    out, err, error = run("--url", pages.url("/bridge"))
    assert f"Not imported: {pages.url('/bridge')}: refused: 127.0.0.1 is a loopback address." in err
    assert str(error) == "1 of 1 address could not be imported."
    assert pages.requests == [] and not Article.objects.exists()


def test_it_shows_progress_on_a_terminal(pages, db):
    out, _, error = run("--url", pages.url("/bridge"), stdout=TtyBuffer())
    assert error is None
    assert f"[------------------------] 1/1 {pages.url('/bridge')}" in out


def test_it_previews_a_list_without_storing(pages, tmp_path, db):
    listing = tmp_path / "urls.txt"
    listing.write_text(pages.url("/bridge") + "\n", encoding="utf-8")
    out, _, error = run("--url-list", str(listing), "--dry-run")
    assert error is None
    assert f"{pages.url('/bridge')}: would import “Old bridge to close for repairs”" in out
    assert not Article.objects.exists()


def test_it_reads_the_list_from_stdin(pages, monkeypatch, db):
    monkeypatch.setattr("sys.stdin", io.StringIO(pages.url("/market") + "\n"))
    out, _, error = run("--url-list", "-")
    assert error is None and "1 imported" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Give files or directories to import, or addresses to fetch with --url or --url-list."),
        (["story.txt", "--url-list", "urls.txt"], "Give files to import or addresses to fetch (--url-list), not both."),
        (["--url-list", "missing.txt"], "Cannot read the address list missing.txt: No such file or directory."),
        (
            ["--url-list", "empty.txt"],
            "The address list empty.txt holds no addresses (one a line; '#' starts a comment).",
        ),
        (
            ["story.txt", "--url", "https://a.example/1", "--url", "https://a.example/2"],
            "--url names the address of one file",
        ),
    ],
)
def test_it_refuses_bad_arguments_with_a_message(args, message, tmp_path, monkeypatch, db):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.txt").write_text("# nothing yet\n\n", encoding="utf-8")
    _, _, error = run(*args)
    assert message in str(error)
