"""Articles: store a new article once (same text or URL is a duplicate), and its outlet."""

from django.db import transaction
from simple_history.utils import update_change_reason

from articles import limits
from articles.errors import DuplicateArticle
from articles.limits import check_length
from articles.models import Article, Source, content_hash
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


def get_or_create_source(name: str, homepage: str = "") -> Source | None:
    name = name.strip()
    if not name:
        return None
    source, _ = Source.objects.get_or_create(name=name, defaults={"homepage": homepage})
    return source


@transaction.atomic
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
    update_change_reason(article, f"imported ({raw_format})")
    return article
