"""Notifications: tell a person what happened to their work, in their inbox.

Services call `notify` inside their own transaction, so a notification exists exactly when the change
it reports was committed. Nobody is notified of their own action.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles.models import Notification

Kind = Notification.Kind


def notify(*, recipients, kind: str, actor, text: str, url: str) -> list[Notification]:
    """One notification per recipient (duplicates and the actor left out)."""
    seen, rows = set(), []
    for person in recipients:
        if person is None or person.pk in seen or (actor is not None and person.pk == actor.pk):
            continue
        seen.add(person.pk)
        rows.append(Notification(recipient=person, kind=kind, actor=actor, text=text[:500], url=url))
    return Notification.objects.bulk_create(rows)


def editors():
    """Everyone who may approve verdicts: the people told when one is waiting for review."""
    users = get_user_model().objects.filter(is_active=True)
    return [user for user in users.filter(groups__name="Editor").distinct()] + list(users.filter(is_superuser=True))


@transaction.atomic
def mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all unread ones when `ids` is None); returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
