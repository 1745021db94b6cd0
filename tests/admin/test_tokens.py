"""API tokens in the admin: searched and filtered, revoked in bulk, made for a user by a superuser only,
the plain token shown once in a message and the stored hash nowhere."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import ApiToken

CHANGELIST = reverse("admin:articles_apitoken_changelist")
ADD = reverse("admin:articles_apitoken_add")


@pytest.fixture
def tokens(alice, carol):
    live = services.create_token(user=alice, name="nightly export").token
    revoked = services.revoke_token(token=services.create_token(user=carol, name="old macro").token)
    expired = services.create_token(user=carol, name="trial", expires_at=timezone.now() + timedelta(hours=1)).token
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return {"live": live, "revoked": revoked, "expired": expired}


def listed(response) -> set[str]:
    return {token.name for token in response.context["cl"].result_list}


def test_it_lists_searches_and_filters_tokens_without_secrets(client, root, tokens):
    client.force_login(root)
    response = client.get(CHANGELIST)
    assert listed(response) == {"nightly export", "old macro", "trial"}
    html = response.content.decode()
    assert tokens["live"].display_prefix in html
    assert not any(token.secret_hash in html for token in tokens.values())
    assert listed(client.get(CHANGELIST, {"q": "carol"})) == {"old macro", "trial"}
    assert listed(client.get(CHANGELIST, {"q": tokens["live"].prefix})) == {"nightly export"}
    assert listed(client.get(CHANGELIST, {"status": "active"})) == {"nightly export"}
    assert listed(client.get(CHANGELIST, {"status": "expired"})) == {"trial"}
    assert listed(client.get(CHANGELIST, {"status": "revoked"})) == {"old macro"}


def test_it_shows_a_token_read_only_without_its_hash(client, root, tokens):
    client.force_login(root)
    url = reverse("admin:articles_apitoken_change", args=[tokens["live"].pk])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert tokens["live"].secret_hash not in html and 'name="secret_hash"' not in html and 'name="scope"' not in html
    client.post(url, {"name": "renamed", "scope": "write"})
    tokens["live"].refresh_from_db()
    assert (tokens["live"].name, tokens["live"].scope) == ("nightly export", "read")


def test_it_revokes_the_selected_tokens(client, root, tokens):
    client.force_login(root)
    first_revocation = tokens["revoked"].revoked_at
    response = client.post(
        CHANGELIST,
        {"action": "revoke_selected", "_selected_action": [tokens["live"].pk, tokens["revoked"].pk]},
        follow=True,
    )
    assert "1 token revoked." in response.content.decode()
    tokens["live"].refresh_from_db()
    tokens["revoked"].refresh_from_db()
    assert tokens["live"].revoked_at is not None
    assert tokens["revoked"].revoked_at == first_revocation


def test_it_lets_a_superuser_make_a_token_for_a_user_shown_once(client, root, alice):
    client.force_login(root)
    response = client.post(ADD, {"user": alice.pk, "name": "service account", "scope": "write"}, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    plain = re.search(r"fcd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", response.content.decode()).group(0)
    token = services.authenticate_token(plain=plain)
    assert (token.user, token.name, token.scope) == (alice, "service account", "write")
    # Shown on the page after saving, and never again.
    assert plain not in client.get(response.redirect_chain[-1][0]).content.decode()
    assert plain not in client.get(reverse("admin:articles_apitoken_change", args=[token.pk])).content.decode()


def test_it_refuses_a_duplicate_name_and_a_past_expiry_in_admin(client, root, alice, tokens):
    client.force_login(root)
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%d")
    response = client.post(
        ADD,
        {"user": alice.pk, "name": "nightly export", "scope": "read", "expires_at_0": past, "expires_at_1": "10:00"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "already have a token named" in str(errors["name"]) and "future" in str(errors["expires_at"])
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_it_keeps_other_staff_out(client, erin):
    """Editors hold no token permissions: their tokens are in the desk, not the admin."""
    client.force_login(erin)
    assert client.get(ADD).status_code == 403
    assert client.get(CHANGELIST).status_code == 403


def test_it_lets_only_superusers_make_tokens_for_others(client, erin):
    erin.user_permissions.add(*Permission.objects.filter(content_type__model="apitoken"))
    client.force_login(erin)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(ADD).status_code == 403


def test_it_lists_without_a_query_per_row(client, root, alice, carol):
    client.force_login(root)
    services.create_token(user=alice, name="first")
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    for n in range(5):
        services.create_token(user=carol if n % 2 else alice, name=f"script {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(CHANGELIST)
    assert len(many) == len(few)
