"""Admin for API tokens: find them (by user, name or prefix), see when they were used, revoke them.

No secret is ever shown: the plain token exists only when made, and the stored hash is left out of every
form and list. A superuser may make a token for someone (say, a service account); the plain token is
shown once, in the message after saving.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from articles import services
from articles.models import ApiToken


class TokenStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        now = timezone.now()
        live = Q(revoked_at__isnull=True)
        if self.value() == "active":
            return queryset.filter(live & (Q(expires_at__isnull=True) | Q(expires_at__gt=now)))
        if self.value() == "expired":
            return queryset.filter(live & Q(expires_at__lte=now))
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "scope", "expires_at"]

    def clean(self):
        data = super().clean()
        if data.get("user") and "name" in data and "scope" in data:
            try:
                data["name"] = services.clean_token_input(
                    user=data["user"], name=data["name"], scope=data["scope"], expires_at=data.get("expires_at")
                )
            except ValidationError as error:
                for field, field_messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, field_messages)
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "display_prefix", "scope", "status", "created_at", "last_used_at", "expires_at"]
    list_filter = [TokenStatusFilter, "scope", ("last_used_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    ordering = ["-created_at", "-id"]
    actions = ["revoke_selected"]
    readonly_fields = [
        "user",
        "name",
        "display_prefix",
        "scope",
        "expires_at",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    add_form = ApiTokenAddForm

    def has_add_permission(self, request):
        # Making a token for someone else is acting as them: superusers only. Everyone makes their own in the desk.
        return request.user.is_superuser

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return self.add_form.Meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        # An existing token is never edited, only revoked: its scope and expiry are what its user agreed to.
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        created = services.create_token(
            user=data["user"], name=data["name"], scope=data["scope"], expires_at=data.get("expires_at")
        )
        obj.__dict__.update({k: v for k, v in created.token.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False
        self.message_user(
            request,
            f"Token for {created.token.user}: {created.plain} — copy it now and hand it over safely; "
            "it is not shown again.",
            messages.WARNING,
        )

    @admin.display(description="token")
    def display_prefix(self, obj):
        return obj.display_prefix

    @admin.display(description="status")
    def status(self, obj):
        return obj.state(timezone.now())

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke_selected(self, request, queryset):
        live = queryset.filter(revoked_at__isnull=True)
        count = 0
        for token in live:
            services.revoke_token(token=token)
            count += 1
        self.message_user(request, f"{count} token{'s' if count != 1 else ''} revoked.", messages.SUCCESS)
