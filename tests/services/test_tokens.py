"""API token services: made with a plain token shown once and a hash at rest, revoked, authenticated."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles import services
from articles.errors import InvalidToken
from articles.models import ApiToken


def everything_stored() -> str:
    """Every cell of every table, as text: where a leaked secret would show up."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from introspection)
            cells.extend(str(cell) for row in cursor.fetchall() for cell in row)
    return "\n".join(cells)


def test_it_creates_a_token_shown_once_and_stored_only_as_a_hash(alice):
    created = services.create_token(user=alice, name="  weekly export ", scope="write")
    token, plain = created.token, created.plain
    assert plain.startswith(f"fcd_{token.prefix}_") and len(plain) == 4 + 8 + 1 + 43
    assert token.name == "weekly export" and token.scope == "write" and token.user == alice
    assert token.last_used_at is None and token.revoked_at is None and token.expires_at is None
    stored = everything_stored()
    assert plain not in stored and plain[-20:] not in stored
    assert token.secret_hash in stored and len(token.secret_hash) == 64 and token.secret_hash not in plain


def test_it_makes_a_different_token_every_time(alice):
    first = services.create_token(user=alice, name="one")
    second = services.create_token(user=alice, name="two")
    assert first.plain != second.plain and first.token.prefix != second.token.prefix


def test_it_refuses_a_blank_name_a_duplicate_name_a_bad_scope_and_a_past_expiry(alice, carol):
    services.create_token(user=alice, name="script")
    with pytest.raises(ValidationError) as error:
        services.create_token(user=alice, name="script", scope="admin", expires_at=timezone.now() - timedelta(days=1))
    assert set(error.value.message_dict) == {"name", "scope", "expires_at"}
    assert "already have a token named" in error.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as error:
        services.create_token(user=alice, name="   ")
    assert "name" in error.value.message_dict
    # Names are per user: carol may use alice's.
    assert services.create_token(user=carol, name="script").token.user == carol


def test_it_keeps_names_unique_per_user_in_the_database(alice):
    token = services.create_token(user=alice, name="script").token
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(user=alice, name="script", prefix="00000000", secret_hash="0" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(user=alice, name="other", prefix=token.prefix, secret_hash="1" * 64)


def test_it_authenticates_a_token_and_notes_its_use_at_most_once_a_minute(alice, django_assert_num_queries):
    created = services.create_token(user=alice, name="script")
    now = timezone.now()
    with django_assert_num_queries(2):  # the token with its user, and the last-used update
        token = services.authenticate_token(plain=created.plain, now=now)
    assert token.pk == created.token.pk and token.user == alice
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now
    with django_assert_num_queries(1):  # within the minute: no write
        services.authenticate_token(plain=created.plain, now=now + timedelta(seconds=59))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now
    later = now + timedelta(seconds=61)
    services.authenticate_token(plain=created.plain, now=later)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == later


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda plain: "", "Malformed"),
        (lambda plain: plain[4:], "Malformed"),
        (lambda plain: plain + "x", "Malformed"),
        (lambda plain: plain[:-1] + ("A" if plain[-1] != "A" else "B"), "Unknown token"),
        (lambda plain: "fcd_00000000_" + plain[-43:], "Unknown token"),
    ],
)
def test_it_refuses_malformed_and_unknown_tokens(alice, mangle, message):
    created = services.create_token(user=alice, name="script")
    with pytest.raises(InvalidToken, match=message):
        services.authenticate_token(plain=mangle(created.plain))


def test_it_refuses_revoked_expired_and_inactive_users_tokens(alice):
    revoked = services.create_token(user=alice, name="revoked")
    services.revoke_token(token=revoked.token)
    first_revocation = ApiToken.objects.get(pk=revoked.token.pk).revoked_at
    assert first_revocation is not None
    services.revoke_token(token=ApiToken.objects.get(pk=revoked.token.pk))
    assert ApiToken.objects.get(pk=revoked.token.pk).revoked_at == first_revocation
    with pytest.raises(InvalidToken, match="revoked"):
        services.authenticate_token(plain=revoked.plain)

    expiry = timezone.now() + timedelta(hours=1)
    expiring = services.create_token(user=alice, name="expiring", expires_at=expiry)
    assert services.authenticate_token(plain=expiring.plain, now=expiry - timedelta(seconds=1))
    with pytest.raises(InvalidToken, match="expired"):
        services.authenticate_token(plain=expiring.plain, now=expiry)

    active = services.create_token(user=alice, name="active")
    alice.is_active = False
    alice.save()
    with pytest.raises(InvalidToken, match="inactive"):
        services.authenticate_token(plain=active.plain)
    assert ApiToken.objects.get(pk=active.token.pk).last_used_at is None
