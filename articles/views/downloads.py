"""Downloads: the claim list or article list, filtered as on screen, in a chosen format.

login -> exports.prepare (the list's FilterSet, the same one the list page and the API use) -> a streaming
response. A filter the FilterSet refuses is a 400 that says which one and why, before any byte is sent.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.views.decorators.http import require_GET

from articles import exports


@require_GET
@login_required
def export(request, kind: str, fmt: str):
    """The claims of the claim list (kind "claims") or of the article list ("articles"), as filtered, in `fmt`."""
    try:
        prepared = exports.prepare(
            kind,
            fmt,
            request.GET,
            user=request.user,
            path=request.get_full_path(),
            base_url=request.build_absolute_uri("/"),
        )
    except exports.InvalidFilters as error:
        # text/plain (with nosniff from the middleware): the echoed input cannot run as markup.
        return HttpResponseBadRequest(f"Invalid filter: {error}", content_type="text/plain; charset=utf-8")
    return prepared.response()
