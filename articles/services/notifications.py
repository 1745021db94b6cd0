"""Notifications: tell a person what happened to their work, in their inbox.

Services call `notify` inside their own transaction, so a notification exists exactly when the change
it reports was committed. Nobody is notified of their own action. E-mail never slows or breaks the
request: after the commit a worker is asked to send the person's digest a few minutes later
(FACTCHECK_EMAIL_DIGEST_SECONDS), so a burst of events becomes one e-mail.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from articles.models import EmailOptOut, Notification
from articles.services.history import service_write

Kind = Notification.Kind


def notify(*, recipients, kind: str, actor, text: str, url: str) -> list[Notification]:
    """One notification per recipient (duplicates and the actor left out)."""
    seen, rows = set(), []
    for person in recipients:
        if person is None or person.pk in seen or (actor is not None and person.pk == actor.pk):
            continue
        seen.add(person.pk)
        rows.append(Notification(recipient=person, kind=kind, actor=actor, text=text[:500], url=url))
    created = Notification.objects.bulk_create(rows)
    _announce([row.recipient_id for row in created])
    return created


def editors():
    """Everyone who may approve verdicts: the people told when one is waiting for review."""
    users = get_user_model().objects.filter(is_active=True)
    return [user for user in users.filter(groups__name="Editor").distinct()] + list(users.filter(is_superuser=True))


@service_write
def mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (all unread ones when `ids` is None); returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


# ---------------------------------------------------------------- e-mail digests

# Sent after the commit with the ids of the people just notified; articles.tasks schedules their digest.
notifications_created = Signal()


def _announce(recipient_ids: list[int]) -> None:
    if recipient_ids:
        transaction.on_commit(lambda: notifications_created.send(sender=Notification, recipient_ids=recipient_ids))


@service_write
def set_email_kinds(*, user, kinds) -> list[str]:
    """E-mail the user about exactly these kinds of notification (the others stay inbox-only)."""
    wanted = set(kinds)
    unknown = wanted - set(Kind.values)
    if unknown:
        raise ValidationError({"kinds": f"Unknown kinds: {', '.join(sorted(unknown))}."})
    EmailOptOut.objects.filter(user=user).delete()
    EmailOptOut.objects.bulk_create(EmailOptOut(user=user, kind=kind) for kind in Kind.values if kind not in wanted)
    return sorted(wanted)


def emailed_kinds(user) -> set[str]:
    return set(Kind.values) - set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))


def send_digest(recipient_id: int) -> int:
    """One e-mail with every notification the person has not been e-mailed yet (kinds they want); returns how many.

    Runs in a worker a few minutes after the first of a burst, so a burst becomes one e-mail. Rows are
    marked before the e-mail goes: a failure rolls the marks back and the task is retried.
    """
    with transaction.atomic():
        person = get_user_model().objects.filter(pk=recipient_id, is_active=True).exclude(email="").first()
        if person is None:
            return 0
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient=person, emailed_at__isnull=True, kind__in=emailed_kinds(person))
            .order_by("created_at", "id")
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
        site = settings.FACTCHECK_SITE_URL.rstrip("/")
        lines = [f"- {n.text}\n  {site}{n.url}" for n in pending]
        subject = pending[0].text if len(pending) == 1 else f"{len(pending)} updates from the fact-check desk"
        body = "\n".join([f"Hello {person.get_username()},", "", *lines, "", f"Your inbox: {site}/inbox/"])
        send_mail(subject[:150], body, None, [person.email])
    return len(pending)
