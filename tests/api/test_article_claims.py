"""GET /api/articles/<id>/claims/: every live claim of an article in one compact answer, with an ETag."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from articles import services
from articles.models import Claim, ClaimLink, Speaker, Tag, Verdict
from articles.queries import article_rows, expand_compact
from tests.verdict_helpers import make_verdict
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


def test_the_cached_answer_follows_every_change_that_changes_it(
    api, alice, bob, carol, erin, frank, article, make_article, make_claim, mayor
):
    claim = make_claim(article, QUOTE, user=alice, speaker=mayor, tags=["police"])
    other = make_claim(article, "eight or ten deaths", user=alice)
    elsewhere = make_claim(make_article("Other text entirely."), "Other text", user=carol)
    api.force_login(alice)

    def claims():
        """The answer (cached after the first call), expanded, by claim id; the ETag must follow it."""
        response = api.get(url(article))
        assert response.status_code == 200
        body = type(article).objects.get(pk=article.pk).body
        return response["ETag"], {c["id"]: c for c in expand_compact(response.json(), body)}

    def after(change, check):
        before = claims()[0]  # built and cached before the change
        change()
        etag, now = claims()
        assert etag != before, change
        assert check(now), now

    after(lambda: make_claim(article, "civic group", user=alice), lambda now: len(now) == 3)
    after(lambda: services.update_claim(user=alice, claim=claim, version=1, summary="Retreat", tags=["crime"]),
          lambda now: (now[claim.pk]["summary"], now[claim.pk]["tags"]) == ("Retreat", ["crime"]))  # fmt: skip
    after(lambda: services.delete_claim(user=alice, claim=other), lambda now: other.pk not in now)
    after(lambda: services.restore_claim(user=alice, claim=other), lambda now: other.pk in now)
    link = []
    after(lambda: link.append(services.link_claims(user=alice, from_claim=claim, to_claim=other, relation="supports")),
          lambda now: now[claim.pk]["link_count"] == 1 == now[other.pk]["link_count"])  # fmt: skip
    after(lambda: services.delete_link(user=alice, link=link[0]), lambda now: now[claim.pk]["link_count"] == 0)
    after(lambda: services.link_claims(user=carol, from_claim=elsewhere, to_claim=claim, relation="cites"),
          lambda now: now[claim.pk]["link_count"] == 1)  # fmt: skip
    # The far end of a link, in another article: its deletion and restoration change the link count here.
    after(lambda: services.delete_claim(user=carol, claim=elsewhere), lambda now: now[claim.pk]["link_count"] == 0)
    after(lambda: services.restore_claim(user=carol, claim=elsewhere), lambda now: now[claim.pk]["link_count"] == 1)
    verdict = []
    after(lambda: verdict.append(make_verdict(other, author=bob, editor=erin, state=Verdict.State.IN_REVIEW)),
          lambda now: now[other.pk]["status"]["code"] == "in_review")  # fmt: skip
    after(lambda: services.request_changes(user=frank, verdict=verdict[0], reason="Name the register."),
          lambda now: now[other.pk]["status"]["reason"] == "Name the register.")  # fmt: skip
    after(lambda: make_verdict(claim, author=bob, editor=erin, state=Verdict.State.PUBLISHED, rating="false"),
          lambda now: now[claim.pk]["verdict"]["rating"] == "false")  # fmt: skip
    after(lambda: services.update_speaker(user=erin, speaker=mayor, description="former mayor"),
          lambda now: now[claim.pk]["speaker"]["description"] == "former mayor")  # fmt: skip
    after(
        lambda: Tag.objects.filter(name="crime").update(name="crimes"), lambda now: now[claim.pk]["tags"] == ["crimes"]
    )
    after(lambda: type(alice).objects.filter(pk=alice.pk).update(username="alice2"),
          lambda now: now[claim.pk]["created_by"] == "alice2")  # fmt: skip
    alice.refresh_from_db()
    api.force_login(alice)
    # A new text: the quotes that read as the text at their offsets are null, the others spelled out.
    revised = "Breaking: " + article.body
    after(lambda: services.revise_article(user=erin, article=article, body=revised, reason="outlet added a heading"),
          lambda now: now[claim.pk]["start"] == len("Breaking: ") + claim.start)  # fmt: skip


def test_the_cached_answer_is_each_users_own_where_their_permissions_differ(
    api, alice, bob, carol, erin, frank, article, make_claim
):
    make_claim(article, QUOTE, user=alice)
    answers = {}
    for persona in (alice, carol, bob, erin, frank):
        api.force_login(persona)
        response = api.get(url(article))
        answers[persona.username] = (response["ETag"], expand_compact(response.json(), article.body)[0])
    # Annotators edit their own claims; editors anyone's (one answer for both editors); fact-checkers get the
    # verdict step.
    assert answers["alice"][1]["can_edit"] is True and answers["carol"][1]["can_edit"] is False
    assert answers["alice"][0] != answers["carol"][0]
    assert answers["erin"][1]["can_edit"] is True and answers["erin"][0] == answers["frank"][0]
    assert answers["bob"][1]["verdict_action"]["label"] == "Write verdict"
    assert answers["alice"][1]["verdict_action"] is None
    # A change of role changes the answer at once (permissions are read on every request).
    carol.groups.set([Group.objects.get(name="Editor")])
    api.force_login(type(carol).objects.get(pk=carol.pk))
    response = api.get(url(article))
    assert response["ETag"] == answers["erin"][0] and expand_compact(response.json(), article.body)[0]["can_edit"]


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
    cache.clear()
    # session, user, article (id only), user permissions (one query), state, claims (their tags in the same rows),
    # link counts, statuses
    with django_assert_num_queries(8):
        response = api.get(url(article))
    assert response.json()["count"] == count
    if count == 1000:
        assert len(response.content) < 200_000, len(response.content)
    with django_assert_num_queries(5):  # built already: the cached answer, no claim read
        assert api.get(url(article)).content == response.content
    with django_assert_num_queries(5):  # the 304
        assert api.get(url(article), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_it_is_in_the_openapi_schema(api, alice):
    api.force_login(alice)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/articles/{id}/claims/" in schema and "CompactClaims" in schema


def test_each_article_gets_its_own_claims_links_and_statuses(api, alice, bob, article, make_article, make_claim):
    """The statements are compiled once and run with each article's id: nothing of the first article asked for
    shows in the second's answer, nor the other way."""
    other = make_article("Other text entirely, with its own claim.")
    here = make_claim(article, "tactical retreat", user=alice)
    there = make_claim(other, "its own claim", user=bob)
    services.link_claims(user=alice, from_claim=here, to_claim=there, relation="supports")
    Verdict.objects.create(claim=there, rating="false", headline="No", state="published", author=bob)
    api.force_login(alice)
    for order in ([(article, here), (other, there)], [(other, there), (article, here)]):
        cache.clear()
        for asked, claim in order:
            claims = expand_compact(api.get(url(asked), {"quotes": "all"}).json())
            assert [c["id"] for c in claims] == [claim.pk] and claims[0]["link_count"] == 1
            assert (claims[0]["verdict"] is not None) == (claim == there)


@pytest.mark.django_db
def test_a_compiled_statement_must_take_the_article_id():
    with pytest.raises(ValueError, match="article's id"):
        article_rows(lambda article_pk: Claim.objects.values_list("id"), 1)
