"""Links: typed relations between two claims, possibly in different articles."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles import limits
from articles.limits import check_length
from articles.models import Claim, ClaimLink
from articles.services.claims import lock_claims
from articles.services.history import service_write


@service_write
def link_claims(*, user, from_claim: Claim, to_claim: Claim, relation: str, note: str = "") -> ClaimLink:
    """Relate two claims; refuse self-links, unknown relations, deleted claims and duplicates (also reversed
    symmetric ones).

    Both claims are locked (in id order, as delete_claim locks them) and their deletion is checked on the
    locked rows, not on the instances the caller read: a claim deleted a moment ago is refused with a 400,
    and a delete that comes a moment later waits until this link is committed.
    """
    if relation not in ClaimLink.Relation.values:
        choices = ", ".join(ClaimLink.Relation.values)
        raise ValidationError({"relation": f"Unknown relation {relation!r}; choose one of {choices}."})
    check_length("note", note, limits.MAX_LINK_NOTE)
    if from_claim.pk == to_claim.pk:
        raise ValidationError({"to_claim": "A claim cannot be linked to itself."})
    locked = lock_claims(from_claim.pk, to_claim.pk)
    for field, claim in (("from_claim", from_claim), ("to_claim", to_claim)):
        current = locked.get(claim.pk)
        if current is None or current.is_deleted:
            raise ValidationError({field: f"Claim #{claim.pk} is deleted; a deleted claim cannot be linked."})
    duplicates = ClaimLink.objects.filter(from_claim=from_claim, to_claim=to_claim, relation=relation)
    if relation in ClaimLink.SYMMETRIC:
        duplicates = duplicates | ClaimLink.objects.filter(from_claim=to_claim, to_claim=from_claim, relation=relation)
    if duplicates.exists():
        raise ValidationError({"relation": "These claims are already linked with this relation."})
    try:
        with transaction.atomic():
            return ClaimLink.objects.create(
                from_claim=from_claim, to_claim=to_claim, relation=relation, note=note.strip(), created_by=user
            )
    except IntegrityError:
        # A concurrent request created the same link between our check and our insert.
        raise ValidationError({"relation": "These claims are already linked with this relation."}) from None


@service_write
def update_link(*, user, link: ClaimLink, note: str) -> ClaimLink:
    """Change a link's note; its ends and relation are its identity (unlink and link again to change them)."""
    link.note = check_length("note", note.strip(), limits.MAX_LINK_NOTE)
    link._change_reason = "note changed"
    link.save(update_fields=["note"])
    return link


@service_write
def delete_link(*, user, link: ClaimLink) -> None:
    link._change_reason = "unlinked"
    link.delete()
