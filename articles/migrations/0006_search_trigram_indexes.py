"""Trigram indexes for the lists' search boxes, on PostgreSQL only.

The search boxes match case-insensitive substrings (Django's icontains: UPPER(column::text) LIKE
UPPER('%term%')), which a B-tree cannot serve; pg_trgm's GIN indexes on the same expressions can, so a
rare word no longer reads every claim. The indexes are not in the models' state on purpose: SQLite has no
GIN, and it rebuilds tables from that state when a later migration alters them.
"""

from django.db import migrations

# (index name, table, column) for ClaimFilter's q (quote, summary, speaker name) and speaker_name.
INDEXES = [
    ("claim_quote_trgm_idx", "articles_claim", "quote"),
    ("claim_summary_trgm_idx", "articles_claim", "summary"),
    ("speaker_name_trgm_idx", "articles_speaker", "name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_review_verbose_name_verdict"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
