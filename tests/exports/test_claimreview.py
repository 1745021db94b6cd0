"""The ClaimReview builder: schema.org terms only, Google's required and recommended properties, the rating scale."""

import datetime
import json
import re

import pytest

from articles import services
from articles.exports import claimreview
from articles.models import Verdict
from tests.conftest import SHARED
from tests.verdict_helpers import make_verdict

State = Verdict.State
SITE = "https://desk.example.org"
CONFORMANCE = SHARED / "conformance" / "claimreview"


@pytest.fixture
def claim(make_article, make_claim, alice, mayor):
    article = make_article(url="https://herald.example.org/escuinapa", published=datetime.date(2016, 2, 3))
    return make_claim(article, "We could have had eight or ten deaths", user=alice, speaker=mayor)


@pytest.fixture
def published(claim, bob, erin):
    return make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED, rating="unverifiable")


def _get(data, dotted):
    for part in dotted.split("."):
        if isinstance(data, list):
            data = data[0]
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def checklist_paths():
    """(path, status) for every property Google's checklist lists, dotted from the ClaimReview node."""
    path = CONFORMANCE / "google-claimreview-checklist.json"
    if not path.exists():
        pytest.skip(f"conformance checklist not found at {path}")
    checklist = json.loads(path.read_text())
    paths = []
    for entries in checklist["types"].values():
        for entry in entries:
            prefix = entry.get("path", "")
            full = f"{prefix}.{entry['property']}" if prefix else entry["property"]
            paths.append((full, entry["status"]))
            for sub in entry.get("subproperties", []):
                paths.append((f"{full}.{sub['property']}", sub["status"]))
    return paths


def test_it_carries_every_property_google_requires_and_recommends(published):
    data = claimreview.claimreview_for(published, site_url=SITE)
    missing = [
        (path, status)
        for path, status in checklist_paths()
        if status != "optional" and _get(data, path) in (None, "", [])
    ]
    assert missing == []


def test_it_meets_the_checklists_suggested_checks(published):
    data = claimreview.claimreview_for(published, site_url=SITE)
    assert data["@context"] in {"https://schema.org", "http://schema.org"} and data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "We could have had eight or ten deaths"  # short: under Google's 75
    rating = data["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "Unverifiable"
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert all(isinstance(rating[key], int) for key in ("ratingValue", "bestRating", "worstRating"))
    assert data["url"] == f"{SITE}/verdicts/{published.pk}/"
    assert data["itemReviewed"]["@type"] == "Claim"
    assert data["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Bonifacio Bustamante",
        "jobTitle": "mayor of Escuinapa",
    }
    assert data["itemReviewed"]["appearance"][0]["url"] == "https://herald.example.org/escuinapa"
    assert data["itemReviewed"]["datePublished"] == "2016-02-03"
    for dated in (data["datePublished"], data["itemReviewed"]["datePublished"]):
        datetime.date.fromisoformat(dated)
    assert data["author"] == {
        "@type": "Organization",
        "name": "The Fact-check Desk",
        "url": "https://factcheck.example.org/",
    }


# Classes above the ones in the schema.org subset file (from schema.org's class tree).
SUPERCLASSES = {
    "ClaimReview": ["Review", "CreativeWork", "Thing"],
    "Claim": ["CreativeWork", "Thing"],
    "CreativeWork": ["Thing"],
    "Rating": ["Intangible", "Thing"],
    "Organization": ["Thing"],
    "Person": ["Thing"],
}


def _properties(node, found):
    if isinstance(node, list):
        for item in node:
            _properties(item, found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if not key.startswith("@"):
            found.append((node["@type"], key))
        _properties(value, found)


def test_it_uses_only_schema_org_properties_on_types_that_have_them(published):
    subset_path = CONFORMANCE / "schemaorg" / "schemaorg-30.0-ClaimReview-subset.jsonld"
    if not subset_path.exists():
        pytest.skip(f"schema.org subset not found at {subset_path}")
    graph = json.loads(subset_path.read_text())["@graph"]
    domains = {}
    for node in graph:
        if node["@type"] == "rdf:Property":
            includes = node.get("schema:domainIncludes", [])
            includes = includes if isinstance(includes, list) else [includes]
            domains[node["rdfs:label"]] = {item["@id"].removeprefix("schema:") for item in includes}
    found = []
    _properties(claimreview.claimreview_for(published, site_url=SITE), found)
    for type_name, prop in found:
        assert prop in domains, f"{prop} is not in the schema.org ClaimReview subset"
        allowed_on = {type_name, *SUPERCLASSES[type_name]}
        assert domains[prop] & allowed_on, f"{prop} is not a property of {type_name}"


@pytest.mark.parametrize(
    ("rating", "value", "label"),
    [
        ("true", 5, "True"),
        ("mostly_true", 4, "Mostly true"),
        ("mixed", 3, "Mixed"),
        ("mostly_false", 2, "Mostly false"),
        ("false", 1, "False"),
        ("misleading", 2, "Misleading"),
        ("unverifiable", 3, "Unverifiable"),
    ],
)
def test_it_maps_each_rating_to_its_number_and_label(rating, value, label, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED, rating=rating)
    assert claimreview.rating_for(verdict) == {
        "@type": "Rating",
        "ratingValue": value,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": label,
        "name": label,
    }


def test_it_reviews_the_summary_when_there_is_one_and_the_quote_otherwise(published):
    claim = published.claim
    assert claimreview.claimreview_for(published, site_url=SITE)["claimReviewed"] == claim.quote
    claim.summary = "Eight to ten people would have died in a shoot-out."
    assert claimreview.claimreview_for(published, site_url=SITE)["claimReviewed"] == claim.summary


def test_it_leaves_out_what_the_desk_does_not_know(article, make_claim, alice, bob, erin):
    claim = make_claim(article, "The state recorded 1,200 murders last year.", user=alice)
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    item = claimreview.claimreview_for(verdict, site_url=SITE + "/")["itemReviewed"]
    assert "author" not in item and "datePublished" not in item
    assert "url" not in item["appearance"][0]
    assert item["appearance"][0]["name"] == article.title


def test_it_refuses_an_unpublished_verdict(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.APPROVED)
    with pytest.raises(ValueError, match="not published"):
        claimreview.claimreview_for(verdict, site_url=SITE)


def test_it_writes_a_script_that_a_headline_cannot_break_out_of(claim, bob, erin):
    hostile = '</script><script>alert(1)</script><!-- & "quotes"'
    verdict = make_verdict(claim, author=bob, editor=erin, headline=hostile)
    verdict = services.submit_verdict(user=bob, verdict=verdict)
    verdict = services.approve_verdict(user=erin, verdict=verdict)
    verdict = services.publish_verdict(user=erin, verdict=verdict)
    data = claimreview.claimreview_for(verdict, site_url=SITE)
    script = str(claimreview.as_script(data))
    body = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', script, re.S).group(1)
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["name"] == hostile
