"""Import back a JSON Lines export (exports.write_jsonl): move a desk's data between instances, or restore a backup.

Record by record, in file order, each line in its own transaction: a bad line is reported with its
number and leaves nothing behind; the lines around it still load. Importing the same file again adds
nothing: every record is matched against what is already there first.

- article: matched by its text (content hash). New ones go through services.create_article (which
  refuses a different text under an URL already stored: that line is reported).
- claim: matched by its key (article text hash, span, creation time), which survives the move while
  ids do not. Anchored claims go through services.create_claim; relocated and orphaned ones, which no
  service creates, are written directly but validated by the model (full_clean) first.
- link: listed on both of its claims, it is created (services.link_claims) when the second of the two
  is imported, whatever the order; links to claims that are not in the file are counted, not created.
- verdicts and their evidence: restored exactly as exported (state, editor, dates, the verdict a
  correction corrects). The workflow services only move verdicts forward from a draft, so these rows
  are written directly inside the line's transaction, each validated with full_clean first.
- comments (on the claim, and on each of its verdicts) come with a new claim, through
  services.import_comment: times, deletion and thread state as exported, nobody notified, mentions read
  again from the text. A claim already present keeps the comments it has.
- users are matched by username; a missing one is created inactive, with no password and no role,
  so authorship survives and nobody can sign in as them until an administrator says so.

Timestamps (created/updated) are restored as exported, so re-exporting gives the same file apart
from ids and the URLs built from them.
"""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from articles import exports, services
from articles.errors import DuplicateArticle
from articles.models import Article, Claim, ClaimLink, Evidence, Verdict, content_hash


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
    # (from key, to key, relation) of links whose other claim has not been seen (yet).
    waiting_links: set[tuple[str, str, str]] = field(default_factory=set)

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


@dataclass
class LineChanges:
    """What one line did; merged into the report only when its transaction commits."""

    counts: Counter = field(default_factory=Counter)
    users: dict = field(default_factory=dict)
    waiting: set = field(default_factory=set)
    linked: set = field(default_factory=set)

    def merge_into(self, report: ImportReport, users: dict) -> None:
        for name, count in self.counts.items():
            setattr(report, name, getattr(report, name) + count)
        report.users_created.extend(self.users)
        users.update(self.users)
        report.waiting_links -= self.linked
        report.waiting_links |= self.waiting


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


def _message(error: Exception) -> str:
    if isinstance(error, IntegrityError):
        return f"refused by the database: {error}."
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
        return " ".join(error.messages)
    return str(error)


# ---------------------------------------------------------------- the importer


class Importer:
    def __init__(self):
        self.report = ImportReport()
        self._users: dict[str, object] = {}
        self.line = LineChanges()

    def run(self, lines: Iterable[str | bytes]) -> ImportReport:
        for number, line in enumerate(lines, start=1):
            self.line = LineChanges()
            try:
                self.import_line(line)
            except (LineError, ValidationError, DuplicateArticle, IntegrityError) as error:
                self.report.errors.append((number, _message(error)))
            else:
                self.line.merge_into(self.report, self._users)
        return self.report

    def import_line(self, line: str | bytes) -> None:
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as error:
                raise LineError(f"not UTF-8 ({error.reason} at byte {error.start}).") from None
        if not line.strip():
            return
        try:
            record = json.loads(line)
        except ValueError as error:
            raise LineError(f"not valid JSON: {error}.") from None
        if not isinstance(record, dict):
            raise LineError("expected a JSON object.")
        kind = record.get("type")
        handlers = {"export": self.check_header, "article": self.import_article, "claim": self.import_claim}
        if kind not in handlers:
            raise LineError(f"unknown record type {kind!r} (expected export, article or claim).")
        # One transaction per line: if anything in it fails, nothing of it stays.
        with transaction.atomic():
            handlers[kind](record)

    # ------------------------------------------------------------ records

    def check_header(self, record: dict) -> None:
        if record.get("format") != exports.JSONL_FORMAT_NAME:
            raise LineError(f"not a claims export (format {record.get('format')!r}).")
        version = record.get("version")
        if not isinstance(version, int) or version > exports.JSONL_FORMAT_VERSION:
            raise LineError(f"export version {version!r} is newer than this instance reads.")

    def import_article(self, record: dict) -> None:
        body = _text(record, "body", required=True)
        digest = _text(record, "content_hash", required=True)
        if content_hash(body) != digest:
            raise LineError("the article text does not match its content_hash (was the file edited?).")
        if Article.objects.filter(content_hash=digest).exists():
            self.line.counts["already_present"] += 1
            return
        source, added_by = _object(record, "source"), self.user(record.get("added_by"))
        if source is not None:
            source = services.get_or_create_source(_text(source, "name"), _text(source, "homepage"), user=added_by)
        article = services.create_article(
            user=added_by,
            title=_text(record, "title", required=True),
            body=body,
            source=source,
            url=_text(record, "url"),
            byline=_text(record, "byline"),
            published=_date(record, "published"),
            language=_text(record, "language") or "en",
            raw=_text(record, "raw"),
            raw_format=_text(record, "raw_format") or Article.Format.MANUAL,
        )
        Article.objects.filter(pk=article.pk).update(
            created_at=_datetime(record, "created_at", required=True),
            updated_at=_datetime(record, "updated_at", required=True),
        )
        self.line.counts["articles"] += 1

    def import_claim(self, record: dict) -> None:
        article_ref = _object(record, "article", required=True)
        digest = _text(article_ref, "content_hash", required=True)
        article = Article.objects.filter(content_hash=digest).first()
        if article is None:
            raise LineError(f"its article ({digest[:12]}…) is not here; its article record must come first.")
        start, end = _int_or_none(record, "start"), _int_or_none(record, "end")
        created_at = _datetime(record, "created_at", required=True)
        own_key = exports.claim_key(digest, start, end, created_at)
        claim = self.find_claim(own_key)
        if claim is not None:
            # Imported before: only links whose other claim has arrived since can be new.
            self.line.counts["already_present"] += 1
            self.create_links(claim, own_key, _list(record, "links"))
            return
        claim = self.create_claim(record, article, start, end)
        self.create_verdicts(claim, _list(record, "verdicts"))
        self.create_comments(_list(record, "comments"), claim=claim)
        self.create_links(claim, own_key, _list(record, "links"))
        Claim.objects.filter(pk=claim.pk).update(
            created_at=created_at, updated_at=_datetime(record, "updated_at", required=True)
        )
        self.line.counts["claims"] += 1

    # ------------------------------------------------------------ claims

    def find_claim(self, key: str) -> Claim | None:
        """The claim with this export key, live or deleted, or None."""
        try:
            digest, span, stamp = key.split(":", 2)
            created_at = datetime.fromisoformat(stamp)
        except (AttributeError, ValueError):
            raise LineError(f"{key!r} is not a claim key (hash:start-end:created).") from None
        if span:
            start, _, end = span.partition("-")
            place = Q(start=int(start), end=int(end))
        else:
            place = Q(start__isnull=True, end__isnull=True)
        return Claim.objects.filter(place, article__content_hash=digest, created_at=created_at).first()

    def create_claim(self, record: dict, article: Article, start, end) -> Claim:
        creator = self.user(_text(record, "created_by", required=True))
        # The rows written here directly (not by a service) are recorded as the creator's, as the services' are.
        with services.acting_user(creator):
            return self._create_claim(record, article, start, end, creator)

    def _create_claim(self, record: dict, article: Article, start, end, creator) -> Claim:
        speaker = None
        if (speaker_record := _object(record, "speaker")) is not None:
            speaker = services.get_or_create_speaker(
                user=creator,
                name=_text(speaker_record, "name", required=True),
                description=_text(speaker_record, "description"),
                affiliation=_text(speaker_record, "affiliation"),
            )
        quote, summary = _text(record, "quote", required=True), _text(record, "summary")
        tags = _list(record, "tags")
        state = _text(record, "anchor_state") or Claim.AnchorState.ANCHORED
        prefix, suffix = _text(record, "prefix"), _text(record, "suffix")
        if state == Claim.AnchorState.ANCHORED:
            claim = services.create_claim(
                user=creator, article=article, start=start, end=end, quote=quote,
                speaker=speaker, summary=summary, tags=tags,
            )  # fmt: skip
            if (claim.prefix, claim.suffix) == (prefix, suffix):
                return claim
        else:
            # No service creates a relocated or orphaned claim (they only arise when an article is
            # revised), so the row is written here, validated by the model's own rules first.
            claim = Claim(
                article=article, start=start, end=end, quote=quote, speaker=speaker,
                summary=summary.strip(), anchor_state=state, created_by=creator,
            )  # fmt: skip
            claim.full_clean(exclude=["prefix", "suffix"])
            claim.save()
            if tags:
                claim = services.update_claim(user=creator, claim=claim, version=claim.version, tags=tags)
        # Context as exported: it may predate a revision of the article.
        claim.prefix, claim.suffix = prefix, suffix
        claim.full_clean()
        claim.save(update_fields=["prefix", "suffix"])
        return claim

    # ------------------------------------------------------------ links

    def create_links(self, claim: Claim, own_key: str, links: list) -> None:
        for link in links:
            if not isinstance(link, dict):
                raise LineError("each link must be an object.")
            direction = link.get("direction")
            if direction not in ("out", "in"):
                raise LineError(f"a link's direction must be 'out' or 'in', got {direction!r}.")
            relation = _text(link, "relation", required=True)
            other_key = _text(link, "claim_key", required=True)
            pair = (own_key, other_key) if direction == "out" else (other_key, own_key)
            other = self.find_claim(other_key)
            if other is None or other.is_deleted:
                self.line.waiting.add((*pair, relation))
                continue
            self.line.linked.add((*pair, relation))
            from_claim, to_claim = (claim, other) if direction == "out" else (other, claim)
            if self._linked(from_claim, to_claim, relation):
                continue
            created = services.link_claims(
                user=self.user(_text(link, "created_by", required=True)),
                from_claim=from_claim,
                to_claim=to_claim,
                relation=relation,
                note=_text(link, "note"),
            )
            ClaimLink.objects.filter(pk=created.pk).update(created_at=_datetime(link, "created_at", required=True))
            self.line.counts["links"] += 1

    @staticmethod
    def _linked(from_claim: Claim, to_claim: Claim, relation: str) -> bool:
        same = Q(from_claim=from_claim, to_claim=to_claim)
        if relation in ClaimLink.SYMMETRIC:
            same |= Q(from_claim=to_claim, to_claim=from_claim)
        return ClaimLink.objects.filter(same, relation=relation).exists()

    # ------------------------------------------------------------ verdicts

    def create_verdicts(self, claim: Claim, verdicts: list) -> None:
        # Written directly (see the module docstring), each row validated by full_clean first.
        imported: dict[int, Verdict] = {}
        for record in verdicts:
            if not isinstance(record, dict):
                raise LineError("each verdict must be an object.")
            corrects = None
            if (old_id := _int_or_none(record, "corrects")) is not None:
                corrects = imported.get(old_id)
                if corrects is None:
                    raise LineError(f"verdict {record.get('id')!r} corrects verdict {old_id}, not listed before it.")
            author = self.user(_text(record, "author", required=True))
            with services.acting_user(author):
                verdict = self.create_verdict(claim, record, author, corrects)
            if isinstance(record.get("id"), int):
                imported[record["id"]] = verdict
            self.line.counts["verdicts"] += 1

    def create_verdict(self, claim: Claim, record: dict, author, corrects) -> Verdict:
        verdict = Verdict(
            claim=claim,
            rating=_text(record, "rating"),
            headline=_text(record, "headline"),
            explanation=_text(record, "explanation"),
            state=_text(record, "state", required=True),
            author=author,
            editor=self.user(record.get("editor")),
            assigned_to=self.user(record.get("assigned_to")),
            corrects=corrects,
            correction_note=_text(record, "correction_note"),
            submitted_at=_datetime(record, "submitted_at"),
            approved_at=_datetime(record, "approved_at"),
            published_at=_datetime(record, "published_at"),
        )
        verdict._change_reason = "imported"
        verdict.full_clean()
        verdict.save()
        for position, item in enumerate(_list(record, "evidence")):
            if not isinstance(item, dict):
                raise LineError("each evidence item must be an object.")
            evidence = Evidence(
                verdict=verdict,
                url=_text(item, "url", required=True),
                title=_text(item, "title"),
                note=_text(item, "note"),
                position=_int_or_none(item, "position") if item.get("position") is not None else position,
            )
            evidence.full_clean()
            evidence.save()
        self.create_comments(_list(record, "comments"), verdict=verdict)
        Verdict.objects.filter(pk=verdict.pk).update(
            created_at=_datetime(record, "created_at", required=True),
            updated_at=_datetime(record, "updated_at", required=True),
        )
        return verdict

    # ------------------------------------------------------------ comments

    def create_comments(self, comments: list, *, claim=None, verdict=None) -> None:
        """A claim's or verdict's threads, roots before their replies (the export's order)."""
        imported: dict[int, object] = {}
        for record in comments:
            if not isinstance(record, dict):
                raise LineError("each comment must be an object.")
            parent = None
            if (parent_id := _int_or_none(record, "parent")) is not None:
                parent = imported.get(parent_id)
                if parent is None:
                    raise LineError(
                        f"comment {record.get('id')!r} replies to comment {parent_id}, not listed before it."
                    )
            comment = services.import_comment(
                user=self.user(_text(record, "author", required=True)),
                text=_text(record, "text"),
                claim=claim if parent is None else None,
                verdict=verdict if parent is None else None,
                parent=parent,
                created_at=_datetime(record, "created_at", required=True),
                edited_at=_datetime(record, "edited_at"),
                deleted_at=_datetime(record, "deleted_at"),
                resolved_at=_datetime(record, "resolved_at"),
                resolved_by=self.user(record.get("resolved_by")),
            )
            if isinstance(record.get("id"), int):
                imported[record["id"]] = comment
            self.line.counts["comments"] += 1

    # ------------------------------------------------------------ users

    def user(self, username):
        """The user with this username; a missing one is created inactive, without password or role."""
        if username in (None, ""):
            return None
        if not isinstance(username, str):
            raise LineError(f"a username must be a string, got {username!r}.")
        if username in self._users:
            return self._users[username]
        if username in self.line.users:
            return self.line.users[username]
        users = get_user_model()
        found = users.objects.filter(username=username).first()
        if found is None:
            found = users(username=username, is_active=False)
            found.set_unusable_password()
            found.full_clean()
            found.save()
            self.line.users[username] = found  # kept only if the line commits
            return found
        self._users[username] = found
        return found


def import_jsonl(lines: Iterable[str | bytes]) -> ImportReport:
    """Import every line; see the module docstring for what is matched, created and reported."""
    return Importer().run(lines)
