"""The public face of the desk's verdicts: one page per published verdict, readable without login."""

from django.conf import settings
from django.shortcuts import render

from articles import access
from articles.exports import claimreview
from articles.models import Verdict


def _versions(verdict: Verdict) -> dict[int, Verdict]:
    """Every public version of the verdicts on this claim, by id (one query)."""
    public = (
        Verdict.objects.public()
        .filter(claim_id=verdict.claim_id)
        .only("id", "state", "corrects_id", "correction_note", "published_at", "headline")
    )
    return {version.pk: version for version in public}


def correction_history(verdict: Verdict, versions: dict[int, Verdict]) -> list[Verdict]:
    """This verdict and the ones it corrected, newest first, each carrying its correction note."""
    chain, current = [], versions.get(verdict.pk, verdict)
    while current is not None and current.corrects_id:
        chain.append(current)
        current = versions.get(current.corrects_id)
    return chain


def current_version(verdict: Verdict, versions: dict[int, Verdict]) -> Verdict | None:
    """For a superseded verdict, the published correction that replaces it (following the chain)."""
    successors = {v.corrects_id: v for v in versions.values() if v.corrects_id}
    current, seen = verdict, set()
    while current.state == Verdict.State.CORRECTED and current.pk in successors and current.pk not in seen:
        seen.add(current.pk)
        current = successors[current.pk]
    return current if current.pk != verdict.pk else None


def verdict_public(request, pk):
    """A published verdict with its claim, evidence and correction notes, and its ClaimReview JSON-LD.

    A superseded ("corrected") verdict stays readable and points to the correction; only the
    current version carries ClaimReview markup, so search engines see one verdict per claim.
    """
    verdict = access.get_published_verdict(pk)
    versions = _versions(verdict)
    jsonld = None
    if verdict.state == Verdict.State.PUBLISHED:
        site_url = request.build_absolute_uri("/")
        jsonld = claimreview.as_script(claimreview.claimreview_for(verdict, site_url=site_url))
    context = {
        "verdict": verdict,
        "claim": verdict.claim,
        "article": verdict.claim.article,
        "evidence": verdict.evidence.all(),
        "corrections": correction_history(verdict, versions),
        "superseded_by": current_version(verdict, versions),
        "jsonld": jsonld,
        "rating": verdict.rating_info,
        "best_rating": Verdict.BEST_RATING,
        "publisher_name": settings.FACTCHECK_PUBLISHER_NAME,
        "publisher_url": settings.FACTCHECK_PUBLISHER_URL,
        "canonical_url": request.build_absolute_uri(verdict.get_absolute_url()),
    }
    return render(request, "articles/verdict_public.html", context)
