"""python manage.py import_claims FILE.jsonl [--dry-run] [--skip-bad]

Loads a JSON Lines export (export_claims --format jsonl, or the JSON Lines download) into this
instance: articles, sources, speakers, claims, links, verdicts with their evidence and states.
Every line is validated first; bad lines are listed with their number and nothing is written,
unless --skip-bad, which writes the good lines and leaves the bad ones out. The writes are bulk
inserts. Importing the same file twice adds nothing the second time. See articles/importing/jsonl.py.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.importing.jsonl import import_jsonl


class DryRun(Exception):
    """Raised to roll back everything a --dry-run imported."""


class Command(BaseCommand):
    help = "Import a JSON Lines claims export (from this or another instance)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .jsonl file ('-' for standard input).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, then roll everything back.")
        parser.add_argument(
            "--skip-bad", action="store_true", help="Import the good lines even when some are bad (listed)."
        )

    def handle(self, *args, file, dry_run, skip_bad, **options):
        self.skip_bad = skip_bad
        try:
            report = self._import(file, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        for number, message in report.errors:
            self.stderr.write(f"line {number}: {message}")
        prefix = "Dry run (nothing kept): " if dry_run else ""
        self.stdout.write(prefix + report.summary())
        if report.errors and not report.written:
            raise CommandError(
                f"{len(report.errors)} lines are bad: nothing was imported (--skip-bad imports the other lines)."
            )
        if report.errors:
            raise CommandError(f"{len(report.errors)} lines were not imported; the others were.")

    def _import(self, path, *, dry_run):
        if not dry_run:
            return self._read(path)
        try:
            with transaction.atomic():
                report = self._read(path)
                raise DryRun
        except DryRun:
            return report

    def _read(self, path):
        # Binary lines, decoded per line, so one badly encoded line is reported, not fatal.
        if path == "-":
            return import_jsonl(sys.stdin.buffer, skip_bad=self.skip_bad)
        with open(path, "rb") as file:
            return import_jsonl(file, skip_bad=self.skip_bad)
