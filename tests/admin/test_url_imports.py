"""The admin's Import articles page with pasted addresses: a background job that fetches each one, refusing
what is not public unless the allow-list names it (the job is run here in-process, as a worker would)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from articles import services
from articles.importing.jobs import RUNNERS
from articles.models import Article, Job
from tests.admin.test_imports import IMPORT_URL, STORY
from tests.importing.test_import_url import BRIDGE, MARKET


def run_started_job(response) -> list[tuple[str, str, str]]:
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    services.run_job(job.pk, worker="test", runners=RUNNERS)
    return list(job.items.order_by("position").values_list("name", "outcome", "message"))


def test_it_shows_the_addresses_box(client, erin):
    client.force_login(erin)
    page = client.get(IMPORT_URL).content.decode()
    assert '<textarea name="urls"' in page
    assert "only public http(s) addresses" in page


def test_it_imports_pasted_addresses_and_reports_each(client, erin, local_site):
    local_site.add("/bridge", BRIDGE)
    local_site.add("/market", MARKET)
    pasted = "\n".join(
        [local_site.url("/bridge"), local_site.url("/market"), local_site.url("/gone"), "http://10.0.0.1/"]
    )
    client.force_login(erin)
    items = run_started_job(client.post(IMPORT_URL, {"urls": pasted, "source": "Vell Courier"}))
    bridge = Article.objects.get(url=local_site.url("/bridge"))
    assert bridge.added_by == erin and bridge.source.name == "Vell Courier"
    assert [outcome for _, outcome, _ in items] == ["imported", "imported", "failed", "failed"]
    assert "refused: 10.0.0.1 is a private address" in " ".join(message for *_, message in items) + str(
        list(Job.objects.get().items.values_list("error", flat=True))
    )
    assert Article.objects.count() == 2


def test_it_imports_files_and_addresses_together(client, erin, local_site):
    local_site.add("/market", MARKET)
    client.force_login(erin)
    upload = SimpleUploadedFile("buses.txt", STORY.encode(), content_type="text/plain")
    items = run_started_job(client.post(IMPORT_URL, {"files": [upload], "urls": local_site.url("/market")}))
    assert [outcome for _, outcome, _ in items] == ["imported", "imported"]


def test_it_refuses_the_local_server_without_the_allow_list(client, erin, local_site, settings):
    local_site.add("/bridge", BRIDGE)
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"urls": local_site.url("/bridge")})
    settings.FACTCHECK_FETCH_ALLOW_HOSTS = []
    items = run_started_job(response)
    assert items[0][1] == "failed"
    assert local_site.requests == [] and not Article.objects.exists()
