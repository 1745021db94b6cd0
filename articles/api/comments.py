"""Discussion in the JSON API: /api/comments/ (threads on claims and verdicts) and /api/users/ (@mention suggestions).

Thin endpoints: access helper -> input serializer -> articles.services (comments) -> CommentPresenter. Who may
do what is access.comment_rights; a stale `version` on PATCH is a 409 with the current comment.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import access, services
from articles.api.idempotency import idempotent
from articles.api.pagination import NoCountPagination
from articles.api.serializers import BoundedIntegerField, RecordField
from articles.errors import ConflictError
from articles.filters import CommentFilter
from articles.models import Comment
from articles.queries import CommentPresenter, visible_comments

# ---------------------------------------------------------------- output (the schema's shape of CommentPresenter)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField(allow_null=True)
    verdict = serializers.IntegerField(allow_null=True)
    parent = serializers.IntegerField(allow_null=True, help_text="The thread's root; null for a root.")
    thread = serializers.IntegerField(help_text="The id of the thread's root comment.")
    author = serializers.CharField()
    author_name = serializers.CharField()
    text = serializers.CharField(help_text="Empty when deleted.")
    mentions = serializers.ListField(child=serializers.CharField(), help_text="Usernames @mentioned.")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    resolved = serializers.BooleanField(help_text="Whether the thread is resolved.")
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    can_edit = serializers.BooleanField()
    can_delete = serializers.BooleanField()


# ---------------------------------------------------------------- input


class CommentCreateSerializer(serializers.Serializer):
    claim = RecordField(fetch=access.get_claim_for_user, noun="claim", required=False)
    verdict = RecordField(fetch=access.get_verdict_for_user, noun="verdict", required=False)
    parent = RecordField(
        fetch=access.get_comment_for_user, noun="comment", required=False, help_text="Reply in this comment's thread."
    )
    # Length and emptiness are the service's to judge, with the same message on every path.
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)

    def validate(self, data):
        targets = sum(1 for name in ("claim", "verdict", "parent") if name in data)
        if targets != 1:
            raise serializers.ValidationError({"detail": "Give exactly one of claim, verdict or parent."})
        return data


class CommentUpdateSerializer(serializers.Serializer):
    version = BoundedIntegerField(help_text="The version you read; a stale one gets 409 and the current comment.")
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


def _present(request, comment: Comment, status_code=status.HTTP_200_OK) -> Response:
    comment = visible_comments().get(pk=comment.pk) if comment.deleted_at is None else comment
    return Response(CommentPresenter(request.user)(comment), status=status_code)


@extend_schema_view(
    list=extend_schema(summary="Comments, oldest first; filter by claim, verdict, thread, resolved, author"),
    retrieve=extend_schema(responses={200: CommentSerializer}),
    create=extend_schema(
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
        summary="Start a thread on a claim or verdict, or reply (parent); @username mentions notify",
    ),
    partial_update=extend_schema(
        request=CommentUpdateSerializer,
        responses={200: CommentSerializer, 409: OpenApiResponse(description="Stale version; body has `current`")},
        summary="Edit your own comment",
    ),
    destroy=extend_schema(summary="Delete your own comment (editors: any)"),
)
class CommentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    pagination_class = NoCountPagination
    permission_classes = [permissions.IsAuthenticated]
    queryset = Comment.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return visible_comments().order_by("created_at", "id")

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        present = CommentPresenter(request.user)
        return self.get_paginated_response([present(comment) for comment in rows])

    def retrieve(self, request, pk=None):
        return _present(request, access.get_comment_for_user(request.user, pk))

    @idempotent
    def create(self, request):
        serializer = CommentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            comment = services.add_comment(
                user=request.user,
                text=data["text"],
                claim=data.get("claim"),
                verdict=data.get("verdict"),
                parent=data.get("parent"),
            )
        return _present(request, comment, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        comment = access.get_comment_for_user(request.user, pk, edit=True)
        serializer = CommentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            comment = services.edit_comment(
                user=request.user, comment=comment, version=data["version"], text=data["text"]
            )
        except ConflictError as conflict:
            current = CommentPresenter(request.user)(visible_comments().get(pk=comment.pk))
            body = {"detail": str(conflict), "current_version": conflict.current_version, "current": current}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return _present(request, comment)

    def destroy(self, request, pk=None):
        comment = access.get_comment_for_user(request.user, pk, delete=True)
        services.delete_comment(user=request.user, comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: CommentSerializer}, summary="Resolve the comment's thread")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._resolve(request, pk, resolved=True)

    @extend_schema(request=None, responses={200: CommentSerializer}, summary="Reopen the comment's thread")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._resolve(request, pk, resolved=False)

    def _resolve(self, request, pk, *, resolved: bool):
        comment = access.get_comment_for_user(request.user, pk, include_deleted=True)
        root = services.resolve_thread(user=request.user, comment=comment, resolved=resolved)
        return _present(request, root)


# ---------------------------------------------------------------- @mention suggestions


class UserSuggestionSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()


MAX_SUGGESTIONS = 10


class UserSuggestionView(APIView):
    """People to @mention: active users whose username starts with, or whose name contains, `q`."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="What was typed after @ (1 to 150 characters).")],
        responses={200: UserSuggestionSerializer(many=True)},
        summary="Users to @mention, at most 10",
    )
    def get(self, request):
        typed = request.query_params.get("q", "").strip()[:150]
        users = get_user_model().objects.filter(is_active=True)
        if typed:
            users = users.filter(
                Q(username__istartswith=typed) | Q(first_name__istartswith=typed) | Q(last_name__istartswith=typed)
            )
        rows = users.order_by("username").values("username", "first_name", "last_name")[:MAX_SUGGESTIONS]
        return Response(
            [{"username": row["username"], "name": f"{row['first_name']} {row['last_name']}".strip()} for row in rows]
        )
