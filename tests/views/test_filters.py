"""The FilterSets shared by the lists, the API and the exports."""

import pytest
from django.test import RequestFactory

from articles.filters import ArticleFilter, ClaimFilter, page_without_count, search_terms
from articles.models import Article, Claim, ClaimLink, Verdict


def claim_quotes(params, user=None):
    request = RequestFactory().get("/", params)
    request.user = user
    return sorted(c.quote for c in ClaimFilter(request.GET, queryset=Claim.objects.live(), request=request).qs)


@pytest.fixture
def claims(article, make_article, make_claim, alice, carol, bob, mayor):
    other = make_article("Elsewhere the analysts agreed with the mayor.", title="Analysts", source=None)
    retreat = make_claim(article, "tactical retreat", user=alice, speaker=mayor, tags=["police"])
    deaths = make_claim(article, "eight or ten deaths", user=carol, summary="casualty estimate")
    agreed = make_claim(other, "the analysts agreed", user=carol)
    ClaimLink.objects.create(from_claim=agreed, to_claim=retreat, relation="supports", created_by=carol)
    Verdict.objects.create(claim=retreat, rating="false", headline="No", state="published", author=bob)
    Verdict.objects.create(claim=deaths, rating="mixed", headline="Maybe", state="in_review", author=bob)
    return retreat, deaths, agreed


def test_it_splits_search_terms_keeping_quoted_phrases():
    assert search_terms('mayor "tactical retreat"  police') == ["mayor", "tactical retreat", "police"]
    assert search_terms("") == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "RETREAT"}, ["tactical retreat"]),
        ({"q": "casualty"}, ["eight or ten deaths"]),
        ({"q": "bustamante"}, ["tactical retreat"]),
        ({"tag": "police"}, ["tactical retreat"]),
        ({"relation": "supports"}, ["tactical retreat", "the analysts agreed"]),
        ({"relation": "none"}, ["eight or ten deaths"]),
        ({"relation": "contradicts"}, []),
        ({"rating": "false"}, ["tactical retreat"]),
        ({"rating": "mixed"}, []),  # only published verdicts carry a rating badge
        ({"state": "in_review"}, ["eight or ten deaths"]),
        ({"state": "none"}, ["the analysts agreed"]),
        ({"article_title": "analysts"}, ["the analysts agreed"]),
        ({"speaker_name": "bonifacio"}, ["tactical retreat"]),
        ({"anchor_state": "anchored"}, ["eight or ten deaths", "tactical retreat", "the analysts agreed"]),
    ],
)
def test_it_filters_claims(claims, params, expected):
    assert claim_quotes(params) == expected


def test_it_filters_by_article_source_and_speaker(claims, article, source, mayor):
    assert claim_quotes({"article": article.pk}) == ["eight or ten deaths", "tactical retreat"]
    assert claim_quotes({"source": source.pk}) == ["eight or ten deaths", "tactical retreat"]
    assert claim_quotes({"speaker": mayor.pk}) == ["tactical retreat"]


def test_it_filters_only_mine_for_the_requesting_user(claims, alice):
    assert claim_quotes({"mine": "true"}, user=alice) == ["tactical retreat"]


def test_it_leaves_out_deleted_claims_through_the_queryset(claims, erin):
    from articles import services

    # (an editor, confirming: the claim has a published verdict)
    services.delete_claim(user=erin, claim=claims[0], confirmed=True)
    assert "tactical retreat" not in claim_quotes({})


def test_it_orders_newest_first_with_a_total_order(claims):
    filterset = ClaimFilter({}, queryset=Claim.objects.live())
    assert [c.pk for c in filterset.qs] == sorted((c.pk for c in claims), reverse=True)
    assert filterset.qs.query.order_by == ("-created_at", "-id")


def test_it_reports_unknown_choices_as_errors(claims):
    filterset = ClaimFilter({"speaker": "999999", "rating": "great"}, queryset=Claim.objects.live())
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"speaker", "rating"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "escuinapa police"}, ["article"]),
        ({"has_claims": "false"}, []),
        ({"has_claims": "true"}, ["article", "other"]),
        ({"rating": "false"}, ["article"]),
        ({"state": "in_review"}, ["article"]),
        ({"tag": "police"}, ["article"]),
        ({"published_after": "2000-01-01"}, []),
    ],
)
def test_it_filters_articles(claims, article, mayor, params, expected):
    names = {article.pk: "article"}
    names.update({a.pk: "other" for a in Article.objects.exclude(pk=article.pk)})
    result = ArticleFilter(params, queryset=Article.objects.with_claim_counts()).qs
    assert sorted(names[a.pk] for a in result) == expected


def test_it_filters_articles_by_speaker(claims, article, mayor):
    assert list(ArticleFilter({"speaker": mayor.pk}, queryset=Article.objects.all()).qs) == [article]


def test_it_pages_without_counting(claims):
    page = page_without_count(Claim.objects.order_by("id"), 1, 2)
    assert len(page.rows) == 2 and page.has_next and not page.has_previous
    last = page_without_count(Claim.objects.order_by("id"), 2, 2)
    assert len(last.rows) == 1 and not last.has_next and last.has_previous


@pytest.mark.parametrize("common_above", [1, 10_000])
def test_it_filters_by_a_common_or_a_rare_tag_alike(claims, make_claim, article, alice, monkeypatch, common_above):
    from articles import filters

    monkeypatch.setattr(filters, "COMMON_TAG_CLAIMS", common_above)
    make_claim(article, "ten deaths", user=alice, tags=["police", "casualties"])
    assert claim_quotes({"tag": "police"}) == ["tactical retreat", "ten deaths"]
    assert claim_quotes({"tag": "police", "q": "deaths"}) == ["ten deaths"]
    assert claim_quotes({"tag": "casualties"}) == ["ten deaths"]


@pytest.mark.parametrize("max_ids", [0, 200])
def test_it_searches_speaker_names_by_id_list_or_subquery_alike(claims, monkeypatch, max_ids):
    from articles import filters

    monkeypatch.setattr(filters, "MAX_SPEAKER_IDS", max_ids)
    assert claim_quotes({"q": "bustamante retreat"}) == ["tactical retreat"]
    assert claim_quotes({"q": "bustamante deaths"}) == []
    assert claim_quotes({"q": "nobody-by-this-name"}) == []
