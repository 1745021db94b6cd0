"""`{{ value|safe_url }}`: the one way templates print a stored URL as a link.

The database only accepts http(s) URLs (models.http_url_check), but a row written before the checks, or
a URL from anywhere else, could carry `javascript:` or `data:`; this prints "" for anything that is not
http(s), and templates show the text without a link when it is empty.
"""

from django import template

from articles.models import is_http_url

register = template.Library()


@register.filter
def safe_url(value) -> str:
    return value if is_http_url(value) else ""
