"""Background jobs in the admin: read-only, a list with filters and each job with its items.

Jobs are written only by services.jobs (a worker running them); the admin watches them, and links
to the desk's job page, which updates itself.
"""

from django.contrib import admin
from django.utils.html import format_html

from articles.models import Job, JobItem


class JobItemInline(admin.TabularInline):
    model = JobItem
    fields = ["position", "name", "state", "outcome", "message", "error", "article", "attempts", "finished_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data").select_related("article")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["state", "kind", "created_at", ("created_by", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["items__name", "created_by__username"]
    date_hierarchy = "created_at"
    list_select_related = ["created_by"]
    readonly_fields = [
        "kind", "state", "total", "done_count", "failed_count", "options", "created_by", "created_at",
        "started_at", "finished_at", "heartbeat_at", "worker", "runs", "desk_page",
    ]  # fmt: skip
    fields = readonly_fields
    inlines = [JobItemInline]

    @admin.display(description="Progress")
    def progress(self, job):
        return f"{job.done_count} of {job.total}" + (f" ({job.failed_count} failed)" if job.failed_count else "")

    @admin.display(description="Desk page")
    def desk_page(self, job):
        return format_html('<a href="{}">Watch the job in the desk</a>', job.get_absolute_url())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
