"""Export endpoints of the JSON API: /api/exports/claims.<ext> and /api/exports/articles.<ext>.

Same filters as the list endpoints (exports.prepare uses the lists' FilterSets, so an invalid filter is a
400 naming the field), session or API token auth (a read-only token is enough), login required (anonymous:
403; a bad token: 401). The body is the same stream as the download views; a Web Annotation export is one
AnnotationCollection document with its single page embedded, the page's items streamed.
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer

from articles import exports
from articles.filters import ArticleFilter, ClaimFilter
from articles.models import Article, Claim


class AnyFormatRenderer(BaseRenderer):
    """Accepts any Accept header (text/csv, application/ld+json...), so clients asking for the export's
    type are not refused with 406; it only ever renders error bodies, as JSON."""

    media_type = "*/*"
    format = "export"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


EXPORT_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.STR,
    (200, "application/jsonl"): OpenApiTypes.STR,
    (200, "application/ld+json"): OpenApiTypes.OBJECT,
}


class ExportView(GenericAPIView):
    """One view for both kinds; the FilterSet and queryset here only describe the filters in the schema."""

    filter_backends = [DjangoFilterBackend]
    renderer_classes = [JSONRenderer, AnyFormatRenderer]
    pagination_class = None

    def get(self, request, kind, fmt):
        try:
            prepared = exports.prepare(
                kind,
                fmt,
                request.query_params,
                user=request.user,
                path=request.get_full_path(),
                base_url=request.build_absolute_uri("/"),
            )
        except exports.InvalidFilters as error:
            raise ValidationError(error.errors) from None
        return prepared.response()


@extend_schema(
    summary="Export the claims, as filtered, as CSV, JSON Lines, Web Annotation or ClaimReview (streamed)",
    responses=EXPORT_RESPONSES,
)
class ClaimExportView(ExportView):
    filterset_class = ClaimFilter
    queryset = Claim.objects.live()


@extend_schema(
    summary="Export the claims of the articles, as filtered; JSON Lines also carries articles without claims",
    responses=EXPORT_RESPONSES,
)
class ArticleExportView(ExportView):
    filterset_class = ArticleFilter
    queryset = Article.objects.all()


VIEWS = {"claims": ClaimExportView, "articles": ArticleExportView}
