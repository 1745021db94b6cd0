"""The desk's HTML pages, the downloads and the public verdict pages, each a namespace of its own."""

from django.urls import path

from articles.exports import FORMATS
from articles.views import desk, downloads, jobs, public, tokens, work

desk_patterns = (
    [
        path("articles/", desk.article_list, name="article_list"),
        path("articles/<int:pk>/", desk.article_detail, name="article_detail"),
        path("claims/", desk.claim_list, name="claim_list"),
        path("claims/<int:pk>/", desk.claim_detail, name="claim_detail"),
        path("work/", work.work, name="my_work"),
        path("inbox/", work.inbox, name="inbox"),
        path("inbox/read/", work.inbox_read, name="inbox_read"),
        path("inbox/email/", work.inbox_email, name="inbox_email"),
        path("trash/", work.trash, name="trash"),
        path("trash/<int:pk>/restore/", work.trash_restore, name="trash_restore"),
        path("tokens/", tokens.token_list, name="token_list"),
        path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
        path("import/", jobs.import_page, name="import"),
        path("jobs/", jobs.job_list, name="job_list"),
        path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    ],
    "articles",
)

# /exports/claims.<ext> and /exports/articles.<ext> (the claims of the filtered articles), with the list's
# filters as the query string: exports:claims_csv, claims_jsonl, ..., articles_claimreview.
download_patterns = (
    [
        path(f"{kind}.{fmt.extension}", downloads.export, {"kind": kind, "fmt": fmt.name}, name=f"{kind}_{fmt.name}")
        for kind in ("claims", "articles")
        for fmt in FORMATS.values()
    ],
    "exports",
)

public_patterns = (
    [path("<int:pk>/", public.verdict_public, name="verdict_public")],
    "verdicts",
)
