"""One FilterSet per list, shared by the HTML lists, the JSON API and the exports.

Use them as `ClaimFilter(request.GET, queryset=Claim.objects.live(), request=request).qs`.
Filters across to-many relations (verdicts, links, claims of an article) are EXISTS subqueries,
so they never duplicate rows and need no DISTINCT over a large table.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.models import (
    CLAIM_SEARCH_IDS,
    Article,
    Assignment,
    Claim,
    ClaimLink,
    Comment,
    Notification,
    Source,
    Speaker,
    SpeakerAlias,
    Tag,
    Verdict,
)
from articles.suggesting.speakers import normalise

# A search box term: a "quoted phrase" or a single word.
TERM = re.compile(r'"([^"]+)"|(\S+)')
MAX_TERMS = 10


def search_terms(text: str) -> list[str]:
    """Split a search box into terms; quoted phrases stay whole. Extra terms beyond ten are ignored."""
    return [phrase or word for phrase, word in TERM.findall(text or "")][:MAX_TERMS]


def match_all_terms(queryset, text: str, fields: list[str]):
    """Keep rows where every term appears (case-insensitively) in at least one of `fields`."""
    for term in search_terms(text):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset


# A search term naming more speakers than this is matched against speakers inside the claim query.
MAX_SPEAKER_IDS = 200


def named_like(term: str) -> Q:
    """Speakers whose name or one of whose aliases ("the mayor", "Bustamante") contains `term`; an alias is
    also found written without its accents or in other case ("bustamante", "ruben")."""
    aliases = SpeakerAlias.objects.filter(Q(alias__icontains=term) | Q(normalised__contains=normalise(term) or term))
    return Q(name__icontains=term) | Q(pk__in=aliases.values("speaker_id"))


def speakers_named(term: str):
    """Speakers whose name contains `term`: their ids when few, else a subquery.

    With ids, every branch of the claim search (quote, summary, speaker) is a condition on the claim
    row, so PostgreSQL can combine the trigram indexes (migration 0006) and the speaker index for a rare
    term instead of reading every claim joined to its speaker.
    """
    speakers = Speaker.objects.filter(named_like(term)).values_list("pk", flat=True)
    ids = list(speakers[: MAX_SPEAKER_IDS + 1])
    return ids if len(ids) <= MAX_SPEAKER_IDS else speakers


# The shortest term SQLite's claim search index (trigrams) can find; shorter ones are matched by reading claims.
MIN_INDEXED_TERM = 3


# A term in more claims than this is looked for row by row, newest first (SQLite; see claim_search).
COMMON_TERM_CLAIMS = 5000


def claim_search(queryset, text: str, *, article_title: bool = False):
    """Claims where every term appears, case-insensitively, in the quote, the summary or the speaker's name.

    The one search of claims (desk list, API, exports, admin). A term matches any substring, as
    icontains does. On PostgreSQL the pg_trgm GIN indexes of migration 0006 serve the icontains lookups.
    On SQLite, which has no statistics to choose a plan with, a term of three characters or more is first
    counted in the FTS5 trigram index (models.ensure_claim_search), up to COMMON_TERM_CLAIMS: a rarer term
    takes its claims from the index (a millisecond at a million claims, where reading every claim took
    over a second); a common one is checked row by row while the list walks its index newest first, and a
    page fills after a few hundred rows (collecting 50,000 matches from the index and sorting them took
    seconds). With `article_title` (the admin's search), a term may also be in the title of the claim's
    article.
    """
    connection = connections[queryset.db]
    for term in search_terms(text):
        in_text = Q(quote__icontains=term) | Q(summary__icontains=term)
        if connection.vendor == "sqlite" and len(term) >= MIN_INDEXED_TERM:
            phrase = '"' + term.replace('"', '""') + '"'
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({CLAIM_SEARCH_IDS} LIMIT %s)", [phrase, COMMON_TERM_CLAIMS])  # noqa: S608 (constant SQL)
                common = cursor.fetchone()[0] >= COMMON_TERM_CLAIMS
            if not common:
                in_text = Q(pk__in=RawSQL(CLAIM_SEARCH_IDS, [phrase]))  # noqa: S611 (constant SQL, a parameter)
        condition = in_text | Q(speaker__in=speakers_named(term))
        if article_title:
            condition |= Q(article__in=Article.objects.filter(title__icontains=term).values("pk"))
        queryset = queryset.filter(condition)
    return queryset


def with_tiebreak(queryset, *, default: tuple[str, ...]):
    """Order by the user's sort (or `default`), then by id, so pages never repeat or skip rows."""
    ordering = list(queryset.query.order_by) or list(default)
    if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
        ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
    return queryset.order_by(*ordering)


# Every id in a query string is checked against what the databases store (signed 64-bit, from 1) while
# it is parsed: a larger number used to reach SQLite and fail with OverflowError (a 500, or a cut export).
MAX_ID = 2**63 - 1


# Pages past this are refused (a 400 naming it) rather than turned into an offset no database can take.
MAX_PAGE = 1_000_000


def page_number(raw, *, name: str = "page", maximum: int = MAX_PAGE) -> int:
    """A page number or size from a query string: 1 by default, else a whole number from 1 to `maximum`.

    Raises ValidationError keyed by `name` with a message naming the range; every list parses its
    `page` (and the API its `page_size`) here.
    """
    if raw in (None, ""):
        return 1
    try:
        value = int(raw) if str(raw).isascii() and str(raw).strip().lstrip("+-").isdigit() else None
    except ValueError:
        value = None
    if value is None or not 1 <= value <= maximum:
        raise forms.ValidationError(
            {name: f"{name} must be a whole number from 1 to {maximum}, got {str(raw)[:40]!r}."}
        )
    return value


class IdField(forms.IntegerField):
    """A record id: a whole number from 1 to MAX_ID; anything else is a form error naming the range."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        message = f"Enter an id: a whole number from {kwargs['min_value']} to {kwargs['max_value']}."
        kwargs["error_messages"] = {"invalid": message, "min_value": message, "max_value": message}
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """The one filter for an id given as a number (article, claim); see IdField."""

    field_class = IdField


class BoundedModelChoiceField(django_filters.fields.ModelChoiceField):
    """A record chosen by its id: the id is range-checked (IdField) before the database is asked."""

    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name is None:
            IdField(required=False).clean(value)
        return super().to_python(value)


class ModelIdFilter(django_filters.ModelChoiceFilter):
    """The one filter for a record chosen by id (speaker, source); tags by name stay ModelChoiceFilter."""

    field_class = BoundedModelChoiceField


class SpeakerPicker(forms.Widget):
    """A speaker filter typed by name and sent as the speaker's id, or as the typed name.

    speaker_picker.js makes the text box a combobox (ARIA 1.2 pattern: aria-controls, aria-expanded,
    aria-activedescendant, a listbox of options) suggesting speakers from /api/speakers/?q=, and puts the
    chosen one's id in the hidden input named after the filter. Without a choice, the typed text is sent
    as "<name>-text" and SpeakerChoiceField resolves it by name. A <select> would carry every speaker in
    the database on every list page: a thousand options were most of the claim list's time.
    """

    class Media:
        js = ["articles/speaker_picker.js"]

    def value_from_datadict(self, data, files, name):
        """The chosen id when there is one, else what was typed (a speaker's name or label)."""
        return data.get(name) or data.get(f"{name}-text") or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}-text" not in data

    def render(self, name, value, attrs=None, renderer=None):
        element_id = (attrs or {}).get("id") or f"id_{name}"
        label, chosen = self._label(value)
        invalid = (attrs or {}).get("aria-invalid")
        return format_html(
            '<span class="speaker-picker"><input type="text" id="{id}" name="{name}-text" value="{label}"'
            ' role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="{id}-options"'
            ' aria-describedby="{id}-help"{invalid} placeholder="Any speaker" autocomplete="off"'
            ' data-speaker-picker="{id}-value">'
            '<input type="hidden" name="{name}" id="{id}-value" value="{value}">'
            '<span id="{id}-help" class="visually-hidden">Type a name; pick a suggestion with the arrow keys'
            " and Enter.</span>"
            '<ul id="{id}-options" class="speaker-options" role="listbox" aria-label="Speakers" hidden></ul></span>',
            id=element_id,
            name=name,
            label=label,
            value=chosen,
            invalid=mark_safe(' aria-invalid="true"') if invalid else "",  # noqa: S308 (a constant)
        )

    @staticmethod
    def _label(value) -> tuple[str, str]:
        """(what the box shows, the id to submit): the chosen speaker's label, or the text as typed."""
        if value is None or value == "":
            return "", ""
        if isinstance(value, Speaker):
            return str(value), str(value.pk)
        text = str(value)
        if text.isdigit():
            speaker = Speaker.objects.filter(pk=int(text)).first() if int(text) <= MAX_ID else None
            return (str(speaker), text) if speaker else ("", "")
        return text, ""


class SpeakerChoiceField(BoundedModelChoiceField):
    """A speaker given by id, by plain name ("bonifacio bustamante") or by label ("Name (role)").

    Names are matched case-insensitively; a name several speakers share is refused with a message
    naming their roles, so the user can pick one instead of getting one of them silently.
    """

    widget = SpeakerPicker

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = " ".join(str(value).split())
        if text.isdigit():
            return super().to_python(text)
        matches = list(self.queryset.filter(name__iexact=text)[:MAX_NAMESAKES])
        if not matches:  # an alias: "the mayor", "Bustamante"
            aliases = SpeakerAlias.objects.filter(normalised=normalise(text)).values("speaker_id")
            matches = list(self.queryset.filter(pk__in=aliases)[:MAX_NAMESAKES])
        if not matches:
            matches = [
                speaker
                for speaker in self.queryset.filter(name__istartswith=text.split(" (")[0])[:MAX_NAMESAKES]
                if str(speaker).casefold() == text.casefold()
            ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise forms.ValidationError(f"No speaker is called “{text}”. Pick one from the suggestions.")
        roles = "; ".join(str(speaker) for speaker in matches)
        raise forms.ValidationError(f"Several speakers are called “{text}” ({roles}). Pick one from the suggestions.")


MAX_NAMESAKES = 20


class SpeakerChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SpeakerChoiceField


class LabelledDateRangeWidget(django_filters.widgets.DateRangeWidget):
    """Two date boxes, each with its own accessible name (a single <label> names only the first)."""

    def __init__(self, label: str):
        super().__init__(attrs={"type": "date"})
        self.widgets[0].attrs["aria-label"] = f"{label} from"
        self.widgets[1].attrs["aria-label"] = f"{label} until"


HAS_CLAIMS_CHOICES = [("", "With or without claims"), ("true", "With claims"), ("false", "Without claims")]


# Above this many claims a tag filter checks claims newest first instead of starting from the tag's claims.
COMMON_TAG_CLAIMS = 10_000
STATE_NONE = "none"
VERDICT_STATE_CHOICES = [(STATE_NONE, "No verdict yet"), *Verdict.State.choices]
RELATION_ANY, RELATION_NONE = "any", "none"
RELATION_CHOICES = [(RELATION_ANY, "Any link"), (RELATION_NONE, "Not linked"), *ClaimLink.Relation.choices]


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_search")
    source = ModelIdFilter(queryset=Source.objects.all(), empty_label="Any source")
    published = django_filters.DateFromToRangeFilter(label="Published", widget=LabelledDateRangeWidget("Published"))
    has_claims = django_filters.BooleanFilter(
        label="Claims", method="filter_has_claims", widget=forms.Select(choices=HAS_CLAIMS_CHOICES)
    )
    # field_name names the model path for the API schema; the methods filter through live claims only.
    speaker = SpeakerChoiceFilter(queryset=Speaker.objects.all(), field_name="claims__speaker", method="filter_speaker")
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(),
        to_field_name="name",
        field_name="claims__tags",
        method="filter_tag",
        empty_label="Any tag",
    )
    rating = django_filters.ChoiceFilter(
        label="Verdict rating", choices=Verdict.Rating.choices, method="filter_rating", empty_label="Any rating"
    )
    state = django_filters.ChoiceFilter(
        label="Verdict state", choices=VERDICT_STATE_CHOICES, method="filter_state", empty_label="Any state"
    )
    sort = django_filters.OrderingFilter(
        fields=(("published", "published"), ("title", "title"), ("created_at", "added"), ("claim_count", "claims")),
        field_labels={"published": "Published", "title": "Title", "created_at": "Added", "claim_count": "Claims"},
        label="Sort",
        empty_label="Newest published first",
    )

    class Meta:
        model = Article
        fields = []

    def filter_search(self, queryset, name, value):
        return match_all_terms(queryset, value, ["title", "body"])

    @property
    def qs(self):
        return with_tiebreak(super().qs, default=("-published", "-id"))

    def filter_has_claims(self, queryset, name, value):
        live_claims = Claim.objects.live().filter(article=OuterRef("pk"))
        return queryset.filter(Exists(live_claims) if value else ~Exists(live_claims))

    def _with_claims(self, queryset, **conditions):
        return queryset.filter(Exists(Claim.objects.live().filter(article=OuterRef("pk"), **conditions)))

    def filter_speaker(self, queryset, name, value):
        return self._with_claims(queryset, speaker=value)

    def filter_tag(self, queryset, name, value):
        return self._with_claims(queryset, tags=value)

    def filter_rating(self, queryset, name, value):
        return self._with_claims(queryset, verdicts__state=Verdict.State.PUBLISHED, verdicts__rating=value)

    def filter_state(self, queryset, name, value):
        if value == STATE_NONE:
            reviewed = Verdict.objects.filter(claim__article=OuterRef("pk"), claim__deleted_at__isnull=True)
            return queryset.filter(~Exists(reviewed))
        return self._with_claims(queryset, verdicts__state=value)


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_search", help_text="Quote, summary or speaker")
    speaker = SpeakerChoiceFilter(queryset=Speaker.objects.all())
    speaker_name = django_filters.CharFilter(label="Speaker name", method="filter_speaker_name", help_text="Or alias")
    article = IdFilter(field_name="article_id", label="Article id", widget=forms.HiddenInput)
    article_title = django_filters.CharFilter(label="Article title", method="filter_article_title")
    source = ModelIdFilter(queryset=Source.objects.all(), field_name="article__source", empty_label="Any source")
    relation = django_filters.ChoiceFilter(
        label="Linked", choices=RELATION_CHOICES, method="filter_relation", empty_label="Linked or not"
    )
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(), to_field_name="name", field_name="tags", method="filter_tag", empty_label="Any tag"
    )
    rating = django_filters.ChoiceFilter(
        label="Verdict rating", choices=Verdict.Rating.choices, method="filter_rating", empty_label="Any rating"
    )
    state = django_filters.ChoiceFilter(
        label="Verdict state", choices=VERDICT_STATE_CHOICES, method="filter_state", empty_label="Any state"
    )
    anchor_state = django_filters.ChoiceFilter(
        label="Anchor", choices=Claim.AnchorState.choices, empty_label="Any anchor state"
    )
    mine = django_filters.BooleanFilter(label="Only mine", method="filter_mine", widget=forms.CheckboxInput)
    sort = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("updated_at", "updated"), ("speaker__name", "speaker")),
        field_labels={"created_at": "Created", "updated_at": "Updated", "speaker__name": "Speaker"},
        label="Sort",
        empty_label="Newest first",
    )

    class Meta:
        model = Claim
        fields = []

    def filter_search(self, queryset, name, value):
        return claim_search(queryset, value)

    def filter_speaker_name(self, queryset, name, value):
        term = " ".join(value.split())
        return queryset.filter(speaker__in=speakers_named(term)) if term else queryset

    def filter_article_title(self, queryset, name, value):
        return match_all_terms(queryset, value, ["article__title"])

    def filter_tag(self, queryset, name, tag):
        """Claims with `tag`, read the cheaper way round for how common the tag is.

        A common tag: walk the claims newest first and check each for the tag; a page fills after a few
        hundred rows. A rare tag: start from its few claims. Either way alone is slow for the other case
        on SQLite, whose planner has no statistics (1,000,000 claims: 90 ms against 1 ms for a tag on
        a tenth of them; 2.3 s against 0.3 ms for a tag on none). Counting stops at the threshold.
        """
        tagged = Claim.tags.through.objects.filter(tag=tag)
        if tagged[:COMMON_TAG_CLAIMS].count() >= COMMON_TAG_CLAIMS:
            return queryset.filter(Exists(tagged.filter(claim=OuterRef("pk"))))
        return queryset.filter(pk__in=tagged.values("claim_id"))

    def filter_relation(self, queryset, name, value):
        touching = ClaimLink.objects.filter(Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")))
        if value == RELATION_NONE:
            return queryset.filter(~Exists(touching))
        if value != RELATION_ANY:
            touching = touching.filter(relation=value)
        return queryset.filter(Exists(touching))

    def filter_rating(self, queryset, name, value):
        published = Verdict.objects.filter(claim=OuterRef("pk"), state=Verdict.State.PUBLISHED, rating=value)
        return queryset.filter(Exists(published))

    def filter_state(self, queryset, name, value):
        if value == STATE_NONE:
            return queryset.filter(~Exists(Verdict.objects.filter(claim=OuterRef("pk"))))
        return queryset.filter(Exists(Verdict.objects.filter(claim=OuterRef("pk"), state=value)))

    def filter_mine(self, queryset, name, value):
        if not value or self.request is None or not self.request.user.is_authenticated:
            return queryset
        return queryset.filter(created_by=self.request.user)

    @property
    def qs(self):
        # Newest first unless the user sorts; (created_at, id) has an index and is a total order.
        return with_tiebreak(super().qs, default=("-created_at", "-id"))


class SpeakerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_search", help_text="Name, role or affiliation")

    class Meta:
        model = Speaker
        fields = []

    def filter_search(self, queryset, name, value):
        # Each term in the name, role, affiliation or an alias (a subquery: no duplicate rows from a join).
        for term in search_terms(value):
            queryset = queryset.filter(
                named_like(term) | Q(description__icontains=term) | Q(affiliation__icontains=term)
            )
        return queryset


class LinkFilter(django_filters.FilterSet):
    claim = IdFilter(label="Claim id (either end)", method="filter_claim")
    article = IdFilter(label="Article id (either end)", method="filter_article")
    relation = django_filters.ChoiceFilter(choices=ClaimLink.Relation.choices)

    class Meta:
        model = ClaimLink
        fields = []

    def filter_claim(self, queryset, name, value):
        return queryset.filter(Q(from_claim_id=value) | Q(to_claim_id=value))

    def filter_article(self, queryset, name, value):
        return queryset.filter(Q(from_claim__article_id=value) | Q(to_claim__article_id=value))


class AssignmentFilter(django_filters.FilterSet):
    assignee = django_filters.CharFilter(field_name="assignee__username", label="Assignee (username)")
    article = IdFilter(field_name="article_id", label="Article id")
    claim = IdFilter(field_name="claim_id", label="Claim id")
    open = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", label="Open (true) or done (false)")
    due_before = django_filters.DateFilter(field_name="due", lookup_expr="lte", label="Due on or before (YYYY-MM-DD)")

    class Meta:
        model = Assignment
        fields = []


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Unread (true) or read")
    kind = django_filters.ChoiceFilter(choices=Notification.Kind.choices)

    class Meta:
        model = Notification
        fields = []


@dataclass
class PageWithoutCount:
    """One page of a list too large to count: we only know whether a next page exists."""

    number: int
    rows: list
    has_next: bool
    size: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def total_if_last(self) -> int | None:
        """The list's length when this is its last page (read to the end: no count needed), else None.

        A page past the end holds no rows and says nothing about where the list ended."""
        if self.has_next or (not self.rows and self.number > 1):
            return None
        return (self.number - 1) * self.size + len(self.rows)


def page_without_count(queryset, number: int, size: int) -> PageWithoutCount:
    """Fetch page `number` (from 1) by reading one row more than asked, instead of a COUNT(*) of the table."""
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return PageWithoutCount(number=number, rows=rows[:size], has_next=len(rows) > size, size=size)


class CommentFilter(django_filters.FilterSet):
    claim = IdFilter(label="Claim id")
    verdict = IdFilter(label="Verdict id")
    thread = IdFilter(label="Thread (its root comment's id)", method="filter_thread")
    resolved = django_filters.BooleanFilter(label="Thread resolved", method="filter_resolved")
    author = django_filters.CharFilter(field_name="author__username", label="Author's username")

    class Meta:
        model = Comment
        fields = []

    def filter_thread(self, queryset, name, value):
        return queryset.filter(Q(pk=value, parent__isnull=True) | Q(parent_id=value))

    def filter_resolved(self, queryset, name, value):
        return queryset.filter(
            Q(parent__isnull=True, resolved_at__isnull=not value)
            | Q(parent__isnull=False, parent__resolved_at__isnull=not value)
        )
