"""Speakers: the people and bodies claims are attributed to."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from articles.models import Claim, Speaker, SpeakerAlias, SpeakerSuggestion
from articles.services.claims import UNSET
from articles.services.history import service_write
from articles.suggesting.speakers import normalise


def _clean_speaker_fields(name: str, description: str, affiliation: str) -> tuple[str, str, str]:
    name, description, affiliation = name.strip(), description.strip(), affiliation.strip()
    if not name:
        raise ValidationError({"name": "A speaker needs a name."})
    for field, value in (("name", name), ("description", description), ("affiliation", affiliation)):
        limit = Speaker._meta.get_field(field).max_length
        if len(value) > limit:
            raise ValidationError({field: f"{field} is {len(value)} characters; the limit is {limit}."})
    return name, description, affiliation


@service_write
def get_or_create_speaker(*, user, name: str, description: str = "", affiliation: str = "") -> Speaker:
    """The speaker with this name and role, created when new."""
    name, description, affiliation = _clean_speaker_fields(name, description, affiliation)
    speaker, created = Speaker.objects.get_or_create(
        name=name,
        description=description,
        defaults={"affiliation": affiliation, "created_by": user},
    )
    return speaker


@service_write
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


@service_write
def delete_speaker(*, user, speaker: Speaker) -> None:
    """Remove a speaker nobody cites; claims (also deleted ones, which can be restored) keep theirs."""
    cited = Claim.objects.filter(speaker=speaker).count()
    if cited:
        raise ValidationError(
            {"detail": f"{speaker.name} is the speaker of {cited} claim(s); reassign them before deleting."}
        )
    speaker.delete()


# ---------------------------------------------------------------- aliases


def _clean_alias(alias: str) -> tuple[str, str]:
    alias = " ".join(alias.split())
    limit = SpeakerAlias._meta.get_field("alias").max_length
    if len(alias) > limit:
        raise ValidationError({"alias": f"alias is {len(alias)} characters; the limit is {limit}."})
    key = normalise(alias)
    if not key:
        raise ValidationError({"alias": "An alias needs a letter or a digit."})
    return alias, key


@service_write
def add_alias(*, user, speaker: Speaker, alias: str) -> SpeakerAlias:
    """Another name for a speaker ("the mayor"); the same name written differently (case, accents) is one alias."""
    alias, key = _clean_alias(alias)
    found = SpeakerAlias.objects.filter(speaker=speaker, normalised=key).first()
    if found:
        return found
    return SpeakerAlias.objects.create(speaker=speaker, alias=alias, normalised=key)


@service_write
def update_alias(*, user, alias: SpeakerAlias, text: str) -> SpeakerAlias:
    text, key = _clean_alias(text)
    if SpeakerAlias.objects.filter(speaker_id=alias.speaker_id, normalised=key).exclude(pk=alias.pk).exists():
        raise ValidationError({"alias": f"{alias.speaker} already has the alias “{text}”."})
    alias.alias, alias.normalised = text, key
    alias.save(update_fields=["alias", "normalised"])
    return alias


@service_write
def remove_alias(*, user, alias: SpeakerAlias) -> None:
    alias.delete()


def speakers_matching(variants: Iterable[str]) -> Speaker | None:
    """The speaker a found name refers to: the first of `variants` (normalised forms, best first, see
    suggesting.speakers.name_variants) that is exactly one speaker's name or alias, case and accents aside.

    Two queries whatever the number of speakers: aliases by their normalised index, then speakers whose
    name contains the variants' longest word (accents are compared in Python, not by the database).
    """
    variants = [variant for variant in variants if variant]
    if not variants:
        return None
    owners: dict[str, set[int]] = {}
    for speaker_id, key in SpeakerAlias.objects.filter(normalised__in=variants).values_list("speaker_id", "normalised"):
        owners.setdefault(key, set()).add(speaker_id)
    words = sorted({word for variant in variants for word in variant.split() if len(word) > 2}, key=len)
    if words:
        condition = Q()
        for word in words[-3:]:
            condition |= Q(name__icontains=word)
        for speaker_id, name in Speaker.objects.filter(condition).values_list("pk", "name")[:200]:
            owners.setdefault(normalise(name), set()).add(speaker_id)
    for variant in variants:
        ids = owners.get(variant, set())
        if len(ids) == 1:
            return Speaker.objects.get(pk=next(iter(ids)))
    return None


# ---------------------------------------------------------------- merging


@dataclass(frozen=True)
class MergeResult:
    speaker: Speaker
    claims: int
    aliases: int


@service_write
def merge_speakers(*, user, source: Speaker, target: Speaker, reason: str = "") -> MergeResult:
    """Merge `source` into `target` (editors only), in one transaction: its claims (deleted ones too, each a
    new claim version with the reason in its history), its claims' past versions, its aliases and suggestions
    move to `target`; its name becomes an alias of `target`; blank details of `target` are filled from it; then
    `source` is deleted, its history kept with the reason. Links and verdicts follow their claims."""
    if not user.has_perm("articles.delete_speaker"):
        raise PermissionDenied("Only editors may merge speakers.")
    if source.pk == target.pk:
        raise ValidationError({"target": "A speaker cannot be merged into itself."})
    locked = {
        speaker.pk: speaker for speaker in Speaker.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    if len(locked) != 2:
        raise ValidationError({"detail": "One of the speakers no longer exists."})
    source, target = locked[source.pk], locked[target.pk]
    why = reason.strip() or f"speaker #{source.pk} {source} merged into #{target.pk} {target}"
    moved = 0
    for claim in Claim.objects.select_for_update().filter(speaker=source).order_by("pk"):
        claim.speaker = target
        claim.version += 1
        claim._change_reason = why
        claim.save(update_fields=["speaker", "version", "updated_at"])
        moved += 1
    # Past versions of the claims name the surviving speaker, so the history never points at a removed row.
    Claim.history.model.objects.filter(speaker_id=source.pk).update(speaker_id=target.pk)
    SpeakerSuggestion.objects.filter(speaker=source).update(speaker=target)
    taken = set(SpeakerAlias.objects.filter(speaker=target).values_list("normalised", flat=True))
    added = 0
    for alias in SpeakerAlias.objects.filter(speaker=source).order_by("pk"):
        if alias.normalised in taken:
            alias.delete()
            continue
        alias.speaker = target
        alias.save(update_fields=["speaker"])
        taken.add(alias.normalised)
        added += 1
    for old_name in (source.name, str(source)):
        key = normalise(old_name)
        if key and key not in taken and key != normalise(target.name):
            SpeakerAlias.objects.create(speaker=target, alias=old_name[:200], normalised=key)
            taken.add(key)
            added += 1
    fields = [name for name in ("description", "affiliation") if not getattr(target, name) and getattr(source, name)]
    for name in fields:
        setattr(target, name, getattr(source, name))
    target._change_reason = f"merged in speaker #{source.pk} {source}: {moved} claim(s)"
    if (
        fields
        and Speaker.objects.filter(name=target.name, description=target.description)
        .exclude(pk__in=[source.pk, target.pk])
        .exists()
    ):
        fields.remove("description")
        target.description = ""
    target.save()
    source._change_reason = f"merged into #{target.pk} {target}" + (f": {reason.strip()}" if reason.strip() else "")
    source.delete()
    return MergeResult(speaker=target, claims=moved, aliases=added)
