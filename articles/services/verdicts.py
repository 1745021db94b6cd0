"""The verdict workflow: every write to a Verdict and its evidence goes through these functions.

    draft ─submit→ in review ─approve→ approved ─publish→ published ─(correction published)→ corrected
                    ↑   └─request changes→ changes requested ─submit┘

Each transition checks role, state and rules here, in one place; the admin actions, the change-page
buttons and the API call these functions and only report what they say. A refused transition raises
PermissionDenied (wrong role), WorkflowError (wrong state) or ValidationError (bad or missing input),
each with a message meant for the user; ConflictError when the caller's `version` is stale.

Corrections: `correct_verdict` creates a NEW draft verdict (corrects=<the published one>, content and
evidence copied, a required public correction note, the correcting editor as author). It is reviewed
like any verdict, so a second editor approves it (four-eyes); when it is published the old verdict
moves to "corrected" and stays readable, pointing to its successor.

Every write records who (history user), when (history date) and why (the history change reason).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles import limits
from articles.errors import ConflictError, VerdictAlreadyOpen, WorkflowError
from articles.limits import check_length
from articles.models import Claim, Evidence, Verdict, http_url_validator
from articles.services.assignments import close_claim_assignments
from articles.services.claims import UNSET
from articles.services.history import service_write
from articles.services.notifications import Kind, editors, notify

State = Verdict.State

# Verdicts whose content may be changed by a plain edit; approved and later states are read-only
# except through the transitions below.
EDITABLE_STATES = frozenset({State.DRAFT, State.CHANGES_REQUESTED, State.IN_REVIEW})
# States in which a verdict is still on its way to publication (not yet out, not superseded).
OPEN_STATES = Verdict.OPEN_STATES


# ---------------------------------------------------------------- roles


def is_editor(user) -> bool:
    """Editors approve, return, publish and correct verdicts, and may edit anyone's verdict."""
    return user.is_authenticated and user.has_perm("articles.approve_verdict")


def can_edit(user, verdict: Verdict) -> bool:
    """Whether `user` may change the verdict's content now (no exception: for showing forms read-only)."""
    try:
        _check_edit(user, verdict)
    except (PermissionDenied, WorkflowError):
        return False
    return True


def _check_edit(user, verdict: Verdict) -> None:
    if not user.is_authenticated or not user.has_perm("articles.change_verdict"):
        raise PermissionDenied("Only fact-checkers and editors can edit verdicts.")
    if verdict.state not in EDITABLE_STATES:
        raise WorkflowError(
            f"This verdict is {verdict.get_state_display().lower()} and read-only; "
            + ("correct it instead." if verdict.state == State.PUBLISHED else "use the workflow buttons."),
            short=f"read-only ({verdict.get_state_display().lower()})",
        )
    if verdict.state == State.IN_REVIEW:
        # The author waits for the reviewer; only an editor may touch a verdict under review.
        if not is_editor(user):
            raise PermissionDenied("While a verdict is in review only an editor can change it.")
    elif verdict.author_id != user.pk and not is_editor(user):
        raise PermissionDenied("You can edit only your own verdicts.")


def _require_state(verdict: Verdict, allowed: Iterable[str], action: str, short: str) -> None:
    allowed = list(allowed)
    if verdict.state not in allowed:
        wanted = " or ".join(State(value).label.lower() for value in allowed)
        raise WorkflowError(
            f"Only a verdict that is {wanted} can be {action}; verdict #{verdict.pk} is "
            f"{verdict.get_state_display().lower()}.",
            short=short,
        )


def _require_perm(user, codename: str, message: str) -> None:
    if not user.is_authenticated or not user.has_perm(f"articles.{codename}"):
        raise PermissionDenied(message)


def _require_other_editor(user, verdict: Verdict, action: str) -> None:
    if verdict.author_id == user.pk:
        raise PermissionDenied(f"Four-eyes rule: you wrote this verdict, so another editor must {action} it.")


def _check_submit(user, verdict: Verdict) -> None:
    _require_perm(user, "submit_verdict", "Only fact-checkers and editors can submit verdicts for review.")
    if verdict.author_id != user.pk and not is_editor(user):
        raise PermissionDenied("Only the verdict's author or an editor can submit it for review.")
    _require_state(verdict, [State.DRAFT, State.CHANGES_REQUESTED], "submitted for review", "not a draft")


def _check_request_changes(user, verdict: Verdict) -> None:
    _require_perm(user, "approve_verdict", "Only editors can send a verdict back for changes.")
    _require_state(verdict, [State.IN_REVIEW], "sent back for changes", "not in review")
    _require_other_editor(user, verdict, "verdict")


def _check_approve(user, verdict: Verdict) -> None:
    _require_perm(user, "approve_verdict", "Only editors can approve verdicts.")
    _require_state(verdict, [State.IN_REVIEW], "approved", "not in review")
    _require_other_editor(user, verdict, "approve")


def _check_publish(user, verdict: Verdict) -> None:
    _require_perm(user, "publish_verdict", "Only editors can publish verdicts.")
    _require_state(verdict, [State.APPROVED], "published", "not approved")


def _check_correct(user, verdict: Verdict) -> None:
    _require_perm(user, "correct_verdict", "Only editors can correct published verdicts.")
    _require_state(verdict, [State.PUBLISHED], "corrected", "not published")


# ---------------------------------------------------------------- helpers


def _lock(verdict: Verdict, version: int | None) -> Verdict:
    """The current row, locked for this transaction; ConflictError if it changed since `version`."""
    current = Verdict.objects.select_for_update(of=("self",)).select_related("claim").get(pk=verdict.pk)
    if version is not None and current.version != version:
        raise ConflictError(
            f"Verdict #{current.pk} was changed by someone else while you had it open "
            f"(it is now version {current.version}, yours was {version}). Reload it and apply your change again; "
            "nothing of yours was saved.",
            current_version=current.version,
        )
    return current


def _save(verdict: Verdict, *, user, reason: str, fields: Iterable[str]) -> Verdict:
    """Save the named fields, raise the version and record why in the history (the service names who)."""
    verdict.version += 1
    verdict._change_reason = reason
    verdict.save(update_fields={*fields, "version", "updated_at"})
    return verdict


TEXT_LIMITS = {
    "headline": limits.MAX_HEADLINE,
    "explanation": limits.MAX_EXPLANATION,
    "correction_note": limits.MAX_CORRECTION_NOTE,
}


def _clean_text(value: str, field: str) -> str:
    return check_length(field, (value or "").strip(), TEXT_LIMITS[field])


def _clean_rating(value: str) -> str:
    value = value or ""
    if value and value not in Verdict.Rating.values:
        choices = ", ".join(Verdict.Rating.values)
        raise ValidationError({"rating": f"Unknown rating {value!r}; choose one of {choices}."})
    return value


def _require_reason(reason: str, field: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: f"Say why: {what} needs a reason."})
    return reason


@dataclass(frozen=True)
class EvidenceItem:
    url: str
    title: str = ""
    note: str = ""
    id: int | None = None


def clean_evidence(items: Iterable) -> list[EvidenceItem]:
    """Validate evidence input (dicts or EvidenceItems): an http(s) URL each, title within its limit.

    Raises ValidationError keyed "evidence" naming the item (1-based) and what is wrong with it.
    """
    url_limit = Evidence._meta.get_field("url").max_length
    title_limit = Evidence._meta.get_field("title").max_length
    cleaned = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, EvidenceItem):
            item = item.__dict__
        if not isinstance(item, dict):
            raise ValidationError({"evidence": f"Evidence item {number} must be an object with a url."})
        url = str(item.get("url") or "").strip()
        title = str(item.get("title") or "").strip()
        note = str(item.get("note") or "").strip()
        if not url:
            raise ValidationError({"evidence": f"Evidence item {number} needs a URL."})
        if len(url) > url_limit:
            message = f"Evidence item {number}: the URL is longer than {url_limit} characters."
            raise ValidationError({"evidence": message})
        try:
            http_url_validator(url)
        except ValidationError:
            raise ValidationError(
                {"evidence": f"Evidence item {number}: {url[:200]!r} is not a web address (http:// or https:// only)."}
            ) from None
        if len(title) > title_limit:
            message = f"Evidence item {number}: the title is {len(title)} characters; the limit is {title_limit}."
            raise ValidationError({"evidence": message})
        if len(note) > limits.MAX_EVIDENCE_NOTE:
            message = (
                f"Evidence item {number}: the note is {len(note)} characters; the limit is {limits.MAX_EVIDENCE_NOTE}."
            )
            raise ValidationError({"evidence": message})
        cleaned.append(EvidenceItem(url=url, title=title, note=note, id=item.get("id")))
    return cleaned


def _replace_evidence(verdict: Verdict, items: list[EvidenceItem], *, user, reason: str) -> list[str]:
    """Make the verdict's evidence equal `items` (in order), reusing rows by id; return what changed."""
    existing = {item.pk: item for item in verdict.evidence.all()}
    changes = []
    keep = set()
    for position, item in enumerate(items):
        row = existing.get(item.id) if item.id is not None else None
        if row is None:
            row = Evidence(verdict=verdict)
            changes.append(f"added {item.url}")
        elif (row.url, row.title, row.note, row.position) == (item.url, item.title, item.note, position):
            keep.add(row.pk)
            continue
        else:
            changes.append(f"changed {item.url}")
        row.url, row.title, row.note, row.position = item.url, item.title, item.note, position
        row._change_reason = reason
        row.save()
        keep.add(row.pk)
    for pk, row in existing.items():
        if pk not in keep:
            row._change_reason = reason
            row.delete()
            changes.append(f"removed {row.url}")
    return changes


def validate_complete(verdict: Verdict) -> None:
    """A verdict goes to review only with a rating, a headline and at least one evidence item."""
    errors = {}
    if not verdict.rating:
        errors["rating"] = "Choose a rating before submitting."
    if not verdict.headline.strip():
        errors["headline"] = "Write a headline before submitting."
    if not verdict.evidence.exists():
        errors["evidence"] = "Add at least one evidence item (an http or https link) before submitting."
    if verdict.corrects_id and not verdict.correction_note.strip():
        errors["correction_note"] = "A correction needs a public correction note."
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- drafts


def open_verdict_of(claim_id: int) -> Verdict | None:
    """The claim's verdict on its way to publication (draft to approved), if it has one: at most one can exist."""
    return Verdict.objects.select_related("author").filter(claim_id=claim_id, state__in=OPEN_STATES).first()


def _refuse_second_open_verdict(claim: Claim) -> None:
    existing = open_verdict_of(claim.pk)
    if existing:
        raise VerdictAlreadyOpen(existing)


@service_write
def create_verdict(
    *,
    user,
    claim: Claim,
    rating: str = "",
    headline: str = "",
    explanation: str = "",
    evidence: Iterable = (),
    assigned_to=None,
    reason: str = "",
) -> Verdict:
    """Start a draft verdict on a claim; the creating user is its author."""
    _require_perm(user, "add_verdict", "Only fact-checkers and editors can write verdicts.")
    if claim.deleted_at is not None:
        raise ValidationError({"claim": "This claim is deleted; restore it before writing a verdict."})
    _refuse_second_open_verdict(claim)
    items = clean_evidence(evidence)
    verdict = Verdict(
        claim=claim,
        rating=_clean_rating(rating),
        headline=_clean_text(headline, "headline"),
        explanation=_clean_text(explanation, "explanation"),
        author=user,
        assigned_to=assigned_to,
    )
    verdict._change_reason = reason or "draft created"
    try:
        with transaction.atomic():
            verdict.save()
    except IntegrityError:
        # Another verdict was started on this claim between our check and our insert.
        _refuse_second_open_verdict(claim)
        raise
    if items:
        _replace_evidence(verdict, items, user=user, reason="draft created")
    return verdict


@service_write
def update_verdict(
    *,
    user,
    verdict: Verdict,
    version: int,
    rating=UNSET,
    headline=UNSET,
    explanation=UNSET,
    evidence=UNSET,
    correction_note=UNSET,
    assigned_to=UNSET,
    reason: str = "",
) -> Verdict:
    """Change a draft (or, for editors, a verdict in review) if nobody changed it since `version`.

    Only the given fields change; `evidence` replaces the whole list (items with an `id` of this
    verdict's evidence update that row). The history records the change and `reason`.
    """
    current = _lock(verdict, version)
    _check_edit(user, current)
    fields, what = set(), []
    if rating is not UNSET and _clean_rating(rating) != current.rating:
        current.rating = _clean_rating(rating)
        fields.add("rating")
    for name, value in (("headline", headline), ("explanation", explanation), ("correction_note", correction_note)):
        if value is UNSET:
            continue
        value = _clean_text(value, name)
        if name == "correction_note" and not current.corrects_id and value:
            message = "Only a correction of a published verdict has a correction note."
            raise ValidationError({"correction_note": message})
        if value != getattr(current, name):
            setattr(current, name, value)
            fields.add(name)
    if assigned_to is not UNSET and (assigned_to.pk if assigned_to else None) != current.assigned_to_id:
        current.assigned_to = assigned_to
        fields.add("assigned_to")
    items = clean_evidence(evidence) if evidence is not UNSET else None
    if items is not None:
        what = _replace_evidence(current, items, user=user, reason=reason or "evidence edited")
    if not fields and not what:
        return current
    summary = ", ".join(sorted(fields) + (["evidence: " + "; ".join(what)] if what else []))
    return _save(current, user=user, reason=f"{reason}: {summary}" if reason else f"edited {summary}", fields=fields)


@service_write
def assign_verdict(*, user, verdict: Verdict, assignee, version: int | None = None) -> Verdict:
    """Put a verdict in someone's queue (None clears it). Allowed until it is published."""
    _require_perm(user, "change_verdict", "Only fact-checkers and editors can assign verdicts.")
    current = _lock(verdict, version)
    if current.state not in OPEN_STATES:
        raise WorkflowError(
            f"Verdict #{current.pk} is {current.get_state_display().lower()}; there is nothing left to assign.",
            short="already published",
        )
    if current.assigned_to_id == (assignee.pk if assignee else None):
        return current
    current.assigned_to = assignee
    reason = f"assigned to {assignee.get_username()}" if assignee else "unassigned"
    return _save(current, user=user, reason=reason, fields={"assigned_to"})


# ---------------------------------------------------------------- transitions


@service_write
def submit_verdict(*, user, verdict: Verdict, version: int | None = None, reason: str = "") -> Verdict:
    """draft or changes requested → in review, once it has a rating, a headline and evidence."""
    current = _lock(verdict, version)
    _check_submit(user, current)
    validate_complete(current)
    current.state = State.IN_REVIEW
    current.submitted_at = timezone.now()
    saved = _save(current, user=user, reason=_reason("submitted for review", reason), fields={"state", "submitted_at"})
    reviewer = current.assigned_to if current.assigned_to_id and current.assigned_to_id != current.author_id else None
    _tell(saved, [reviewer] if reviewer else editors(), Kind.SUBMITTED, user, "is waiting for your review")
    return saved


@service_write
def request_changes(*, user, verdict: Verdict, reason: str, version: int | None = None) -> Verdict:
    """in review → changes requested; an editor other than the author, with a reason for the author."""
    reason = _require_reason(reason, "reason", "sending a verdict back")
    current = _lock(verdict, version)
    _check_request_changes(user, current)
    current.state = State.CHANGES_REQUESTED
    current.changes_reason = reason
    saved = _save(current, user=user, reason=_reason("changes requested", reason), fields={"state", "changes_reason"})
    _tell(saved, [saved.author], Kind.CHANGES_REQUESTED, user, f"needs changes: {reason}")
    return saved


@service_write
def approve_verdict(*, user, verdict: Verdict, version: int | None = None, reason: str = "") -> Verdict:
    """in review → approved by an editor who is not the author (four-eyes)."""
    current = _lock(verdict, version)
    _check_approve(user, current)
    validate_complete(current)
    current.state = State.APPROVED
    current.editor = user
    current.approved_at = timezone.now()
    saved = _save(current, user=user, reason=_reason("approved", reason), fields={"state", "editor", "approved_at"})
    _tell(saved, [saved.author], Kind.APPROVED, user, "was approved")
    return saved


@service_write
def publish_verdict(*, user, verdict: Verdict, version: int | None = None, reason: str = "") -> Verdict:
    """approved → published. A correction supersedes the verdict it corrects, which becomes "corrected"."""
    current = _lock(verdict, version)
    _check_publish(user, current)
    now = timezone.now()
    if current.corrects_id:
        old = Verdict.objects.select_for_update(of=("self",)).get(pk=current.corrects_id)
        if old.state != State.PUBLISHED:
            raise WorkflowError(
                f"The verdict this corrects (#{old.pk}) is {old.get_state_display().lower()}, not published.",
                short="corrected verdict not published",
            )
        # The old verdict leaves "published" first: the database allows one published verdict per claim.
        old.state = State.CORRECTED
        _save(old, user=user, reason=f"superseded by correction #{current.pk}", fields={"state"})
    else:
        other = Verdict.objects.filter(claim_id=current.claim_id, state=State.PUBLISHED).exclude(pk=current.pk).first()
        if other:
            raise WorkflowError(
                f"Claim #{current.claim_id} already has a published verdict (#{other.pk}); "
                "correct that one instead of publishing a second.",
                short="claim already has a published verdict",
            )
    current.state = State.PUBLISHED
    current.published_at = now
    try:
        with transaction.atomic():
            saved = _save(current, user=user, reason=_reason("published", reason), fields={"state", "published_at"})
    except IntegrityError:
        # Another editor published a verdict on this claim between our check and our write.
        raise WorkflowError(
            f"Claim #{current.claim_id} got a published verdict meanwhile; reload and correct that one instead.",
            short="claim already has a published verdict",
        ) from None
    close_claim_assignments(saved.claim_id)
    _tell(saved, [saved.author, saved.editor], Kind.PUBLISHED, user, "was published")
    if saved.corrects_id:
        _tell(saved.corrects, [saved.corrects.author], Kind.CORRECTED, user, "corrects an earlier verdict")
    return saved


@service_write
def correct_verdict(*, user, verdict: Verdict, reason: str, version: int | None = None) -> Verdict:
    """Start a correction of a published verdict: a new draft with its content, evidence and the public note.

    `reason` is the public correction note. The new verdict is authored by `user` and goes through
    review again; the published one stays published until the correction is published.
    """
    note = _require_reason(reason, "correction_note", "a correction")
    current = _lock(verdict, version)
    _check_correct(user, current)
    open_correction = current.corrections.filter(state__in=OPEN_STATES).first()
    if open_correction:
        raise WorkflowError(
            f"A correction of this verdict is already under way (#{open_correction.pk}); continue that one.",
            short="correction already under way",
        )
    correction = Verdict(
        claim_id=current.claim_id,
        rating=current.rating,
        headline=current.headline,
        explanation=current.explanation,
        author=user,
        corrects=current,
        correction_note=_clean_text(note, "correction_note"),
    )
    correction._change_reason = f"correction of #{current.pk} started: {note}"
    correction.save()
    Evidence.objects.bulk_create(
        Evidence(verdict=correction, url=item.url, title=item.title, note=item.note, position=item.position)
        for item in current.evidence.all()
    )
    return correction


def _tell(verdict: Verdict, recipients, kind: str, actor, what: str) -> None:
    title = verdict.headline or f"Verdict #{verdict.pk}"
    notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        text=f"{title} {what}",
        url=reverse("admin:articles_verdict_change", args=[verdict.pk]),
    )


def _reason(what: str, reason: str) -> str:
    reason = (reason or "").strip()
    return f"{what}: {reason}" if reason else what


# ---------------------------------------------------------------- the registry used by admin and API


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button
    done: str  # "3 published"
    function: Callable
    check: Callable
    needs_reason: bool = False
    reason_label: str = "Reason (optional)"


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "Submit for review", "submitted for review", submit_verdict, _check_submit),
        Transition(
            "request_changes",
            "Request changes",
            "sent back for changes",
            request_changes,
            _check_request_changes,
            needs_reason=True,
            reason_label="What must change (required, the author sees it)",
        ),
        Transition("approve", "Approve", "approved", approve_verdict, _check_approve),
        Transition("publish", "Publish", "published", publish_verdict, _check_publish),
        Transition(
            "correct",
            "Correct",
            "correction started",
            correct_verdict,
            _check_correct,
            needs_reason=True,
            reason_label="Public correction note (required)",
        ),
    ]
}


def allowed_transitions(user, verdict: Verdict) -> list[Transition]:
    """The steps `user` may try on `verdict` now (role and state only; the step itself checks the content)."""
    allowed = []
    for transition in TRANSITIONS.values():
        try:
            transition.check(user, verdict)
        except (PermissionDenied, WorkflowError):
            continue
        allowed.append(transition)
    return allowed


def run_transition(name: str, *, user, verdict: Verdict, version: int | None = None, reason: str = "") -> Verdict:
    """Run the named step; ValidationError for an unknown name."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError({"transition": f"Unknown step {name!r}; choose one of {', '.join(TRANSITIONS)}."})
    return transition.function(user=user, verdict=verdict, version=version, reason=reason)
