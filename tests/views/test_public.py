"""The public verdict page /verdicts/<pk>/: readable without login once published, nothing else visible,
hostile text inert, ClaimReview JSON-LD embedded, corrections shown both ways."""

import datetime
import json
import re

import pytest

from articles import services
from articles.models import Verdict
from tests.conftest import SHARED
from tests.verdict_helpers import make_verdict

State = Verdict.State
HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def claim(make_article, make_claim, alice, mayor):
    article = make_article(url="https://herald.example.org/escuinapa", published=datetime.date(2016, 2, 3))
    return make_claim(article, "We could have had eight or ten deaths", user=alice, speaker=mayor)


@pytest.fixture
def published(claim, bob, erin):
    return make_verdict(
        claim,
        author=bob,
        editor=erin,
        state=State.PUBLISHED,
        explanation="No shoot-out happened, so no count exists.\n\nThe figure is a guess.",
    )


def jsonld(response):
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return [json.loads(body) for body in scripts]


def test_it_shows_a_published_verdict_to_anyone(client, published, django_assert_num_queries):
    with django_assert_num_queries(3):  # the verdict with claim/article/source/speaker, its versions, its evidence
        response = client.get(f"/verdicts/{published.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "The count was never recorded",
        "Mostly false",
        "We could have had eight or ten deaths",
        "Bonifacio Bustamante",
        "mayor of Escuinapa",
        "Police retreat in Escuinapa",
        "Pacific Coast Herald",
        "https://records.example.org/escuinapa/deaths-2016",
        "<p>The figure is a guess.</p>",
    ):
        assert text in page
    assert 'rel="canonical"' in page


@pytest.mark.parametrize("persona", [None, "alice", "bob", "erin"])
def test_it_looks_the_same_logged_in_or_not(client, published, persona, request):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/verdicts/{published.pk}/")
    assert response.status_code == 200
    assert len(jsonld(response)) == 1


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW, State.CHANGES_REQUESTED, State.APPROVED])
@pytest.mark.parametrize("persona", [None, "bob", "erin"])
def test_it_hides_unpublished_verdicts(client, claim, bob, erin, state, persona, request):
    verdict = make_verdict(claim, author=bob, editor=erin, state=state)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/verdicts/{verdict.pk}/")
    assert response.status_code == 404
    assert b"The count was never recorded" not in response.content


@pytest.mark.parametrize("bad_id", ["999999", "0"])
def test_it_answers_404_for_a_bad_id(client, db, bad_id):
    assert client.get(f"/verdicts/{bad_id}/").status_code == 404
    assert client.get("/verdicts/abc/").status_code == 404


def test_it_embeds_claimreview_with_every_google_property(client, published):
    checklist_path = SHARED / "conformance" / "claimreview" / "google-claimreview-checklist.json"
    if not checklist_path.exists():
        pytest.skip(f"conformance checklist not found at {checklist_path}")
    checklist = json.loads(checklist_path.read_text())
    [data] = jsonld(client.get(f"/verdicts/{published.pk}/"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert data["url"] == f"http://testserver/verdicts/{published.pk}/"
    for entries in checklist["types"].values():
        for entry in entries:
            node = data
            for part in entry.get("path", "").split(".") if entry.get("path") else []:
                node = node[part]
            assert node.get(entry["property"]) not in (None, "", []), entry
            value = node[entry["property"]]
            value = value[0] if isinstance(value, list) else value
            for sub in entry.get("subproperties", []):
                if sub["status"] != "optional":
                    assert value.get(sub["property"]), (entry["property"], sub["property"])
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly false",
        "name": "Mostly false",
    }
    assert data["itemReviewed"]["author"]["name"] == "Bonifacio Bustamante"
    assert data["itemReviewed"]["appearance"][0]["url"] == "https://herald.example.org/escuinapa"


def test_it_renders_hostile_text_inert(client, make_article, make_claim, alice, bob, erin):
    article = make_article(f"Intro. {HOSTILE} said someone.", title=HOSTILE, url="https://herald.example.org/h")
    claim = make_claim(article, HOSTILE, user=alice, summary=HOSTILE)
    verdict = make_verdict(
        claim,
        author=bob,
        editor=erin,
        state=State.PUBLISHED,
        headline=HOSTILE,
        explanation=HOSTILE,
        evidence=[{"url": "https://evil.example.org/?q=<script>", "title": HOSTILE, "note": HOSTILE}],
    )
    response = client.get(f"/verdicts/{verdict.pk}/")
    page = response.content.decode()
    assert "<img src=x" not in page
    assert '<script>alert("x")' not in page
    assert page.count("<script") == 1  # only the JSON-LD block
    [data] = jsonld(response)
    assert data["name"] == HOSTILE and data["claimReviewed"] == HOSTILE


def test_it_links_a_superseded_verdict_to_its_correction_and_shows_the_notes(client, published, erin, frank):
    first = services.correct_verdict(user=erin, verdict=published, reason="The registry was updated in March.")
    first = services.submit_verdict(user=erin, verdict=first)
    first = services.approve_verdict(user=frank, verdict=first)
    first = services.publish_verdict(user=erin, verdict=first)
    second = services.correct_verdict(user=frank, verdict=first, reason="A <b>second</b> fix.")
    second = services.submit_verdict(user=frank, verdict=second)
    second = services.approve_verdict(user=erin, verdict=second)
    second = services.publish_verdict(user=frank, verdict=second)

    old = client.get(f"/verdicts/{published.pk}/")
    assert old.status_code == 200
    old_page = old.content.decode()
    assert "This verdict was corrected" in old_page
    assert f'href="/verdicts/{second.pk}/"' in old_page  # straight to the current version
    assert jsonld(old) == []  # only the current verdict is marked up
    assert 'name="robots" content="noindex"' in old_page

    current = client.get(f"/verdicts/{second.pk}/")
    page = current.content.decode()
    assert "A &lt;b&gt;second&lt;/b&gt; fix." in page
    assert "The registry was updated in March." in page
    assert f'href="/verdicts/{first.pk}/"' in page and f'href="/verdicts/{published.pk}/"' in page
    assert page.index("A &lt;b&gt;second") < page.index("The registry was updated")  # newest note first
    assert len(jsonld(current)) == 1
