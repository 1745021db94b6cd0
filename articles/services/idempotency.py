"""Idempotent creates: the same Idempotency-Key from the same user within a day gets the first answer again.

A surface (the API's `idempotent` decorator, the admin's add forms) calls `begin` inside the transaction
that will do the create. `begin` inserts the key's row first, so a second request with the same key, even
one sent at the same moment, cannot create a second row:

* on PostgreSQL its INSERT waits on the unique constraint until the first transaction ends, then fails,
  and the stored answer is read and replayed (or, if the first was rolled back, its insert goes through);
* on SQLite the second transaction waits for the write lock (IMMEDIATE transactions), then finds the row.

Only answers that created something are stored (`finish`); a refused request rolls its key back with
everything else, so it can be corrected and sent again with the same key.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import IdempotencyKey

LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(ValidationError):
    """The key was used before for a different request (another body, path or method)."""


@dataclass(frozen=True)
class Begun:
    record: IdempotencyKey
    replay: bool  # True: the key was used before; answer with record.status and record.response


def fingerprint(method: str, path: str, body) -> str:
    """SHA-256 of the method, the path and the body's canonical JSON (key order and spacing do not count)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def validate_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError(
            {"Idempotency-Key": f"The Idempotency-Key header must be 1 to {MAX_KEY_LENGTH} printable ASCII characters."}
        )
    return key


def begin(*, user, key: str, request_fingerprint: str) -> Begun:
    """Claim the key for this request, or find the answer of the request that claimed it. Needs a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency.begin must run inside the transaction that does the create.")
    validate_key(key)
    purge_expired(user=user)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(user=user, key=key, fingerprint=request_fingerprint)
        return Begun(record, replay=False)
    except IntegrityError:
        pass  # The key is taken (a concurrent request committed it while we waited): replay its answer.
    record = IdempotencyKey.objects.get(user=user, key=key)
    if record.fingerprint != request_fingerprint:
        raise IdempotencyKeyReused(
            {
                "Idempotency-Key": (
                    f"This Idempotency-Key was already used at {record.created_at:%Y-%m-%d %H:%M:%S} UTC for a "
                    "different request; send a new key for a new request."
                )
            }
        )
    return Begun(record, replay=True)


def finish(record: IdempotencyKey, *, status: int, response: str) -> None:
    """Store the answer a first request got, for its repeats."""
    record.status, record.response = status, response
    record.save(update_fields=["status", "response"])


def purge_expired(*, user=None) -> int:
    """Delete keys older than LIFETIME (this user's, or everyone's); return how many."""
    expired = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - LIFETIME)
    if user is not None:
        expired = expired.filter(user=user)
    return expired.delete()[0]
