"""Admin for outlets, articles (import, revisions), speakers and tags."""

from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef
from django.db.models.expressions import RawSQL
from simple_history.admin import SimpleHistoryAdmin

from articles import services
from articles.admin.base import DeskAdminMixin
from articles.admin.forms import LimitedModelForm
from articles.admin.imports import ArticleImportAdminMixin
from articles.admin.revisions import AnchorAttentionFilter, ArticleRevisionsAdminMixin, annotate_anchor_counts
from articles.admin.writes import ServiceWritesMixin, adopt
from articles.models import Article, Claim, Source, Speaker, Tag, _count_of
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


@admin.register(Speaker)
class SpeakerAdmin(DeskAdminMixin, ServiceWritesMixin, SimpleHistoryAdmin):
    list_display = ["name", "description", "affiliation", "claim_count"]
    search_fields = ["name", "description", "affiliation"]
    list_filter = ["affiliation"]

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

    def delete_model(self, request, obj):
        services.delete_speaker(user=request.user, speaker=obj)


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
