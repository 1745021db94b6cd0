"""The desk's import page, the job page and the list of my jobs."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.importing import article_files
from articles.importing import jobs as import_jobs
from articles.models import Article, Job
from tests.jobs_helpers import run_queued_jobs

IMPORT_URL = reverse("articles:import")
STORY = b"Night buses return to the east side\n\nThe city restores three night bus routes from Monday."


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def a_job(user, uploads=(("buses.txt", STORY),)):
    return import_jobs.start_import(user=user, uploads=uploads, options=article_files.ImportOptions(user=user))


def test_it_links_the_import_page_and_my_jobs_from_the_top_bar(client, alice):
    client.force_login(alice)
    page = client.get(reverse("articles:article_list")).content.decode()
    assert f'href="{IMPORT_URL}"' in page and f'href="{reverse("articles:job_list")}"' in page


def test_it_shows_the_import_form(client, alice):
    client.force_login(alice)
    page = client.get(IMPORT_URL).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file" name="files"' in page and "multiple" in page
    assert '<textarea name="urls"' in page and "csrfmiddlewaretoken" in page


def test_it_starts_a_job_and_answers_at_once_with_its_page(client, alice, monkeypatch):
    monkeypatch.setattr(article_files, "import_url", lambda url, options: None, raising=False)
    client.force_login(alice)
    response = client.post(
        IMPORT_URL,
        {
            "files": [upload("buses.txt", STORY), upload("empty.txt", b"")],
            "urls": "https://news.example.org/a\n\n  https://news.example.org/b  \n",
            "source": "East Side News",
        },
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert not Article.objects.exists()  # nothing imported in the request
    assert [item.name for item in job.items.order_by("position")] == [
        "buses.txt",
        "empty.txt",
        "https://news.example.org/a",
        "https://news.example.org/b",
    ]
    assert (job.created_by, job.total, job.options["source_name"]) == (alice, 4, "East Side News")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose files or paste addresses to import."),
        ({"urls": "not an address"}, "&#x27;not an address&#x27; is not an http(s) address."),
        ({"files": [upload("notes.pdf", b"%PDF")]}, "notes.pdf: only .txt, .html and .htm files can be imported."),
        ({"files": [upload("a.txt", STORY)], "language": "!!"}, "&#x27;!!&#x27; is not a language code"),
    ],
)
def test_it_refuses_a_bad_import_with_a_message(client, alice, data, error):
    client.force_login(alice)
    response = client.post(IMPORT_URL, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Job.objects.exists()


def test_it_keeps_the_import_page_from_users_who_may_not_add_articles(client, db):
    from django.contrib.auth.models import User

    viewer = User.objects.create_user("viewer", password="x")
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"files": [upload("a.txt", STORY)]}).status_code == 403


def test_it_sends_anonymous_users_to_the_login(client, db):
    for url in (IMPORT_URL, reverse("articles:job_list"), "/jobs/1/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_shows_a_job_with_progress_and_each_result(client, alice, django_assert_num_queries):
    job = a_job(alice, [("buses.txt", STORY), ("<b>broken</b>.txt", b"")])
    run_queued_jobs()
    client.force_login(alice)
    with django_assert_num_queries(
        8
    ):  # session, user, 2 x permissions (editor?), the job with its starter, items, top-bar counts (2)
        response = client.get(job.get_absolute_url())
    page = response.content.decode()
    article = Article.objects.get()
    assert "Partly failed" in page and "2 of 2" in page and '<progress id="job-bar" max="2" value="2">' in page
    assert "Started by alice" in page
    assert f'<a href="/articles/{article.pk}/">imported as article #{article.pk}' in page
    assert "&lt;b&gt;broken&lt;/b&gt;.txt is empty (0 bytes)." in page and "<b>broken" not in page
    assert f'data-status-url="/api/jobs/{job.pk}/"' in page
    assert re.search(r'<script src="/static/articles/job_progress.js" defer></script>', page)
    assert "<script>" not in page  # no inline script: a strict CSP is coming


def test_it_shows_a_queued_job_as_waiting(client, alice):
    job = a_job(alice)
    client.force_login(alice)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Queued" in page and "0 of 1" in page and "waiting" in page and 'data-finished="false"' in page


def test_it_shows_a_job_to_editors_and_superusers_and_hides_it_from_others(client, alice, carol, erin, root):
    job = a_job(alice)
    for user, status in ((alice, 200), (erin, 200), (root, 200), (carol, 404)):
        client.force_login(user)
        assert client.get(job.get_absolute_url()).status_code == status, user
    client.force_login(alice)
    assert client.get("/jobs/99999/").status_code == 404


def test_it_lists_my_jobs_only(client, alice, carol, django_assert_num_queries):
    mine = [a_job(alice), a_job(alice, [("b.txt", b"B\n\nbody b")])]
    theirs = a_job(carol)
    client.force_login(alice)
    with django_assert_num_queries(
        8
    ):  # session, user, count, 2 x permissions (import button), page of jobs, top-bar counts (2)
        page = client.get(reverse("articles:job_list")).content.decode()
    for job in mine:
        assert f'href="/jobs/{job.pk}/"' in page
    assert f'href="/jobs/{theirs.pk}/"' not in page
    assert "0 of 1" in page
