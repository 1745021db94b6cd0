"""Import article files, and pages fetched by URL, into the desk: read, parse, decide, store (services).

The management command and the admin upload both call `import_file_data` per file, so both refuse the
same files with the same messages and report the same boilerplate. Whether an incoming article is
new, a duplicate or a revision of one already stored is decided in one place: `decide_import`. A
revision (a new text for a stored URL) goes through services.revise_article, which re-anchors the
article's claims; the report says how many stayed anchored, were relocated or were orphaned.
"""

import dataclasses
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles import services
from articles.errors import DuplicateArticle
from articles.importing import fetch
from articles.importing.parse import CATEGORIES, LANGUAGE_CODE, ParsedArticle, UnreadableArticle, parse_html, parse_text
from articles.models import Article, http_url_validator

MAX_FILE_BYTES = 5 * 1024 * 1024
FORMATS_BY_SUFFIX = {".txt": Article.Format.TEXT, ".html": Article.Format.HTML, ".htm": Article.Format.HTML}


# ---------------------------------------------------------------- the import policy


class Decision(enum.Enum):
    NEW = "new"
    DUPLICATE = "duplicate"
    REVISION = "revision"


@dataclass(frozen=True)
class ImportDecision:
    kind: Decision
    existing: Article | None = None
    why: str = ""


def decide_import(*, body: str, url: str = "") -> ImportDecision:
    """What an incoming article is, given what is stored: the single place the import policy lives.

    The same text as a stored article is a duplicate and is skipped. A different text for a stored
    URL is a newer version of that article (an outlet's correction): a revision.
    """
    found = services.find_duplicate(body=body, url=url)
    if found is None:
        return ImportDecision(Decision.NEW)
    existing, why = found
    if why == "same URL":
        return ImportDecision(Decision.REVISION, existing, why)
    return ImportDecision(Decision.DUPLICATE, existing, why)


# ---------------------------------------------------------------- per-file report


class Outcome(enum.StrEnum):
    IMPORTED = "imported"
    REVISED = "revised"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass
class FileReport:
    """What happened to one file; `article` is the new article, or the stored one a duplicate matches."""

    name: str
    outcome: Outcome
    message: str = ""
    parsed: ParsedArticle | None = None
    article: Article | None = None
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    def headline(self) -> str:
        if self.outcome is Outcome.FAILED:
            return f"Not imported: {self.message}"
        if self.outcome is Outcome.DUPLICATE:
            return f"{self.name}: skipped as a duplicate: {self.message}"
        if self.outcome is Outcome.REVISED:
            verb = "would revise" if self.dry_run else "revised"
            return f"{self.name}: {verb}: {self.message} — article #{self.article.pk} “{self.article.title}”"
        title = self.parsed.title if self.parsed else ""
        if self.dry_run:
            return f"{self.name}: would import “{title}”"
        return f"{self.name}: imported as article #{self.article.pk} “{title}”"

    def details(self) -> str:
        """Byline, date, size of the body; empty for failures."""
        if self.parsed is None or self.outcome is Outcome.FAILED:
            return ""
        parsed = self.parsed
        paragraphs = parsed.body.count("\n\n") + 1
        parts = [
            f"by {parsed.byline}" if parsed.byline else "no byline",
            f"published {parsed.published.isoformat()}" if parsed.published else "no date",
            f"{paragraphs} paragraph{'s' if paragraphs != 1 else ''}, {len(parsed.body):,} characters",
        ]
        return "; ".join(parts)

    def dropped_lines(self) -> list[tuple[str, str]]:
        """Each dropped line with its category's label."""
        if self.parsed is None:
            return []
        return [(CATEGORIES.get(category, category), text) for category, text in self.parsed.dropped]

    def dropped_summary(self) -> str:
        """One line: how many lines of boilerplate were dropped, by category."""
        if self.parsed is None:
            return ""
        counts = self.parsed.dropped_counts()
        if not counts:
            return "dropped no boilerplate"
        total = sum(counts.values())
        parts = ", ".join(f"{count} {CATEGORIES.get(category, category)}" for category, count in counts.items())
        return f"dropped {total} line{'s' if total != 1 else ''} of boilerplate: {parts}"


# ---------------------------------------------------------------- reading files


def decode_article_file(name: str, data: bytes) -> tuple[str, str]:
    """The file's text and its format ("text" or "html"); UnreadableArticle says why it has none."""
    if not data.strip():
        raise UnreadableArticle("is empty" + (" (0 bytes)" if not data else " (only whitespace)"))
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableArticle(
            f"is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB per file"
        )
    if b"\x00" in data[:8192]:
        raise UnreadableArticle("is a binary file, not text (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableArticle(
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start} is invalid); "
            "save it as UTF-8 and import it again"
        ) from None
    return text, _format_of(name, text)


def _format_of(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in FORMATS_BY_SUFFIX:
        return FORMATS_BY_SUFFIX[suffix]
    head = text.lstrip()[:1000].lower()
    looks_html = head.startswith(("<!doctype html", "<html")) or "<body" in head
    return Article.Format.HTML if looks_html else Article.Format.TEXT


# ---------------------------------------------------------------- importing one file


@dataclass
class ImportOptions:
    """Choices that apply to every file of one import."""

    user: object = None
    source_name: str = ""
    url: str = ""
    language: str = ""
    dry_run: bool = False


def validate_options(options: ImportOptions) -> None:
    """Refuse a malformed --url or --language before any file is read."""
    if options.url:
        try:
            http_url_validator(options.url)
        except ValidationError:
            raise ValidationError({"url": f"{options.url!r} is not an http(s) URL."}) from None
    if options.language and not LANGUAGE_CODE.match(options.language):
        raise ValidationError({"language": f"{options.language!r} is not a language code such as en, es or pt-BR."})


def import_file_data(name: str, data: bytes, options: ImportOptions) -> FileReport:
    """Import one file's bytes; never raises for a bad file, the report says what was wrong."""
    try:
        raw, raw_format = decode_article_file(name, data)
        parsed = parse_html(raw, url=options.url or None) if raw_format == "html" else parse_text(raw)
    except UnreadableArticle as error:
        return FileReport(name, Outcome.FAILED, f"{name} {error}.", dry_run=options.dry_run)
    return import_parsed(name, parsed, raw=raw, raw_format=raw_format, options=options)


def import_parsed(name: str, parsed: ParsedArticle, *, raw: str, raw_format: str, options: ImportOptions):
    report = FileReport(name, Outcome.IMPORTED, parsed=parsed, dry_run=options.dry_run)
    report.notes.extend(parsed.notes)
    url = options.url or _usable_url(parsed.url, report)
    decision = decide_import(body=parsed.body, url=url)
    if decision.kind is Decision.DUPLICATE:
        return _duplicate(report, decision)
    if decision.kind is Decision.REVISION:
        return _revise(report, decision.existing, parsed, raw=raw, raw_format=raw_format, options=options)
    if decision.kind is not Decision.NEW:
        raise NotImplementedError(f"decide_import returned {decision.kind}, which the importer does not handle")
    if options.dry_run:
        return report
    try:
        report.article = services.create_article(
            user=options.user,
            title=parsed.title,
            body=parsed.body,
            source=services.get_or_create_source(options.source_name, user=options.user),
            url=url,
            byline=parsed.byline,
            published=parsed.published,
            language=options.language or parsed.language or "en",
            raw=raw,
            raw_format=raw_format,
        )
    except DuplicateArticle as duplicate:
        return _duplicate(report, ImportDecision(Decision.DUPLICATE, duplicate.existing, "same text or URL"))
    except IntegrityError:
        # Someone imported the same article between our check and our insert.
        decision = decide_import(body=parsed.body, url=url)
        if decision.kind is not Decision.DUPLICATE:
            raise
        return _duplicate(report, decision)
    except ValidationError as error:
        report.outcome, report.message = Outcome.FAILED, f"{name} was refused: {_error_text(error)}"
    return report


def _revise(report: FileReport, existing: Article, parsed: ParsedArticle, *, raw, raw_format, options) -> FileReport:
    """Store the newer text of an article already imported from this URL and re-anchor its claims.

    A dry run revises inside a transaction that is rolled back, so its counts are the real ones.
    """
    user = options.user
    if user is not None and not user.has_perm("articles.change_article"):
        report.outcome = Outcome.FAILED
        report.message = (
            f"{report.name} is a newer version of article #{existing.pk} “{existing.title}” (same URL), "
            "and your role may not revise articles; ask an editor to import it."
        )
        return report
    try:
        with transaction.atomic():
            result = services.revise_article(
                user=user,
                article=existing,
                body=parsed.body,
                title=parsed.title,
                raw=raw,
                raw_format=raw_format,
                reason=f"newer version imported from {_origin(report.name)}",
            )
            transaction.set_rollback(options.dry_run)
    except ValidationError as error:
        report.outcome, report.message = Outcome.FAILED, f"{report.name} was refused: {_error_text(error)}"
        return report
    report.outcome, report.article, report.message = Outcome.REVISED, result.article, result.summary()
    return report


def _origin(name: str) -> str:
    """Where a revision came from: the whole address of a fetched page, the file name of a file."""
    return name if "://" in name else Path(name).name


def _duplicate(report: FileReport, decision: ImportDecision) -> FileReport:
    report.outcome = Outcome.DUPLICATE
    report.article = decision.existing
    report.message = f"already imported as article #{decision.existing.pk} “{decision.existing.title}” ({decision.why})"
    return report


def _usable_url(url: str, report: FileReport) -> str:
    """The page's own URL (canonical / og:url) when it is a proper http(s) address; noted when not."""
    if not url:
        return ""
    try:
        http_url_validator(url)
    except ValidationError:
        report.notes.append(f"ignored the page's URL {url!r}: not an http(s) URL")
        return ""
    return url


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items())
    return " ".join(error.messages)


# ---------------------------------------------------------------- importing paths


def expand_paths(paths: Iterable[str | Path]) -> list[tuple[str, Path | None, str]]:
    """Each file to import as (name, path, problem): directories give their .txt/.html/.htm files."""
    files: list[tuple[str, Path | None, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FORMATS_BY_SUFFIX)
            if not inside:
                files.append((str(path), None, f"{path} is a directory with no .txt, .html or .htm files."))
            files.extend((str(p), p, "") for p in inside)
        elif not path.exists():
            files.append((str(path), None, f"{path} does not exist."))
        elif not path.is_file():
            files.append((str(path), None, f"{path} is not a regular file."))
        else:
            files.append((str(path), path, ""))
    return files


def import_paths(
    paths: Iterable[str | Path],
    options: ImportOptions,
    *,
    on_start: Callable[[int, int, str], None] | None = None,
    on_report: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Import every file under `paths`, one after the other; a bad file fails alone."""
    validate_options(options)
    files = expand_paths(paths)
    if options.url and len(files) > 1:
        raise ValidationError({"url": f"--url names one article, but {len(files)} files were given."})
    jobs = [
        (
            name,
            lambda name=name, path=path, problem=problem: (
                FileReport(name, Outcome.FAILED, problem, dry_run=options.dry_run)
                if problem
                else _import_path(name, path, options)
            ),
        )
        for name, path, problem in files
    ]
    return _run(jobs, options, on_start=on_start, on_report=on_report)


def import_uploads(uploads: Iterable[tuple[str, bytes]], options: ImportOptions) -> list[FileReport]:
    """Import uploaded files given as (name, content) pairs; a bad file fails alone."""
    validate_options(options)
    uploads = list(uploads)
    if options.url and len(uploads) > 1:
        raise ValidationError({"url": f"A URL names one article, but {len(uploads)} files were given."})
    jobs = [(name, lambda name=name, data=data: import_file_data(name, data, options)) for name, data in uploads]
    return _run(jobs, options)


def _run(jobs, options: ImportOptions, *, on_start=None, on_report=None) -> list[FileReport]:
    reports = []
    seen = _BatchMemory()
    for number, (name, job) in enumerate(jobs, start=1):
        if on_start:
            on_start(number, len(jobs), name)
        report = job()
        if options.dry_run:
            seen.check(report)
        reports.append(report)
        if on_report:
            on_report(report)
    return reports


def _import_path(name: str, path: Path, options: ImportOptions) -> FileReport:
    try:
        data = path.read_bytes()
    except OSError as error:
        message = f"{name} could not be read: {error.strerror or error}."
        return FileReport(name, Outcome.FAILED, message, dry_run=options.dry_run)
    return import_file_data(name, data, options)


class _BatchMemory:
    """In a dry run nothing is stored, so a file repeating an earlier one of the batch is caught here."""

    def __init__(self):
        self.by_body: dict[str, str] = {}
        self.by_url: dict[str, str] = {}

    def check(self, report: FileReport) -> None:
        if report.outcome is not Outcome.IMPORTED or report.parsed is None:
            return
        body, url = report.parsed.body, report.parsed.url
        earlier = self.by_body.get(body) or (self.by_url.get(url) if url else None)
        if earlier:
            report.outcome = Outcome.DUPLICATE
            report.message = f"repeats {earlier} of this import"
            return
        self.by_body[body] = report.name
        if url:
            self.by_url[url] = report.name


# ---------------------------------------------------------------- importing by URL


def read_url_list(text: str) -> list[str]:
    """The addresses in a list: one a line; blank lines and lines starting with # are skipped."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def import_url(url: str, options: ImportOptions) -> FileReport:
    """Fetch one page (fetch.py: public addresses only) and import it like a file; never raises for this URL.

    The article's URL is the final one, after redirects: that is where the text was found, so
    importing a short link and then the page it leads to gives one article (a duplicate or a
    revision), not two. The page's own canonical/og:url is not trusted for this (any page could name
    another article's address and revise it); when it differs, the report notes it.
    """
    url = url.strip()
    try:
        page = fetch.fetch_page(url)
    except fetch.FetchError as error:
        return FileReport(url, Outcome.FAILED, f"{url}: {error}.", dry_run=options.dry_run)
    try:
        # Parsed without our URL, so that parsed.url is the address the page gives itself, for the note below.
        parsed = parse_html(page.text) if page.format == "html" else parse_text(page.text)
    except UnreadableArticle as error:
        return FileReport(url, Outcome.FAILED, f"{url} {error}.", dry_run=options.dry_run)
    notes = []
    if page.redirects:
        notes.append(f"redirected to {page.url}")
    if parsed.url and parsed.url.rstrip("/") != page.url.rstrip("/"):
        notes.append(f"the page gives its address as {parsed.url}; stored with {page.url}, where it was fetched")
    parsed.url = page.url
    options = dataclasses.replace(options, url=page.url)
    report = import_parsed(url, parsed, raw=page.text, raw_format=page.format, options=options)
    report.notes[:0] = notes
    return report


def import_urls(
    urls: Iterable[str],
    options: ImportOptions,
    *,
    on_start: Callable[[int, int, str], None] | None = None,
    on_report: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Fetch and import each address in turn; a bad one fails alone, a repeated one is not fetched again."""
    if options.url:
        raise ValidationError({"url": "Addresses to fetch give their own URL; leave the URL option empty."})
    validate_options(options)
    first_seen: dict[str, str] = {}
    jobs = []
    for url in (url.strip() for url in urls):
        if not url:
            continue
        key = _url_key(url)
        if key in first_seen:
            message = f"repeats {first_seen[key]} earlier in this list; fetched once"
            jobs.append((url, lambda url=url, message=message: _listed_twice(url, message, options)))
            continue
        first_seen[key] = url
        jobs.append((url, lambda url=url: import_url(url, options)))
    return _run(jobs, options, on_start=on_start, on_report=on_report)


def _listed_twice(url: str, message: str, options: ImportOptions) -> FileReport:
    return FileReport(url, Outcome.DUPLICATE, message, dry_run=options.dry_run)


def _url_key(url: str) -> str:
    """The same address however it was written: scheme and host in lower case, no fragment."""
    split = urlsplit(url)
    return urlunsplit((split.scheme.lower(), split.netloc.lower(), split.path or "/", split.query, ""))


def summarise(reports: list[FileReport]) -> str:
    """ "3 imported, 1 skipped as duplicates, 1 failed" (dry run: "would import")."""
    counts = {outcome: sum(1 for report in reports if report.outcome is outcome) for outcome in Outcome}
    dry_run = any(report.dry_run for report in reports)
    imported = "would import" if dry_run else "imported"
    revised = ""
    if counts[Outcome.REVISED]:
        revised = f"{counts[Outcome.REVISED]} {'would be revised' if dry_run else 'revised'}, "
    return (
        f"{counts[Outcome.IMPORTED]} {imported}, {revised}{counts[Outcome.DUPLICATE]} skipped as duplicates, "
        f"{counts[Outcome.FAILED]} failed."
    )
