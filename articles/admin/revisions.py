"""The admin's side of article revisions: anchor-state counts and filter, and "compare versions".

`ArticleRevisionsAdminMixin` adds to the Article admin:

* a page comparing any version of an article's text with the one before it (URL name
  admin:articles_article_compare), linked from the change form ("Compare versions");
* `annotate_anchor_counts`, the live claims per anchor state as annotations (no per-row queries), and the
  `anchor_states` column that shows them, each count linking to those claims;
* `AnchorAttentionFilter`, "has orphaned claims" / "has relocated claims".

Saving a changed body goes through services.revise_article (ArticleAdmin.save_model), so the claims
are re-anchored and the change's reason is recorded.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from articles.models import Article, Claim, _count_of
from articles.queries import text_versions
from articles.text.diff import diff_texts

STATES = Claim.AnchorState


def annotate_anchor_counts(queryset):
    """Add anchored_count, relocated_count and orphaned_count (live claims) to an Article queryset.

    Correlated counts, as with_claim_counts does: they run for the rows on the page only.
    """
    live = Claim.objects.filter(article=OuterRef("pk"), deleted_at__isnull=True)
    return queryset.annotate(
        **{f"{state}_count": _count_of(live.filter(anchor_state=state)) for state in STATES.values}
    )


class AnchorAttentionFilter(admin.SimpleListFilter):
    """Articles whose claims need a person after a revision."""

    title = "claims needing attention"
    parameter_name = "anchor"

    def lookups(self, request, model_admin):
        return [
            ("orphaned", "Has orphaned claims"),
            ("relocated", "Has relocated claims"),
            ("any", "Has orphaned or relocated claims"),
        ]

    def queryset(self, request, queryset):
        states = {"orphaned": ["orphaned"], "relocated": ["relocated"], "any": ["orphaned", "relocated"]}
        wanted = states.get(self.value())
        if not wanted:
            return queryset
        needing = Claim.objects.filter(article=OuterRef("pk"), deleted_at__isnull=True, anchor_state__in=wanted)
        return queryset.filter(Exists(needing))


class ArticleRevisionsAdminMixin:
    """Adds the compare page and the anchor-state column to the Article admin."""

    compare_template = "admin/articles/article/compare.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_compare"
        view = self.admin_site.admin_view(self.compare_view)
        return [path("<path:object_id>/compare/", view, name=name), *super().get_urls()]

    @admin.display(description="claims by anchor state")
    def anchor_states(self, obj):
        """The live claims per state, "5 anchored · 1 relocated · 2 orphaned"; each count links to its claims."""
        changelist = reverse("admin:articles_claim_changelist")
        parts = []
        for state in STATES.values:
            count = getattr(obj, f"{state}_count", 0)
            if count:
                query = f"?article__id__exact={obj.pk}&anchor_state__exact={state}&deleted=no"
                parts.append((changelist + query, f"anchor-{state}", count, state))
        if not parts:
            return "–"
        return format_html_join(" · ", '<a href="{}" class="{}">{} {}</a>', parts)

    def compare_view(self, request, object_id):
        """One version of the article's text beside the one before it, as an escaped inline diff."""
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = text_versions(article)
        chosen = _chosen_version(request, versions)
        index = versions.index(chosen)
        previous = versions[index + 1] if index + 1 < len(versions) else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Versions of “{article.title}”",
            "versions": versions,
            "chosen": chosen,
            "previous": previous,
            "diff": diff_texts(previous.body, chosen.body) if previous else [],
            "claim_states": annotate_anchor_counts(Article.objects.filter(pk=article.pk)).values(
                *(f"{state}_count" for state in STATES.values)
            )[0],
        }
        return TemplateResponse(request, self.compare_template, context)


def _chosen_version(request, versions):
    """The version named by ?version=<history id>, else the newest; a bad id is a 404."""
    wanted = request.GET.get("version")
    if not wanted:
        return versions[0]
    for version in versions:
        if str(version.history_id) == wanted:
            return version
    raise Http404("No such version of this article.")
