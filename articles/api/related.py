"""Related-claims suggestions in the API: list them for a claim or an article, accept one as a typed link, dismiss
one. Accepting makes the link through the link service, with the same checks as a link made by hand."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from articles import access, queries, services
from articles.api.idempotency import idempotent
from articles.api.serializers import BoundedIntegerField, LinkedClaimSerializer, LinkSerializer
from articles.models import ClaimEmbedding, ClaimLink, RelatedSuggestion
from articles.suggesting import related as related_model


class RelatedSuggestionSerializer(serializers.ModelSerializer):
    from_claim = LinkedClaimSerializer(read_only=True)
    to_claim = LinkedClaimSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    decided_by = serializers.CharField(source="decided_by.get_username", default=None, read_only=True)

    class Meta:
        model = RelatedSuggestion
        fields = [
            "id",
            "from_claim",
            "to_claim",
            "kind",
            "kind_label",
            "reason",
            "score",
            "status",
            "decided_by",
            "decided_at",
            "link",
            "model_name",
            "model_version",
            "model_sha256",
            "suggested_at",
        ]
        read_only_fields = fields


class RelatedListSerializer(serializers.Serializer):
    results = RelatedSuggestionSerializer(many=True)
    pending = serializers.ListField(
        child=serializers.IntegerField(), help_text="Claims whose suggestions are still being computed."
    )


class AcceptSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=ClaimLink.Relation.choices)
    claim = BoundedIntegerField(
        required=False, help_text="The side the link reads from (one of the pair); by default the lower id."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class AcceptedSerializer(serializers.Serializer):
    suggestion = RelatedSuggestionSerializer()
    link = LinkSerializer()


def _int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: f"{name} must be a whole number, got {raw[:40]!r}."}) from None
    if not 1 <= value <= 2**63 - 1:
        raise ValidationError({name: f"{name} must be a positive id."})
    return value


class RelatedSuggestionViewSet(viewsets.GenericViewSet):
    """Related claims the machine suggests; only people turn them into links."""

    permission_classes = [IsAuthenticated]
    serializer_class = RelatedSuggestionSerializer
    queryset = RelatedSuggestion.objects.none()  # typed path ids in the schema; rows come from the access helper
    pagination_class = None
    filter_backends = []

    def _one(self, suggestion) -> dict:
        suggestion = RelatedSuggestion.objects.select_related(
            "from_claim__article__source", "from_claim__speaker", "to_claim__article__source", "to_claim__speaker"
        ).get(pk=suggestion.pk)
        return RelatedSuggestionSerializer(suggestion, context={"request": self.request}).data

    @extend_schema(
        parameters=[
            OpenApiParameter("claim", int, description="Suggestions touching this claim."),
            OpenApiParameter("article", int, description="Suggestions touching any claim of this article."),
            OpenApiParameter("status", str, enum=RelatedSuggestion.Status.values, description="Default suggested."),
        ],
        responses={200: RelatedListSerializer},
        summary="Related-claims suggestions for a claim or an article (one of the two is required)",
    )
    def list(self, request):
        claim_id, article_id = _int_param(request, "claim"), _int_param(request, "article")
        wanted = request.query_params.get("status") or RelatedSuggestion.Status.SUGGESTED
        if wanted not in RelatedSuggestion.Status.values:
            raise ValidationError({"status": f"status is one of {', '.join(RelatedSuggestion.Status.values)}."})
        if claim_id:
            claim_ids = [access.get_claim_for_user(request.user, claim_id).pk]
        elif article_id:
            article = access.get_article_for_user(request.user, article_id)
            claim_ids = list(article.claims.live().values_list("id", flat=True))
        else:
            raise ValidationError({"claim": "Give claim=<id> or article=<id>."})
        done = set(
            ClaimEmbedding.objects.filter(
                claim_id__in=claim_ids, model_version=related_model.model_version()
            ).values_list("claim_id", flat=True)
        )
        rows = queries.related_suggestions(claim_ids, status=wanted)
        return Response(
            {
                "results": RelatedSuggestionSerializer(rows, many=True, context={"request": request}).data,
                "pending": [pk for pk in claim_ids if pk not in done],
            }
        )

    @extend_schema(responses={200: RelatedSuggestionSerializer})
    def retrieve(self, request, pk=None):
        return Response(self._one(access.get_related_suggestion_for_user(request.user, pk)))

    @extend_schema(
        request=AcceptSerializer,
        responses={200: AcceptedSerializer},
        summary="Accept a suggestion as a typed link (the reviewer chooses the relation)",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request, pk=None):
        suggestion = access.get_related_suggestion_for_user(request.user, pk, write=True)
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            link = services.accept_related(
                user=request.user,
                suggestion=suggestion,
                relation=data["relation"],
                from_claim_id=data.get("claim"),
                note=data["note"],
            )
            link = queries.links_for_display(ClaimLink.objects.filter(pk=link.pk)).get()
            body = {
                "suggestion": self._one(suggestion),
                "link": LinkSerializer(link, context={"request": request}).data,
            }
        return Response(body, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: RelatedSuggestionSerializer}, summary="Dismiss a suggestion")
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        suggestion = access.get_related_suggestion_for_user(request.user, pk, write=True)
        services.dismiss_related(user=request.user, suggestion=suggestion)
        return Response(self._one(suggestion))
