"""Object access: one helper per object type, used by every view, API endpoint and admin page.

Reading needs a login; writing needs ownership or the editor's permission. What a user may not see
is a 404, so ids of hidden records reveal nothing; what a user may see but not change is a 403.
"""

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import Http404

from articles.models import (
    ApiToken,
    Article,
    Assignment,
    Claim,
    ClaimLink,
    Comment,
    Job,
    Notification,
    RelatedSuggestion,
    SentenceSuggestion,
    Speaker,
    Verdict,
)


def _one(queryset, pk, missing: str):
    """The row with this id, or a 404 saying `missing`: an unknown id and one that is not an id (text, a float,
    a number past the column's range) are the same answer, never a 500."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(missing) from None


def owner_or_editor(user, own_permission: str) -> Callable[[int | None], bool]:
    """Whether `user` may change a claim or link made by a given user id: editors (change_any_claim) anyone's,
    others their own if they hold `own_permission`. The permissions are read once, for many records."""
    if user is None or not user.is_authenticated:
        return lambda created_by_id: False
    if user.has_perm("articles.change_any_claim"):
        return lambda created_by_id: True
    if not user.has_perm(own_permission):
        return lambda created_by_id: False
    user_pk = user.pk
    return lambda created_by_id: created_by_id == user_pk


def can_change_claim(user, claim: Claim) -> bool:
    """Annotators change their own claims; editors (change_any_claim) change anyone's."""
    return owner_or_editor(user, "articles.change_claim")(claim.created_by_id)


def can_change_link(user, link: ClaimLink) -> bool:
    return owner_or_editor(user, "articles.delete_claimlink")(link.created_by_id)


def get_article_for_user(user, pk, *, only: tuple[str, ...] | None = None) -> Article:
    """Any logged-in user reads every article; `only`: load just these fields (say, not the text)."""
    if not user.is_authenticated:
        raise PermissionDenied
    articles = Article.objects.select_related("source")
    if only:
        articles = (articles if any(name.startswith("source__") for name in only) else Article.objects).only(*only)
    return _one(articles, pk, "No such article.")


def get_claim_for_user(user, pk, *, write: bool = False, include_deleted: bool = False) -> Claim:
    """A claim the user may read, or (write=True) change; deleted claims only when asked for (undo)."""
    if not user.is_authenticated:
        raise PermissionDenied
    claims = Claim.objects.select_related("article", "article__source", "speaker", "created_by")
    if not include_deleted:
        claims = claims.live()
    claim = _one(claims, pk, "No such claim.")
    if write and not can_change_claim(user, claim):
        raise PermissionDenied("You can change only your own claims.")
    return claim


def get_link_for_user(user, pk, *, write: bool = False) -> ClaimLink:
    if not user.is_authenticated:
        raise PermissionDenied
    links = ClaimLink.objects.select_related("from_claim", "to_claim").filter(
        from_claim__deleted_at__isnull=True, to_claim__deleted_at__isnull=True
    )
    link = _one(links, pk, "No such link.")
    if write and not can_change_link(user, link):
        raise PermissionDenied("You can remove only your own links.")
    return link


def get_speaker_for_user(user, pk, *, write: bool = False, delete: bool = False) -> Speaker:
    """Speakers are shared: everyone logged in reads them; changing or deleting one needs the role's permission."""
    if not user.is_authenticated:
        raise PermissionDenied
    speaker = _one(Speaker.objects, pk, "No such speaker.")
    if write and not user.has_perm("articles.change_speaker"):
        raise PermissionDenied("Your role may not change speakers.")
    if delete and not user.has_perm("articles.delete_speaker"):
        raise PermissionDenied("Only editors may delete speakers.")
    return speaker


def get_verdict_for_user(user, pk) -> Verdict:
    """A verdict in any state, for the desk (login required). Who may change it is the workflow's rule
    (workflow.can_edit and each transition), checked by the workflow functions themselves."""
    if not user.is_authenticated:
        raise PermissionDenied
    verdicts = Verdict.objects.select_related(
        "claim__article__source", "claim__speaker", "author", "editor", "assigned_to", "corrects"
    ).filter(claim__deleted_at__isnull=True)
    return _one(verdicts, pk, "No such verdict.")


def get_published_verdict(pk) -> Verdict:
    """A verdict anyone, logged in or not, may read: published or superseded by a correction."""
    verdicts = Verdict.objects.public().select_related("claim__article__source", "claim__speaker")
    return _one(verdicts, pk, "No such published verdict.")


def get_token_for_user(user, pk) -> ApiToken:
    """A user sees and revokes only their own API tokens (superusers manage others' in admin); another's is a 404."""
    if not user.is_authenticated:
        raise PermissionDenied
    return _one(ApiToken.objects.filter(user=user), pk, "No such token.")


def can_see_all_jobs(user) -> bool:
    """Editors (and superusers) watch every job; others only their own."""
    return user.is_authenticated and (user.is_superuser or user.has_perm("articles.change_article"))


def get_job_for_user(user, pk) -> Job:
    """A background job its starter, an editor or a superuser may watch; anyone else gets a 404."""
    if not user.is_authenticated:
        raise PermissionDenied
    jobs = Job.objects.select_related("created_by")
    if not can_see_all_jobs(user):
        jobs = jobs.filter(created_by=user)
    return _one(jobs, pk, "No such job.")


def get_sentence_suggestion_for_user(user, pk, *, write: bool = False) -> SentenceSuggestion:
    """A check-worthy sentence suggestion: every logged-in user reads them; dismissing one (write=True) needs
    the right to add claims, since a dismissal decides about a claim that will not be made."""
    if not user.is_authenticated:
        raise PermissionDenied
    suggestion = _one(SentenceSuggestion.objects, pk, "No such suggestion.")
    if write and not user.has_perm("articles.add_claim"):
        raise PermissionDenied("Your role may not add claims, so it may not dismiss suggested ones.")
    return suggestion


def can_assign(user) -> bool:
    """Editors hand out work (the same permission that lets them edit anyone's claims)."""
    return user.is_authenticated and user.has_perm("articles.change_any_claim")


def assignments_for_user(user):
    """The assignments a user may see: every one for editors, their own (as assignee) for anyone else."""
    if not user.is_authenticated:
        raise PermissionDenied
    assignments = Assignment.objects.select_related("article", "claim", "assignee", "assigned_by").defer(
        "article__body", "article__raw"
    )
    return assignments if can_assign(user) else assignments.filter(assignee=user)


def get_assignment_for_user(user, pk) -> Assignment:
    """An assignment the user may see (assignments_for_user); another person's is a 404 to a non-editor. Who may
    close it is the service's rule (services.finish: the assignee or an editor)."""
    return _one(assignments_for_user(user), pk, "No such assignment.")


def notifications_for_user(user):
    """A person's own notifications, newest first; nobody, not even an editor, reads another's inbox."""
    if not user.is_authenticated:
        raise PermissionDenied
    return Notification.objects.filter(recipient=user).select_related("actor")


def get_notification_for_user(user, pk) -> Notification:
    return _one(notifications_for_user(user), pk, "No such notification.")


def comment_rights(user) -> Callable[[int | None], tuple[bool, bool]]:
    """The one rule for comments. Anyone logged in who may see a claim (or verdict) reads and joins its threads,
    annotators included, and may resolve or reopen them; a comment's author edits it; its author or an editor
    (change_any_claim) deletes it. Returns, for an author id, (may edit, may delete); permissions read once."""
    if user is None or not user.is_authenticated or not user.is_active:
        return lambda author_id: (False, False)
    editor, user_pk = user.has_perm("articles.change_any_claim"), user.pk
    return lambda author_id: (author_id == user_pk, editor or author_id == user_pk)


def get_comment_target_for_user(user, *, claim=None, verdict=None) -> Claim | Verdict:
    """The claim or verdict a user may read and so comment on (exactly one of the two ids)."""
    if (claim is None) == (verdict is None):
        raise Http404("Name a claim or a verdict.")
    return get_claim_for_user(user, claim) if claim is not None else get_verdict_for_user(user, verdict)


def get_comment_for_user(
    user, pk, *, edit: bool = False, delete: bool = False, include_deleted: bool = False
) -> Comment:
    """A comment on a claim or verdict the user may see (deleted comments only when asked for: a thread's
    deleted root still resolves); `edit`/`delete` check comment_rights."""
    if not user.is_authenticated:
        raise PermissionDenied
    comments = Comment.objects.select_related("author", "parent", "claim", "verdict").filter(
        Q(claim__isnull=False, claim__deleted_at__isnull=True)
        | Q(verdict__isnull=False, verdict__claim__deleted_at__isnull=True)
    )
    if not include_deleted:
        comments = comments.filter(deleted_at__isnull=True)
    comment = _one(comments, pk, "No such comment.")
    may_edit, may_delete = comment_rights(user)(comment.author_id)
    if edit and not may_edit:
        raise PermissionDenied("You can edit only your own comments.")
    if delete and not may_delete:
        raise PermissionDenied("You can delete only your own comments; editors can delete any.")
    return comment


def get_related_suggestion_for_user(user, pk, *, write: bool = False) -> RelatedSuggestion:
    """A related-claims suggestion between two live claims; deciding it (write) needs the right to link claims,
    since accepting one makes a link."""
    if not user.is_authenticated:
        raise PermissionDenied
    suggestions = RelatedSuggestion.objects.select_related("from_claim", "to_claim").filter(
        from_claim__deleted_at__isnull=True, to_claim__deleted_at__isnull=True
    )
    suggestion = _one(suggestions, pk, "No such suggestion.")
    if write and not user.has_perm("articles.add_claimlink"):
        raise PermissionDenied("You may not link claims, so you may not decide suggestions.")
    return suggestion
