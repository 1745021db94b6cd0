"""Check-worthiness models in the admin: which version is live, how each did on the desk's own data, and
activating one. Retraining runs as a queue task (`manage.py retrain_checkworthy` does the same at once)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from articles import services, tasks
from articles.models import CheckworthyModel
from articles.suggesting import checkworthy


@admin.register(CheckworthyModel)
class CheckworthyModelAdmin(admin.ModelAdmin):
    list_display = ["version", "live", "trained_at", "n_samples", "n_positive", "desk_f1", "shipped_f1", "short_hash"]
    list_filter = ["live"]
    fields = [
        "version", "live", "sha256", "trained_at", "trained_by", "n_samples", "n_positive", "desk_f1",
        "desk_precision", "desk_recall", "shipped_f1",
    ]  # fmt: skip
    readonly_fields = fields
    list_select_related = ["trained_by"]
    actions = ["make_live", "use_shipped"]
    change_list_template = "admin/articles/checkworthymodel/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("model_json")

    @admin.display(description="SHA-256")
    def short_hash(self, row):
        return row.sha256[:12]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or not obj.live)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.action(description="Make live (score articles with this version)")
    def make_live(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to make live.", messages.ERROR)
            return
        services.activate_model(queryset.get())
        self.message_user(request, f"Version {queryset.get().version} is live; articles are re-scored as they change.")

    @admin.action(description="Go back to the shipped model")
    def use_shipped(self, request, queryset):
        services.activate_model(None)
        self.message_user(request, f"The shipped model (version {checkworthy.shipped_model().version}) is live.")

    def changelist_view(self, request, extra_context=None):
        shipped = checkworthy.shipped_model()
        extra_context = {
            **(extra_context or {}),
            "live": CheckworthyModel.objects.filter(live=True).defer("model_json").first(),
            "shipped": {"version": shipped.version, "sha256": shipped.sha256},
            "may_retrain": request.user.is_superuser,
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path("retrain/", self.admin_site.admin_view(self.retrain_view), name="articles_checkworthymodel_retrain"),
            *super().get_urls(),
        ]

    def retrain_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.is_superuser:
            raise PermissionDenied
        tasks.retrain_checkworthy_model(request.user.pk)
        self.message_user(
            request,
            "Retraining queued: a worker trains a new version from the desk's claims; it appears here when done "
            "(not live until you make it live).",
        )
        return HttpResponseRedirect(reverse("admin:articles_checkworthymodel_changelist"))
