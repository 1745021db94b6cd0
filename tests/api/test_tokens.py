"""API tokens over HTTP: plain requests with only an Authorization header (no session, no CSRF token), the
user's own permissions, read-only scope, refusals with 401 and a challenge, and the rate limits."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from articles.models import ApiToken, Claim

QUOTE = "The mayor said the officers made a tactical retreat to avoid a bloodbath."


@pytest.fixture(autouse=True)
def fresh_counters():
    """Throttle and failure counters live in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def http():
    """A plain HTTP client: no session and CSRF checks on, as curl or a script would meet them."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def read_token(alice):
    return services.create_token(user=alice, name="read script", scope="read").plain


@pytest.fixture
def write_token(alice):
    return services.create_token(user=alice, name="write script", scope="write").plain


@pytest.fixture
def claim(article, make_claim, alice, mayor):
    return make_claim(article, "We could have had eight or ten deaths", user=alice, speaker=mayor)


def bearer(plain: str, scheme: str = "Bearer") -> dict:
    return {"HTTP_AUTHORIZATION": f"{scheme} {plain}"}


def claim_payload(article, quote=QUOTE):
    start = article.body.index(quote)
    return {"article": article.pk, "start": start, "end": start + len(quote), "quote": quote}


# ---------------------------------------------------------------- using a token


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
def test_it_lists_claims_with_a_token_in_either_scheme(http, read_token, claim, scheme):
    response = http.get("/api/claims/", **bearer(read_token, scheme))
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["results"]] == [claim.pk]
    assert "sessionid" not in response.cookies


def test_it_creates_a_claim_with_a_write_token_and_no_csrf_token(http, write_token, alice, article):
    response = http.post("/api/claims/", claim_payload(article), content_type="application/json", **bearer(write_token))
    assert response.status_code == 201, response.content
    claim = Claim.objects.get(pk=response.json()["id"])
    assert claim.created_by == alice
    assert claim.history.first().history_user == alice  # the audit trail names the token's user


def test_it_keeps_csrf_for_session_calls(alice, article):
    http = Client(enforce_csrf_checks=True)
    http.force_login(alice)
    response = http.post("/api/claims/", claim_payload(article), content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_it_downloads_an_export_with_a_read_only_token(http, read_token, claim):
    response = http.get(f"/api/exports/claims.csv?article={claim.article_id}", **bearer(read_token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "We could have had eight or ten deaths" in b"".join(response.streaming_content).decode()


def test_it_refuses_writes_with_a_read_only_token(http, read_token, article, claim):
    response = http.post("/api/claims/", claim_payload(article), content_type="application/json", **bearer(read_token))
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"] and "read script" in response.json()["detail"]
    deleted = http.delete(f"/api/claims/{claim.pk}/", **bearer(read_token))
    assert deleted.status_code == 403
    assert Claim.objects.live().count() == 1


def test_it_acts_with_the_users_own_permissions(http, carol, article, claim):
    carols = services.create_token(user=carol, name="carol's script", scope="write").plain
    response = http.delete(f"/api/claims/{claim.pk}/", **bearer(carols))
    assert response.status_code == 403  # an annotator may not delete alice's claim, token or not
    assert Claim.objects.live().filter(pk=claim.pk).exists()


def test_it_notes_when_a_token_was_last_used(http, alice, read_token):
    token = ApiToken.objects.get(user=alice)
    assert token.last_used_at is None
    http.get("/api/claims/", **bearer(read_token))
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=10)


# ---------------------------------------------------------------- refusals


def assert_refused(response, detail: str):
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith('Bearer realm="api"')
    assert detail in response.json()["detail"]


def test_it_refuses_revoked_and_expired_tokens(http, alice, claim):
    revoked = services.create_token(user=alice, name="old script")
    services.revoke_token(token=revoked.token)
    assert_refused(http.get("/api/claims/", **bearer(revoked.plain)), "revoked")
    expired = services.create_token(user=alice, name="short-lived", expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_refused(http.get("/api/claims/", **bearer(expired.plain)), "expired")
    assert_refused(http.get(f"/api/exports/claims.csv?article={claim.article_id}", **bearer(expired.plain)), "expired")


@pytest.mark.parametrize(
    "header, detail",
    [
        ("Bearer fcd_0123abcd_" + "x" * 43, "Unknown token"),
        ("Bearer not-a-token", "Malformed"),
        ("Token", "Malformed"),
        ("Bearer two parts", "Malformed"),
    ],
)
def test_it_refuses_unknown_and_malformed_tokens(http, alice, read_token, header, detail):
    assert_refused(http.get("/api/claims/", HTTP_AUTHORIZATION=header), detail)


def test_it_challenges_another_scheme_and_keeps_403_for_no_credentials(http, read_token):
    response = http.get("/api/claims/", HTTP_AUTHORIZATION=f"Basic {read_token}")
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="api"'
    anonymous = http.get("/api/claims/")
    assert anonymous.status_code == 403 and "WWW-Authenticate" not in anonymous


def test_it_lets_a_session_through_beside_another_scheme(alice, claim):
    """A staging site behind HTTP basic auth sends `Authorization: Basic` with every desk request."""
    session = Client()
    session.force_login(alice)
    assert session.get("/api/claims/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200


# ---------------------------------------------------------------- rate limits


@override_settings(FACTCHECK_TOKEN_FAILURE_LIMIT=3, FACTCHECK_TOKEN_FAILURE_WINDOW=60)
def test_it_locks_out_an_address_after_repeated_failures(http, read_token, monkeypatch):
    wrong = {"HTTP_AUTHORIZATION": "Bearer fcd_0123abcd_" + "x" * 43}
    for _ in range(3):
        assert http.get("/api/claims/", **wrong).status_code == 401
    locked = http.get("/api/claims/", **bearer(read_token))  # even the right token: a guesser learns nothing
    assert locked.status_code == 429
    assert 1 <= int(locked["Retry-After"]) <= 60
    assert "Too many failed token attempts" in locked.json()["detail"]
    # Another address is not affected.
    assert http.get("/api/claims/", REMOTE_ADDR="192.0.2.7", **bearer(read_token)).status_code == 200
    # When the window has passed, the address may try again.
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 61)
    assert http.get("/api/claims/", **bearer(read_token)).status_code == 200


@override_settings(FACTCHECK_TOKEN_FAILURE_LIMIT=2)
def test_it_ignores_forwarded_addresses_unless_a_proxy_is_trusted(http, read_token):
    def guess(forwarded_for):
        wrong = {"HTTP_AUTHORIZATION": "Bearer fcd_0123abcd_" + "x" * 43}
        return http.get("/api/claims/", HTTP_X_FORWARDED_FOR=forwarded_for, **wrong).status_code

    # A forged X-Forwarded-For does not buy a fresh address per guess.
    assert [guess("198.51.100.1"), guess("198.51.100.2"), guess("198.51.100.3")] == [401, 401, 429]
    cache.clear()
    with override_settings(FACTCHECK_TRUSTED_PROXY_COUNT=1):
        # Behind one trusted proxy the last address it appended is the client's; one client locked out...
        assert [guess("10.9.9.9, 198.51.100.1") for _ in range(3)] == [401, 401, 429]
        # ...and another client behind the same proxy still gets its own attempts.
        assert guess("198.51.100.2") == 401


@override_settings(FACTCHECK_API_TOKEN_RATE="2/minute")
def test_it_throttles_calls_per_token(http, alice, read_token):
    assert [http.get("/api/claims/", **bearer(read_token)).status_code for _ in range(2)] == [200, 200]
    throttled = http.get("/api/claims/", **bearer(read_token))
    assert throttled.status_code == 429 and 1 <= int(throttled["Retry-After"]) <= 60
    other = services.create_token(user=alice, name="other script").plain
    assert http.get("/api/claims/", **bearer(other)).status_code == 200


@override_settings(FACTCHECK_API_ADDRESS_RATE="3/minute")
def test_it_throttles_token_calls_per_address_but_not_the_desks_session(http, alice, read_token):
    other = services.create_token(user=alice, name="other script").plain
    statuses = [http.get("/api/claims/", **bearer(plain)).status_code for plain in (read_token, other, read_token)]
    assert statuses == [200, 200, 200]
    assert http.get("/api/claims/", **bearer(other)).status_code == 429
    assert http.get("/api/claims/", REMOTE_ADDR="192.0.2.7", **bearer(other)).status_code == 200
    session = Client()
    session.force_login(alice)
    assert [session.get("/api/claims/").status_code for _ in range(5)] == [200] * 5


def test_it_costs_no_more_queries_than_a_session(http, alice, read_token, claim):
    session = Client()
    session.force_login(alice)
    session.get("/api/claims/")
    http.get("/api/claims/", **bearer(read_token))  # the first call notes the use; the next ones within a minute don't
    with CaptureQueriesContext(connection) as by_session:
        session.get("/api/claims/")
    with CaptureQueriesContext(connection) as by_token:
        assert http.get("/api/claims/", **bearer(read_token)).status_code == 200
    # The token and its user in one query, where a session reads the session and then the user.
    assert len(by_token) == len(by_session) - 1
