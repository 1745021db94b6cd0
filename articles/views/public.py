"""The public face of the desk's verdicts: one page per published verdict, readable without login."""

from django.conf import settings
from django.shortcuts import render

from articles import access
from articles.exports import claimreview
from articles.models import Review


def _versions(review: Review) -> dict[int, Review]:
    """Every public version of the verdicts on this claim, by id (one query)."""
    public = Review.objects.filter(
        claim_id=review.claim_id, state__in=[Review.State.PUBLISHED, Review.State.CORRECTED]
    ).only("id", "state", "corrects_id", "correction_note", "published_at", "headline")
    return {version.pk: version for version in public}


def correction_history(review: Review, versions: dict[int, Review]) -> list[Review]:
    """This verdict and the ones it corrected, newest first, each carrying its correction note."""
    chain, current = [], versions.get(review.pk, review)
    while current is not None and current.corrects_id:
        chain.append(current)
        current = versions.get(current.corrects_id)
    return chain


def current_version(review: Review, versions: dict[int, Review]) -> Review | None:
    """For a superseded verdict, the published correction that replaces it (following the chain)."""
    successors = {v.corrects_id: v for v in versions.values() if v.corrects_id}
    current, seen = review, set()
    while current.state == Review.State.CORRECTED and current.pk in successors and current.pk not in seen:
        seen.add(current.pk)
        current = successors[current.pk]
    return current if current.pk != review.pk else None


def verdict_public(request, pk):
    """A published verdict with its claim, evidence and correction notes, and its ClaimReview JSON-LD.

    A superseded ("corrected") verdict stays readable and points to the correction; only the
    current version carries ClaimReview markup, so search engines see one verdict per claim.
    """
    review = access.get_published_review(pk)
    versions = _versions(review)
    jsonld = None
    if review.state == Review.State.PUBLISHED:
        site_url = request.build_absolute_uri("/")
        jsonld = claimreview.as_script(claimreview.claimreview_for(review, site_url=site_url))
    context = {
        "review": review,
        "claim": review.claim,
        "article": review.claim.article,
        "evidence": review.evidence.all(),
        "corrections": correction_history(review, versions),
        "superseded_by": current_version(review, versions),
        "jsonld": jsonld,
        "rating": review.rating_info,
        "best_rating": Review.BEST_RATING,
        "publisher_name": settings.FACTCHECK_PUBLISHER_NAME,
        "publisher_url": settings.FACTCHECK_PUBLISHER_URL,
        "canonical_url": request.build_absolute_uri(review.get_absolute_url()),
    }
    return render(request, "articles/verdict_public.html", context)
