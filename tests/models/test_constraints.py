"""The database itself refuses broken rows, whatever code path tries to write them."""

import pytest
from django.db import IntegrityError, transaction

from articles.models import Article, Claim, ClaimLink, Verdict


def insert_claim(article, user, **fields):
    values = {"article": article, "start": 0, "end": 6, "quote": "Police", "created_by": user} | fields
    with transaction.atomic():
        return Claim.objects.create(**values)


@pytest.mark.parametrize(
    "fields",
    [
        {"start": 10, "end": 5},  # reversed
        {"start": 5, "end": 5},  # empty
        {"start": None, "end": 5},  # half a span
        {"start": None, "end": None},  # no span but not orphaned
        {"quote": ""},
        {"anchor_state": "lost"},
    ],
)
def test_it_refuses_a_broken_span(article, alice, fields):
    with pytest.raises(IntegrityError):
        insert_claim(article, alice, **fields)


def test_it_refuses_a_negative_start(article, alice):
    with pytest.raises(IntegrityError):
        insert_claim(article, alice, start=-1, end=5)


def test_it_keeps_an_orphaned_claim_without_offsets(article, alice):
    claim = insert_claim(article, alice, start=None, end=None, anchor_state="orphaned")
    assert Claim.objects.get(pk=claim.pk).start is None


def test_it_refuses_a_self_link(article, alice):
    claim = insert_claim(article, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLink.objects.create(from_claim=claim, to_claim=claim, relation="supports", created_by=alice)


def test_it_refuses_a_duplicate_link(article, alice):
    first, second = insert_claim(article, alice), insert_claim(article, alice, start=7, end=9, quote="in")
    ClaimLink.objects.create(from_claim=first, to_claim=second, relation="supports", created_by=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLink.objects.create(from_claim=first, to_claim=second, relation="supports", created_by=alice)
    # The same pair under another relation is a different link.
    ClaimLink.objects.create(from_claim=first, to_claim=second, relation="contradicts", created_by=alice)


def test_it_refuses_an_unknown_relation(article, alice):
    first, second = insert_claim(article, alice), insert_claim(article, alice, start=7, end=9, quote="in")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLink.objects.create(from_claim=first, to_claim=second, relation="likes", created_by=alice)


def test_it_refuses_the_same_article_url_twice(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="Copy", body="Other text entirely.", url=article.url or "https://a.example/x")
        Article.objects.create(title="Copy 2", body="Yet other text.", url="https://a.example/x")


def test_it_refuses_the_same_text_twice(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="Copy", body=article.body)


def test_it_allows_many_articles_without_url(db):
    Article.objects.create(title="One", body="First text.")
    Article.objects.create(title="Two", body="Second text.")
    assert Article.objects.filter(url="").count() == 2


def test_it_refuses_an_empty_body(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="Empty", body="")


def test_it_allows_one_published_verdict_per_claim(article, alice, bob):
    claim = insert_claim(article, alice)
    Verdict.objects.create(claim=claim, author=bob, rating="true", headline="h", state="published")
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(claim=claim, author=bob, rating="false", headline="h2", state="published")


def test_it_refuses_a_submitted_verdict_without_rating(article, alice, bob):
    claim = insert_claim(article, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(claim=claim, author=bob, state="in_review")
