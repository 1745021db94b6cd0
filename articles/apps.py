from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _claim_search(sender, using, **kwargs):
    from django.db import connections

    from articles.models import ensure_claim_search

    ensure_claim_search(connections[using])


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Fact-check desk"

    def ready(self):
        # Connects the task module to services.job_queued, so a started job wakes a worker.
        from articles import checks, tasks  # noqa: F401  (checks registers the suggestion models' check)

        # SQLite's claim search index and its triggers, also after a migration that rebuilt the claims table.
        post_migrate.connect(_claim_search, sender=self, dispatch_uid="articles_claim_search")
