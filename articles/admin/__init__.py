"""The operations console: every record, searchable and filterable, writes through the services.

One module per part of the desk, each registering its models on import. List pages select their
related rows and annotate their counts, so a page costs the same number of queries whatever it holds.
"""

from django.contrib import admin

from articles.admin import articles, claims, jobs, suggestions, tokens, verdicts, work  # noqa: F401  (each registers its models)

admin.site.site_header = "Fact-check desk"
admin.site.site_title = "Fact-check desk"
admin.site.index_title = "Desk console"
