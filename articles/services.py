"""Every write that touches several rows or enforces a rule.

Views, the API, admin, importers and management commands call these functions; nothing writes
claims, links, speakers or articles around them. Callers check object access first (access.py);
these functions validate input and raise django.core.exceptions.ValidationError with messages keyed
by field, or ConflictError when the caller's version is stale.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import update_change_reason

from articles import anchoring
from articles.models import Article, Claim, ClaimLink, Source, Speaker, Tag, content_hash


class ConflictError(Exception):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


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


# ---------------------------------------------------------------- spans


def validate_span(body: str, start, end, quote: str) -> None:
    """Refuse a span unless 0 <= start < end <= len(body) and quote == body[start:end]."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ValidationError({"start": "start and end must be whole numbers (Unicode code points)."})
    if start < 0:
        raise ValidationError({"start": f"start must be 0 or more, got {start}."})
    if end <= start:
        raise ValidationError({"end": f"end ({end}) must be greater than start ({start})."})
    if end > len(body):
        raise ValidationError(
            {"end": f"end ({end}) is past the end of the article text ({len(body)} characters)."}
        )
    actual = body[start:end]
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


# ---------------------------------------------------------------- speakers


def _clean_speaker_fields(name: str, description: str, affiliation: str) -> tuple[str, str, str]:
    name, description, affiliation = name.strip(), description.strip(), affiliation.strip()
    if not name:
        raise ValidationError({"name": "A speaker needs a name."})
    for field, value in (("name", name), ("description", description), ("affiliation", affiliation)):
        limit = Speaker._meta.get_field(field).max_length
        if len(value) > limit:
            raise ValidationError({field: f"{field} is {len(value)} characters; the limit is {limit}."})
    return name, description, affiliation


@transaction.atomic
def get_or_create_speaker(*, user, name: str, description: str = "", affiliation: str = "") -> Speaker:
    """The speaker with this name and role, created when new."""
    name, description, affiliation = _clean_speaker_fields(name, description, affiliation)
    speaker, created = Speaker.objects.get_or_create(
        name=name,
        description=description,
        defaults={"affiliation": affiliation, "created_by": user},
    )
    return speaker


@transaction.atomic
def update_speaker(*, user, speaker: Speaker, name=UNSET, description=UNSET, affiliation=UNSET) -> Speaker:
    """Rename or re-describe a speaker; refuse a name and role another speaker already has."""
    name, description, affiliation = _clean_speaker_fields(
        speaker.name if name is UNSET else name,
        speaker.description if description is UNSET else description,
        speaker.affiliation if affiliation is UNSET else affiliation,
    )
    taken = Speaker.objects.filter(name=name, description=description).exclude(pk=speaker.pk).first()
    if taken:
        raise ValidationError({"name": f"Speaker #{taken.pk} already has this name and role."})
    speaker.name, speaker.description, speaker.affiliation = name, description, affiliation
    speaker.save(update_fields=["name", "description", "affiliation"])
    return speaker


@transaction.atomic
def delete_speaker(*, user, speaker: Speaker) -> None:
    """Remove a speaker nobody cites; claims (also deleted ones, which can be restored) keep theirs."""
    cited = Claim.objects.filter(speaker=speaker).count()
    if cited:
        raise ValidationError(
            {"detail": f"{speaker.name} is the speaker of {cited} claim(s); reassign them before deleting."}
        )
    speaker.delete()


# ---------------------------------------------------------------- claims


@transaction.atomic
def create_claim(
    *,
    user,
    article: Article,
    start: int,
    end: int,
    quote: str,
    speaker: Speaker | None = None,
    summary: str = "",
    tags: Iterable[str] = (),
) -> Claim:
    """Highlight body[start:end] of an article as a claim; context is taken from the body."""
    # The body as stored, locked: a revision (which locks the article, then re-anchors its claims) either
    # finishes first, and the span is checked against its new text, or waits and re-anchors this claim too.
    body = Article.objects.select_for_update().values_list("body", flat=True).get(pk=article.pk)
    validate_span(body, start, end, quote)
    names = tag_names(tags)
    selector = anchoring.describe(body, start, end)
    claim = Claim.objects.create(
        article=article,
        start=start,
        end=end,
        quote=quote,
        prefix=selector.prefix,
        suffix=selector.suffix,
        speaker=speaker,
        summary=summary.strip(),
        created_by=user,
    )
    if names:
        _set_tags(claim, names, new=True)
    return claim


@transaction.atomic
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
        current.summary = summary.strip()
        fields.add("summary")
    names = tag_names(tags) if tags is not UNSET else None
    current.version += 1
    if reason:
        current._change_reason = reason
    current.save(update_fields=fields)
    if names is not None:
        _set_tags(current, names)
    return current


@transaction.atomic
def delete_claim(*, user, claim: Claim, reason: str = "") -> Claim:
    """Soft-delete: the claim, its links and verdicts stay, hidden, and the deletion can be undone."""
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.is_deleted:
        return current
    current.deleted_at = timezone.now()
    current.version += 1
    current._change_reason = reason or "deleted"
    current.save(update_fields=["deleted_at", "version", "updated_at"])
    return current


@transaction.atomic
def restore_claim(*, user, claim: Claim) -> Claim:
    """Undo a deletion."""
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if not current.is_deleted:
        return current
    current.deleted_at = None
    current.version += 1
    current._change_reason = "deletion undone"
    current.save(update_fields=["deleted_at", "version", "updated_at"])
    return current


# ---------------------------------------------------------------- links


def link_claims(*, user, from_claim: Claim, to_claim: Claim, relation: str, note: str = "") -> ClaimLink:
    """Relate two claims; refuse self-links, unknown relations and duplicates (also reversed symmetric ones)."""
    if relation not in ClaimLink.Relation.values:
        choices = ", ".join(ClaimLink.Relation.values)
        raise ValidationError({"relation": f"Unknown relation {relation!r}; choose one of {choices}."})
    if from_claim.pk == to_claim.pk:
        raise ValidationError({"to_claim": "A claim cannot be linked to itself."})
    if from_claim.is_deleted or to_claim.is_deleted:
        raise ValidationError({"to_claim": "A deleted claim cannot be linked."})
    duplicates = ClaimLink.objects.filter(from_claim=from_claim, to_claim=to_claim, relation=relation)
    if relation in ClaimLink.SYMMETRIC:
        duplicates = duplicates | ClaimLink.objects.filter(
            from_claim=to_claim, to_claim=from_claim, relation=relation
        )
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


def update_link(*, user, link: ClaimLink, note: str) -> ClaimLink:
    """Change a link's note; its ends and relation are its identity (unlink and link again to change them)."""
    link.note = note.strip()
    link._change_reason = "note changed"
    link.save(update_fields=["note"])
    return link


def delete_link(*, user, link: ClaimLink) -> None:
    link._change_reason = "unlinked"
    link.delete()


# ---------------------------------------------------------------- articles


class DuplicateArticle(Exception):
    """The article is already stored (same text or same URL)."""

    def __init__(self, existing: Article, why: str):
        super().__init__(f"already imported as article #{existing.pk} ({why})")
        self.existing = existing


def find_duplicate(*, body: str, url: str = "") -> tuple[Article, str] | None:
    digest = content_hash(body)
    found = Article.objects.filter(content_hash=digest).first()
    if found:
        return found, "same text"
    if url:
        found = Article.objects.filter(url=url).first()
        if found:
            return found, "same URL"
    return None


def get_or_create_source(name: str, homepage: str = "") -> Source | None:
    name = name.strip()
    if not name:
        return None
    source, _ = Source.objects.get_or_create(name=name, defaults={"homepage": homepage})
    return source


@transaction.atomic
def create_article(
    *,
    user,
    title: str,
    body: str,
    source: Source | None = None,
    url: str = "",
    byline: str = "",
    published=None,
    language: str = "en",
    raw: str = "",
    raw_format: str = Article.Format.MANUAL,
) -> Article:
    """Store a new article; raise DuplicateArticle when its text or URL is already stored."""
    body = anchoring.normalise_newlines(body)
    duplicate = find_duplicate(body=body, url=url)
    if duplicate:
        raise DuplicateArticle(*duplicate)
    article = Article(
        title=title.strip(),
        body=body,
        source=source,
        url=url,
        byline=byline.strip(),
        published=published,
        language=language or "en",
        raw=raw,
        raw_format=raw_format,
        added_by=user,
    )
    article.full_clean()
    article.save()
    update_change_reason(article, f"imported ({raw_format})")
    return article


# ---------------------------------------------------------------- article revisions (articles/revisions.py)

# Imported last: revisions.py uses ConflictError from this module. `x as x` marks a re-export.
from articles.revisions import RevisionResult as RevisionResult  # noqa: E402
from articles.revisions import confirm_relocation as confirm_relocation  # noqa: E402
from articles.revisions import revise_article as revise_article  # noqa: E402
