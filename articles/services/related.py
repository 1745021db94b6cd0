"""Related claims: embed a claim, find the claims across the desk that repeat or may contradict it, and let a
person accept a suggestion as a typed link or dismiss it.

The queue runs `suggest_related` after a claim is created or its quote or summary changes (services.claims
sends `claim_quote_saved` on commit; articles.tasks enqueues). Every claim's vectors (quote, and summary) sit in
one in-memory matrix per process (articles.suggesting.related.Index), filled from ClaimEmbedding rows once and
then refreshed with the rows stored since (an indexed range), so a search at 100,000 claims is one
matrix-vector product.
"""

import hashlib
import logging
import threading

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Claim, ClaimEmbedding, ClaimLink, RelatedSuggestion
from articles.services.history import service_write
from articles.services.links import link_claims
from articles.suggesting import related as model

TOP_K = 5
# A refresh that read at least this many vectors (a worker's first fill, a new model version) hands the memory
# its temporaries freed back to the system; a job's refresh of a few rows leaves nothing worth a trim.
FILL_RELEASE = 2000
logger = logging.getLogger(__name__)

_index_lock = threading.Lock()
_index_state = {"index": None, "version": None, "seen": None}
_warming: threading.Thread | None = None  # the start-up fill (warm_related_index), once per process


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_claim(claim: Claim):
    """The claim's vectors (quote, and summary if any) for the current model, made (and stored) only if its
    text or the model changed."""
    version = model.model_version()
    text = model.claim_text(claim.quote, claim.summary)
    digest = _text_hash(text)
    stored = ClaimEmbedding.objects.filter(claim=claim).first()
    if stored and stored.model_version == version and stored.quote_sha256 == digest:
        return model.from_bytes(bytes(stored.vector))
    vectors = model.claim_vectors([claim.quote], [claim.summary])[0]
    ClaimEmbedding.objects.update_or_create(
        claim=claim, defaults={"model_version": version, "quote_sha256": digest, "vector": model.to_bytes(vectors)}
    )
    return vectors


def embed_missing(*, batch: int = 64) -> list[int]:
    """Embed every live claim without a vector of the current model (a fresh install with claims, a new model
    version), in batches; returns their ids, for the caller to run suggest_related on."""
    version = model.model_version()
    current = ClaimEmbedding.objects.filter(model_version=version).values("claim_id")
    missing = list(Claim.objects.live().exclude(pk__in=current).order_by("id").values_list("id", "quote", "summary"))
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        vectors = model.claim_vectors([quote for _, quote, _ in chunk], [summary for _, _, summary in chunk])
        for (claim_id, quote, summary), vector in zip(chunk, vectors, strict=True):
            ClaimEmbedding.objects.update_or_create(
                claim_id=claim_id,
                defaults={
                    "model_version": version,
                    "quote_sha256": _text_hash(model.claim_text(quote, summary)),
                    "vector": model.to_bytes(vector),
                },
            )
    return [claim_id for claim_id, *_ in missing]


def desk_index() -> model.Index:
    """This process's index of every claim's vector, refreshed with the vectors stored since the last call.

    The refresh is one range read on the indexed `updated_at` (a few rows, not a scan of the desk). Deleted
    claims stay in the index and are left out when a search's results are read (`_live_matches`), so a
    deletion or its undo needs no refresh at all.
    """
    version = model.model_version()
    with _index_lock:
        state = _index_state
        if state["index"] is None or state["version"] != version:
            state.update(index=model.Index(), version=version, seen=None)
        index, seen = state["index"], state["seen"]
        now = timezone.now()
        # No ordering (the model's default, claim_id, would make the database walk that index) and no join (with
        # one, SQLite scans the claims): the vectors by the updated_at index, then their claims' texts by id.
        rows = ClaimEmbedding.objects.filter(model_version=version).order_by()
        if seen is not None:
            rows = rows.filter(updated_at__gte=seen)
        filled = 0
        with index.lock:
            for chunk in _chunks(rows.values_list("claim_id", "vector").iterator(chunk_size=2000), 2000):
                texts = {
                    claim_id: model.claim_text(quote, summary)
                    for claim_id, quote, summary in Claim.objects.filter(pk__in=[c for c, _ in chunk])
                    .order_by()
                    .values_list("id", "quote", "summary")
                }
                for claim_id, vector in chunk:
                    if claim_id in texts:
                        index.put(claim_id, model.from_bytes(bytes(vector)), texts[claim_id])
                filled += len(chunk)
        if filled >= FILL_RELEASE:
            model.release_free_memory()
        state["seen"] = now
        return index


def _chunks(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def warm_related_index() -> threading.Thread | None:
    """Start filling this process's index on a thread of its own, once per process (a worker's start), so the
    first related job finds it filled instead of reading the whole desk itself (100,000 claims: 43 s wall at
    load 12). A job that comes sooner waits on the index lock for the rest of the fill, not a second one.
    Nothing happens without the model (the start-up check reports that)."""
    global _warming
    with _index_lock:
        if _warming is not None or _index_state["index"] is not None or model.check_model():
            return None
        _warming = threading.Thread(target=_fill_index, name="related-index-fill", daemon=True)
    _warming.start()
    return _warming


def _fill_index() -> None:
    from django.db import close_old_connections

    try:
        desk_index()
    except Exception:  # the first job fills it instead, and reports its error
        logger.exception("filling the related-claims index at start-up failed")
    finally:
        close_old_connections()


def forget_index() -> None:
    """Drop this process's index (tests, and after a bulk change of the embeddings)."""
    global _warming
    with _index_lock:
        _index_state.update(index=None, version=None, seen=None)
        _warming = None


def _live_matches(index: model.Index, vector, text: str, *, k: int, exclude: set[int]):
    """The k best matches among live claims, with their texts: the index also holds deleted claims, so a
    search that found some asks again without them (rarely more than once)."""
    exclude = set(exclude)
    for _ in range(4):
        with index.lock:
            matches = index.search(vector, text, k=k, exclude=exclude)
        live = {
            claim_id: model.claim_text(quote, summary)
            for claim_id, quote, summary in Claim.objects.live()
            .filter(pk__in=[m.claim_id for m in matches])
            .values_list("id", "quote", "summary")
        }
        dead = {m.claim_id for m in matches} - set(live)
        if not dead:
            return matches, live
        exclude |= dead
    return [m for m in matches if m.claim_id in live], live


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _opposite_sides(claim: Claim, same_ids: set[int]) -> set[int]:
    """Claims on the other side of a `contradicts` link from this claim or from one that says the same thing."""
    for a, b in (
        ClaimLink.objects.filter(relation=ClaimLink.Relation.SAME_CLAIM)
        .filter(Q(from_claim=claim) | Q(to_claim=claim))
        .values_list("from_claim_id", "to_claim_id")
    ):
        same_ids.add(b if a == claim.pk else a)
    sides = same_ids | {claim.pk}
    opposite = set()
    for a, b in (
        ClaimLink.objects.filter(relation=ClaimLink.Relation.CONTRADICTS)
        .filter(Q(from_claim__in=sides) | Q(to_claim__in=sides))
        .values_list("from_claim_id", "to_claim_id")
    ):
        opposite.add(b if a in sides else a)
    return opposite - sides


def _linked_ids(claim: Claim) -> set[int]:
    ids = set()
    for a, b in ClaimLink.objects.filter(Q(from_claim=claim) | Q(to_claim=claim)).values_list(
        "from_claim_id", "to_claim_id"
    ):
        ids.add(b if a == claim.pk else a)
    return ids


def suggest_related(claim_id: int, *, k: int = TOP_K) -> list[RelatedSuggestion]:
    """Embed the claim and store up to k suggestions of claims in other articles that match it.

    A pair already decided (accepted or dismissed) under this model version is left alone, so a dismissed pair
    is never suggested again by the same model; a pending one gets the new score. Claims already linked to this
    one, and claims of the same article, are not suggested. Returns the suggestions stored or refreshed.
    """
    claim = Claim.objects.live().filter(pk=claim_id).first()
    if claim is None:
        return []
    vector = embed_claim(claim)
    text = model.claim_text(claim.quote, claim.summary)
    index = desk_index()
    with index.lock:
        index.put(claim.pk, vector, text)
    same_article = set(Claim.objects.filter(article_id=claim.article_id).values_list("id", flat=True))
    matches, texts = _live_matches(index, vector, text, k=k, exclude=same_article | _linked_ids(claim) | {claim.pk})
    if not matches:
        return []
    same = {m.claim_id for m in matches if model.kind(m.cosine, text, texts[m.claim_id]) == model.KIND_SAME}
    opposite = _opposite_sides(claim, set(same))
    provenance = {
        "model_name": model.MODEL_NAME,
        "model_version": model.model_version(),
        "model_sha256": model.model_sha256(),
    }
    stored = []
    for match in matches:
        other = texts[match.claim_id]
        kind = model.kind(match.cosine, text, other, opposite_sides=match.claim_id in opposite)
        reason = model.conflict_reason(text, other) if kind == model.KIND_CONFLICT else ""
        if kind == model.KIND_CONFLICT and not reason:
            reason = "opposite side of a contradicts link"
        low, high = _ordered(claim.pk, match.claim_id)
        values = {"score": round(match.score, 4), "kind": kind, "reason": reason}
        try:
            with transaction.atomic():
                suggestion, created = RelatedSuggestion.objects.get_or_create(
                    from_claim_id=low,
                    to_claim_id=high,
                    model_version=provenance["model_version"],
                    defaults={**provenance, **values},
                )
        except IntegrityError:  # a concurrent job stored the same pair
            continue
        if not created and suggestion.status == RelatedSuggestion.Status.SUGGESTED:
            RelatedSuggestion.objects.filter(pk=suggestion.pk).update(**values)
        if created or suggestion.status == RelatedSuggestion.Status.SUGGESTED:
            stored.append(suggestion)
    return stored


def _lock_pending(suggestion: RelatedSuggestion) -> RelatedSuggestion:
    current = RelatedSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if current.status != RelatedSuggestion.Status.SUGGESTED:
        raise ValidationError({"status": f"This suggestion is already {current.status}."})
    return current


@service_write
def accept_related(
    *, user, suggestion: RelatedSuggestion, relation: str, from_claim_id: int | None = None, note: str = ""
) -> ClaimLink:
    """Turn a suggestion into a typed link the reviewer chose, made by the link service (same checks as by hand).

    `from_claim_id` is the side the reviewer stands on (the link reads "from_claim relation to_claim"); by
    default the lower id. The suggestion keeps who decided, when, and the link.
    """
    current = _lock_pending(suggestion)
    if from_claim_id not in (None, current.from_claim_id, current.to_claim_id):
        raise ValidationError({"claim": "The claim must be one of the suggestion's two claims."})
    source_id = from_claim_id or current.from_claim_id
    target_id = current.other(source_id)
    claims = {c.pk: c for c in Claim.objects.filter(pk__in=[source_id, target_id])}
    link = link_claims(
        user=user, from_claim=claims[source_id], to_claim=claims[target_id], relation=relation, note=note
    )
    current.status = RelatedSuggestion.Status.ACCEPTED
    current.decided_by, current.decided_at, current.link = user, timezone.now(), link
    current.save(update_fields=["status", "decided_by", "decided_at", "link"])
    return link


@service_write
def dismiss_related(*, user, suggestion: RelatedSuggestion) -> RelatedSuggestion:
    """Dismiss a suggestion; the same model version will not suggest the pair again."""
    current = _lock_pending(suggestion)
    current.status = RelatedSuggestion.Status.DISMISSED
    current.decided_by, current.decided_at = user, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    return current
