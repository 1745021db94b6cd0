"""The speakers API: shared records; annotators add and rename, editors delete unused ones."""

import pytest
from rest_framework.test import APIClient

from articles.models import Speaker


@pytest.fixture
def api():
    return APIClient()


def test_it_creates_and_reuses_a_speaker(api, alice):
    api.force_login(alice)
    first = api.post("/api/speakers/", {"name": " Ana Morera ", "description": "spokeswoman"}, format="json")
    assert first.status_code == 201 and first.json()["name"] == "Ana Morera"
    again = api.post("/api/speakers/", {"name": "Ana Morera", "description": "spokeswoman"}, format="json")
    assert again.json()["id"] == first.json()["id"]


def test_it_refuses_an_empty_or_overlong_name(api, alice):
    api.force_login(alice)
    assert "name" in api.post("/api/speakers/", {"name": "   "}, format="json").json()
    long = api.post("/api/speakers/", {"name": "x" * 201}, format="json")
    assert long.status_code == 400 and "limit is 200" in long.json()["name"][0]


def test_it_searches_speakers(api, alice, mayor):
    Speaker.objects.create(name="Ana Morera")
    api.force_login(alice)
    results = api.get("/api/speakers/?q=escuinapa").json()["results"]
    assert [s["name"] for s in results] == ["Bonifacio Bustamante"]


def test_it_renames_a_speaker_and_refuses_a_taken_name(api, alice, mayor):
    Speaker.objects.create(name="Ana Morera")
    api.force_login(alice)
    renamed = api.patch(f"/api/speakers/{mayor.pk}/", {"affiliation": "Town hall"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["affiliation"] == "Town hall"
    taken = api.patch(f"/api/speakers/{mayor.pk}/", {"name": "Ana Morera", "description": ""}, format="json")
    assert taken.status_code == 400 and "already has this name" in taken.json()["name"][0]


def test_it_lets_only_editors_delete_and_only_unused_speakers(api, alice, erin, mayor, article, make_claim):
    api.force_login(alice)
    assert api.delete(f"/api/speakers/{mayor.pk}/").status_code == 403
    make_claim(article, "The mayor said", user=alice, speaker=mayor)
    api.force_login(erin)
    used = api.delete(f"/api/speakers/{mayor.pk}/")
    assert used.status_code == 400 and "reassign" in used.json()["detail"][0]
    unused = Speaker.objects.create(name="Nobody Cited")
    assert api.delete(f"/api/speakers/{unused.pk}/").status_code == 204


def test_it_refuses_anonymous_and_answers_404_for_bad_ids(api, alice, mayor):
    assert api.get("/api/speakers/").status_code == 403
    assert api.post("/api/speakers/", {"name": "X"}, format="json").status_code == 403
    api.force_login(alice)
    assert api.get("/api/speakers/999999/").status_code == 404
    assert api.patch("/api/speakers/999999/", {"name": "X"}, format="json").status_code == 404


def test_it_renders_hostile_names_as_plain_json(api, alice):
    api.force_login(alice)
    name = '<img src=x onerror="alert(1)">'
    response = api.post("/api/speakers/", {"name": name}, format="json")
    assert response.json()["name"] == name
    assert response["Content-Type"].startswith("application/json")
