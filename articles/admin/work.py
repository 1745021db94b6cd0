"""Admin for assignments: editors hand articles (to annotate) and claims (to check) to a person."""

from django.contrib import admin

from articles import services
from articles.admin.base import DeskAdminMixin
from articles.admin.writes import ServiceWritesMixin, adopt
from articles.models import Assignment


@admin.register(Assignment)
class AssignmentAdmin(DeskAdminMixin, ServiceWritesMixin, admin.ModelAdmin):
    list_display = ["__str__", "assignee", "assigned_by", "due", "created_at", "done_at"]
    list_filter = ["done_at", "due"]
    list_select_related = ["assignee", "assigned_by"]
    search_fields = ["assignee__username", "article__title", "claim__quote"]
    autocomplete_fields = ["article", "claim"]
    fields = ["article", "claim", "assignee", "due", "note"]
    ordering = ["-id"]

    # Editors hand out work (services.can_assign); the role groups need no extra permission for it.
    def has_module_permission(self, request):
        return services.can_assign(request.user)

    def has_view_permission(self, request, obj=None):
        return services.can_assign(request.user)

    def has_add_permission(self, request):
        return services.can_assign(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return services.can_assign(request.user) and obj is None

    def save_model(self, request, obj, form, change):
        # Only adds reach here (changing an assignment is not offered): the service checks and notifies.
        saved = services.assign(
            user=request.user,
            assignee=obj.assignee,
            article=obj.article,
            claim=obj.claim,
            due=obj.due,
            note=obj.note,
        )
        adopt(obj, saved)
