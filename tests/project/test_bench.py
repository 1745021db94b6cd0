"""The benchmark harness's parts: the corpus is valid data, the reference view behaves, the report adds up.

The whole harness runs at tiny scale in CI (`.ci/run`: `make bench SCALE=tiny`); these tests check what
that run cannot: that the synthetic corpus obeys the rules the services enforce, and that the reference
view is only mounted when the harness asks for it. No timings are asserted anywhere.
"""

import json

import pytest
from django.contrib.auth.models import User
from django.db.models import Count, F, Q
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from articles.models import Article, Claim, ClaimLink, Tag, Verdict
from bench import corpus as corpus_module
from bench.refviews import PREFIX
from bench.report import Figure, percentile, table
from bench.scales import SCALES

PASSWORD = "bench-password-for-tests"


@pytest.fixture
def tiny_corpus(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: not what is tested
    return corpus_module.build(SCALES["tiny"], PASSWORD, log=lambda message: None)


def test_it_builds_the_counts_the_scale_asks_for(tiny_corpus):
    scale = SCALES["tiny"]
    assert Article.objects.count() == scale.articles
    assert Claim.objects.count() == scale.claims
    assert ClaimLink.objects.count() == scale.links
    assert Verdict.objects.count() == scale.verdicts
    assert tiny_corpus.counts["claims"] == scale.claims


def test_it_anchors_every_claim_to_its_article_text(tiny_corpus):
    bodies = dict(Article.objects.values_list("pk", "body"))
    claims = Claim.objects.values("article_id", "start", "end", "quote", "prefix", "suffix", "anchor_state")
    for claim in claims:
        if claim["anchor_state"] == Claim.AnchorState.ORPHANED:
            assert claim["start"] is None and claim["end"] is None
            continue
        body = bodies[claim["article_id"]]
        start, end = claim["start"], claim["end"]
        assert 0 <= start < end <= len(body)
        assert claim["quote"] == body[start:end]
        assert claim["prefix"] == body[max(0, start - 32) : start]
        assert claim["suffix"] == body[end : end + 32]


def test_it_makes_the_special_articles(tiny_corpus):
    live = Claim.objects.live()
    reader = live.filter(article_id=tiny_corpus.reader_article_id)
    assert reader.count() == SCALES["tiny"].reader_claims
    assert not reader.exclude(anchor_state=Claim.AnchorState.ANCHORED).exists()
    assert not live.filter(article_id=tiny_corpus.empty_article_id).exists()
    assert len(Article.objects.get(pk=tiny_corpus.long_article_id).body) >= 50_000


def test_it_keeps_links_and_verdicts_within_the_rules(tiny_corpus):
    assert not ClaimLink.objects.filter(from_claim=F("to_claim")).exists()
    symmetric = ClaimLink.objects.filter(relation__in=ClaimLink.SYMMETRIC)
    pairs = set(symmetric.values_list("from_claim_id", "to_claim_id", "relation"))
    assert not any((to, first, relation) in pairs for first, to, relation in pairs)
    published = Verdict.objects.filter(state=Verdict.State.PUBLISHED).values("claim").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in published)
    assert not Verdict.objects.filter(~Q(state=Verdict.State.DRAFT), rating="").exists()


def test_it_lets_new_rows_follow_the_corpus_ids(tiny_corpus):
    """Ids were written by hand; the next insert must not collide with them (PostgreSQL sequences)."""
    article = Article.objects.get(pk=tiny_corpus.reader_article_id)
    user = User.objects.get(username=tiny_corpus.annotators[0])
    claim = Claim.objects.create(article=article, start=0, end=5, quote=article.body[:5], created_by=user)
    assert claim.pk > SCALES["tiny"].claims


def test_it_logs_in_the_corpus_users_with_the_run_password(tiny_corpus):
    client = Client()
    assert client.login(username=tiny_corpus.annotators[0], password=PASSWORD)
    assert User.objects.get(username=tiny_corpus.editor).groups.filter(name="Editor").exists()


# ---------------------------------------------------------------- the reference view


def test_it_does_not_mount_the_reference_view_in_the_app():
    with pytest.raises(Resolver404):
        resolve("/bench/reference/insert/")


@override_settings(ROOT_URLCONF="bench.urls")
def test_it_inserts_one_row_for_a_logged_in_user_with_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    token = "benchCsrfTokenOf32LettersExactly"
    client.cookies["csrftoken"] = token
    response = client.post(
        "/reference/insert/", json.dumps({"name": "x1"}), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201
    assert Tag.objects.filter(name=f"{PREFIX}x1").exists()


@override_settings(ROOT_URLCONF="bench.urls")
def test_it_refuses_a_post_without_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/reference/insert/", json.dumps({"name": "x2"}), content_type="application/json")
    assert response.status_code == 403
    assert not Tag.objects.filter(name=f"{PREFIX}x2").exists()


@override_settings(ROOT_URLCONF="bench.urls")
def test_it_refuses_anonymous_users(db):
    response = Client().post("/reference/insert/", json.dumps({"name": "x3"}), content_type="application/json")
    assert response.status_code == 403
    assert not Tag.objects.exists()


@override_settings(ROOT_URLCONF="bench.urls")
def test_it_says_what_a_bad_body_lacks(alice):
    client = Client()
    client.force_login(alice)
    response = client.post("/reference/insert/", "not json", content_type="application/json")
    assert response.status_code == 400
    assert "name" in response.json()["detail"]


# ---------------------------------------------------------------- the report


def test_it_takes_the_nearest_rank_percentile():
    values = [float(n) for n in range(1, 21)]
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.5) == 10.0
    assert percentile([3.0], 0.95) == 3.0


def test_it_prints_missed_targets_and_skipped_workloads_with_their_reasons():
    figures = [
        Figure("reader", "server time", 80.0, "ms", 10.0, "< 50 ms", False, note="serialisers"),
        Figure("export", "rate", None, note="export_claims is not there yet"),
        Figure("list", "p95", 20.0, "ms", 10.0, "< 200 ms", True),
    ]
    printed = table(figures)
    assert "MISSED" in printed and "SKIPPED" in printed and "pass" in printed
    assert "8.00" in printed  # the ratio value / reference
    assert "export_claims is not there yet" in printed
