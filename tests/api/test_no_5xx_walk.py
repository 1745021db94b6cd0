"""Every number a list, API list or export reads from its query string is range-checked where it is
parsed (issue 16, finding 4): a walk over every filter and paging parameter with hostile values.

The walk is built by introspection (FilterSets, the API router, the URL patterns of the downloads and API
exports), so a new filter or list is walked without editing this test. No answer may be a 5xx, and a
streamed export is read to its end: it must either be refused (4xx) before the first byte or complete.
"""

import pytest
from django.urls import reverse

from articles import services
from articles.api.urls import export_patterns, router
from articles.exports import KINDS
from articles.filters import ArticleFilter, ClaimFilter

HOSTILE = [str(10**20), str(2**63), "9223372036854775807", "-1.88e+286", "-1", "0", "1e5", "1.5", "abc", "0x10", "٣"]
PAGING = ["page", "page_size", "cursor", "offset", "limit"]


def parameters(filterset_class) -> list[str]:
    """The query-string names a FilterSet reads (a range filter reads `<name>_after`/`<name>_before`)."""
    names = []
    for name, filter_ in filterset_class.base_filters.items():
        suffixes = getattr(filter_.field.widget, "suffixes", None)
        names += [f"{name}_{suffix}" if suffix else name for suffix in suffixes] if suffixes else [name]
    return names + PAGING


def endpoints() -> list[tuple[str, list[str]]]:
    walk = [
        (reverse("articles:article_list"), parameters(ArticleFilter)),
        (reverse("articles:claim_list"), parameters(ClaimFilter)),
    ]
    for prefix, viewset, _ in router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        walk.append((f"/api/{prefix}/", parameters(filterset_class) if filterset_class else PAGING))
    for kind, (filterset_class, _) in KINDS.items():
        for pattern in export_patterns:
            if pattern.default_args["kind"] == kind:
                walk.append((f"/api/exports/{pattern.pattern}", parameters(filterset_class)))
        for fmt in {pattern.default_args["fmt"] for pattern in export_patterns}:
            walk.append((reverse(f"exports:{kind}_{fmt}"), parameters(filterset_class)))
    return walk


@pytest.fixture
def records(make_article, make_claim, alice, mayor):
    article = make_article()
    first = make_claim(article, "We could have had eight or ten deaths", user=alice, speaker=mayor, tags=["police"])
    second = make_claim(article, "tactical retreat", user=alice)
    services.link_claims(user=alice, from_claim=first, to_claim=second, relation="supports")


def test_it_walks_every_list_and_export(records):
    walked = endpoints()
    assert {"/claims/", "/api/claims/", "/api/links/", "/api/exports/claims.csv"} <= {url for url, _ in walked}
    assert len(walked) >= 2 + len(router.registry) + 2 * len(export_patterns)


def read_whole(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("url", "names"), endpoints())
def test_it_answers_every_hostile_number_without_a_server_error(client, erin, records, url, names):
    client.force_login(erin)
    failures = {}
    for name in names:
        for value in HOSTILE:
            try:
                response = client.get(url, {name: value})
                read_whole(response)
            except Exception as error:  # a cut stream raises while being read
                failures[f"{name}={value}"] = repr(error)
                continue
            if response.status_code >= 500:
                failures[f"{name}={value}"] = response.status_code
    assert failures == {}


@pytest.mark.parametrize(
    "url",
    [
        f"/api/claims/?page={10**20}",
        f"/claims/?page={10**20}",
        f"/articles/?page={10**20}",
        f"/api/claims/?claim={2**63}&article={2**63}",
        f"/api/links/?claim={2**63}",
        "/api/links/?article=-1.88e%2B286",
        f"/api/exports/claims.csv?article={10**20}",
        f"/exports/claims.csv?article={10**20}",
    ],
)
def test_it_refuses_the_attack_runs_numbers_with_a_400(client, erin, records, url):
    client.force_login(erin)
    response = client.get(url)
    assert response.status_code == 400
    assert not response.streaming


def test_it_names_the_parameter_and_the_range(client, erin, records):
    client.force_login(erin)
    errors = client.get(f"/api/claims/?page={10**20}").json()
    assert errors["page"] == [f"page must be a whole number from 1 to 1000000, got '{10**20}'."]
    errors = client.get("/api/links/?article=-1.88e%2B286").json()
    assert errors["article"] == ["Enter an id: a whole number from 1 to 9223372036854775807."]
    body = client.get(f"/exports/claims.csv?article={10**20}").content.decode()
    assert body == "Invalid filter: article: Enter an id: a whole number from 1 to 9223372036854775807."
    response = client.get(f"/claims/?page={10**20}")
    assert response.status_code == 400
