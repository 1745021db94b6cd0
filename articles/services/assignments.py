"""Assignments: editors hand articles (to annotate) and claims (to check) to a person."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.access import can_assign
from articles.limits import MAX_ASSIGNMENT_NOTE, check_length
from articles.models import Article, Assignment, Claim
from articles.services.history import service_write
from articles.services.notifications import Kind, notify

__all__ = ["assign", "can_assign", "close_claim_assignments", "finish"]


@service_write
def assign(*, user, assignee, article: Article | None = None, claim: Claim | None = None, due=None, note: str = ""):
    """Give `assignee` an article or a claim; refuse a second open assignment of the same thing to them."""
    if not can_assign(user):
        raise PermissionDenied("Only editors can assign work.")
    if (article is None) == (claim is None):
        raise ValidationError({"target": "Assign either an article or a claim."})
    if not assignee.is_active:
        raise ValidationError({"assignee": f"{assignee.get_username()} cannot log in and cannot take work."})
    if claim is not None and claim.is_deleted:
        raise ValidationError({"claim": "This claim is deleted; restore it before assigning it."})
    note = check_length("note", (note or "").strip(), MAX_ASSIGNMENT_NOTE)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                article=article, claim=claim, assignee=assignee, assigned_by=user, due=due, note=note
            )
    except IntegrityError:
        raise ValidationError({"assignee": f"This is already assigned to {assignee.get_username()}."}) from None
    if article is not None:
        text, url = f"Article to annotate: {article.title}", article.get_absolute_url()
    else:
        text, url = f"Claim to check: {claim}", claim.get_absolute_url()
    if due:
        text += f" (due {due:%d %b %Y})"
    notify(recipients=[assignee], kind=Kind.ASSIGNED, actor=user, text=text, url=url)
    return assignment


@service_write
def finish(*, user, assignment: Assignment) -> Assignment:
    """Mark an assignment done: its assignee or an editor."""
    if assignment.assignee_id != user.pk and not can_assign(user):
        raise PermissionDenied("Only the assignee or an editor can mark this done.")
    if assignment.done_at is None:
        assignment.done_at = timezone.now()
        assignment.save(update_fields=["done_at"])
    return assignment


def close_claim_assignments(claim_id: int) -> None:
    """A claim's check is done once its verdict is published."""
    Assignment.objects.filter(claim_id=claim_id, done_at__isnull=True).update(done_at=timezone.now())
