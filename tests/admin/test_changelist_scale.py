"""Admin lists stay fast at any size: no full COUNT(*), counts for the page's rows only, a fixed number of queries.

Issue 16, finding 10: with 100,000 claims the unfiltered Admin → Claims list ran past gunicorn's timeout.
"""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.admin import base
from articles.models import Article, Claim, ClaimLink, Evidence, Source, Speaker, Tag, Verdict
from tests.conftest import ARTICLE_BODY

OUR_MODELS = [Source, Article, Speaker, Tag, Claim, ClaimLink, Verdict, Evidence]


def changelist(model) -> str:
    return f"/admin/articles/{model._meta.model_name}/"


def fill(n: int, user, make_article) -> None:
    """n of every record (claims, links, verdicts with evidence, speakers, tags, articles, sources)."""
    for i in range(n):
        source = Source.objects.create(name=f"Outlet {Source.objects.count()}")
        article = make_article(ARTICLE_BODY + f" {Article.objects.count()}", source=source)
        speaker = Speaker.objects.create(name=f"Speaker {Speaker.objects.count()}")
        quote = "the police abandoned the town"
        start = article.body.index(quote)
        one = services.create_claim(
            user=user, article=article, start=start, end=start + len(quote), quote=quote, speaker=speaker,
            tags=[f"tag-{Tag.objects.count()}"],
        )  # fmt: skip
        start = article.body.index("a video shows")
        two = services.create_claim(user=user, article=article, start=start, end=start + 13, quote="a video shows")
        services.link_claims(user=user, from_claim=one, to_claim=two, relation="supports")
        services.create_verdict(
            user=user, claim=one, headline=f"Verdict {i}", evidence=[{"url": "https://example.org/e", "title": "E"}]
        )


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model._meta.model_name)
def test_it_lists_with_the_same_number_of_queries_for_2_and_20_rows(client, root, make_article, model):
    client.force_login(root)
    fill(2, root, make_article)
    with CaptureQueriesContext(connection) as few:
        assert client.get(changelist(model)).status_code == 200
    fill(18, root, make_article)
    with CaptureQueriesContext(connection) as many:
        response = client.get(changelist(model))
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"][:200] for q in many]


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model._meta.model_name)
def test_it_never_counts_a_whole_table(client, root, make_article, model):
    """Every COUNT on a list page is capped (a LIMIT inside it); none is a COUNT(*) over the whole table."""
    client.force_login(root)
    fill(2, root, make_article)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(changelist(model)).status_code == 200
    counts = [q["sql"] for q in queries if re.search(r"\bCOUNT\(\*\)", q["sql"], re.IGNORECASE)]
    assert counts, "the list counts its rows once"
    for sql in counts:
        assert "LIMIT" in sql.upper(), sql


def test_it_shares_the_paginator_and_the_submit_once_script_in_every_admin():
    for model in OUR_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.paginator is base.EstimatedCountPaginator, model
        assert model_admin.show_full_result_count is False, model
        assert "articles/admin_submit_once.js" in str(model_admin.media), model


def test_it_counts_exactly_below_the_cap_and_estimates_above(monkeypatch, alice, article, make_claim):
    for quote in ["Police in the coastal town", "a video shows", "the police abandoned the town"]:
        make_claim(article, quote, user=alice)
    claims = Claim.objects.order_by("-id")
    assert base.EstimatedCountPaginator(claims, 2).count == 3
    monkeypatch.setattr(base, "EXACT_COUNT_CAP", 2)
    estimate = base.EstimatedCountPaginator(claims, 2).count
    assert estimate >= 3  # never fewer than the rows the cap saw (3 = cap + 1)
    filtered = base.EstimatedCountPaginator(claims.filter(created_by=alice), 2)
    assert filtered.count >= 3
    assert len(filtered.page(1).object_list) == 2


def test_it_has_an_index_for_every_admin_lists_default_order():
    """The changelist sorts before it takes a page: its default order must be readable from an index."""
    for model in OUR_MODELS:
        model_admin = admin.site._registry[model]
        ordering = [field.lstrip("-") for field in (model_admin.ordering or model._meta.ordering)]
        ordering = ["id" if field == "pk" else field for field in ordering]
        columns = [model._meta.get_field(f).column if f != "article_id" else f for f in ordering]
        if columns in (["id"], []):
            continue
        groups = [index.fields for index in model._meta.indexes]
        groups += [c.fields for c in model._meta.constraints if getattr(c, "fields", None)]
        indexed = [[model._meta.get_field(f).column for f in fields] for fields in groups]
        unique = [[field.column] for field in model._meta.fields if field.unique]
        prefixes = [cols[: len(columns)] for cols in indexed + unique]
        assert columns in prefixes or columns[:-1] in [[c] for c in sum(unique, [])], (model, columns)
