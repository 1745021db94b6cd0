"""The speaker suggested for a span, stored with its provenance, and whether the claim saved with it kept it.

The suggestion itself is articles.suggesting.speakers (plain Python over the spaCy package); here it is
matched to a speaker record (by name and aliases, case and accents aside) and stored as a SpeakerSuggestion,
so the desk can count how often reviewers keep what the machine proposed.
"""

from django.core.exceptions import ValidationError

from articles import limits
from articles.models import Article, Claim, SpeakerSuggestion
from articles.services.history import service_write
from articles.services.speakers import speakers_matching
from articles.suggesting import speakers as suggesting


class ModelUnavailable(RuntimeError):
    """The suggestion model's package is missing or does not load."""


def _check_span(body: str, start: int, end: int) -> None:
    if not (0 <= start < end <= len(body)):
        raise ValidationError({"end": f"The span {start}–{end} is not inside the article's text (0–{len(body)})."})
    if end - start > limits.MAX_QUOTE:
        raise ValidationError({"end": f"The span is {end - start} characters; the limit is {limits.MAX_QUOTE}."})


@service_write
def suggest_speaker(*, user, article: Article, start: int, end: int) -> SpeakerSuggestion | None:
    """Suggest who said body[start:end] and store the suggestion; None when no attribution is found."""
    _check_span(article.body, start, end)
    problem = suggesting.check_installed()
    if problem:
        raise ModelUnavailable(f"The speaker suggestion model is not installed: {problem}.")
    try:
        guess = suggesting.suggest_speaker(article.body, start, end, article.language)
        provenance = suggesting.provenance()
    except (ImportError, OSError) as error:
        raise ModelUnavailable(f"The speaker suggestion model did not load: {error}") from error
    if guess is None:
        return None
    speaker = speakers_matching(guess.variants)
    return SpeakerSuggestion.objects.create(
        article=article,
        start=start,
        end=end,
        speaker=speaker,
        name=guess.name[:200],
        cue=guess.cue[:100],
        score=guess.score,
        suggested_for=user,
        **provenance,
    )


@service_write
def settle_speaker_suggestion(*, user, claim: Claim, suggestion_id: int) -> SpeakerSuggestion:
    """Record that `claim` was saved from a form showing this suggestion: accepted when its speaker is the one
    suggested (the matched record, or a speaker named as suggested when none matched)."""
    suggestion = (
        SpeakerSuggestion.objects.select_for_update()
        .filter(pk=suggestion_id, article_id=claim.article_id, claim__isnull=True)
        .first()
    )
    if suggestion is None:
        raise ValidationError({"speaker_suggestion": f"No open speaker suggestion #{suggestion_id} for this article."})
    speaker = claim.speaker
    if suggestion.speaker_id is not None:
        accepted = speaker is not None and speaker.pk == suggestion.speaker_id
    else:
        accepted = speaker is not None and suggesting.normalise(speaker.name) == suggesting.normalise(suggestion.name)
    suggestion.claim, suggestion.accepted = claim, accepted
    suggestion.save(update_fields=["claim", "accepted"])
    return suggestion
