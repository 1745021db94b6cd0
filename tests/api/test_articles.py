"""The articles API: read-only, searchable, filterable; and the OpenAPI schema."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


def test_it_lists_articles_without_their_text(api, alice, article, make_claim):
    make_claim(article, "The mayor said", user=alice)
    api.force_login(alice)
    results = api.get("/api/articles/").json()["results"]
    assert results[0]["title"] == article.title
    assert results[0]["claim_count"] == 1
    assert "body" not in results[0]


def test_it_reads_one_article_with_its_text_and_length_in_code_points(api, alice, make_article):
    article = make_article("Emoji 👮 count as one character.")
    api.force_login(alice)
    body = api.get(f"/api/articles/{article.pk}/").json()
    assert body["body"] == article.body
    assert body["body_length"] == len(article.body) == len(article.body.encode("utf-16-le")) // 2 - 1


def test_it_searches_and_filters_articles(api, alice, article, make_article):
    make_article("Another text about the governor's decree.", title="Decree")
    api.force_login(alice)
    assert [a["title"] for a in api.get("/api/articles/?q=governor decree").json()["results"]] == ["Decree"]
    assert len(api.get("/api/articles/?has_claims=false").json()["results"]) == 2
    assert api.get("/api/articles/?source=999999").status_code == 400


def test_it_refuses_writes_anonymous_users_and_bad_ids(api, alice, article):
    assert api.get("/api/articles/").status_code == 403
    api.force_login(alice)
    assert api.post("/api/articles/", {"title": "x"}, format="json").status_code == 405
    assert api.delete(f"/api/articles/{article.pk}/").status_code == 405
    assert api.get("/api/articles/999999/").status_code == 404


def test_it_serves_the_openapi_schema_to_logged_in_users(api, alice):
    assert api.get("/api/schema/").status_code == 403
    api.force_login(alice)
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/articles/", "/api/claims/", "/api/claims/{id}/restore/", "/api/links/", "/api/speakers/"):
        assert path in paths
