"""The JSON API under /api/: thin endpoints, access helper -> input serializer -> service -> output serializer.

Session authentication with CSRF; every logged-in user reads everything, writes follow the role's
model permissions plus ownership (access.py). Errors have one shape: {"detail": ..., field: [...]}.
"""

from contextlib import nullcontext

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from articles import access, limits, services
from articles.api.idempotency import idempotent
from articles.api.pagination import NoCountPagination
from articles.api.serializers import (
    ArticleListSerializer,
    ArticleSerializer,
    BoundedIntegerField,
    ClaimCreateSerializer,
    ClaimListSerializer,
    ClaimUpdateSerializer,
    CompactClaimsSerializer,
    LinkCreateSerializer,
    LinkSerializer,
    LinkUpdateSerializer,
    SpanSerializer,
    SpeakerInputSerializer,
    SpeakerSerializer,
    SpeakerSuggestionSerializer,
    SpeakerUpdateSerializer,
    present_claim,
)
from articles.errors import ConflictError
from articles.filters import ArticleFilter, ClaimFilter, LinkFilter, SpeakerFilter
from articles.models import Article, Claim, ClaimLink, Speaker
from articles.queries import (
    NO_VERDICT,
    ClaimPresenter,
    claim_statuses,
    claims_state,
    compact_claims_json,
    compact_etag,
    compact_state,
    links_for_display,
)


class ClaimVersionSerializer(serializers.Serializer):
    version = BoundedIntegerField(help_text="The version you read; a stale one gets 409 and the current claim.")


class RolePermissions(permissions.DjangoModelPermissions):
    """Reading needs a login; adding, changing and deleting need the role's model permission."""

    authenticated_users_only = True

    def has_permission(self, request, view):
        if request.method not in permissions.SAFE_METHODS:
            # A write checks the role here and often again in the view: its permissions in one query, read once.
            access.load_permissions(request.user)
        return super().has_permission(request, view)


def _require(user, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(message)


def _claim_out(request, claim: Claim, status_code=status.HTTP_200_OK) -> Response:
    claim = Claim.objects.for_display().get(pk=claim.pk)
    return Response(ClaimListSerializer(claim, context={"request": request}).data, status=status_code)


def _new_claim_out(request, claim: Claim) -> Response:
    """201 with a claim create_claim just made, presented from what was written (its article, speaker, user and
    tags are the ones it was made with) instead of read back: it has no links, verdicts nor status yet. Built by
    ClaimListSerializer's presenter without a serializer instance (DRF's field set-up for one claim)."""
    claim.link_count, claim.published_verdicts = 0, []
    presenter = ClaimPresenter(request.user, ClaimListSerializer.Meta.fields)
    return Response(present_claim(presenter, claim, NO_VERDICT), status=status.HTTP_201_CREATED)


def _conflict(request, claim: Claim, conflict: ConflictError) -> Response:
    """409 with the claim as it is now, so the client can show it and let the user apply the change again."""
    current = Claim.objects.for_display().get(pk=claim.pk)
    body = {
        "detail": str(conflict),
        "current_version": conflict.current_version,
        "current": ClaimListSerializer(current, context={"request": request}).data,
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


# ---------------------------------------------------------------- articles


@extend_schema_view(list=extend_schema(summary="Articles, searchable and filterable (no body)"))
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Articles are read here; they are imported through the admin or the import command."""

    filterset_class = ArticleFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = Article.objects.none()  # for RolePermissions and the schema; real querysets below

    def get_queryset(self):
        return Article.objects.select_related("source").with_claim_counts().defer("raw")

    def get_serializer_class(self):
        return ArticleListSerializer if self.action == "list" else ArticleSerializer

    def get_object(self):
        article = access.get_article_for_user(self.request.user, self.kwargs["pk"])
        article.claim_count = article.claims.live().count()
        return article

    @extend_schema(
        request=SpanSerializer,
        responses={200: SpeakerSuggestionSerializer, 503: OpenApiResponse(description="The model is not installed")},
        summary="Suggest the speaker of a span (stored with its provenance)",
    )
    @action(detail=True, methods=["post"], url_path="speaker-suggestion")
    @idempotent
    def speaker_suggestion(self, request, pk=None):
        article = access.get_article_for_user(request.user, pk)
        _require(request.user, "articles.add_claim", "Your role may not add claims.")
        span = SpanSerializer(data=request.data)
        span.is_valid(raise_exception=True)
        try:
            suggestion = services.suggest_speaker(user=request.user, article=article, **span.validated_data)
        except services.ModelUnavailable as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        if suggestion is None:
            empty = {"id": None, "speaker_id": None, "speaker": None, "name": "", "cue": "", "score": 0.0, "model": {}}
            return Response(SpeakerSuggestionSerializer(empty).data)
        body = {
            "id": suggestion.pk,
            "speaker_id": suggestion.speaker_id,
            "speaker": suggestion.speaker,
            "name": suggestion.name,
            "cue": suggestion.cue,
            "score": suggestion.score,
            "model": {
                "model_name": suggestion.model_name,
                "model_version": suggestion.model_version,
                "model_sha256": suggestion.model_sha256,
            },
        }
        return Response(SpeakerSuggestionSerializer(body).data)

    @extend_schema(
        summary="All of an article's live claims in one answer, compact (columns and rows, lookup tables by id)",
        description="At most FACTCHECK_ARTICLE_CLAIMS_MAX claims (default 5,000); past it a 400 names the limit "
        "and the paginated list to use instead. Send the ETag back in If-None-Match: an unchanged article "
        "answers 304 with no body.",
        parameters=[
            OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False),
            OpenApiParameter(
                "quotes",
                str,
                enum=["all"],
                required=False,
                description="all: spell out every quote (by default a quote equal to body[start:end] is null)",
            ),
            OpenApiParameter("context", bool, required=False, description="add prefix and suffix (32 characters)"),
        ],
        responses={
            200: CompactClaimsSerializer,
            304: OpenApiResponse(description="Not modified since the ETag sent"),
            400: OpenApiResponse(description="More live claims than the limit"),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="claims", pagination_class=None, filterset_class=None)
    def claims(self, request, pk=None):
        user = request.user
        # ?quotes=all: every quote spelled out; by default a quote that reads exactly as the text at its offsets
        # is null (`quotes_from_body`), the text being GET /api/articles/<id>/'s body. ?context=1 adds the 32
        # characters before and after each claim (prefix, suffix).
        all_quotes = request.query_params.get("quotes") == "all"
        context = request.query_params.get("context") in ("1", "true")
        article = access.get_article_for_user(user, pk, only=("id",) if all_quotes else ("id", "body"))
        # The ETag and the answer depend on the role (can_edit, the verdict step): its permissions in one query.
        access.load_permissions(user)
        state = compact_state(article.pk)
        etag = compact_etag(article.pk, user, {**claims_state(state), "all_quotes": all_quotes, "context": context})
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if {etag, "*"} & _if_none_match(request):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        limit = limits.max_claims_per_response()
        if state["live"] > limit:
            detail = (
                f"This article has {state['live']} claims; this endpoint returns at most {limit} "
                f"(FACTCHECK_ARTICLE_CLAIMS_MAX). Page through /api/claims/?article={article.pk} instead."
            )
            return Response({"detail": detail, "limit": limit}, status=status.HTTP_400_BAD_REQUEST)
        omit = () if context else ("prefix", "suffix")
        body = None if all_quotes else article.body
        # Already JSON (cached under the ETag): sent as it is, not through a renderer.
        content = compact_claims_json(article.pk, user, etag, state, omit=omit, body=body)
        return HttpResponse(content, content_type="application/json", headers=headers)


def _if_none_match(request) -> set[str]:
    """The ETags of If-None-Match (weak ones compared as strong: the answer is the same bytes)."""
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


# ---------------------------------------------------------------- claims


@extend_schema_view(
    list=extend_schema(summary="Claims: search, filters, newest first; pages without a total count"),
    create=extend_schema(request=ClaimCreateSerializer, responses={201: ClaimListSerializer}),
    partial_update=extend_schema(
        request=ClaimUpdateSerializer,
        responses={200: ClaimListSerializer, 409: OpenApiResponse(description="Stale version; body has `current`")},
    ),
    destroy=extend_schema(summary="Delete (undoable: POST .../restore/)"),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ClaimListSerializer
    filterset_class = ClaimFilter
    pagination_class = NoCountPagination
    permission_classes = [RolePermissions]

    def get_serializer(self, *args, **kwargs):
        if kwargs.get("many") and args:
            # Every row's status in one query rather than one per claim.
            rows = list(args[0])
            kwargs.setdefault("context", self.get_serializer_context())["statuses"] = claim_statuses(
                [row.pk for row in rows]
            )
            args = (rows, *args[1:])
        return super().get_serializer(*args, **kwargs)

    queryset = Claim.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.action != "list":
            # Only the list reads claims through this queryset; the permission check needs just its model: the
            # class's empty queryset, not one built per write (for_display() costs about a millisecond).
            return self.queryset
        return Claim.objects.live().for_display()

    def get_object(self):
        return access.get_claim_for_user(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return _claim_out(request, self.get_object())

    @idempotent
    def create(self, request):
        # Parse outside the transaction: on SQLite it holds the database's write lock. The service is atomic;
        # a speaker named inline is made in the same transaction as the claim.
        data = self._parse(ClaimCreateSerializer, request.data)
        with transaction.atomic() if "new_speaker" in data else nullcontext():
            claim = services.create_claim(
                user=request.user,
                article=data["article"],
                start=data["start"],
                end=data["end"],
                quote=data["quote"],
                speaker=self._speaker(request, data),
                summary=data.get("summary", ""),
                tags=data.get("tags", ()),
            )
            if "speaker_suggestion" in data:
                services.settle_speaker_suggestion(
                    user=request.user, claim=claim, suggestion_id=data["speaker_suggestion"]
                )
        return _new_claim_out(request, claim)

    @transaction.atomic
    def partial_update(self, request, pk=None):
        claim = access.get_claim_for_user(request.user, pk, write=True)
        data = self._parse(ClaimUpdateSerializer, request.data)
        changes = {name: data[name] for name in ("summary", "tags") if name in data}
        if "speaker" in data or "new_speaker" in data:
            changes["speaker"] = self._speaker(request, data)
        if "quote" in data:
            changes["span"] = (data["start"], data["end"], data["quote"])
        try:
            claim = services.update_claim(
                user=request.user, claim=claim, version=data["version"], reason=data["reason"], **changes
            )
        except ConflictError as conflict:
            return _conflict(request, claim, conflict)
        return _claim_out(request, claim)

    def destroy(self, request, pk=None):
        claim = access.get_claim_for_user(request.user, pk, write=True)
        # ?confirm=true: the caller showed what goes with the claim (409 `goes_with`) and the user agreed.
        confirmed = request.query_params.get("confirm") == "true"
        reason = request.data.get("reason", "") or ""
        services.delete_claim(user=request.user, claim=claim, reason=reason, confirmed=confirmed)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: ClaimListSerializer}, summary="Undo a deletion")
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        claim = access.get_claim_for_user(request.user, pk, write=True, include_deleted=True)
        return _claim_out(request, services.restore_claim(user=request.user, claim=claim))

    @extend_schema(
        request=ClaimVersionSerializer,
        responses={200: ClaimListSerializer, 409: OpenApiResponse(description="Stale version; body has `current`")},
        summary="Confirm a relocated claim (it sits on the right words); re-attach one by PATCHing its span",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        claim = access.get_claim_for_user(request.user, pk, write=True)
        data = self._parse(ClaimVersionSerializer, request.data)
        try:
            claim = services.confirm_relocation(user=request.user, claim=claim, version=data["version"])
        except ConflictError as conflict:
            return _conflict(request, claim, conflict)
        return _claim_out(request, claim)

    def _parse(self, serializer_class, payload):
        serializer = serializer_class(data=payload, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def _speaker(request, data):
        """The chosen speaker, or the one named inline (created when new)."""
        if "new_speaker" in data:
            _require(request.user, "articles.add_speaker", "Your role may not add speakers.")
            return services.get_or_create_speaker(user=request.user, **data["new_speaker"])
        return data.get("speaker")


# ---------------------------------------------------------------- links


@extend_schema_view(
    create=extend_schema(request=LinkCreateSerializer, responses={201: LinkSerializer}),
    partial_update=extend_schema(request=LinkUpdateSerializer, responses={200: LinkSerializer}),
)
class LinkViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = LinkSerializer
    filterset_class = LinkFilter
    permission_classes = [RolePermissions]
    queryset = ClaimLink.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        live = ClaimLink.objects.filter(from_claim__deleted_at__isnull=True, to_claim__deleted_at__isnull=True)
        return links_for_display(live).order_by("id")

    def _out(self, link, status_code=status.HTTP_200_OK):
        link = self.get_queryset().get(pk=link.pk)
        return Response(LinkSerializer(link, context={"request": self.request}).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._out(access.get_link_for_user(request.user, pk))

    @idempotent
    def create(self, request):
        serializer = LinkCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        # The link is read back in the transaction that made it, while its claims are still locked: a delete
        # of either claim right after it would otherwise hide it from get_queryset() before it is shown.
        with transaction.atomic():
            link = services.link_claims(user=request.user, **serializer.validated_data)
            return self._out(link, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        link = access.get_link_for_user(request.user, pk, write=True)
        serializer = LinkUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._out(services.update_link(user=request.user, link=link, note=serializer.validated_data["note"]))

    def destroy(self, request, pk=None):
        link = access.get_link_for_user(request.user, pk, write=True)
        services.delete_link(user=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- speakers


@extend_schema_view(
    create=extend_schema(
        request=SpeakerInputSerializer,
        responses={201: SpeakerSerializer},
        summary="Create a speaker; an existing one with the same name and role is returned instead",
    ),
    partial_update=extend_schema(request=SpeakerUpdateSerializer, responses={200: SpeakerSerializer}),
)
class SpeakerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = SpeakerSerializer
    filterset_class = SpeakerFilter
    permission_classes = [RolePermissions]
    queryset = Speaker.objects.all()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_object(self):
        return access.get_speaker_for_user(self.request.user, self.kwargs["pk"])

    @idempotent
    def create(self, request):
        serializer = SpeakerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        speaker = services.get_or_create_speaker(user=request.user, **serializer.validated_data)
        return Response(SpeakerSerializer(speaker).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        speaker = access.get_speaker_for_user(request.user, pk, write=True)
        serializer = SpeakerUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        speaker = services.update_speaker(user=request.user, speaker=speaker, **serializer.validated_data)
        return Response(SpeakerSerializer(speaker).data)

    def destroy(self, request, pk=None):
        speaker = access.get_speaker_for_user(request.user, pk, delete=True)
        services.delete_speaker(user=request.user, speaker=speaker)
        return Response(status=status.HTTP_204_NO_CONTENT)
