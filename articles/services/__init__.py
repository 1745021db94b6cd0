"""The desk's write API: every write that touches several rows or enforces a rule.

Views, the API, admin, importers and management commands call these functions through this package
(`from articles import services`); nothing writes articles, claims, links, speakers or verdicts around
them. Callers check object access first (articles.access); these functions validate input and raise
django.core.exceptions.ValidationError with messages keyed by field, or an exception from
articles.errors (ConflictError when the caller's version is stale).

One module per concept: articles, claims (and their spans and tags), speakers, links, revisions (a new
text for an article, with its claims re-anchored) and verdicts (the review workflow).
"""

from articles.limits import apply_to_form as apply_text_limits
from articles.services.articles import create_article, find_duplicate, get_or_create_source
from articles.services.claims import (
    UNSET,
    create_claim,
    delete_claim,
    lock_claim_at_version,
    restore_claim,
    tag_names,
    update_claim,
    validate_span,
)
from articles.services.links import delete_link, link_claims, update_link
from articles.services.revisions import RevisionResult, confirm_relocation, revise_article
from articles.services.speakers import delete_speaker, get_or_create_speaker, update_speaker
from articles.services.verdicts import (
    EDITABLE_STATES,
    OPEN_STATES,
    TRANSITIONS,
    EvidenceItem,
    Transition,
    allowed_transitions,
    approve_verdict,
    assign_verdict,
    can_edit,
    clean_evidence,
    correct_verdict,
    create_verdict,
    is_editor,
    publish_verdict,
    request_changes,
    run_transition,
    submit_verdict,
    update_verdict,
    validate_complete,
)

__all__ = [
    "apply_text_limits",
    "EDITABLE_STATES",
    "OPEN_STATES",
    "TRANSITIONS",
    "UNSET",
    "EvidenceItem",
    "RevisionResult",
    "Transition",
    "allowed_transitions",
    "approve_verdict",
    "assign_verdict",
    "can_edit",
    "clean_evidence",
    "confirm_relocation",
    "correct_verdict",
    "create_article",
    "create_claim",
    "create_verdict",
    "delete_claim",
    "delete_link",
    "delete_speaker",
    "find_duplicate",
    "get_or_create_source",
    "get_or_create_speaker",
    "is_editor",
    "link_claims",
    "lock_claim_at_version",
    "publish_verdict",
    "request_changes",
    "restore_claim",
    "revise_article",
    "run_transition",
    "submit_verdict",
    "tag_names",
    "update_claim",
    "update_link",
    "update_verdict",
    "update_speaker",
    "validate_complete",
    "validate_span",
]
