"""Articles: store a new article once (same text or URL is a duplicate), and its outlet."""

from django.core.exceptions import ValidationError
from simple_history.utils import update_change_reason

from articles import limits
from articles.errors import DuplicateArticle
from articles.limits import check_length
from articles.models import Article, Source, content_hash
from articles.services.history import service_write
from articles.services.suggestions import announce_text_changed
from articles.text import anchoring


def find_duplicate(*, body: str, url: str = "") -> tuple[Article, str] | None:
    digest = content_hash(body)
    found = Article.objects.filter(content_hash=digest).first()
    if found:
        return found, "same text"
    if url:
        found = Article.objects.filter(url=url).first()
        if found:
            return found, "same URL"
    return None


@service_write
def get_or_create_source(name: str, homepage: str = "", *, user=None) -> Source | None:
    name = name.strip()
    if not name:
        return None
    source, _ = Source.objects.get_or_create(name=name, defaults={"homepage": homepage})
    return source


@service_write
def create_article(
    *,
    user,
    title: str,
    body: str,
    source: Source | None = None,
    url: str = "",
    byline: str = "",
    published=None,
    language: str = "en",
    raw: str = "",
    raw_format: str = Article.Format.MANUAL,
    reason: str = "",
) -> Article:
    """Store a new article; raise DuplicateArticle when its text or URL is already stored."""
    check_length("title", title.strip(), limits.MAX_TITLE)
    body = anchoring.normalise_newlines(body)
    duplicate = find_duplicate(body=body, url=url)
    if duplicate:
        raise DuplicateArticle(*duplicate)
    article = Article(
        title=title.strip(),
        body=body,
        source=source,
        url=url,
        byline=byline.strip(),
        published=published,
        language=language or "en",
        raw=raw,
        raw_format=raw_format,
        added_by=user,
    )
    article.full_clean()
    article.save()
    update_change_reason(article, reason or f"imported ({raw_format})")
    announce_text_changed(article.pk)  # check-worthy sentences are scored by a queue task after commit
    return article


# What an edit may change besides the text (a new text is a revision: services.revise_article).
ARTICLE_DETAIL_FIELDS = ("title", "source", "url", "byline", "published", "language")


@service_write
def update_article(*, user, article: Article, reason: str = "", **details) -> Article:
    """Change an article's details (not its text); refuse what the model's rules or a duplicate URL refuse."""
    unknown = set(details) - set(ARTICLE_DETAIL_FIELDS)
    if unknown:
        raise ValidationError({"detail": f"Not an article detail: {', '.join(sorted(unknown))}."})
    current = Article.objects.select_for_update().get(pk=article.pk)
    changed = [name for name, value in details.items() if getattr(current, name) != value]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, details[name])
    if "title" in changed:
        current.title = current.title.strip()
    current.full_clean(exclude=[f.name for f in Article._meta.fields if f.name not in changed])
    current._change_reason = reason or "details edited"
    current.save(update_fields=[*changed, "updated_at"])
    return current
