"""The read side: what the desk's pages show, built in a fixed number of queries.

A claim's shape (ClaimPresenter: the reader's claims and the API's), the reader's links (plain dicts
from values() rows, the same shape as the API's), links with both ends for display, and an article's
text versions.
"""

import json
from collections import Counter
from dataclasses import dataclass

from django.db import connections
from django.db.models import Case, Count, Exists, FilteredRelation, OuterRef, Q, Subquery, When
from django.urls import reverse
from rest_framework.fields import DateTimeField

from articles import access
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


# ---------------------------------------------------------------- a claim's shape (reader, API, exports)

# A claim's span and its speaker's fields: under these names in the reader, the API and the exports.
CLAIM_SPAN_FIELDS = ("start", "end", "quote", "prefix", "suffix")
SPEAKER_FIELDS = ("id", "name", "description", "affiliation")

# The keys of a claim as the API presents it, in order (ClaimSerializer declares their types for the
# schema). The reader embeds the same but the timestamps; a claim outside its reader says where it is from.
CLAIM_FIELDS = (
    "id", "article", *CLAIM_SPAN_FIELDS, "speaker", "summary", "tags", "anchor_state", "created_by", "created_at",
    "updated_at", "version", "deleted", "link_count", "verdict", "can_edit", "url",
)  # fmt: skip
READER_CLAIM_FIELDS = tuple(name for name in CLAIM_FIELDS if name not in ("created_at", "updated_at"))
CLAIM_LIST_FIELDS = (*CLAIM_FIELDS, "article_title", "source", "reader_url")

# The values() columns a claim's dict is built from (READER_ROW_FIELDS: all the reader needs).
READER_ROW_FIELDS = (
    "id", "article_id", *CLAIM_SPAN_FIELDS, "summary", "anchor_state", "created_by_id", "created_by__username",
    "version", "speaker_id", *(f"speaker__{name}" for name in SPEAKER_FIELDS[1:]),
    "verdict__id", "verdict__rating", "verdict__headline",
)  # fmt: skip
CLAIM_ROW_FIELDS = (
    *READER_ROW_FIELDS,
    "created_at",
    "updated_at",
    "deleted_at",
    "article__title",
    "article__source__name",
)


def with_published_verdict(claims):
    """Claims with their published verdict's columns (verdict__id, ...) in the same query: at most one per
    claim, so no row is repeated."""
    return claims.annotate(verdict=FilteredRelation("verdicts", condition=Q(verdicts__state=Verdict.State.PUBLISHED)))


def claim_row(claim: Claim) -> dict:
    """The CLAIM_ROW_FIELDS row of a claim at hand, loaded with Claim.objects.for_display() (or just made)."""
    speaker, article = claim.speaker, claim.article
    verdicts = getattr(claim, "published_verdicts", None)
    verdict = verdicts[0] if verdicts else None
    return {
        "id": claim.pk,
        "article_id": claim.article_id,
        **{name: getattr(claim, name) for name in CLAIM_SPAN_FIELDS},
        "summary": claim.summary,
        "anchor_state": claim.anchor_state,
        "created_by_id": claim.created_by_id,
        "created_by__username": claim.created_by.get_username(),
        "version": claim.version,
        "speaker_id": claim.speaker_id,
        **{f"speaker__{name}": getattr(speaker, name) if speaker else None for name in SPEAKER_FIELDS[1:]},
        "verdict__id": verdict.pk if verdict else None,
        "verdict__rating": verdict.rating if verdict else None,
        "verdict__headline": verdict.headline if verdict else None,
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
        "deleted_at": claim.deleted_at,
        "article__title": article.title,
        "article__source__name": article.source.name if article.source_id else None,
    }


class ClaimPresenter:
    """The one builder of a claim's dict (`fields` of it) from its values() row, for one user.

    The reader's embedded claims and the API's claim output are both built here; the exports take the
    span and speaker fields under the same names (CLAIM_SPAN_FIELDS, SPEAKER_FIELDS).
    """

    def __init__(self, user, fields=CLAIM_FIELDS):
        self.fields = fields
        # request.user is lazy, and permissions cost a lookup: read them once, not per claim.
        self.may_change = access.owner_or_editor(user, "articles.change_claim")
        self.reader_url, self.claim_url = _url_patterns()
        self.verdict_badge = _verdict_badge_maker()
        self.timestamp = DateTimeField().to_representation
        self.timestamps = "created_at" in fields
        self.listing = "reader_url" in fields

    def __call__(self, row: dict, *, tags: list[str], link_count: int) -> dict:
        claim_id = row["id"]
        values = {
            "id": claim_id,
            "article": row["article_id"],
            **{name: row[name] for name in CLAIM_SPAN_FIELDS},
            "speaker": speaker_dict(row),
            "summary": row["summary"],
            "tags": tags,
            "anchor_state": row["anchor_state"],
            "created_by": row["created_by__username"],
            "version": row["version"],
            "deleted": row.get("deleted_at") is not None,
            "link_count": link_count,
            "verdict": self.verdict_badge(row),
            "can_edit": self.may_change(row["created_by_id"]),
            "url": self.claim_url.format(claim_id),
        }
        if self.timestamps:
            values["created_at"] = self.timestamp(row["created_at"])
            values["updated_at"] = self.timestamp(row["updated_at"])
        if self.listing:
            values["article_title"] = row["article__title"]
            values["source"] = row["article__source__name"]
            values["reader_url"] = self.reader_url.format(row["article_id"], claim_id)
        return {name: values[name] for name in self.fields}


def reader_claims(article, request, links: list[dict]) -> list[dict]:
    """The article's live claims (READER_CLAIM_FIELDS), built by ClaimPresenter from values() rows.

    The reader embeds every claim of an article (thousands, at times); building model instances and
    running DRF fields for each would take most of the page's time. `links` are the serialized links
    touching the article's claims; they give each claim's link count.
    """
    rows = list(
        with_published_verdict(Claim.objects.live().filter(article=article))
        .order_by("start", "end", "id")
        .values(*READER_ROW_FIELDS)
    )
    tags: dict[int, list[str]] = {}
    for claim_id, name in (
        Claim.tags.through.objects.filter(claim__article=article, claim__deleted_at__isnull=True)
        .order_by("tag__name")
        .values_list("claim_id", "tag__name")
    ):
        tags.setdefault(claim_id, []).append(name)
    link_counts = Counter(
        end["id"] for link in links for end in (link["from_claim"], link["to_claim"]) if end["article"] == article.pk
    )
    present = ClaimPresenter(request.user, READER_CLAIM_FIELDS)
    return [present(row, tags=tags.get(row["id"], []), link_count=link_counts.get(row["id"], 0)) for row in rows]


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
    may_delete = access.owner_or_editor(user, "articles.delete_claimlink")
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
            "can_delete": may_delete(row["created_by_id"]),
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


def speaker_values(row: dict) -> dict | None:
    """A claim row's speaker (SPEAKER_FIELDS), None without one."""
    if row["speaker_id"] is None:
        return None
    return {"id": row["speaker_id"], **{name: row[f"speaker__{name}"] for name in SPEAKER_FIELDS[1:]}}


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


def speaker_dict(row: dict) -> dict | None:
    """A claim row's speaker as SpeakerSerializer presents it: its fields and a label."""
    speaker = speaker_values(row)
    if speaker is not None:
        name, description = speaker["name"], speaker["description"]
        speaker["label"] = f"{name} ({description})" if description else name
    return speaker


RELATED_LIMIT = 500


def related_suggestions(claim_ids, *, status: str = "suggested"):
    """Suggestions of this status touching these claims, both ends live, best first; each end with its article,
    source and speaker (a fixed number of queries, however many)."""
    from articles.models import RelatedSuggestion

    ids = list(claim_ids)
    ends = ("article", "article__source", "speaker")
    return (
        RelatedSuggestion.objects.filter(Q(from_claim_id__in=ids) | Q(to_claim_id__in=ids), status=status)
        .filter(from_claim__deleted_at__isnull=True, to_claim__deleted_at__isnull=True)
        .select_related(*(f"from_claim__{e}" for e in ends), *(f"to_claim__{e}" for e in ends))
        .defer(*(f"{end}__article__{f}" for end in ("from_claim", "to_claim") for f in ("body", "raw")))
        .order_by("-score", "id")[:RELATED_LIMIT]
    )
