"""Full-text search of claims on SQLite (an FTS5 trigram index kept in step by triggers); an index on
the articles' language for the admin's filter.

See models.ensure_claim_search. Not in the models' state (SQLite only, like the trigram indexes of
0006 on PostgreSQL); apps.py re-creates the triggers after a migration that rebuilds the claims table.
"""

from django.db import migrations, models

from articles.models import CLAIM_SEARCH_TABLE, ensure_claim_search


def create(apps, schema_editor):
    ensure_claim_search(schema_editor.connection)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS articles_claim_fts_{trigger}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {CLAIM_SEARCH_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_comments"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["language"], name="article_language_idx"),
        ),
    ]
