"""How much text and how many claims the desk accepts: one definition, enforced by the services.

Every write path (API, reader, admin, imports) goes through the services, so a limit here is a limit
everywhere; the API and admin show the same message. A request body is capped separately by
DATA_UPLOAD_MAX_MEMORY_SIZE (413 from the API's parser). The README's "Limits" section lists these.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_TITLE = 500  # Article.title's max_length
MAX_QUOTE = 10_000
MAX_SUMMARY = 5_000
MAX_LINK_NOTE = 5_000
MAX_HEADLINE = 300  # Verdict.headline's max_length
MAX_EXPLANATION = 50_000
MAX_CORRECTION_NOTE = 5_000
MAX_EVIDENCE_NOTE = 5_000
MAX_ASSIGNMENT_NOTE = 500  # Assignment.note's max_length
MAX_COMMENT = 10_000  # a comment's text (services.comments)
DEFAULT_MAX_CLAIMS_PER_ARTICLE = 10_000
# GET /api/articles/<id>/claims/ answers with every live claim up to this many; past it a 400 names the limit.
DEFAULT_MAX_CLAIMS_PER_RESPONSE = 5_000


def check_length(field: str, value: str, limit: int) -> str:
    """Return `value`, or raise ValidationError keyed by `field` saying its length and the limit."""
    if value is not None and len(value) > limit:
        raise ValidationError(
            {field: f"The {field.replace('_', ' ')} is {len(value)} characters; the limit is {limit}."}
        )
    return value


def max_claims_per_article() -> int:
    return getattr(settings, "FACTCHECK_MAX_CLAIMS_PER_ARTICLE", DEFAULT_MAX_CLAIMS_PER_ARTICLE)


def max_claims_per_response() -> int:
    return getattr(settings, "FACTCHECK_ARTICLE_CLAIMS_MAX", DEFAULT_MAX_CLAIMS_PER_RESPONSE)


def text_limits_for(model) -> dict[str, int]:
    """The limited text fields of `model` and their limits, for forms that show them (the admin's)."""
    from articles.models import Article, Claim, ClaimLink, Evidence, Verdict

    return {
        Article: {"title": MAX_TITLE},
        Claim: {"quote": MAX_QUOTE, "summary": MAX_SUMMARY},
        ClaimLink: {"note": MAX_LINK_NOTE},
        Verdict: {"headline": MAX_HEADLINE, "explanation": MAX_EXPLANATION, "correction_note": MAX_CORRECTION_NOTE},
        Evidence: {"note": MAX_EVIDENCE_NOTE},
    }.get(model, {})


def apply_to_form(form) -> None:
    """Give a model form's limited text fields their limit: a form error (and maxlength) before the service."""
    from django.core.validators import MaxLengthValidator

    for name, limit in text_limits_for(form._meta.model).items():
        field = form.fields.get(name)
        if field is not None:
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)
