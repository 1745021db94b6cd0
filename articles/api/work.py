"""A person's work in the JSON API: /api/assignments/ and /api/notifications/.

Thin endpoints: access helper -> input serializer -> articles.services (assignments, notifications) -> output
serializer. Editors assign, list every assignment and close any; anyone else sees and closes their own.
Notifications are the caller's own only: another person's is a 404, even to an editor.
"""

from django.contrib.auth import get_user_model
from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from articles import access, services
from articles.api.idempotency import idempotent
from articles.api.pagination import NoCountPagination
from articles.api.serializers import RecordField
from articles.filters import AssignmentFilter, NotificationFilter
from articles.models import Assignment, Notification

# ---------------------------------------------------------------- assignments


class AssignmentSerializer(serializers.ModelSerializer):
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    article_title = serializers.CharField(source="article.title", default=None, read_only=True)
    claim_quote = serializers.CharField(source="claim.quote", default=None, read_only=True)
    open = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The article's reader or the claim's compare page.")

    class Meta:
        model = Assignment
        fields = [
            "id", "article", "article_title", "claim", "claim_quote", "assignee", "assigned_by", "due", "note",
            "created_at", "done_at", "open", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_open(self, assignment) -> bool:
        return assignment.done_at is None

    def get_url(self, assignment) -> str:
        return (assignment.article or assignment.claim).get_absolute_url()


class AssignmentCreateSerializer(serializers.Serializer):
    article = RecordField(fetch=access.get_article_for_user, noun="article", required=False, allow_null=True)
    claim = RecordField(fetch=access.get_claim_for_user, noun="claim", required=False, allow_null=True)
    assignee = serializers.CharField(max_length=150, help_text="The username of the person who takes the work.")
    due = serializers.DateField(required=False, allow_null=True, default=None)
    # The length is the service's rule (limits.MAX_ASSIGNMENT_NOTE), so every write path says the same.
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=None)

    def validate_assignee(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise serializers.ValidationError(f"There is no user named {username[:150]!r}.") from None


@extend_schema_view(
    list=extend_schema(summary="Assignments: every one for editors, your own for others; open first by due date"),
    create=extend_schema(
        summary="Assign an article (to annotate) or a claim (to check) to a person (editors)",
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer},
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    pagination_class = NoCountPagination
    queryset = Assignment.objects.none()
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return access.assignments_for_user(self.request.user).order_by(
            F("due").asc(nulls_last=True), "created_at", "id"
        )

    def get_object(self):
        return access.get_assignment_for_user(self.request.user, self.kwargs["pk"])

    def _out(self, assignment, status_code=status.HTTP_200_OK):
        assignment = access.get_assignment_for_user(self.request.user, assignment.pk)
        return Response(self.get_serializer(assignment).data, status=status_code)

    @idempotent
    def create(self, request):
        if not access.can_assign(request.user):
            raise PermissionDenied("Only editors can assign work.")
        serializer = AssignmentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        assignment = services.assign(user=request.user, **serializer.validated_data)
        return self._out(assignment, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AssignmentSerializer}, summary="Mark done (the assignee or an editor)")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        assignment = access.get_assignment_for_user(request.user, pk)
        return self._out(services.finish(user=request.user, assignment=assignment))


# ---------------------------------------------------------------- notifications


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "url", "actor", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


MarkedSerializer = inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})


@extend_schema_view(list=extend_schema(summary="Your notifications, newest first"))
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = NoCountPagination
    queryset = Notification.objects.none()
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return access.notifications_for_user(self.request.user).order_by("-created_at", "-id")

    def get_object(self):
        return access.get_notification_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=None, responses={200: NotificationSerializer}, summary="Mark one notification read")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = access.get_notification_for_user(request.user, pk)
        services.mark_read(user=request.user, ids=[notification.pk])
        notification = access.get_notification_for_user(request.user, pk)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: MarkedSerializer}, summary="Mark all your notifications read")
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_read(user=request.user)})
