"""python manage.py export_claims --format csv|jsonl|webannotation|claimreview [--filter name=value ...] [-o FILE]

Filters are the claim list's (ClaimFilter): --filter q=police --filter speaker=3 --filter tag=budget
--filter state=published ... With --articles they are the article list's (ArticleFilter) and the
export holds the claims of the matching articles (JSON Lines: also the articles without claims).
A progress bar goes to stderr when it is a terminal. With -o the file appears only when complete.
"""

import os
import sys
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.urls import reverse

from articles import exports
from articles.filters import ArticleFilter, ClaimFilter
from articles.models import Article, Claim


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
        parser.add_argument("--user", help="Username for filters about 'me' (mine=true).")
        parser.add_argument("-o", "--output", help="Write to this file (default: standard output).")
        parser.add_argument("--chunk-size", type=int, default=exports.CHUNK_SIZE, help="Claims per database read.")

    def handle(self, *args, fmt, filters, articles, user, output, chunk_size, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be 1 or more.")
        request = SimpleNamespace(user=self._user(user))
        writer_options = {"chunk_size": chunk_size}
        if articles:
            matched = self._filtered(ArticleFilter, filters, Article.objects.all(), request)
            claims = exports.claims_of_articles(matched)
            if fmt == "jsonl":
                writer_options["articles"] = matched
        else:
            claims = self._filtered(ClaimFilter, filters, Claim.objects.live(), request)
        if fmt == "webannotation":
            query = parse_filters(filters, ArticleFilter if articles else ClaimFilter).urlencode()
            kind = "articles" if articles else "claims"
            collection = exports.Urls.for_site().site + reverse(f"exports:{kind}_webannotation")
            writer_options["collection_id"] = collection + (f"?{query}" if query else "")

        progress = None
        if sys.stderr.isatty():
            progress = ProgressBar(sys.stderr, claims.count())
            writer_options["progress"] = progress
        chunks = exports.FORMATS[fmt].writer(claims, **writer_options)
        if output:
            self._write_file(output, chunks)
        else:
            for chunk in chunks:
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

    def _filtered(self, filterset_class, pairs, queryset, request):
        filterset = filterset_class(parse_filters(pairs, filterset_class), queryset=queryset, request=request)
        if not filterset.is_valid():
            errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
            raise CommandError(f"Invalid filter: {errors}")
        return filterset.qs

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
