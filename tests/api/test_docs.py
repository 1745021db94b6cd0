"""The API's browsable documentation works offline: Swagger UI is served from our own static files."""

from django.urls import reverse


def test_it_serves_swagger_ui_without_a_cdn(client, alice):
    client.force_login(alice)
    html = client.get(reverse("api_docs")).content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


def test_it_asks_for_a_login_before_showing_the_schema(client):
    assert client.get(reverse("api_schema")).status_code in (401, 403)
