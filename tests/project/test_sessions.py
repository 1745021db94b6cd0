"""Each request's session and user are read by prepared lookups (factcheck.prepared): the same answers as Django's
own database sessions and ModelBackend, in one statement each."""

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.auth import UserBackend
from factcheck.prepared import PreparedLookup
from factcheck.sessions import SessionStore
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    """The article list needs a login: 200 signed in, a redirect to the login page otherwise."""
    response = client.get("/articles/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_login_is_kept_by_the_session_and_names_the_users_backend(alice):
    client = signed_in("alice")
    assert is_signed_in(client)
    assert client.session[BACKEND_SESSION_KEY] == "factcheck.auth.UserBackend"
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_the_session_and_the_user_are_one_statement_each(alice):
    client = signed_in("alice")
    request_session = SessionStore(client.session.session_key)
    with CaptureQueriesContext(connection) as queries:
        data = request_session.load()
        user = UserBackend().get_user(data[SESSION_KEY])
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT", "SELECT"]
    assert user == alice


def test_an_expired_session_signs_out(alice):
    client = signed_in("alice")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert not is_signed_in(client)


def test_an_unknown_session_key_reads_as_empty_and_is_not_reused(alice):
    store = SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None  # a save makes a new key, never the one the client chose


def test_a_deactivated_user_is_signed_out(alice):
    client = signed_in("alice")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert not is_signed_in(client)


def test_a_password_changed_elsewhere_signs_out_other_sessions(alice):
    client = signed_in("alice")
    alice.set_password("another-long-passphrase")
    alice.save()
    assert not is_signed_in(client)


def test_a_session_signed_in_through_djangos_model_backend_stays_signed_in(alice):
    """Sessions from before UserBackend name django.contrib.auth.backends.ModelBackend: nobody is signed out."""
    client = signed_in("alice")
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert is_signed_in(client)


def test_a_session_naming_a_backend_not_configured_is_signed_out(alice):
    client = signed_in("alice")
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.RemoteUserBackend"
    session.save()
    assert not is_signed_in(client)


def test_the_prepared_user_equals_the_orms(alice):
    alice.last_login = timezone.now()
    alice.save()
    prepared = UserBackend().get_user(alice.pk)
    expected = User.objects.get(pk=alice.pk)
    names = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(prepared, name) for name in names] == [getattr(expected, name) for name in names]
    assert [type(getattr(prepared, name)) for name in names] == [type(getattr(expected, name)) for name in names]
    assert prepared._state.db == "default" and not prepared._state.adding
    assert UserBackend().get_user(alice.pk + 1000) is None


def test_a_lookup_whose_parameter_the_orm_rewrites_is_refused():
    """`contains` sends '%value%', not the value: the lookup cannot be run with the values given, and says so."""
    lookup = PreparedLookup(User, ("username__contains",), ("stand-in",))
    with pytest.raises(ValueError, match="parameters"):
        lookup.first("alice")
