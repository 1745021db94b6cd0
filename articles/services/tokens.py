"""API tokens: make one (the plain token is returned once), revoke it, and authenticate a request's token.

A token reads `fcd_<prefix>_<secret>`: the prefix (8 hex characters, stored) finds the row; the whole
token's SHA-256 is what is stored and compared, in constant time. Nothing else of the token is kept.
"""

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.errors import InvalidToken
from articles.models import ApiToken

TOKEN_PATTERN = re.compile(rf"^{ApiToken.TOKEN_MARK}(?P<prefix>[0-9a-f]{{8}})_[A-Za-z0-9_-]{{43}}$")
# last_used_at is a hint for people ("is this token still in use?"), not an audit log: writing it at most
# once a minute keeps a busy script from turning every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length


class CreatedToken(NamedTuple):
    token: ApiToken
    plain: str  # shown to the user once, never stored


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def clean_token_input(*, user, name: str, scope: str, expires_at: datetime | None, now=None) -> str:
    """The name as it will be stored; ValidationError keyed by field when something is wrong."""
    now = now or timezone.now()
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name that says what it is for."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"Keep the name under {NAME_MAX_LENGTH} characters."
    elif ApiToken.objects.filter(user=user, name=name).exists():
        errors["name"] = f"You already have a token named “{name}”; choose another name or revoke that one."
    if scope not in ApiToken.Scope.values:
        errors["scope"] = f"Scope must be one of: {', '.join(ApiToken.Scope.values)}."
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = "The expiry must be in the future."
    if errors:
        raise ValidationError(errors)
    return name


@transaction.atomic
def create_token(
    *, user, name: str, scope: str = ApiToken.Scope.READ, expires_at: datetime | None = None
) -> CreatedToken:
    """A new token for `user`; the plain token is in the result and nowhere else, so show it now."""
    name = clean_token_input(user=user, name=name, scope=scope, expires_at=expires_at)
    prefix = _unused_prefix()
    plain = f"{ApiToken.TOKEN_MARK}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, secret_hash=hash_token(plain), scope=scope, expires_at=expires_at
    )
    return CreatedToken(token=token, plain=plain)


def _unused_prefix() -> str:
    # 32 bits: collisions are rare but possible across many tokens, so draw again instead of failing.
    for _ in range(10):
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix
    raise RuntimeError("Could not find an unused token prefix.")  # pragma: no cover (2^32 prefixes)


@transaction.atomic
def revoke_token(*, token: ApiToken) -> ApiToken:
    """Revoked from now on; revoking again keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(*, plain: str, now: datetime | None = None) -> ApiToken:
    """The live token (its user selected) that `plain` is, with last_used_at kept fresh; InvalidToken if none."""
    now = now or timezone.now()
    match = TOKEN_PATTERN.match(plain or "")
    if not match:
        raise InvalidToken("Malformed token: expected fcd_ followed by the token you were given.")
    token = ApiToken.objects.select_related("user").filter(prefix=match["prefix"]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(plain)):
        raise InvalidToken("Unknown token.")
    if token.revoked_at is not None:
        raise InvalidToken("This token was revoked.")
    if token.is_expired(now):
        raise InvalidToken(f"This token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC.")
    if not token.user.is_active:
        raise InvalidToken("This token's user is inactive.")
    _touch(token, now)
    return token


def _touch(token: ApiToken, now: datetime) -> None:
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # The condition repeats in the UPDATE so concurrent calls write once, not once each.
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
