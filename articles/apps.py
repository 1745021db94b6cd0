from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Fact-check desk"

    def ready(self):
        # Connects the task module to services.job_queued, so a started job wakes a worker.
        from articles import checks, tasks  # noqa: F401  (checks registers the suggestion models' check)
