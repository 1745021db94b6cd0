"""A person's work: My work (what is assigned to me and waiting for me), the inbox, and the Trash."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles import access, services
from articles.models import Notification
from articles.queries import my_work, trash_for

INBOX_SIZE = 100


@never_cache
@login_required
def work(request):
    """Articles and claims assigned to me, my verdicts by state, verdicts waiting for my review, and unresolved
    threads that mention me."""
    context = my_work(request.user)
    for thread in context["mentions"]:
        thread.url = services.comment_url(thread)
    return render(request, "articles/my_work.html", context)


@never_cache
@login_required
def inbox(request):
    notifications = list(request.user.notifications.select_related("actor")[:INBOX_SIZE])
    emailed = services.emailed_kinds(request.user)
    kinds = [(value, label, value in emailed) for value, label in Notification.Kind.choices]
    return render(request, "articles/inbox.html", {"notifications": notifications, "kinds": kinds})


@require_POST
@login_required
def inbox_email(request):
    """Which kinds of notification also come by e-mail (all by default)."""
    services.set_email_kinds(user=request.user, kinds=request.POST.getlist("kinds"))
    messages.success(request, "E-mail settings saved.")
    return redirect("articles:inbox")


@require_POST
@login_required
def inbox_read(request):
    """Mark one notification (`id`) or all of them read, then go back to the inbox (or to the thing)."""
    ids = [request.POST["id"]] if request.POST.get("id", "").isdigit() else None
    changed = services.mark_read(user=request.user, ids=ids)
    if ids is None:
        messages.success(request, f"{changed} notification{'s' if changed != 1 else ''} marked read.")
    target = request.POST.get("next", "")
    # Only paths inside the desk: a notification's url is a path by constraint, and nothing else is followed.
    return redirect(target if target.startswith("/") and not target.startswith("//") else "articles:inbox")


@never_cache
@login_required
def trash(request):
    """Deleted claims: the user's own, or everyone's for editors, newest deletion first, each restorable."""
    return render(request, "articles/trash.html", {"claims": trash_for(request.user)})


@require_POST
@login_required
def trash_restore(request, pk):
    try:
        claim = access.get_claim_for_user(request.user, pk, write=True, include_deleted=True)
    except PermissionDenied:
        raise PermissionDenied("You can restore only your own claims.") from None
    services.restore_claim(user=request.user, claim=claim)
    messages.success(request, f"Claim #{claim.pk} restored.")
    return redirect("articles:trash")
