"""Verdicts in the JSON API (/api/verdicts/): read, write drafts, run workflow steps.

Thin endpoints: access helper -> input serializer -> articles.services (verdicts) -> output serializer. The
workflow decides who may do what; a stale `version` is a 409 with the current verdict, a step the
verdict's state does not allow is a 409 too, a missing role a 403, bad input a 400.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from articles import access, services
from articles.api.idempotency import idempotent
from articles.api.serializers import BoundedIntegerField, RecordField
from articles.errors import ConflictError, WorkflowError
from articles.models import Evidence, Verdict

# ---------------------------------------------------------------- output


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "url", "title", "note"]


class VerdictSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    editor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rating_label = serializers.SerializerMethodField()
    rating_value = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)
    public_url = serializers.SerializerMethodField()
    allowed_steps = serializers.SerializerMethodField()

    class Meta:
        model = Verdict
        fields = [
            "id", "claim", "state", "rating", "rating_label", "rating_value", "headline", "explanation", "evidence",
            "author", "editor", "assigned_to", "corrects", "correction_note", "submitted_at", "approved_at",
            "published_at", "updated_at", "version", "public_url", "allowed_steps",
        ]  # fmt: skip

    def get_rating_label(self, verdict) -> str | None:
        return verdict.rating_info.label if verdict.rating_info else None

    def get_rating_value(self, verdict) -> int | None:
        return verdict.rating_info.value if verdict.rating_info else None

    def get_public_url(self, verdict) -> str | None:
        if not verdict.is_public:
            return None
        return self.context["request"].build_absolute_uri(verdict.get_absolute_url())

    def get_allowed_steps(self, verdict) -> list[str]:
        """The workflow steps the requesting user may run on this verdict now."""
        return [t.name for t in services.allowed_transitions(self.context["request"].user, verdict)]


# ---------------------------------------------------------------- input


class EvidenceInputSerializer(serializers.Serializer):
    # The URL is checked by the workflow (http/https only), so every write path says the same thing.
    id = BoundedIntegerField(min_value=1, required=False, help_text="Keep (and update) this existing evidence item.")
    url = serializers.CharField(trim_whitespace=False)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VerdictFieldsSerializer(serializers.Serializer):
    rating = serializers.CharField(required=False, allow_blank=True, help_text=", ".join(Verdict.Rating.values))
    headline = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    explanation = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    evidence = EvidenceInputSerializer(many=True, required=False, help_text="Replaces the whole list.")


class VerdictCreateSerializer(VerdictFieldsSerializer):
    claim = RecordField(fetch=access.get_claim_for_user, noun="claim")


class VerdictUpdateSerializer(VerdictFieldsSerializer):
    version = BoundedIntegerField(help_text="The version you read; a stale one gets 409 and the current verdict.")
    correction_note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(services.TRANSITIONS))
    version = BoundedIntegerField(help_text="The version you read; a stale one gets 409.")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required for request_changes and correct."
    )


# ---------------------------------------------------------------- endpoints


def _verdicts():
    return (
        Verdict.objects.filter(claim__deleted_at__isnull=True)
        .select_related("author", "editor", "assigned_to")
        .prefetch_related("evidence")
        .order_by("-updated_at", "-id")
    )


@extend_schema_view(
    create=extend_schema(request=VerdictCreateSerializer, responses={201: VerdictSerializer}),
    partial_update=extend_schema(
        request=VerdictUpdateSerializer,
        responses={200: VerdictSerializer, 409: OpenApiResponse(description="Stale version or read-only state")},
    ),
)
class VerdictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VerdictSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Verdict.objects.none()
    filterset_fields = ["state", "rating", "claim", "author", "assigned_to"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _verdicts()

    def get_object(self):
        verdict = access.get_verdict_for_user(self.request.user, self.kwargs["pk"])
        return _verdicts().get(pk=verdict.pk)

    def _out(self, verdict, status_code=status.HTTP_200_OK):
        verdict = _verdicts().get(pk=verdict.pk)
        return Response(self.get_serializer(verdict).data, status=status_code)

    def _conflict(self, error, verdict):
        body = {"detail": str(error) if isinstance(error, ConflictError) else " ".join(error.messages)}
        if isinstance(error, ConflictError):
            body["current_version"] = error.current_version
        body["current"] = self.get_serializer(_verdicts().get(pk=verdict.pk)).data
        return Response(body, status=status.HTTP_409_CONFLICT)

    @idempotent
    def create(self, request):
        data = _parse(VerdictCreateSerializer, request)
        verdict = services.create_verdict(user=request.user, **data)
        return self._out(verdict, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        verdict = access.get_verdict_for_user(request.user, pk)
        data = _parse(VerdictUpdateSerializer, request)
        try:
            verdict = services.update_verdict(user=request.user, verdict=verdict, **data)
        except (ConflictError, WorkflowError) as error:
            return self._conflict(error, verdict)
        return self._out(verdict)

    @extend_schema(
        request=StepSerializer,
        responses={
            200: VerdictSerializer,
            201: OpenApiResponse(VerdictSerializer, description="correct: the new correction draft"),
            409: OpenApiResponse(description="Stale version, or the verdict's state does not allow the step"),
        },
        summary="Run a workflow step: submit, request_changes, approve, publish or correct",
    )
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        verdict = access.get_verdict_for_user(request.user, pk)
        data = _parse(StepSerializer, request)
        try:
            result = services.run_transition(data["step"], user=request.user, verdict=verdict, **_without(data, "step"))
        except (ConflictError, WorkflowError) as error:
            return self._conflict(error, verdict)
        return self._out(result, status.HTTP_201_CREATED if result.pk != verdict.pk else status.HTTP_200_OK)


def _parse(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _without(data: dict, *names) -> dict:
    return {key: value for key, value in data.items() if key not in names}


router = SimpleRouter(trailing_slash=True)
router.register("verdicts", VerdictViewSet, basename="api-verdict")
urlpatterns = router.urls
