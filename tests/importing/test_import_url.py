"""Importing pages by URL: fetched from a local server, parsed like files, same duplicate and revision rules."""

import pytest
from django.core.exceptions import ValidationError

from articles.importing import article_files
from articles.importing.article_files import ImportOptions, Outcome, import_url, import_urls, read_url_list
from articles.models import Article

BRIDGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Old bridge to close for repairs</title>
<meta name="author" content="Marta Quispe"></head><body>
<nav><a href="/">Home</a> <a href="/city">City</a></nav>
<article><h1>Old bridge to close for repairs</h1>
<p>The old stone bridge over the Vell river will close to traffic for six weeks from 3 June, the city engineer
said on Monday, after an inspection found cracks in two of its arches.</p>
<p>Buses will be diverted over the ring road, adding about ten minutes to the 14 and 22 routes.</p>
</article><div class="share">Share on Facebook</div></body></html>
"""

BRIDGE_CORRECTED = BRIDGE.replace("six weeks", "eight weeks")

MARKET = """<!DOCTYPE html><html lang="en"><head><title>Night market returns to the harbour</title></head><body>
<article><h1>Night market returns to the harbour</h1>
<p>The harbour night market will reopen on Friday with 60 stalls, twice as many as last year, the port
authority said, and will run every weekend until the end of September.</p></article></body></html>
"""


def test_it_reads_a_list_of_addresses():
    text = "# morning list\nhttps://a.example/1\n\n   https://b.example/2#top  \n  # done\n"
    assert read_url_list(text) == ["https://a.example/1", "https://b.example/2#top"]


def test_it_imports_one_page(local_site, erin):
    local_site.add("/city/bridge", BRIDGE)
    report = import_url(local_site.url("/city/bridge"), ImportOptions(user=erin, source_name="Vell Courier"))
    assert report.outcome is Outcome.IMPORTED, report.message
    article = Article.objects.get()
    assert report.article == article
    assert article.title == "Old bridge to close for repairs"
    assert article.byline == "Marta Quispe"
    assert article.url == local_site.url("/city/bridge")
    assert article.source.name == "Vell Courier"
    assert "cracks in two of its arches" in article.body and "Share on Facebook" not in article.body
    assert article.raw == BRIDGE and article.raw_format == "html"
    assert report.headline() == f"{local_site.url('/city/bridge')}: imported as article #{article.pk} “{article.title}”"


def test_it_refuses_the_local_server_without_the_allow_list(local_site, settings, erin):
    settings.FACTCHECK_FETCH_ALLOW_HOSTS = []
    local_site.add("/city/bridge", BRIDGE)
    url = local_site.url("/city/bridge")
    report = import_url(url, ImportOptions(user=erin))
    assert report.outcome is Outcome.FAILED
    assert report.message == f"{url}: refused: 127.0.0.1 is a loopback address."
    assert report.headline() == f"Not imported: {url}: refused: 127.0.0.1 is a loopback address."
    assert local_site.requests == [] and not Article.objects.exists()


def test_it_imports_a_list_with_a_duplicate_and_a_broken_address(local_site, erin):
    local_site.add("/bridge", BRIDGE)
    local_site.add("/market", MARKET)
    local_site.add("/brochure.pdf", b"%PDF-1.7", content_type="application/pdf")
    urls = [
        local_site.url("/bridge"),
        local_site.url("/market"),
        local_site.url("/bridge#comments"),  # the same address again
        local_site.url("/gone"),
        local_site.url("/brochure.pdf"),
        "http://10.0.0.1/intranet",
    ]
    seen = []
    reports = import_urls(urls, ImportOptions(user=erin), on_report=seen.append)
    assert seen == reports
    assert [report.outcome for report in reports] == [
        Outcome.IMPORTED,
        Outcome.IMPORTED,
        Outcome.DUPLICATE,
        Outcome.FAILED,
        Outcome.FAILED,
        Outcome.FAILED,
    ]
    assert reports[2].message == f"repeats {urls[0]} earlier in this list; fetched once"
    assert reports[3].message == f"{urls[3]}: failed: the server answered 404 Not Found."
    assert reports[4].message == (
        f"{urls[4]}: not a web page: the server sent application/pdf; only HTML and plain-text pages can be imported."
    )
    assert reports[5].message == "http://10.0.0.1/intranet: refused: 10.0.0.1 is a private address."
    assert local_site.fetched("/bridge") == 1
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Night market returns to the harbour",
        "Old bridge to close for repairs",
    ]
    assert article_files.summarise(reports) == "2 imported, 1 skipped as duplicates, 3 failed."


def test_it_skips_the_same_page_imported_again(local_site, erin):
    local_site.add("/bridge", BRIDGE)
    first = import_url(local_site.url("/bridge"), ImportOptions(user=erin))
    again = import_url(local_site.url("/bridge"), ImportOptions(user=erin))
    assert again.outcome is Outcome.DUPLICATE
    assert again.article == first.article
    assert Article.objects.count() == 1


def test_it_revises_the_article_when_the_page_changed(local_site, erin):
    local_site.add("/bridge", BRIDGE)
    first = import_url(local_site.url("/bridge"), ImportOptions(user=erin))
    local_site.add("/bridge", BRIDGE_CORRECTED)  # the outlet corrected the story
    report = import_url(local_site.url("/bridge"), ImportOptions(user=erin))
    assert report.outcome is Outcome.REVISED, report.message
    article = Article.objects.get()
    assert article.pk == first.article.pk and "eight weeks" in article.body
    assert article.history.latest().history_change_reason == f"newer version imported from {local_site.url('/bridge')}"


def test_it_stores_the_final_address_after_redirects(local_site, erin):
    local_site.add("/2024/06/bridge", BRIDGE)
    local_site.redirect("/s/b7", "/2024/06/bridge")
    report = import_url(local_site.url("/s/b7"), ImportOptions(user=erin))
    assert report.outcome is Outcome.IMPORTED
    assert report.article.url == local_site.url("/2024/06/bridge")
    assert f"redirected to {local_site.url('/2024/06/bridge')}" in report.notes
    # The page itself, by its final address, is then the same article.
    assert import_url(local_site.url("/2024/06/bridge"), ImportOptions(user=erin)).outcome is Outcome.DUPLICATE


def test_it_does_not_trust_the_pages_own_canonical_address(local_site, erin):
    other = Article.objects.create(title="Another story", body="Another text.", url="https://news.example/other")
    page = BRIDGE.replace("<head>", '<head><link rel="canonical" href="https://news.example/other">')
    local_site.add("/bridge", page)
    report = import_url(local_site.url("/bridge"), ImportOptions(user=erin))
    assert report.outcome is Outcome.IMPORTED  # not a "revision" of the article the page pretends to be
    assert Article.objects.get(pk=other.pk).body == "Another text."
    assert report.article.url == local_site.url("/bridge")
    assert any("gives its address as https://news.example/other" in note for note in report.notes)


def test_it_refuses_a_page_too_large(local_site, settings, erin):
    settings.FACTCHECK_FETCH_MAX_BYTES = 1024
    local_site.add("/bridge", BRIDGE * 3)
    report = import_url(local_site.url("/bridge"), ImportOptions(user=erin))
    assert report.message == f"{local_site.url('/bridge')}: too large: more than 1 KB."
    assert not Article.objects.exists()


def test_it_names_a_page_without_article_text(local_site, erin):
    local_site.add("/empty", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    report = import_url(local_site.url("/empty"), ImportOptions(user=erin))
    assert report.message == f"{local_site.url('/empty')} is an HTML page with no extractable article text."


def test_it_imports_a_plain_text_page(local_site, erin):
    text = "Ferry fares frozen\n\nBy Ana Ruiz\n\nFerry fares will not rise this year, the operator said on Tuesday.\n"
    local_site.add("/ferry.txt", text, content_type="text/plain; charset=utf-8")
    report = import_url(local_site.url("/ferry.txt"), ImportOptions(user=erin))
    assert report.outcome is Outcome.IMPORTED, report.message
    assert (report.article.title, report.article.raw_format) == ("Ferry fares frozen", "text")


def test_it_previews_a_list_without_storing_or_double_counting(local_site, erin):
    local_site.add("/bridge", BRIDGE)
    local_site.redirect("/short", "/bridge")
    reports = import_urls([local_site.url("/bridge"), local_site.url("/short")], ImportOptions(user=erin, dry_run=True))
    assert [report.outcome for report in reports] == [Outcome.IMPORTED, Outcome.DUPLICATE]
    assert reports[0].headline() == f"{local_site.url('/bridge')}: would import “Old bridge to close for repairs”"
    assert not Article.objects.exists()


def test_it_refuses_a_url_option_for_a_list(erin):
    with pytest.raises(ValidationError, match="give their own URL"):
        import_urls(["https://a.example/"], ImportOptions(user=erin, url="https://b.example/"))
