"""Template filters of the desk's lists: search terms highlighted, totals in words."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.filters import search_terms

register = template.Library()


@register.filter
def highlight(text, search: str):
    """`text` with each search term wrapped in <mark>, case-insensitively.

    The text is split on the terms first and every piece escaped on its own, so neither the text nor
    the terms can inject markup (a term like "<b>" matches the literal characters and stays text).
    """
    text = "" if text is None else str(text)
    terms = sorted({term for term in search_terms(search or "") if term.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f'<mark class="match">{escape(match.group())}</mark>')
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped above)


@register.simple_tag
def total_in_words(total, noun: str, plural: str = "") -> str:
    """ "1,234 claims", "1 claim", "about 1,200,000 claims" from a queries.Total or a plain count."""
    count = getattr(total, "count", total)
    estimated = getattr(total, "estimated", False)
    words = plural or f"{noun}s"
    if getattr(total, "more_than", False):
        return f"more than {count:,} {words}"
    return f"{'about ' if estimated else ''}{count:,} {noun if count == 1 else words}"
