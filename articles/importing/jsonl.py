"""Import back a JSON Lines export (exports.write_jsonl): move a desk's data between instances, or restore a backup.

In two steps. First every line is read and validated in memory, with the rules the services apply one
record at a time (span against the article text, text limits, tags, choices, URLs, time zones, claims
per article); every bad line is reported with its number and, unless `skip_bad`, nothing is written.
Then what was validated is written in bulk (services.restore): large INSERTs, one transaction per
batch of claims, one history row per created record. Importing the same file again adds nothing:
every record is matched against what is already there first.

- article: matched by its text (content hash); a different text under an URL already stored is refused.
- claim: matched by its key (article text hash, span, creation time), which survives the move while
  ids do not. Anchored claims must quote the article text at their span; relocated and orphaned ones
  (which only arise when an article is revised) keep their quote as exported. Context (prefix,
  suffix) is kept as exported.
- link: listed on both of its claims, it is created once both claims are there, whatever the order
  of the lines; links to claims that are not in the file (nor here) are counted, not created.
- verdicts and their evidence: restored exactly as exported (state, editor, dates, the verdict a
  correction corrects).
- comments (on the claim, and on each of its verdicts) come with a new claim: validated with the claim, then
  written after the bulk insert through services.import_comment (times, deletion and thread state as
  exported, nobody notified, mentions read again from the text). A claim already present keeps the comments
  it has.
- users are matched by username; a missing one is created inactive, with no password and no role,
  so authorship survives and nobody can sign in as them until an administrator says so.

Timestamps (created/updated) are restored as exported, so re-exporting gives the same file apart
from ids and the URLs built from them.
"""

import gc
import json
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count

from articles import exports, limits, services
from articles.limits import check_length
from articles.models import Article, Claim, ClaimLink, Evidence, Speaker, Verdict, content_hash
from articles.services import restore
from articles.services.claims import validate_span
from articles.text import anchoring


@contextmanager
def cyclic_gc_paused():
    """Run the block with Python's cyclic garbage collector off (as it was before, after).

    An import holds a few hundred thousand live objects (the decoded lines, the validated records, the
    rows); every few thousand new objects the collector walks them all, which took a third of a 20,000
    claim import. What an import allocates is freed by reference counting (records hold no cycles), so
    pausing the collector for its few seconds keeps nothing alive that it would have freed.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LineError(Exception):
    """This line cannot be imported; the message says why."""


@dataclass
class ImportReport:
    articles: int = 0
    claims: int = 0
    links: int = 0
    verdicts: int = 0
    comments: int = 0
    already_present: int = 0
    users_created: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    # (from key, to key, relation) of links whose other claim is neither in the file nor here.
    waiting_links: set[tuple[str, str, str]] = field(default_factory=set)
    written: bool = True  # False: bad lines and no skip_bad, so nothing was written

    def summary(self) -> str:
        parts = [
            f"{self.articles} articles, {self.claims} claims, {self.links} links, {self.verdicts} verdicts imported",
            f"{self.already_present} records already present",
        ]
        if self.comments:
            parts.insert(1, f"{self.comments} comments imported")
        if self.users_created:
            parts.append(f"inactive users created: {', '.join(self.users_created)}")
        if self.waiting_links:
            parts.append(f"{len(self.waiting_links)} links to claims not in the file were skipped")
        if self.errors:
            parts.append(f"{len(self.errors)} lines not imported")
        return "; ".join(parts) + "."


# ---------------------------------------------------------------- reading fields


def _text(record: dict, key: str, *, required: bool = False) -> str:
    value = record.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise LineError(f"{key!r} must be a non-empty string." if required else f"{key!r} must be a string.")
    return value


def _int_or_none(record: dict, key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise LineError(f"{key!r} must be a whole number or null, got {value!r}.")
    return value


def _datetime(record: dict, key: str, *, required: bool = False) -> datetime | None:
    value = record.get(key)
    if value is None:
        if required:
            raise LineError(f"{key!r} is missing.")
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise LineError(f"{key!r} must be an ISO 8601 date and time, got {value!r}.") from None
    if parsed.tzinfo is None:
        raise LineError(f"{key!r} must carry a time zone, got {value!r}.")
    return parsed


def _date(record: dict, key: str) -> date | None:
    value = record.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LineError(f"{key!r} must be an ISO 8601 date, got {value!r}.") from None


def _object(record: dict, key: str, *, required: bool = False) -> dict | None:
    value = record.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise LineError(f"{key!r} must be an object.")
    return value


def _list(record: dict, key: str) -> list:
    value = record.get(key) or []
    if not isinstance(value, list):
        raise LineError(f"{key!r} must be a list.")
    return value


# The C scanner json.loads ends in. Called directly, a line costs a third less: loads' checks and its
# two whitespace matches took as long as decoding a claim's line.
_scan_value = json.JSONDecoder().scan_once
_JSON_WHITESPACE = " \t\n\r"


def _decode(line: str):
    """json.loads(line), the common line (a value from its first character, then only whitespace) decoded
    by the scanner alone; any other line goes through json.loads itself, which accepts or refuses it with
    its own message."""
    try:
        value, end = _scan_value(line, 0)
    except (StopIteration, ValueError):
        return json.loads(line)
    if end != len(line) and line[end:].strip(_JSON_WHITESPACE):
        return json.loads(line)
    return value


def _message(error: Exception) -> str:
    if isinstance(error, IntegrityError):
        return f"refused by the database: {error}."
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
        return " ".join(error.messages)
    return str(error)


# ---------------------------------------------------------------- the importer

CLAIM_CHOICES = set(Claim.AnchorState.values)
# The states as plain strings: reading a member off the enum class costs a quarter of a microsecond, and a
# claim's checks read them two or three times.
ANCHORED, ORPHANED = Claim.AnchorState.ANCHORED.value, Claim.AnchorState.ORPHANED.value
RAW_FORMATS = set(Article.Format.values)
SPEAKER_LIMITS = {name: Speaker._meta.get_field(name).max_length for name in ("name", "description", "affiliation")}
CONTEXT_LIMIT = Claim._meta.get_field("prefix").max_length


def _username(value, *, required: bool = False) -> str | None:
    if value in (None, ""):
        if required:
            raise LineError("a username is missing.")
        return None
    if not isinstance(value, str):
        raise LineError(f"a username must be a string, got {value!r}.")
    return value


@dataclass
class PendingLink:
    line: int
    from_key: str
    to_key: str
    relation: str
    note: str
    created_by: str
    created_at: datetime


class Importer:
    def __init__(self, *, skip_bad: bool = False):
        self.skip_bad = skip_bad
        self.report = ImportReport()
        self.articles: dict[str, restore.NewArticle] = {}  # by content hash: new ones from the file
        self.article_lines: dict[str, int] = {}
        self.bodies: dict[str, str] = {}  # content hash -> text, for the file's claims' spans
        self.claims: dict[str, restore.NewClaim] = {}  # by key: new ones
        self.claim_lines: dict[str, int] = {}
        self.links: list[PendingLink] = []
        self.present_claims: dict[str, tuple[int, bool]] = {}  # key -> (id, deleted), claims already here
        self.tag_cache: dict[tuple, list[str]] = {}

    # ------------------------------------------------------------ step 1: read and validate every line

    def run(self, lines: Iterable[str | bytes]) -> ImportReport:
        with cyclic_gc_paused():
            return self._run(lines)

    def _run(self, lines: Iterable[str | bytes]) -> ImportReport:
        records = []
        for number, line in enumerate(lines, start=1):
            try:
                record = self.parse(line)
            except LineError as error:
                self.report.errors.append((number, str(error)))
                continue
            if record is not None:
                records.append((number, record))
        self.validate(records)
        self.report.errors.sort()
        if self.report.errors and not self.skip_bad:
            self.report.written = False
            return self.report
        try:
            self.write()
        except (IntegrityError, ValidationError) as error:  # validated above: a concurrent write, or a rule missed
            self.report.errors.append((0, f"the import stopped: {_message(error)}"))
        return self.report

    @staticmethod
    def parse(line: str | bytes) -> dict | None:
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as error:
                raise LineError(f"not UTF-8 ({error.reason} at byte {error.start}).") from None
        if not line or line.isspace():
            return None
        try:
            record = _decode(line)
        except ValueError as error:
            raise LineError(f"not valid JSON: {error}.") from None
        if not isinstance(record, dict):
            raise LineError("expected a JSON object.")
        if record.get("type") not in ("export", "article", "claim"):
            raise LineError(f"unknown record type {record.get('type')!r} (expected export, article or claim).")
        return record

    def validate(self, records: list[tuple[int, dict]]) -> None:
        checks = {"export": self.check_header, "article": self.check_article, "claim": self.check_claim}
        self.load_present(records)
        # Articles first: a claim may come before its article in a hand-made file.
        for kind in ("export", "article", "claim"):
            for number, record in records:
                if record["type"] != kind:
                    continue
                try:
                    checks[kind](number, record)
                except (LineError, ValidationError) as error:
                    self.report.errors.append((number, _message(error)))
        self.check_claim_counts()

    def load_present(self, records: list[tuple[int, dict]]) -> None:
        """What is already here, in a few queries: articles by hash and URL, claims of those articles."""
        hashes, urls = set(), set()
        for _, record in records:
            if record["type"] == "article":
                if isinstance(record.get("content_hash"), str):
                    hashes.add(record["content_hash"])
                if isinstance(record.get("url"), str) and record["url"]:
                    urls.add(record["url"])
            elif record["type"] == "claim" and isinstance(record.get("article"), dict):
                digest = record["article"].get("content_hash")
                if isinstance(digest, str):
                    hashes.add(digest)
                for link in record.get("links") or ():
                    if isinstance(link, dict) and isinstance(link.get("claim_key"), str):
                        hashes.add(link["claim_key"].split(":", 1)[0])
        self.present_articles = dict(Article.objects.filter(content_hash__in=hashes).values_list("content_hash", "pk"))
        self.urls_here = dict(Article.objects.filter(url__in=urls).values_list("url", "content_hash"))
        self.bodies.update(
            Article.objects.filter(content_hash__in=self.present_articles).values_list("content_hash", "body")
        )
        for (digest, start, end, created_at), found in restore.claims_of_articles(self.present_articles).items():
            self.present_claims[exports.claim_key(digest, start, end, created_at)] = found
        self.claims_here = Counter(
            dict(
                Claim.objects.filter(article_id__in=self.present_articles.values())
                .values("article__content_hash")
                .annotate(n=Count("pk"))
                .values_list("article__content_hash", "n")
            )
        )

    def check_header(self, number: int, record: dict) -> None:
        if record.get("format") != exports.JSONL_FORMAT_NAME:
            raise LineError(f"not a claims export (format {record.get('format')!r}).")
        version = record.get("version")
        if not isinstance(version, int) or version > exports.JSONL_FORMAT_VERSION:
            raise LineError(f"export version {version!r} is newer than this instance reads.")

    def check_article(self, number: int, record: dict) -> None:
        body = _text(record, "body", required=True)
        digest = _text(record, "content_hash", required=True)
        if content_hash(body) != digest:
            raise LineError("the article text does not match its content_hash (was the file edited?).")
        if digest in self.present_articles or digest in self.articles:
            self.report.already_present += 1
            return
        url = _text(record, "url")
        if url and (self.urls_here.get(url, digest) != digest):
            raise LineError(f"an article with the same URL ({url}) is already stored with another text.")
        source = _object(record, "source")
        if source is not None:
            name = _text(source, "name").strip()
            source = (name, _text(source, "homepage")) if name else None
        title = _text(record, "title", required=True).strip()
        check_length("title", title, limits.MAX_TITLE)
        body = anchoring.normalise_newlines(body)
        article = restore.NewArticle(
            title=title,
            body=body,
            content_hash=content_hash(body),
            source=source,
            url=url,
            byline=_text(record, "byline").strip(),
            published=_date(record, "published"),
            language=_text(record, "language") or "en",
            raw=_text(record, "raw"),
            raw_format=_text(record, "raw_format") or Article.Format.MANUAL,
            added_by=_username(record.get("added_by")),
            created_at=restore.utc(_datetime(record, "created_at", required=True)),
            updated_at=restore.utc(_datetime(record, "updated_at", required=True)),
        )
        # The model's own field rules (URL scheme, lengths, choices); relations and uniqueness are checked above.
        Article(**{k: v for k, v in vars(article).items() if k not in ("source", "added_by")}).full_clean(
            exclude=["source", "added_by", "content_hash"], validate_unique=False, validate_constraints=False
        )
        if url:
            self.urls_here[url] = digest
        self.articles[digest] = article
        self.article_lines[digest] = number
        self.bodies[digest] = body

    def check_claim(self, number: int, record: dict) -> None:
        article_ref = _object(record, "article", required=True)
        digest = _text(article_ref, "content_hash", required=True)
        if digest not in self.bodies:
            raise LineError(f"its article ({digest[:12]}…) is not here; its article record must be in the file.")
        start, end = _int_or_none(record, "start"), _int_or_none(record, "end")
        created_at = restore.utc(_datetime(record, "created_at", required=True))
        own_key = _claim_key(digest, start, end, created_at, record["created_at"])
        links = self.check_links(number, own_key, _list(record, "links")) if record.get("links") else []
        if own_key in self.present_claims or own_key in self.claims:
            self.report.already_present += 1  # imported before: only links whose other claim is new can be new
            self.links += links
            return
        claim = self.new_claim(record, digest, start, end, own_key, created_at)
        self.claims[own_key] = claim
        self.claim_lines[own_key] = number
        self.links += links

    def new_claim(self, record: dict, digest: str, start, end, key: str, created_at) -> restore.NewClaim:
        quote, summary = _text(record, "quote", required=True), _text(record, "summary").strip()
        check_length("quote", quote, limits.MAX_QUOTE)
        check_length("summary", summary, limits.MAX_SUMMARY)
        state = _text(record, "anchor_state") or ANCHORED
        if state not in CLAIM_CHOICES:
            raise LineError(f"'anchor_state' must be one of {', '.join(sorted(CLAIM_CHOICES))}, got {state!r}.")
        if state == ANCHORED:
            validate_span(self.bodies[digest], start, end, quote)
        elif start is None or end is None:
            if start is not None or end is not None or state != ORPHANED:
                raise LineError("only an orphaned claim may have no span, and then neither start nor end.")
        elif not 0 <= start < end:
            raise LineError(f"the span {start}–{end} is not a span (0 <= start < end).")
        prefix, suffix = _text(record, "prefix"), _text(record, "suffix")
        for name, value in (("prefix", prefix), ("suffix", suffix)):
            if len(value) > CONTEXT_LIMIT:
                raise LineError(f"{name!r} is {len(value)} characters; the limit is {CONTEXT_LIMIT}.")
        speaker = None
        if (found := _object(record, "speaker")) is not None:
            speaker = tuple(_text(found, name, required=name == "name").strip() for name in SPEAKER_LIMITS)
            if not speaker[0]:
                raise ValidationError({"name": "A speaker needs a name."})
            for (name, limit), value in zip(SPEAKER_LIMITS.items(), speaker, strict=True):
                if len(value) > limit:
                    raise ValidationError({name: f"{name} is {len(value)} characters; the limit is {limit}."})
        # Positional, in the order of NewClaim's fields (tests/importing pins it): with keywords the call
        # took 3.5 µs a claim, without 1 µs, a sixth of a claim's checks.
        return restore.NewClaim(
            key,
            digest,  # article_hash
            start,
            end,
            quote,
            prefix,
            suffix,
            speaker,
            summary,
            self.tag_names(_list(record, "tags")),
            state,  # anchor_state
            _username(record.get("created_by"), required=True),  # created_by
            created_at,
            # updated_at: most claims were never edited, the same text as created_at, parsed once.
            created_at
            if record.get("updated_at") == record["created_at"]
            else restore.utc(_datetime(record, "updated_at", required=True)),
            self.new_verdicts(_list(record, "verdicts")) if record.get("verdicts") else [],  # verdicts
            new_comments(_list(record, "comments")) if record.get("comments") else [],  # comments
        )

    def tag_names(self, raw: list) -> list[str]:
        """services.tag_names, once per distinct list of tags in the file."""
        try:
            key = tuple(raw)
            hash(key)
        except TypeError:
            return services.tag_names(raw)
        if key not in self.tag_cache:
            self.tag_cache[key] = services.tag_names(raw)
        return list(self.tag_cache[key])

    def new_verdicts(self, records: list) -> list[restore.NewVerdict]:
        verdicts, listed = [], set()
        published = open_ = 0
        for record in records:
            if not isinstance(record, dict):
                raise LineError("each verdict must be an object.")
            corrects = _int_or_none(record, "corrects")
            if corrects is not None and corrects not in listed:
                raise LineError(f"verdict {record.get('id')!r} corrects verdict {corrects}, not listed before it.")
            verdict = restore.NewVerdict(
                old_id=record["id"] if isinstance(record.get("id"), int) else None,
                corrects=corrects,
                rating=_text(record, "rating"),
                headline=_text(record, "headline"),
                explanation=_text(record, "explanation"),
                state=_text(record, "state", required=True),
                author=_username(record.get("author"), required=True),
                editor=_username(record.get("editor")),
                assigned_to=_username(record.get("assigned_to")),
                correction_note=_text(record, "correction_note"),
                submitted_at=restore.utc(_datetime(record, "submitted_at")),
                approved_at=restore.utc(_datetime(record, "approved_at")),
                published_at=restore.utc(_datetime(record, "published_at")),
                created_at=restore.utc(_datetime(record, "created_at", required=True)),
                updated_at=restore.utc(_datetime(record, "updated_at", required=True)),
                evidence=[self.new_evidence(item, position) for position, item in enumerate(_list(record, "evidence"))],
                comments=new_comments(_list(record, "comments")),
            )
            fields = ("rating", "headline", "explanation", "state", "correction_note")
            Verdict(**{name: getattr(verdict, name) for name in fields}).full_clean(
                exclude=["claim", "author", "editor", "assigned_to", "corrects"],
                validate_unique=False,
                validate_constraints=False,
            )
            check_length("explanation", verdict.explanation, limits.MAX_EXPLANATION)
            check_length("correction_note", verdict.correction_note, limits.MAX_CORRECTION_NOTE)
            if verdict.state not in ("draft", "changes_requested") and not verdict.rating:
                raise ValidationError({"rating": f"A verdict in state {verdict.state!r} needs a rating."})
            published += verdict.state == Verdict.State.PUBLISHED
            open_ += verdict.state in Verdict.OPEN_STATES
            if published > 1 or open_ > 1:
                raise ValidationError({"state": "A claim has at most one published and one open verdict."})
            if verdict.old_id is not None:
                listed.add(verdict.old_id)
            verdicts.append(verdict)
        return verdicts

    @staticmethod
    def new_evidence(item, position: int) -> restore.NewEvidence:
        if not isinstance(item, dict):
            raise LineError("each evidence item must be an object.")
        evidence = restore.NewEvidence(
            url=_text(item, "url", required=True),
            title=_text(item, "title"),
            note=_text(item, "note"),
            position=_int_or_none(item, "position") if item.get("position") is not None else position,
        )
        Evidence(**vars(evidence)).full_clean(exclude=["verdict"], validate_unique=False, validate_constraints=False)
        check_length("note", evidence.note, limits.MAX_EVIDENCE_NOTE)
        return evidence

    def check_links(self, number: int, own_key: str, links: list) -> list[PendingLink]:
        pending = []
        for link in links:
            if not isinstance(link, dict):
                raise LineError("each link must be an object.")
            direction = link.get("direction")
            if direction not in ("out", "in"):
                raise LineError(f"a link's direction must be 'out' or 'in', got {direction!r}.")
            relation = _text(link, "relation", required=True)
            if relation not in ClaimLink.Relation.values:
                choices = ", ".join(ClaimLink.Relation.values)
                raise ValidationError({"relation": f"Unknown relation {relation!r}; choose one of {choices}."})
            other_key = _text(link, "claim_key", required=True)
            _check_key(other_key)
            if other_key == own_key:
                raise ValidationError({"to_claim": "A claim cannot be linked to itself."})
            note = _text(link, "note").strip()
            check_length("note", note, limits.MAX_LINK_NOTE)
            pair = (own_key, other_key) if direction == "out" else (other_key, own_key)
            pending.append(
                PendingLink(
                    number,
                    *pair,
                    relation,
                    note,
                    _username(link.get("created_by"), required=True),
                    restore.utc(_datetime(link, "created_at", required=True)),
                )
            )
        return pending

    def check_claim_counts(self) -> None:
        """Refuse the claims past the per-article limit (deleted claims count: they can be restored)."""
        limit = limits.max_claims_per_article()
        counts = Counter(self.claims_here)
        for key, claim in list(self.claims.items()):
            counts[claim.article_hash] += 1
            if counts[claim.article_hash] > limit:
                self.report.errors.append(
                    (
                        self.claim_lines[key],
                        f"article: the article would have more than {limit} claims, the most one article may have.",
                    )
                )

    # ------------------------------------------------------------ step 2: write

    def write(self) -> None:
        bad = {number for number, _ in self.report.errors}
        articles = {h: a for h, a in self.articles.items() if self.article_lines[h] not in bad}
        claims = [
            c
            for key, c in self.claims.items()
            if self.claim_lines[key] not in bad
            and (c.article_hash in articles or c.article_hash in self.present_articles)
        ]
        restorer = restore.Restorer()
        article_ids = {**self.present_articles, **restorer.articles(list(articles.values()))}
        restorer.claims(claims, article_ids)
        ids = {key: (pk, False) for key, pk in restorer.written.claim_ids.items()}
        self.write_links(restorer, {**self.present_claims, **ids}, bad)
        written = restorer.written
        self.report.articles, self.report.claims = written.articles, written.claims
        self.report.verdicts, self.report.links = written.verdicts, written.links
        self.report.users_created = written.users_created
        self.write_comments(restorer, claims)

    def write_comments(self, restorer: restore.Restorer, claims: list[restore.NewClaim]) -> None:
        """The new claims' and their verdicts' threads, one comment at a time (few, next to claims)."""
        written = restorer.written
        targets = []
        for plan in claims:
            claim_id = written.claim_ids.get(plan.key)
            if claim_id is None:
                continue
            if plan.comments:
                targets.append(({"claim_id": claim_id}, plan.comments))
            for verdict in plan.verdicts:
                if verdict.comments and (claim_id, verdict.old_id) in written.verdict_ids:
                    targets.append(({"verdict_id": written.verdict_ids[(claim_id, verdict.old_id)]}, verdict.comments))
        if not targets:
            return
        restorer.ensure_users(
            name for _, records in targets for record in records for name in (record["author"], record["resolved_by"])
        )
        for target, records in targets:
            self.report.comments += import_thread_records(records, target, restorer.users)

    def write_links(self, restorer: restore.Restorer, claims: dict[str, tuple[int, bool]], bad: set[int]) -> None:
        # Claims named by links but in neither the file nor its articles: look them up by their articles.
        unknown = {key for link in self.links for key in (link.from_key, link.to_key) if key not in claims}
        for (digest, start, end, created_at), found in restore.claims_of_articles(
            {key.split(":", 1)[0] for key in unknown}
        ).items():
            claims.setdefault(exports.claim_key(digest, start, end, created_at), found)
        involved = {claims[key][0] for link in self.links for key in (link.from_key, link.to_key) if key in claims}
        present = restore.existing_links(involved)
        new, linked, waiting = [], set(), set()
        for link in self.links:
            triple = (link.from_key, link.to_key, link.relation)
            ends = claims.get(link.from_key), claims.get(link.to_key)
            if link.line in bad or None in ends or ends[0][1] or ends[1][1]:
                waiting.add(triple)
                continue
            linked.add(triple)
            (from_id, _), (to_id, _) = ends
            same = {(from_id, to_id, link.relation)}
            if link.relation in ClaimLink.SYMMETRIC:
                same.add((to_id, from_id, link.relation))
            if same & present:
                continue
            present.add((from_id, to_id, link.relation))
            new.append(restore.NewLink(from_id, to_id, link.relation, link.note, link.created_by, link.created_at))
        restorer.links(new)
        self.report.waiting_links = waiting - linked


def new_comments(records: list) -> list[dict]:
    """A claim's or verdict's comment records, validated in memory (objects, authors, length, replies listed
    after their thread's root); the target rules are checked again when written (services.import_comment)."""
    comments, listed = [], set()
    for record in records:
        if not isinstance(record, dict):
            raise LineError("each comment must be an object.")
        parent = _int_or_none(record, "parent")
        if parent is not None and parent not in listed:
            raise LineError(f"comment {record.get('id')!r} replies to comment {parent}, not listed before it.")
        deleted_at = restore.utc(_datetime(record, "deleted_at"))
        text = _text(record, "text")
        if deleted_at is None or text:
            check_length("comment", text, limits.MAX_COMMENT)
        comments.append(
            {
                "id": record["id"] if isinstance(record.get("id"), int) else None,
                "parent": parent,
                "author": _username(record.get("author"), required=True),
                "text": text,
                "created_at": restore.utc(_datetime(record, "created_at", required=True)),
                "edited_at": restore.utc(_datetime(record, "edited_at")),
                "deleted_at": deleted_at,
                "resolved_at": restore.utc(_datetime(record, "resolved_at")),
                "resolved_by": _username(record.get("resolved_by")),
            }
        )
        if comments[-1]["id"] is not None:
            listed.add(comments[-1]["id"])
    return comments


def import_thread_records(records: list[dict], target: dict, users: dict) -> int:
    """Write validated comment records on a claim or a verdict (target: {"claim_id": id} or {"verdict_id": id})."""
    claim = Claim(pk=target["claim_id"]) if "claim_id" in target else None
    verdict = Verdict(pk=target["verdict_id"]) if "verdict_id" in target else None
    imported: dict[int, object] = {}
    for record in records:
        parent = imported.get(record["parent"]) if record["parent"] is not None else None
        comment = services.import_comment(
            user=users[record["author"]],
            text=record["text"],
            claim=claim if parent is None else None,
            verdict=verdict if parent is None else None,
            parent=parent,
            created_at=record["created_at"],
            edited_at=record["edited_at"],
            deleted_at=record["deleted_at"],
            resolved_at=record["resolved_at"],
            resolved_by=users.get(record["resolved_by"]) if record["resolved_by"] else None,
        )
        if record["id"] is not None:
            imported[record["id"]] = comment
    return len(records)


# A date and time as an export writes one in UTC (_iso: isoformat of an aware UTC value, microseconds only
# when not zero): parsed and formatted again it reads the same, so a claim's key can take the text as it is.
_UTC_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?\+00:00")


def _claim_key(digest: str, start, end, created_at: datetime, text) -> str:
    """exports.claim_key of a claim line, whose creation time `text` parsed to `created_at` (valid, in UTC).

    An export's own text is used as it is: formatting the date and time again was a fifth of a claim's checks.
    """
    if _UTC_ISO.fullmatch(text):
        return exports.claim_key_from_text(digest, start, end, text)
    return exports.claim_key(digest, start, end, created_at)


def _check_key(key: str) -> None:
    try:
        digest, span, stamp = key.split(":", 2)
        datetime.fromisoformat(stamp)
        if span:
            start, _, end = span.partition("-")
            int(start), int(end)
    except (AttributeError, ValueError):
        raise LineError(f"{key!r} is not a claim key (hash:start-end:created).") from None


def import_jsonl(lines: Iterable[str | bytes], *, skip_bad: bool = False) -> ImportReport:
    """Validate every line, then write in bulk; see the module docstring."""
    return Importer(skip_bad=skip_bad).run(lines)
