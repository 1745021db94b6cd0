"""Admin for claims and the links between them; every write goes through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from articles import access, services
from articles.admin.forms import LimitedModelForm
from articles.exports import export_action
from articles.models import Claim, ClaimLink

admin.site.index_title = "Desk console"


class ClaimAdminForm(LimitedModelForm):
    """Validates a span the same way the API does; the version guards against lost updates."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = ["article", "start", "end", "quote", "speaker", "summary", "tags", "anchor_state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A view-only page (someone else's claim) has no editable fields: the admin drops them all.
        if "quote" in self.fields:
            self.fields["quote"].required = False
            self.fields["quote"].help_text = "Leave empty to take the text between start and end."
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean(self):
        data = super().clean()
        article, start, end = data.get("article"), data.get("start"), data.get("end")
        if article is None or start is None or end is None:
            if not self.instance.pk or self.instance.anchor_state != Claim.AnchorState.ORPHANED:
                raise ValidationError("A claim needs an article, a start and an end.")
            return data
        if not data.get("quote"):
            data["quote"] = article.body[start:end] if 0 <= start < end <= len(article.body) else ""
        services.validate_span(article.body, start, end, data["quote"])
        if self.instance.pk:
            current = Claim.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current is not None and data.get("version") != current:
                raise ValidationError(
                    f"Someone else changed this claim while you were editing (now version {current}). "
                    "Reload the page and apply your change again."
                )
        return data


class LinksOutInline(admin.TabularInline):
    model = ClaimLink
    form = LimitedModelForm
    fk_name = "from_claim"
    extra = 0
    autocomplete_fields = ["to_claim"]
    readonly_fields = ["created_by", "created_at"]
    fields = ["relation", "to_claim", "note", "created_by", "created_at"]
    verbose_name = "link to another claim"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_claim", "created_by")


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Live claims"), ("yes", "Deleted claims")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    form = ClaimAdminForm
    list_display = ["__str__", "article", "speaker", "anchor_state", "link_count", "created_by", "updated_at"]
    list_filter = ["anchor_state", DeletedFilter, "article__source", "tags", "created_by"]
    list_select_related = ["article", "speaker", "created_by"]
    search_fields = ["quote", "summary", "speaker__name", "article__title"]
    autocomplete_fields = ["article", "speaker", "tags"]
    readonly_fields = ["prefix", "suffix", "created_by", "created_at", "updated_at", "deleted_at"]
    inlines = [LinksOutInline]
    actions = [
        "delete_selected_claims",
        "restore_selected_claims",
        "confirm_selected_relocations",
        *(export_action(fmt) for fmt in ("csv", "jsonl", "webannotation", "claimreview")),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(link_count=Count("links_out", distinct=True) + Count("links_in", distinct=True))
        )

    def get_actions(self, request):
        # Claims are soft-deleted so that a deletion can be undone; the hard bulk delete is not offered.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(ordering="link_count", description="links")
    def link_count(self, obj):
        return obj.link_count

    def has_change_permission(self, request, obj=None):
        if obj is not None and not access.can_change_claim(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not access.can_change_claim(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        tags = [tag.name for tag in data.get("tags", [])]
        if change:
            span = None
            if data.get("start") is not None and (obj.start, obj.end, obj.quote) != (
                form.initial.get("start"),
                form.initial.get("end"),
                form.initial.get("quote"),
            ):
                span = (data["start"], data["end"], data["quote"])
            saved = services.update_claim(
                user=request.user,
                claim=obj,
                version=data["version"],
                speaker=data.get("speaker"),
                summary=data.get("summary", ""),
                tags=tags,
                span=span,
                reason="edited in admin",
            )
        else:
            saved = services.create_claim(
                user=request.user,
                article=data["article"],
                start=data["start"],
                end=data["end"],
                quote=data["quote"],
                speaker=data.get("speaker"),
                summary=data.get("summary", ""),
                tags=tags,
            )
        # The admin goes on to log and redirect with this instance; give it the saved row.
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def save_related(self, request, form, formsets, change):
        # Tags were set by the service; the inline links still go through their own validation.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            services.delete_link(user=request.user, link=deleted)
        for link in instances:
            if link.pk:
                link.save(update_fields=["note"])
                continue
            try:
                services.link_claims(
                    user=request.user,
                    from_claim=form.instance,
                    to_claim=link.to_claim,
                    relation=link.relation,
                    note=link.note,
                )
            except ValidationError as error:
                messages.error(request, f"Link to claim #{link.to_claim_id} not saved: {'; '.join(error.messages)}")

    def delete_model(self, request, obj):
        services.delete_claim(user=request.user, claim=obj, reason="deleted in admin")

    @admin.action(description="Delete selected claims (can be undone)", permissions=["delete"])
    def delete_selected_claims(self, request, queryset):
        done, refused = 0, 0
        for claim in queryset.filter(deleted_at__isnull=True):
            if access.can_change_claim(request.user, claim):
                services.delete_claim(user=request.user, claim=claim, reason="deleted in admin")
                done += 1
            else:
                refused += 1
        self._report(request, done, refused, "deleted")

    @admin.action(description="Undo deletion of selected claims", permissions=["delete"])
    def restore_selected_claims(self, request, queryset):
        done, refused = 0, 0
        for claim in queryset.filter(deleted_at__isnull=False):
            if access.can_change_claim(request.user, claim):
                services.restore_claim(user=request.user, claim=claim)
                done += 1
            else:
                refused += 1
        self._report(request, done, refused, "restored")

    @admin.action(
        description="Confirm relocation of selected claims (they sit on the right words)", permissions=["change"]
    )
    def confirm_selected_relocations(self, request, queryset):
        done, refused = 0, 0
        for claim in queryset.filter(deleted_at__isnull=True, anchor_state=Claim.AnchorState.RELOCATED):
            if access.can_change_claim(request.user, claim):
                services.confirm_relocation(user=request.user, claim=claim, version=claim.version)
                done += 1
            else:
                refused += 1
        self._report(request, done, refused, "confirmed")

    def _report(self, request, done, refused, verb):
        message = f"{done} {verb}"
        if refused:
            message += f", {refused} skipped: not your claims"
        self.message_user(request, message + ".", messages.WARNING if refused else messages.SUCCESS)


class ClaimLinkAdminForm(LimitedModelForm):
    class Meta:
        model = ClaimLink
        fields = ["from_claim", "relation", "to_claim", "note"]

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            return data
        from_claim, to_claim, relation = data.get("from_claim"), data.get("to_claim"), data.get("relation")
        if from_claim and to_claim and relation:
            if from_claim.pk == to_claim.pk:
                raise ValidationError("A claim cannot be linked to itself.")
            if ClaimLink.objects.filter(from_claim=from_claim, to_claim=to_claim, relation=relation).exists():
                raise ValidationError("These claims are already linked with this relation.")
        return data


@admin.register(ClaimLink)
class ClaimLinkAdmin(SimpleHistoryAdmin):
    form = ClaimLinkAdminForm
    list_display = ["__str__", "relation", "from_claim", "to_claim", "created_by", "created_at"]
    list_filter = ["relation", "created_by", "from_claim__article__source"]
    list_select_related = ["from_claim", "to_claim", "created_by"]
    search_fields = ["note", "from_claim__quote", "to_claim__quote"]
    autocomplete_fields = ["from_claim", "to_claim"]
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not access.can_change_link(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not access.can_change_link(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A link's ends and relation are its identity; change them by removing and re-linking.
        return [*self.readonly_fields, "from_claim", "to_claim", "relation"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note"])
            return
        saved = services.link_claims(
            user=request.user,
            from_claim=obj.from_claim,
            to_claim=obj.to_claim,
            relation=obj.relation,
            note=obj.note,
        )
        obj.pk, obj.created_by, obj.created_at = saved.pk, saved.created_by, saved.created_at

    def delete_model(self, request, obj):
        services.delete_link(user=request.user, link=obj)
