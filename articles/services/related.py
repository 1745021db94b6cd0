"""Related claims: embed a claim, find the claims across the desk that repeat or may contradict it, and let a
person accept a suggestion as a typed link or dismiss it.

The queue runs `suggest_related` after a claim is created or its quote changes (services.claims sends
`claim_quote_saved` on commit; articles.tasks enqueues). Every live claim's vector sits in one in-memory matrix
per process (articles.suggesting.related.Index), filled from ClaimEmbedding rows once and then refreshed
incrementally with the rows changed since, so a search at 100,000 claims is one matrix-vector product.
"""

import hashlib
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

_index_lock = threading.Lock()
_index_state = {"index": None, "version": None, "seen": None}


def _quote_hash(quote: str) -> str:
    return hashlib.sha256(quote.encode("utf-8")).hexdigest()


def embed_claim(claim: Claim):
    """The claim's vector for the current model, made (and stored) only if its quote or the model changed."""
    version = model.model_version()
    digest = _quote_hash(claim.quote)
    stored = ClaimEmbedding.objects.filter(claim=claim).first()
    if stored and stored.model_version == version and stored.quote_sha256 == digest:
        return model.from_bytes(bytes(stored.vector))
    vector = model.embed([claim.quote])[0]
    ClaimEmbedding.objects.update_or_create(
        claim=claim, defaults={"model_version": version, "quote_sha256": digest, "vector": model.to_bytes(vector)}
    )
    return vector


def embed_missing(*, batch: int = 64) -> list[int]:
    """Embed every live claim without a vector of the current model (a fresh install with claims, a new model
    version), in batches; returns their ids, for the caller to run suggest_related on."""
    version = model.model_version()
    current = ClaimEmbedding.objects.filter(model_version=version).values("claim_id")
    missing = list(Claim.objects.live().exclude(pk__in=current).order_by("id").values_list("id", "quote"))
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        vectors = model.embed([quote for _, quote in chunk])
        for (claim_id, quote), vector in zip(chunk, vectors, strict=True):
            ClaimEmbedding.objects.update_or_create(
                claim_id=claim_id,
                defaults={
                    "model_version": version,
                    "quote_sha256": _quote_hash(quote),
                    "vector": model.to_bytes(vector),
                },
            )
    return [claim_id for claim_id, _ in missing]


def desk_index() -> model.Index:
    """This process's index of every live claim's vector, refreshed with what changed since the last call."""
    version = model.model_version()
    with _index_lock:
        state = _index_state
        if state["index"] is None or state["version"] != version:
            state.update(index=model.Index(), version=version, seen=None)
        index, seen = state["index"], state["seen"]
        now = timezone.now()
        rows = ClaimEmbedding.objects.filter(model_version=version, claim__deleted_at__isnull=True)
        gone = Claim.objects.filter(deleted_at__isnull=False)
        if seen is not None:
            rows = rows.filter(Q(updated_at__gte=seen) | Q(claim__updated_at__gte=seen))
            gone = gone.filter(deleted_at__gte=seen)
        with index.lock:
            for claim_id in gone.values_list("id", flat=True).iterator():
                index.drop(claim_id)
            for claim_id, vector, quote in rows.values_list("claim_id", "vector", "claim__quote").iterator(
                chunk_size=2000
            ):
                index.put(claim_id, model.from_bytes(bytes(vector)), quote)
        state["seen"] = now
        return index


def forget_index() -> None:
    """Drop this process's index (tests, and after a bulk change of the embeddings)."""
    with _index_lock:
        _index_state.update(index=None, version=None, seen=None)


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
    index = desk_index()
    same_article = set(Claim.objects.filter(article_id=claim.article_id).values_list("id", flat=True))
    exclude = same_article | _linked_ids(claim) | {claim.pk}
    with index.lock:
        index.put(claim.pk, vector, claim.quote)
        matches = index.search(vector, claim.quote, k=k, exclude=exclude)
    if not matches:
        return []
    quotes = dict(Claim.objects.filter(pk__in=[m.claim_id for m in matches]).values_list("id", "quote"))
    same = {
        m.claim_id for m in matches if model.kind(m.cosine, claim.quote, quotes.get(m.claim_id, "")) == "likely_same"
    }
    opposite = _opposite_sides(claim, set(same))
    provenance = {
        "model_name": model.MODEL_NAME,
        "model_version": model.model_version(),
        "model_sha256": model.model_sha256(),
    }
    stored = []
    for match in matches:
        other = quotes.get(match.claim_id)
        if other is None:
            continue
        kind = model.kind(match.cosine, claim.quote, other, opposite_sides=match.claim_id in opposite)
        reason = model.conflict_reason(claim.quote, other) if kind == model.KIND_CONFLICT else ""
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
