"""Claims: create, edit, delete and restore highlighted spans, with their tags."""

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from simple_history.signals import pre_create_historical_record

from articles import access, limits
from articles.errors import ConfirmationRequired, ConflictError
from articles.limits import check_length
from articles.models import Article, Claim, ClaimLink, Speaker, Tag, Verdict
from articles.services.history import service_write
from articles.services.restore import insert_new_with_links
from articles.text import anchoring

# Sent once the transaction commits, when a claim is created or its quote or summary changes (articles.tasks
# enqueues the related-claims job): claim_id.
claim_quote_saved = Signal()


def _quote_saved(claim_id: int) -> None:
    transaction.on_commit(lambda: claim_quote_saved.send(sender=Claim, claim_id=claim_id))


# Marks an argument the caller did not pass (None is a meaningful value: "no speaker").
UNSET = object()


def lock_claim_at_version(claim: Claim, version: int, *, retry: str) -> Claim:
    """The claim's row, locked for this transaction, if it is still at `version`; else ConflictError."""
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.version != version:
        raise ConflictError(
            f"This claim was changed by someone else (now version {current.version}, you sent {version}). "
            f"Reload it and {retry}.",
            current_version=current.version,
        )
    return current


def lock_claims(*ids: int) -> dict[int, Claim]:
    """Lock these claims' rows for this transaction, always in ascending id order, and return them by id.

    Every write that touches more than one claim (a link) or must see a claim's live state (a delete, a
    restore) locks through here: one order means two transactions never wait on each other in a cycle, and a
    link's check of `deleted_at` reads a row no delete can change until the link is committed or refused.
    """
    rows = Claim.objects.select_for_update().filter(pk__in=set(ids)).order_by("id")
    return {claim.pk: claim for claim in rows}


def validate_span(body: str, start, end, quote: str) -> None:
    """Refuse a span unless 0 <= start < end <= len(body) and quote == body[start:end]."""
    check_span_bounds(start, end)
    check_span_text(len(body), start, end, quote, body[start:end])


def check_span_bounds(start, end) -> None:
    """Refuse offsets that are not whole numbers with 0 <= start < end (the text is not needed for this)."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ValidationError({"start": "start and end must be whole numbers (Unicode code points)."})
    if start < 0:
        raise ValidationError({"start": f"start must be 0 or more, got {start}."})
    if end <= start:
        raise ValidationError({"end": f"end ({end}) must be greater than start ({start})."})


def check_span_text(length: int, start: int, end: int, quote: str, actual: str) -> None:
    """Refuse a span past the text's `length` or whose quote differs from `actual`, the text at start-end."""
    if end > length:
        raise ValidationError({"end": f"end ({end}) is past the end of the article text ({length} characters)."})
    if quote != actual:
        raise ValidationError(
            {"quote": f"quote does not equal the article text at {start}–{end}, which reads {actual[:200]!r}."}
        )


def tag_names(raw: Iterable[str]) -> list[str]:
    """Normalise tag names to lowercase slugs; refuse ones that are empty or too long after that."""
    names = []
    for item in raw:
        name = slugify(str(item).strip(), allow_unicode=True)
        if not name:
            raise ValidationError({"tags": f"{item!r} is not a usable tag (letters, digits, - and _)."})
        if len(name) > Tag._meta.get_field("name").max_length:
            raise ValidationError({"tags": f"tag {name!r} is longer than 60 characters."})
        if name not in names:
            names.append(name)
    return names


def _set_tags(claim: Claim, names: list[str], *, new: bool = False) -> None:
    """Give the claim exactly these tags, creating missing ones; `new`: it has none yet (add, no diff)."""
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    tags = [existing[name] for name in names]
    if new:
        claim.tags.add(*tags)
    else:
        claim.tags.set(tags)


@service_write
def create_claim(
    *,
    user,
    article: Article | int,
    start: int,
    end: int,
    quote: str,
    speaker: Speaker | int | None = None,
    summary: str = "",
    tags: Iterable[str] = (),
) -> Claim:
    """Highlight body[start:end] of an article (a record or its id) as a claim said by `speaker` (a record, its
    id, or None); context is taken from the body.

    The body is never loaded: one query (access.get_claim_target_for_user) locks the article's row and reads its
    heading, the span, its context, the body's length, its claim count and the speaker given by id (SUBSTR and
    LENGTH count characters, that is code points, on SQLite and PostgreSQL alike). An unknown article or speaker
    id is a ValidationError on that field. The claim, its tags and its one history record (tags included) are
    inserts; nothing is read back. The claim returned carries its tags (claim.tags.all() needs no query) and,
    given ids, its article's heading and its speaker.
    """
    check_length("quote", quote, limits.MAX_QUOTE)
    check_length("summary", summary, limits.MAX_SUMMARY)
    check_span_bounds(start, end)
    names = tag_names(tags)
    article_pk = article.pk if isinstance(article, Article) else article
    speaker_pk = speaker if isinstance(speaker, int) else None
    context = anchoring.CONTEXT_LENGTH
    begin = max(0, start - context)
    # The article's row stays locked until this transaction ends: a revision (which locks it too) either finishes
    # first and the span is checked against its new text, or waits and re-anchors this claim. The span and its
    # context are read as one stretch of the text and cut here (code points, as SUBSTR counts them): each SUBSTR
    # reads the text from its start (PostgreSQL decompresses it, SQLite walks its UTF-8), once instead of three times.
    # Offsets past any text are read as _TEXT_END (SUBSTR takes 32-bit numbers; a larger one was a server error):
    # such a span is refused by its end, against the text's real length.
    window_start, window_end = min(begin, _TEXT_END), min(end + context, _TEXT_END)
    try:
        target, found, length, claim_count, (window,), tag_ids = access.get_claim_target_for_user(
            user, article_pk, speaker_pk, [(window_start, window_end - window_start)], names
        )
    except Http404:
        raise ValidationError({"article": f"There is no article with id {article_pk}."}) from None
    span_at, span_end = start - window_start, end - window_start
    before, actual, after = window[:span_at], window[span_at:span_end], window[span_end:]
    if speaker_pk is not None:
        if found is None:
            raise ValidationError({"speaker": f"There is no speaker with id {speaker_pk}."})
        speaker = found
    _refuse_past_claim_limit(claim_count)
    check_span_text(length, start, end, quote, actual)
    tag_rows = _tags_named(names, tag_ids)
    claim = Claim(
        article=article if isinstance(article, Article) else target,
        start=start,
        end=end,
        quote=quote,
        prefix=before,
        suffix=after,
        speaker=speaker,
        summary=summary.strip(),
        created_by=user,
    )
    # Prepared INSERTs (restore), no save(): the history record is written below, once, with the tags.
    links = [Claim.tags.through(tag=tag) for tag in tag_rows]
    insert_new_with_links(claim, links, "claim")
    _record_creation(claim, user, links)
    _remember_tags(claim, tag_rows)
    _quote_saved(claim.pk)
    return claim


# Past the end of every article text (far shorter than 2**31 code points), and SUBSTR's largest argument minus one.
_TEXT_END = 2**31 - 2


def _refuse_past_claim_limit(count: int) -> None:
    """Refuse a claim past the per-article limit (deleted claims count: they can be restored)."""
    limit = limits.max_claims_per_article()
    if count >= limit:
        raise ValidationError({"article": f"This article already has {limit} claims, the most one article may have."})


def _tags_named(names: list[str], found: dict[str, int]) -> list[Tag]:
    """The tags with these names, sorted by name (as a claim's tags are shown): `found` gives the ids of those
    that exist (read with the article); the others are created, then read."""
    if len(found) < len(names):
        Tag.objects.bulk_create([Tag(name=name) for name in names if name not in found], ignore_conflicts=True)
        found = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
    return [Tag.from_db(Tag.objects.db, ["id", "name"], (found[name], name)) for name in sorted(names)]


def _record_creation(claim: Claim, user, through_rows: list) -> None:
    """The claim's one creation record in its history, with its tags, as simple_history would write it (the
    same signal names the user), without reading the tags back."""
    # The registry, not Claim.history: simple_history's descriptor builds a manager (inspecting the call stack)
    # on every access, a tenth of this request's CPU.
    history = apps.get_model("articles", "HistoricalClaim")
    record = history(
        history_date=timezone.now(),
        history_type="+",
        history_user=user if getattr(user, "pk", None) is not None else None,
        history_change_reason=getattr(claim, "_change_reason", None),
        **{field.attname: getattr(claim, field.attname) for field in history.tracked_fields},
    )
    pre_create_historical_record.send(
        sender=history,
        instance=claim,
        history_date=record.history_date,
        history_user=record.history_user,
        history_change_reason=record.history_change_reason,
        history_instance=record,
        using=None,
    )
    tag_history = apps.get_model("articles", "HistoricalClaim_tags")
    rows = [tag_history(id=row.pk, claim_id=claim.pk, tag_id=row.tag_id) for row in through_rows]
    insert_new_with_links(record, rows, "history")


def _remember_tags(claim: Claim, tags: list[Tag]) -> None:
    """Give the new claim's tags manager its (known) contents, as prefetch_related would: no query to show them."""
    queryset = claim.tags.all()
    queryset._result_cache = list(tags)
    queryset._prefetch_done = True
    claim._prefetched_objects_cache = {"tags": queryset}


@service_write
def update_claim(
    *,
    user,
    claim: Claim,
    version: int,
    speaker=UNSET,
    summary=UNSET,
    tags=UNSET,
    span: tuple[int, int, str] | None = None,
    reason: str = "",
) -> Claim:
    """Change a claim if nobody else changed it since `version`; otherwise raise ConflictError.

    `span` (start, end, quote) re-attaches the claim to new text (for example an orphaned or
    relocated claim confirmed by a reviewer); it is validated like a new claim and marks it anchored.
    """
    current = lock_claim_at_version(claim, version, retry="apply your change again")
    if current.is_deleted:
        raise ValidationError({"detail": "This claim is deleted; undo the deletion before editing it."})
    fields = {"version", "updated_at"}
    if span is not None:
        start, end, quote = span
        if quote != current.quote:
            _quote_saved(current.pk)
        check_length("quote", quote, limits.MAX_QUOTE)
        body = current.article.body
        validate_span(body, start, end, quote)
        selector = anchoring.describe(body, start, end)
        current.start, current.end, current.quote = start, end, quote
        current.prefix, current.suffix = selector.prefix, selector.suffix
        current.anchor_state = Claim.AnchorState.ANCHORED
        fields |= {"start", "end", "quote", "prefix", "suffix", "anchor_state"}
    if speaker is not UNSET:
        current.speaker = speaker
        fields.add("speaker")
    if summary is not UNSET:
        if summary.strip() != current.summary:
            _quote_saved(current.pk)  # the related-claims vector is made from the quote and the summary
        current.summary = check_length("summary", summary.strip(), limits.MAX_SUMMARY)
        fields.add("summary")
    names = tag_names(tags) if tags is not UNSET else None
    current.version += 1
    if reason:
        current._change_reason = reason
    current.save(update_fields=fields)
    if names is not None:
        _set_tags(current, names)
    return current


@service_write
def delete_claim(*, user, claim: Claim, reason: str = "", confirmed: bool = False) -> Claim:
    """Soft-delete: the claim, its links and verdicts stay, hidden, and the deletion can be undone (Trash).

    A claim whose verdict went past draft is a fact-check under way or published: only an editor may
    delete it, and only once they confirmed having seen what goes with it (ConfirmationRequired). The row
    is locked (lock_claims) so that a link being made to it at the same moment either commits first (and
    is hidden with the claim) or waits and is refused because the claim is deleted.
    """
    current = lock_claims(claim.pk)[claim.pk]
    if current.is_deleted:
        return current
    verdicts = list(current.verdicts.exclude(state=Verdict.State.DRAFT).order_by("pk"))
    if verdicts:
        states = ", ".join(f"#{v.pk} {v.get_state_display().lower()}" for v in verdicts)
        if not user.has_perm("articles.change_any_claim"):
            raise PermissionDenied(
                f"This claim has a verdict under way or published ({states}); only an editor can delete it."
            )
        if not confirmed:
            raise ConfirmationRequired(
                "Deleting this claim hides its verdicts and links with it; confirm to go ahead.",
                goes_with=what_goes_with(current),
            )
    current.deleted_at = timezone.now()
    current.version += 1
    current._change_reason = reason or "deleted"
    current.save(update_fields=["deleted_at", "version", "updated_at"])
    return current


def what_goes_with(claim: Claim) -> list[str]:
    """What deleting a claim hides with it, in words, for the confirmation."""
    verdicts = [f"verdict #{v.pk} ({v.get_state_display().lower()})" for v in claim.verdicts.order_by("pk")]
    links = ClaimLink.objects.filter(Q(from_claim=claim) | Q(to_claim=claim)).count()
    return [*verdicts, *([f"{links} link{'s' if links != 1 else ''}"] if links else [])]


@service_write
def restore_claim(*, user, claim: Claim) -> Claim:
    """Undo a deletion."""
    current = lock_claims(claim.pk)[claim.pk]
    if not current.is_deleted:
        return current
    current.deleted_at = None
    current.version += 1
    current._change_reason = "deletion undone"
    current.save(update_fields=["deleted_at", "version", "updated_at"])
    return current
