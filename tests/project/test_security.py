"""Hostile input from the attack run (issue 16): stored URLs, headers, JSON bodies, big numbers, limits."""

import json
import re
import runpy
from pathlib import Path

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


# --- 2. Content-Security-Policy, Permissions-Policy, no server banner --------------------------------------

PAGES = ["/login/", "/articles/", "/claims/", "/admin/", "/api/docs/"]


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_a_strict_csp_and_permissions_policy_on_every_page(client, erin, url):
    client.force_login(erin)
    response = client.get(url)
    assert response.status_code in (200, 302)
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "report-uri /csp-report/",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in response["Permissions-Policy"]


def test_it_sends_the_policy_on_the_public_verdict_page_too(client, make_article, make_claim, alice, bob, erin):
    claim = make_claim(make_article(), "We could have had eight or ten deaths", user=alice)
    verdict = make_verdict(claim, author=bob, editor=erin, state="published")
    response = client.get(verdict.get_absolute_url())
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/articles/", "/claims/", "/admin/articles/verdict/dashboard/", "/api/docs/"])
def test_it_has_no_inline_script_or_style_in_our_pages(client, erin, article, url):
    client.force_login(erin)
    page = client.get(url).content.decode()
    assert "<style" not in page and ' style="' not in page
    for script in re.findall(r"<script([^>]*)>", page):
        assert "src=" in script or "application/json" in script or "application/ld+json" in script, script


def test_it_serves_swagger_uis_start_up_script_from_a_url(client, erin):
    client.force_login(erin)
    page = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    response = client.get(script_url)
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()


def test_it_logs_csp_reports(client, caplog):
    report = {"csp-report": {"document-uri": "http://desk/articles/1/", "violated-directive": "script-src-elem"}}
    response = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    assert "script-src-elem" in caplog.text


def test_it_refuses_oversized_or_malformed_csp_reports(client):
    assert client.post("/csp-report/", "x" * 20_000, content_type="application/csp-report").status_code == 413
    assert client.post("/csp-report/", "[" * 10_000, content_type="application/csp-report").status_code == 400
    assert client.get("/csp-report/").status_code == 405


def test_it_hides_the_gunicorn_banner():
    config = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    namespace = runpy.run_path(str(config))
    import gunicorn.http.wsgi

    assert namespace["wsgi_app"] == "factcheck.wsgi"
    assert gunicorn.http.wsgi.SERVER == "desk" and "gunicorn" not in gunicorn.http.wsgi.SERVER_SOFTWARE
