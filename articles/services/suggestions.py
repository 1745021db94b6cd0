"""The machine's check-worthy sentence suggestions: scoring articles, dismissing, retraining the model.

Scoring runs as a queue task (articles.tasks.score_article_sentences): creating an article or revising its
text sends `article_text_changed` once the transaction commits, and the task calls `score_article`.
Scoring is idempotent: an article already scored for its current text by the live model is left alone.
A new text replaces the article's suggestions; a sentence a person dismissed stays dismissed while its
words are unchanged. Claims are never touched; sentences a live claim covers are not suggested.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from articles.models import Article, CheckworthyModel, Claim, SentenceSuggestion
from articles.suggesting import checkworthy, checkworthy_training

logger = logging.getLogger(__name__)

# Sent (after commit) when an article is created or its text changes: the task module queues scoring.
article_text_changed = Signal()


def announce_text_changed(article_id: int) -> None:
    """Queue scoring of the article once the current transaction commits (never fails the write)."""

    def send() -> None:
        for _receiver, response in article_text_changed.send_robust(sender=Article, article_id=article_id):
            if isinstance(response, Exception):
                logger.error("could not queue scoring of article %s: %s", article_id, response)

    transaction.on_commit(send)


# ------------------------------------------------------------------------------------------- the live model

_loaded: dict[str, checkworthy.Model] = {}


def live_model() -> checkworthy.Model:
    """The desk's live retrained model if one is activated, else the shipped one; each loaded once per process."""
    row = CheckworthyModel.objects.filter(live=True).values_list("sha256", flat=True).first()
    if row is None:
        return checkworthy.shipped_model()
    model = _loaded.get(row)
    if model is None:
        text = CheckworthyModel.objects.filter(live=True, sha256=row).values_list("model_json", flat=True).first()
        if text is None:  # deactivated in between
            return checkworthy.shipped_model()
        model = checkworthy.load_bytes(text.encode("utf-8"))
        _loaded.clear()
        _loaded[row] = model
    return model


# ---------------------------------------------------------------------------------------------------- scoring


@dataclass
class ScoreResult:
    article_id: int
    scored: bool  # False: already scored for this text and model, nothing done
    suggested: int = 0
    sentences: int = 0


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def claimed_spans(article_id: int) -> list[tuple[int, int]]:
    return list(
        Claim.objects.live()
        .filter(article_id=article_id, start__isnull=False)
        .values_list("start", "end")
        .order_by("start")
    )


def score_article(article_id: int, *, force: bool = False) -> ScoreResult:
    """Score the article's sentences with the live model and store the suggestions (see the module doc)."""
    model = live_model()
    try:
        article = Article.objects.only("id", "body", "content_hash").get(pk=article_id)
    except Article.DoesNotExist:
        return ScoreResult(article_id, scored=False)
    current = SentenceSuggestion.objects.filter(
        article_id=article_id, text_hash=article.content_hash, model_sha256=model.sha256
    )
    if not force and current.exists():
        return ScoreResult(article_id, scored=False)
    scored = checkworthy.score_text(article.body, model)
    spans = claimed_spans(article_id)
    keep = [s for s in scored if s.score >= model.threshold and not _overlaps(s.start, s.end, spans)]
    with transaction.atomic():
        locked_hash = Article.objects.select_for_update().filter(pk=article_id).values_list("content_hash", flat=True)
        if list(locked_hash) != [article.content_hash]:
            return ScoreResult(article_id, scored=False)  # the text changed meanwhile: its own task re-scores
        old = SentenceSuggestion.objects.filter(article_id=article_id)
        dismissed = {
            quote: (by, at)
            for quote, by, at in old.filter(dismissed_at__isnull=False).values_list(
                "quote", "dismissed_by_id", "dismissed_at"
            )
        }
        old.delete()
        SentenceSuggestion.objects.bulk_create(
            SentenceSuggestion(
                article_id=article_id,
                text_hash=article.content_hash,
                start=s.start,
                end=s.end,
                quote=s.text,
                reasons=s.reasons,
                score=round(s.score, 4),
                model_name=model.name,
                model_version=model.version,
                model_sha256=model.sha256,
                dismissed_by_id=dismissed.get(s.text, (None, None))[0],
                dismissed_at=dismissed.get(s.text, (None, None))[1],
            )
            for s in keep
        )
    return ScoreResult(article_id, scored=True, suggested=len(keep), sentences=len(scored))


def open_suggestions(article_id: int):
    """The article's suggestions for its current text, not dismissed, not covered by a live claim, strongest first."""
    article_hash = Article.objects.filter(pk=article_id).values_list("content_hash", flat=True).first()
    rows = list(
        SentenceSuggestion.objects.filter(
            article_id=article_id, text_hash=article_hash, dismissed_at__isnull=True
        ).order_by("-score", "start")
    )
    spans = claimed_spans(article_id)
    return [row for row in rows if not _overlaps(row.start, row.end, spans)]


@transaction.atomic
def dismiss_suggestion(*, user, suggestion: SentenceSuggestion) -> SentenceSuggestion:
    """Mark a suggestion dismissed by `user` (again: nothing changes)."""
    current = SentenceSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if current.dismissed_at is None:
        current.dismissed_by = user
        current.dismissed_at = timezone.now()
        current.save(update_fields=["dismissed_by", "dismissed_at"])
    return current


# -------------------------------------------------------------------------------------------------- retraining

# Fewer claimed sentences than this and there is nothing to learn from.
MIN_POSITIVES = 5


@dataclass
class DeskData:
    texts: list[str]
    labels: list[int]

    @property
    def positives(self) -> int:
        return sum(self.labels)


def desk_training_data() -> DeskData:
    """The desk's own work: claimed sentences are positives, unclaimed sentences of annotated articles weak negatives.

    A sentence counts as claimed when a live claim overlaps at least half of it; claim quotes that are not whole
    sentences are added as positives too.
    """
    texts: list[str] = []
    labels: list[int] = []
    claims_by_article: dict[int, list[tuple[int, int, str]]] = {}
    for article_id, start, end, quote in (
        Claim.objects.live().filter(start__isnull=False).values_list("article_id", "start", "end", "quote")
    ):
        claims_by_article.setdefault(article_id, []).append((start, end, quote))
    for article_id, body in Article.objects.filter(pk__in=claims_by_article).values_list("id", "body").iterator():
        spans = claims_by_article[article_id]
        covered_quotes = set()
        for sentence in checkworthy.split_sentences(body):
            if sum(char.isalnum() for char in sentence.text) < checkworthy.MIN_CHARS:
                continue
            overlap = max((min(sentence.end, end) - max(sentence.start, start) for start, end, _ in spans), default=0)
            claimed = overlap * 2 >= sentence.end - sentence.start
            texts.append(sentence.text)
            labels.append(1 if claimed else 0)
            if claimed:
                covered_quotes.update(q for start, end, q in spans if start < sentence.end and sentence.start < end)
        for _start, _end, quote in spans:
            if quote not in covered_quotes and sum(char.isalnum() for char in quote) >= checkworthy.MIN_CHARS:
                texts.append(quote)
                labels.append(1)
    return DeskData(texts, labels)


def _next_version() -> str:
    numbers = [int(v) for v in CheckworthyModel.objects.values_list("version", flat=True) if v.isdigit()]
    shipped = int(checkworthy_training.SHIPPED_VERSION)
    return str(max([shipped, *numbers]) + 1)


def retrain_checkworthy(*, user=None, activate: bool = False) -> CheckworthyModel:
    """Train a new model version from the desk's work, score it by cross-validation and store it (live if asked)."""
    data = desk_training_data()
    negatives = len(data.labels) - data.positives
    if data.positives < MIN_POSITIVES or negatives < MIN_POSITIVES:
        raise ValidationError(
            {
                "data": f"Not enough of the desk's own work to learn from: {data.positives} claimed and {negatives} "
                f"unclaimed sentences (at least {MIN_POSITIVES} of each)."
            }
        )
    evaluation = checkworthy_training.cross_validate(data.texts, data.labels)
    shipped = checkworthy_training.evaluate(checkworthy.shipped_model(), data.texts, data.labels)
    version = _next_version()
    meta = {"trained_on": "the desk's claims (positives) and unclaimed sentences"}
    model = checkworthy_training.fit(data.texts, data.labels, version=version, meta=meta)
    raw = checkworthy.model_bytes(model)
    loaded = checkworthy.load_bytes(raw)  # the hash of exactly the bytes stored
    with transaction.atomic():
        row = CheckworthyModel.objects.create(
            version=version,
            sha256=loaded.sha256,
            model_json=raw.decode("utf-8"),
            trained_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
            n_samples=len(data.labels),
            n_positive=data.positives,
            desk_f1=round(evaluation.f1, 4),
            desk_precision=round(evaluation.precision, 4),
            desk_recall=round(evaluation.recall, 4),
            shipped_f1=round(shipped.f1, 4),
        )
        if activate:
            activate_model(row)
    return row


@transaction.atomic
def activate_model(row: CheckworthyModel | None) -> None:
    """Make `row` the live model (None: back to the shipped model); articles are re-scored by it as they change."""
    CheckworthyModel.objects.filter(live=True).update(live=False)
    if row is not None:
        checkworthy.load_bytes(row.model_json.encode("utf-8"))  # refuse a corrupt row before it goes live
        CheckworthyModel.objects.filter(pk=row.pk).update(live=True)
