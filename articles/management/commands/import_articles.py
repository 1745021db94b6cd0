"""manage.py import_articles PATH...: import plain-text and HTML articles, reporting what was dropped."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.importing import article_files
from articles.importing import jobs as import_jobs

PROGRESS_WIDTH = 24


class Command(BaseCommand):
    help = (
        "Import articles from plain-text (.txt) and HTML (.html/.htm) files or directories of them. "
        "Keeps the original, stores the cleaned story text, reports the boilerplate it dropped, and "
        "skips articles already imported with the same text. A new text for a URL already imported revises "
        "that article and re-anchors its claims. Exits with status 1 if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files, or directories of .txt/.html/.htm files.")
        parser.add_argument("--source", default="", metavar="NAME", help="The outlet that published the articles.")
        parser.add_argument("--url", default="", metavar="URL", help="The article's address (only with one file).")
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
        import_options = article_files.ImportOptions(
            user=self._user(options["user"]),
            source_name=options["source"],
            url=options["url"],
            language=options["language"],
            dry_run=self.dry_run,
        )
        if options["background"]:
            return self._start_job(options["paths"], import_options)
        try:
            reports = article_files.import_paths(
                options["paths"], import_options, on_start=self._progress, on_report=self._report
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._clear_progress()
        self.stdout.write(article_files.summarise(reports))
        failed = sum(1 for report in reports if report.failed)
        if failed:
            counted = f"{len(reports)} file{'s' if len(reports) != 1 else ''}"
            raise CommandError(f"{failed} of {counted} could not be imported.")

    def _start_job(self, paths, import_options) -> None:
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
            job = import_jobs.start_import(user=import_options.user, uploads=uploads, options=import_options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        page = settings.FACTCHECK_SITE_URL + job.get_absolute_url()
        self.stdout.write(f"Started job #{job.pk}: {job.total} file{'s' if job.total != 1 else ''} to import.")
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
