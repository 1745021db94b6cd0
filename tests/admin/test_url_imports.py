"""The admin's Import articles page with pasted addresses: fetched from a local server, refused by default."""

from django.core.files.uploadedfile import SimpleUploadedFile

from articles.admin import imports
from articles.models import Article
from tests.admin.test_imports import CHANGELIST_URL, IMPORT_URL, STORY, texts
from tests.importing.test_import_url import BRIDGE, MARKET


def test_it_shows_the_addresses_box(client, erin):
    client.force_login(erin)
    page = client.get(IMPORT_URL).content.decode()
    assert '<textarea name="urls"' in page
    assert "public http(s) addresses" in page


def test_it_imports_pasted_addresses_and_reports_each(client, erin, local_site):
    local_site.add("/bridge", BRIDGE)
    local_site.add("/market", MARKET)
    pasted = "\n".join(
        ["# from the morning meeting", local_site.url("/bridge"), local_site.url("/market"), local_site.url("/bridge")]
        + [local_site.url("/gone"), "http://10.0.0.1/"]
    )
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"urls": pasted, "source": "Vell Courier"})
    assert response.status_code == 302 and response.url == CHANGELIST_URL
    messages = texts(response)
    bridge = Article.objects.get(url=local_site.url("/bridge"))
    assert bridge.added_by == erin and bridge.source.name == "Vell Courier"
    assert messages[0].startswith(
        f"{local_site.url('/bridge')}: imported as article #{bridge.pk} “Old bridge to close for repairs”"
    )
    assert messages[2] == (
        f"{local_site.url('/bridge')}: skipped as a duplicate: repeats {local_site.url('/bridge')} "
        "earlier in this list; fetched once"
    )
    assert messages[3] == f"Not imported: {local_site.url('/gone')}: failed: the server answered 404 Not Found."
    assert messages[4] == "Not imported: http://10.0.0.1/: refused: 10.0.0.1 is a private address."
    assert messages[5] == "2 imported, 1 skipped as duplicates, 2 failed."
    assert Article.objects.count() == 2


def test_it_imports_files_and_addresses_together(client, erin, local_site):
    local_site.add("/market", MARKET)
    client.force_login(erin)
    upload = SimpleUploadedFile("buses.txt", STORY.encode(), content_type="text/plain")
    response = client.post(IMPORT_URL, {"files": [upload], "urls": local_site.url("/market")})
    assert texts(response)[-1] == "2 imported, 0 skipped as duplicates, 0 failed."


def test_it_refuses_the_local_server_without_the_allow_list(client, erin, local_site, settings):
    settings.FACTCHECK_FETCH_ALLOW_HOSTS = []
    local_site.add("/bridge", BRIDGE)
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"urls": local_site.url("/bridge")})
    assert texts(response) == [
        f"Not imported: {local_site.url('/bridge')}: refused: 127.0.0.1 is a loopback address.",
        "0 imported, 0 skipped as duplicates, 1 failed.",
    ]
    assert local_site.requests == [] and not Article.objects.exists()


def test_it_previews_pasted_addresses(client, erin, local_site):
    local_site.add("/bridge", BRIDGE)
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"urls": local_site.url("/bridge"), "dry_run": "on"})
    assert response.status_code == 200
    assert f"{local_site.url('/bridge')}: would import “Old bridge to close for repairs”" in response.content.decode()
    assert not Article.objects.exists()


def test_it_escapes_what_a_fetched_page_says(client, erin, local_site):
    hostile = BRIDGE.replace("Old bridge to close for repairs", "<script>alert(1)</script> Bridge")
    local_site.add("/bridge", hostile)
    client.force_login(erin)
    response = client.post(IMPORT_URL, {"urls": local_site.url("/bridge"), "dry_run": "on"})
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_it_refuses_too_many_addresses_and_a_url_without_a_file(client, erin):
    client.force_login(erin)
    many = "\n".join(f"https://news.example.org/{n}" for n in range(imports.MAX_URLS + 1))
    page = client.post(IMPORT_URL, {"urls": many}).content.decode()
    assert f"{imports.MAX_URLS + 1} addresses given; import at most {imports.MAX_URLS} at a time." in page
    page = client.post(IMPORT_URL, {"urls": "https://a.example/1", "url": "https://a.example/x"}).content.decode()
    assert "The URL names an uploaded file; pasted addresses give their own." in page
    assert not Article.objects.exists()


def test_it_keeps_the_fetch_in_one_function(client, erin, monkeypatch):
    """The job queue replaces run_url_import; the view passes it the addresses and the options, nothing else."""
    calls = []
    monkeypatch.setattr(imports, "run_url_import", lambda urls, options: calls.append((urls, options)) or [])
    client.force_login(erin)
    client.post(IMPORT_URL, {"urls": "https://a.example/1\n\nhttps://a.example/2", "source": "A"})
    assert [(urls, options.source_name, options.user) for urls, options in calls] == [
        (["https://a.example/1", "https://a.example/2"], "A", erin)
    ]
