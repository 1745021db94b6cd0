"""Restore validated records in bulk: the write side of import_claims (a JSON Lines export read back).

importing/jsonl.py reads and validates every line in memory first, with the same rules the one-at-a-time
services apply (spans, lengths, tags, choices, URLs); this module then writes what it validated in large
batches: users, sources, speakers and tags it lacks, articles, claims with their tags, verdicts with their
evidence, links, and one history row per created record (simple-history's bulk helper, tags included in
the claim's row), each batch in its own transaction.

The rows keep the timestamps they carry (created and updated times as exported): they are inserted
"raw", as loaddata does, so the auto_now fields do not replace them.
"""

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connections, router, transaction
from django.utils import timezone

from articles.models import Article, Claim, ClaimLink, Evidence, Source, Speaker, Tag, Verdict

# Claims per transaction (with their tags, verdicts and history rows).
CLAIM_BATCH = 5000
CHANGE_REASON = "imported"


@dataclass
class NewArticle:
    title: str
    body: str
    content_hash: str
    source: tuple[str, str] | None  # (name, homepage)
    url: str
    byline: str
    published: date | None
    language: str
    raw: str
    raw_format: str
    added_by: str | None
    created_at: datetime
    updated_at: datetime


@dataclass
class NewEvidence:
    url: str
    title: str
    note: str
    position: int


@dataclass
class NewVerdict:
    old_id: int | None  # its id in the file: what a later verdict's `corrects` names
    corrects: int | None  # old id of the verdict this one corrects (listed before it)
    rating: str
    headline: str
    explanation: str
    state: str
    author: str
    editor: str | None
    assigned_to: str | None
    correction_note: str
    submitted_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    evidence: list[NewEvidence] = field(default_factory=list)


@dataclass
class NewClaim:
    key: str
    article_hash: str
    start: int | None
    end: int | None
    quote: str
    prefix: str
    suffix: str
    speaker: tuple[str, str, str] | None  # (name, description, affiliation), cleaned
    summary: str
    tags: list[str]
    anchor_state: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    verdicts: list[NewVerdict] = field(default_factory=list)


@dataclass
class NewLink:
    from_id: int
    to_id: int
    relation: str
    note: str
    created_by: str
    created_at: datetime


@dataclass
class Written:
    articles: int = 0
    claims: int = 0
    verdicts: int = 0
    links: int = 0
    users_created: list[str] = field(default_factory=list)
    claim_ids: dict[str, int] = field(default_factory=dict)  # key -> id of every claim written


def utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def insert(model, objs: list, *, using: str = "default") -> list:
    """INSERT the objects in as few statements as the database allows and set their ids.

    Raw, as loaddata inserts (the auto_now fields keep the values the objects carry); the statements are
    as large as the backend's parameter limit permits (bulk_create keeps SQLite to 999 parameters).
    """
    if not objs:
        return objs
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key or getattr(objs[0], f.attname) is not None]
    connection = connections[using]
    limit = 65_000
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = max(1, min(5000, limit // len(fields)))
    now = timezone.now()
    for stamp in [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]:
        for obj in objs:  # a new source or speaker: stamped now, as a save would
            if getattr(obj, stamp.attname) is None:
                setattr(obj, stamp.attname, now)
    returning = meta.db_returning_fields
    manager = model._base_manager.using(using)
    for begin in range(0, len(objs), size):
        chunk = objs[begin : begin + size]
        rows = manager._insert(chunk, fields=fields, returning_fields=returning, raw=True, using=using)
        for obj, row in zip(chunk, rows or (), strict=False):
            for returned, value in zip(returning, row, strict=True):
                setattr(obj, returned.attname, value)
        for obj in chunk:
            obj._state.adding, obj._state.db = False, using
    return objs


def record_history(model, objs: list, users: dict, *, user_of, when: datetime, using: str = "default") -> list:
    """One "+" history row per created object, naming its user, in bulk."""
    history = model.history.model
    rows = []
    for obj in objs:
        row = history(
            history_date=when,
            history_user=users.get(user_of(obj)),
            history_change_reason=CHANGE_REASON,
            history_type="+",
            **{f.attname: getattr(obj, f.attname) for f in history.tracked_fields},
        )
        rows.append(row)
    return insert(history, rows, using=using)


class Restorer:
    """Writes the validated records; see the module docstring."""

    def __init__(self, *, using: str | None = None):
        self.using = using or router.db_for_write(Claim)
        self.users: dict[str, object] = {}
        self.when = timezone.now()
        self.written = Written()

    # ------------------------------------------------------------ people, outlets, tags

    def ensure_users(self, names: Iterable[str]) -> None:
        """Find these users; create the missing ones inactive, with no password and no role."""
        names = {name for name in names if name} - set(self.users)
        if not names:
            return
        users = get_user_model()
        for user in users.objects.using(self.using).filter(username__in=names):
            self.users[user.username] = user
        missing = sorted(names - set(self.users))
        if missing:
            created = [users(username=name, is_active=False, password=make_password(None)) for name in missing]
            users.objects.using(self.using).bulk_create(created)
            for user in users.objects.using(self.using).filter(username__in=missing):
                self.users[user.username] = user
            self.written.users_created.extend(missing)

    def sources(self, wanted: dict[str, str], user_of: dict[str, str | None]) -> dict[str, Source]:
        """Sources by name (get or create, as services.get_or_create_source: the first homepage wins)."""
        found = {s.name: s for s in Source.objects.using(self.using).filter(name__in=list(wanted))}
        missing = [Source(name=name, homepage=homepage) for name, homepage in wanted.items() if name not in found]
        insert(Source, missing, using=self.using)
        record_history(Source, missing, self.users, user_of=lambda s: user_of.get(s.name), when=self.when)
        found.update({s.name: s for s in missing})
        return found

    def speakers(self, wanted: dict[tuple[str, str], tuple[str, str]]) -> dict[tuple[str, str], Speaker]:
        """Speakers by (name, description) -> (affiliation, creator), as services.get_or_create_speaker."""
        found: dict[tuple[str, str], Speaker] = {}
        names = sorted({name for name, _ in wanted})
        for begin in range(0, len(names), 500):
            for speaker in Speaker.objects.using(self.using).filter(name__in=names[begin : begin + 500]):
                found.setdefault((speaker.name, speaker.description), speaker)
        missing = [
            Speaker(
                name=name,
                description=description,
                affiliation=affiliation,
                created_by=self.users.get(creator),
            )
            for (name, description), (affiliation, creator) in wanted.items()
            if (name, description) not in found
        ]
        insert(Speaker, missing, using=self.using)
        record_history(
            Speaker, missing, self.users, user_of=lambda s: getattr(s.created_by, "username", None), when=self.when
        )
        found.update({(s.name, s.description): s for s in missing})
        return found

    def tags(self, names: Iterable[str]) -> dict[str, int]:
        names = sorted(set(names))
        if not names:
            return {}
        tags = Tag.objects.using(self.using)
        tags.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
        return dict(tags.filter(name__in=names).values_list("name", "pk"))

    # ------------------------------------------------------------ articles

    def articles(self, new: list[NewArticle]) -> dict[str, int]:
        """Write the articles; return id by content hash."""
        self.ensure_users(a.added_by for a in new)
        wanted, source_users = {}, {}
        for article in new:
            if article.source:
                wanted.setdefault(*article.source)
                source_users.setdefault(article.source[0], article.added_by)
        with transaction.atomic(using=self.using):
            sources = self.sources(wanted, source_users) if wanted else {}
            rows = [
                Article(
                    title=a.title,
                    body=a.body,
                    content_hash=a.content_hash,
                    source=sources[a.source[0]] if a.source else None,
                    url=a.url,
                    byline=a.byline,
                    published=a.published,
                    language=a.language,
                    raw=a.raw,
                    raw_format=a.raw_format,
                    added_by=self.users.get(a.added_by),
                    created_at=a.created_at,
                    updated_at=a.updated_at,
                )
                for a in new
            ]
            for batch in _batches(rows, 200):  # bodies are large
                insert(Article, batch, using=self.using)
                history = Article.history.model
                entries = [
                    history(
                        history_date=self.when,
                        history_user=article.added_by,
                        history_change_reason=f"imported ({article.raw_format})",
                        history_type="+",
                        **{f.attname: getattr(article, f.attname) for f in history.tracked_fields},
                    )
                    for article in batch
                ]
                insert(history, entries, using=self.using)
        self.written.articles += len(rows)
        return {article.content_hash: article.pk for article in rows}

    # ------------------------------------------------------------ claims, tags, verdicts, evidence

    def claims(self, new: list[NewClaim], article_ids: dict[str, int]) -> None:
        people = set()
        speakers_wanted: dict[tuple[str, str], tuple[str, str]] = {}
        for claim in new:
            people.add(claim.created_by)
            if claim.speaker:
                name, description, affiliation = claim.speaker
                speakers_wanted.setdefault((name, description), (affiliation, claim.created_by))
            for verdict in claim.verdicts:
                people.update((verdict.author, verdict.editor, verdict.assigned_to))
        self.ensure_users(people)
        with transaction.atomic(using=self.using):
            speakers = self.speakers(speakers_wanted) if speakers_wanted else {}
            tag_ids = self.tags(name for claim in new for name in claim.tags)
        for batch in _batches(new, CLAIM_BATCH):
            with transaction.atomic(using=self.using):
                self._claim_batch(batch, article_ids, speakers, tag_ids)

    def _claim_batch(self, batch: list[NewClaim], article_ids, speakers, tag_ids) -> None:
        users = self.users
        rows = [
            Claim(
                article_id=article_ids[c.article_hash],
                start=c.start,
                end=c.end,
                quote=c.quote,
                prefix=c.prefix,
                suffix=c.suffix,
                speaker=speakers[c.speaker[:2]] if c.speaker else None,
                summary=c.summary,
                anchor_state=c.anchor_state,
                created_by=users[c.created_by],
                created_at=c.created_at,
                updated_at=c.updated_at,
                version=1,
            )
            for c in batch
        ]
        insert(Claim, rows, using=self.using)
        history = record_history(
            Claim, rows, users, user_of=lambda row: row.created_by.username, when=self.when, using=self.using
        )
        through = Claim.tags.through
        tag_history = apps.get_model("articles", "HistoricalClaim_tags")  # the tags in the "+" row
        links, entries = [], []
        for plan, row, entry in zip(batch, rows, history, strict=True):
            self.written.claim_ids[plan.key] = row.pk
            for name in plan.tags:
                links.append(through(claim_id=row.pk, tag_id=tag_ids[name]))
                entries.append(entry)
        insert(through, links, using=self.using)
        history_links = [
            tag_history(id=link.pk, history_id=entry.pk, claim_id=link.claim_id, tag_id=link.tag_id)
            for link, entry in zip(links, entries, strict=True)
        ]
        insert(tag_history, history_links, using=self.using)
        self.written.claims += len(rows)
        self._verdicts([(row, plan.verdicts) for plan, row in zip(batch, rows, strict=True) if plan.verdicts])

    def _verdicts(self, per_claim: list[tuple[Claim, list[NewVerdict]]]) -> None:
        """Verdicts in rounds: a correction is written after the verdict it corrects (listed before it)."""
        users = self.users
        done: dict[tuple[int, int], Verdict] = {}  # (claim id, old id) -> written verdict
        pending = [(claim, v) for claim, verdicts in per_claim for v in verdicts]
        while pending:
            ready = [(c, v) for c, v in pending if v.corrects is None or (c.pk, v.corrects) in done]
            pending = [(c, v) for c, v in pending if not (v.corrects is None or (c.pk, v.corrects) in done)]
            if not ready:  # validated before: cannot happen
                raise ValueError("a verdict corrects one that is not listed before it")
            rows = [
                Verdict(
                    claim=claim,
                    rating=v.rating,
                    headline=v.headline,
                    explanation=v.explanation,
                    state=v.state,
                    author=users[v.author],
                    editor=users.get(v.editor),
                    assigned_to=users.get(v.assigned_to),
                    corrects=done.get((claim.pk, v.corrects)) if v.corrects is not None else None,
                    correction_note=v.correction_note,
                    submitted_at=v.submitted_at,
                    approved_at=v.approved_at,
                    published_at=v.published_at,
                    created_at=v.created_at,
                    updated_at=v.updated_at,
                )
                for claim, v in ready
            ]
            insert(Verdict, rows, using=self.using)
            record_history(Verdict, rows, users, user_of=lambda row: row.author.username, when=self.when)
            evidence = []
            for (claim, plan), row in zip(ready, rows, strict=True):
                if plan.old_id is not None:
                    done[(claim.pk, plan.old_id)] = row
                evidence += [
                    Evidence(verdict=row, url=e.url, title=e.title, note=e.note, position=e.position)
                    for e in plan.evidence
                ]
            insert(Evidence, evidence, using=self.using)
            record_history(Evidence, evidence, users, user_of=lambda row: row.verdict.author.username, when=self.when)
            self.written.verdicts += len(rows)

    # ------------------------------------------------------------ links

    def links(self, new: list[NewLink]) -> None:
        self.ensure_users(link.created_by for link in new)
        users = self.users
        for batch in _batches(new, CLAIM_BATCH):
            with transaction.atomic(using=self.using):
                rows = [
                    ClaimLink(
                        from_claim_id=link.from_id,
                        to_claim_id=link.to_id,
                        relation=link.relation,
                        note=link.note,
                        created_by=users[link.created_by],
                        created_at=link.created_at,
                    )
                    for link in batch
                ]
                insert(ClaimLink, rows, using=self.using)
                record_history(ClaimLink, rows, users, user_of=lambda row: row.created_by.username, when=self.when)
                self.written.links += len(rows)


def existing_links(claim_ids: Iterable[int], *, using: str = "default") -> set[tuple[int, int, str]]:
    """(from id, to id, relation) of every link touching these claims."""
    ids = sorted(set(claim_ids))
    found = set()
    for batch in _batches(ids, 5000):
        links = ClaimLink.objects.using(using).filter(from_claim_id__in=batch) | ClaimLink.objects.using(using).filter(
            to_claim_id__in=batch
        )
        found.update(links.values_list("from_claim_id", "to_claim_id", "relation"))
    return found


def claims_of_articles(hashes: Iterable[str], *, using: str = "default") -> dict[tuple, tuple[int, bool]]:
    """(article hash, start, end, created_at in UTC) -> (claim id, deleted) of every claim of these articles."""
    found = defaultdict(tuple)
    hashes = sorted(set(hashes))
    for batch in _batches(hashes, 500):
        rows = Claim.objects.using(using).filter(article__content_hash__in=batch)
        for digest, start, end, created_at, pk, deleted_at in rows.values_list(
            "article__content_hash", "start", "end", "created_at", "id", "deleted_at"
        ):
            found[(digest, start, end, utc(created_at))] = (pk, deleted_at is not None)
    return dict(found)


def _batches(items: list, size: int):
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]
