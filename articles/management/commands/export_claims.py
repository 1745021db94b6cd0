"""python manage.py export_claims --format csv|jsonl|webannotation|claimreview [--claims-only] [--filter ...] [-o FILE]

Filters are the claim list's (ClaimFilter): --filter q=police --filter speaker=3 --filter tag=budget
--filter state=published ... With --articles they are the article list's (ArticleFilter) and the
export holds the claims of the matching articles (JSON Lines: also the articles without claims).
A progress bar goes to stderr when it is a terminal. With -o the file appears only when complete.
"""

import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.urls import reverse

from articles import exports


class ProgressBar:
    """A one-line bar on a terminal: redrawn in place, at most once per chunk of claims."""

    WIDTH = 30

    def __init__(self, stream, total: int):
        self.stream, self.total, self.done = stream, total, 0

    def __call__(self, count: int) -> None:
        self.done += count
        share = self.done / self.total if self.total else 1
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done:,}/{self.total:,} claims {share:4.0%}")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def parse_filters(pairs: list[str], filterset_class) -> QueryDict:
    """--filter name=value pairs as a query string; an unknown name or a missing '=' is refused."""
    query = QueryDict(mutable=True)
    known = set(filterset_class.base_filters)
    # Range filters take name_after/name_before (published_after=2025-01-01) besides their own name.
    known |= {f"{name}_{end}" for name in filterset_class.base_filters for end in ("after", "before", "min", "max")}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise CommandError(f"--filter {pair!r}: write it as name=value.")
        if name not in known:
            choices = ", ".join(sorted(filterset_class.base_filters))
            raise CommandError(f"--filter {pair!r}: unknown filter {name!r}; the filters are {choices}.")
        query.appendlist(name, value)
    return query


class Command(BaseCommand):
    help = "Export claims (filtered like the claim or article list) as CSV, JSON Lines, Web Annotation or ClaimReview."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(exports.FORMATS), dest="fmt")
        parser.add_argument(
            "--filter", action="append", default=[], metavar="NAME=VALUE", dest="filters",
            help="A claim-list filter (repeatable), e.g. q=police, speaker=3, tag=budget, state=published.",
        )  # fmt: skip
        parser.add_argument(
            "--articles", action="store_true",
            help="Filters are the article list's; export the claims of the matching articles.",
        )  # fmt: skip
        parser.add_argument(
            "--claims-only", action="store_true",
            help="JSON Lines without the article records (their texts): same as --format claimsjsonl.",
        )  # fmt: skip
        parser.add_argument("--user", help="Username for filters about 'me' (mine=true).")
        parser.add_argument("-o", "--output", help="Write to this file (default: standard output).")
        parser.add_argument("--chunk-size", type=int, default=exports.CHUNK_SIZE, help="Claims per database read.")

    def handle(self, *args, fmt, filters, articles, user, output, chunk_size, claims_only=False, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be 1 or more.")
        if claims_only:
            if fmt not in ("jsonl", "claimsjsonl"):
                raise CommandError("--claims-only goes with --format jsonl.")
            fmt = "claimsjsonl"
        kind = "articles" if articles else "claims"
        query = parse_filters(filters, exports.KINDS[kind][0])
        path = reverse(f"exports:{kind}_{fmt}") + (f"?{query.urlencode()}" if query else "")
        try:
            prepared = exports.prepare(kind, fmt, query, user=self._user(user), path=path, chunk_size=chunk_size)
        except exports.InvalidFilters as error:
            raise CommandError(f"Invalid filter: {error}") from None
        progress = None
        if sys.stderr.isatty():
            progress = ProgressBar(sys.stderr, prepared.claims.count())
            prepared.options["progress"] = progress
        if output:
            self._write_file(output, prepared.chunks())
        else:
            for chunk in prepared.chunks():
                self.stdout.write(chunk, ending="")
        if progress:
            progress.finish()

    def _user(self, username):
        if not username:
            return AnonymousUser()
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--user {username!r}: no such user.") from None

    def _write_file(self, path, chunks):
        # Written beside the target and renamed at the end: a failed export leaves no half file behind.
        partial = f"{path}.part"
        try:
            with open(partial, "w", encoding="utf-8", newline="") as file:
                for chunk in chunks:
                    file.write(chunk)
            os.replace(partial, path)
        except BaseException:
            if os.path.exists(partial):
                os.remove(partial)
            raise
