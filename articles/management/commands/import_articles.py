"""manage.py import_articles PATH...: import plain-text and HTML articles, reporting what was dropped.

`--url-list FILE` (and `--url URL` without files) fetch the pages instead, through the SSRF-guarded
fetcher (articles/importing/fetch.py), and import them the same way.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import exports
from articles.importing import article_files
from articles.importing import jobs as import_jobs

PROGRESS_WIDTH = 24


class Command(BaseCommand):
    help = (
        "Import articles from plain-text (.txt) and HTML (.html/.htm) files or directories of them. "
        "Keeps the original, stores the cleaned story text, reports the boilerplate it dropped, and "
        "skips articles already imported with the same text. A new text for a URL already imported revises "
        "that article and re-anchors its claims. With --url-list FILE, or --url URL and no files, fetches the "
        "pages from the web instead (public addresses only). Exits with status 1 if any file or address failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH", help="Files, or directories of .txt/.html/.htm files.")
        parser.add_argument("--source", default="", metavar="NAME", help="The outlet that published the articles.")
        parser.add_argument(
            "--url",
            action="append",
            default=[],
            metavar="URL",
            help="With one file: the article's address. Without files: fetch this page and import it (repeatable).",
        )
        parser.add_argument(
            "--url-list",
            metavar="FILE",
            help="Fetch and import the pages listed in FILE, one address a line ('#' comments; '-' reads stdin).",
        )
        parser.add_argument(
            "--language",
            default="",
            metavar="CODE",
            help="Language code (en, es, pt-BR); default: from the page, else en.",
        )
        parser.add_argument(
            "--user", default="", metavar="USERNAME", help="Record this desk member as having added the articles."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported and dropped; write nothing."
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Start a background job instead (a queue worker imports the files); print its id and page.",
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self.dry_run = options["dry_run"]
        self.interactive = self.stdout.isatty()
        paths, urls = options["paths"], options["url"]
        fetching = bool(options["url_list"]) or (bool(urls) and not paths)
        if fetching and paths:
            raise CommandError("Give files to import or addresses to fetch (--url-list), not both.")
        if not paths and not fetching:
            raise CommandError("Give files or directories to import, or addresses to fetch with --url or --url-list.")
        if paths and len(urls) > 1:
            raise CommandError("--url names the address of one file; without files, each --url is fetched.")
        import_options = article_files.ImportOptions(
            user=self._user(options["user"]),
            source_name=options["source"],
            url="" if fetching else "".join(urls),
            language=options["language"],
            dry_run=self.dry_run,
        )
        if options["background"]:
            addresses = urls + self._url_list(options["url_list"]) if fetching else []
            return self._start_job([] if fetching else paths, import_options, addresses)
        callbacks = {"on_start": self._progress, "on_report": self._report}
        try:
            if fetching:
                addresses = urls + self._url_list(options["url_list"])
                reports = article_files.import_urls(addresses, import_options, **callbacks)
            else:
                reports = article_files.import_paths(paths, import_options, **callbacks)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._clear_progress()
        self.stdout.write(article_files.summarise(reports))
        failed = sum(1 for report in reports if report.failed)
        if failed:
            noun = "address" if fetching else "file"
            counted = f"{len(reports)} {noun}{('es' if fetching else 's') if len(reports) != 1 else ''}"
            raise CommandError(f"{failed} of {counted} could not be imported.")

    def _url_list(self, name: str | None) -> list[str]:
        if not name:
            return []
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise CommandError(f"Cannot read the address list {name}: {reason}.") from None
        addresses = article_files.read_url_list(text)
        if not addresses:
            raise CommandError(f"The address list {name} holds no addresses (one a line; '#' starts a comment).")
        return addresses

    def _start_job(self, paths, import_options, addresses=()) -> None:
        """Read the files here (the worker may run on another host) and queue them as one job."""
        if import_options.dry_run:
            raise CommandError("--dry-run runs at once; leave out --background.")
        uploads, problems = [], []
        for name, path, problem in article_files.expand_paths(paths):
            if problem:
                problems.append(problem)
                continue
            try:
                uploads.append((name, path.read_bytes()))
            except OSError as error:
                problems.append(f"{name} could not be read: {error.strerror or error}.")
        if problems:
            raise CommandError(" ".join(problems))
        try:
            job = import_jobs.start_import(
                user=import_options.user, uploads=uploads, urls=addresses, options=import_options
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        page = exports.Urls.for_site().site + job.get_absolute_url()
        self.stdout.write(f"Started job #{job.pk}: {job.total} item{'s' if job.total != 1 else ''} to import.")
        self.stdout.write(f"Watch it at {page}")

    def _user(self, username: str):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    # ---------------------------------------------------------------- output

    def _progress(self, number: int, total: int, name: str) -> None:
        """On a terminal, one line redrawn in place: [#####-----] 3/5 name."""
        if not self.interactive:
            return
        done = PROGRESS_WIDTH * (number - 1) // total
        bar = "#" * done + "-" * (PROGRESS_WIDTH - done)
        self.stdout.write(f"\r\033[K[{bar}] {number}/{total} {name}", ending="")
        self.stdout.flush()

    def _clear_progress(self) -> None:
        if self.interactive:
            self.stdout.write("\r\033[K", ending="")

    def _report(self, report: article_files.FileReport) -> None:
        self._clear_progress()
        style = {
            article_files.Outcome.IMPORTED: self.style.SUCCESS,
            article_files.Outcome.REVISED: self.style.WARNING,
            article_files.Outcome.DUPLICATE: self.style.WARNING,
            article_files.Outcome.FAILED: self.style.ERROR,
        }[report.outcome]
        # Failures go to stderr so they are seen even when the per-file lines are piped away.
        (self.stderr if report.failed else self.stdout).write(style(report.headline()))
        if report.failed or self.verbosity < 1:
            return
        for line in filter(None, [report.details(), *report.notes, report.dropped_summary()]):
            self.stdout.write(f"    {line}")
        if self.dry_run or self.verbosity >= 2:
            for label, text in report.dropped_lines():
                shown = text if len(text) <= 100 else text[:99] + "…"
                self.stdout.write(f"      - {label}: {shown}")
