"""The read side: what the desk's pages show, built in a fixed number of queries.

The reader's claims and links (plain dicts from values() rows, the same shape as the API's), links
with both ends for display, and an article's text versions.
"""

import json
from collections import Counter
from dataclasses import dataclass

from django.db import connections
from django.db.models import FilteredRelation, Q
from django.urls import reverse
from rest_framework.fields import DateTimeField

from articles.models import Article, Claim, ClaimLink, Verdict


def links_for_display(queryset):
    """Links with both ends' speaker, article and source in one query."""
    return queryset.select_related(
        "created_by",
        "from_claim__speaker",
        "from_claim__article__source",
        "to_claim__speaker",
        "to_claim__article__source",
    ).defer(*(f"{end}__article__{field}" for end in ("from_claim", "to_claim") for field in ("body", "raw")))


def text_versions(article: Article) -> list:
    """The article's historical records that changed its text, newest first (the first import is last).

    Records that changed only the title or other details are left out: each entry is a distinct body.
    """
    records = list(
        article.history.select_related("history_user")
        .only("history_id", "history_date", "history_user", "history_change_reason", "history_type", "body", "title")
        .order_by("-history_date", "-history_id")
    )
    older = [*records[1:], None]
    return [record for record, before in zip(records, older, strict=True) if not before or before.body != record.body]


# ---------------------------------------------------------------- the reader's embedded data


def reader_claims(article, request, links: list[dict]) -> list[dict]:
    """The article's live claims as ClaimSerializer presents them (less the timestamps), from values() rows.

    The reader embeds every claim of an article (thousands, at times); building model instances and
    running DRF fields for each would take most of the page's time. A test keeps both shapes equal.
    `links` are the serialized links touching the article's claims; they give each claim's link count.
    """
    user = request.user
    user_pk = user.pk  # request.user is a lazy object: read it once, not per claim
    rows = list(
        Claim.objects.live()
        .filter(article=article)
        # The published verdict in the same query: at most one per claim, so no row is repeated.
        .annotate(verdict=FilteredRelation("verdicts", condition=Q(verdicts__state=Verdict.State.PUBLISHED)))
        .order_by("start", "end", "id")
        .values(
            "id",
            "article_id",
            "start",
            "end",
            "quote",
            "prefix",
            "suffix",
            "summary",
            "anchor_state",
            "created_by_id",
            "created_by__username",
            "version",
            "speaker_id",
            "speaker__name",
            "speaker__description",
            "speaker__affiliation",
            "verdict__id",
            "verdict__rating",
            "verdict__headline",
        )
    )
    tags: dict[int, list[str]] = {}
    for claim_id, name in (
        Claim.tags.through.objects.filter(claim__article=article, claim__deleted_at__isnull=True)
        .order_by("tag__name")
        .values_list("claim_id", "tag__name")
    ):
        tags.setdefault(claim_id, []).append(name)
    verdict_badge = _verdict_badge_maker()
    link_counts = Counter(
        end["id"] for link in links for end in (link["from_claim"], link["to_claim"]) if end["article"] == article.pk
    )
    edits_any = user.has_perm("articles.change_any_claim")
    edits_own = user.has_perm("articles.change_claim")
    claim_url = reverse("articles:claim_detail", args=[0]).replace("/0/", "/{}/")
    return [
        {
            "id": row["id"],
            "article": row["article_id"],
            "start": row["start"],
            "end": row["end"],
            "quote": row["quote"],
            "prefix": row["prefix"],
            "suffix": row["suffix"],
            "speaker": _speaker_dict(row),
            "summary": row["summary"],
            "tags": tags.get(row["id"], []),
            "anchor_state": row["anchor_state"],
            "created_by": row["created_by__username"],
            "version": row["version"],
            "deleted": False,
            "link_count": link_counts.get(row["id"], 0),
            "verdict": verdict_badge(row),
            "can_edit": edits_any or (edits_own and row["created_by_id"] == user_pk),
            "url": claim_url.format(row["id"]),
        }
        for row in rows
    ]


def _verdict_badge_maker():
    """A function from a claim row's verdict__ columns to VerdictBadgeSerializer's shape (None without one)."""
    labels = dict(Verdict.Rating.choices)
    url = reverse("verdicts:verdict_public", args=[0]).replace("/0/", "/{}/")

    def badge(row: dict) -> dict | None:
        if row["verdict__id"] is None:
            return None
        rating = row["verdict__rating"]
        return {
            "id": row["verdict__id"],
            "rating": rating,
            "rating_label": labels.get(rating, rating),
            "headline": row["verdict__headline"],
            "url": url.format(row["verdict__id"]),
        }

    return badge


LINK_END_FIELDS = (
    "article_id",
    "article__title",
    "article__source__name",
    "quote",
    "summary",
    "speaker__name",
    "anchor_state",
)


def reader_links(links, user) -> list[dict]:
    """Links as LinkSerializer presents them, from values() rows of `links` (a ClaimLink queryset) and of the
    claims at their ends.

    The reader embeds every link touching its article's claims; DRF's nested serializers (two linked
    claims, a reverse() per URL) cost about a millisecond per link. A test keeps both shapes equal. The
    ends are a second query: joined in, their articles, sources and speakers made ten tables, past which
    PostgreSQL stops reordering joins and hashed every link and claim (90 ms at 100,000 claims).
    """
    ends = ("from_claim", "to_claim")
    rows = list(links.values("id", "relation", "note", "created_by_id", "created_by__username", "created_at", *ends))
    end_ids = links.order_by().values("from_claim").union(links.order_by().values("to_claim"))
    claims = {row["id"]: row for row in Claim.objects.filter(pk__in=end_ids).order_by().values("id", *LINK_END_FIELDS)}
    labels = dict(ClaimLink.Relation.choices)
    timestamp = DateTimeField().to_representation
    deletes_any = user.has_perm("articles.change_any_claim")
    deletes_own = user.has_perm("articles.delete_claimlink")
    user_pk = user.pk
    patterns = _url_patterns()
    return [
        {
            "id": row["id"],
            "from_claim": _link_end(claims[row["from_claim"]], patterns),
            "to_claim": _link_end(claims[row["to_claim"]], patterns),
            "relation": row["relation"],
            "relation_label": labels.get(row["relation"], row["relation"]),
            "note": row["note"],
            "created_by": row["created_by__username"],
            "created_at": timestamp(row["created_at"]),
            "can_delete": deletes_any or (deletes_own and row["created_by_id"] == user_pk),
        }
        for row in rows
    ]


def _url_patterns() -> tuple[str, str]:
    """reverse() once per call site instead of once per claim: the URLs with {} for the ids."""
    return (
        reverse("articles:article_detail", args=[0]).replace("/0/", "/{}/") + "#claim-{}",
        reverse("articles:claim_detail", args=[0]).replace("/0/", "/{}/"),
    )


def _link_end(claim: dict, patterns: tuple[str, str]) -> dict:
    reader_pattern, claim_pattern = patterns
    claim_id, article_id = claim["id"], claim["article_id"]
    return {
        "id": claim_id,
        "article": article_id,
        "article_title": claim["article__title"],
        "source": claim["article__source__name"],
        "quote": claim["quote"],
        "summary": claim["summary"],
        "speaker": claim["speaker__name"],
        "anchor_state": claim["anchor_state"],
        "reader_url": reader_pattern.format(article_id, claim_id),
        "url": claim_pattern.format(claim_id),
    }


def _speaker_dict(row: dict) -> dict | None:
    if row["speaker_id"] is None:
        return None
    name, description = row["speaker__name"], row["speaker__description"]
    return {
        "id": row["speaker_id"],
        "name": name,
        "description": description,
        "affiliation": row["speaker__affiliation"],
        "label": f"{name} ({description})" if description else name,
    }


# ---------------------------------------------------------------- list totals

# Up to this many rows a list's total is counted exactly; beyond, PostgreSQL's planner estimate is shown.
EXACT_COUNT_LIMIT = 100_000


@dataclass(frozen=True)
class Total:
    """A list's size for its heading: exact ("1,234 claims") or estimated ("about 1,200,000 claims")."""

    count: int
    estimated: bool = False


def count_or_estimate(queryset, *, limit: int = EXACT_COUNT_LIMIT) -> Total:
    """Count the rows up to `limit` (a bounded COUNT stops early); above it, estimate where the database can.

    An exact COUNT(*) of a million filtered claims takes most of a second on PostgreSQL; the planner's
    row estimate (EXPLAIN) costs a millisecond and is close enough for "about". SQLite has no estimate,
    so it counts on.
    """
    bounded = queryset.order_by()[: limit + 1].count()
    if bounded <= limit:
        return Total(bounded)
    if connections[queryset.db].vendor == "postgresql":
        plan = json.loads(queryset.order_by().explain(format="json"))
        return Total(_round_estimate(max(int(plan[0]["Plan"]["Plan Rows"]), limit)), estimated=True)
    return Total(queryset.order_by().count())


def _round_estimate(count: int) -> int:
    """Two significant figures: 1,234,567 -> 1,200,000."""
    digits = len(str(count))
    step = 10 ** max(digits - 2, 0)
    return round(count / step) * step
