"""Build the synthetic corpus fast: users, sources, speakers, tags, articles, claims, links, verdicts.

Small tables go through bulk_create. The big ones (articles, claims, their tags, links, verdicts,
evidence) are written as plain rows with explicit ids: executemany on SQLite, COPY on PostgreSQL, in
one transaction. That is some 20 times faster than building model instances, and the rows are the
ones the services would write: offsets on word boundaries, quote == body[start:end], 32 characters of
prefix and suffix, one published verdict at most per claim, no self-links or duplicate links.
History rows (django-simple-history) are not written for the corpus; no workload reads them.

Three articles are special: the reader's article with exactly `scale.reader_claims` live, anchored
claims; an article with no claims (the reader's reference); a 50,000-character article for the
re-anchoring workload.
"""

import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.color import no_style
from django.db import connection, transaction

from articles.models import Article, Claim, ClaimLink, Evidence, Source, Speaker, Tag, Verdict, content_hash
from bench import text
from bench.scales import Scale

SEED = 7
BATCH = 5000
READER_ARTICLE_LENGTH = 40_000
LONG_ARTICLE_LENGTH = 50_000
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
RATINGS = [choice for choice, _ in Verdict.Rating.choices]
RELATIONS = [choice for choice, _ in ClaimLink.Relation.choices]
# Verdict states in proportions a busy desk might have.
STATES = ["draft"] * 30 + ["in_review"] * 15 + ["changes_requested"] * 5 + ["approved"] * 10 + ["published"] * 40
# One annotator account per API client (the API workload runs up to 8 at once).
API_CLIENTS = 8


@dataclass
class Corpus:
    """What the workloads need to know about the corpus they run on."""

    scale: str
    password: str
    reader_article_id: int
    empty_article_id: int
    long_article_id: int
    reader_claims: int
    annotators: list[str]
    editor: str
    list_filter: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    build_seconds: float = 0.0

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("password")
        return data


class Rows:
    """Append rows to one table, written in batches: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, model, columns: list[str], *, table: str | None = None):
        self.table = table or model._meta.db_table
        self.columns = [model._meta.get_field(name).column for name in columns] if model else columns
        self.buffer: list[tuple] = []
        self.written = 0

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        raw = connection.connection
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                for row in self.buffer:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(self.columns))
            cursor = raw.cursor()
            statement = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608 (our names)
            cursor.executemany(statement, self.buffer)
            cursor.close()
        self.written += len(self.buffer)
        self.buffer = []


def _when(value: datetime | date | None):
    """A timestamp as the backend stores it (SQLite: naive UTC text, as Django writes it)."""
    if value is None or connection.vendor == "postgresql":
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(" ")
    return value.isoformat()


class Builder:
    def __init__(self, scale: Scale, password: str):
        self.scale = scale
        self.rng = random.Random(SEED)
        self.password = password
        self.counts: Counter = Counter()

    # ------------------------------------------------------------ small tables

    def users(self) -> None:
        hashed = make_password(self.password)  # one PBKDF2 for everyone: hashing is slow on purpose
        roles = {
            "Annotator": ["alice", "carol"] + [f"annotator{n:02}" for n in range(1, API_CLIENTS + 1)],
            "Fact-checker": ["bob", "dana"],
            "Editor": ["erin", "frank"],
        }
        groups = {group.name: group for group in Group.objects.filter(name__in=roles)}
        for role, names in roles.items():
            User.objects.bulk_create(
                [User(username=name, password=hashed, is_staff=True, email=f"{name}@example.org") for name in names]
            )
            groups[role].user_set.add(*User.objects.filter(username__in=names))
        self.users_by_role = {
            role: list(User.objects.filter(username__in=names).values_list("pk", flat=True))
            for role, names in roles.items()
        }
        self.annotators = roles["Annotator"]
        self.all_users = [pk for pks in self.users_by_role.values() for pk in pks]
        self.counts["users"] = len(self.all_users)

    def small_tables(self) -> None:
        rng, scale = self.rng, self.scale
        Source.objects.bulk_create(
            [
                Source(
                    id=n, name=f"The {rng.choice(text.PLACES)} Courier {n}", homepage=f"https://news{n}.example.org/"
                )
                for n in range(1, scale.sources + 1)
            ]
        )
        speakers = []
        for n in range(1, scale.speakers + 1):
            official = rng.choice(text.OFFICIALS)
            speakers.append(
                Speaker(
                    id=n,
                    name=f"Speaker {n} {rng.choice(text.PLACES)}",
                    description=f"{official} of {rng.choice(text.PLACES)}",
                    affiliation=rng.choice(["", "Civic Front", "Harbour Party", "Independent"]),
                )
            )
        Speaker.objects.bulk_create(speakers)
        Tag.objects.bulk_create([Tag(id=n, name=f"topic-{n:02}") for n in range(1, scale.tags + 1)])
        self.counts.update(sources=scale.sources, speakers=scale.speakers, tags=scale.tags)

    # ------------------------------------------------------------ articles and claims

    def articles_and_claims(self) -> None:
        rng, scale = self.rng, self.scale
        articles = Rows(
            Article,
            [
                "id",
                "title",
                "source",
                "url",
                "byline",
                "published",
                "language",
                "body",
                "raw",
                "raw_format",
                "content_hash",
                "added_by",
                "created_at",
                "updated_at",
            ],
        )
        claims = Rows(
            Claim,
            [
                "id",
                "article",
                "start",
                "end",
                "quote",
                "prefix",
                "suffix",
                "speaker",
                "summary",
                "anchor_state",
                "created_by",
                "created_at",
                "updated_at",
                "deleted_at",
                "version",
            ],
        )
        claim_tags = Rows(None, ["claim_id", "tag_id"], table=Claim.tags.through._meta.db_table)
        per_article = self._claims_per_article()
        tag_weights = [1 / n for n in range(1, scale.tags + 1)]  # a few tags are common, most are rare
        claim_id = 0
        for article_id in range(1, scale.articles + 1):
            length = {1: READER_ARTICLE_LENGTH, 3: LONG_ARTICLE_LENGTH}.get(article_id, rng.randint(3000, 8000))
            body = text.article_body(rng, article_id, length)
            published = (NOW - timedelta(days=rng.randint(0, 1500))).date()
            added = NOW - timedelta(days=rng.randint(0, 730), seconds=rng.randint(0, 86400))
            articles.add(
                (
                    article_id,
                    text.title(rng, article_id),
                    rng.randint(1, scale.sources),
                    f"https://news.example.org/{article_id}",
                    "Staff reporter",
                    _when(published),
                    "en",
                    body,
                    "",
                    "manual",
                    content_hash(body),
                    rng.choice(self.all_users),
                    _when(added),
                    _when(added),
                )
            )
            words = text.word_spans(body)
            special = article_id in (1, 3)
            for _ in range(per_article[article_id]):
                claim_id += 1
                start, end = text.claim_span(rng, words)
                created = added + timedelta(seconds=rng.randint(60, 86400 * 90))
                roll = rng.random()
                state = "anchored" if special or roll < 0.95 else ("relocated" if roll < 0.98 else "orphaned")
                deleted = None if special or rng.random() > 0.01 else _when(created + timedelta(days=1))
                row_start, row_end = (None, None) if state == "orphaned" else (start, end)
                claims.add(
                    (
                        claim_id,
                        article_id,
                        row_start,
                        row_end,
                        body[start:end],
                        body[max(0, start - 32) : start],
                        body[end : end + 32],
                        rng.randint(1, scale.speakers) if rng.random() < 0.8 else None,
                        text.summary(rng) if rng.random() < 0.6 else "",
                        state,
                        rng.choice(self.all_users),
                        _when(created),
                        _when(created),
                        deleted,
                        1,
                    )
                )
                for tag_id in set(rng.choices(range(1, scale.tags + 1), tag_weights, k=rng.choice([0, 1, 1, 2, 3]))):
                    claim_tags.add((claim_id, tag_id))
            if len(articles.buffer) >= 200:  # bodies are large: keep few in memory
                articles.flush()
        articles.flush()
        claims.flush()
        claim_tags.flush()
        self.claim_total = claim_id
        self.counts.update(articles=articles.written, claims=claims.written, claim_tags=claim_tags.written)

    def _claims_per_article(self) -> Counter:
        """Claims per article id: exact counts for the special articles, a skewed spread for the rest."""
        rng, scale = self.rng, self.scale
        fixed = {1: scale.reader_claims, 2: 0, 3: scale.reader_claims}
        rest = scale.claims - sum(fixed.values())
        others = list(range(4, scale.articles + 1))
        weights = [rng.lognormvariate(0, 1) for _ in others]
        counts = Counter(rng.choices(others, weights, k=rest))
        counts.update(fixed)
        return counts

    # ------------------------------------------------------------ links and verdicts

    def links(self) -> None:
        rng = self.rng
        rows = Rows(ClaimLink, ["id", "from_claim", "to_claim", "relation", "note", "created_by", "created_at"])
        seen = set()
        while len(seen) < self.scale.links:
            first, second = rng.randint(1, self.claim_total), rng.randint(1, self.claim_total)
            relation = rng.choice(RELATIONS)
            if first == second:
                continue
            if relation in ClaimLink.SYMMETRIC:  # one direction only, as the service refuses the reverse
                first, second = min(first, second), max(first, second)
            if (first, second, relation) in seen:
                continue
            seen.add((first, second, relation))
            created = NOW - timedelta(seconds=rng.randint(0, 86400 * 365))
            note = rng.choice(["", "", "Same figure, different source.", "The later account disputes the count."])
            rows.add((len(seen), first, second, relation, note, rng.choice(self.all_users), _when(created)))
        rows.flush()
        self.counts["links"] = rows.written

    def verdicts(self) -> None:
        rng = self.rng
        verdicts = Rows(
            Verdict,
            [
                "id",
                "claim",
                "rating",
                "headline",
                "explanation",
                "state",
                "author",
                "editor",
                "assigned_to",
                "corrects",
                "correction_note",
                "changes_reason",
                "submitted_at",
                "approved_at",
                "published_at",
                "created_at",
                "updated_at",
                "version",
            ],
        )
        evidence = Rows(Evidence, ["id", "verdict", "url", "title", "note", "position"])
        checkers, editors = self.users_by_role["Fact-checker"], self.users_by_role["Editor"]
        claim_ids = rng.sample(range(1, self.claim_total + 1), min(self.scale.verdicts, self.claim_total))
        for verdict_id, claim_id in enumerate(claim_ids, start=1):
            state = rng.choice(STATES)
            rating = "" if state == "draft" and rng.random() < 0.5 else rng.choice(RATINGS)
            created = NOW - timedelta(seconds=rng.randint(86400, 86400 * 365))
            submitted = created + timedelta(hours=2) if state != "draft" else None
            approved = submitted + timedelta(hours=5) if state in ("approved", "published") else None
            published = approved + timedelta(hours=1) if state == "published" else None
            verdicts.add(
                (
                    verdict_id,
                    claim_id,
                    rating,
                    f"Verdict on claim {claim_id}" if rating else "",
                    "The figures quoted do not match the statistics office's records." if rating else "",
                    state,
                    rng.choice(checkers),
                    rng.choice(editors) if approved else None,
                    None,
                    None,
                    "",
                    "",
                    _when(submitted),
                    _when(approved),
                    _when(published),
                    _when(created),
                    _when(published or approved or submitted or created),
                    1,
                )
            )
            if state == "published":
                evidence.add(
                    (
                        verdict_id,
                        verdict_id,
                        f"https://stats.example.org/report/{claim_id}",
                        "Statistics office report",
                        "",
                        0,
                    )
                )
        verdicts.flush()
        evidence.flush()
        self.counts.update(verdicts=verdicts.written, evidence=evidence.written)

    def reset_sequences(self) -> None:
        """PostgreSQL: move id sequences past the ids written by hand, so later inserts do not collide."""
        models = [Source, Speaker, Tag, Article, Claim, ClaimLink, Verdict, Evidence, Claim.tags.through]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def build(scale: Scale, password: str, *, log=print) -> Corpus:
    """Fill the (migrated, empty) benchmark database and describe what is in it."""
    began = time.perf_counter()
    builder = Builder(scale, password)
    with transaction.atomic():
        connection.ensure_connection()
        for step in (
            builder.users,
            builder.small_tables,
            builder.articles_and_claims,
            builder.links,
            builder.verdicts,
            builder.reset_sequences,
        ):
            step_began = time.perf_counter()
            step()
            log(f"  corpus: {step.__name__} in {time.perf_counter() - step_began:.1f} s")
    if not connection.in_atomic_block:  # (inside a test's transaction there is nothing to settle)
        # Planner statistics, as a database in use would have them; SQLite also folds its WAL back in.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Corpus(
        scale=scale.name,
        password=password,
        reader_article_id=1,
        empty_article_id=2,
        long_article_id=3,
        reader_claims=scale.reader_claims,
        annotators=[name for name in builder.annotators if name.startswith("annotator")],
        editor="erin",
        # The claim list's "filter and search": a common tag and a place name, as a desk would search.
        list_filter={"q": "Vallemar", "tag": "topic-03"},
        counts=dict(builder.counts),
        build_seconds=round(time.perf_counter() - began, 2),
    )
