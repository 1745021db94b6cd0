"""Speakers: the people and bodies claims are attributed to."""

from django.core.exceptions import ValidationError

from articles.models import Claim, Speaker
from articles.services.claims import UNSET
from articles.services.history import service_write


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
