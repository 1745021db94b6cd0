"""The desk's "API tokens" page: my tokens, a form to make one (shown once), and revoking one.

The new token is shown in the answer to the form's POST itself, never stored anywhere to show later
(not in the session, not in a message), and the page is marked no-store so no cache keeps it.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from articles import access, services
from articles.models import ApiToken

# Service field -> form field, for errors the service finds (a duplicate name, a past expiry).
FORM_FIELDS = {"name": "name", "scope": "scope", "expires_at": "expires_on"}


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length, help_text='What it is for, e.g. "weekly export".'
    )
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ, widget=forms.RadioSelect)
    expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Valid through this day (UTC). Leave empty for a token that lasts until you revoke it.",
    )

    def expires_at(self) -> datetime | None:
        """The end of the chosen day: a token "valid through 31 May" works all of 31 May."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(FORM_FIELDS.get(field), field_messages)
        else:
            response = render(request, "articles/token_created.html", {"token": created.token, "plain": created.plain})
            response["Cache-Control"] = "no-store"
            return response
    now = timezone.now()
    tokens = list(ApiToken.objects.filter(user=request.user))
    for token in tokens:
        token.status = token.state(now)
    return render(request, "articles/tokens.html", {"form": form, "tokens": tokens})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    """GET asks for confirmation; POST (with CSRF) revokes."""
    token = access.get_token_for_user(request.user, pk)
    if request.method == "POST":
        services.revoke_token(token=token)
        messages.success(request, f"Token “{token.name}” is revoked: calls that use it are now refused.")
        return redirect("articles:token_list")
    return render(request, "articles/token_revoke.html", {"token": token})
