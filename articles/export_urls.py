"""Downloads: /exports/claims.<ext> and /exports/articles.<ext>, with the list's filters as the query string.

URL names: exports:claims_csv, claims_jsonl, claims_webannotation, claims_claimreview, and the same
with articles_ (the claims of the filtered articles).
"""

from django.urls import path

from articles import export_views
from articles.exports import FORMATS

app_name = "exports"
urlpatterns = [
    path(f"{kind}.{fmt.extension}", view, {"fmt": fmt.name}, name=f"{kind}_{fmt.name}")
    for kind, view in (("claims", export_views.claims_export), ("articles", export_views.articles_export))
    for fmt in FORMATS.values()
]
