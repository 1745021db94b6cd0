import os

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from articles.urls import desk_patterns, download_patterns, public_patterns
from articles.views.security import csp_report

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="articles:article_list", permanent=False)),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("articles.api.urls")),
    path("exports/", include(download_patterns)),
    path("verdicts/", include(public_patterns)),
    path("", include(desk_patterns)),
    path("csp-report/", csp_report, name="csp_report"),
]

if os.environ.get("FACTCHECK_BENCH_REFERENCE") == "1":
    # The benchmark's reference view (bench/refviews.py); mounted only while `make bench` runs, never in production.
    urlpatterns.append(path("bench/", include("bench.urls")))
