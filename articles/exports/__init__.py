"""Exports of claims: one streaming writer per format, and the admin actions that use them.

Formats (FORMATS below): CSV for spreadsheets, JSON Lines for researchers and for moving data
between instances (import_claims reads it back), W3C Web Annotation (JSON-LD) for other annotation
tools, and schema.org ClaimReview for published verdicts.

Every writer takes a queryset of claims (already narrowed by the caller's FilterSet) and yields text.
It never loads the whole selection: it walks the claims in keyset-paginated chunks ordered by id
(the ids `WHERE id > last ORDER BY id LIMIT n`, then their rows) and loads what each chunk needs (tags,
links, verdicts, evidence, articles) in a fixed number of queries per chunk, as plain values rather than model
instances, each query compiled once and run again with the next chunk's ids (_Statement). Memory therefore
stays flat however many claims are exported, and the first bytes go out before the database has been read to
the end.

What is exported is what every logged-in user may read: live claims only (deleted claims and links
touching them never appear) and every verdict state. Callers require a login.
"""

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from articles.exports import sqljson
from articles.filters import ArticleFilter, ClaimFilter
from articles.models import Article, Claim, ClaimLink, Comment, Evidence, Verdict
from articles.queries import CLAIM_SPAN_FIELDS, SPEAKER_FIELDS, shown

CHUNK_SIZE = 2000
# Article records carry the full text (and the raw original), so they are fetched in small batches.
ARTICLE_CHUNK_SIZE = 100
JSONL_FORMAT_NAME = "factcheck-desk.claims"
JSONL_FORMAT_VERSION = 1

Progress = Callable[[int], None] | None


# ---------------------------------------------------------------- URLs


def _url_affixes(site_url: str, name: str) -> tuple[str, str]:
    """What comes before and after the pk in the absolute URL of one URL pattern (reverse() once)."""
    sentinel = 918273645
    prefix, suffix = reverse(name, args=[sentinel]).split(str(sentinel))
    return site_url.rstrip("/") + prefix, suffix


def _url_maker(site_url: str, name: str) -> Callable[[int], str]:
    """A fast pk -> absolute URL function for one URL pattern (reverse() once, not once per row)."""
    base, suffix = _url_affixes(site_url, name)
    return lambda pk: f"{base}{pk}{suffix}"


# Where links point when neither FACTCHECK_SITE_URL nor a request says (e.g. the command, unconfigured).
FALLBACK_SITE_URL = "http://127.0.0.1:8000"


def site_address(site_url: str | None = None) -> str:
    """The site's absolute base: `site_url` if given, else FACTCHECK_SITE_URL, else the fallback."""
    return (site_url or settings.FACTCHECK_SITE_URL or FALLBACK_SITE_URL).rstrip("/")


@dataclass(frozen=True)
class Urls:
    site: str
    claim: Callable[[int], str]
    article: Callable[[int], str]
    verdict: Callable[[int], str]
    claim_affixes: tuple[str, str]  # for the database to write claim URLs (sqljson.claim_head)

    @classmethod
    def for_site(cls, site_url: str | None = None) -> "Urls":
        site = site_address(site_url)
        return cls(
            site=site,
            claim=_url_maker(site, "articles:claim_detail"),
            article=_url_maker(site, "articles:article_detail"),
            verdict=_url_maker(site, "verdicts:verdict_public"),
            claim_affixes=_url_affixes(site, "articles:claim_detail"),
        )

    def public_verdict(self, verdict: dict) -> str | None:
        """The public page of a verdict row, None when it has none (Verdict.PUBLIC_STATES)."""
        return self.verdict(verdict["id"]) if verdict["state"] in Verdict.PUBLIC_STATES else None


RATING_LABELS = dict(Verdict.Rating.choices)
RELATION_INVERSE = {
    ClaimLink.Relation.CONTRADICTS: "contradicted_by",
    ClaimLink.Relation.SUPPORTS: "supported_by",
    ClaimLink.Relation.SAME_CLAIM: "same_claim",
    ClaimLink.Relation.RESPONDS_TO: "responded_to_by",
    ClaimLink.Relation.CITES: "cited_by",
}


def _iso(value) -> str | None:
    """ISO 8601 text of a date or a date-time, as the database driver returned it.

    Rows are read without Django's converters (see _fetch): PostgreSQL gives aware date-times in UTC,
    SQLite naive ones that hold UTC (Django stores them so). Both come out as an aware
    datetime.isoformat() would write them, e.g. 2025-03-04T10:00:00.500000+00:00.
    """
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.isoformat() + "+00:00"
    return value.isoformat()


def _fetch(queryset) -> list[dict]:
    """The rows of a values() queryset as dicts, read with the driver's own types.

    Django's per-value converters (parsing every date-time of every row) were most of an export's
    time; the ORM still builds the query (filters, joins), only the conversion is skipped, and _iso
    formats what the driver returns.
    """
    names = [*queryset.query.values_select, *queryset.query.annotation_select]
    return [dict(zip(names, row, strict=True)) for row in _fetch_tuples(queryset)]


def _fetch_tuples(queryset) -> list[tuple]:
    """The rows of a values() queryset as the driver's tuples (see _fetch), for loops that unpack them."""
    statement = _compiled(queryset)
    return _run(queryset.db, *statement) if statement else []


def _compiled(queryset) -> tuple[str, tuple] | None:
    """The SQL and parameters of a queryset; None when the ORM knows it selects nothing."""
    try:
        return queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return None


def _run(db: str, sql: str, params) -> list[tuple]:
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Stand-ins for the numbers a _Statement takes, far below any id.
_STAND_INS = tuple(-(2**62) - n for n in range(1, 4))


class _Statement:
    """A values() query run over and over with other numbers (a chunk's first and last id, a keyset bound): built and
    compiled by the ORM once, then executed with the numbers in the stand-ins' places. Building and compiling a
    query costs 0.1-0.4 ms of Python, and an export runs up to seven per chunk of claims.

    `queryset_for(*numbers)` builds the query. It is built once with stand-ins, at the first call; that call checks
    that the numbers in the stand-ins' places give exactly the SQL and parameters the ORM writes for them. A query
    that fails the check (a stand-in's value among a filter's own, say) is built anew for every call instead.
    """

    def __init__(self, queryset_for: Callable[..., QuerySet]):
        self.queryset_for = queryset_for
        self.names: list[str] = []  # the values() names, for dicts()
        self.template: tuple | None = None  # (database, sql, params, stand-in positions) once checked and reusable
        self.checked = False

    def tuples(self, *numbers: int) -> list[tuple]:
        if not self.checked:
            return self._check(numbers)
        if self.template is None:
            return _fetch_tuples(self.queryset_for(*numbers))
        db, sql, params, positions = self.template
        return _run(db, sql, self._filled(params, positions, numbers))

    def dicts(self, *numbers: int) -> list[dict]:
        return [dict(zip(self.names, row, strict=True)) for row in self.tuples(*numbers)]

    @staticmethod
    def _filled(params, positions, numbers) -> list:
        params = list(params)
        for position, which in positions:
            params[position] = type(params[position])(numbers[which])  # the ORM's own integer type (psycopg's Int8)
        return params

    def _check(self, numbers: tuple[int, ...]) -> list[tuple]:
        stand_ins = _STAND_INS[: len(numbers)]
        real_query = self.queryset_for(*numbers)
        self.names = [*real_query.query.values_select, *real_query.query.annotation_select]
        template, real = _compiled(self.queryset_for(*stand_ins)), _compiled(real_query)
        if template is not None and real is not None:
            sql, params = template
            positions = [(index, stand_ins.index(value)) for index, value in enumerate(params) if value in stand_ins]
            if (sql, self._filled(params, positions, numbers)) == (real[0], list(real[1])):
                self.template = (real_query.db, sql, tuple(params), positions)
        self.checked = True
        return _run(real_query.db, *real) if real else []


def claim_key(content_hash: str, start, end, created_at) -> str:
    """A claim's identity across instances: its article's text hash, its span and its creation time.

    Ids differ between instances; this key does not, so links and repeated imports find the claim.
    """
    return claim_key_from_text(content_hash, start, end, _iso(created_at))


def claim_key_from_text(content_hash: str, start, end, created_text: str) -> str:
    """claim_key with the creation time already as _iso writes it (an import reads that text from the file)."""
    span = "" if start is None else f"{start}-{end}"
    return f"{content_hash}:{span}:{created_text}"


# ---------------------------------------------------------------- chunked reading


# The claim's own columns under the names the reader and the API use (queries.CLAIM_SPAN_FIELDS, SPEAKER_FIELDS).
CLAIM_FIELDS = (
    "id", "article_id", "article__title", "article__source__name", "article__url", "article__published",
    "article__content_hash", *CLAIM_SPAN_FIELDS, "anchor_state", "speaker_id",
    *(f"speaker__{name}" for name in SPEAKER_FIELDS[1:]), "summary", "created_by__username",
    "created_at", "updated_at",
)  # fmt: skip
VERDICT_FIELDS = (
    "id", "claim_id", "rating", "headline", "explanation", "state", "author__username", "editor__username",
    "assigned_to__username", "corrects_id", "correction_note", "submitted_at", "approved_at", "published_at",
    "created_at", "updated_at",
)  # fmt: skip
LINK_FIELDS = ("id", "from_claim_id", "to_claim_id", "relation", "note", "created_by__username", "created_at")
ARTICLE_FIELDS = (
    "id", "title", "source__name", "source__homepage", "url", "byline", "published", "language", "body", "raw",
    "raw_format", "content_hash", "added_by__username", "created_at", "updated_at",
)  # fmt: skip


def live_claims(claims: QuerySet) -> QuerySet:
    """The claims an export may contain: never deleted ones, whatever the caller passed."""
    return claims.filter(deleted_at__isnull=True)


def claim_chunks(
    claims: QuerySet, *, chunk_size: int = CHUNK_SIZE, fields: tuple[str, ...] = CLAIM_FIELDS, **expressions
) -> Iterator[list[dict]]:
    """The claims' rows (`fields`, CLAIM_FIELDS by default, and any named `expressions` computed by the
    database) in id order, chunk by chunk, one keyset query per chunk."""
    names = [*fields, *expressions]
    for rows in claim_tuple_chunks(claims, chunk_size=chunk_size, fields=fields, **expressions):
        yield [dict(zip(names, row, strict=True)) for row in rows]


def claim_tuple_chunks(
    claims: QuerySet, *, chunk_size: int, fields: tuple[str, ...], **expressions
) -> Iterator[list[tuple]]:
    """claim_chunks' rows as the driver's tuples (`fields` first, "id" the first of them), for loops that unpack them.

    Each chunk's ids are picked first, in a subquery of the ids alone, and only those rows are joined and written:
    when PostgreSQL's statistics do not know a filter's value yet (a tag just imported), its planner otherwise joins
    and sorts every selected claim for each chunk (server CPU 1.1 -> 0.6 s on the peers' 20,000 claims).
    """
    selected = live_claims(claims).order_by("pk")
    rows_query = claims.model.objects.order_by("pk").values(*fields, **expressions)
    chunk_after = _Statement(
        lambda last: rows_query.filter(pk__in=selected.filter(pk__gt=last).values("pk")[:chunk_size])
    )
    last = 0
    while True:
        rows = chunk_after.tuples(last)
        if not rows:
            return
        yield rows
        if len(rows) < chunk_size:
            return
        last = rows[-1][0]


@dataclass
class Related:
    """What a chunk of claims refers to, each loaded in one query for the whole chunk."""

    tags: dict[int, list[str]]
    links: dict[int, list[tuple]]  # (other claim id, "out" or "in" from this claim's side, link row)
    verdicts: dict[int, list[dict]]
    evidence: dict[int, list[dict]]
    # Comment rows by the claim they are on, and by the verdict they are on (_comments_by_claim).
    claim_comments: dict[int, list[dict]] = field(default_factory=dict)
    verdict_comments: dict[int, list[dict]] = field(default_factory=dict)


def _dense(ids: list[int]) -> bool:
    return ids[-1] - ids[0] < 2 * len(ids)


def _between(field: str, first: int, last: int) -> Q:
    return Q(**{f"{field}__gte": first, f"{field}__lte": last})


class _ChunkQuery:
    """A query of what a chunk of claims refers to: `queryset_for(among)`, where `among(field)` is a claim id
    column among the chunk's ids (sorted), as cheaply as the database can be asked.

    A dense chunk (a full export, or a filter that keeps most claims) is a range of two parameters, one _Statement
    compiled once per process; readers then drop the few rows of claims outside the chunk. A sparse chunk is an IN
    list, which costs Django some microseconds per id to build but never reads rows of unselected claims.
    """

    def __init__(self, queryset_for: Callable[[Callable[[str], Q]], QuerySet]):
        self.queryset_for = queryset_for
        self.in_range = _Statement(lambda first, last: queryset_for(lambda field: _between(field, first, last)))

    def tuples(self, ids: list[int]) -> list[tuple]:
        if _dense(ids):
            return self.in_range.tuples(ids[0], ids[-1])
        return _fetch_tuples(self._among_list(ids))

    def dicts(self, ids: list[int]) -> list[dict]:
        if _dense(ids):
            return self.in_range.dicts(ids[0], ids[-1])
        return _fetch(self._among_list(ids))

    def _among_list(self, ids: list[int]) -> QuerySet:
        """The query for a sparse chunk: built for its ids, an IN list (not compiled once: its length varies)."""
        return self.queryset_for(lambda field: Q(**{f"{field}__in": ids}))


class _AmongIdList(Func):
    """`column` among a list of ids passed as one parameter: a JSON array read by json_each on SQLite, a bigint
    array on PostgreSQL (queries._AmongIds is its twin for ids a subquery gives). `column__in=ids` makes Django
    write a placeholder and convert a value per id, for the some 1,600 ends of a chunk's links."""

    output_field = BooleanField()

    def __init__(self, column: str, ids: list[int]):
        super().__init__(F(column))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra_context):
        column_sql, params = compiler.compile(self.get_source_expressions()[0])
        if connection.vendor == "postgresql":
            return f"{column_sql} = ANY(%s::bigint[])", (*params, self.ids)
        return f"{column_sql} IN (SELECT value FROM json_each(%s))", (*params, json.dumps(self.ids))  # noqa: S608


_TAGS = _ChunkQuery(lambda among: Claim.tags.through.objects.filter(among("claim_id")).values("claim_id", "tag__name"))


def _tags_by_claim(ids: list[int]) -> dict[int, list[str]]:
    """Tag names per claim, sorted. Read without converters, sorted here."""
    tags = defaultdict(list)
    wanted = set(ids)
    for claim_id, name in _TAGS.tuples(ids):
        if claim_id in wanted:
            tags[claim_id].append(name)
    for names in tags.values():
        if len(names) > 1:
            names.sort()
    return tags


_OUTGOING_LINKS = _ChunkQuery(lambda among: ClaimLink.objects.filter(among("from_claim_id")).values(*LINK_FIELDS))
_LINKS = _ChunkQuery(
    lambda among: ClaimLink.objects.filter(among("from_claim_id") | among("to_claim_id")).values(*LINK_FIELDS)
)


def _links_by_claim(ids: list[int], *, outgoing_only: bool = False, keys: bool = False) -> dict[int, list[tuple]]:
    """The links touching the chunk whose both ends are live, as (other claim id, "out"|"in", link row) per claim.

    Two queries: the links, then their ends (live ones only, with their keys when `keys`). One
    query joining the links to both claims and their articles made PostgreSQL scan every claim per chunk.
    With `keys` each link row gets "from_claim_key" and "to_claim_key" (claim_key of each end).
    """
    wanted = set(ids)
    rows = [
        link
        for link in (_OUTGOING_LINKS if outgoing_only else _LINKS).dicts(ids)
        if link["from_claim_id"] in wanted or (not outgoing_only and link["to_claim_id"] in wanted)
    ]
    if not rows:
        return {}
    ends = {link["from_claim_id"] for link in rows} | {link["to_claim_id"] for link in rows}
    live_ends = Claim.objects.filter(_AmongIdList("id", sorted(ends)), deleted_at__isnull=True).order_by()
    if keys:  # written by the database (claim_key in SQL): no date parsed and formatted again per end
        end_keys = dict(_fetch_tuples(live_ends.values("id", key=sqljson.claim_key_text())))
    else:
        end_keys = dict.fromkeys(end_id for (end_id,) in _fetch_tuples(live_ends.values("id")))
    links = defaultdict(list)
    for link in rows:
        from_id, to_id = link["from_claim_id"], link["to_claim_id"]
        if from_id not in end_keys or to_id not in end_keys:
            continue
        if keys:
            link["from_claim_key"], link["to_claim_key"] = end_keys[from_id], end_keys[to_id]
        if from_id in wanted:
            links[from_id].append((to_id, "out", link))
        if not outgoing_only and to_id in wanted:
            links[to_id].append((from_id, "in", link))
    # Ordered by the other claim (then relation), not by link id: an import creates links in a
    # different order, and the re-export must still list them identically.
    for entries in links.values():
        if len(entries) > 1:
            entries.sort(key=lambda entry: (entry[0], entry[1], entry[2]["relation"]))
    return links


def _verdicts_query(among, *, rated_only: bool) -> QuerySet:
    query = Verdict.objects.filter(among("claim_id"))
    if rated_only:
        query = query.exclude(rating="")
    return query.order_by("claim_id", "id").values(*VERDICT_FIELDS)


_VERDICTS = _ChunkQuery(lambda among: _verdicts_query(among, rated_only=False))
_RATED_VERDICTS = _ChunkQuery(lambda among: _verdicts_query(among, rated_only=True))


def _reviews_by_claim(ids: list[int], *, rated_only: bool = False) -> dict[int, list[dict]]:
    wanted = set(ids)
    verdicts = defaultdict(list)
    for verdict in (_RATED_VERDICTS if rated_only else _VERDICTS).dicts(ids):
        if verdict["claim_id"] in wanted:
            verdicts[verdict["claim_id"]].append(verdict)
    return verdicts


_EVIDENCE = _ChunkQuery(
    lambda among: (
        Evidence.objects.filter(among("verdict__claim_id"))
        .order_by("verdict_id", "position", "id")
        .values("verdict_id", "url", "title", "note", "position")
    )
)


def _evidence_by_verdict(ids: list[int]) -> dict[int, list[dict]]:
    evidence = defaultdict(list)
    # Evidence of verdicts outside the chunk may come along with a range; nobody looks it up.
    for item in _EVIDENCE.dicts(ids):
        evidence[item["verdict_id"]].append(item)
    return evidence


COMMENT_FIELDS = (
    "id", "claim_id", "verdict_id", "verdict__claim_id", "parent_id", "author__username", "text", "created_at",
    "edited_at", "deleted_at", "resolved_at", "resolved_by__username",
)  # fmt: skip


def exported_comments(claims_q: Q):
    """The comments an export carries for the claims `claims_q` selects (on the claims and on their verdicts):
    what the desk shows (queries.shown), oldest first."""
    return shown(Comment.objects.filter(claims_q)).order_by("id")


_COMMENTS = _ChunkQuery(
    lambda among: exported_comments(among("claim_id") | among("verdict__claim_id")).values(*COMMENT_FIELDS)
)


def _comments_by_claim(ids: list[int]) -> tuple[dict[int, list[dict]], dict[int, list[dict]]]:
    """The chunk's comments in one query: by claim (comments on a claim) and by verdict (on a verdict)."""
    wanted = set(ids)
    on_claims, on_verdicts = defaultdict(list), defaultdict(list)
    for row in _COMMENTS.dicts(ids):
        if row["claim_id"] in wanted:
            on_claims[row["claim_id"]].append(row)
        elif row["verdict__claim_id"] in wanted:
            on_verdicts[row["verdict_id"]].append(row)
    return on_claims, on_verdicts


def load_related(ids: list[int], *, full: bool = False) -> Related:
    """Tags, links and verdicts of a chunk; `full` adds what JSON Lines carries (evidence, link keys, comments)."""
    claim_comments, verdict_comments = _comments_by_claim(ids) if full else ({}, {})
    return Related(
        tags=_tags_by_claim(ids),
        links=_links_by_claim(ids, keys=full),
        verdicts=_reviews_by_claim(ids),
        evidence=_evidence_by_verdict(ids) if full else {},
        claim_comments=claim_comments,
        verdict_comments=verdict_comments,
    )


def current_verdict(verdicts: list[dict]) -> dict | None:
    """The verdict a claim list shows: the published one, else the newest that is not superseded."""
    published = [r for r in verdicts if r["state"] == Verdict.State.PUBLISHED]
    if published:
        return published[0]
    live = [r for r in verdicts if r["state"] != Verdict.State.CORRECTED]
    return live[-1] if live else None


# ---------------------------------------------------------------- CSV

CSV_COLUMNS = (
    "claim_id", "claim_url", "article_id", "article_title", "article_source", "article_url", "article_published",
    *CLAIM_SPAN_FIELDS, "anchor_state", "speaker", "speaker_role", "summary", "tags",
    "links", "verdict_rating", "verdict_state", "verdict_headline", "verdict_url", "created_by", "created_at",
    "updated_at",
)  # fmt: skip
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r")
# A cell can need neutralising only if it starts with one of these (formula, space, newline or ').
RISKY_FIRST = frozenset("=+-@\t\r \n'")


def _looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would run `text`, or when `text` is an already-neutralised such cell."""
    stripped = text.lstrip(" \n")
    if stripped.startswith(FORMULA_STARTERS):
        return True
    # A cell that genuinely starts with ' before a formula gets its own quote too, so reading is exact.
    return text.startswith("'") and _looks_like_formula(text[1:])


def neutralise_cell(text: str) -> str:
    """Prefix one ' to a cell a spreadsheet would run as a formula (spreadsheets show it as text)."""
    if not text or text[0] not in RISKY_FIRST:  # the common case, checked first: exports are hot loops
        return text
    return "'" + text if _looks_like_formula(text) else text


def restore_cell(text: str) -> str:
    """The inverse of neutralise_cell: strip one leading ' when the rest would have needed it."""
    return text[1:] if text.startswith("'") and _looks_like_formula(text[1:]) else text


def read_csv(data: bytes | str | Iterable[str]) -> list[dict[str, str]]:
    """Read an export back exactly: skip the byte-order mark, undo formula neutralisation.

    Every value comes back as the string that was exported (numbers as their digits, empty as "").
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    if isinstance(data, str):
        data = io.StringIO(data.removeprefix("\ufeff"), newline="")
    return [{key: restore_cell(value) for key, value in row.items()} for row in csv.DictReader(data)]


def _link_summary(links: list[tuple]) -> str:
    """'contradicts #12; cited_by #9': outgoing links by relation, incoming by the inverse relation."""
    parts = []
    for other_id, direction, link in links:
        relation = link["relation"] if direction == "out" else RELATION_INVERSE[link["relation"]]
        parts.append(f"{relation} #{other_id}")
    return "; ".join(parts)


def _csv_rows(rows: list[dict], related: Related, urls: Urls) -> Iterator[list]:
    """A chunk's CSV rows (CSV_COLUMNS). The article's and the speaker's cells are the same for each of their
    claims: made once per chunk, not once per claim."""
    # Text that users typed or that came from outside goes through neutralise_cell (n); ids, URLs
    # built here, ISO dates, choice values and the link summary cannot start with a formula character.
    n = neutralise_cell
    articles, speakers = {}, {}
    for claim in rows:
        claim_id = claim["id"]
        article = articles.get(claim["article_id"])
        if article is None:
            article = articles[claim["article_id"]] = (
                n(claim["article__title"]),
                n(claim["article__source__name"] or ""),
                n(claim["article__url"]),
                _iso(claim["article__published"]) or "",
            )
        speaker = speakers.get(claim["speaker_id"])
        if speaker is None:
            speaker = speakers[claim["speaker_id"]] = (
                n(claim["speaker__name"] or ""),
                n(claim["speaker__description"] or ""),
            )
        verdicts = related.verdicts.get(claim_id)
        verdict = current_verdict(verdicts) if verdicts else None
        start = claim["start"]
        yield [
            claim_id,
            urls.claim(claim_id),
            claim["article_id"],
            *article,
            "" if start is None else start,
            "" if start is None else claim["end"],
            n(claim["quote"]),
            n(claim["prefix"]),
            n(claim["suffix"]),
            claim["anchor_state"],
            *speaker,
            n(claim["summary"]),
            n("; ".join(related.tags.get(claim_id, ()))),
            _link_summary(related.links.get(claim_id, ())),
            RATING_LABELS.get(verdict["rating"], "") if verdict else "",
            verdict["state"] if verdict else "",
            n(verdict["headline"]) if verdict else "",
            (urls.public_verdict(verdict) or "") if verdict else "",
            n(claim["created_by__username"]),
            _iso(claim["created_at"]),
            _iso(claim["updated_at"]),
        ]


def write_csv(
    claims: QuerySet, *, site_url: str | None = None, chunk_size: int = CHUNK_SIZE, progress: Progress = None, **_
) -> Iterator[str]:
    """RFC 4180 CSV (CRLF, quoted as needed), UTF-8 with a byte-order mark, one row per claim."""
    urls = Urls.for_site(site_url)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for rows in claim_chunks(claims, chunk_size=chunk_size):
        related = load_related([row["id"] for row in rows])
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(_csv_rows(rows, related, urls))
        yield buffer.getvalue()
        if progress:
            progress(len(rows))


# ---------------------------------------------------------------- desk CSV (for people, not programs)

DESK_CSV_COLUMNS = (
    "Claim", "Speaker", "Article", "Outlet", "Published", "Added", "Verdict state", "Rating", "Links", "Tags", "URL",
)  # fmt: skip
STATE_LABELS = dict(Verdict.State.choices)
# How a link reads from each end, in words: "A supports B" reads "supports" from A, "supported by" from B.
RELATION_WORDS = {value: label for value, label in ClaimLink.Relation.choices}
RELATION_WORDS_INVERSE = {
    ClaimLink.Relation.CONTRADICTS: "contradicts",
    ClaimLink.Relation.SUPPORTS: "supported by",
    ClaimLink.Relation.SAME_CLAIM: "same claim as",
    ClaimLink.Relation.RESPONDS_TO: "responded to by",
    ClaimLink.Relation.CITES: "cited by",
}
LINK_QUOTE_CHARS = 60
# Spreadsheets (LibreOffice, Excel, Google Sheets) read this as a date-time in any locale.
SPREADSHEET_DATETIME = "%Y-%m-%d %H:%M"


def _desk_time(value) -> str:
    """A stored date-time as "YYYY-MM-DD HH:MM" in the desk's time zone (settings.TIME_ZONE).

    The driver returns UTC: aware from PostgreSQL, naive from SQLite (see _iso).
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime(SPREADSHEET_DATETIME)


def _short_quote(quote: str) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= LINK_QUOTE_CHARS else quote[: LINK_QUOTE_CHARS - 1].rstrip() + "…"


def _other_quotes(related: Related) -> dict[int, str]:
    """The quotes of the claims at the far end of the chunk's links, in one query."""
    ids = {other_id for entries in related.links.values() for other_id, _, _ in entries}
    if not ids:
        return {}
    return {row["id"]: row["quote"] for row in _fetch(Claim.objects.filter(pk__in=ids).values("id", "quote"))}


def _link_words(links: list[tuple], quotes: dict[int, str]) -> str:
    """'contradicts: “quote…” (#12); cited by: “…” (#9)': each link read from this claim's side."""
    parts = []
    for other_id, direction, link in links:
        words = RELATION_WORDS if direction == "out" else RELATION_WORDS_INVERSE
        parts.append(f"{words[link['relation']]}: “{_short_quote(quotes.get(other_id, ''))}” (#{other_id})")
    return "; ".join(parts)


def _desk_csv_row(claim: dict, related: Related, quotes: dict[int, str], urls: Urls) -> list:
    n = neutralise_cell
    claim_id = claim["id"]
    verdicts = related.verdicts.get(claim_id)
    verdict = current_verdict(verdicts) if verdicts else None
    speaker = claim["speaker__name"] or ""
    if speaker and claim["speaker__description"]:
        speaker = f"{speaker} ({claim['speaker__description']})"
    published = claim["article__published"]
    return [
        n(claim["quote"]),
        n(speaker),
        n(claim["article__title"]),
        n(claim["article__source__name"] or ""),
        published.isoformat() if published else "",
        _desk_time(claim["created_at"]),
        STATE_LABELS.get(verdict["state"], "") if verdict else "No verdict yet",
        RATING_LABELS.get(verdict["rating"], "") if verdict else "",
        n(_link_words(related.links.get(claim_id, ()), quotes)),
        n(", ".join(related.tags.get(claim_id, ()))),
        urls.claim(claim_id),
    ]


def write_desk_csv(
    claims: QuerySet, *, site_url: str | None = None, chunk_size: int = CHUNK_SIZE, progress: Progress = None, **_
) -> Iterator[str]:
    """The claims as a desk editor reads them: words instead of codes, local times, one row per claim.

    Same CSV dialect as write_csv (RFC 4180, UTF-8 with a byte-order mark, formula cells neutralised);
    read_csv reads it back.
    """
    urls = Urls.for_site(site_url)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(DESK_CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for rows in claim_chunks(claims, chunk_size=chunk_size):
        related = load_related([row["id"] for row in rows])
        quotes = _other_quotes(related)
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(_desk_csv_row(row, related, quotes, urls) for row in rows)
        yield buffer.getvalue()
        if progress:
            progress(len(rows))


# ---------------------------------------------------------------- JSON Lines


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _lines_safe(text: str) -> str:
    """Escape U+2028/U+2029: valid JSON, but some line readers split on them; escaped, a record stays one line."""
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


def _dumps(record: dict) -> str:
    return _lines_safe(_compact(record)) + "\n"


def _article_record(article: dict) -> dict:
    return {
        "type": "article",
        "id": article["id"],
        "title": article["title"],
        "source": (
            {"name": article["source__name"], "homepage": article["source__homepage"]}
            if article["source__name"] is not None
            else None
        ),
        "url": article["url"],
        "byline": article["byline"],
        "published": _iso(article["published"]),
        "language": article["language"],
        "content_hash": article["content_hash"],
        "body": article["body"],
        "raw": article["raw"],
        "raw_format": article["raw_format"],
        "added_by": article["added_by__username"],
        "created_at": _iso(article["created_at"]),
        "updated_at": _iso(article["updated_at"]),
    }


def _article_records(article_ids: Iterable[int]) -> Iterator[str]:
    ids = sorted(article_ids)
    for start in range(0, len(ids), ARTICLE_CHUNK_SIZE):
        batch = Article.objects.filter(pk__in=ids[start : start + ARTICLE_CHUNK_SIZE]).order_by("pk")
        for article in _fetch(batch.values(*ARTICLE_FIELDS)):
            yield _dumps(_article_record(article))


def _link_record(entry: tuple) -> dict:
    other_id, direction, link = entry
    other = "to_claim" if direction == "out" else "from_claim"
    return {
        "direction": direction,
        "relation": link["relation"],
        "claim": other_id,
        "claim_key": link[f"{other}_key"],
        "note": link["note"],
        "created_by": link["created_by__username"],
        "created_at": _iso(link["created_at"]),
    }


def _comment_record(comment: dict) -> dict:
    """A comment in JSON Lines; `parent` is the id of the thread's root in the same list (mentions are read
    again from the text on import). A deleted comment, kept because its thread has replies, has no text."""
    deleted = comment["deleted_at"] is not None
    return {
        "id": comment["id"],
        "parent": comment["parent_id"],
        "author": comment["author__username"],
        "text": "" if deleted else comment["text"],
        "created_at": _iso(comment["created_at"]),
        "edited_at": _iso(comment["edited_at"]),
        "deleted_at": _iso(comment["deleted_at"]),
        "resolved_at": _iso(comment["resolved_at"]),
        "resolved_by": comment["resolved_by__username"],
    }


def _verdict_record(
    verdict: dict, evidence: dict[int, list[dict]], urls: Urls, comments: dict[int, list[dict]] | None = None
) -> dict:
    info = Verdict.RATING_SCALE.get(verdict["rating"])
    return {
        "id": verdict["id"],
        "rating": verdict["rating"],
        "rating_label": info.label if info else "",
        "rating_value": info.value if info else None,
        "headline": verdict["headline"],
        "explanation": verdict["explanation"],
        "state": verdict["state"],
        "url": urls.public_verdict(verdict),
        "author": verdict["author__username"],
        "editor": verdict["editor__username"],
        "assigned_to": verdict["assigned_to__username"],
        "corrects": verdict["corrects_id"],
        "correction_note": verdict["correction_note"],
        "submitted_at": _iso(verdict["submitted_at"]),
        "approved_at": _iso(verdict["approved_at"]),
        "published_at": _iso(verdict["published_at"]),
        "created_at": _iso(verdict["created_at"]),
        "updated_at": _iso(verdict["updated_at"]),
        "evidence": [
            {"url": e["url"], "title": e["title"], "note": e["note"], "position": e["position"]}
            for e in evidence.get(verdict["id"], ())
        ],
        "comments": [_comment_record(c) for c in (comments or {}).get(verdict["id"], ())],
    }


# What a claim line holds after its tags when it has no links, verdicts or comments (most claims).
_NOTHING_RELATED = ',"links":[],"current_verdict":null,"verdicts":[],"comments":[]'
# The C function json.dumps(ensure_ascii=False) writes a str with: tag lists are spliced from its pieces.
_encode_str = json.encoder.encode_basestring


def _claim_lines(rows: list[tuple], articles: dict[int, str], related: Related, urls: Urls) -> str:
    """The chunk's claim records, a line each (rows from _claim_line_chunks). A record: type, id, key, url, article,
    span fields (CLAIM_SPAN_FIELDS), anchor_state, speaker, summary, tags, links, current_verdict, verdicts,
    comments, created_by, created_at, updated_at.

    Written as _compact(record) would write it (import_claims reads it back). The database wrote the text
    up to `"tags":`, its article object apart (`articles`, by id), and from `,"created_by":` to the line's end
    (sqljson: json.dumps of a nested dict per claim was half an export's time); the lists between are spliced in
    here, and the chunk's pieces joined once. A claim with tags but no other list (the peers' workload: every
    claim has one tag) takes the short way.
    """
    pieces = []
    tags_of, links_of, verdicts_of, comments_of = related.tags, related.links, related.verdicts, related.claim_comments
    tag_texts = {(): "[]"}  # each distinct list of tags written once per chunk (most claims share a few)
    for claim_id, article_id, head, body, tail in rows:
        tags = tuple(tags_of.get(claim_id, ()))
        tags_text = tag_texts.get(tags)
        if tags_text is None:
            tags_text = tag_texts[tags] = f"[{','.join(map(_encode_str, tags))}]"
        links, verdicts, comments = links_of.get(claim_id), verdicts_of.get(claim_id), comments_of.get(claim_id)
        if links or verdicts or comments:
            lists = _related_lists(links, verdicts, comments, related, urls)
        else:
            lists = _NOTHING_RELATED
        pieces += (head, articles[article_id], body, tags_text, lists, tail)
    return "".join(pieces)


def _related_lists(links, verdicts, comments, related: Related, urls: Urls) -> str:
    """A claim record's links, current_verdict, verdicts and comments (`,"links":...` to the comments' end)."""
    verdict = current_verdict(verdicts) if verdicts else None

    def verdict_record(row):
        return _verdict_record(row, related.evidence, urls, related.verdict_comments)

    return (
        f',"links":{_records(links, _link_record)}'
        f',"current_verdict":{verdict["id"] if verdict else "null"},"verdicts":{_records(verdicts, verdict_record)}'
        f',"comments":{_records(comments, _comment_record)}'
    )


def _records(rows: list | None, record: Callable) -> str:
    """A list of nested records, encoded; most claims have none, which costs no json.dumps."""
    return _compact([record(row) for row in rows]) if rows else "[]"


def _claim_line_chunks(claims: QuerySet, urls: Urls, *, chunk_size: int) -> Iterator[list[tuple]]:
    """Claim rows for JSON Lines: id, article_id and the record's head, body and tail written by the database."""
    return claim_tuple_chunks(
        claims,
        chunk_size=chunk_size,
        fields=("id", "article_id"),
        head=sqljson.claim_head(*urls.claim_affixes),
        body=sqljson.claim_body(),
        tail=sqljson.claim_tail(),
    )


def _article_objects(article_ids: set[int]) -> dict[int, str]:
    """The chunk's articles as its claim records name them (sqljson.article_object), by id, in one query."""
    ids = sorted(article_ids)
    query = Article.objects.filter(_AmongIdList("id", ids)).order_by().values("id", text=sqljson.article_object())
    return dict(_fetch_tuples(query))


def write_jsonl(
    claims: QuerySet,
    *,
    articles: QuerySet | None = None,
    site_url: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress = None,
    claims_only: bool = False,
    **_,
) -> Iterator[str]:
    """JSON Lines: a header record, then article records and claim records (see import_claims).

    Each article record (with its full text) comes before the first claim that needs it. With
    `articles` (the article-list export) every one of those articles is written, claims or not,
    followed by their live claims; `claims` is then ignored. With `claims_only` no article record is
    written (each claim still names its article: title, URL, text hash): a smaller file, which imports
    into an instance that already holds the articles.
    """
    urls = Urls.for_site(site_url)
    header = {
        "type": "export",
        "format": JSONL_FORMAT_NAME,
        "version": JSONL_FORMAT_VERSION,
        "site": urls.site,
        "exported_at": timezone.now().isoformat(),
    }
    if claims_only:
        header["articles"] = False
    yield _dumps(header)
    seen_articles: set[int] | None = None if claims_only else set()
    if articles is not None and not claims_only:
        for chunk in _article_id_chunks(articles, chunk_size=ARTICLE_CHUNK_SIZE):
            yield from _article_records(chunk)
        claims = Claim.objects.filter(article__in=articles.order_by().values("pk"))
        seen_articles = None  # all written already
    for rows in _claim_line_chunks(claims, urls, chunk_size=chunk_size):
        article_ids = {row[1] for row in rows}
        if seen_articles is not None:
            new = article_ids - seen_articles
            seen_articles |= new
            yield "".join(_article_records(new))
        articles_named = _article_objects(article_ids)
        related = load_related([row[0] for row in rows], full=True)
        yield _lines_safe(_claim_lines(rows, articles_named, related, urls))
        if progress:
            progress(len(rows))


def write_claims_jsonl(claims: QuerySet, **options) -> Iterator[str]:
    """JSON Lines without the article records (their texts): see write_jsonl's `claims_only`."""
    options.pop("articles", None)
    return write_jsonl(claims, claims_only=True, **options)


def claims_of_articles(articles: QuerySet) -> QuerySet:
    """The live claims of a (filtered) article queryset: what an article-list export contains."""
    return Claim.objects.live().filter(article__in=articles.order_by().values("pk"))


def _article_id_chunks(articles: QuerySet, *, chunk_size: int) -> Iterator[list[int]]:
    ids_query = articles.order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(ids_query.filter(pk__gt=last)[:chunk_size])
        if not ids:
            return
        yield ids
        last = ids[-1]


# ---------------------------------------------------------------- W3C Web Annotation

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _text_body(value: str, purpose: str) -> dict:
    return {"type": "TextualBody", "value": value, "format": "text/plain", "purpose": purpose}


def _agent(username: str | None) -> dict | None:
    return {"type": "Person", "nickname": username} if username else None


def _claim_annotation(claim: dict, related: Related, urls: Urls) -> dict:
    """The claim as a highlight of its article's text, with speaker, summary and tags as bodies."""
    body = []
    if claim["speaker_id"] is not None:
        role = claim["speaker__description"]
        body.append(_text_body(f"{claim['speaker__name']} ({role})" if role else claim["speaker__name"], "identifying"))
    if claim["summary"]:
        body.append(_text_body(claim["summary"], "describing"))
    body.extend(_text_body(tag, "tagging") for tag in related.tags.get(claim["id"], ()))
    selectors = [
        {"type": "TextQuoteSelector", "exact": claim["quote"], "prefix": claim["prefix"], "suffix": claim["suffix"]}
    ]
    if claim["start"] is not None:
        selectors.append({"type": "TextPositionSelector", "start": claim["start"], "end": claim["end"]})
    annotation = {
        "@context": ANNO_CONTEXT,
        "id": urls.claim(claim["id"]),
        "type": "Annotation",
        "motivation": "highlighting",
        "creator": _agent(claim["created_by__username"]),
        "created": _iso(claim["created_at"]),
        "modified": _iso(claim["updated_at"]),
        "target": {
            # Offsets count code points in the article text as stored here, which our article page shows.
            "source": urls.article(claim["article_id"]),
            "selector": selectors,
        },
    }
    if claim["article__url"]:
        annotation["target"]["scope"] = iri_to_uri(claim["article__url"])
    if body:
        annotation["body"] = body
    return annotation


def _link_annotation(link: dict, urls: Urls) -> dict:
    body = [_text_body(link["relation"], "linking")]
    if link["note"]:
        body.append(_text_body(link["note"], "commenting"))
    return {
        "@context": ANNO_CONTEXT,
        "id": f"{urls.claim(link['from_claim_id'])}#link-{link['id']}",
        "type": "Annotation",
        "motivation": "linking",
        "creator": _agent(link["created_by__username"]),
        "created": _iso(link["created_at"]),
        "body": body,
        "target": [urls.claim(link["from_claim_id"]), urls.claim(link["to_claim_id"])],
    }


def _verdict_annotation(verdict: dict, evidence: list[dict], urls: Urls) -> dict:
    body = [_text_body(RATING_LABELS[verdict["rating"]], "assessing")]
    if verdict["headline"]:
        body.append(_text_body(verdict["headline"], "describing"))
    if verdict["explanation"]:
        body.append(_text_body(verdict["explanation"], "commenting"))
    body.append(_text_body(f"state: {verdict['state']}", "classifying"))
    body.extend(
        {"type": "SpecificResource", "source": iri_to_uri(item["url"]), "purpose": "linking"} for item in evidence
    )
    annotation = {
        "@context": ANNO_CONTEXT,
        "id": f"{urls.claim(verdict['claim_id'])}#verdict-{verdict['id']}",
        "type": "Annotation",
        "motivation": "assessing",
        "creator": _agent(verdict["author__username"]),
        "created": _iso(verdict["created_at"]),
        "modified": _iso(verdict["updated_at"]),
        "body": body,
        "target": urls.claim(verdict["claim_id"]),
    }
    if public_url := urls.public_verdict(verdict):
        annotation["canonical"] = public_url
    return annotation


def _comment_annotation(comment: dict, urls: Urls) -> dict:
    """A thread's root as a `commenting` annotation on its claim's (or verdict's) annotation; a reply as a
    `replying` annotation on its root's. A deleted root kept for its replies has no body."""
    if comment["claim_id"] is not None:
        on = urls.claim(comment["claim_id"])
    else:
        on = f"{urls.claim(comment['verdict__claim_id'])}#verdict-{comment['verdict_id']}"
    reply = comment["parent_id"] is not None
    motivation = "replying" if reply else "commenting"
    annotation = {
        "@context": ANNO_CONTEXT,
        "id": f"{urls.claim(comment['claim_id'] or comment['verdict__claim_id'])}#comment-{comment['id']}",
        "type": "Annotation",
        "motivation": motivation,
        "creator": _agent(comment["author__username"]),
        "created": _iso(comment["created_at"]),
        "modified": _iso(comment["edited_at"]),
        "target": on if not reply else f"{on.split('#')[0]}#comment-{comment['parent_id']}",
    }
    if comment["deleted_at"] is None:
        body = [_text_body(comment["text"], motivation)]
        if comment["resolved_at"] is not None:
            body.append(_text_body("resolved", "classifying"))
        annotation["body"] = body if len(body) > 1 else body[0]
    return annotation


def _drop_none(annotation: dict) -> dict:
    return {key: value for key, value in annotation.items() if value is not None}


def webannotation_total(claims: QuerySet) -> int:
    """How many annotations write_webannotation emits: claims, their outgoing links, rated verdicts."""
    selected = live_claims(claims).order_by().values("pk")
    return (
        live_claims(claims).count()
        + ClaimLink.objects.filter(from_claim__in=selected, to_claim__deleted_at__isnull=True).count()
        + Verdict.objects.filter(claim__in=selected).exclude(rating="").count()
        + exported_comments(Q(claim__in=selected) | Q(verdict__claim__in=selected)).count()
    )


def write_webannotation(
    claims: QuerySet,
    *,
    collection_id: str | None = None,
    site_url: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress = None,
    **_,
) -> Iterator[str]:
    """One JSON-LD AnnotationCollection whose embedded first (and only) page streams every annotation.

    Each claim is a `highlighting` annotation on its article (TextQuoteSelector + TextPositionSelector);
    each link from an exported claim a `linking` annotation targeting both claims; each rated verdict an
    `assessing` annotation targeting its claim; each comment thread's root a `commenting` annotation targeting
    its claim's (or verdict's) annotation, and each reply a `replying` one targeting the root's. `total` is
    counted when the export starts.
    """
    urls = Urls.for_site(site_url)
    collection_id = collection_id or f"{urls.site}{reverse('exports:claims_webannotation')}"
    page_id = f"{collection_id}#page-1"
    head = {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": "Claims, links and verdicts exported from the fact-check desk",
        "total": webannotation_total(claims),
        "last": page_id,
    }
    # partOf describes the collection (id, label, total), as the W3C model's page examples do.
    part_of = {"id": collection_id, "label": head["label"], "total": head["total"]}
    page_head = {"id": page_id, "type": "AnnotationPage", "partOf": part_of, "startIndex": 0}
    # The JSON is written around the streamed items: the page's closing `]}}` comes at the very end.
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',"first":' + json.dumps(page_head)[:-1] + ',"items":[\n'
    first = True
    for rows in claim_chunks(claims, chunk_size=chunk_size):
        ids = [row["id"] for row in rows]
        tags = _tags_by_claim(ids)
        links = _links_by_claim(ids, outgoing_only=True)
        verdicts = _reviews_by_claim(ids, rated_only=True)
        evidence = _evidence_by_verdict(ids)
        on_claims, on_verdicts = _comments_by_claim(ids)
        verdict_comments = defaultdict(list)  # comments on the claim's verdicts, verdict by verdict
        for verdict_id in sorted(on_verdicts):
            for comment in on_verdicts[verdict_id]:
                verdict_comments[comment["verdict__claim_id"]].append(comment)
        related = Related(tags=tags, links=links, verdicts=verdicts, evidence=evidence)
        items = []
        for row in rows:
            items.append(_claim_annotation(row, related, urls))
            items.extend(_link_annotation(link, urls) for _, _, link in links.get(row["id"], ()))
            items.extend(
                _verdict_annotation(verdict, evidence.get(verdict["id"], []), urls)
                for verdict in verdicts.get(row["id"], ())
            )
            items.extend(_comment_annotation(comment, urls) for comment in on_claims.get(row["id"], ()))
            items.extend(_comment_annotation(comment, urls) for comment in verdict_comments.get(row["id"], ()))
        text = ",\n".join(json.dumps(_drop_none(item), ensure_ascii=False) for item in items)
        yield text if first else ",\n" + text
        first = False
        if progress:
            progress(len(rows))
    yield "\n]}}\n"


# ---------------------------------------------------------------- ClaimReview


def write_claimreview(
    claims: QuerySet,
    *,
    verdicts: QuerySet | None = None,
    site_url: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress = None,
    **_,
) -> Iterator[str]:
    """A schema.org DataFeed of ClaimReview items: the published verdicts of the claims.

    Each item is what the public verdict page carries (articles.claimreview.claimreview_for).
    `verdicts` narrows the verdicts further (the admin action on selected verdicts).
    """
    from articles.exports.claimreview import claimreview_for  # written beside this module; imported when used

    site = site_address(site_url)
    published = Verdict.objects.filter(state=Verdict.State.PUBLISHED)
    if verdicts is not None:
        published = published.filter(pk__in=verdicts.order_by().values("pk"))
    published = published.select_related("claim__article__source", "claim__speaker", "author", "editor")
    yield '{"@context":"https://schema.org","@type":"DataFeed","dataFeedElement":[\n'
    first = True
    for rows in claim_chunks(claims, chunk_size=chunk_size):
        batch = published.filter(claim_id__in=[row["id"] for row in rows]).order_by("claim_id", "id")
        items = []
        for verdict in batch:
            item = dict(claimreview_for(verdict, site_url=site))
            item.pop("@context", None)
            items.append(json.dumps(item, ensure_ascii=False))
        if items:
            yield ("" if first else ",\n") + ",\n".join(items)
            first = False
        if progress:
            progress(len(rows))
    yield "\n]}\n"


# ---------------------------------------------------------------- formats and responses


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    content_type: str
    writer: Callable[..., Iterator[str]]


FORMATS = {
    "csv": ExportFormat("csv", "CSV (spreadsheet)", "csv", "text/csv; charset=utf-8", write_csv),
    "deskcsv": ExportFormat("deskcsv", "Desk CSV (readable)", "desk.csv", "text/csv; charset=utf-8", write_desk_csv),
    "jsonl": ExportFormat("jsonl", "JSON Lines", "jsonl", "application/jsonl; charset=utf-8", write_jsonl),
    "claimsjsonl": ExportFormat(
        "claimsjsonl",
        "JSON Lines, claims only (no article texts)",
        "claims.jsonl",
        "application/jsonl; charset=utf-8",
        write_claims_jsonl,
    ),
    "webannotation": ExportFormat(
        "webannotation",
        "W3C Web Annotation",
        "webannotation.jsonld",
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
        write_webannotation,
    ),
    "claimreview": ExportFormat(
        "claimreview",
        "ClaimReview (schema.org)",
        "claimreview.jsonld",
        "application/ld+json; charset=utf-8",
        write_claimreview,
    ),
}


# ---------------------------------------------------------------- the one entry: prepare, then stream


class InvalidFilters(Exception):
    """The query does not describe a valid filter; the message says which field and why."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors


# What an export starts from: the claim list's filters, or the article list's (their claims are exported).
KINDS = {"claims": (ClaimFilter, Claim.objects.live), "articles": (ArticleFilter, Article.objects.all)}


@dataclass(frozen=True)
class PreparedExport:
    """A validated export, ready to stream: the download view, the API and the command all make one."""

    format: ExportFormat
    claims: QuerySet
    basename: str
    options: dict

    def chunks(self) -> Iterator[str]:
        return self.format.writer(self.claims, **self.options)

    def response(self) -> StreamingHttpResponse:
        """A download that starts at once and streams to the end."""
        response = StreamingHttpResponse(self.chunks(), content_type=self.format.content_type)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="{self.basename}-{stamp}.{self.format.extension}"'
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def prepare(kind: str, fmt: str, query, *, user, path: str, base_url: str = "", **options) -> PreparedExport:
    """Filter the claims (kind "claims") or the articles ("articles") by `query`, as their list does.

    `path` is where the export was asked for (a URL path with its query string): a Web Annotation
    collection is identified by it. `base_url` is the address the request came to ("https://host"):
    links point there unless FACTCHECK_SITE_URL names the site. Raises InvalidFilters before anything
    is streamed.
    """
    options.setdefault("site_url", settings.FACTCHECK_SITE_URL or base_url or None)
    filterset_class, queryset = KINDS[kind]
    filterset = filterset_class(query, queryset=queryset(), request=SimpleNamespace(user=user))
    if not filterset.is_valid():
        raise InvalidFilters(dict(filterset.errors))
    if kind == "articles":
        claims = claims_of_articles(filterset.qs)
        if fmt == "jsonl":
            options["articles"] = filterset.qs
    else:
        claims = filterset.qs
    if fmt == "webannotation":
        options["collection_id"] = site_address(options["site_url"]) + path
    return PreparedExport(FORMATS[fmt], claims, kind, options)


def selected(fmt: str, claims: QuerySet, *, basename: str, **options) -> PreparedExport:
    """An export of claims already chosen (an admin action's selection), not filtered by a query."""
    return PreparedExport(FORMATS[fmt], claims, basename, options)


def export_action(fmt: str):
    """An admin action exporting the selected claims, or the claims of the selected verdicts.

    On verdicts the ClaimReview format keeps to the selected verdicts (those that are published).
    """
    export_format = FORMATS[fmt]

    def action(modeladmin, request, queryset):
        site = settings.FACTCHECK_SITE_URL or request.build_absolute_uri("/")
        # Re-selected by id: the admin's queryset carries list annotations (counts) an export does not want.
        if queryset.model is Verdict:
            claims = Claim.objects.filter(pk__in=queryset.order_by().values("claim_id"))
            return selected(fmt, claims, basename="verdicts", verdicts=queryset, site_url=site).response()
        claims = Claim.objects.filter(pk__in=queryset.order_by().values("pk"))
        return selected(fmt, claims, basename="claims", site_url=site).response()

    action.__name__ = f"export_{fmt}"
    action.short_description = f"Export selected as {export_format.label}"
    action.allowed_permissions = ("view",)
    return action
