"""Article revisions: a new text for a stored article, with every claim re-anchored to it.

An outlet corrects a figure, the importer improves, an editor fixes a typo: `revise_article` stores the
new body (django-simple-history keeps every version, so any version can be compared with the one before)
and moves every claim of the article onto the new text with one `anchoring.reanchor` call. A claim whose
words are gone, or could be in several places, is *orphaned*: it keeps its old quote and context, loses
its offsets, and is never attached to other words. A claim whose words changed a little is *relocated*
until a person confirms it (`confirm_relocation`) or re-attaches it (`services.update_claim(span=...)`).
Links, verdicts and history belong to the claim row, so they stay whatever its anchor state.

Callers use these through the `articles.services` package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from articles.models import Article, Claim, content_hash
from articles.services.claims import lock_claim_at_version
from articles.services.history import service_write
from articles.services.suggestions import announce_text_changed
from articles.text import anchoring

# The fields re-anchoring may change on a claim (besides version and updated_at).
ANCHOR_FIELDS = ("start", "end", "quote", "prefix", "suffix", "anchor_state")


@dataclass(frozen=True)
class RevisionResult:
    """What a revision did: whether the text changed, and where the article's live claims now stand.

    The counts are of live (not deleted) claims; deleted ones are re-anchored too, so that undoing a
    deletion lands on the right words, but nobody is shown them. `moved` lists the ids of claims (live
    or deleted) whose anchor changed and whose version was therefore raised.
    """

    article: Article
    body_changed: bool
    anchored: int = 0
    relocated: int = 0
    orphaned: int = 0
    moved: list[int] = field(default_factory=list)

    def summary(self) -> str:
        """The words the importer and the admin report: "2 anchored, 1 relocated, 0 orphaned"."""
        return f"{self.anchored} anchored, {self.relocated} relocated, {self.orphaned} orphaned"


@service_write
def revise_article(
    *,
    user,
    article: Article,
    body: str,
    reason: str,
    title: str | None = None,
    raw: str | None = None,
    raw_format: str | None = None,
) -> RevisionResult:
    """Store a new version of an article's text and re-anchor all of its claims.

    Newlines are normalised first. Refuses (ValidationError keyed by field) a blank body, a blank
    reason, a blank or over-long title, and a body that another article already has. A body equal
    to the current one changes only the title (if given) and re-anchors nothing. `raw`/`raw_format`,
    when given, replace the stored original (an import of the newer page); the history keeps every
    body, title and reason, with the user who made the change.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the text changed (for example “outlet corrected a figure”)."})
    body = anchoring.normalise_newlines(body or "")
    if not body.strip():
        raise ValidationError({"body": "The article text cannot be empty."})

    current = Article.objects.select_for_update().get(pk=article.pk)
    old_body = current.body
    fields = ["updated_at"]
    if title is not None and title.strip() != current.title:
        current.title = title.strip()
        fields.append("title")
    if body != old_body:
        _refuse_duplicate_body(current, body)
        current.body = body
        fields.append("body")
    if raw is not None:
        current.raw = raw
        current.raw_format = raw_format or current.raw_format
        fields += ["raw", "raw_format"]
    if len(fields) == 1:
        return RevisionResult(article=current, body_changed=False, **_live_counts(current))

    _validate(current, fields)
    current._change_reason = reason
    try:
        with transaction.atomic():
            current.save(update_fields=fields)
    except IntegrityError:
        # Another article took this text between our check and our write.
        _refuse_duplicate_body(current, body)
        raise
    if body == old_body:
        return RevisionResult(article=current, body_changed=False, **_live_counts(current))

    moved = _reanchor_claims(current, old_body, user=user, reason=reason)
    announce_text_changed(current.pk)  # re-score the check-worthy sentences of the new text after commit
    return RevisionResult(article=current, body_changed=True, moved=moved, **_live_counts(current))


def _refuse_duplicate_body(article: Article, body: str) -> None:
    other = Article.objects.filter(content_hash=content_hash(body)).exclude(pk=article.pk).first()
    if other is not None:
        raise ValidationError({"body": f"This text is already stored as article #{other.pk} “{other.title}”."})


def _validate(article: Article, fields: list[str]) -> None:
    """The model's own field checks (title length, ...) on what changed; the hash follows the body."""
    exclude = [f.name for f in Article._meta.fields if f.name not in fields]
    try:
        article.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _live_counts(article: Article) -> dict[str, int]:
    rows = Claim.objects.live().filter(article=article).order_by().values_list("anchor_state").annotate(n=Count("pk"))
    counts = dict.fromkeys(Claim.AnchorState.values, 0)
    counts.update(dict(rows))
    return counts


def _reanchor_claims(article: Article, old_body: str, *, user, reason: str) -> list[int]:
    """Move every claim of the article (deleted ones too) onto its new body; return the moved ids.

    One reanchor() call for all claims (the diff is computed once), one bulk UPDATE, one history
    record per changed claim saying what happened to it.
    """
    # Whole rows: the history records written below are complete snapshots of each claim.
    claims = list(Claim.objects.select_for_update().filter(article=article).order_by("id"))
    if not claims:
        return []
    anchors = [
        # An orphaned claim has no offsets; (0, 0) holds no quote, so reanchor looks for its words instead,
        # and finds them again if the new text brings them back.
        anchoring.Anchor(claim.start or 0, claim.end or 0, claim.quote, claim.prefix, claim.suffix)
        for claim in claims
    ]
    results = anchoring.reanchor(old_body, article.body, anchors)
    now = timezone.now()
    before = {claim.pk: tuple(getattr(claim, name) for name in ANCHOR_FIELDS) for claim in claims}
    changed = []
    for claim, result in zip(claims, results, strict=True):
        if _apply(claim, result):
            claim.version += 1
            claim.updated_at = now
            claim._change_reason = f"re-anchored after revision: {result.state.value} ({reason})"
            changed.append(claim)
    if changed:
        _write(changed, before, now)
        _record_history(changed, user=user, when=now)
    return [claim.pk for claim in changed]


def _write(claims: list[Claim], before: dict[int, tuple], now) -> None:
    """Save the new anchors: one UPDATE per distinct shift, bulk_update for the rest.

    After a typical edit most claims keep their words and context and only move by the length of
    the text inserted or deleted before them; Django's bulk_update builds a CASE expression per row
    and field (about a second for 1,000 claims), while a shift is one `start = start + n` per group.
    """
    shifted: dict[int, list[int]] = {}
    rest = []
    for claim in claims:
        start, end, *words = before[claim.pk]
        delta = (claim.start - start) if claim.start is not None and start is not None else None
        same_words = words == [getattr(claim, name) for name in ANCHOR_FIELDS[2:]]
        if delta is not None and same_words and claim.end - end == delta:
            shifted.setdefault(delta, []).append(claim.pk)
        else:
            rest.append(claim)
    for delta, ids in shifted.items():
        Claim.objects.filter(pk__in=ids).update(
            start=F("start") + delta, end=F("end") + delta, version=F("version") + 1, updated_at=now
        )
    if rest:
        Claim.objects.bulk_update(rest, [*ANCHOR_FIELDS, "version", "updated_at"], batch_size=500)


def _apply(claim: Claim, result: anchoring.Reanchored) -> bool:
    """Set the claim's anchor from a re-anchoring result; True when anything changed."""
    if result.state is anchoring.AnchorState.ORPHANED:
        # Keep the words the claim was made on; only the offsets go.
        new = {"start": None, "end": None, "quote": claim.quote, "prefix": claim.prefix, "suffix": claim.suffix}
    else:
        new = {"start": result.start, "end": result.end, "quote": result.quote}
        new["prefix"], new["suffix"] = result.prefix, result.suffix
    new["anchor_state"] = _next_state(claim, result)
    if all(getattr(claim, name) == value for name, value in new.items()):
        return False
    for name, value in new.items():
        setattr(claim, name, value)
    return True


def _next_state(claim: Claim, result: anchoring.Reanchored) -> str:
    """The claim's state after the revision.

    A relocation still waiting for a person stays "relocated" even when its (already moved) words are
    found exactly again: nobody has confirmed them yet.
    """
    state = result.state.value
    if state == Claim.AnchorState.ANCHORED and claim.anchor_state == Claim.AnchorState.RELOCATED:
        return Claim.AnchorState.RELOCATED
    return state


def _record_history(claims: list[Claim], *, user, when) -> None:
    """One history record per claim, as simple_history writes on save(): the row and its tags as they are.

    Written with INSERT ... SELECT from the rows just updated (one statement per change reason, one for
    the tags) rather than bulk_history_create, which builds and sends every record from Python: for
    1,000 claims that alone took longer than the re-anchoring.
    """
    history = Claim.history.model
    tag_history = apps.get_model("articles", "HistoricalClaim_tags")
    through = Claim.tags.through
    quote = connection.ops.quote_name
    by_reason: dict[str, list[int]] = {}
    for claim in claims:
        by_reason.setdefault(claim._change_reason, []).append(claim.pk)

    copied = [quote(f.column) for f in history.tracked_fields]
    extra = [quote(history._meta.get_field(name).column) for name in ("history_date", "history_change_reason")]
    extra += [quote(history._meta.get_field(name).column) for name in ("history_type", "history_user")]
    with connection.cursor() as cursor:
        for reason, ids in by_reason.items():
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(copied + extra)}) "  # noqa: S608
                f"SELECT {', '.join(copied)}, %s, %s, %s, %s FROM {quote(Claim._meta.db_table)} "
                f"WHERE {quote('id')} IN ({', '.join(['%s'] * len(ids))})",
                [when, reason, "~", user.pk if user else None, *ids],
            )
        # The tags of each new record: a copy of each through row, tied to the record (found by claim and date).
        ids = [claim.pk for claim in claims]
        tag_columns = ["id", "claim_id", "tag_id"]
        cursor.execute(
            f"INSERT INTO {quote(tag_history._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(c) for c in tag_columns)}, {quote('history_id')}) "
            f"SELECT {', '.join('t.' + quote(c) for c in tag_columns)}, h.{quote('history_id')} "
            f"FROM {quote(through._meta.db_table)} t JOIN {quote(history._meta.db_table)} h "
            f"ON h.{quote('id')} = t.{quote('claim_id')} "
            f"WHERE h.{quote('history_date')} = %s AND h.{quote('id')} IN ({', '.join(['%s'] * len(ids))})",
            [when, *ids],
        )


@service_write
def confirm_relocation(*, user, claim: Claim, version: int) -> Claim:
    """A person confirms that a relocated claim sits on the right words: it becomes anchored, span kept.

    Raises ConflictError when the claim changed since `version`, and ValidationError when it is
    deleted or not relocated (an orphaned claim is re-attached with update_claim(span=...) instead).
    """

    current = lock_claim_at_version(claim, version, retry="check the relocation again")
    if current.is_deleted:
        raise ValidationError({"detail": "This claim is deleted; undo the deletion before confirming it."})
    if current.anchor_state != Claim.AnchorState.RELOCATED:
        raise ValidationError(
            {"anchor_state": f"Only a relocated claim can be confirmed; this one is {current.anchor_state}."}
        )
    current.anchor_state = Claim.AnchorState.ANCHORED
    current.version += 1
    current._change_reason = "relocation confirmed"
    current.save(update_fields=["anchor_state", "version", "updated_at"])
    return current
