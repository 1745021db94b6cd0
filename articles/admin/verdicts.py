"""The desk's verdict console: the Verdict list and change page, workflow actions and buttons, the dashboard.

Every write goes through the verdict services (articles.services.verdicts): the change form and the evidence inline call
create_verdict / update_verdict, the list actions and the change-page buttons call the transitions.
What this module decides is only what to show; the workflow decides what is allowed, so posting a
form or an action directly gets the same refusal as clicking a hidden button.
"""

from collections import defaultdict
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from articles import services
from articles.admin.base import DeskAdminMixin
from articles.admin.discussion import comment_view, discussion_context
from articles.admin.forms import LimitedModelForm
from articles.admin.writes import ServiceWritesMixin, refusal_text
from articles.errors import ConflictError, VerdictAlreadyOpen, WorkflowError
from articles.exports import export_action
from articles.models import Claim, Evidence, Verdict

State = Verdict.State


# ---------------------------------------------------------------- forms


class VerdictAdminForm(LimitedModelForm):
    """The verdict's content plus the version it was read at (optimistic locking)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Verdict
        fields = ["claim", "rating", "headline", "explanation", "correction_note", "assigned_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A view-only page has no editable fields: the admin drops them all, this one included.
        if self.instance.pk and "expected_version" in self.fields:
            self.fields["expected_version"].initial = self.instance.version
        if "assigned_to" in self.fields:
            # Only the people who can work on verdicts belong in a queue.
            self.fields["assigned_to"].queryset = (
                get_user_model()
                .objects.filter(
                    Q(is_superuser=True) | Q(groups__permissions__codename="change_verdict"), is_active=True
                )
                .distinct()
                .order_by("username")
            )

    def clean(self):
        data = super().clean()
        # The service compares the version with the stored one; without one it could not.
        if self.instance.pk and data.get("expected_version") is None:
            raise ValidationError("The page did not say which version you saw; reload it.", code="no_version")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False, strip=True)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    form = LimitedModelForm
    fields = ["url", "title", "note"]
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}

    def has_add_permission(self, request, obj=None):
        if obj is None:  # the add page: whoever may write a verdict
            return request.user.has_perm("articles.add_verdict")
        return services.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or services.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and services.can_edit(request.user, obj)


# ---------------------------------------------------------------- list filters


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My queue"),
            ("verdict", "Waiting for a reviewer (not mine)"),
        ]

    def queryset(self, request, queryset):
        user = request.user
        if self.value() == "mine":
            return queryset.filter(
                Q(assigned_to=user, state__in=services.OPEN_STATES)
                | Q(author=user, state__in=[State.DRAFT, State.CHANGES_REQUESTED])
            )
        if self.value() == "verdict":
            return queryset.filter(state=State.IN_REVIEW).exclude(author=user)
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Me"), ("nobody", "Nobody")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


# ---------------------------------------------------------------- the console


WORKFLOW_FIELDS = [
    "state",
    "author",
    "editor",
    "corrects_link",
    "submitted_at",
    "approved_at",
    "published_at",
    "version",
    "public_link",
]


def _needs(codename: str):
    """A has_<action>_permission method: the user holds articles.<codename>."""

    def has_permission(self, request):
        return request.user.has_perm(f"articles.{codename}")

    return has_permission


def _review_action(name):
    """An admin action running the workflow step `name` on each selected verdict."""
    transition = services.TRANSITIONS[name]

    def action(modeladmin, request, queryset):
        if transition.needs_reason:
            return modeladmin.ask_reason(request, queryset, transition)
        modeladmin.run_many(request, queryset, transition)
        return None

    action.__name__ = f"{name}_selected"
    return admin.action(description=f"{transition.label} (selected verdicts)", permissions=[name])(action)


class RelatedOnlyFilter(admin.RelatedOnlyFieldListFilter):
    """Admin's RelatedOnlyFieldListFilter on a lean subquery: the related ids in use, from the verdicts table alone.

    The stock filter builds the subquery from get_queryset(), which joins five tables for the list's columns;
    on 100,000 verdicts four of those made the list take seconds. Verdicts are readable by every role, so no
    row is hidden by skipping get_queryset.
    """

    def field_choices(self, field, request, model_admin):
        in_use = model_admin.model._default_manager.order_by().values_list(f"{self.field_path}__pk", flat=True)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to={"pk__in": in_use}, ordering=ordering)


@admin.register(Verdict)
class VerdictAdmin(DeskAdminMixin, ServiceWritesMixin, SimpleHistoryAdmin):
    form = VerdictAdminForm
    inlines = [EvidenceInline]
    list_display = ["verdict", "claim_quote", "rating", "state", "author", "assigned_to", "updated_at"]
    list_display_links = ["verdict"]
    list_filter = [
        QueueFilter,
        "state",
        "rating",
        AssignedFilter,
        ("author", RelatedOnlyFilter),
        ("editor", RelatedOnlyFilter),
        # Every outlet (a small table): "outlets in use" read every verdict's claim and article (2.4 s at 1M claims).
        ("claim__article__source", admin.RelatedFieldListFilter),
        # No speaker filter: the speakers in use joined every verdict to its claim, and all speakers are
        # thousands of links; search by the speaker's name instead.
    ]
    search_fields = ["headline", "claim__quote", "claim__summary", "claim__speaker__name"]
    autocomplete_fields = ["claim"]
    # Set by the workflow only: shown read-only, in the change page's "Workflow" section.
    readonly_fields = WORKFLOW_FIELDS
    actions = [
        "assign_to_me",
        _review_action("submit"),
        _review_action("request_changes"),
        _review_action("approve"),
        _review_action("publish"),
        _review_action("correct"),
        *(export_action(fmt) for fmt in ("claimreview", "csv", "jsonl")),
    ]
    change_form_template = "admin/articles/verdict/change_form.html"
    change_list_template = "admin/articles/verdict/change_list.html"
    history_list_display = ["state", "version"]

    # ---- what the user may do (the workflow decides; this only mirrors it for the pages)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("articles.change_verdict")
        return services.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Verdicts are never deleted from the console: drafts of a superuser's test aside, the
        # history is the desk's record. A superuser may still remove an unpublished one.
        return request.user.is_superuser and (obj is None or obj.state in services.OPEN_STATES)

    # The permission each list action needs (the admin asks has_<name>_permission).
    has_submit_permission = _needs("submit_verdict")
    has_request_changes_permission = _needs("approve_verdict")
    has_approve_permission = _needs("approve_verdict")
    has_publish_permission = _needs("publish_verdict")
    has_correct_permission = _needs("correct_verdict")
    has_assign_permission = _needs("change_verdict")

    def view_on_site(self, obj):
        # Only published (and superseded) verdicts have a public page; the rest would be a 404.
        return obj.get_absolute_url() if obj.is_public else None

    def revert_disabled(self, request, obj=None):
        # A revert would write around the workflow (a published verdict back to draft).
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Old versions cannot be restored; edit the draft or correct the verdict.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    # ---- the change form

    def get_fieldsets(self, request, obj=None):
        content = ["claim", "rating", "headline", "explanation"]
        if obj is not None and obj.corrects_id:
            content.append("correction_note")
        fieldsets = [(None, {"fields": [*content, "assigned_to", "expected_version"]})]
        if obj is not None:
            fieldsets.append(("Workflow", {"fields": WORKFLOW_FIELDS}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            # The claim a verdict is about never changes; a new claim gets a new verdict.
            fields.append("claim")
        return fields

    def get_queryset(self, request):
        # list_select_related is ignored once the queryset selects anything, so everything is named here.
        return (
            super()
            .get_queryset(request)
            .select_related("claim__article", "claim__speaker", "author", "assigned_to", "corrects")
        )

    @admin.display(description="verdict", ordering="headline")
    def verdict(self, obj):
        return str(obj)

    @admin.display(description="claim")
    def claim_quote(self, obj):
        quote = obj.claim.quote
        return quote if len(quote) <= 90 else quote[:87] + "…"

    @admin.display(description="corrects")
    def corrects_link(self, obj):
        if not obj.corrects_id:
            return "—"
        url = reverse("admin:articles_verdict_change", args=[obj.corrects_id])
        return format_html('<a href="{}">#{} {}</a>', url, obj.corrects_id, obj.corrects)

    @admin.display(description="public page")
    def public_link(self, obj):
        if obj.is_public:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())
        return "not public until published"

    def construct_change_message(self, request, form, formsets, add=False):
        # Evidence is written by the workflow, not by the formsets; the history records its changes.
        return super().construct_change_message(request, form, [], add)

    def save_model(self, request, obj, form, change):
        # Written in save_related, once the evidence inline is known: one service call per save.
        pass

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        evidence = self._evidence_from(formsets)
        if change:
            fields = {name: data[name] for name in ("rating", "headline", "explanation", "assigned_to") if name in data}
            if "correction_note" in data:
                fields["correction_note"] = data["correction_note"]
            verdict = services.update_verdict(
                user=request.user,
                verdict=form.instance,
                version=data.get("expected_version"),
                evidence=evidence if evidence is not None else services.UNSET,
                **fields,
            )
        else:
            verdict = services.create_verdict(
                user=request.user,
                claim=data["claim"],
                rating=data.get("rating", ""),
                headline=data.get("headline", ""),
                explanation=data.get("explanation", ""),
                assigned_to=data.get("assigned_to"),
                evidence=evidence or (),
            )
        form.instance.pk = verdict.pk
        form.instance.refresh_from_db()
        form.instance._state.adding = False

    @staticmethod
    def _evidence_from(formsets):
        """The evidence list the inline describes (kept rows in order, then new ones), or None if absent."""
        for formset in formsets:
            if formset.model is not Evidence:
                continue
            items = []
            for inline_form in formset.forms:
                if not inline_form.has_changed() and inline_form.instance.pk is None:
                    continue
                if formset.can_delete and formset._should_delete_form(inline_form):
                    continue
                cleaned = inline_form.cleaned_data
                items.append(
                    {
                        "id": inline_form.instance.pk,
                        "url": cleaned.get("url", ""),
                        "title": cleaned.get("title", ""),
                        "note": cleaned.get("note", ""),
                    }
                )
            return items
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        claim_id = request.GET.get("claim", "")
        if object_id is None and claim_id.isdigit():
            # "Write verdict" on a claim that already has one under way: go to that one instead.
            existing = services.open_verdict_of(int(claim_id))
            if existing:
                return self._to_open_verdict(request, VerdictAlreadyOpen(existing))
        # A refusal of the content (ValidationError, ConflictError) is shown on the form (ServiceWritesMixin);
        # a refusal of the user, with its reason, goes back to the page with the reason.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied as error:
            if not str(error):
                raise
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _to_open_verdict(self, request, error: VerdictAlreadyOpen):
        self.message_user(request, " ".join(error.messages), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:articles_verdict_change", args=[error.existing.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        claim_id = request.GET.get("claim", "")
        if obj is None and claim_id.isdigit():
            # Shown above the form: the claim this verdict is about, as the desk reads it.
            context["claim_preview"] = (
                Claim.objects.live().select_related("speaker", "article__source").filter(pk=claim_id).first()
            )
        if obj is not None:
            context.update(
                verdict=obj,
                transitions=services.allowed_transitions(request.user, obj),
                reason_form=ReasonForm(),
                workflow_url=reverse("admin:articles_verdict_workflow", args=[obj.pk]),
                later_corrections=list(obj.corrections.order_by("id")),
                **discussion_context(request, obj),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # ---- workflow buttons on the change page

    def get_urls(self):
        urls = [
            path("dashboard/", self.admin_site.admin_view(self.dashboard_view), name="articles_verdict_dashboard"),
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(require_POST(self.workflow_view)),
                name="articles_verdict_workflow",
            ),
            path(
                "<path:object_id>/comment/",
                self.admin_site.admin_view(require_POST(comment_view)),
                name="articles_verdict_comment",
            ),
        ]
        return urls + super().get_urls()

    def workflow_view(self, request, object_id):
        """A change-page button: run one step on this verdict at the version the page showed."""
        verdict = self.get_object(request, unquote(object_id))
        if verdict is None:
            raise Http404("No such verdict.")
        if not self.has_view_permission(request, verdict):
            raise PermissionDenied
        change_url = reverse("admin:articles_verdict_change", args=[verdict.pk])
        name = request.POST.get("transition", "")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            self.message_user(request, "The page did not say which version you saw; reload it.", messages.ERROR)
            return redirect(change_url)
        reason = request.POST.get("reason", "")
        try:
            result = services.run_transition(name, user=request.user, verdict=verdict, version=version, reason=reason)
        except VerdictAlreadyOpen as error:
            return self._to_open_verdict(request, error)
        except (ValidationError, ConflictError, PermissionDenied) as error:
            self.message_user(request, f"Verdict #{verdict.pk} not changed: {refusal_text(error)}", messages.ERROR)
            return redirect(change_url)
        done = services.TRANSITIONS[name].done
        if result.pk != verdict.pk:
            self.message_user(
                request,
                f"Verdict #{verdict.pk}: {done} as draft #{result.pk}. Edit it, then submit it for review.",
                messages.SUCCESS,
            )
            return redirect("admin:articles_verdict_change", result.pk)
        self.message_user(request, f"Verdict #{verdict.pk} {done}.", messages.SUCCESS)
        return redirect(change_url)

    # ---- list actions

    @admin.action(description="Assign to me", permissions=["assign"])
    def assign_to_me(self, request, queryset):
        done, skipped = [], defaultdict(list)
        for verdict in queryset.order_by("pk"):
            try:
                services.assign_verdict(user=request.user, verdict=verdict, assignee=request.user)
                done.append(verdict.pk)
            except (ValidationError, PermissionDenied) as error:
                skipped[_short(error)].append(verdict.pk)
        self._report(request, "assigned to you", done, skipped)

    def run_many(self, request, queryset, transition, reason=""):
        """Run one step on each selected verdict, each on its own; report per verdict what happened."""
        done, skipped = [], defaultdict(list)
        for verdict in queryset.order_by("pk"):
            try:
                result = transition.function(user=request.user, verdict=verdict, reason=reason)
            except (ValidationError, ConflictError, PermissionDenied) as error:
                skipped[_short(error)].append(verdict.pk)
                continue
            done.append(result.pk)
        self._report(request, transition.done, done, skipped)

    def _report(self, request, done_text, done, skipped):
        parts = [f"{len(done)} {done_text}" + (f" ({_ids(done)})" if done else "")]
        for why, ids in skipped.items():
            parts.append(f"{len(ids)} skipped: {why} ({_ids(ids)})")
        level = messages.SUCCESS if not skipped else (messages.WARNING if done else messages.ERROR)
        self.message_user(request, "; ".join(parts) + ".", level)

    def ask_reason(self, request, queryset, transition):
        """The in-between page for steps that need a reason; posts back to the same action."""
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            if form.cleaned_data["reason"]:
                self.run_many(request, queryset, transition, reason=form.cleaned_data["reason"])
                return None
            form.add_error("reason", f"{transition.reason_label.split(' (')[0]} is required.")
        context = {
            **self.admin_site.each_context(request),
            "title": f"{transition.label}: give a reason",
            "opts": self.model._meta,
            "transition": transition,
            "queryset": queryset.select_related("claim"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": request.POST.get("action", ""),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/articles/verdict/reason.html", context)

    # ---- dashboard

    def dashboard_view(self, request):
        """Counts per state and rating, verdicts published per week, the oldest verdicts waiting for review."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Verdict dashboard",
            "opts": self.model._meta,
            **dashboard_figures(),
        }
        return TemplateResponse(request, "admin/articles/verdict/dashboard.html", context)


WEEKS_SHOWN = 12


def _bars(rows: list[tuple[str, int, str]]) -> list[dict]:
    """Rows (label, count, link) with their bar width in percent of the largest."""
    top = max((count for _, count, _ in rows), default=0) or 1
    return [
        {"label": label, "count": count, "url": url, "percent": round(100 * count / top)} for label, count, url in rows
    ]


def dashboard_figures(now=None) -> dict:
    """The dashboard's numbers, four queries whatever the desk holds."""
    now = now or timezone.now()
    changelist = reverse("admin:articles_verdict_changelist")
    by_state = dict(Verdict.objects.values_list("state").annotate(n=Count("id")).order_by())
    by_rating = dict(
        Verdict.objects.filter(state=State.PUBLISHED).values_list("rating").annotate(n=Count("id")).order_by()
    )
    this_week = (now - timedelta(days=now.weekday())).date()
    first_week = this_week - timedelta(weeks=WEEKS_SHOWN - 1)
    per_week = {
        (week.date() if hasattr(week, "date") else week): n
        for week, n in Verdict.objects.filter(published_at__date__gte=first_week)
        .annotate(week=TruncWeek("published_at"))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by()
    }
    weeks = [first_week + timedelta(weeks=i) for i in range(WEEKS_SHOWN)]
    week_bars = _bars([(week.strftime("%d %b"), per_week.get(week, 0), "") for week in weeks])
    chart_height = 100
    for index, bar in enumerate(week_bars):
        bar["x"] = index * 30
        bar["height"] = round(chart_height * bar["percent"] / 100)
        bar["y"] = chart_height - bar["height"]
        # Every other week is labelled (the newest always): side by side, "01 Mar" labels overlapped.
        bar["labelled"] = (len(week_bars) - 1 - index) % 2 == 0
    waiting = list(
        Verdict.objects.filter(state=State.IN_REVIEW)
        .select_related("claim", "author", "assigned_to")
        .order_by("submitted_at", "id")[:10]
    )
    for verdict in waiting:
        verdict.waiting_days = (now - verdict.submitted_at).days if verdict.submitted_at else None
    return {
        "state_bars": _bars(
            [(s.label, by_state.get(s.value, 0), f"{changelist}?state__exact={s.value}") for s in State]
        ),
        "rating_bars": _bars(
            [
                (r.label, by_rating.get(r.value, 0), f"{changelist}?state__exact=published&rating__exact={r.value}")
                for r in Verdict.Rating
            ]
        ),
        "week_bars": week_bars,
        "chart_width": WEEKS_SHOWN * 30,
        "chart_height": chart_height,
        "published_total": sum(per_week.values()),
        "waiting": waiting,
        "total": sum(by_state.values()),
    }


@admin.register(Evidence)
class EvidenceAdmin(DeskAdminMixin, SimpleHistoryAdmin):
    """Evidence is edited on its verdict's page; this list is for finding it (read-only)."""

    list_display = ["__str__", "url", "verdict"]
    list_select_related = ["verdict"]
    ordering = ["-id"]  # the primary key's index; the model's (position, id) order is for one verdict's items
    search_fields = ["url", "title", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _short(error) -> str:
    if isinstance(error, WorkflowError):
        return error.short
    if isinstance(error, ConflictError):
        return "changed meanwhile"
    if isinstance(error, PermissionDenied):
        return str(error) or "not allowed"
    return refusal_text(error)


def _ids(ids) -> str:
    return ", ".join(f"#{pk}" for pk in ids)
