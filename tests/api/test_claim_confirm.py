"""POST /api/claims/<id>/confirm/: a reviewer confirms a relocated claim; PATCH with a span re-attaches one."""

import pytest

from articles import services
from articles.models import Claim
from tests.conftest import ARTICLE_BODY

DEATHS = "eight or ten deaths"


@pytest.fixture
def relocated(article, alice, make_claim):
    claim = make_claim(article, DEATHS, user=alice)
    services.revise_article(user=None, article=article, body=ARTICLE_BODY.replace("ten deaths", "10 deaths"),
                            reason="outlet corrected the toll")  # fmt: skip
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.anchor_state == "relocated"
    return claim


def confirm(client, claim, version=None):
    payload = {"version": claim.version if version is None else version}
    return client.post(f"/api/claims/{claim.pk}/confirm/", payload, content_type="application/json")


def test_it_lets_the_owner_confirm_a_relocation(client, alice, relocated):
    client.force_login(alice)
    response = confirm(client, relocated)
    assert response.status_code == 200
    body = response.json()
    assert (body["anchor_state"], body["start"], body["quote"], body["version"]) == (
        "anchored", relocated.start, "eight or 10 deaths", relocated.version + 1
    )  # fmt: skip


def test_it_lets_an_editor_confirm_anyones_relocation(client, erin, relocated):
    client.force_login(erin)
    assert confirm(client, relocated).status_code == 200


def test_it_refuses_another_annotator(client, carol, relocated):
    client.force_login(carol)
    assert confirm(client, relocated).status_code == 403
    assert Claim.objects.get(pk=relocated.pk).anchor_state == "relocated"


def test_it_refuses_anonymous_users(client, relocated):
    assert confirm(client, relocated).status_code in (401, 403)


def test_it_answers_404_for_a_bad_id(client, alice, relocated):
    client.force_login(alice)
    response = client.post("/api/claims/999999/confirm/", {"version": 1}, content_type="application/json")
    assert response.status_code == 404


def test_it_answers_409_with_the_current_claim_for_a_stale_version(client, alice, relocated):
    client.force_login(alice)
    response = confirm(client, relocated, version=relocated.version - 1)
    assert response.status_code == 409
    assert response.json()["current"]["version"] == relocated.version


def test_it_answers_400_for_a_claim_that_is_not_relocated_or_a_missing_version(client, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    client.force_login(alice)
    response = confirm(client, claim)
    assert response.status_code == 400 and "Only a relocated claim" in str(response.json())
    response = client.post(f"/api/claims/{claim.pk}/confirm/", {}, content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()


def test_it_reattaches_an_orphaned_claim_by_patching_its_span(client, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    edited = ARTICLE_BODY.replace("a tactical retreat", "an orderly withdrawal")
    services.revise_article(user=None, article=article, body=edited, reason="rewritten")
    orphan = Claim.objects.get(pk=claim.pk)
    assert orphan.anchor_state == "orphaned"
    client.force_login(alice)
    start = edited.index("orderly withdrawal")
    payload = {"version": orphan.version, "start": start, "end": start + 18, "quote": "orderly withdrawal"}
    response = client.patch(f"/api/claims/{claim.pk}/", payload, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["anchor_state"], response.json()["start"]) == ("anchored", start)
