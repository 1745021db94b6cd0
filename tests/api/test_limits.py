"""Text and count limits (issue 16, finding 6): a 400 that names the limit, one definition in articles.limits."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from articles import limits, services
from articles.models import Claim, ClaimLink, Verdict
from tests.verdict_helpers import EVIDENCE

MEGABYTE = "x" * 1_000_000
QUOTE = "We could have had eight or ten deaths"


@pytest.fixture
def claims(article, make_claim, alice):
    return [make_claim(article, QUOTE, user=alice), make_claim(article, "tactical retreat", user=alice)]


def claim_payload(article, **extra):
    start = article.body.index(QUOTE)
    return {"article": article.pk, "start": start, "end": start + len(QUOTE), "quote": QUOTE, **extra}


def test_it_refuses_a_megabyte_summary(client, alice, article):
    client.force_login(alice)
    response = client.post("/api/claims/", claim_payload(article, summary=MEGABYTE), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["summary"] == [f"The summary is 1000000 characters; the limit is {limits.MAX_SUMMARY}."]
    assert not Claim.objects.exists()


def test_it_refuses_a_megabyte_summary_on_edit(client, alice, claims):
    client.force_login(alice)
    body = {"summary": MEGABYTE, "version": claims[0].version}
    response = client.patch(f"/api/claims/{claims[0].pk}/", body, content_type="application/json")
    assert response.status_code == 400
    assert str(limits.MAX_SUMMARY) in str(response.json())


def test_it_refuses_a_megabyte_link_note(client, alice, claims):
    client.force_login(alice)
    body = {"from_claim": claims[0].pk, "to_claim": claims[1].pk, "relation": "cites", "note": MEGABYTE}
    response = client.post("/api/links/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["note"] == [f"The note is 1000000 characters; the limit is {limits.MAX_LINK_NOTE}."]
    assert not ClaimLink.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"), [("explanation", limits.MAX_EXPLANATION), ("headline", limits.MAX_HEADLINE)]
)
def test_it_refuses_a_verdict_text_over_its_limit(client, bob, claims, field, limit):
    client.force_login(bob)
    body = {"claim": claims[0].pk, "rating": "false", field: "x" * (limit + 1), "evidence": EVIDENCE}
    response = client.post("/api/verdicts/", body, content_type="application/json")
    assert response.status_code == 400
    assert f"the limit is {limit}" in str(response.json())
    assert not Verdict.objects.exists()


def test_it_refuses_an_evidence_note_over_its_limit(client, bob, claims):
    client.force_login(bob)
    evidence = [{**EVIDENCE[0], "note": "x" * (limits.MAX_EVIDENCE_NOTE + 1)}]
    body = {"claim": claims[0].pk, "rating": "false", "evidence": evidence}
    response = client.post("/api/verdicts/", body, content_type="application/json")
    assert response.status_code == 400
    assert f"the limit is {limits.MAX_EVIDENCE_NOTE}" in str(response.json())


def test_it_accepts_texts_at_the_limit(client, alice, article):
    client.force_login(alice)
    summary = "x" * limits.MAX_SUMMARY
    response = client.post("/api/claims/", claim_payload(article, summary=summary), content_type="application/json")
    assert response.status_code == 201


def test_it_refuses_a_title_or_quote_over_its_limit(alice, article):
    with pytest.raises(ValidationError) as error:
        services.create_article(user=alice, title="t" * (limits.MAX_TITLE + 1), body="Some text.")
    assert f"the limit is {limits.MAX_TITLE}" in str(error.value)
    long_article = services.create_article(user=alice, title="Long", body="y" * (limits.MAX_QUOTE + 10))
    with pytest.raises(ValidationError) as error:
        services.create_claim(
            user=alice, article=long_article, start=0, end=limits.MAX_QUOTE + 1, quote="y" * (limits.MAX_QUOTE + 1)
        )
    assert f"the limit is {limits.MAX_QUOTE}" in str(error.value)


@override_settings(FACTCHECK_MAX_CLAIMS_PER_ARTICLE=2)
def test_it_refuses_claims_past_the_per_article_limit(client, alice, article, claims):
    client.force_login(alice)
    start = article.body.index("bloodbath")
    body = {"article": article.pk, "start": start, "end": start + 9, "quote": "bloodbath"}
    response = client.post("/api/claims/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["article"] == ["This article already has 2 claims, the most one article may have."]


def test_it_has_a_default_claims_per_article_limit_of_ten_thousand(settings):
    assert settings.FACTCHECK_MAX_CLAIMS_PER_ARTICLE == 10_000 == limits.max_claims_per_article()
