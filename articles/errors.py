"""The desk's domain exceptions, shared by services, surfaces and importers (no other app imports)."""

from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class DuplicateArticle(Exception):
    """The article is already stored (same text or same URL)."""

    def __init__(self, existing, why: str):
        super().__init__(f"already imported as article #{existing.pk} ({why})")
        self.existing = existing


class WorkflowError(ValidationError):
    """The verdict is in the wrong state for this step. `short` is the reason in a few words ("not approved")."""

    def __init__(self, message: str, *, short: str = ""):
        super().__init__(message, code="workflow")
        self.short = short or message


class VerdictAlreadyOpen(ValidationError):
    """The claim already has a verdict on its way to publication; `existing` is that verdict."""

    def __init__(self, existing):
        who = existing.author.get_username() if existing.author_id else "someone"
        super().__init__(
            {
                "claim": f"Claim #{existing.claim_id} already has an open verdict (#{existing.pk}, "
                f"{existing.get_state_display().lower()} by {who}); continue that one."
            },
            code="open_verdict_exists",
        )
        self.existing = existing


class ConfirmationRequired(Exception):
    """The change takes other records with it; the caller must confirm, having seen `goes_with`."""

    def __init__(self, message: str, *, goes_with: list[str]):
        super().__init__(message)
        self.goes_with = goes_with


class InvalidToken(Exception):
    """An API token that authenticates no one: malformed, unknown, revoked, expired, or its user inactive.
    The message is safe to send back: it says more than "unknown" only to whoever holds the real secret."""


class RetryLater(Exception):
    """A job item hit an error that retrying can help (database busy, fetch timed out): run it again later."""

    def __init__(self, delay: float, reason: str):
        super().__init__(reason)
        self.delay = delay


class JobTakenOver(Exception):
    """This worker's job was given to another worker (its heartbeat went stale): stop, the other finishes it."""
