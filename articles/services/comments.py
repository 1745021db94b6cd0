"""Discussion: threaded comments on claims and on verdicts, @mentions, resolve and reopen.

Callers check access first (access.get_comment_target_for_user, access.get_comment_for_user, which hold
the one rule of who may do what). A thread is a root comment and its replies, one level deep: a reply to a
reply joins the root's thread. Mentions (@username) notify the people named; a reply notifies everyone who
took part in the thread. Nothing here writes the claim or the verdict: their versions stay as they are.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles import limits
from articles.errors import ConflictError
from articles.models import Claim, Comment, Verdict
from articles.services.history import service_write
from articles.services.notifications import Kind, notify

# Django's usernames: letters, digits and @ . + - _. A mention starts after a space or punctuation other than
# those (so an e-mail address is no mention) and drops a trailing full stop ("thanks @bob.").
MENTION = re.compile(r"(?<![\w.@+-])@([\w.@+-]{1,150})")
MAX_MENTIONS = 20


def mentioned_users(text: str) -> list:
    """The active users named as @username in `text` (case-insensitive), in order, at most MAX_MENTIONS."""
    names = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in names:
            names.append(name.lower())
    if not names:
        return []
    users = get_user_model().objects.filter(is_active=True)
    found = {user.get_username().lower(): user for user in users.filter(username__iregex=_any_of(names))}
    return [found[name] for name in names if name in found][:MAX_MENTIONS]


def _any_of(names: list[str]) -> str:
    return r"^(" + "|".join(re.escape(name) for name in names[: MAX_MENTIONS * 2]) + r")$"


def _clean_text(text) -> str:
    if not isinstance(text, str):
        raise ValidationError({"text": "The comment must be text."})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "The comment is empty."})
    if len(text) > limits.MAX_COMMENT:
        raise ValidationError({"text": f"The comment is {len(text)} characters; the limit is {limits.MAX_COMMENT}."})
    return text


def comment_url(comment: Comment) -> str:
    """Where a comment is read: the claim's card in the reader, or the verdict's admin page."""
    if comment.claim_id:
        claim = comment.claim
        return reverse("articles:article_detail", args=[claim.article_id]) + f"#claim-{claim.pk}"
    return reverse("admin:articles_verdict_change", args=[comment.verdict_id]) + "#discussion"


def _excerpt(text: str, size: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


@service_write
def add_comment(
    *, user, text: str, claim: Claim | None = None, verdict: Verdict | None = None, parent: Comment | None = None
) -> Comment:
    """Start a thread on a claim or a verdict, or (with `parent`) reply in a thread: the parent's target is used."""
    text = _clean_text(text)
    if parent is not None:
        if parent.parent_id is not None:  # a reply to a reply joins the same thread
            parent = Comment.objects.select_related("claim", "verdict").get(pk=parent.parent_id)
        claim, verdict = parent.claim, parent.verdict
    if (claim is None) == (verdict is None):
        raise ValidationError({"claim": "A comment is on a claim or on a verdict (one of the two)."})
    # The claim's row as stored (locked: a deletion at the same moment commits first or waits for this).
    claim_id = claim.pk if claim is not None else verdict.claim_id
    if not Claim.objects.select_for_update().filter(pk=claim_id, deleted_at__isnull=True).exists():
        raise ValidationError({"claim": "This claim is deleted; restore it before commenting."})
    comment = Comment.objects.create(claim=claim, verdict=verdict, parent=parent, author=user, text=text)
    mentioned = mentioned_users(text)
    if mentioned:
        comment.mentioned.set(mentioned)
    _notify(comment, user, mentioned, reply=parent is not None)
    return comment


def _notify(comment: Comment, user, mentioned: list, *, reply: bool) -> None:
    where = f"claim #{comment.claim_id}" if comment.claim_id else f"verdict #{comment.verdict_id}"
    url, said = comment_url(comment), _excerpt(comment.text)
    name = user.get_username()
    if mentioned:
        text = f"{name} mentioned you on {where}: “{said}”"
        notify(recipients=mentioned, kind=Kind.MENTIONED, actor=user, text=text, url=url)
    if reply:
        told = {person.pk for person in mentioned}
        root_id = comment.parent_id
        in_thread = Comment.objects.filter(Q(pk=root_id) | Q(parent_id=root_id)).order_by()
        author_ids = set(in_thread.values_list("author_id", flat=True).distinct())
        people = get_user_model().objects.filter(pk__in=author_ids - told - {user.pk}, is_active=True).order_by("pk")
        text = f"{name} replied on {where}: “{said}”"
        notify(recipients=list(people), kind=Kind.REPLY, actor=user, text=text, url=url)


def _lock_at_version(comment: Comment, version: int) -> Comment:
    current = Comment.objects.select_for_update().get(pk=comment.pk)
    if current.version != version:
        raise ConflictError(
            f"This comment was changed by someone else (now version {current.version}, you sent {version}). "
            "Reload it and apply your change again.",
            current_version=current.version,
        )
    if current.is_deleted:
        raise ValidationError({"detail": "This comment is deleted."})
    return current


@service_write
def edit_comment(*, user, comment: Comment, version: int, text: str) -> Comment:
    """Change a comment's text if nobody changed it since `version`; people newly @mentioned are notified."""
    text = _clean_text(text)
    current = _lock_at_version(comment, version)
    before = {person.pk for person in current.mentioned.all()}
    current.text = text
    current.edited_at = timezone.now()
    current.version += 1
    current.save(update_fields=["text", "edited_at", "version"])
    mentioned = mentioned_users(text)
    current.mentioned.set(mentioned)
    _notify(current, user, [person for person in mentioned if person.pk not in before], reply=False)
    return current


@service_write
def delete_comment(*, user, comment: Comment) -> Comment:
    """Soft-delete: the row and its history stay; readers see "deleted" in place of its text."""
    current = Comment.objects.select_for_update().get(pk=comment.pk)
    if current.is_deleted:
        return current
    current.deleted_at = timezone.now()
    current.deleted_by = user
    current.version += 1
    current.save(update_fields=["deleted_at", "deleted_by", "version"])
    return current


@service_write
def resolve_thread(*, user, comment: Comment, resolved: bool = True) -> Comment:
    """Resolve (or, resolved=False, reopen) the thread `comment` belongs to; returns its root."""
    root = Comment.objects.select_for_update().get(pk=comment.parent_id or comment.pk)
    if root.is_deleted and not root.replies.filter(deleted_at__isnull=True).exists():
        raise ValidationError({"detail": "This thread is deleted."})
    if resolved == (root.resolved_at is not None):
        return root
    root.resolved_at = timezone.now() if resolved else None
    root.resolved_by = user if resolved else None
    root.version += 1
    root.save(update_fields=["resolved_at", "resolved_by", "version"])
    return root


@service_write
def import_comment(
    *,
    user,
    text: str,
    created_at,
    claim: Claim | None = None,
    verdict: Verdict | None = None,
    parent: Comment | None = None,
    edited_at=None,
    deleted_at=None,
    resolved_at=None,
    resolved_by=None,
) -> Comment:
    """A comment restored from an export (importing.jsonl), as it was: times, deletion and thread state.

    Validated like a new comment (the same limit and target rules); nobody is notified, and mentions are
    read again from the text. A deleted comment comes without its text.
    """
    text = text if deleted_at is not None and not text else _clean_text(text)
    if parent is not None:
        claim, verdict = parent.claim, parent.verdict
        resolved_at = resolved_by = None
    if (claim is None) == (verdict is None):
        raise ValidationError({"claim": "A comment is on a claim or on a verdict (one of the two)."})
    comment = Comment(
        claim=claim, verdict=verdict, parent=parent, author=user, text=text, edited_at=edited_at,
        deleted_at=deleted_at, resolved_at=resolved_at, resolved_by=resolved_by if resolved_at else None,
    )  # fmt: skip
    comment._change_reason = "imported"
    comment.full_clean(exclude=["text"] if not text else None)
    comment.save()
    Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
    if text and deleted_at is None:
        comment.mentioned.set(mentioned_users(text))
    return comment
