from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from articles import api

router = DefaultRouter(trailing_slash=True)
router.register("articles", api.ArticleViewSet, basename="api-article")
router.register("claims", api.ClaimViewSet, basename="api-claim")
router.register("links", api.LinkViewSet, basename="api-link")
router.register("speakers", api.SpeakerViewSet, basename="api-speaker")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("exports/", include("articles.export_api")),
    path("", include("articles.verdict_api")),
    *router.urls,
]
