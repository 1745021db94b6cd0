"""The links API: relate claims across articles; owners and editors unlink; rules come back as 400s."""

import pytest
from rest_framework.test import APIClient

from articles.models import ClaimLink

OTHER_BODY = "A spokeswoman for the civic group said the officers simply fled and left residents alone."


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def claims(article, make_article, make_claim, alice, carol, mayor):
    other = make_article(OTHER_BODY, title="Civic group answers the mayor")
    return (
        make_claim(article, "the officers made a tactical retreat", user=alice, speaker=mayor),
        make_claim(other, "the officers simply fled", user=carol),
    )


def link(api, user, from_claim, to_claim, relation="contradicts", note=""):
    api.force_login(user)
    return api.post(
        "/api/links/",
        {"from_claim": from_claim.pk, "to_claim": to_claim.pk, "relation": relation, "note": note},
        format="json",
    )


def test_it_links_claims_in_different_articles(api, alice, claims):
    response = link(api, alice, *claims, note="Retreat vs flight")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["relation"] == "contradicts" and body["relation_label"] == "contradicts"
    assert body["note"] == "Retreat vs flight"
    assert body["from_claim"]["speaker"] == "Bonifacio Bustamante"
    assert body["to_claim"]["article_title"] == "Civic group answers the mayor"
    assert body["to_claim"]["source"] == "Pacific Coast Herald"
    assert body["to_claim"]["reader_url"].endswith(f"#claim-{claims[1].pk}")
    assert body["can_delete"] is True


def test_it_shows_the_link_from_both_claims(api, alice, claims):
    link(api, alice, *claims)
    for claim in claims:
        results = api.get(f"/api/links/?claim={claim.pk}").json()["results"]
        assert len(results) == 1
        assert api.get(f"/api/claims/{claim.pk}/").json()["link_count"] == 1


def test_it_refuses_a_link_to_itself(api, alice, claims):
    response = link(api, alice, claims[0], claims[0])
    assert response.status_code == 400
    assert "itself" in response.json()["to_claim"][0]


def test_it_refuses_duplicates_including_reversed_symmetric_ones(api, alice, carol, claims):
    assert link(api, alice, *claims).status_code == 201
    again = link(api, alice, *claims)
    assert again.status_code == 400 and "already linked" in again.json()["relation"][0]
    reversed_ = link(APIClient(), carol, claims[1], claims[0])
    assert reversed_.status_code == 400
    assert ClaimLink.objects.count() == 1
    assert link(api, alice, claims[1], claims[0], relation="responds_to").status_code == 201


def test_it_refuses_an_unknown_relation_and_unknown_claims(api, alice, claims):
    bad = link(api, alice, *claims, relation="loves")
    assert bad.status_code == 400 and "Unknown relation" in bad.json()["relation"][0]
    response = api.post(
        "/api/links/", {"from_claim": claims[0].pk, "to_claim": 999999, "relation": "cites"}, format="json"
    )
    assert response.status_code == 400 and "no claim with id 999999" in response.json()["to_claim"][0]


def test_it_refuses_anonymous_links(api, claims):
    response = api.post(
        "/api/links/", {"from_claim": claims[0].pk, "to_claim": claims[1].pk, "relation": "cites"}, format="json"
    )
    assert response.status_code == 403
    assert api.get("/api/links/").status_code == 403


@pytest.fixture
def alices_link(api, alice, claims):
    return ClaimLink.objects.get(pk=link(APIClient(), alice, *claims).json()["id"])


def test_it_lets_the_owner_change_the_note_and_unlink(api, alice, alices_link):
    api.force_login(alice)
    response = api.patch(f"/api/links/{alices_link.pk}/", {"note": " updated "}, format="json")
    assert response.status_code == 200 and response.json()["note"] == "updated"
    assert api.delete(f"/api/links/{alices_link.pk}/").status_code == 204
    assert not ClaimLink.objects.exists()
    assert ClaimLink.history.filter(history_type="-").exists()


@pytest.mark.parametrize("persona", ["carol", "bob"])
def test_it_refuses_another_users_unlink_and_note(api, request, alices_link, persona):
    api.force_login(request.getfixturevalue(persona))
    assert api.delete(f"/api/links/{alices_link.pk}/").status_code == 403
    assert api.patch(f"/api/links/{alices_link.pk}/", {"note": "x"}, format="json").status_code == 403
    alices_link.refresh_from_db()
    assert alices_link.note == ""


def test_it_lets_an_editor_unlink_anyones_link(api, erin, alices_link):
    api.force_login(erin)
    assert api.delete(f"/api/links/{alices_link.pk}/").status_code == 204


def test_it_answers_404_for_bad_link_ids_and_403_for_anonymous(api, alice, alices_link):
    assert api.delete(f"/api/links/{alices_link.pk}/").status_code == 403
    api.force_login(alice)
    assert api.delete("/api/links/999999/").status_code == 404
    assert api.get("/api/links/999999/").status_code == 404


def test_it_hides_links_of_deleted_claims(api, alice, claims, alices_link):
    api.force_login(alice)
    api.delete(f"/api/claims/{claims[0].pk}/")
    assert api.get(f"/api/links/?claim={claims[1].pk}").json()["results"] == []
    assert api.get(f"/api/claims/{claims[1].pk}/").json()["link_count"] == 0


def test_it_lists_links_with_a_fixed_number_of_queries(
    api, alice, claims, make_claim, article, django_assert_num_queries
):
    extra = make_claim(article, "eight or ten deaths", user=alice)
    link(api, alice, *claims)
    link(api, alice, extra, claims[1], relation="supports")
    api.get("/api/links/")
    # session, user, count, links with both ends, user permissions (2)
    with django_assert_num_queries(6):
        response = api.get("/api/links/")
    assert len(response.json()["results"]) == 2
