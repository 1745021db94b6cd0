"""Download views: the claim list or article list, filtered as on screen, in a chosen format.

Each view: login -> the list's FilterSet (the same one the list page and the API use) -> a streaming
export (articles/exports.py). A filter the FilterSet refuses is a 400 that says which one and why.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.views.decorators.http import require_GET

from articles import exports
from articles.filters import ArticleFilter, ClaimFilter
from articles.models import Article, Claim


class InvalidFilters(Exception):
    """The query string does not describe a valid filter; the message says which field and why."""


def filter_errors(filterset) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items())


def filtered_claims(request):
    """The live claims the claim list shows for this query string (ClaimFilter), or InvalidFilters."""
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.live(), request=request)
    if not filterset.is_valid():
        raise InvalidFilters(filter_errors(filterset))
    return filterset.qs


def filtered_articles(request):
    """The articles the article list shows for this query string (ArticleFilter), or InvalidFilters."""
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all(), request=request)
    if not filterset.is_valid():
        raise InvalidFilters(filter_errors(filterset))
    return filterset.qs


def export_options(request, fmt: str, *, articles=None) -> dict:
    """Writer options: the collection id of a Web Annotation export is this very download URL."""
    options = {}
    if fmt == "webannotation":
        options["collection_id"] = exports.Urls.for_site().site + request.get_full_path()
    if articles is not None and fmt == "jsonl":
        options["articles"] = articles
    return options


def _bad_filters(error: InvalidFilters):
    # text/plain (with nosniff from the middleware): the echoed input cannot run as markup.
    return HttpResponseBadRequest(f"Invalid filter: {error}", content_type="text/plain; charset=utf-8")


@require_GET
@login_required
def claims_export(request, fmt: str):
    """The claim list, as filtered, in `fmt` (csv, jsonl, webannotation, claimreview)."""
    try:
        claims = filtered_claims(request)
    except InvalidFilters as error:
        return _bad_filters(error)
    return exports.stream_export(fmt, claims, basename="claims", **export_options(request, fmt))


@require_GET
@login_required
def articles_export(request, fmt: str):
    """The claims of the article list, as filtered, in `fmt`; JSON Lines also carries claimless articles."""
    try:
        articles = filtered_articles(request)
    except InvalidFilters as error:
        return _bad_filters(error)
    claims = exports.claims_of_articles(articles)
    return exports.stream_export(fmt, claims, basename="articles", **export_options(request, fmt, articles=articles))
