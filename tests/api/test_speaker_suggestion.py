"""POST /api/articles/<id>/speaker-suggestion/: the suggested speaker of a span, stored with its provenance."""

import pytest
from rest_framework.test import APIClient

from articles import services
from articles.models import SpeakerSuggestion

BODY = (
    "Police in the coastal town of Escuinapa ran from gunmen on Monday.\n\n"
    '"We could have had eight or ten deaths," said the mayor of Escuinapa.\n\n'
    "The state recorded 1,200 murders last year."
)
QUOTE = "We could have had eight or ten deaths"


@pytest.fixture
def api():
    return APIClient()


def url(article):
    return f"/api/articles/{article.pk}/speaker-suggestion/"


def span(quote=QUOTE):
    start = BODY.index(quote)
    return {"start": start, "end": start + len(quote)}


def test_it_suggests_a_known_speaker_by_alias(api, alice, mayor, make_article):
    services.add_alias(user=alice, speaker=mayor, alias="the mayor")
    article = make_article(BODY)
    api.force_login(alice)
    response = api.post(url(article), span(), format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["speaker_id"] == mayor.pk and data["speaker"]["label"] == str(mayor)
    assert data["name"] == "the mayor of Escuinapa" and "said" in data["cue"] and 0 < data["score"] <= 1
    assert data["model"]["model_version"].startswith("3.8.0") and len(data["model"]["model_sha256"]) == 64
    stored = SpeakerSuggestion.objects.get(pk=data["id"])
    assert stored.article == article and stored.speaker == mayor and stored.accepted is None


def test_an_unknown_speaker_is_suggested_by_name(api, alice, make_article):
    api.force_login(alice)
    data = api.post(url(make_article(BODY)), span(), format="json").json()
    assert data["speaker_id"] is None and data["name"] == "the mayor of Escuinapa"


def test_no_attribution_is_an_empty_suggestion(api, alice, make_article):
    api.force_login(alice)
    data = api.post(url(make_article(BODY)), span("1,200 murders"), format="json").json()
    assert data["id"] is None and data["name"] == "" and not SpeakerSuggestion.objects.exists()


def test_saving_the_claim_records_whether_the_suggestion_was_kept(api, alice, mayor, make_article):
    services.add_alias(user=alice, speaker=mayor, alias="the mayor")
    article = make_article(BODY)
    api.force_login(alice)
    kept = api.post(url(article), span(), format="json").json()
    claim = {"article": article.pk, **span(), "quote": QUOTE, "speaker": mayor.pk, "speaker_suggestion": kept["id"]}
    created = api.post("/api/claims/", claim, format="json")
    assert created.status_code == 201, created.content
    suggestion = SpeakerSuggestion.objects.get(pk=kept["id"])
    assert suggestion.accepted is True and suggestion.claim_id == created.json()["id"]
    # The same suggestion cannot be settled twice; another one, changed by the reviewer, is not accepted.
    again = api.post("/api/claims/", claim, format="json")
    assert again.status_code == 400 and "speaker_suggestion" in again.json()
    changed = api.post(url(article), span(), format="json").json()
    claim.update(speaker_suggestion=changed["id"], speaker=None, new_speaker={"name": "Ana Morera"})
    del claim["speaker"]
    assert api.post("/api/claims/", claim, format="json").status_code == 201
    assert SpeakerSuggestion.objects.get(pk=changed["id"]).accepted is False


def test_a_new_speaker_named_as_suggested_counts_as_accepted(api, alice, make_article):
    article = make_article(BODY)
    api.force_login(alice)
    suggestion = api.post(url(article), span(), format="json").json()
    claim = {"article": article.pk, **span(), "quote": QUOTE, "new_speaker": {"name": "The Mayor of Escuinapa"}}
    claim["speaker_suggestion"] = suggestion["id"]
    assert api.post("/api/claims/", claim, format="json").status_code == 201
    assert SpeakerSuggestion.objects.get(pk=suggestion["id"]).accepted is True


def test_it_checks_login_role_article_and_span(api, alice, make_article, django_user_model):
    article = make_article(BODY)
    assert api.post(url(article), span(), format="json").status_code in (401, 403)
    api.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert api.post(url(article), span(), format="json").status_code == 403  # no role: may not add claims
    api.force_login(alice)
    assert api.post("/api/articles/999999/speaker-suggestion/", span(), format="json").status_code == 404
    outside = api.post(url(article), {"start": 5, "end": len(BODY) + 1}, format="json")
    assert outside.status_code == 400 and "not inside" in outside.json()["end"][0]
    assert api.post(url(article), {"start": 9, "end": 3}, format="json").status_code == 400
    assert api.post(url(article), {"start": "x", "end": 3}, format="json").status_code == 400
    assert api.get(url(article)).status_code == 405


def test_a_missing_model_is_a_503_saying_so(api, alice, make_article, monkeypatch):
    from articles.suggesting import speakers

    monkeypatch.setattr(speakers, "check_installed", lambda: "the Python package 'spacy' is not installed")
    api.force_login(alice)
    response = api.post(url(make_article(BODY)), span(), format="json")
    assert response.status_code == 503 and "spacy" in response.json()["detail"]


def test_it_is_idempotent_with_a_key(api, alice, make_article):
    article = make_article(BODY)
    api.force_login(alice)
    first = api.post(url(article), span(), format="json", HTTP_IDEMPOTENCY_KEY="k-1").json()
    second = api.post(url(article), span(), format="json", HTTP_IDEMPOTENCY_KEY="k-1").json()
    assert first == second and SpeakerSuggestion.objects.count() == 1
