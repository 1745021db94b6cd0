"""The desk's write API: every write that touches several rows or enforces a rule.

Views, the API, admin, importers and management commands call these functions through this package
(`from articles import services`); nothing writes articles, claims, links, speakers or verdicts around
them. Callers check object access first (articles.access); these functions validate input and raise
django.core.exceptions.ValidationError with messages keyed by field, or an exception from
articles.errors (ConflictError when the caller's version is stale). Each write is `service_write`:
atomic, and every history row it writes names the `user` it was given, in a web request or not.

One module per concept: articles, claims (and their spans and tags), speakers, links, revisions (a new
text for an article, with its claims re-anchored), verdicts (the review workflow) and tokens (API tokens
for scripts).
"""

from articles.limits import apply_to_form as apply_text_limits
from articles.services import idempotency
from articles.services.articles import (
    ARTICLE_DETAIL_FIELDS,
    create_article,
    find_duplicate,
    get_or_create_source,
    update_article,
)
from articles.services.assignments import assign, can_assign, finish
from articles.services.claims import (
    UNSET,
    claim_quote_saved,
    create_claim,
    delete_claim,
    lock_claim_at_version,
    lock_claims,
    restore_claim,
    tag_names,
    update_claim,
    what_goes_with,
)
from articles.services.comments import (
    add_comment,
    comment_url,
    delete_comment,
    edit_comment,
    import_comment,
    mentioned_users,
    resolve_thread,
)
from articles.services.history import acting_user, service_write
from articles.services.jobs import (
    ItemResult,
    NewItem,
    finish_job,
    job_queued,
    requeue_stale_jobs,
    run_job,
    start_job,
)
from articles.services.links import delete_link, link_claims, update_link
from articles.services.notifications import (
    emailed_kinds,
    mark_read,
    notifications_created,
    notify,
    send_digest,
    set_email_kinds,
)
from articles.services.related import accept_related, dismiss_related, suggest_related, warm_related_index
from articles.services.revisions import RevisionResult, confirm_relocation, revise_article
from articles.services.speaker_suggestions import ModelUnavailable, settle_speaker_suggestion, suggest_speaker
from articles.services.speakers import (
    MergeResult,
    add_alias,
    delete_speaker,
    get_or_create_speaker,
    merge_speakers,
    remove_alias,
    speakers_matching,
    update_alias,
    update_speaker,
)
from articles.services.suggestions import (
    activate_model,
    announce_text_changed,
    article_text_changed,
    dismiss_suggestion,
    live_model,
    open_suggestions,
    retrain_checkworthy,
    score_article,
)
from articles.services.tokens import CreatedToken, authenticate_token, clean_token_input, create_token, revoke_token
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
    open_verdict_of,
    publish_verdict,
    request_changes,
    run_transition,
    submit_verdict,
    update_verdict,
    validate_complete,
)

__all__ = [
    "ARTICLE_DETAIL_FIELDS",
    "apply_text_limits",
    "accept_related",
    "claim_quote_saved",
    "dismiss_related",
    "suggest_related",
    "warm_related_index",
    "EDITABLE_STATES",
    "OPEN_STATES",
    "TRANSITIONS",
    "UNSET",
    "EvidenceItem",
    "ItemResult",
    "NewItem",
    "RevisionResult",
    "Transition",
    "acting_user",
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
    "finish_job",
    "get_or_create_source",
    "get_or_create_speaker",
    "idempotency",
    "is_editor",
    "job_queued",
    "link_claims",
    "lock_claim_at_version",
    "lock_claims",
    "publish_verdict",
    "request_changes",
    "requeue_stale_jobs",
    "restore_claim",
    "revise_article",
    "run_job",
    "run_transition",
    "start_job",
    "service_write",
    "submit_verdict",
    "tag_names",
    "update_article",
    "update_claim",
    "update_link",
    "update_verdict",
    "update_speaker",
    # speakers: aliases, merging, suggestions
    "MergeResult",
    "ModelUnavailable",
    "add_alias",
    "merge_speakers",
    "remove_alias",
    "settle_speaker_suggestion",
    "speakers_matching",
    "suggest_speaker",
    "update_alias",
    "validate_complete",
    "assign",
    "can_assign",
    "finish",
    "mark_read",
    "emailed_kinds",
    "notifications_created",
    "send_digest",
    "set_email_kinds",
    "notify",
    "open_verdict_of",
    "what_goes_with",
    # discussion
    "add_comment",
    "comment_url",
    "delete_comment",
    "edit_comment",
    "import_comment",
    "mentioned_users",
    "resolve_thread",
    # API tokens
    "CreatedToken",
    "authenticate_token",
    "clean_token_input",
    "create_token",
    "revoke_token",
    # Check-worthy sentence suggestions (issue 13)
    "activate_model",
    "announce_text_changed",
    "article_text_changed",
    "dismiss_suggestion",
    "live_model",
    "open_suggestions",
    "retrain_checkworthy",
    "score_article",
]
