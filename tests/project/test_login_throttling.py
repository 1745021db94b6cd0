"""Password guessing is stopped: after the failure limit a username, and an address, are locked out (429).

Issue 16, finding 7: 100 wrong passwords were all answered, then the right one logged in.
"""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, override_settings

from tests.conftest import PASSWORD

LIMIT = 5


def attempt(client, username, password, address="203.0.113.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def client():
    return Client()


def guess(client, username, times=LIMIT, address="203.0.113.7"):
    return [attempt(client, username, f"wrong-{n}", address).status_code for n in range(times)]


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_it_locks_a_username_after_the_limit_even_with_the_right_password(client, alice):
    assert guess(client, "alice", LIMIT - 1) == [200] * (LIMIT - 1)  # the form again, with its error
    assert attempt(client, "alice", "wrong-again").status_code == 429
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page and "Try again in 15 minutes" in page
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    # Per user: the same account from another address is locked too.
    assert attempt(Client(), "alice", PASSWORD, address="198.51.100.20").status_code == 429


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_it_locks_an_address_but_not_other_addresses(client, alice, carol):
    for name in ["nobody", "root", "admin", "editor", "alice"]:
        attempt(client, name, "guess")
    # That address is locked, whoever it tries...
    assert attempt(client, "carol", PASSWORD).status_code == 429
    # ...and carol from her own address is not.
    response = attempt(Client(), "carol", PASSWORD, address="198.51.100.20")
    assert response.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_it_logs_in_again_after_an_administrator_resets_the_lockout(client, alice):
    guess(client, "alice")
    assert attempt(client, "alice", PASSWORD).status_code == 429
    assert AccessAttempt.objects.filter(username="alice").exists()  # what the admin lists and can delete
    call_command("axes_reset_username", "alice")
    call_command("axes_reset_ip", "203.0.113.7")
    assert attempt(client, "alice", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_it_locks_the_admin_login_too(client, alice):
    for n in range(LIMIT):
        client.post("/admin/login/", {"username": "alice", "password": f"wrong-{n}"}, REMOTE_ADDR="203.0.113.7")
    response = client.post("/admin/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=LIMIT, FACTCHECK_TRUSTED_PROXIES=1)
def test_it_counts_the_address_the_trusted_proxy_saw(client, alice):
    """Behind one proxy the client is the last X-Forwarded-For entry; what the client itself wrote is ignored."""
    for n in range(LIMIT):
        client.post(
            "/login/",
            {"username": f"user{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    locked = client.post(
        "/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    other = Client().post(
        "/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other.status_code == 302


def test_it_trusts_no_forwarded_header_by_default(client, alice):
    """Without FACTCHECK_TRUSTED_PROXIES, a client cannot dodge the lockout by inventing X-Forwarded-For."""
    for n in range(LIMIT):
        client.post("/login/", {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert attempt(client, "alice", PASSWORD, address="127.0.0.1").status_code == 429


def test_it_keeps_the_test_clients_login_working(client, alice):
    """client.login() authenticates without a request; the lockout backend lets it through to ModelBackend."""
    assert client.login(username="alice", password=PASSWORD)
    assert not client.login(username="alice", password="wrong")
