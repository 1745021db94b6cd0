"""The desk's records: outlets, articles, speakers, claims, links between claims, and verdicts.

One-row rules live here and in the database constraints; anything that touches several rows or
enforces a workflow lives in the services package (articles/services/).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

http_url_validator = URLValidator(schemes=["http", "https"])

# Stored URLs are printed as links, so only http(s) may be stored (a `javascript:` URL would be a stored
# XSS). The form validator above guards forms; these checks guard every other write path (loaddata,
# QuerySet.update(), raw imports). Templates print stored URLs through the `safe_url` filter, which
# applies is_http_url() again for rows written before the checks existed.
HTTP_SCHEMES = ("http://", "https://")


def is_http_url(value) -> bool:
    return isinstance(value, str) and value.startswith(HTTP_SCHEMES)


def http_url_check(field: str, *, name: str, blank: bool) -> models.CheckConstraint:
    """A named database CHECK that `field` is an http(s) URL (or empty when `blank`)."""
    condition = Q(**{f"{field}__startswith": "http://"}) | Q(**{f"{field}__startswith": "https://"})
    if blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


def content_hash(body: str) -> str:
    """The identity of an article's text: SHA-256 of its normalised body."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class SuggestionProvenance(models.Model):
    """Where a machine suggestion came from: which model, which version, which file, how sure, and when.

    Every suggestion row carries these, so a figure can be traced to the model that made it; exports carry
    only what people accepted, never a suggestion itself.
    """

    model_name = models.CharField(max_length=100)
    model_version = models.CharField(max_length=50)
    model_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the model file that scored it.")
    score = models.FloatField()
    suggested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True)
    homepage = models.URLField(max_length=500, blank=True, validators=[http_url_validator])
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [http_url_check("homepage", name="source_homepage_http", blank=True)]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def with_claim_counts(self):
        # A correlated count runs for the rows shown only, not a GROUP BY over every claim.
        live_claims = Claim.objects.filter(article=models.OuterRef("pk"), deleted_at__isnull=True)
        return self.annotate(claim_count=_count_of(live_claims))


class Article(models.Model):
    class Format(models.TextChoices):
        TEXT = "text", "Plain text"
        HTML = "html", "HTML"
        MANUAL = "manual", "Entered by hand"

    title = models.CharField(max_length=500)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="articles")
    url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    byline = models.CharField(max_length=500, blank=True)
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=35, default="en")
    body = models.TextField(help_text="The text claims anchor to; newlines normalised to \\n.")
    raw = models.TextField(blank=True, help_text="The original as imported, unchanged.")
    raw_format = models.CharField(max_length=10, choices=Format.choices, default=Format.MANUAL)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    # The raw original is kept in history too, so a revision by re-import never loses the page it replaced.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="article_unique_url"),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
            http_url_check("url", name="article_url_http", blank=True),
        ]
        indexes = [
            models.Index(fields=["published", "id"], name="article_published_idx"),
            # The admin's language filter lists the languages in use: from this index, not from every article's row.
            models.Index(fields=["language"], name="article_language_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The hash always follows the body, so duplicate detection cannot go stale.
        self.content_hash = content_hash(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "content_hash"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article_detail", args=[self.pk])


class Speaker(models.Model):
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True, help_text='Role, e.g. "mayor of Escuinapa".')
    affiliation = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "description"], name="speaker_unique_name_description"),
            models.CheckConstraint(condition=~Q(name=""), name="speaker_name_not_empty"),
        ]
        indexes = [models.Index(fields=["name", "id"], name="speaker_name_idx")]  # the lists' order

    def __str__(self):
        return f"{self.name} ({self.description})" if self.description else self.name


class SpeakerAlias(models.Model):
    """Another name a speaker goes by ("the mayor", "Bustamante"); matched case- and accent-insensitively."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, editable=False, help_text="Lower case, accents and spacing removed.")

    class Meta:
        ordering = ["speaker_id", "alias", "id"]
        verbose_name_plural = "speaker aliases"
        constraints = [
            models.UniqueConstraint(fields=["speaker", "normalised"], name="speakeralias_unique_per_speaker"),
            models.CheckConstraint(condition=~Q(normalised=""), name="speakeralias_not_empty"),
        ]
        indexes = [models.Index(fields=["normalised"], name="speakeralias_normalised_idx")]

    def __str__(self):
        return self.alias


class Tag(models.Model):
    name = models.SlugField(max_length=60, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClaimQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def for_display(self):
        """What a claim card shows, in a fixed number of queries whatever the number of claims.

        Adds speaker, article (without its text) and source, creator, tags, `published_verdicts`
        (the current published verdict, at most one) and `link_count` (links to live claims).
        """
        links_out = ClaimLink.objects.filter(from_claim=models.OuterRef("pk"), to_claim__deleted_at__isnull=True)
        links_in = ClaimLink.objects.filter(to_claim=models.OuterRef("pk"), from_claim__deleted_at__isnull=True)
        return (
            self.select_related("speaker", "article__source", "created_by")
            .defer("article__body", "article__raw")
            .prefetch_related(
                "tags",
                models.Prefetch(
                    "verdicts", queryset=Verdict.objects.filter(state="published"), to_attr="published_verdicts"
                ),
            )
            .annotate(link_count=_count_of(links_out) + _count_of(links_in))
        )


def _count_of(queryset):
    """A correlated COUNT(*) of `queryset`, 0 when it is empty."""
    counted = queryset.order_by().annotate(n=models.Func(models.F("pk"), function="COUNT")).values("n")
    return models.functions.Coalesce(models.Subquery(counted), 0)


class Claim(models.Model):
    class AnchorState(models.TextChoices):
        ANCHORED = "anchored", "Anchored"
        RELOCATED = "relocated", "Relocated (confirm)"
        ORPHANED = "orphaned", "Orphaned"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claims")
    # Offsets are Unicode code points into article.body (the W3C TextPositionSelector rule);
    # an orphaned claim has none and keeps its old quote and context.
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField()
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, null=True, blank=True, related_name="claims")
    summary = models.TextField(blank=True, help_text="The checkable statement in the desk's words.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")
    anchor_state = models.CharField(max_length=10, choices=AnchorState.choices, default=AnchorState.ANCHORED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="Set when deleted; undo clears it.")
    version = models.PositiveIntegerField(default=1, help_text="Raised on every change (optimistic locking).")

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["article_id", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(start__isnull=False, end__isnull=False, start__gte=0, end__gt=F("start"))
                    | Q(start__isnull=True, end__isnull=True, anchor_state="orphaned")
                ),
                name="claim_span_valid",
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="claim_quote_not_empty"),
            models.CheckConstraint(
                condition=Q(anchor_state__in=["anchored", "relocated", "orphaned"]),
                name="claim_anchor_state_valid",
            ),
        ]
        indexes = [
            # The text's order (Meta.ordering): an article's claims are read in it with no sort (the reader and
            # the one-call endpoint: the sort was a sixth of the claim rows' statement on SQLite).
            models.Index(fields=["article", "start", "end", "id"], name="claim_article_span_idx"),
            models.Index(fields=["created_at", "id"], name="claim_created_idx"),
        ]
        permissions = [("change_any_claim", "Can edit and delete anyone's claims and links")]

    def __str__(self):
        text = self.quote if len(self.quote) <= 80 else self.quote[:77] + "…"
        return f"“{text}”"

    def get_absolute_url(self):
        return reverse("articles:claim_detail", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ClaimLink(models.Model):
    class Relation(models.TextChoices):
        CONTRADICTS = "contradicts", "contradicts"
        SUPPORTS = "supports", "supports"
        SAME_CLAIM = "same_claim", "same claim as"
        RESPONDS_TO = "responds_to", "responds to"
        CITES = "cites", "cites"

    # Relations that read the same in both directions; a reversed duplicate of one is refused.
    SYMMETRIC = frozenset({Relation.CONTRADICTS, Relation.SAME_CLAIM})

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=20, choices=Relation.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_links")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_claim=F("to_claim")), name="claimlink_no_self_link"),
            models.UniqueConstraint(fields=["from_claim", "to_claim", "relation"], name="claimlink_unique_triple"),
            models.CheckConstraint(
                condition=Q(relation__in=["contradicts", "supports", "same_claim", "responds_to", "cites"]),
                name="claimlink_relation_valid",
            ),
        ]

    def __str__(self):
        return f"#{self.from_claim_id} {self.get_relation_display()} #{self.to_claim_id}"


class ClaimEmbedding(models.Model):
    """A claim's quote, and its summary if any, as vectors of the related-claims model
    (articles.suggesting.related): float16 bytes, one row each."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="embedding")
    model_version = models.CharField(max_length=50)
    quote_sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the text (quote and summary) the vector was made from."
    )
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["claim_id"]
        # Each worker's index refreshes with the vectors stored since its last look: a range on this index.
        indexes = [models.Index(fields=["updated_at"], name="claimembedding_updated_idx")]

    def __str__(self):
        return f"embedding of claim #{self.claim_id} ({self.model_version})"


class RelatedSuggestion(SuggestionProvenance):
    """The machine says two claims may be related; a person accepts it (as a typed link) or dismisses it.

    The pair is stored in id order (from_claim_id < to_claim_id), once per model version: a dismissed pair is
    not suggested again by the same model version. Nothing becomes a link without a person.
    """

    class Kind(models.TextChoices):
        LIKELY_SAME = "likely_same", "likely same"
        MAY_CONFLICT = "may_conflict", "may conflict"
        RELATED = "related", "related"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "suggested"
        ACCEPTED = "accepted", "accepted"
        DISMISSED = "dismissed", "dismissed"

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="related_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="related_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=100, blank=True, help_text="Why it may conflict, in words.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    link = models.ForeignKey(ClaimLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions")

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(from_claim__lt=F("to_claim")), name="relatedsuggestion_ordered_pair"),
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "model_version"], name="relatedsuggestion_unique_pair_version"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["likely_same", "may_conflict", "related"]), name="relatedsuggestion_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["suggested", "accepted", "dismissed"]), name="relatedsuggestion_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["to_claim", "status"], name="relatedsugg_to_status_idx")]

    def __str__(self):
        return f"#{self.from_claim_id} {self.get_kind_display()} #{self.to_claim_id} ({self.status})"

    def other(self, claim_id: int) -> int:
        return self.to_claim_id if self.from_claim_id == claim_id else self.from_claim_id


class VerdictQuerySet(models.QuerySet):
    def public(self):
        """The verdicts with a public page (Verdict.PUBLIC_STATES)."""
        return self.filter(state__in=Verdict.PUBLIC_STATES)


@dataclass(frozen=True)
class RatingInfo:
    value: int
    label: str


class Verdict(models.Model):
    """A verdict on a claim, moved through the review workflow by articles.services.verdicts."""

    class Rating(models.TextChoices):
        TRUE = "true", "True"
        MOSTLY_TRUE = "mostly_true", "Mostly true"
        MIXED = "mixed", "Mixed"
        MOSTLY_FALSE = "mostly_false", "Mostly false"
        FALSE = "false", "False"
        MISLEADING = "misleading", "Misleading"
        UNVERIFIABLE = "unverifiable", "Unverifiable"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        CORRECTED = "corrected", "Corrected (superseded)"

    # States in which a verdict is still on its way to publication; a claim has at most one such verdict.
    OPEN_STATES = frozenset({State.DRAFT, State.IN_REVIEW, State.CHANGES_REQUESTED, State.APPROVED})

    # The one definition of "has a public page": published, or superseded by a published correction
    # (it stays readable and points to its successor).
    PUBLIC_STATES = frozenset({State.PUBLISHED, State.CORRECTED})

    # The numeric scale of the ClaimReview export: 1 (worst) to 5 (best). Misleading sits with
    # "mostly false"; unverifiable is the neutral midpoint, its alternateName says why.
    WORST_RATING = 1
    BEST_RATING = 5
    RATING_SCALE = {
        Rating.TRUE: RatingInfo(5, "True"),
        Rating.MOSTLY_TRUE: RatingInfo(4, "Mostly true"),
        Rating.MIXED: RatingInfo(3, "Mixed"),
        Rating.MOSTLY_FALSE: RatingInfo(2, "Mostly false"),
        Rating.FALSE: RatingInfo(1, "False"),
        Rating.MISLEADING: RatingInfo(2, "Misleading"),
        Rating.UNVERIFIABLE: RatingInfo(3, "Unverifiable"),
    }

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="verdicts")
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    headline = models.CharField(max_length=300, blank=True)
    explanation = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="edited_verdicts",
        help_text="The editor who approved it.",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_verdicts",
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The published verdict this one corrects.",
    )
    correction_note = models.TextField(blank=True, help_text="Public note saying what was corrected.")
    changes_reason = models.TextField(
        blank=True, help_text="The latest reason an editor gave for sending it back (shown to the author)."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every change (optimistic locking).")

    objects = VerdictQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "verdict"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=["draft", "in_review", "changes_requested", "approved", "published", "corrected"]
                ),
                name="verdict_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(rating="")
                | Q(rating__in=["true", "mostly_true", "mixed", "mostly_false", "false", "misleading", "unverifiable"]),
                name="verdict_rating_valid",
            ),
            # At most one live published verdict per claim: a correction supersedes the old one.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(state="published"), name="verdict_one_published_per_claim"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["in_review", "approved", "published", "corrected"]) | ~Q(rating=""),
                name="verdict_rating_required_after_draft",
            ),
            models.CheckConstraint(condition=~Q(corrects=F("id")), name="verdict_not_correcting_itself"),
            # A claim has at most one verdict on its way to publication (a correction is that one while it runs).
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state__in=["draft", "in_review", "changes_requested", "approved"]),
                name="verdict_one_open_per_claim",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "updated_at"], name="verdict_state_idx"),
            # The admin list's default order (-updated_at, -id), read backwards: no sort of every verdict.
            models.Index(fields=["updated_at", "id"], name="verdict_updated_idx"),
        ]
        permissions = [
            ("submit_verdict", "Can submit a verdict for review"),
            ("approve_verdict", "Can approve a verdict or request changes"),
            ("publish_verdict", "Can publish an approved verdict"),
            ("correct_verdict", "Can correct a published verdict"),
        ]

    def __str__(self):
        return self.headline or f"Verdict #{self.pk} on claim #{self.claim_id}"

    def get_absolute_url(self):
        return reverse("verdicts:verdict_public", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES

    @property
    def rating_info(self) -> RatingInfo | None:
        return self.RATING_SCALE.get(self.rating)


class Evidence(models.Model):
    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=2000, validators=[http_url_validator])
    title = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            http_url_check("url", name="evidence_url_http", blank=False),
        ]

    def __str__(self):
        return self.title or self.url


class Assignment(models.Model):
    """Work handed to a person: an article to annotate or a claim to check, with an optional due date."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    due = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, claim__isnull=True) | Q(article__isnull=True, claim__isnull=False),
                name="assignment_one_target",
            ),
            models.UniqueConstraint(
                fields=["article", "assignee"], condition=Q(done_at__isnull=True), name="assignment_unique_article"
            ),
            models.UniqueConstraint(
                fields=["claim", "assignee"], condition=Q(done_at__isnull=True), name="assignment_unique_claim"
            ),
        ]
        indexes = [models.Index(fields=["assignee", "done_at"], name="assignment_assignee_idx")]

    def __str__(self):
        target = f"article #{self.article_id}" if self.article_id else f"claim #{self.claim_id}"
        return f"{target} → {self.assignee}"


class Notification(models.Model):
    """Something a person should know: shown in their inbox, and e-mailed unless they turned that kind off."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Assigned to you"
        SUBMITTED = "submitted", "Submitted for review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        CORRECTED = "corrected", "Corrected"
        MENTIONED = "mentioned", "Mentioned in a comment"
        REPLY = "reply", "Reply in a thread you took part in"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, help_text="A path inside the desk.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When it went out in an e-mail digest.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(url__startswith="/"), name="notification_url_is_a_path"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.text


class CommentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def roots(self):
        return self.filter(parent__isnull=True)


class Comment(models.Model):
    """A comment on a claim or on a verdict; a reply has the thread's first comment (the root) as parent.

    Replies are one level deep: a reply to a reply joins the same thread (services.comments). The thread's
    state (resolved or open) lives on its root. A deleted comment keeps its row (and history) and shows as
    "deleted" while its thread has replies. Nothing here touches the claim or verdict row: commenting never
    changes their version.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    text = models.TextField()
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="Set on a thread's root when resolved.")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised on every change (optimistic locking).")

    objects = CommentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, verdict__isnull=True) | Q(claim__isnull=True, verdict__isnull=False),
                name="comment_one_target",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(resolved_at__isnull=True), name="comment_resolved_on_root_only"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="comment_not_its_own_parent"),
        ]
        indexes = [
            models.Index(fields=["claim", "created_at"], name="comment_claim_idx"),
            models.Index(fields=["verdict", "created_at"], name="comment_verdict_idx"),
        ]

    def __str__(self):
        return f"Comment #{self.pk} by {self.author}"

    @property
    def thread_id(self) -> int:
        return self.parent_id or self.pk

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


# ---------------------------------------------------------------- API tokens


class ApiToken(models.Model):
    """A personal token a script sends instead of a session (`Authorization: Bearer fcd_...`).

    The plain token is shown once when made and never stored: only its SHA-256 is kept. Tokens are
    random (256 bits), so a fast hash is enough; a slow password hash would only slow every API call.
    The public prefix, part of the token itself, finds the row and lets people tell their tokens apart.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    # Every token starts with this mark, so secret scanners and people recognise one in a log or a commit.
    TOKEN_MARK = "fcd_"  # noqa: S105 (a public marker, not a secret)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text='What the token is for, e.g. "weekly export script".')
    prefix = models.CharField(max_length=16, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Refused from this moment on; empty: never.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="apitoken_unique_name_per_user"),
            models.UniqueConstraint(fields=["prefix"], name="apitoken_unique_prefix"),
            models.CheckConstraint(condition=~Q(name=""), name="apitoken_name_not_empty"),
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="apitoken_scope_valid"),
        ]

    def __str__(self):
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        return f"{self.TOKEN_MARK}{self.prefix}…"

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def state(self, now) -> str:
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired(now) else "active"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


# ---------------------------------------------------------------- background jobs


class Job(models.Model):
    """Long work run by a queue worker (articles.tasks), one row per item so progress and results are visible.

    The rows are the truth, the queue message only a wake-up call: a worker that dies leaves the job
    "running" with a stale heartbeat, and the sweep (services.jobs.requeue_stale_jobs) queues it again.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", "Import articles"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        PARTLY_FAILED = "partly_failed", "Partly failed"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0, help_text="Items finished, failed ones included.")
    failed_count = models.PositiveIntegerField(default=0)
    # Choices that apply to every item (an import's source, language); plain JSON, no user objects.
    options = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Which worker holds the job now; a second worker leaves a job with a fresh heartbeat alone.
    worker = models.CharField(max_length=100, blank=True)
    runs = models.PositiveIntegerField(default=0, help_text="How many times a worker took the job up.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(done_count__lte=F("total")), name="job_done_within_total"),
            models.CheckConstraint(condition=Q(failed_count__lte=F("done_count")), name="job_failed_within_done"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("articles:job_detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.PARTLY_FAILED, self.State.FAILED}

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done_count / self.total)


class JobItem(models.Model):
    """One file or URL of a job: what to do (payload) and, once done, what happened."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=2000, help_text="The file name or the URL, as given.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    outcome = models.CharField(max_length=20, blank=True, help_text="imported, revised, duplicate or failed.")
    message = models.TextField(blank=True, help_text="What happened, e.g. “imported as article #12”.")
    error = models.TextField(blank=True, help_text="Why it failed, or the last error a retry is waiting out.")
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The payload: an uploaded file's bytes, or the URL to fetch. Bytes are dropped once the item is done.
    url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    data = models.BinaryField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="jobitem_unique_position"),
            models.CheckConstraint(condition=Q(url="") | Q(data__isnull=True), name="jobitem_file_or_url_not_both"),
        ]

    def __str__(self):
        return self.name


class EmailOptOut(models.Model):
    """A kind of notification a person does not want by e-mail (it still shows in their inbox)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(max_length=30, choices=Notification.Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="emailoptout_unique_kind_per_user")]

    def __str__(self):
        return f"{self.user}: no e-mail for {self.get_kind_display().lower()}"


class IdempotencyKey(models.Model):
    """A create request's Idempotency-Key and the answer it got: a repeat of the key gets that answer again.

    The row is inserted first, in the transaction that does the create: a second request with the same key
    waits on the unique constraint (or, on SQLite, on the write lock) and then replays the stored answer.
    Only answers that created something are kept; keys older than a day are purged (services.idempotency).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The answer's JSON as it was sent (text, not jsonb: a replay must be the same bytes, key order included).
    response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique_user_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotencykey_created_idx")]

    def __str__(self):
        return f"{self.key} ({self.user_id})"


class SentenceSuggestion(SuggestionProvenance):
    """A sentence of an article the check-worthiness model suggests as a claim (issue 13).

    Rows belong to one text of the article (`text_hash` is its content_hash when scored): a revision
    re-scores the article and replaces them. Dismissing is a person's decision and survives re-scoring
    (a dismissed sentence stays dismissed while its words are unchanged). Never exported.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentence_suggestions")
    text_hash = models.CharField(max_length=64, help_text="The article's content_hash when it was scored.")
    # Unicode code points into article.body, like a claim's span.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    reasons = models.JSONField(default=list, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article_id", "-score", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="sentencesuggestion_span_valid"),
            models.UniqueConstraint(fields=["article", "start", "end"], name="sentencesuggestion_unique_span"),
        ]
        indexes = [models.Index(fields=["article", "-score"], name="sentencesugg_article_score_idx")]

    def __str__(self):
        text = self.quote if len(self.quote) <= 80 else self.quote[:77] + "…"
        return f"{self.score:.2f} “{text}”"

    @property
    def dismissed(self) -> bool:
        return self.dismissed_at is not None


class CheckworthyModel(models.Model):
    """A check-worthiness model the desk trained from its own work (`manage.py retrain_checkworthy`).

    At most one is live; with none live the shipped model (articles/suggesting/data) scores. The model
    itself is kept here as its JSON (no pickle), so every worker loads the same bytes (checked by sha256).
    """

    version = models.CharField(max_length=50, unique=True)
    sha256 = models.CharField(max_length=64)
    model_json = models.TextField(help_text="The model as the scorer reads it (JSON: vocabulary and weights).")
    trained_at = models.DateTimeField(auto_now_add=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    n_samples = models.PositiveIntegerField(default=0)
    n_positive = models.PositiveIntegerField(default=0, help_text="Claimed sentences (positives).")
    desk_f1 = models.FloatField(null=True, blank=True, help_text="F1 of claimed sentences, cross-validated.")
    desk_precision = models.FloatField(null=True, blank=True)
    desk_recall = models.FloatField(null=True, blank=True)
    shipped_f1 = models.FloatField(
        null=True, blank=True, help_text="The shipped model's F1 on the same desk data, for comparison."
    )
    live = models.BooleanField(default=False)

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = "check-worthiness model"
        constraints = [
            models.UniqueConstraint(fields=["live"], condition=Q(live=True), name="checkworthymodel_one_live")
        ]

    def __str__(self):
        return f"check-worthiness v{self.version}" + (" (live)" if self.live else "")


class SpeakerSuggestion(SuggestionProvenance):
    """The speaker the machine suggested for a span of an article, and whether the claim saved with it kept it.

    `speaker` is the matched record (None when the name matched nobody: the form offered to create one);
    `claim` and `accepted` are set when a claim is saved from the form that showed the suggestion.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="speaker_suggestions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    speaker = models.ForeignKey(Speaker, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions")
    name = models.CharField(max_length=200, help_text="The name as found in the text.")
    cue = models.CharField(max_length=100, help_text='The attribution rule that found it, e.g. "said X".')
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="speaker_suggestions"
    )
    accepted = models.BooleanField(null=True, help_text="Kept by the reviewer (None: not decided yet).")
    suggested_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-suggested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="speakersuggestion_span_valid"),
        ]

    def __str__(self):
        return f"{self.name} ({self.cue}, {self.score:.2f})"


# ---------------------------------------------------------------- the claims' full-text index (SQLite)

# SQLite: an FTS5 table over the claims' quote and summary with the trigram tokenizer, so a search term
# of three or more characters matches any substring, case-insensitively, as icontains did, but from an
# index instead of reading every claim (filters.claim_search uses it). It is an external-content table
# (it stores only the index) kept in step by triggers, so every write path (services, admin, imports,
# fixtures, update(), raw SQL) updates it. PostgreSQL serves the same searches from pg_trgm GIN indexes
# (migration 0006) and needs none of this.
CLAIM_SEARCH_TABLE = "articles_claim_fts"
# The ids of the claims whose quote or summary contains the parameter (an FTS5 phrase: see filters.claim_search).
CLAIM_SEARCH_IDS = "SELECT rowid FROM articles_claim_fts WHERE articles_claim_fts MATCH %s"
_CLAIM_SEARCH_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_claim_fts USING fts5("
    "quote, summary, content='articles_claim', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS articles_claim_fts_insert AFTER INSERT ON articles_claim BEGIN"
    " INSERT INTO articles_claim_fts(rowid, quote, summary) VALUES (new.id, new.quote, new.summary); END",
    "CREATE TRIGGER IF NOT EXISTS articles_claim_fts_delete AFTER DELETE ON articles_claim BEGIN"
    " INSERT INTO articles_claim_fts(articles_claim_fts, rowid, quote, summary)"
    " VALUES ('delete', old.id, old.quote, old.summary); END",
    "CREATE TRIGGER IF NOT EXISTS articles_claim_fts_update AFTER UPDATE OF quote, summary ON articles_claim"
    " BEGIN INSERT INTO articles_claim_fts(articles_claim_fts, rowid, quote, summary)"
    " VALUES ('delete', old.id, old.quote, old.summary);"
    " INSERT INTO articles_claim_fts(rowid, quote, summary) VALUES (new.id, new.quote, new.summary); END",
    "INSERT INTO articles_claim_fts(articles_claim_fts) VALUES ('rebuild')",
]
_CLAIM_SEARCH_TRIGGERS = ("articles_claim_fts_insert", "articles_claim_fts_delete", "articles_claim_fts_update")


def ensure_claim_search(connection) -> None:
    """Create the SQLite claim search table and its triggers where missing, and fill a new table.

    Run by migration 0015 and after every migrate (apps.py): a later migration that alters the claims
    table makes SQLite copy it into a new table, which drops the triggers; this puts them back and
    rebuilds the index from the rows (the ids are kept by the copy, but writes in between would be missed).
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE 'articles_claim%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        if "articles_claim" not in present:
            return
        if CLAIM_SEARCH_TABLE in present and all(name in present for name in _CLAIM_SEARCH_TRIGGERS):
            return
        for statement in _CLAIM_SEARCH_DDL:
            cursor.execute(statement)
