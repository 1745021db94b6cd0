from django.urls import path

from articles import verdict_views

app_name = "verdicts"
urlpatterns = [
    path("<int:pk>/", verdict_views.verdict_public, name="verdict_public"),
]
