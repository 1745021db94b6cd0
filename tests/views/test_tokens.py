"""The desk's API tokens page: list mine, make one (shown once), revoke one; nobody else's."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client

from articles import services
from articles.models import ApiToken


@pytest.fixture
def alices_token(alice):
    return services.create_token(user=alice, name="nightly export", scope="read").token


def test_it_sends_anonymous_users_to_log_in(client, alices_token):
    for url in ("/tokens/", f"/tokens/{alices_token.pk}/revoke/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post("/tokens/", {"name": "x", "scope": "read"}).status_code == 302
    assert not ApiToken.objects.filter(name="x").exists()


def test_it_lists_only_my_tokens_in_a_fixed_number_of_queries(client, alice, carol, django_assert_num_queries):
    used = services.create_token(user=alice, name="nightly export").token
    services.authenticate_token(plain=services.create_token(user=alice, name="used").plain)
    services.revoke_token(token=used)
    services.create_token(user=carol, name="carol's script")
    client.force_login(alice)
    with django_assert_num_queries(5):  # session, user, tokens, the top bar's counts (2)
        response = client.get("/tokens/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "nightly export" in html and "used" in html and "carol" not in html
    assert used.display_prefix in html and "revoked" in html
    assert used.secret_hash not in html


def test_it_links_the_page_from_the_top_bar(client, alice):
    client.force_login(alice)
    assert 'href="/tokens/">API tokens</a>' in client.get("/articles/").content.decode()


def test_it_creates_a_token_and_shows_it_once(client, alice):
    client.force_login(alice)
    response = client.post("/tokens/", {"name": "sheet macro", "scope": "write", "expires_on": "2099-05-31"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    plain = response.context["plain"]
    token = ApiToken.objects.get(user=alice, name="sheet macro")
    assert token.scope == "write"
    assert token.expires_at == datetime(2099, 6, 1, tzinfo=UTC)  # valid through the whole of 31 May
    html = response.content.decode()
    assert f'value="{plain}"' in html and "shown only this once" in html
    assert services.authenticate_token(plain=plain).pk == token.pk
    # Never again: not on the list, not on the revoke page.
    assert plain not in client.get("/tokens/").content.decode()
    assert plain not in client.get(f"/tokens/{token.pk}/revoke/").content.decode()


def test_it_explains_what_was_wrong_with_the_form(client, alice, alices_token):
    client.force_login(alice)
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    response = client.post("/tokens/", {"name": "nightly export", "scope": "read", "expires_on": yesterday})
    assert response.status_code == 200
    html = response.content.decode()
    assert "already have a token named" in html and "expiry must be in the future" in html
    response = client.post("/tokens/", {"name": "", "scope": "everything"})
    assert response.context["form"].errors.keys() == {"name", "scope"}
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_it_escapes_token_names(client, alice):
    services.create_token(user=alice, name="<script>alert(1)</script>")
    client.force_login(alice)
    html = client.get("/tokens/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_it_revokes_after_confirmation_with_csrf(alice, alices_token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    confirm = client.get(f"/tokens/{alices_token.pk}/revoke/")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert client.post(f"/tokens/{alices_token.pk}/revoke/").status_code == 403  # no CSRF token
    alices_token.refresh_from_db()
    assert alices_token.revoked_at is None
    csrf = confirm.cookies["csrftoken"].value
    response = client.post(f"/tokens/{alices_token.pk}/revoke/", {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302 and response["Location"] == "/tokens/"
    alices_token.refresh_from_db()
    assert alices_token.revoked_at is not None
    assert "is revoked" in client.get("/tokens/").content.decode()


def test_it_answers_404_for_another_users_token(client, carol, alices_token):
    client.force_login(carol)
    assert client.get(f"/tokens/{alices_token.pk}/revoke/").status_code == 404
    assert client.post(f"/tokens/{alices_token.pk}/revoke/").status_code == 404
    assert client.get("/tokens/999999/revoke/").status_code == 404
    alices_token.refresh_from_db()
    assert alices_token.revoked_at is None
