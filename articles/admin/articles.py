"""Admin for outlets, articles (import, revisions), speakers and tags."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import OuterRef
from django.db.models.expressions import RawSQL
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from articles import services
from articles.admin.base import DeskAdminMixin
from articles.admin.forms import LimitedModelForm
from articles.admin.imports import ArticleImportAdminMixin
from articles.admin.revisions import AnchorAttentionFilter, ArticleRevisionsAdminMixin, annotate_anchor_counts
from articles.admin.writes import ServiceWritesMixin, adopt
from articles.models import Article, Claim, Source, Speaker, SpeakerAlias, Tag, _count_of
from articles.text.anchoring import normalise_newlines

admin.site.index_title = "Desk console"


@admin.register(Source)
class SourceAdmin(DeskAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "homepage", "article_count"]
    search_fields = ["name", "homepage"]

    def get_queryset(self, request):
        articles = Article.objects.filter(source=OuterRef("pk"))
        return super().get_queryset(request).annotate(article_count=_count_of(articles))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, obj):
        return obj.article_count


class ArticleAdminForm(LimitedModelForm):
    reason = forms.CharField(
        label="Reason for the change",
        max_length=500,
        required=False,
        help_text="Required when the text changes (e.g. “outlet corrected the death toll”); kept in the history.",
    )

    class Meta:
        model = Article
        fields = ["title", "source", "url", "byline", "published", "language", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Remember what the page showed: the form writes its values onto the instance while validating.
        self.stored_body = self.instance.body if self.instance.pk else None

    @property
    def body_changed(self) -> bool:
        """A changed text is a revision: its claims are re-anchored, and the desk must say why."""
        body = self.cleaned_data.get("body")
        return self.stored_body is not None and body is not None and normalise_newlines(body) != self.stored_body


@admin.register(Article)
class ArticleAdmin(
    DeskAdminMixin, ServiceWritesMixin, ArticleRevisionsAdminMixin, ArticleImportAdminMixin, SimpleHistoryAdmin
):
    form = ArticleAdminForm
    list_display = [
        "title",
        "source",
        "published",
        "claim_count",
        "anchor_states",
        "raw_format",
        "added_by",
        "created_at",
    ]
    list_filter = ["source", "raw_format", "language", AnchorAttentionFilter, ("published", admin.DateFieldListFilter)]
    list_select_related = ["source", "added_by"]
    search_fields = ["title", "url", "byline"]
    # No date_hierarchy: its year/month links read every article's date; the "published" filter serves.
    autocomplete_fields = ["source"]
    ordering = ["-published", "-id"]
    readonly_fields = ["content_hash", "raw_format", "added_by", "created_at", "updated_at"]

    def get_queryset(self, request):
        return annotate_anchor_counts(super().get_queryset(request).with_claim_counts())

    @admin.display(ordering="claim_count", description="claims")
    def claim_count(self, obj):
        return obj.claim_count

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        details = {name: data[name] for name in services.ARTICLE_DETAIL_FIELDS if name in data}
        if not change:
            saved = services.create_article(user=request.user, body=data["body"], reason="entered in admin", **details)
            adopt(obj, saved)
            return
        reason = data.get("reason", "").strip()
        if form.body_changed:
            # The new text goes through the revision service, which re-anchors every claim.
            result = services.revise_article(
                user=request.user, article=obj, body=data["body"], title=details.pop("title"), reason=reason
            )
            level = messages.WARNING if result.relocated or result.orphaned else messages.SUCCESS
            self.message_user(request, f"Text revised; claims re-anchored: {result.summary()}.", level)
        saved = services.update_article(user=request.user, article=obj, reason=reason or "edited in admin", **details)
        adopt(obj, saved)

    def get_readonly_fields(self, request, obj=None):
        # The imported original is evidence of what was published; nobody edits it.
        return [*self.readonly_fields, "raw"] if obj else self.readonly_fields


class SpeakerAliasInline(admin.TabularInline):
    """Other names of the speaker ("the mayor", "Bustamante"): the speaker box, the lists and the suggestions
    find the speaker by them, whatever their case and accents."""

    model = SpeakerAlias
    fields = ["alias"]
    extra = 1
    verbose_name = "alias"
    verbose_name_plural = "aliases (other names: “the mayor”, “Bustamante”)"

    # An alias is part of its speaker: whoever may change the speaker (annotators and up) edits its aliases.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_speaker")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_speaker")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_speaker")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_speaker")


# Merging more speakers at once than this is refused: pick them in smaller groups.
MAX_MERGE = 50


class MergeForm(forms.Form):
    target = forms.TypedChoiceField(label="Keep this speaker", coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason (kept in the claims' history)", max_length=200, required=False, widget=forms.TextInput
    )

    def __init__(self, *args, speakers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(speaker.pk, f"#{speaker.pk} {speaker}") for speaker in speakers]


@admin.register(Speaker)
class SpeakerAdmin(DeskAdminMixin, ServiceWritesMixin, SimpleHistoryAdmin):
    list_display = ["name", "description", "affiliation", "claim_count"]
    search_fields = ["name", "description", "affiliation", "aliases__alias"]
    list_filter = ["affiliation"]
    inlines = [SpeakerAliasInline]
    actions = ["merge_selected"]
    merge_template = "admin/articles/speaker/merge.html"

    def get_queryset(self, request):
        live_claims = Claim.objects.filter(speaker=OuterRef("pk"), deleted_at__isnull=True)
        return super().get_queryset(request).annotate(claim_count=_count_of(live_claims))

    @admin.display(ordering="claim_count", description="claims")
    def claim_count(self, obj):
        return obj.claim_count

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name, "") for name in ("name", "description", "affiliation")}
        if change:
            saved = services.update_speaker(user=request.user, speaker=obj, **fields)
        else:
            saved = services.get_or_create_speaker(user=request.user, **fields)
        adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        if formset.model is not SpeakerAlias:
            return super().save_formset(request, form, formset, change)
        # Aliases go through the services, which normalise them and keep one per spelling.
        for alias in formset.save(commit=False):
            if alias.pk:
                current = SpeakerAlias.objects.get(pk=alias.pk)
                services.update_alias(user=request.user, alias=current, text=alias.alias)
            else:
                services.add_alias(user=request.user, speaker=form.instance, alias=alias.alias)
        for alias in formset.deleted_objects:
            services.remove_alias(user=request.user, alias=alias)
        return None

    def delete_model(self, request, obj):
        services.delete_speaker(user=request.user, speaker=obj)

    @admin.action(description="Merge selected speakers into…", permissions=["delete"])
    def merge_selected(self, request, queryset):
        """A confirmation page: the reviewer picks the speaker to keep; the others are merged into it (their
        claims, aliases and history follow; their names become aliases)."""
        speakers = list(queryset.order_by("name", "id")[: MAX_MERGE + 1])
        if len(speakers) < 2 or len(speakers) > MAX_MERGE:
            self.message_user(
                request, f"Select between 2 and {MAX_MERGE} speakers to merge (you selected {len(speakers)}).",
                messages.ERROR,
            )  # fmt: skip
            return None
        form = MergeForm(request.POST if "confirm" in request.POST else None, speakers=speakers)
        if form.is_bound and form.is_valid():
            target = next(speaker for speaker in speakers if speaker.pk == form.cleaned_data["target"])
            claims = 0
            for source in speakers:
                if source.pk != target.pk:
                    result = services.merge_speakers(
                        user=request.user, source=source, target=target, reason=form.cleaned_data["reason"]
                    )
                    claims += result.claims
            merged = len(speakers) - 1
            self.message_user(
                request, f"Merged {merged} speaker(s) into {target}; {claims} claim(s) moved.", messages.SUCCESS
            )
            return None
        aliases = {}
        for alias in SpeakerAlias.objects.filter(speaker__in=speakers).order_by("alias"):
            aliases.setdefault(alias.speaker_id, []).append(alias.alias)
        counts = dict(
            self.get_queryset(request).filter(pk__in=[s.pk for s in speakers]).values_list("pk", "claim_count")
        )
        rows = [(speaker, counts.get(speaker.pk, 0), aliases.get(speaker.pk, [])) for speaker in speakers]
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge speakers",
            "opts": self.model._meta,
            "rows": rows,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": request.POST.get("action", ""),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, self.merge_template, context)


TAG_COUNT_CAP = 1000
CAPPED_TAG_COUNT = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM articles_claim_tags capped"
    ' WHERE capped.tag_id = "articles_tag"."id" LIMIT %s) counted'
)


@admin.register(Tag)
class TagAdmin(DeskAdminMixin, admin.ModelAdmin):
    list_display = ["name", "claim_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # Counted up to TAG_COUNT_CAP per tag: an exact count read all 1.3 million tag rows at 1M claims.
        capped = RawSQL(CAPPED_TAG_COUNT, [TAG_COUNT_CAP + 1])  # noqa: S611 (constant SQL, a parameter)
        return super().get_queryset(request).annotate(claim_count=capped)

    @admin.display(ordering="claim_count", description="claims")
    def claim_count(self, obj):
        return f"{TAG_COUNT_CAP:,}+" if obj.claim_count > TAG_COUNT_CAP else obj.claim_count
