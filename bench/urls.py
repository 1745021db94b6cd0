"""URLs of the benchmark's reference views, mounted by factcheck/urls.py only when FACTCHECK_BENCH_REFERENCE=1."""

from django.urls import path

from bench import refviews

app_name = "bench"
urlpatterns = [path("reference/insert/", refviews.insert_one_row, name="reference_insert")]
