"""Admin for outlets, articles (import, revisions), speakers and tags."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from simple_history.admin import SimpleHistoryAdmin

from articles import services
from articles.admin.forms import LimitedModelForm
from articles.admin.imports import ArticleImportAdminMixin
from articles.admin.revisions import AnchorAttentionFilter, ArticleRevisionsAdminMixin, annotate_anchor_counts
from articles.models import Article, Source, Speaker, Tag, content_hash

admin.site.index_title = "Desk console"


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "homepage", "article_count"]
    search_fields = ["name", "homepage"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

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

    def clean_body(self):
        from articles.text.anchoring import normalise_newlines

        return normalise_newlines(self.cleaned_data["body"])

    def clean(self):
        data = super().clean()
        if not self.instance.pk and data.get("body"):
            duplicate = services.find_duplicate(body=data["body"], url=data.get("url", ""))
            if duplicate:
                existing, why = duplicate
                raise ValidationError(f"Already stored as article #{existing.pk} ({why}).")
        # A changed text is a revision: its claims are re-anchored, and the desk must say why.
        self.body_changed = bool(self.instance.pk) and data.get("body") not in (None, self.instance.body)
        if self.body_changed:
            if not data.get("reason", "").strip():
                self.add_error("reason", "Say why the text changed; claims will be re-anchored to the new text.")
            other = Article.objects.filter(content_hash=content_hash(data["body"])).exclude(pk=self.instance.pk)
            if other.exists():
                self.add_error("body", f"This text is already stored as article #{other.first().pk}.")
        return data


@admin.register(Article)
class ArticleAdmin(ArticleRevisionsAdminMixin, ArticleImportAdminMixin, SimpleHistoryAdmin):
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
    date_hierarchy = "published"
    autocomplete_fields = ["source"]
    ordering = ["-published", "-id"]
    readonly_fields = ["content_hash", "raw_format", "added_by", "created_at", "updated_at"]

    def get_queryset(self, request):
        return annotate_anchor_counts(super().get_queryset(request).with_claim_counts())

    @admin.display(ordering="claim_count", description="claims")
    def claim_count(self, obj):
        return obj.claim_count

    def save_model(self, request, obj, form, change):
        if change and form.body_changed:
            # The new text goes through the revision service, which re-anchors every claim.
            result = services.revise_article(
                user=request.user, article=obj, body=obj.body, title=obj.title, reason=form.cleaned_data["reason"]
            )
            level = messages.WARNING if result.relocated or result.orphaned else messages.SUCCESS
            self.message_user(request, f"Text revised; claims re-anchored: {result.summary()}.", level)
            details = [name for name in form.changed_data if name not in {"title", "body", "reason"}]
            if details:
                obj._change_reason = form.cleaned_data["reason"]
                obj.save(update_fields=details)
            return
        if change:
            obj._change_reason = form.cleaned_data.get("reason", "").strip() or "edited in admin"
            obj.save()
            return
        obj.added_by = request.user
        obj._change_reason = "entered in admin"
        obj.save()

    def get_readonly_fields(self, request, obj=None):
        # The imported original is evidence of what was published; nobody edits it.
        return [*self.readonly_fields, "raw"] if obj else self.readonly_fields


@admin.register(Speaker)
class SpeakerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description", "affiliation", "claim_count"]
    search_fields = ["name", "description", "affiliation"]
    list_filter = ["affiliation"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(claim_count=Count("claims", filter=Q(claims__deleted_at__isnull=True)))
        )

    @admin.display(ordering="claim_count", description="claims")
    def claim_count(self, obj):
        return obj.claim_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "claim_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    @admin.display(ordering="claim_count", description="claims")
    def claim_count(self, obj):
        return obj.claim_count
