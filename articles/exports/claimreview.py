"""schema.org ClaimReview for a published verdict: the one way to build it (public page and export).

Pure: reads the verdict, its claim, the claim's speaker and article and source (select them with the
verdict) and the settings; no queries of its own. Properties follow Google's fact-check structured
data (required: claimReviewed, reviewRating.alternateName, url; recommended: author, datePublished,
itemReviewed as a Claim with author, datePublished, appearance, firstAppearance) and use only
schema.org terms.
"""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from articles.models import Verdict, is_http_url

CONTEXT = "https://schema.org"
# What json_script escapes: no "</script>" or "<!--" can form inside the script body.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def rating_for(verdict: Verdict) -> dict:
    """The reviewRating: the text label Search shows (alternateName) and its place on the 1..5 scale."""
    info = verdict.rating_info
    if info is None:
        raise ValueError(f"verdict #{verdict.pk} has no rating")
    return {
        "@type": "Rating",
        "ratingValue": info.value,
        "bestRating": Verdict.BEST_RATING,
        "worstRating": Verdict.WORST_RATING,
        "alternateName": info.label,
        "name": info.label,
    }


def _appearance(article) -> dict:
    work = {"@type": "CreativeWork", "name": article.title}
    if is_http_url(article.url):
        work["url"] = article.url
    if article.published:
        work["datePublished"] = article.published.isoformat()
    if article.source_id:
        # The outlet is the work's author as far as schema.org's Claim.appearance is concerned.
        work["author"] = {"@type": "Organization", "name": article.source.name}
        if is_http_url(article.source.homepage):
            work["author"]["url"] = article.source.homepage
    return work


def _claimant(speaker) -> dict:
    # Speakers are mostly people; the model does not say which are bodies, so all are Person.
    person = {"@type": "Person", "name": speaker.name}
    if speaker.description:
        person["jobTitle"] = speaker.description
    return person


def claimreview_for(verdict: Verdict, *, site_url: str) -> dict:
    """The ClaimReview JSON-LD (a dict) of a published or superseded verdict.

    `site_url` is the absolute base of this site (no trailing slash needed); the verdict's public
    page under it is the ClaimReview `url`. claimReviewed is the claim's summary in the desk's words,
    or its quote when there is none. The claim's date is the article's publication date, when known.
    """
    if verdict.published_at is None:
        raise ValueError(f"verdict #{verdict.pk} is not published")
    claim = verdict.claim
    article = claim.article
    item = {"@type": "Claim"}
    if claim.speaker_id:
        item["author"] = _claimant(claim.speaker)
    if article.published:
        item["datePublished"] = article.published.isoformat()
    appearance = _appearance(article)
    item["appearance"] = [appearance]
    # The article is the earliest appearance the desk has recorded for this claim.
    item["firstAppearance"] = appearance
    data = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": site_url.rstrip("/") + verdict.get_absolute_url(),
        "name": verdict.headline,
        "claimReviewed": (claim.summary or claim.quote).strip(),
        "datePublished": verdict.published_at.date().isoformat(),
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_PUBLISHER_NAME,
            "url": settings.FACTCHECK_PUBLISHER_URL,
        },
        "reviewRating": rating_for(verdict),
        "itemReviewed": item,
    }
    return data


def as_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element whose body cannot end the script early.

    Like Django's json_script: <, > and & are written as \\u escapes, so a "</script>" or "<!--"
    in a headline or quote stays inside the JSON string.
    """
    body = json.dumps(data, ensure_ascii=False, indent=2).translate(SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{body}</script>')  # noqa: S308 (escaped above)
