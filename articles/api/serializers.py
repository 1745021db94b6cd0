"""API shapes: output serializers present records, input serializers parse requests.

Input serializers only check types and turn ids into records the user may read (through access.py);
every rule about spans, links and speakers is the services' and comes back as a 400 with its message.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from rest_framework import serializers

from articles import access
from articles.filters import MAX_ID
from articles.models import Article, Claim, ClaimLink, Speaker, Verdict
from articles.queries import CLAIM_FIELDS, CLAIM_LIST_FIELDS, STATUS_FIELDS, ClaimPresenter, claim_row, claim_status

# ---------------------------------------------------------------- output


class SpeakerSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Speaker
        fields = ["id", "name", "description", "affiliation", "label"]
        read_only_fields = fields


class ArticleListSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.name", default=None, read_only=True)
    claim_count = serializers.IntegerField(read_only=True)
    reader_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "source",
            "url",
            "byline",
            "published",
            "language",
            "claim_count",
            "reader_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArticleSerializer(ArticleListSerializer):
    body_length = serializers.SerializerMethodField(help_text="Length of body in Unicode code points.")

    class Meta(ArticleListSerializer.Meta):
        fields = [*ArticleListSerializer.Meta.fields, "body", "body_length", "content_hash"]
        read_only_fields = fields

    def get_body_length(self, article) -> int:
        return len(article.body)


class VerdictBadgeSerializer(serializers.Serializer):
    """The claim's current published verdict: rating, headline and its public page."""

    id = serializers.IntegerField()
    rating = serializers.CharField()
    rating_label = serializers.CharField(source="get_rating_display")
    headline = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class ClaimStatusSerializer(serializers.Serializer):
    """Where the claim stands on its way to a published verdict (queries.ClaimStatus)."""

    code = serializers.ChoiceField(choices=["none", *Verdict.State.values])
    label = serializers.CharField()
    verdict = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(help_text="The editor's latest reason for sending the verdict back.")
    rating = serializers.CharField()


class VerdictActionSerializer(serializers.Serializer):
    """The user's next step on the claim's verdict (queries.VerdictActions): Write verdict or Open verdict."""

    label = serializers.CharField()
    url = serializers.CharField(help_text="The admin's add form with the claim filled in, or the open verdict.")


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as the reader's panel shows it; expects a queryset from Claim.objects.for_display().

    The fields declare the types for the schema; the output is built by queries.ClaimPresenter, the
    builder the reader's embedded claims use too.
    """

    speaker = SpeakerSerializer(read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    created_by = serializers.CharField(read_only=True)
    link_count = serializers.IntegerField(read_only=True)
    verdict = VerdictBadgeSerializer(read_only=True, allow_null=True)
    deleted = serializers.BooleanField(read_only=True)
    can_edit = serializers.BooleanField(read_only=True)
    url = serializers.CharField(read_only=True)
    status = ClaimStatusSerializer(read_only=True)
    verdict_action = VerdictActionSerializer(
        read_only=True, allow_null=True, help_text="Fact-checkers and editors only; null for others."
    )

    class Meta:
        model = Claim
        fields = [*CLAIM_FIELDS, *STATUS_FIELDS]
        read_only_fields = fields

    def to_representation(self, claim):
        if not hasattr(self, "_presenter"):
            request = self.context.get("request")
            self._presenter = ClaimPresenter(request.user if request else None, self.Meta.fields)
        # Lists pass every row's status in the context (one query); a single claim reads its own.
        statuses = self.context.get("statuses")
        status = statuses[claim.pk] if statuses and claim.pk in statuses else claim_status(claim.pk)
        return present_claim(self._presenter, claim, status)


def present_claim(presenter: ClaimPresenter, claim, status) -> dict:
    """A claim at hand (from Claim.objects.for_display(), or just made) as `presenter` shows it, with its status."""
    tags = [tag.name for tag in claim.tags.all()]
    return presenter(claim_row(claim), tags=tags, link_count=claim.link_count, status=status)


class ClaimListSerializer(ClaimSerializer):
    """A claim outside its article's reader: says which article and outlet it is from."""

    article_title = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    reader_url = serializers.CharField(read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = list(CLAIM_LIST_FIELDS)
        read_only_fields = fields


class CompactVerdictSerializer(serializers.Serializer):
    rating = serializers.CharField()
    headline = serializers.CharField()


class CompactClaimsSerializer(serializers.Serializer):
    """An article's live claims in one answer (queries.compact_claims): `rows` of values in the order of
    `columns`; speakers, users (created_by), tags and published verdicts are ids, spelled out once in the
    lookup tables keyed by id. Declared for the schema; the view returns the builder's dict as it is."""

    format = serializers.IntegerField(help_text="Raised when this shape changes.")
    article = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Number of rows (live claims).")
    columns = serializers.ListField(
        child=serializers.CharField(),
        help_text="id, start, end (code points), quote, [prefix, suffix with ?context=1], speaker (id or null), "
        "summary, "
        "anchor_state, created_by (user id), version, verdict (published verdict id or null), tags (tag ids), "
        "link_count, can_edit; new columns may be added at the end.",
    )
    rows = serializers.ListField(child=serializers.ListField(), help_text="One list per claim, in reading order.")
    quotes_from_body = serializers.BooleanField(
        help_text="true: a null quote reads body[start:end] (code points) of the article's text; ?quotes=all spells "
        "out every quote."
    )
    speaker_columns = serializers.ListField(child=serializers.CharField(), help_text="name, description, affiliation")
    speakers = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Speaker id -> values (speaker_columns)."
    )
    users = serializers.DictField(child=serializers.CharField(), help_text="User id -> username.")
    tags = serializers.DictField(child=serializers.CharField(), help_text="Tag id -> name.")
    verdicts = serializers.DictField(child=CompactVerdictSerializer())
    ratings = serializers.DictField(child=serializers.CharField(), help_text="Rating value -> label.")
    urls = serializers.DictField(child=serializers.CharField(), help_text="URL patterns, {} for the id.")


def reader_url(claim) -> str:
    """The reader scrolled to this claim's highlight."""
    return f"{reverse('articles:article_detail', args=[claim.article_id])}#claim-{claim.pk}"


class LinkedClaimSerializer(serializers.ModelSerializer):
    """One end of a link, enough to say who said what where."""

    speaker = serializers.CharField(source="speaker.name", default=None, read_only=True)
    article_title = serializers.CharField(source="article.title", read_only=True)
    source = serializers.CharField(source="article.source.name", default=None, read_only=True)
    reader_url = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "article_title",
            "source",
            "quote",
            "summary",
            "speaker",
            "anchor_state",
            "reader_url",
            "url",
        ]
        read_only_fields = fields

    def get_reader_url(self, claim) -> str:
        return reader_url(claim)


class LinkSerializer(serializers.ModelSerializer):
    from_claim = LinkedClaimSerializer(read_only=True)
    to_claim = LinkedClaimSerializer(read_only=True)
    relation_label = serializers.CharField(source="get_relation_display", read_only=True)
    created_by = serializers.CharField(source="created_by.get_username", read_only=True)
    can_delete = serializers.SerializerMethodField()

    class Meta:
        model = ClaimLink
        fields = [
            "id",
            "from_claim",
            "to_claim",
            "relation",
            "relation_label",
            "note",
            "created_by",
            "created_at",
            "can_delete",
        ]
        read_only_fields = fields

    def get_can_delete(self, link) -> bool:
        request = self.context.get("request")
        return bool(request) and access.can_change_link(request.user, link)


# ---------------------------------------------------------------- input


class BoundedIntegerField(serializers.IntegerField):
    """A whole number in a body (offsets, versions, ids) no larger than MAX_ID: a larger one is a 400 naming
    the limit, never a number the database cannot store. Lower bounds are the services' to say."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
        self.error_messages["max_value"] = f"Must be a whole number no larger than {MAX_ID}."


class IdField(serializers.IntegerField):
    """A record's id, a whole number from 1 to MAX_ID (anything else is a 400 naming the range), not yet read."""

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        if not 1 <= pk <= MAX_ID:  # checked here, not by validators: a RecordField's would see the record
            raise serializers.ValidationError(f"An id is a whole number from 1 to {MAX_ID}, got {pk}.")
        return pk


class RecordField(IdField):
    """An id turned into a record through the access helper; unknown or hidden ids are a 400 naming the id."""

    def __init__(self, *, fetch, noun: str, **kwargs):
        self.fetch, self.noun = fetch, noun
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        try:
            return self.fetch(self.context["request"].user, pk)
        except (Http404, PermissionDenied):
            raise serializers.ValidationError(f"There is no {self.noun} with id {pk}.") from None

    def to_representation(self, value):
        return value.pk


def _speaker_field(**kwargs):
    return RecordField(fetch=access.get_speaker_for_user, noun="speaker", **kwargs)


class SpeakerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=None, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    affiliation = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class SpeakerUpdateSerializer(SpeakerInputSerializer):
    name = serializers.CharField(required=False, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    affiliation = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


def _shallow_copy(field):
    """copy.copy(field) without its generic protocol (__reduce_ex__, copyreg, _reconstruct: most of a copy's cost):
    a new instance of the class holding the same attributes. DRF's Field.__new__ is not run again; what it records
    (the constructor's arguments, for deepcopy) is among the attributes copied."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


class ClaimFieldsMixin(serializers.Serializer):
    """What the desk writes about a claim: who said it, in its own words, and tags."""

    def get_fields(self):
        # DRF deep-copies every declared field for each serializer (it builds each anew, validators and all):
        # half of parsing a new claim's body. A shallow copy is enough here: binding sets the copy's own name and
        # parent, and what the copies share (validators, error messages, a list's child, a nested serializer's
        # declared fields, which it copies when it is used) is only read while validating.
        return {name: _shallow_copy(field) for name, field in self._declared_fields.items()}

    speaker = _speaker_field(required=False, allow_null=True, help_text="An existing speaker's id, or null.")
    new_speaker = SpeakerInputSerializer(
        required=False, help_text="Create (or reuse, when name and role match) a speaker and attribute the claim."
    )
    summary = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False, max_length=50)

    def validate(self, data):
        if data.get("speaker") is not None and "new_speaker" in data:
            raise serializers.ValidationError({"new_speaker": "Give either speaker or new_speaker, not both."})
        return data


class ClaimCreateSerializer(ClaimFieldsMixin):
    # Only ids here: create_claim reads the article and the speaker through their access rules in the one query
    # that locks the article's row and checks the span (an unknown id is a 400 on its field from there).
    article = IdField(help_text="The article's id.")
    speaker = IdField(required=False, allow_null=True, help_text="An existing speaker's id, or null.")
    # Offsets are Unicode code points; the services check them against the article text.
    start = BoundedIntegerField()
    end = BoundedIntegerField()
    quote = serializers.CharField(trim_whitespace=False)
    speaker_suggestion = BoundedIntegerField(
        required=False,
        help_text="The id of the speaker suggestion the form showed; the claim records whether its speaker kept it.",
    )


class SpanSerializer(serializers.Serializer):
    start = BoundedIntegerField(min_value=0, help_text="Offset in Unicode code points into the article's body.")
    end = BoundedIntegerField(min_value=1)


class SpeakerSuggestionSerializer(serializers.Serializer):
    """A suggested speaker: the matched record (speaker_id/speaker) or only the name found (null id)."""

    id = serializers.IntegerField(allow_null=True, help_text="Send it as `speaker_suggestion` with the claim.")
    speaker_id = serializers.IntegerField(allow_null=True)
    speaker = SpeakerSerializer(allow_null=True)
    name = serializers.CharField(help_text="The name as found in the text (empty: no attribution found).")
    cue = serializers.CharField()
    score = serializers.FloatField()
    model = serializers.DictField(help_text="model_name, model_version, model_sha256")


class ClaimUpdateSerializer(ClaimFieldsMixin):
    version = BoundedIntegerField(help_text="The version you read; a stale one gets 409 and the current claim.")
    start = BoundedIntegerField(required=False)
    end = BoundedIntegerField(required=False)
    quote = serializers.CharField(required=False, trim_whitespace=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    def validate(self, data):
        data = super().validate(data)
        span_fields = [name for name in ("start", "end", "quote") if name in data]
        if span_fields and len(span_fields) != 3:
            raise serializers.ValidationError({"quote": "To move a claim send start, end and quote together."})
        return data


class LinkCreateSerializer(serializers.Serializer):
    from_claim = RecordField(fetch=access.get_claim_for_user, noun="claim")
    to_claim = RecordField(fetch=access.get_claim_for_user, noun="claim")
    relation = serializers.CharField(help_text="contradicts, supports, same_claim, responds_to or cites")
    note = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class LinkUpdateSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, trim_whitespace=False)
