"""The JSON API under /api/: the annotation endpoints, verdicts, exports, and the OpenAPI schema."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from articles.api import claims, comments, exports, jobs, related, suggestions, verdicts, work
from articles.exports import FORMATS

router = DefaultRouter(trailing_slash=True)
router.register("articles", claims.ArticleViewSet, basename="api-article")
router.register("claims", claims.ClaimViewSet, basename="api-claim")
router.register("links", claims.LinkViewSet, basename="api-link")
router.register("speakers", claims.SpeakerViewSet, basename="api-speaker")
router.register("suggestions/related", related.RelatedSuggestionViewSet, basename="api-related")
router.register("verdicts", verdicts.VerdictViewSet, basename="api-verdict")
router.register("suggestions/sentences", suggestions.SentenceSuggestionViewSet, basename="api-sentence-suggestion")
router.register("assignments", work.AssignmentViewSet, basename="api-assignment")
router.register("notifications", work.NotificationViewSet, basename="api-notification")
router.register("comments", comments.CommentViewSet, basename="api-comment")

# /api/exports/claims.<ext> and /api/exports/articles.<ext>: export_api:claims_csv, ..., articles_claimreview.
export_patterns = [
    path(
        f"{kind}.{fmt.extension}",
        exports.VIEWS[kind].as_view(),
        {"kind": kind, "fmt": fmt.name},
        name=f"{kind}_{fmt.name}",
    )
    for kind in exports.VIEWS
    for fmt in FORMATS.values()
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The docs page is for people: an anonymous visitor is sent to log in (the schema itself answers 403).
    # The split view serves Swagger UI's start-up script from a URL of its own: no inline script (CSP).
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api/swagger_ui.html")),
        name="api_docs",
    ),
    path("exports/", include((export_patterns, "export_api"))),
    path("imports/", jobs.ImportView.as_view(), name="api-import"),
    path("jobs/", jobs.JobListView.as_view(), name="api-job-list"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="api-job-detail"),
    path("users/", comments.UserSuggestionView.as_view(), name="api-user-suggestions"),
    *router.urls,
]
