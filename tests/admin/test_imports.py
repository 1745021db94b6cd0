"""The admin's Import articles page: upload (a background job), preview, refusals, permissions."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.importing import article_files
from articles.models import Article, Job, Source
from tests.conftest import PASSWORD
from tests.jobs_helpers import run_queued_jobs

IMPORT_URL = reverse("admin:articles_article_import")
CHANGELIST_URL = reverse("admin:articles_article_changelist")

STORY = """Night buses return to the east side

By Priya Lindqvist

Night buses will run again on three east-side routes from Monday, the transit agency said on Wednesday.

Share on Facebook Tweet Email

The routes were cut in 2022 when the agency could not hire enough drivers, a spokesperson said.
"""

HOSTILE = """<script>alert("title")</script> Mayor opens <img src=x onerror=alert(1)> library

The new library on Quay Street opened on Saturday with 40,000 books, the mayor said.
"""


def upload(name: str, content: str | bytes, content_type: str = "text/plain") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type=content_type)


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def viewer(db):
    """Staff who may read articles in the admin but not add them."""
    user = User.objects.create_user("victor", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    return user


def test_it_shows_the_import_button_to_an_editor(client, erin):
    client.force_login(erin)
    response = client.get(CHANGELIST_URL)
    assert response.status_code == 200
    assert f'href="{IMPORT_URL}"' in response.content.decode()


def test_it_hides_the_import_button_without_add_permission(client, viewer):
    client.force_login(viewer)
    response = client.get(CHANGELIST_URL)
    assert response.status_code == 200
    assert IMPORT_URL not in response.content.decode()


def test_it_shows_the_upload_form(client, erin, django_assert_num_queries):
    client.force_login(erin)
    with django_assert_num_queries(4):  # session, user, user and group permissions
        response = client.get(IMPORT_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="files"' in page and "multiple" in page
    assert "csrfmiddlewaretoken" in page


def test_it_imports_uploaded_files_as_the_editor(client, erin):
    client.force_login(erin)
    html = (
        "<html><body><article><h1>Pool reopens</h1><p>The Westgate pool reopened on Friday after a "
        "two-year refit that cost 3.1 million euros, the council said.</p></article>"
        "<div class='ad-slot'>Advertisement</div></body></html>"
    )
    response = client.post(
        IMPORT_URL,
        {"files": [upload("buses.txt", STORY), upload("pool.html", html, "text/html")], "source": "East Side News"},
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()  # answered at once: the job's page shows its progress
    assert texts(response) == [f"The import runs in the background as job #{job.pk}; this page shows its progress."]
    assert not Article.objects.exists()
    run_queued_jobs()
    buses = Article.objects.get(raw_format="text")
    assert (buses.title, buses.byline, buses.added_by, buses.raw) == (
        "Night buses return to the east side",
        "Priya Lindqvist",
        erin,
        STORY,
    )
    assert buses.source == Source.objects.get(name="East Side News")
    assert Article.objects.get(raw_format="html").title == "Pool reopens"
    first = job.items.get(position=1)
    assert first.message.startswith(f"imported as article #{buses.pk} “Night buses return to the east side”")
    assert "dropped 1 line of boilerplate: 1 share widget" in first.message


def test_it_lets_an_annotator_import(client, alice):
    client.force_login(alice)
    response = client.post(IMPORT_URL, {"files": [upload("buses.txt", STORY)]})
    assert response.status_code == 302
    run_queued_jobs()
    assert Article.objects.get().added_by == alice


def test_it_reports_duplicates_and_broken_files_and_imports_the_rest(client, erin):
    client.force_login(erin)
    client.post(IMPORT_URL, {"files": [upload("buses.txt", STORY)]}, follow=True)  # the job page shows its messages
    run_queued_jobs()
    response = client.post(
        IMPORT_URL,
        {
            "files": [
                upload("buses-again.txt", STORY),
                upload("latin1.txt", "Caf\xe9 closes".encode("latin-1")),
                upload("empty.txt", b""),
                upload("library.txt", "Library opens\n\nThe library opened on Saturday, the mayor said.\n"),
            ]
        },
    )
    assert response.status_code == 302
    [job] = run_queued_jobs()
    again, latin1, empty, library = job.items.order_by("position")
    assert again.message.startswith("duplicate: already imported as article #")
    assert latin1.error.startswith("latin1.txt is not UTF-8 text (byte 0xe9 at position 3")
    assert empty.error == "empty.txt is empty (0 bytes)."
    assert library.message.startswith("imported as article #")
    assert (job.state, job.done_count, job.failed_count) == ("partly_failed", 4, 2)
    assert Article.objects.count() == 2


def test_it_previews_without_storing(client, erin):
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"files": [upload("buses.txt", STORY)], "dry_run": "on", "source": "X"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview — nothing was stored" in page
    assert "buses.txt: would import “Night buses return to the east side”" in page
    assert "<em>share widget</em>: Share on Facebook Tweet Email" in page
    assert not Article.objects.exists()
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("files", "fields", "error"),
    [
        ([], {}, "Choose files or paste addresses to import."),
        (
            [upload("a.txt", STORY)],
            {"urls": "https://news.example.org/a", "dry_run": "on"},
            "A preview reads files only",
        ),
        ([], {"urls": "file:///etc/passwd"}, "'file:///etc/passwd' is not an http(s) address."),
        ([upload("story.pdf", b"%PDF-1.7")], {}, "story.pdf: only .txt, .html and .htm files can be imported."),
        (
            [upload("a.txt", STORY), upload("b.txt", HOSTILE)],
            {"url": "https://news.example.org/a"},
            "A URL names one article; give it only when importing one file.",
        ),
        ([upload("a.txt", STORY)], {"url": "javascript:alert(1)"}, "Enter a valid URL."),
        ([upload("a.txt", STORY)], {"language": "not a code"}, "is not a language code such as en, es or pt-BR."),
    ],
)
def test_it_refuses_an_invalid_upload_with_a_message(client, erin, files, fields, error):
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"files": files, **fields})
    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    assert not Article.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(client, erin, monkeypatch):
    monkeypatch.setattr(article_files, "MAX_FILE_BYTES", 1024 * 1024)
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"files": [upload("huge.txt", "word " * 300_000)]})
    assert "huge.txt is 1.4 MB; the limit is 1 MB per file." in response.content.decode()
    assert not Article.objects.exists()


def test_it_escapes_hostile_text_in_the_report(client, erin):
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"files": [upload("hostile.txt", HOSTILE)]})
    run_queued_jobs()
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(" in page
    assert '<script>alert("title")' not in page
    assert "<img src=x" not in page


def test_it_refuses_a_user_without_add_permission(client, viewer):
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"files": [upload("buses.txt", STORY)]}).status_code == 403
    assert not Article.objects.exists()


def test_it_sends_anonymous_users_to_the_login(client, db):
    response = client.post(IMPORT_URL, {"files": [upload("buses.txt", STORY)]})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert not Article.objects.exists()


def test_it_requires_the_csrf_token(erin):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"files": [upload("buses.txt", STORY)]})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_it_keeps_the_other_input_and_asks_for_the_files_again_after_an_error(client, erin):
    client.force_login(erin)
    response = client.post(
        IMPORT_URL,
        {"files": [upload("a.txt", STORY), upload("b.txt", HOSTILE)], "url": "https://news.example.org/a",
         "source": "Harbour <Gazette>", "language": "es"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Harbour &lt;Gazette&gt;"' in page and 'value="es"' in page
    assert 'value="https://news.example.org/a"' in page
    assert "choose the files again" in page and "(a.txt, b.txt)" in page
    assert not Article.objects.exists()


def test_it_reports_a_date_line_it_kept_as_the_published_date(client, erin):
    client.force_login(erin)
    story = STORY.replace("By Priya Lindqvist\n", "By Priya Lindqvist\n\n2016-02-20\n")
    client.post(IMPORT_URL, {"files": [upload("buses.txt", story)]})
    from articles import services
    from articles.importing.jobs import RUNNERS
    from articles.models import Job

    job = Job.objects.get()
    services.run_job(job.pk, worker="test", runners=RUNNERS)
    assert Article.objects.get().published.isoformat() == "2016-02-20"
    item = job.items.get()
    assert "2016-02-20" in item.message, item.message
