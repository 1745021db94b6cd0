"""The desk's pages: article list, the reader, the claim list and the compare page.

Each view is access helper -> FilterSet -> fixed number of queries -> template. Writes happen in the
JSON API (articles/api.py), which the reader's JavaScript calls.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from articles import access
from articles.exports import FORMATS
from articles.filters import ArticleFilter, ClaimFilter, page_number, page_without_count
from articles.models import Article, Claim, ClaimLink
from articles.queries import (
    READER_COMPACT,
    Total,
    VerdictActions,
    article_comment_counts,
    claim_status,
    claim_statuses,
    compact_state,
    count_or_estimate,
    links_for_display,
    reader_compact,
    related_suggestions,
)

ARTICLES_PER_PAGE = 25
CLAIMS_PER_PAGE = 50
# How much of the article the compare page shows around a claim, in characters on each side.
CONTEXT_CHARS = 280

# How a link reads from the claim at its far end ("A supports B" seen from B: "supported by A");
# symmetric relations read the same both ways.
INVERSE_LABELS = {
    ClaimLink.Relation.CONTRADICTS: "contradicts",
    ClaimLink.Relation.SUPPORTS: "supported by",
    ClaimLink.Relation.SAME_CLAIM: "same claim as",
    ClaimLink.Relation.RESPONDS_TO: "responded to by",
    ClaimLink.Relation.CITES: "cited by",
}


def _page_number(request) -> int:
    """The page asked for; a page that is not a whole number from 1 to MAX_PAGE is a 400 naming the range."""
    try:
        return page_number(request.GET.get("page"))
    except ValidationError as error:
        raise BadRequest(" ".join(error.messages)) from None


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _export_links(kind: str, query: str) -> list[tuple[str, str]]:
    """The list's download buttons (exports app), each carrying the current filters."""
    suffix = f"?{query}" if query else ""
    return [(fmt.label, reverse(f"exports:{kind}_{fmt.name}") + suffix) for fmt in FORMATS.values()]


def _filter_state(filterset) -> dict:
    """How many filters besides the search box are set; the panel stays open while any is set or wrong."""
    form = filterset.form
    names = [name for name in form.fields if name not in ("q", "page") and not form.fields[name].widget.is_hidden]
    active = sum(1 for name in names if form.data.get(name) or form.data.get(f"{name}-text"))
    wrong = bool(form.is_bound and form.errors and set(form.errors) - {"q"})
    return {"filters_active": active, "filter_panel_open": bool(active) or wrong}


@never_cache  # Back after a change must show current data, not a cached page.
@login_required
def article_list(request):
    articles = Article.objects.select_related("source").with_claim_counts().defer("body", "raw")
    filterset = ArticleFilter(request.GET, queryset=articles, request=request)
    page = Paginator(filterset.qs, ARTICLES_PER_PAGE).get_page(_page_number(request))
    query = _query_without_page(request)
    context = {"filter": filterset, "page": page, "query": query, "exports": _export_links("articles", query)}
    context.update(_filter_state(filterset), search=filterset.form.data.get("q", ""))
    return render(request, "articles/article_list.html", context)


@never_cache  # Back after a change must show current data, not a cached page.
@login_required
def article_detail(request, pk):
    """The reader: the article's text with every claim, and the data the panel needs, in one page."""
    article = access.get_article_for_user(request.user, pk)
    # The page shows what the role allows (can_edit, the verdict step, the add buttons): its permissions in one
    # query rather than ModelBackend's two.
    access.load_permissions(request.user)
    # First: what is read after it is at least as new, so what is cached under it is never older than it.
    state = compact_state(article.pk)
    user = request.user
    # Compact claims (columns and rows, mostly-default columns trimmed; speakers, users, tags and verdicts by id)
    # and links (ends in this article by id, the others and the articles' titles once each), as JSON text cached
    # under the state; expanded by reader/store.js.
    claims, links = reader_compact(article, user, state, **READER_COMPACT)
    reader = {
        "article": {"id": article.pk, "body": article.body},
        # Only counts: a card's threads are fetched when its comments are opened.
        "comment_counts": article_comment_counts(article),
        "relations": [
            {"value": value, "label": label, "inverse": INVERSE_LABELS[value]}
            for value, label in ClaimLink.Relation.choices
        ],
        "user": user.get_username(),
        "may": {
            "add_claim": user.has_perm("articles.add_claim"),
            "add_speaker": user.has_perm("articles.add_speaker"),
            "add_link": user.has_perm("articles.add_claimlink"),
        },
    }
    slot = mark_safe(_DATA_SLOT)  # noqa: S308 - a constant of this module
    context = {"article": article, "reader": reader, "reader_data": slot, "claim_count": state["live"]}
    page = render_to_string("articles/article_detail.html", context, request)
    return _with_data(page, reader_json_script(reader, claims=claims, links=links))


# Where the reader's page takes its data script (reader_json_script), put in after the template is rendered. The
# template escapes the article's and users' text, so that text cannot hold this comment; and the slot is looked for
# from the end of the page, after the last of that text.
_DATA_SLOT = "<!-- reader-data -->"


def _with_data(page: str, data: str) -> HttpResponse:
    """The reader page with its data script in _DATA_SLOT, as UTF-8 bytes.

    Not through the template: the engine copied the data's 300 KB at each block and `extends` level (every NodeList
    joins its children's text, and SafeString() copies the join), and the page's other characters ("…", "↗") made
    each copy two bytes a character, then one more pass to encode them. The data is JSON escaped to ASCII, which
    encodes as a plain copy; only the page around it is encoded from wider text.
    """
    head, slot, tail = page.rpartition(_DATA_SLOT)
    if not slot:
        raise ValueError(f"the reader's template has no {_DATA_SLOT}")
    return HttpResponse(b"".join((head.encode(), data.encode(), tail.encode())))


class CompactJSONEncoder(DjangoJSONEncoder):
    item_separator, key_separator = ",", ":"


# What json_script escapes, so the data cannot end its <script> element nor open another.
_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def reader_json_script(data, **texts: str) -> str:
    """Django's json_script(data, "reader-data"), the same bytes, without spaces after separators (1,000 claims'
    rows are some 15 KB smaller) and escaped by three str.replace passes: str.translate, which json_script uses,
    took milliseconds over the reader's 300 KB. `texts`: more keys whose values are JSON text already, put first.
    Each piece is escaped apart (the escapes are of single characters) and the pieces joined once: concatenated
    one after another, the 300 KB were copied at each step."""
    pieces = ['<script id="reader-data" type="application/json">{']
    for name, value in texts.items():
        pieces += [_script_escaped(json.dumps(name)), ":", _script_escaped(value), ","]
    rest = json.dumps(data, cls=CompactJSONEncoder)
    if texts and rest == "{}":
        pieces[-1] = "}"
    else:
        pieces.append(_script_escaped(rest[1:]))
    pieces.append("</script>")
    return mark_safe("".join(pieces))  # noqa: S308 - JSON escaped so it cannot end the element nor open another


def _script_escaped(text: str) -> str:
    for character, escape in _SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return text


@never_cache  # Back after a change must show current data, not a cached page.
@login_required
def claim_list(request):
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.live(), request=request)
    page = _claims_page(filterset.qs, _page_number(request))
    statuses = claim_statuses([claim.pk for claim in page.rows])
    verdict_action = VerdictActions(request.user)
    for claim in page.rows:
        claim.status = statuses[claim.pk]
        claim.verdict_action = verdict_action(claim.status, claim.pk)
    query = _query_without_page(request)
    context = {"filter": filterset, "page": page, "query": query, "exports": _export_links("claims", query)}
    context.update(_filter_state(filterset), search=filterset.form.data.get("q", ""))
    context["total"] = _claim_total(filterset, page)
    return render(request, "articles/claim_list.html", context)


def _claims_page(claims, number: int):
    """Page `number` of `claims`: the page's ids first, sorted and cut from the claim rows alone, then what the
    cards show (speaker, article, tags, verdicts, link counts) for those rows only. In one query, PostgreSQL
    joined every match of a search (a thousand for a rare word at a million claims) before sorting them."""
    page = page_without_count(claims.values_list("pk", flat=True), number, CLAIMS_PER_PAGE)
    shown = Claim.objects.for_display().in_bulk(page.rows)
    page.rows = [shown[pk] for pk in page.rows if pk in shown]  # (a claim deleted in between is left out)
    return page


def _claim_total(filterset, page) -> Total | None:
    """The list's total: from the page when it is the last one (a rare word: no count), else a bounded count."""
    if not filterset.is_valid():
        return None
    if page.total_if_last is not None:
        return Total(page.total_if_last)
    return count_or_estimate(filterset.qs, searched=bool(filterset.form.data.get("q", "").strip()))


@never_cache  # Back after a change must show current data, not a cached page.
@login_required
def claim_detail(request, pk):
    """The compare page: the claim in its context beside its linked claims, grouped by how they relate."""
    claim = access.get_claim_for_user(request.user, pk)
    display = Claim.objects.for_display().get(pk=claim.pk)
    links = links_for_display(
        ClaimLink.objects.filter(Q(from_claim=claim) | Q(to_claim=claim)).filter(
            from_claim__deleted_at__isnull=True, to_claim__deleted_at__isnull=True
        )
    ).order_by("relation", "id")
    status = claim_status(claim.pk)
    context = {
        "claim": display,
        "context": _context(claim),
        "groups": _group_links(claim, links),
        # The machine's suggestions, shown apart from the links people made; decided in the reader.
        "suggestions": [
            {"suggestion": s, "other": s.to_claim if s.from_claim_id == claim.pk else s.from_claim}
            for s in related_suggestions([claim.pk])
        ],
        "can_edit": access.can_change_claim(request.user, claim),
        "status": status,
        "verdict_action": VerdictActions(request.user)(status, claim.pk),
        # Editors hand the claim to a fact-checker: the admin's add form with this claim filled in.
        "assign_url": reverse("admin:articles_assignment_add") + f"?claim={claim.pk}"
        if access.can_assign(request.user)
        else None,
    }
    return render(request, "articles/claim_detail.html", context)


def _context(claim: Claim) -> dict:
    """Text before and after the claim, cut at word boundaries; orphaned claims keep their stored context."""
    if claim.start is None:
        return {"before": claim.prefix, "after": claim.suffix, "cut_before": True, "cut_after": True}
    body = claim.article.body
    begin, finish = max(0, claim.start - CONTEXT_CHARS), min(len(body), claim.end + CONTEXT_CHARS)
    before, after = body[begin : claim.start], body[claim.end : finish]
    if begin > 0 and " " in before:
        before = before[before.index(" ") + 1 :]
    if finish < len(body) and " " in after:
        after = after[: after.rindex(" ")]
    return {"before": before, "after": after, "cut_before": begin > 0, "cut_after": finish < len(body)}


def _group_links(claim: Claim, links) -> list[dict]:
    """Linked claims grouped by how they read from this claim, in the order of the relation choices."""
    groups: dict[str, dict] = {}
    for link in links:
        outgoing = link.from_claim_id == claim.pk
        relation = ClaimLink.Relation(link.relation)
        label = relation.label if outgoing else INVERSE_LABELS[relation]
        group = groups.setdefault(label, {"label": label, "relation": relation.value, "items": []})
        group["items"].append({"link": link, "other": link.to_claim if outgoing else link.from_claim})
    order = [label for value, label in ClaimLink.Relation.choices] + list(INVERSE_LABELS.values())
    return sorted(groups.values(), key=lambda group: order.index(group["label"]))
