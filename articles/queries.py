"""The read side: what the desk's pages show, built in a fixed number of queries.

A claim's shape (ClaimPresenter: the reader's claims and the API's), the compact forms of an article's claims
and links (values_list() rows, expanded to the API's shapes by the clients), links with both ends for display,
and an article's text versions.
"""

import functools
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf, reverse
from rest_framework.fields import DateTimeField

from articles import access
from articles.models import Article, Assignment, Claim, ClaimLink, Comment, Job, JobItem, Notification, Verdict


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
# Where the claim stands (ClaimStatus.as_dict) and the user's next step on its verdict (VerdictActions).
STATUS_FIELDS = ("status", "verdict_action")
READER_CLAIM_FIELDS = (*(name for name in CLAIM_FIELDS if name not in ("created_at", "updated_at")), *STATUS_FIELDS)
CLAIM_LIST_FIELDS = (*CLAIM_FIELDS, "article_title", "source", "reader_url", *STATUS_FIELDS)

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
        self.timestamp = timestamp
        self.timestamps = "created_at" in fields
        self.listing = "reader_url" in fields
        self.verdict_action = VerdictActions(user)

    def __call__(self, row: dict, *, tags: list[str], link_count: int, status: "ClaimStatus | None" = None) -> dict:
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
        if status is not None:
            values["status"] = status.as_dict()
            values["verdict_action"] = self.verdict_action(status, claim_id)
        return {name: values[name] for name in self.fields}


def _verdict_badge_maker():
    """A function from a claim row's verdict__ columns to VerdictBadgeSerializer's shape (None without one)."""
    labels = _rating_labels()
    url = url_pattern("verdicts:verdict_public")

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


# A date and time as the API writes it (DRF's DateTimeField: ISO 8601 in the current time zone). One field for the
# process, not one per answer (its constructor builds validators and messages): it keeps no state between calls.
timestamp = DateTimeField().to_representation


def _url_patterns() -> tuple[str, str]:
    """The reader's and a claim's URLs with {} for the ids."""
    return url_pattern("articles:article_detail") + "#claim-{}", url_pattern("articles:claim_detail")


def url_pattern(name: str, *, with_id: bool = True) -> str:
    """The URL named `name` with {} for its id (with_id: it takes one), reversed once per process: a claim's
    answer needs four of them, and reverse() costs about as much as the claim's INSERT. Kept per URLconf and
    script prefix, the two things reverse() depends on."""
    return _reversed(name, with_id, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=64)
def _reversed(name: str, with_id: bool, urlconf: str, prefix: str) -> str:
    if not with_id:
        return reverse(name, urlconf=urlconf)
    return reverse(name, urlconf=urlconf, args=[0]).replace("/0/", "/{}/")


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
                  "assigned_to__username", "editor__username", "headline")  # fmt: skip


def claim_statuses(claim_ids) -> dict[int, ClaimStatus]:
    """The status of each claim, from its verdicts, in one query (claims without verdicts: NO_VERDICT)."""
    claim_ids = list(claim_ids)
    by_claim = _verdict_rows(Verdict.objects.filter(claim_id__in=claim_ids))
    return {claim_id: _status_of(by_claim.get(claim_id, [])) for claim_id in claim_ids}


def article_verdicts(article_pk: int) -> dict[int, list[dict]]:
    """The verdicts of each of the article's claims that has any (_STATUS_FIELDS, newest first), in one query (the
    reader's thousands of claims are not sent back as a list of ids): _status_of gives a claim's status from
    them, published_verdict its published verdict."""
    rows = article_rows(_article_verdicts, article_pk)
    return _by_claim(dict(zip(_STATUS_FIELDS, row, strict=True)) for row in rows)


def published_verdict(verdicts: list[dict]) -> dict | None:
    """A claim's published verdict among its verdicts (at most one: verdict_one_published_per_claim)."""
    return next((verdict for verdict in verdicts if verdict["state"] == Verdict.State.PUBLISHED), None)


def _article_verdicts(article_pk):
    verdicts = Verdict.objects.filter(_AmongIds("claim_id", _article_claim_ids(article_pk)))
    return _status_rows(verdicts).values_list(*_STATUS_FIELDS)


def _status_rows(verdicts):
    return verdicts.order_by("claim_id", "-id")


def _verdict_rows(verdicts) -> dict[int, list[dict]]:
    return _by_claim(_status_rows(verdicts).values(*_STATUS_FIELDS))


def _by_claim(rows) -> dict[int, list[dict]]:
    by_claim: dict[int, list[dict]] = {}
    for row in rows:
        by_claim.setdefault(row["claim_id"], []).append(row)
    return by_claim


def claim_status(claim_id: int) -> ClaimStatus:
    return claim_statuses([claim_id])[claim_id]


def _status_of(verdicts: list[dict]) -> ClaimStatus:
    """The open verdict (at most one) tells where the work is; else the published one; else the last corrected."""
    State = Verdict.State
    ratings = _rating_labels()
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


@functools.cache
def _rating_labels() -> dict[str, str]:
    """Each rating's label as text, made once: the reader builds thousands of statuses."""
    return {value: str(label) for value, label in Verdict.Rating.choices}


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


class VerdictActions:
    """A user's next step on a claim's verdict, the one rule for the reader's cards, the claim list, the compare
    page and the API: fact-checkers and editors (add_verdict) get "Write verdict" on a claim without one (the
    admin's add form with the claim filled in) and "Open verdict" on one under way; nothing once it is published
    (a correction starts from the published verdict's page) nor for other roles."""

    def __init__(self, user):
        self.may = bool(user is not None and user.is_authenticated and user.has_perm("articles.add_verdict"))
        if self.may:
            self.add_url = url_pattern("admin:articles_verdict_add", with_id=False) + "?claim={}"
            self.open_url = url_pattern("admin:articles_verdict_change")

    def __call__(self, status: ClaimStatus, claim_id: int) -> dict | None:
        kind = self.kind(status)
        if kind is None:
            return None
        label, pattern = self.patterns()[kind]
        return {"label": label, "url": pattern.format(claim_id if kind == "write" else status.verdict_id)}

    def kind(self, status: ClaimStatus) -> str | None:
        """ "write" (a URL with the claim's id), "open" (with the verdict's id) or None."""
        if not self.may:
            return None
        if status.code == "none":
            return "write"
        if status.verdict_id and status.code in Verdict.OPEN_STATES:
            return "open"
        return None

    def patterns(self) -> dict[str, tuple[str, str]]:
        """Each kind's label and URL pattern ({} for the id), for forms that send them once (compact_claims)."""
        if not self.may:
            return {}
        return {"write": ("Write verdict", self.add_url), "open": ("Open verdict", self.open_url)}


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
    mentions = mentioned_threads(user)
    return {
        "articles": articles,
        "claims": claims,
        "my_verdicts": my_verdicts,
        "to_review": to_review,
        "mentions": mentions,
    }


def _reviews(user) -> bool:
    return user.has_perm("articles.approve_verdict")


def work_counts(user) -> dict:
    """The top bar's counts (two queries): My work's open items (assignments, plus unresolved threads that
    mention the user, counted in the same query) and unread notifications."""
    assignments = Assignment.objects.filter(assignee=user, done_at__isnull=True)
    counts = get_user_model().objects.filter(pk=user.pk)
    found = counts.values(
        n_assigned=_subquery_count(assignments), n_mentions=_subquery_count(mentioned_thread_count(user))
    ).first() or {"n_assigned": 0, "n_mentions": 0}
    return {
        "work": found["n_assigned"] + found["n_mentions"],
        "mentions": found["n_mentions"],
        "unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }


def _subquery_count(queryset):
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted), 0)


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

# Up to this many rows a list's total is counted exactly (a COUNT over at most this many rows, as the admin's
# lists); beyond, PostgreSQL's planner estimate ("about"), or on SQLite, which has none, "more than".
EXACT_COUNT_LIMIT = 10_000
# A searched list: counted up to this many, then "more than" on both databases. The count reads rows until it
# has found them all, and a common word with a filter matches about one claim in a hundred (1,000 matches:
# 110,000 rows read, 0.6 s at a million claims); the planner's guess at a LIKE pattern's matches was five
# times the truth there, so a search is never estimated.
SEARCH_COUNT_LIMIT = 200


@dataclass(frozen=True)
class Total:
    """A list's size for its heading: exact ("1,234 claims"), estimated ("about 1,200,000 claims") or a floor."""

    count: int
    estimated: bool = False
    more_than: bool = False  # "more than 200 claims": a search, or SQLite beyond the exact count


def count_or_estimate(queryset, *, limit: int = EXACT_COUNT_LIMIT, searched: bool = False) -> Total:
    """Count the rows up to `limit` (a bounded COUNT stops early); above it, PostgreSQL's estimate, else a floor.

    An exact COUNT(*) of a million filtered claims takes most of a second on both databases; the planner's
    row estimate (EXPLAIN) costs a millisecond and is close enough for "about" on filters other than a search.
    """
    # Ids only: the list's annotations (link counts, statuses) would otherwise be computed for every row counted.
    queryset = queryset.order_by().values("pk")
    if searched:
        limit = min(limit, SEARCH_COUNT_LIMIT)
    bounded = queryset[: limit + 1].count()
    if bounded <= limit:
        return Total(bounded)
    if not searched and connections[queryset.db].vendor == "postgresql":
        plan = json.loads(queryset.explain(format="json"))
        return Total(_round_estimate(max(int(plan[0]["Plan"]["Plan Rows"]), limit)), estimated=True)
    return Total(limit, more_than=True)


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


# ---------------------------------------------------------------- discussion


def visible_comments():
    """Comments on live claims and on verdicts of live claims. Deleted comments are left out, except a deleted
    thread root that still has live replies (shown as "deleted" so the replies keep their thread)."""
    return (
        shown(
            Comment.objects.filter(
                Q(claim__isnull=False, claim__deleted_at__isnull=True)
                | Q(verdict__isnull=False, verdict__claim__deleted_at__isnull=True)
            )
        )
        .select_related("author", "resolved_by", "parent__resolved_by")
        .prefetch_related("mentioned")
    )


def shown(comments):
    """Leave out deleted comments, except a deleted thread root with live replies (the pages, API and exports)."""
    live_replies = Comment.objects.filter(parent=OuterRef("pk"), deleted_at__isnull=True)
    return comments.exclude(Q(deleted_at__isnull=False) & (Q(parent__isnull=False) | ~Exists(live_replies)))


def comment_counts(claim_ids) -> dict[int, int]:
    """Live comments per claim (one query); claims without any are left out."""
    rows = (
        Comment.objects.filter(claim_id__in=claim_ids, deleted_at__isnull=True)
        .order_by()
        .values("claim_id")
        .annotate(n=Count("pk"))
        .values_list("claim_id", "n")
    )
    return dict(rows)


def article_comment_counts(article) -> dict[int, int]:
    """The reader's per-claim comment counts (one query, compiled once): only counts, threads are fetched on
    expand."""
    return dict(article_rows(_comment_counts, getattr(article, "pk", article)))


def _comment_counts(article_pk: int):
    return (
        Comment.objects.filter(claim__article_id=article_pk, claim__deleted_at__isnull=True, deleted_at__isnull=True)
        .order_by()
        .values("claim_id")
        .annotate(n=Count("pk"))
        .values_list("claim_id", "n")
    )


class CommentPresenter:
    """A comment as the API, the reader and the admin show it, for one user (rights read once)."""

    def __init__(self, user):
        self.rights = access.comment_rights(user)
        self.timestamp = timestamp

    def __call__(self, comment: Comment) -> dict:
        root = comment.parent if comment.parent_id else comment
        may_edit, may_delete = self.rights(comment.author_id)
        deleted = comment.deleted_at is not None
        author = comment.author
        return {
            "id": comment.pk,
            "claim": comment.claim_id,
            "verdict": comment.verdict_id,
            "parent": comment.parent_id,
            "thread": root.pk,
            "author": author.get_username(),
            "author_name": author.get_full_name(),
            "text": "" if deleted else comment.text,
            "mentions": [] if deleted else sorted(user.get_username() for user in comment.mentioned.all()),
            "created_at": self.timestamp(comment.created_at),
            "edited_at": self.timestamp(comment.edited_at) if comment.edited_at else None,
            "deleted": deleted,
            "resolved": root.resolved_at is not None,
            "resolved_at": self.timestamp(root.resolved_at) if root.resolved_at else None,
            "resolved_by": root.resolved_by.get_username() if root.resolved_by_id else None,
            "version": comment.version,
            "can_edit": may_edit and not deleted,
            "can_delete": may_delete and not deleted,
        }


def threads_of(comments: list[dict]) -> list[dict]:
    """Presented comments grouped as threads: [{"root": ..., "replies": [...]}], oldest thread first."""
    threads: dict[int, dict] = {}
    for comment in comments:
        if comment["parent"] is None:
            threads.setdefault(comment["id"], {"root": None, "replies": []})["root"] = comment
    for comment in comments:
        if comment["parent"] is not None and comment["parent"] in threads:
            threads[comment["parent"]]["replies"].append(comment)
    return [thread for thread in threads.values() if thread["root"] is not None]


def mentioned_threads(user, limit: int = 100) -> list:
    """Unresolved threads (roots, with claim or verdict) in which a live comment @mentions the user, newest first."""
    mentioning = Comment.objects.filter(mentioned=user, deleted_at__isnull=True)
    in_thread = mentioning.filter(Q(pk=OuterRef("pk")) | Q(parent=OuterRef("pk")))
    return list(
        _unresolved_roots()
        .filter(Exists(in_thread))
        .select_related("author", "claim__article", "verdict__claim")
        .defer("claim__article__body", "claim__article__raw")
        .order_by("-created_at", "-id")[:limit]
    )


def _unresolved_roots():
    return Comment.objects.filter(parent__isnull=True, resolved_at__isnull=True).filter(
        Q(claim__isnull=False, claim__deleted_at__isnull=True)
        | Q(verdict__isnull=False, verdict__claim__deleted_at__isnull=True)
    )


def mentioned_thread_count(user):
    """A subquery counting mentioned_threads(user), for the top bar's single counts query."""
    mentioning = Comment.objects.filter(mentioned=user, deleted_at__isnull=True)
    in_thread = mentioning.filter(Q(pk=OuterRef("pk")) | Q(parent=OuterRef("pk")))
    return _unresolved_roots().filter(Exists(in_thread))


# ---------------------------------------------------------------- an article's statements, compiled once

# An id no article has, standing in for the article's while a statement is compiled (article_rows).
_ANY_ARTICLE = -7_346_291


def article_rows(make, article_pk: int, *args) -> list[tuple]:
    """The rows of the values_list() queryset make(article_pk, *args), whose SQL is compiled once per database
    vendor and `args` and then run with this article's id: on a build of the reader or the compact claims the
    ORM compiling its queries cost as much CPU as the database running them (the claim rows' statement alone
    about 2.5 ms). `make` takes the article's id as its only changing value; the rows are the database's, without
    Django's converters, so its columns must need none (ids, numbers, text)."""
    connection = connections[Claim.objects.db]
    sql, params = _compiled(connection.vendor, make, args)
    with connection.cursor() as cursor:
        cursor.execute(sql, [article_pk if param == _ANY_ARTICLE else param for param in params])
        return cursor.fetchall()


@functools.cache
def _compiled(vendor: str, make, args: tuple) -> tuple[str, tuple]:
    queryset = make(_ANY_ARTICLE, *args)
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    if _ANY_ARTICLE not in params:
        raise ValueError(f"{make.__name__}'s statement does not take the article's id as a parameter")
    return sql, tuple(params)


class _AmongIds(Func):
    """`column` among the ids a subquery gives: "IN (subquery)", and on PostgreSQL "= ANY(ARRAY(subquery))". With
    IN, PostgreSQL planned a hash join over a sequential scan of every link (or verdict) for an article's claims;
    with the array it probes the column's index for each id (the article's links and far ends in a third of the
    time at the bench's default scale)."""

    output_field = BooleanField()

    def __init__(self, column: str, ids):
        super().__init__(F(column), Subquery(ids))

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        ids_sql, ids_params = compiler.compile(subquery)  # "(SELECT ...)"
        among = "= ANY(ARRAY{})" if connection.vendor == "postgresql" else "IN {}"
        return f"{column_sql} {among.format(ids_sql)}", (*column_params, *ids_params)


def _article_claim_ids(article_pk: int):
    return Claim.objects.filter(article_id=article_pk).order_by().values("pk")


# ---------------------------------------------------------------- an article's claims, compact (API and reader)

# The per-claim columns of the compact form, in order: (name, values() column or query expression). Speakers,
# users and verdicts are ids here, spelled out once each in the lookup tables. Adding a per-claim field is one
# line: ("status_code", "some__column") or ("comment_count", <expression>); it reaches the API and the reader.
COMPACT_COLUMNS = (
    ("id", "id"),
    ("start", "start"),
    ("end", "end"),
    ("quote", "quote"),
    ("prefix", "prefix"),
    ("suffix", "suffix"),
    ("speaker", "speaker_id"),
    ("summary", "summary"),
    ("anchor_state", "anchor_state"),
    ("created_by", "created_by_id"),
    ("version", "version"),
)
# Columns computed per claim after the query: its published verdict's id (from the verdicts the statuses are read
# from, which the claim rows' statement then need not join: on PostgreSQL that join read every verdict, 40% of the
# statement's time), tag ids, live links touching it, whether this user may edit it, its status
# (ClaimStatus.as_dict, null for "No verdict") and the user's next step on its verdict ("write", "open" or null;
# the label and URL pattern once each in `verdict_actions`).
COMPACT_COMPUTED = ("verdict", "tags", "link_count", "can_edit", "status", "verdict_action")
# The reader's form of the compact claims (reader_compact's options; the API's answer is the plain form):
READER_COMPACT = {
    # without what its cards never show (the context is for re-anchoring, on the server), nor speakers' affiliations;
    "omit": ("prefix", "suffix"),
    "speaker_fields": ("name", "description"),
    # the columns that hold one value for most claims last, and left off a row's end while they hold it (no
    # verdict, no links, not the user's, anchored, the quote read from the text): the rows a third shorter at
    # 1,000 claims. Ordered by how often a claim differs, most often first, so a row keeps the fewest.
    "tail": ("version", "link_count", "can_edit", "status", "verdict", "verdict_action", "anchor_state", "quote"),
    # speakers' descriptions each once: speakers share them ("the mayor of ...").
    "shared": ("description",),
}
# Raised when the reader's form changes, so that a page is never built from what an older desk cached.
READER_FORMAT = 2
# Columns read only to fill the lookup tables, besides the speakers' (speaker__<name> of the form's speaker_fields).
_LOOKUP_FIELDS = ("created_by__username",)
# Raised when the compact form's shape changes, so clients holding an old ETag get the new shape.
COMPACT_FORMAT = 1


def compact_state(article_pk: int) -> dict:
    """Everything an article's compact claims are made of, summed up in one query: its claims (count, deleted
    count, last change, version sum), the links touching them (count, last id, the version sum of the claims at
    their far ends: a deleted or restored far end changes a link count), their verdicts (count, last change), the
    article's last change (its text decides which quotes are sent as null), speakers' last change (any speaker),
    and every tag name and username in a row (a rename leaves no timestamp; both tables are short); for the
    reader's links, LINKS_STATE.

    Each value only grows or moves with a change, so equal states mean equal answers: the ETag is a hash of this,
    and the built answer is cached under it (compact_claims_json).
    """
    row = _article_statement_rows(_state_sql, article_pk)[0]
    fields = ("claims", "deleted", "claims_changed", "versions", "links_out", "last_link_out", "far_out",
              "links_in", "last_link_in", "far_in", "verdicts", "verdicts_changed", "article_changed",
              "speakers_changed", "tag_names", "usernames", *LINKS_STATE)  # fmt: skip
    state = dict(zip(fields, row, strict=True))
    state["live"] = state["claims"] - state["deleted"]
    return state


@functools.cache
def _state_sql(vendor: str) -> str:
    """compact_state's statement, made once per database vendor (the history models' lookups cost more than the
    query itself on a cached reload)."""
    # Table names come from the models; the only value, the article's id, is a parameter. Each derived table is
    # one row, so the FROM list is one row too.
    far_ends = (
        "(SELECT COUNT(*) AS n, MAX(l.id) AS last, SUM(c.version) AS versions "
        + _of_article_claims(vendor, "<link> l", "l.<near>", "JOIN <claim> c ON c.id = l.<far>")
        + ")"
    )
    if vendor == "postgresql":
        names = "(SELECT STRING_AGG(<column>, '/' ORDER BY id) FROM <table>)"
    else:  # SQLite's GROUP_CONCAT takes the order of its subquery
        names = "(SELECT GROUP_CONCAT(text, '/') FROM (SELECT <column> AS text FROM <table> ORDER BY id))"
    link_edits = "(SELECT MAX(h.history_id) " + _of_article_claims(vendor, "<link_history> h", "h.<near>") + ")"
    sql = (
        "SELECT c.n, c.deleted, c.changed, c.versions, o.n, o.last, o.versions, i.n, i.last, i.versions, v.n,"
        " v.changed, a.updated_at, (SELECT MAX(history_id) FROM <speaker_history>), <tag_names>, <usernames>,"
        " <link_edits_out>, <link_edits_in>,"
        " (SELECT MAX(history_id) FROM <article_history>), (SELECT MAX(history_id) FROM <source_history>) FROM"
        " (SELECT COUNT(*) AS n, COUNT(deleted_at) AS deleted, MAX(updated_at) AS changed, SUM(version) AS versions"
        " FROM <claim> WHERE article_id = %s) c, <out> o, <in> i,"
        " (SELECT COUNT(*) AS n, MAX(v.updated_at) AS changed <verdicts>) v,"
        " (SELECT MAX(updated_at) AS updated_at FROM <article> WHERE id = %s) a"
    )
    tables = {
        "<out>": far_ends.replace("<near>", "from_claim_id").replace("<far>", "to_claim_id"),
        "<in>": far_ends.replace("<near>", "to_claim_id").replace("<far>", "from_claim_id"),
        "<link_edits_out>": link_edits.replace("<near>", "from_claim_id"),
        "<link_edits_in>": link_edits.replace("<near>", "to_claim_id"),
        "<verdicts>": _of_article_claims(vendor, "<verdict> v", "v.claim_id"),
        # Tag names are slugs (no ":" nor "/"): "3:police/7:crime", which compact_claims reads the names from.
        "<tag_names>": names.replace("<column>", "id || ':' || name").replace("<table>", "<tag>"),
        "<usernames>": names.replace("<column>", "username").replace("<table>", "<user>"),
        "<claim>": Claim._meta.db_table,
        "<link>": ClaimLink._meta.db_table,
        "<verdict>": Verdict._meta.db_table,
        "<article>": Article._meta.db_table,
        "<speaker_history>": Claim._meta.get_field("speaker").related_model.history.model._meta.db_table,
        "<link_history>": ClaimLink.history.model._meta.db_table,
        "<article_history>": Article.history.model._meta.db_table,
        "<source_history>": Article._meta.get_field("source").related_model.history.model._meta.db_table,
        "<tag>": Claim._meta.get_field("tags").related_model._meta.db_table,
        "<user>": get_user_model()._meta.db_table,
    }
    sql = _with_article_claims(vendor, sql)
    for name, text in tables.items():  # in order: a replacement may hold later names
        sql = sql.replace(name, text)
    return sql


def _of_article_claims(vendor: str, table: str, column: str, joins: str = "", *, live: bool = False) -> str:
    """ "FROM ... WHERE ...": the rows of `table` (with its alias) whose `column` holds one of the article's claims'
    ids (`live`: of its live claims), each through that column's index; `joins` are joined to them. For a statement
    _with_article_claims.

    On PostgreSQL the ids are an array it probes the column's index with ("IN (subquery)" planned a hash join
    over a sequential scan of every link and verdict). On SQLite the article's claims (its index) are joined to
    the table, in that order (CROSS JOIN: SQLite keeps the order written): "IN (subquery)" first built a temporary
    index of the 1,000 ids, again for each IN (the state statement in two thirds of the instructions)."""
    among, live_only = _AMONG_ARTICLE_CLAIMS["postgresql" if vendor == "postgresql" else "sqlite"]
    among = among.replace("<live>", live_only if live else "")
    return among.replace("<table>", table).replace("<column>", column).replace("<joins>", joins)


def _with_article_claims(vendor: str, sql: str) -> str:
    """A statement using _of_article_claims, whole: on PostgreSQL the article's claims' ids are read once, first
    (a WITH read once however often the statement uses it), not by an index scan for each use. Its parameters are
    all the article's id: as many as it has "%s"."""
    if vendor != "postgresql":
        return sql
    return _ARTICLE_CLAIMS_FIRST.replace("<statement>", sql)


_ARTICLE_CLAIMS_FIRST = "WITH article_claims AS (SELECT id, deleted_at FROM <claim> WHERE article_id = %s) <statement>"


# Each vendor's form, and what it adds for the live claims only.
_AMONG_ARTICLE_CLAIMS = {
    "postgresql": (
        "FROM <table> <joins> WHERE <column> = ANY(ARRAY(SELECT id FROM article_claims<live>))",
        " WHERE deleted_at IS NULL",
    ),
    "sqlite": (
        "FROM <claim> ac CROSS JOIN <table> ON <column> = ac.id <joins> WHERE ac.article_id = %s<live>",
        " AND ac.deleted_at IS NULL",
    ),
}

# What only the reader's links show besides: edits of the links touching the article (relation, note), and of any
# article or outlet (the titles and outlets of the far ends' articles). Left out of the API's ETag, which
# they do not change.
LINKS_STATE = ("links_edited_out", "links_edited_in", "articles_edited", "sources_edited")


def claims_state(state: dict) -> dict:
    """The part of compact_state the compact claims depend on (the API's ETag)."""
    return {name: value for name, value in state.items() if name not in LINKS_STATE}


def state_tag_names(state: dict) -> dict[int, str]:
    """Every tag's name by id, from compact_state's "3:police/7:crime"."""
    pairs = (pair.split(":", 1) for pair in (state["tag_names"] or "").split("/") if pair)
    return {int(tag_id): name for tag_id, name in pairs}


class _IdList(Func):
    """The ids of a subquery's rows as text, "3,7" (GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL).

    An aggregate the ORM does not know as one (a Func, like _subquery_count's COUNT): as an Aggregate it added a
    GROUP BY to the correlated subquery, whose WHERE already picks one claim's rows; without it the claim rows'
    statement takes 5-7% less time on PostgreSQL (one aggregate per claim, not a grouping)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "STRING_AGG(%(expressions)s::text, ',')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def compact_etag(article_pk: int, user, state: dict) -> str:
    """A strong ETag for this user's view of the article's claims: the state, the format, and the permissions
    the answer depends on: `can_edit` (anyone's claims, the user's own: then the user too) and the verdict step
    (add_verdict). Users with the same view share it, and so the cached answer."""
    may_change = access.owner_or_editor(user, "articles.change_claim")
    anyone, own = may_change(None), may_change(user.pk)
    owner = user.pk if own and not anyone else None
    bits = (COMPACT_FORMAT, article_pk, anyone, own, owner, VerdictActions(user).may, *state.items())
    return '"' + hashlib.sha256(repr(bits).encode()).hexdigest()[:32] + '"'


# How long a built answer stays in the cache: entries are never stale (the key is the state's hash), only unused.
COMPACT_CACHE_SECONDS = 600


def compact_claims_json(article_pk: int, user, key: str, state: dict, **options) -> str:
    """compact_claims(article_pk, user, state, **options) as JSON text, cached under `key` (compact_etag of the
    state and of `options`): a request for an unchanged article costs the state query and a cache read, not
    the build. ASCII, so the API sends it as it is and the reader puts it in its page as json_script would."""
    name = f"compact-claims:{key}"
    text = cache.get(name)
    if text is None:
        text = _COMPACT_JSON.encode(compact_claims(article_pk, user, state, **options))
        cache.set(name, text, COMPACT_CACHE_SECONDS)
    return text


def reader_compact(article, user, state: dict, **options) -> tuple[str, str]:
    """The reader's compact claims (compact_claims with `options`) and links (compact_links) as JSON text, built
    together (the links give the claims' link counts) and cached under the state (compact_state, read before),
    the user and the permissions they show (can_edit, the verdict step, can_delete)."""
    may_delete = access.owner_or_editor(user, "articles.delete_claimlink")
    view = {**state, "view": "reader", "format": READER_FORMAT, "user": user.pk}
    view["delete"] = (may_delete(None), may_delete(user.pk))
    name = f"reader-compact:{compact_etag(article.pk, user, view)}"
    texts = cache.get(name)
    if texts is None:
        links, link_counts = compact_links(article, user)
        claims = compact_claims(article.pk, user, state, link_counts=link_counts, body=article.body, **options)
        texts = (_COMPACT_JSON.encode(claims), _COMPACT_JSON.encode(links))
        cache.set(name, texts, COMPACT_CACHE_SECONDS)
    return texts


# JSON without separator spaces, like json.dumps(..., separators=(",", ":")), the same bytes; made once, and without
# the check for containers holding themselves (values rows and lookup tables cannot): a sixth less time for the
# reader's 250 KB.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def compact_claims(
    article_pk: int,
    user,
    state: dict,
    *,
    omit=(),
    link_counts: dict | None = None,
    body: str | None = None,
    speaker_fields=SPEAKER_FIELDS[1:],
    tail=(),
    shared=(),
) -> dict:
    """The article's live claims as columns and rows, with speakers, users, tags and verdicts by id in lookup
    tables (no string repeated), built from values_list() rows in a fixed number of queries.

    `state`: compact_state's, read before (the tag names come from it).
    `omit`: columns of COMPACT_COLUMNS left out (the computed ones are always sent).
    `link_counts` (claim id -> live links touching it) when the caller has the links already (the reader).
    `body`: the article's text, which the client has too (the reader): a quote that reads exactly
    body[start:end] is sent as null (`quotes_from_body`), to be taken from the text.
    `tail`: columns sent last, in this order, each left off the end of a row while it holds the column's most
    common value, sent once in `defaults` (trimmed_rows).
    `shared`: speaker fields whose texts speakers share, each text sent once in `speaker_texts[field]` and a
    speaker's value as its index there.
    """
    columns = [(name, source) for name, source in COMPACT_COLUMNS if name not in omit]
    names = [name for name, _ in columns]
    # The row's own columns first, in order (a row is sent as its first `width` values), then the lookups'.
    fields = [source for _, source in columns]
    lookups = (*(f"speaker__{name}" for name in speaker_fields), *_LOOKUP_FIELDS)
    extra = [name for name in ("id", "start", "end", "quote", "speaker_id", "created_by_id", *lookups)
             if name not in fields]  # fmt: skip
    at = {name: index for index, name in enumerate([*fields, *extra]) if isinstance(name, str)}
    rows = article_rows(_compact_rows, article_pk, (*fields, *extra))
    all_names = state_tag_names(state)
    tag_names: dict[int, str] = {}
    tag_lists: dict[str | None, list[int]] = {None: [], "": []}  # a row's tag ids ("7,3") -> sorted by name
    if link_counts is None:
        link_counts = _live_link_counts(article_pk)
    verdict_actions = VerdictActions(user)
    # Published verdict, status and verdict step per claim with a verdict (a few); the others share "No verdict"'s.
    steps = {}
    for claim_id, claim_verdicts in article_verdicts(article_pk).items():
        status = _status_of(claim_verdicts)
        steps[claim_id] = (published_verdict(claim_verdicts), status.as_dict(), verdict_actions.kind(status))
    no_step = (None, None, verdict_actions.kind(NO_VERDICT))
    # can_edit from the permissions read once: everyone's claims (editors), or the user's own, or none.
    may_change = access.owner_or_editor(user, "articles.change_claim")
    anyone, own, user_pk = may_change(None), may_change(user.pk), user.pk
    width, quote_at = len(fields), names.index("quote") if body is not None and "quote" in names else None
    id_at, start_at, end_at, quote_in = at["id"], at["start"], at["end"], at["quote"]
    speaker_at, user_at, username_at = at["speaker_id"], at["created_by_id"], at["created_by__username"]
    speaker_columns = [at[f"speaker__{name}"] for name in speaker_fields]
    speakers, users, verdicts, out_rows = {}, {}, {}, []
    for row in rows:
        claim_id = row[id_at]
        published, status, step = steps.get(claim_id, no_step)
        verdict_id = published and published["id"]
        claim_tags = tag_lists.get(row[-1])
        if claim_tags is None:  # a set of tags not seen yet in this article (claims share a few dozen)
            claim_tags = sorted((int(tag) for tag in row[-1].split(",")), key=all_names.__getitem__)
            tag_names.update((tag, all_names[tag]) for tag in claim_tags)
            tag_lists[row[-1]] = claim_tags
        # COMPACT_COMPUTED, in order.
        values = [*row[:width], verdict_id, claim_tags, link_counts.get(claim_id, 0),
                  anyone or (own and row[user_at] == user_pk), status, step]  # fmt: skip
        start = row[start_at]
        if quote_at is not None and start is not None and body[start : row[end_at]] == row[quote_in]:
            values[quote_at] = None
        out_rows.append(values)
        speaker_id = row[speaker_at]
        if speaker_id is not None and speaker_id not in speakers:
            speakers[speaker_id] = [row[index] for index in speaker_columns]
        users.setdefault(row[user_at], row[username_at])
        if published is not None:
            verdicts[verdict_id] = {"rating": published["rating"], "headline": published["headline"]}
    reader_pattern, claim_pattern = _url_patterns()
    names += COMPACT_COMPUTED
    compact = {
        "format": COMPACT_FORMAT,
        "article": article_pk,
        "count": len(out_rows),
        "columns": names,
        "quotes_from_body": quote_at is not None,
        "rows": out_rows,
        "speaker_columns": list(speaker_fields),
        "speakers": speakers,
        "users": users,
        "tags": tag_names,
        "verdicts": verdicts,
        "ratings": dict(Verdict.Rating.choices),
        "verdict_actions": {
            kind: {"label": label, "url": pattern} for kind, (label, pattern) in verdict_actions.patterns().items()
        },
        "urls": {
            "claim": claim_pattern,
            "verdict": url_pattern("verdicts:verdict_public"),
        },
    }
    if tail:
        order = [at for at, name in enumerate(names) if name not in tail] + [names.index(name) for name in tail]
        compact["columns"] = [names[at] for at in order]
        compact["rows"], defaults = trimmed_rows(out_rows, order, len(names) - len(tail))
        compact["defaults"] = dict(zip(tail, defaults, strict=True))
    if shared:
        compact["speaker_texts"] = {field: _share(speakers.values(), speaker_fields.index(field)) for field in shared}
    return compact


def trimmed_rows(rows: list, order: list[int], width: int) -> tuple[list, list]:
    """`rows` with their values in `order` (indexes), each leaving off its end the values past the first `width`
    that equal their column's most common value; and those values, the columns' defaults (null for a column
    whose values are all lists or objects: those are never left off). A row has two columns or more
    (itemgetter of one index gives the value, not a tuple), and a column holds one type and null, so that `==`
    never takes 1 for true nor 0 for false."""
    rows = list(map(itemgetter(*order), rows))
    columns = list(zip(*rows, strict=True))[width:] if rows else [()] * (len(order) - width)
    defaults = [_most_common(column) for column in columns]
    tail = tuple(defaults)
    for index, row in enumerate(rows):
        if row[width:] == tail:  # about half the reader's rows
            rows[index] = row[:width]
            continue
        end = len(order)
        while end > width and row[end - 1] == defaults[end - 1 - width]:
            end -= 1
        rows[index] = row[:end]
    return rows, defaults


def _most_common(values: tuple):
    """The most common of these values that is not a list nor an object (the first seen of equals), or null."""
    try:
        counts = Counter(values)
    except TypeError:  # lists or objects among them
        counts = Counter(value for value in values if not isinstance(value, (dict, list)))
    return counts.most_common(1)[0][0] if counts else None


def _share(rows, at: int) -> list[str]:
    """The texts at index `at` of `rows` (lists), each once, in the order first seen; each row's text replaced by
    its index in them (null stays null)."""
    texts: dict[str, int] = {}
    for row in rows:
        if row[at] is not None:
            row[at] = texts.setdefault(row[at], len(texts))
    return list(texts)


def _compact_rows(article_pk: int, fields: tuple):
    """The article's live claims as values_list rows of `fields`, in the text's order, each with, last, its tag ids
    ("3,7": the names come from the state, no query of their own)."""
    live = Claim.objects.live().filter(article_id=article_pk)
    tag_ids = Claim.tags.through.objects.filter(claim_id=OuterRef("pk")).order_by()
    return live.order_by("start", "end", "id").values_list(*fields, Subquery(tag_ids.values(ids=_IdList("tag_id"))))


def _live_link_counts(article_pk: int) -> Counter:
    """How many live links (both ends live) touch each of the article's live claims, from one statement."""
    return Counter(claim_id for (claim_id,) in _article_statement_rows(_live_link_ends_sql, article_pk))


@functools.cache
def _live_link_ends_sql(vendor: str) -> str:
    """The article's live claims' id once per live link touching them: each end through its own index (a UNION
    ALL, not an OR), found from the article's claims (_of_article_claims)."""
    end = (
        "SELECT l.<near> "
        + _of_article_claims(vendor, "<link> l", "l.<near>", "JOIN <claim> far ON far.id = l.<far>", live=True)
        + " AND far.deleted_at IS NULL"
    )
    sql = (
        end.replace("<near>", "from_claim_id").replace("<far>", "to_claim_id")
        + " UNION ALL "
        + end.replace("<near>", "to_claim_id").replace("<far>", "from_claim_id")
    )
    sql = _with_article_claims(vendor, sql)
    return sql.replace("<link>", ClaimLink._meta.db_table).replace("<claim>", Claim._meta.db_table)


def _article_statement_rows(make_sql, article_pk: int) -> list[tuple]:
    """The rows of make_sql(vendor)'s statement, whose parameters are all the article's id."""
    connection = connections[Claim.objects.db]
    sql = make_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [article_pk] * sql.count("%s"))
        return cursor.fetchall()


def expand_compact(compact: dict, body: str | None = None) -> list[dict]:
    """The claims of a compact form as the API's claim dicts (READER_CLAIM_FIELDS and any extra column): the
    reference for reader/store.js's expandClaims, and a ready decoder for Python clients. `body`: the article's
    text, for a form with `quotes_from_body` (the reader's)."""
    claims = []
    for values in compact["rows"]:
        claim = dict(_with_defaults(compact["columns"], values, compact.get("defaults")))
        if compact.get("quotes_from_body") and claim["quote"] is None:
            claim["quote"] = body[claim["start"] : claim["end"]]
        claim["article"] = compact["article"]
        if claim["speaker"] is not None:
            speaker = dict(zip(compact["speaker_columns"], _lookup(compact["speakers"], claim["speaker"]), strict=True))
            for field, texts in compact.get("speaker_texts", {}).items():
                speaker[field] = None if speaker[field] is None else texts[speaker[field]]
            claim["speaker"] = speaker_dict(
                {"speaker_id": claim["speaker"], **{f"speaker__{n}": speaker.get(n) for n in SPEAKER_FIELDS[1:]}}
            )
        claim["tags"] = [_lookup(compact["tags"], tag) for tag in claim["tags"]]
        claim["created_by"] = _lookup(compact["users"], claim["created_by"])
        verdict_id = claim["verdict"]
        if verdict_id is not None:
            verdict = _lookup(compact["verdicts"], verdict_id)
            claim["verdict"] = {
                "id": verdict_id,
                "rating": verdict["rating"],
                "rating_label": compact["ratings"].get(verdict["rating"], verdict["rating"]),
                "headline": verdict["headline"],
                "url": compact["urls"]["verdict"].format(verdict_id),
            }
        if "status" in claim:
            claim["status"] = claim["status"] or NO_VERDICT.as_dict()
        if "verdict_action" in claim:
            claim["verdict_action"] = _verdict_action(compact, claim)
        claim["deleted"] = False
        claim["url"] = compact["urls"]["claim"].format(claim["id"])
        claims.append(claim)
    return claims


def _verdict_action(compact: dict, claim: dict) -> dict | None:
    kind = claim["verdict_action"]
    if kind is None:
        return None
    action = compact["verdict_actions"][kind]
    return {
        "label": action["label"],
        "url": action["url"].format(claim["id"] if kind == "write" else claim["status"]["verdict"]),
    }


def _with_defaults(columns: list, values, defaults: dict | None):
    """(column, value) pairs of a row of trimmed_rows: past its end, each column's default."""
    for at, column in enumerate(columns):
        yield column, values[at] if at < len(values) else defaults[column]


def _lookup(table: dict, key):
    """A lookup table's entry by id, whether the table came from JSON (string keys) or not."""
    return table[str(key)] if str(key) in table else table[key]


# A link in the reader's compact form (not when it was made: the cards do not show it), its relation and author as
# indexes in `relations` and `users`, and the far end (a claim in another article) of one: without its summary,
# which the cards do not show for a linked claim (null when expanded). The columns after the first LINK_WIDTH and
# END_WIDTH are left off a row's end while they hold their most common value (trimmed_rows): no note, not
# deletable, anchored.
COMPACT_LINK_COLUMNS = ("id", "from_claim", "to_claim", "relation", "created_by", "note", "can_delete")
COMPACT_END_COLUMNS = ("article", "quote", "speaker", "anchor_state")
LINK_WIDTH, END_WIDTH = 5, 3


def compact_links(article, user) -> tuple[dict, Counter]:
    """The reader's links (the live links touching the article's claims: both ends live, oldest first) in compact
    form, and how many of them touch each of the article's claims.

    Built from one statement's rows (_reader_links_sql): an end in this article is its id alone (the reader has it
    as a claim); each end in another article is sent once in `ends`, in the order of their ids, and each article's
    title and outlet (an index in `sources`) once in `articles`. expand_compact_links (and reader/store.js's
    expandLinks) turn it back into LinkSerializer's dicts; a test keeps both equal.
    """
    here = article.pk
    rows = _article_statement_rows(_reader_links_sql, here)
    may_delete = access.owner_or_editor(user, "articles.delete_claimlink")
    counts: Counter = Counter()
    far: dict[int, tuple] = {}  # claim id -> its article, quote, speaker, anchor state, article title, outlet
    relations = {relation: at for at, relation in enumerate(ClaimLink.Relation.values)}
    users: dict[str, int] = {}
    compact_rows = []
    for link_id, from_id, to_id, from_article, to_article, relation, note, username, created_by_id, *end in rows:
        author = users.setdefault(username, len(users))
        compact_rows.append([link_id, from_id, to_id, relations[relation], author, note, may_delete(created_by_id)])
        if from_article == here:
            counts[from_id] += 1
        else:
            far[from_id] = (from_article, *end)
        if to_article == here:
            counts[to_id] += 1
        else:
            far[to_id] = (to_article, *end)
    articles = {here: [article.title, article.source.name if article.source_id else None]}
    ids, end_rows = sorted(far), []
    for claim_id in ids:
        article_id, quote, speaker, anchor_state, title, source = far[claim_id]
        end_rows.append([article_id, quote, speaker, anchor_state])
        articles.setdefault(article_id, [title, source])
    link_order, end_order = range(len(COMPACT_LINK_COLUMNS)), range(len(COMPACT_END_COLUMNS))
    compact_rows, link_defaults = trimmed_rows(compact_rows, link_order, LINK_WIDTH)
    end_rows, end_defaults = trimmed_rows(end_rows, end_order, END_WIDTH)
    reader_pattern, claim_pattern = _url_patterns()
    compact = {
        "columns": list(COMPACT_LINK_COLUMNS),
        "rows": compact_rows,
        "defaults": dict(zip(COMPACT_LINK_COLUMNS[LINK_WIDTH:], link_defaults, strict=True)),
        "relations": list(relations),
        "users": list(users),
        "end_columns": list(COMPACT_END_COLUMNS),
        "ends": dict(zip(ids, end_rows, strict=True)),
        "end_defaults": dict(zip(COMPACT_END_COLUMNS[END_WIDTH:], end_defaults, strict=True)),
        "sources": _share(articles.values(), 1),  # outlets each once (an outlet has many articles)
        "articles": articles,
        "urls": {"reader": reader_pattern, "claim": claim_pattern},
    }
    return compact, counts


@functools.cache
def _reader_links_sql(vendor: str) -> str:
    """compact_links' statement, made once per database vendor: the live links touching the article's claims,
    oldest first, each with both ends' articles, its author's name, and its far end's quote, speaker's name,
    anchor state, article title and outlet (the far end: the end in another article; for a link between two of
    this article's claims, read and not used).

    One statement where there were two (the links, then their far ends found again through the article's
    claims): the far end is whichever end is not in this article, so its columns are a CASE on the two claims
    the links' rows join anyway, and its article and speaker are joined on that CASE. The ORM cannot join on an
    expression; both ends' articles, speakers and outlets joined apart were 12 tables, past PostgreSQL's
    join-order search. The links are found through the claims' ids (index on each link end, _of_article_claims),
    as a UNION, not an OR: PostgreSQL reads every link for "from IN (...) OR to IN (...)".
    Parameters: the article's id, as many as it has "%s".
    """
    far = "CASE WHEN f.article_id = %s THEN t.<column> ELSE f.<column> END"
    sql = (
        "SELECT l.id, l.from_claim_id, l.to_claim_id, f.article_id, t.article_id, l.relation, l.note, u.<username>,"
        " l.created_by_id, <far_quote>, s.name, <far_anchor_state>, a.title, o.name"
        " FROM <link> l JOIN <claim> f ON f.id = l.from_claim_id JOIN <claim> t ON t.id = l.to_claim_id"
        " JOIN <user> u ON u.id = l.created_by_id JOIN <article> a ON a.id = <far_article>"
        " LEFT JOIN <speaker> s ON s.id = <far_speaker> LEFT JOIN <source> o ON o.id = a.source_id"
        " WHERE l.id IN (SELECT x.id <from_here> UNION SELECT x.id <to_here>)"
        " AND f.deleted_at IS NULL AND t.deleted_at IS NULL ORDER BY l.id"
    )
    sql = _with_article_claims(vendor, sql)
    user_model = get_user_model()
    names = {
        "<far_quote>": far.replace("<column>", "quote"),
        "<far_anchor_state>": far.replace("<column>", "anchor_state"),
        "<far_article>": far.replace("<column>", "article_id"),
        "<far_speaker>": far.replace("<column>", "speaker_id"),
        "<from_here>": _of_article_claims(vendor, "<link> x", "x.from_claim_id"),
        "<to_here>": _of_article_claims(vendor, "<link> x", "x.to_claim_id"),
        "<username>": user_model._meta.get_field(user_model.USERNAME_FIELD).column,
        "<link>": ClaimLink._meta.db_table,
        "<claim>": Claim._meta.db_table,
        "<user>": user_model._meta.db_table,
        "<article>": Article._meta.db_table,
        "<speaker>": Claim._meta.get_field("speaker").related_model._meta.db_table,
        "<source>": Article._meta.get_field("source").related_model._meta.db_table,
    }
    for name, text in names.items():  # in order: a replacement may hold later names
        sql = sql.replace(name, text)
    return sql


def expand_compact_links(compact: dict, claims: list[dict], relations: dict) -> list[dict]:
    """The links of compact_links as LinkSerializer's dicts, given the article's expanded claims and the relation
    labels: the reference for reader/store.js's expandLinks."""
    by_id = {claim["id"]: claim for claim in claims}
    urls = compact["urls"]

    def end(claim_id: int) -> dict:
        if claim_id in by_id:
            claim = by_id[claim_id]
            values = {name: claim[name] for name in ("article", "quote", "summary", "anchor_state")}
            values["speaker"] = claim["speaker"]["name"] if claim["speaker"] else None
        else:
            far = _lookup(compact["ends"], claim_id)
            values = {"summary": None, **dict(_with_defaults(compact["end_columns"], far, compact["end_defaults"]))}
        title, source = _lookup(compact["articles"], values["article"])
        source = None if source is None else compact["sources"][source]
        return {
            "id": claim_id,
            "article": values["article"],
            "article_title": title,
            "source": source,
            "quote": values["quote"],
            "summary": values["summary"],
            "speaker": values["speaker"],
            "anchor_state": values["anchor_state"],
            "reader_url": urls["reader"].format(values["article"], claim_id),
            "url": urls["claim"].format(claim_id),
        }

    links = []
    for values in compact["rows"]:
        link = dict(_with_defaults(compact["columns"], values, compact["defaults"]))
        link["relation"] = compact["relations"][link["relation"]]
        link["created_by"] = compact["users"][link["created_by"]]
        link["from_claim"], link["to_claim"] = end(link["from_claim"]), end(link["to_claim"])
        link["relation_label"] = relations.get(link["relation"], link["relation"])
        links.append(link)
    return links


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
