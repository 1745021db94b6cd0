"""The read side: what the desk's pages show, built in a fixed number of queries.

The reader's claims and links (plain dicts from values() rows, the same shape as the API's), links
with both ends for display, and an article's text versions.
"""

import json
from collections import Counter
from dataclasses import dataclass

from django.db import connections
from django.db.models import Case, Count, Exists, FilteredRelation, OuterRef, Q, Subquery, When
from django.urls import reverse
from rest_framework.fields import DateTimeField

from articles.models import Article, Assignment, Claim, ClaimLink, Job, JobItem, Notification, Verdict


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


# ---------------------------------------------------------------- claim status (one definition for every page)


@dataclass(frozen=True)
class ClaimStatus:
    """Where a claim stands on its way to a published verdict, in words a desk reads."""

    code: str  # "none", or a Verdict.State value
    label: str  # "Draft by bob", "In review with erin", "Published: False", ...
    verdict_id: int | None = None
    reason: str = ""  # the latest request-changes reason, shown to the author
    rating: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "verdict": self.verdict_id, "reason": self.reason,
                "rating": self.rating}  # fmt: skip


NO_VERDICT = ClaimStatus("none", "No verdict")
_STATUS_FIELDS = ("id", "claim_id", "state", "rating", "corrects_id", "changes_reason", "author__username",
                  "assigned_to__username", "editor__username")  # fmt: skip


def claim_statuses(claim_ids) -> dict[int, ClaimStatus]:
    """The status of each claim, from its verdicts, in one query (claims without verdicts: NO_VERDICT)."""
    by_claim: dict[int, list[dict]] = {}
    rows = Verdict.objects.filter(claim_id__in=list(claim_ids)).order_by("claim_id", "-id").values(*_STATUS_FIELDS)
    for row in rows:
        by_claim.setdefault(row["claim_id"], []).append(row)
    return {claim_id: _status_of(by_claim.get(claim_id, [])) for claim_id in claim_ids}


def claim_status(claim_id: int) -> ClaimStatus:
    return claim_statuses([claim_id])[claim_id]


def _status_of(verdicts: list[dict]) -> ClaimStatus:
    """The open verdict (at most one) tells where the work is; else the published one; else the last corrected."""
    State = Verdict.State
    ratings = dict(Verdict.Rating.choices)
    published = next((v for v in verdicts if v["state"] == State.PUBLISHED), None)
    open_one = next((v for v in verdicts if v["state"] in Verdict.OPEN_STATES), None)
    if open_one and not (published and open_one["corrects_id"] == published["id"]):
        return _open_status(open_one)
    if published:
        label = f"Published: {ratings.get(published['rating'], published['rating'])}"
        if open_one:
            label += f" (correction {State(open_one['state']).label.lower()})"
        return ClaimStatus(State.PUBLISHED, label, published["id"], rating=published["rating"])
    corrected = next((v for v in verdicts if v["state"] == State.CORRECTED), None)
    if corrected:
        return ClaimStatus(State.CORRECTED, "Corrected", corrected["id"], rating=corrected["rating"])
    return NO_VERDICT


def _open_status(verdict: dict) -> ClaimStatus:
    State = Verdict.State
    state = verdict["state"]
    if state == State.DRAFT:
        label = f"Draft by {verdict['author__username']}"
    elif state == State.IN_REVIEW:
        label = f"In review with {verdict['assigned_to__username'] or 'the editors'}"
    elif state == State.CHANGES_REQUESTED:
        label = "Changes requested"
    else:
        label = f"Approved by {verdict['editor__username']}" if verdict["editor__username"] else "Approved"
    reason = verdict["changes_reason"] if state == State.CHANGES_REQUESTED else ""
    return ClaimStatus(state, label, verdict["id"], reason=reason, rating=verdict["rating"])


# ---------------------------------------------------------------- a person's work


def my_work(user) -> dict:
    """What My work shows, each list in one query (fixed count whatever their length)."""
    open_assignments = Assignment.objects.filter(assignee=user, done_at__isnull=True)
    live = Claim.objects.filter(article=OuterRef("article_id"), deleted_at__isnull=True)
    articles = list(
        open_assignments.filter(article__isnull=False)
        .select_related("article__source", "assigned_by")
        .defer("article__body", "article__raw")
        .annotate(claims_made=Subquery(live.order_by().values("article").annotate(n=Count("pk")).values("n")[:1]))
    )
    with_verdict = Verdict.objects.filter(claim=OuterRef("claim_id")).exclude(state=Verdict.State.CORRECTED)
    claims = list(
        open_assignments.filter(claim__isnull=False, claim__deleted_at__isnull=True)
        .exclude(Exists(with_verdict))
        .select_related("claim__article", "claim__speaker", "assigned_by")
        .defer("claim__article__body", "claim__article__raw")
    )
    mine = Verdict.objects.filter(author=user, state__in=Verdict.OPEN_STATES, claim__deleted_at__isnull=True)
    first = Case(When(state=Verdict.State.CHANGES_REQUESTED, then=0), default=1)
    my_verdicts = list(mine.select_related("claim").order_by(first, "-updated_at"))
    waiting = Verdict.objects.filter(state=Verdict.State.IN_REVIEW, claim__deleted_at__isnull=True).exclude(author=user)
    to_review = list(waiting.select_related("claim", "author").order_by("submitted_at")) if _reviews(user) else []
    return {"articles": articles, "claims": claims, "my_verdicts": my_verdicts, "to_review": to_review}


def _reviews(user) -> bool:
    return user.has_perm("articles.approve_verdict")


def work_counts(user) -> dict:
    """The top bar's counts: open assignments and unread notifications (two queries)."""
    return {
        "work": Assignment.objects.filter(assignee=user, done_at__isnull=True).count(),
        "unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }


def trash_for(user, limit: int = 200) -> list:
    """Deleted claims the user may restore: their own, or all for editors; newest deletion first."""
    deleted = Claim.objects.filter(deleted_at__isnull=False).select_related("article", "speaker", "created_by")
    if not user.has_perm("articles.change_any_claim"):
        deleted = deleted.filter(created_by=user)
    return list(deleted.defer("article__body", "article__raw").order_by("-deleted_at", "-id")[:limit])


# ---------------------------------------------------------------- background jobs


def jobs_started_by(user):
    """The user's own jobs, newest first (the desk's /jobs/ list)."""
    return Job.objects.filter(created_by=user).select_related("created_by")


def job_items(job: Job):
    """The job's items in order, without the uploaded bytes."""
    return JobItem.objects.filter(job=job).defer("data").order_by("position")


def job_status(job: Job, items=None) -> dict:
    """The job as JSON: the API's GET /api/jobs/<id>/ and the job page's progress poll (one shape)."""
    items = job_items(job) if items is None else items
    timestamp = DateTimeField().to_representation
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.get_kind_display(),
        "state": job.state,
        "state_label": job.get_state_display(),
        "finished": job.finished,
        "total": job.total,
        "done": job.done_count,
        "failed": job.failed_count,
        "percent": job.percent,
        "created_by": job.created_by.get_username() if job.created_by else None,
        "created_at": timestamp(job.created_at),
        "started_at": timestamp(job.started_at) if job.started_at else None,
        "finished_at": timestamp(job.finished_at) if job.finished_at else None,
        "url": reverse("articles:job_detail", args=[job.pk]),
        "items": [
            {
                "position": item.position,
                "name": item.name,
                "state": item.state,
                "outcome": item.outcome,
                "message": item.message,
                "error": item.error,
                "article": item.article_id,
                "article_url": reverse("articles:article_detail", args=[item.article_id]) if item.article_id else None,
            }
            for item in items
        ],
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
