"""GET /api/articles/<id>/claims/: every live claim of an article in one compact answer, with an ETag."""

import pytest
from rest_framework.test import APIClient

from articles import services
from articles.models import Claim, ClaimLink, Speaker, Tag, Verdict
from articles.queries import expand_compact
from tests.views.test_reader import many_claims

QUOTE = "The mayor said the officers made a tactical retreat to avoid a bloodbath."


@pytest.fixture
def api():
    return APIClient()


def url(article):
    return f"/api/articles/{article.pk}/claims/"


def test_it_lists_the_live_claims_compactly_and_as_the_claim_api_does(api, alice, bob, article, make_claim, mayor):
    first = make_claim(article, QUOTE, user=alice, speaker=mayor, summary="Retreat", tags=["police", "mayor"])
    second = make_claim(article, "eight or ten deaths", user=bob, speaker=mayor, tags=["police"])
    gone = make_claim(article, "civic group", user=alice)
    services.delete_claim(user=alice, claim=gone)
    services.link_claims(user=alice, from_claim=first, to_claim=second, relation="supports")
    Verdict.objects.create(claim=second, rating="false", headline="No", state="published", author=bob)
    api.force_login(alice)
    response = api.get(url(article))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and [row[0] for row in data["rows"]] == [first.pk, second.pk]
    # No repeated strings: the speaker, user and tags are ids, spelled out once in their tables.
    assert data["speakers"] == {str(mayor.pk): [mayor.name, mayor.description, ""]}
    assert sorted(data["tags"].values()) == ["mayor", "police"]
    assert response.content.count(b"Bonifacio") == 1 and response.content.count(b'"police"') == 1
    assert data["quotes_from_body"] and "prefix" not in data["columns"] and QUOTE not in response.content.decode()
    expanded = {claim["id"]: claim for claim in expand_compact(data, article.body)}
    spelled_out = api.get(url(article), {"quotes": "all", "context": "1"}).json()
    assert not spelled_out["quotes_from_body"] and "prefix" in spelled_out["columns"]
    for claim in (first, second):
        shown = api.get(f"/api/claims/{claim.pk}/").json()
        for name, value in expanded[claim.pk].items():
            assert shown[name] == value, name
    for claim in expand_compact(spelled_out):
        shown = api.get(f"/api/claims/{claim['id']}/").json()
        assert claim == {name: shown[name] for name in claim}
    assert expanded[first.pk]["can_edit"] is True and expanded[second.pk]["can_edit"] is False
    assert expanded[first.pk]["link_count"] == 1 and expanded[second.pk]["verdict"]["rating_label"] == "False"


def test_a_reload_with_the_etag_is_a_304_until_something_changes(api, alice, erin, article, make_claim):
    claim = make_claim(article, QUOTE, user=alice, tags=["police"])
    other = make_claim(article, "eight or ten deaths", user=alice)
    api.force_login(alice)

    def etag_after(change=None):
        before = api.get(url(article))["ETag"]
        assert api.get(url(article), HTTP_IF_NONE_MATCH=before).status_code == 304
        if change is None:
            return before
        change()
        after = api.get(url(article), HTTP_IF_NONE_MATCH=before)
        assert after.status_code == 200 and after["ETag"] != before, change
        return after["ETag"]

    first = etag_after()
    assert api.get(url(article), {"quotes": "all"}, HTTP_IF_NONE_MATCH=first).status_code == 200
    response = api.get(url(article), HTTP_IF_NONE_MATCH=first)
    assert response.status_code == 304 and response.content == b"" and response["ETag"] == first
    assert api.get(url(article), HTTP_IF_NONE_MATCH=f'"x", W/{first}').status_code == 304
    etag_after(lambda: make_claim(article, "civic group", user=alice))
    etag_after(lambda: services.update_claim(user=alice, claim=claim, version=1, tags=["crime"]))
    link = []
    etag_after(lambda: link.append(services.link_claims(user=alice, from_claim=claim, to_claim=other,
                                                        relation="supports")))  # fmt: skip
    etag_after(lambda: services.delete_link(user=alice, link=link[0]))
    etag_after(lambda: services.delete_claim(user=alice, claim=other))
    etag_after(lambda: services.restore_claim(user=alice, claim=other))
    etag_after(lambda: Verdict.objects.create(claim=claim, rating="false", headline="No", state="published",
                                              author=alice))  # fmt: skip
    speaker = Speaker.objects.create(name="Someone")
    etag_after(lambda: services.update_speaker(user=alice, speaker=speaker, name="Someone else"))
    # Another user sees other `can_edit` values: another ETag.
    mine = api.get(url(article))["ETag"]
    api.force_login(erin)
    assert api.get(url(article), HTTP_IF_NONE_MATCH=mine).status_code == 200


def test_it_needs_a_login_and_an_article(api, alice, article):
    assert api.get(url(article)).status_code == 403
    api.force_login(alice)
    assert api.get("/api/articles/999999/claims/").status_code == 404
    assert api.get("/api/articles/x/claims/").status_code == 404


def test_past_the_limit_it_is_a_400_naming_the_limit_and_the_paginated_list(api, alice, article, settings):
    settings.FACTCHECK_ARTICLE_CLAIMS_MAX = 10
    many_claims(article, alice, 11)
    api.force_login(alice)
    response = api.get(url(article))
    assert response.status_code == 400
    assert "at most 10" in response.json()["detail"] and f"/api/claims/?article={article.pk}" in response.json()[
        "detail"]  # fmt: skip
    settings.FACTCHECK_ARTICLE_CLAIMS_MAX = 11
    assert api.get(url(article)).json()["count"] == 11


@pytest.mark.parametrize("count", [10, 1000])
def test_it_answers_in_the_same_queries_and_small_for_any_count(
    api, alice, bob, article, count, django_assert_num_queries
):
    claims = many_claims(article, alice, count)
    speakers = Speaker.objects.bulk_create([Speaker(name=f"Speaker {n}") for n in range(20)])
    for index, claim in enumerate(claims):
        claim.speaker = speakers[index % 20]
        claim.summary = "A summary of about this many characters, as the desk writes them."
    Claim.objects.bulk_update(claims, ["speaker", "summary"])
    tags = Tag.objects.bulk_create([Tag(name=f"tag-{n}") for n in range(5)])
    Claim.tags.through.objects.bulk_create([Claim.tags.through(claim=c, tag=tags[i % 5]) for i, c in enumerate(claims)])
    for a, b in zip(claims[:20:2], claims[1:20:2], strict=True):
        ClaimLink.objects.create(from_claim=a, to_claim=b, relation="supports", created_by=alice)
    Verdict.objects.create(claim=claims[0], rating="false", headline="No", state="published", author=bob)
    api.force_login(alice)
    api.get(url(article))
    # session, user, article (id only), state, user permissions (2), claims, tags, link counts, statuses
    with django_assert_num_queries(10):
        response = api.get(url(article))
    assert response.json()["count"] == count
    if count == 1000:
        assert len(response.content) < 200_000, len(response.content)
    with django_assert_num_queries(6):  # the 304: no claim read
        assert api.get(url(article), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_it_is_in_the_openapi_schema(api, alice):
    api.force_login(alice)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/articles/{id}/claims/" in schema and "CompactClaims" in schema
