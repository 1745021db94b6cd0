"""POST /api/imports/ starts an import job (202); GET /api/jobs/<id>/ reports its state, progress and items."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from articles.importing import article_files
from articles.models import Article, Job
from tests.jobs_helpers import run_queued_jobs

STORY = b"Night buses return to the east side\n\nThe city restores three night bus routes from Monday."


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


def test_it_starts_an_import_of_uploaded_files_and_answers_202(api, alice):
    files = [SimpleUploadedFile("buses.txt", STORY), SimpleUploadedFile("empty.txt", b"")]
    response = api.post("/api/imports/", {"files": files, "source": "East Side News"}, format="multipart")
    assert response.status_code == 202
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    body = response.json()
    assert (body["id"], body["state"], body["total"], body["done"], body["finished"]) == (job.pk, "queued", 2, 0, False)
    assert body["created_by"] == "alice"
    assert [item["name"] for item in body["items"]] == ["buses.txt", "empty.txt"]
    assert not Article.objects.exists()


def test_it_reports_progress_and_results_of_a_job(api, alice):
    api.post("/api/imports/", {"files": [SimpleUploadedFile("buses.txt", STORY), SimpleUploadedFile("e.txt", b"")]})
    [job] = run_queued_jobs()
    body = api.get(f"/api/jobs/{job.pk}/").json()
    article = Article.objects.get()
    assert (body["state"], body["state_label"], body["done"], body["failed"], body["percent"]) == (
        "partly_failed",
        "Partly failed",
        2,
        1,
        100,
    )
    assert body["finished"] is True and body["finished_at"]
    buses, empty = body["items"]
    assert (buses["state"], buses["outcome"], buses["article"]) == ("done", "imported", article.pk)
    assert buses["article_url"] == f"/articles/{article.pk}/"
    assert (empty["state"], empty["error"]) == ("failed", "e.txt is empty (0 bytes).")


def test_it_takes_addresses_as_a_json_list(api, monkeypatch):
    monkeypatch.setattr(article_files, "import_url", lambda url, options: None, raising=False)
    response = api.post(
        "/api/imports/", {"urls": ["https://a.example.org/1", "https://a.example.org/2"]}, format="json"
    )
    assert response.status_code == 202
    assert [item["name"] for item in response.json()["items"]] == ["https://a.example.org/1", "https://a.example.org/2"]


@pytest.mark.parametrize(
    ("data", "fmt", "field", "message"),
    [
        ({}, "json", "items", "Give at least one file or URL."),
        ({"urls": "ftp://a.example.org/"}, "json", "urls", "'ftp://a.example.org/' is not an http(s) address."),
        ({"urls": [1, 2]}, "json", "urls", "Give the addresses as a list of strings."),
        ({"files": [SimpleUploadedFile("a.pdf", b"%PDF")]}, "multipart", "files",
         "a.pdf: only .txt, .html and .htm files can be imported."),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_import_with_400_and_a_message(api, data, fmt, field, message):
    response = api.post("/api/imports/", data, format=fmt)
    assert response.status_code == 400
    assert message in response.json()[field]
    assert not Job.objects.exists()


def test_it_hides_other_peoples_jobs_but_shows_them_to_editors(api, carol, erin):
    other = APIClient()
    other.force_authenticate(carol)
    job_id = other.post("/api/imports/", {"files": [SimpleUploadedFile("a.txt", STORY)]}).json()["id"]
    assert api.get(f"/api/jobs/{job_id}/").status_code == 404
    editor = APIClient()
    editor.force_authenticate(erin)
    assert editor.get(f"/api/jobs/{job_id}/").status_code == 200
    assert api.get("/api/jobs/").json()["results"] == []
    assert [job["id"] for job in other.get("/api/jobs/").json()["results"]] == [job_id]


def test_it_refuses_anonymous_callers_and_users_who_may_not_import(db):
    from django.contrib.auth.models import User

    assert APIClient().post("/api/imports/", {"urls": ["https://a.example.org/"]}, format="json").status_code == 403
    viewer = APIClient()
    viewer.force_authenticate(User.objects.create_user("viewer"))
    response = viewer.post("/api/imports/", {"urls": ["https://a.example.org/"]}, format="json")
    assert response.status_code == 403 and "may not import" in response.json()["detail"]
