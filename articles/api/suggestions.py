"""The machine's suggestions in the JSON API: /api/suggestions/sentences/ (check-worthy sentences).

GET ?article=<id> lists the article's open suggestions (current text, not dismissed, not already a claim),
strongest first, each with its score, reasons and provenance; POST .../<id>/dismiss/ dismisses one.
Suggestions are never created through the API: the scoring job makes them.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from articles import access, services
from articles.models import SentenceSuggestion


class SentenceSuggestionSerializer(serializers.ModelSerializer):
    dismissed = serializers.BooleanField(read_only=True)

    class Meta:
        model = SentenceSuggestion
        fields = [
            "id",
            "article",
            "start",
            "end",
            "quote",
            "score",
            "reasons",
            "model_name",
            "model_version",
            "model_sha256",
            "suggested_at",
            "dismissed",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "start": {"help_text": "Unicode code point offset into the article's body, like a claim's."},
            "reasons": {"help_text": "Why it may be worth checking, in words (“a statistic: '262 officers'”)."},
        }


class SentenceSuggestionViewSet(viewsets.GenericViewSet):
    serializer_class = SentenceSuggestionSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = SentenceSuggestion.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Check-worthy sentences suggested in an article, strongest first",
        parameters=[OpenApiParameter("article", OpenApiTypes.INT, required=True, description="The article's id.")],
        responses={200: SentenceSuggestionSerializer(many=True)},
    )
    def list(self, request):
        article_id = request.query_params.get("article", "")
        if not article_id.isdigit() or len(article_id) > 18:
            raise ValidationError({"article": "Give the article's id, e.g. ?article=12."})
        article = access.get_article_for_user(request.user, int(article_id))
        rows = services.open_suggestions(article.pk)
        return Response(SentenceSuggestionSerializer(rows, many=True).data)

    @extend_schema(request=None, responses={200: SentenceSuggestionSerializer}, summary="Dismiss a suggestion")
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        suggestion = access.get_sentence_suggestion_for_user(request.user, pk, write=True)
        suggestion = services.dismiss_suggestion(user=request.user, suggestion=suggestion)
        return Response(SentenceSuggestionSerializer(suggestion).data)
