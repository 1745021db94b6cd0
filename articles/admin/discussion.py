"""The verdict page's discussion: the verdict's and its claim's threads, read-only, and a reply box for staff.

Rendered below the admin form (templates/admin/articles/verdict/discussion.html); posts go through
services.add_comment like every other write path, after the same access checks as the API.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from articles import access, services
from articles.admin.writes import refusal_text
from articles.models import Verdict
from articles.queries import CommentPresenter, threads_of, visible_comments


def discussion_context(request, verdict: Verdict) -> dict:
    """The two groups of threads the page shows (one query for the comments, one for their mentions)."""
    present = CommentPresenter(request.user)
    comments = [
        present(comment)
        for comment in visible_comments().filter(Q(verdict=verdict) | Q(claim_id=verdict.claim_id)).order_by("id")
    ]
    groups = [
        ("On this verdict", [c for c in comments if c["verdict"] == verdict.pk], "No comments on this verdict yet."),
        ("On its claim", [c for c in comments if c["claim"] == verdict.claim_id], "No comments on the claim yet."),
    ]
    return {
        "discussion_groups": [
            (heading, [{**t, "comments": [t["root"], *t["replies"]]} for t in threads_of(rows)], empty)
            for heading, rows, empty in groups
        ],
        "comment_url": reverse("admin:articles_verdict_comment", args=[verdict.pk]),
    }


def comment_view(request, object_id):
    """POST: start a thread on the verdict (no `parent`) or reply in one of the page's threads (`parent`)."""
    try:
        verdict = access.get_verdict_for_user(request.user, object_id)
    except PermissionDenied:
        raise Http404("No such verdict.") from None
    page = reverse("admin:articles_verdict_change", args=[verdict.pk]) + "#discussion"
    parent_id = request.POST.get("parent", "")
    try:
        parent = access.get_comment_for_user(request.user, parent_id) if parent_id else None
        if parent is not None and parent.verdict_id != verdict.pk and parent.claim_id != verdict.claim_id:
            raise Http404("That comment is not on this page.")
        services.add_comment(
            user=request.user,
            text=request.POST.get("text", ""),
            verdict=None if parent else verdict,
            parent=parent,
        )
    except (ValidationError, PermissionDenied, Http404) as error:
        messages.error(
            request, f"Comment not posted: {refusal_text(error) if not isinstance(error, Http404) else error}"
        )
        return redirect(page)
    messages.success(request, "Comment posted.")
    return redirect(page)
