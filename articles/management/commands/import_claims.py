"""python manage.py import_claims FILE.jsonl [--dry-run]

Loads a JSON Lines export (export_claims --format jsonl, or the JSON Lines download) into this
instance: articles, sources, speakers, claims, links, verdicts with their evidence and states.
Each line is imported on its own; bad lines are listed with their number and nothing of them is
kept. Importing the same file twice adds nothing the second time. See articles/importing/jsonl.py.
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

    def handle(self, *args, file, dry_run, **options):
        try:
            report = self._import(file, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        for number, message in report.errors:
            self.stderr.write(f"line {number}: {message}")
        prefix = "Dry run (nothing kept): " if dry_run else ""
        self.stdout.write(prefix + report.summary())
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
            return import_jsonl(sys.stdin.buffer)
        with open(path, "rb") as file:
            return import_jsonl(file)
