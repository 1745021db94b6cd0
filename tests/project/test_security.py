"""Hostile input from the attack run (issue 16): stored URLs, headers, JSON bodies, big numbers, limits."""

import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.template import Context, Template

from articles.models import Article, Evidence, Source
from articles.templatetags.safe_urls import safe_url
from tests.db_helpers import store_bypassing_checks
from tests.verdict_helpers import make_verdict

HOSTILE_URLS = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    "data:text/html,<script>x</script>",
    " javascript:x",
    "//evil.example.org/",
]


# --- 1. Stored URLs: the database refuses non-http(s) schemes, templates refuse to link them -------------


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_it_refuses_a_hostile_article_url_through_update(article, url):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(url=url)


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_it_refuses_a_hostile_source_homepage_through_update(source, url):
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=source.pk).update(homepage=url)


def test_it_refuses_a_hostile_evidence_url_through_update(article, make_claim, alice, bob, erin):
    claim = make_claim(article, "We could have had eight or ten deaths", user=alice)
    verdict = make_verdict(claim, author=bob, editor=erin)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(verdict=verdict).update(url="javascript:alert(1)")


def test_it_refuses_a_hostile_url_through_loaddata(db, tmp_path):
    fixture = tmp_path / "hostile.json"
    fixture.write_text(
        json.dumps(
            [{"model": "articles.source", "pk": 900, "fields": {"name": "Evil", "homepage": "javascript:alert(1)"}}]
        )
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        call_command("loaddata", str(fixture), verbosity=0)
    assert not Source.objects.filter(pk=900).exists()


def test_it_keeps_http_and_empty_urls(article, source):
    Article.objects.filter(pk=article.pk).update(url="")
    Article.objects.filter(pk=article.pk).update(url="http://herald.example.org/a")
    Source.objects.filter(pk=source.pk).update(homepage="")


@pytest.mark.parametrize("url", [*HOSTILE_URLS, None, "", "ftp://files.example.org/x"])
def test_it_does_not_link_a_hostile_url_even_if_stored(url):
    assert safe_url(url) == ""
    page = Template('{% load safe_urls %}{% if url|safe_url %}<a href="{{ url|safe_url }}">x</a>{% endif %}').render(
        Context({"url": url})
    )
    assert "<a" not in page


@pytest.mark.parametrize("url", ["http://herald.example.org/a", "https://herald.example.org/a?b=1&c=2"])
def test_it_links_an_http_url(url):
    assert safe_url(url) == url


def test_it_shows_a_hostile_url_stored_before_the_checks_as_text_on_the_public_page_and_reader(
    client, make_article, make_claim, alice, bob, erin
):
    article = make_article(url="https://herald.example.org/escuinapa")
    claim = make_claim(article, "We could have had eight or ten deaths", user=alice)
    verdict = make_verdict(claim, author=bob, editor=erin, state="published")
    store_bypassing_checks(Article, article.pk, url="javascript:alert(document.cookie)")
    assert Article.objects.get(pk=article.pk).url.startswith("javascript:")
    page = client.get(verdict.get_absolute_url()).content.decode()
    assert "Police retreat in Escuinapa" in page
    assert "javascript:" not in page
    client.force_login(alice)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:" not in page
