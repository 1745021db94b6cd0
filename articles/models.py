"""The desk's records: outlets, articles, speakers, claims, links between claims, and verdicts.

One-row rules live here and in the database constraints; anything that touches several rows or
enforces a workflow lives in services.py.
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
        indexes = [models.Index(fields=["published", "id"], name="article_published_idx")]

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

    def __str__(self):
        return f"{self.name} ({self.description})" if self.description else self.name


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
            models.Index(fields=["article", "start"], name="claim_article_start_idx"),
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
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every change (optimistic locking).")

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
        ]
        indexes = [models.Index(fields=["state", "updated_at"], name="verdict_state_idx")]
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
