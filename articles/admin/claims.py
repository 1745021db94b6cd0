"""Admin for claims and the links between them; every write goes through the services."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.forms.models import construct_instance
from simple_history.admin import SimpleHistoryAdmin

from articles import access, services
from articles.admin.base import DeskAdminMixin
from articles.admin.forms import LimitedModelForm
from articles.admin.writes import ServiceWritesMixin, adopt, refusal_text
from articles.exports import export_action
from articles.filters import claim_search
from articles.models import Claim, ClaimLink, _count_of

admin.site.index_title = "Desk console"


class ClaimAdminForm(LimitedModelForm):
    """Parses the fields; the service checks the span and the version (against lost updates)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # One token per rendered add form: a double click posts it twice, and the second post finds the first's
    # claim instead of making another (ClaimAdmin.save_model, services.idempotency).
    submission = forms.CharField(widget=forms.HiddenInput, required=False, initial=lambda: uuid.uuid4().hex)

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
            # A span out of range gives no quote; the service says what is wrong with the span.
            data["quote"] = article.body[start:end]
        return data


class OwnedRecordAdminMixin:
    """Annotators change and delete their own records, editors anyone's: `may_change` (from access.py) decides."""

    may_change: staticmethod

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.may_change(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self.may_change(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)


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
class ClaimAdmin(DeskAdminMixin, OwnedRecordAdminMixin, ServiceWritesMixin, SimpleHistoryAdmin):
    may_change = staticmethod(access.can_change_claim)
    form = ClaimAdminForm
    list_display = ["__str__", "article", "speaker", "anchor_state", "link_count", "created_by", "updated_at"]
    list_filter = ["anchor_state", DeletedFilter, "article__source", "tags", "created_by"]
    list_select_related = ["article", "speaker", "created_by"]
    search_fields = ["quote", "summary", "speaker__name", "article__title"]
    autocomplete_fields = ["article", "speaker", "tags"]
    readonly_fields = ["prefix", "suffix", "created_by", "created_at", "updated_at", "deleted_at"]
    inlines = [LinksOutInline]
    # Newest first, on the claim_created_idx index (the model's article/offset order suits the reader, not a list).
    ordering = ["-created_at", "-id"]
    actions = [
        "delete_selected_claims",
        "restore_selected_claims",
        "confirm_selected_relocations",
        *(export_action(fmt) for fmt in ("csv", "jsonl", "webannotation", "claimreview")),
    ]

    def get_queryset(self, request):
        # Correlated counts: computed for the page's rows only, not a GROUP BY over every claim.
        links_out = ClaimLink.objects.filter(from_claim=OuterRef("pk"))
        links_in = ClaimLink.objects.filter(to_claim=OuterRef("pk"))
        return super().get_queryset(request).annotate(link_count=_count_of(links_out) + _count_of(links_in))

    def get_search_results(self, request, queryset, search_term):
        # The claim list's search (the full-text index on SQLite), with the article's title as well.
        return claim_search(queryset, search_term, article_title=True), False

    def get_actions(self, request):
        # Claims are soft-deleted so that a deletion can be undone; the hard bulk delete is not offered.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(ordering="link_count", description="links")
    def link_count(self, obj):
        return obj.link_count

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
            saved = self._create_once(request, data, tags)
        # The admin goes on to log and redirect with this instance; give it the saved row.
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def _create_once(self, request, data, tags):
        """Create the claim, unless this add form's submission token already made one: then that claim.

        The token's row is inserted first in the admin's transaction, so a second post of the same form, even
        one at the same moment, waits for the first and finds its claim. A token sent again with other content
        (the form changed after Back) is a new claim.
        """

        def create():
            return services.create_claim(
                user=request.user,
                article=data["article"],
                start=data["start"],
                end=data["end"],
                quote=data["quote"],
                speaker=data.get("speaker"),
                summary=data.get("summary", ""),
                tags=tags,
            )

        token = data.get("submission")
        if not token:
            return create()
        content = {name: str(data.get(name)) for name in ("article", "start", "end", "quote", "speaker", "summary")}
        fingerprint = services.idempotency.fingerprint("POST", request.path, {**content, "tags": sorted(tags)})
        try:
            begun = services.idempotency.begin(
                user=request.user, key=f"admin-claim-add:{token}", request_fingerprint=fingerprint
            )
        except services.idempotency.IdempotencyKeyReused:
            return create()
        if begun.replay:
            request.claim_add_replayed = True  # its links were saved with the first post
            return Claim.objects.get(pk=int(begun.record.response))
        saved = create()
        services.idempotency.finish(begun.record, status=201, response=str(saved.pk))
        return saved

    def save_related(self, request, form, formsets, change):
        # Tags were set by the service; the inline links still go through their own validation.
        if getattr(request, "claim_add_replayed", False):
            for formset in formsets:  # nothing saved now; the admin's change message reads these
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            services.delete_link(user=request.user, link=deleted)
        for link in instances:
            if link.pk:
                services.update_link(user=request.user, link=link, note=link.note)
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
                # Refused as a whole (the claim is not saved either), saying which link was wrong.
                raise ValidationError(f"Link to claim #{link.to_claim_id} not saved: {refusal_text(error)}") from None

    def delete_model(self, request, obj):
        services.delete_claim(user=request.user, claim=obj, reason="deleted in admin", confirmed=True)

    @admin.action(description="Delete selected claims (can be undone)", permissions=["delete"])
    def delete_selected_claims(self, request, queryset):
        done, refused = 0, 0
        for claim in queryset.filter(deleted_at__isnull=True):
            if access.can_change_claim(request.user, claim):
                services.delete_claim(user=request.user, claim=claim, reason="deleted in admin", confirmed=True)
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
    """Parses the fields; services.link_claims decides whether the link may exist."""

    class Meta:
        model = ClaimLink
        fields = ["from_claim", "relation", "to_claim", "note"]

    def _post_clean(self):
        # Only the fields' own parsing: whether the link may exist (no self-link, no duplicate, also a
        # reversed one) is the service's rule, reported in its words; the model's constraints back it.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


@admin.register(ClaimLink)
class ClaimLinkAdmin(DeskAdminMixin, OwnedRecordAdminMixin, ServiceWritesMixin, SimpleHistoryAdmin):
    may_change = staticmethod(access.can_change_link)
    form = ClaimLinkAdminForm
    list_display = ["__str__", "relation", "from_claim", "to_claim", "created_by", "created_at"]
    list_filter = ["relation", "created_by", "from_claim__article__source"]
    list_select_related = ["from_claim", "to_claim", "created_by"]
    search_fields = ["note", "from_claim__quote", "to_claim__quote"]
    autocomplete_fields = ["from_claim", "to_claim"]
    readonly_fields = ["created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A link's ends and relation are its identity; change them by removing and re-linking.
        return [*self.readonly_fields, "from_claim", "to_claim", "relation"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            services.update_link(user=request.user, link=obj, note=obj.note)
            return
        saved = services.link_claims(
            user=request.user,
            from_claim=obj.from_claim,
            to_claim=obj.to_claim,
            relation=obj.relation,
            note=obj.note,
        )
        adopt(obj, saved)

    def delete_model(self, request, obj):
        services.delete_link(user=request.user, link=obj)
