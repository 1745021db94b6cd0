"""Idempotency-Key on creates: a repeat (in sequence or at the same moment) gets the first answer, never a 2nd row.

Issue 16, finding 8: the same claim or verdict POSTed twice stored two rows; the header was ignored.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Claim, ClaimLink, IdempotencyKey, Verdict
from articles.roles import ensure_roles
from tests.concurrency import run_together
from tests.conftest import ARTICLE_BODY, make_user

OTHER_BODY = "A spokeswoman for the civic group said the officers simply fled and left residents alone."
QUOTE = "the officers made a tactical retreat"


def claim_payload(article):
    start = article.body.index(QUOTE)
    return {"article": article.pk, "start": start, "end": start + len(QUOTE), "quote": QUOTE, "summary": "Retreat"}


def post(client, path, payload, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, payload, content_type="application/json", **headers)


@pytest.fixture
def cases(article, make_article, make_claim, alice, bob):
    """(path, payload, model, user) for each create endpoint."""
    other = make_article(OTHER_BODY, title="Civic group answers the mayor")
    one = make_claim(other, "the officers simply fled", user=alice)
    two = make_claim(article, "the police abandoned the town", user=alice)
    return {
        "claims": ("/api/claims/", claim_payload(article), Claim, alice),
        "links": (
            "/api/links/",
            {"from_claim": one.pk, "to_claim": two.pk, "relation": "contradicts"},
            ClaimLink,
            alice,
        ),
        "verdicts": ("/api/verdicts/", {"claim": two.pk, "headline": "Fled, not retreated"}, Verdict, bob),
    }


@pytest.mark.parametrize("kind", ["claims", "links", "verdicts"])
def test_it_answers_a_repeated_key_with_the_first_answer_and_one_row(client, cases, kind):
    path, payload, model, user = cases[kind]
    client.force_login(user)
    before = model.objects.count()
    first = post(client, path, payload, "submission-1")
    again = post(client, path, payload, "submission-1")
    assert first.status_code == 201, first.json()
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert model.objects.count() == before + 1


@pytest.mark.parametrize("kind", ["claims", "verdicts"])
def test_it_creates_twice_without_a_key_as_before(client, cases, kind):
    path, payload, model, user = cases[kind]
    client.force_login(user)
    before = model.objects.count()
    assert post(client, path, payload, None).status_code == 201
    second = post(client, path, payload, None)
    if kind == "verdicts":
        # A claim has at most one open verdict: the second draft is refused whatever the key.
        assert second.status_code == 400 and "already has an open verdict" in second.content.decode()
        assert model.objects.count() == before + 1
        return
    assert second.status_code == 201
    assert model.objects.count() == before + 2


def test_it_refuses_the_same_key_with_another_body(client, cases, article):
    path, payload, model, user = cases["claims"]
    client.force_login(user)
    assert post(client, path, payload, "k").status_code == 201
    response = post(client, path, {**payload, "summary": "Something else"}, "k")
    assert response.status_code == 422
    assert "already used" in response.json()["Idempotency-Key"][0]
    assert Claim.objects.filter(summary="Something else").count() == 0


def test_it_keeps_keys_apart_per_user(client, cases, carol):
    path, payload, model, user = cases["claims"]
    client.force_login(user)
    post(client, path, payload, "shared-key")
    client.force_login(carol)
    response = post(client, path, payload, "shared-key")
    assert response.status_code == 201
    assert Claim.objects.filter(quote=QUOTE).count() == 2


def test_it_does_not_remember_a_refused_request(client, cases):
    path, payload, model, user = cases["claims"]
    client.force_login(user)
    refused = post(client, path, {**payload, "quote": "not the text"}, "k")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post(client, path, payload, "k").status_code == 201


def test_it_forgets_a_key_after_a_day(client, cases):
    path, payload, model, user = cases["claims"]
    client.force_login(user)
    post(client, path, payload, "k")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = post(client, path, payload, "k")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Claim.objects.filter(quote=QUOTE).count() == 2


def test_it_refuses_an_unusable_key(client, cases):
    path, payload, model, user = cases["claims"]
    client.force_login(user)
    response = post(client, path, payload, "x" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Claim.objects.filter(quote=QUOTE).exists()


def test_it_purges_expired_keys(db, alice, capsys):
    IdempotencyKey.objects.create(user=alice, key="old", fingerprint="f")
    IdempotencyKey.objects.create(user=alice, key="new", fingerprint="f")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(days=2))
    call_command("purge_idempotency_keys")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert "1 expired" in capsys.readouterr().out


# ---- at the same moment: threads on their own connections (tests/concurrency.py)


@pytest.fixture
def live_cases(transactional_db, make_article, make_claim):
    ensure_roles()
    alice, bob = make_user("alice", "Annotator"), make_user("bob", "Fact-checker")
    article = make_article(ARTICLE_BODY)
    other = make_article(OTHER_BODY, title="Civic group answers the mayor")
    one = make_claim(other, "the officers simply fled", user=alice)
    two = make_claim(article, "the police abandoned the town", user=alice)
    return {
        "claims": ("/api/claims/", claim_payload(article), Claim, alice),
        "links": ("/api/links/", {"from_claim": one.pk, "to_claim": two.pk, "relation": "supports"}, ClaimLink, alice),
        "verdicts": ("/api/verdicts/", {"claim": two.pk, "headline": "Fled, not retreated"}, Verdict, bob),
    }


@pytest.mark.parametrize("kind", ["claims", "links", "verdicts"])
def test_it_makes_one_row_when_the_same_key_arrives_at_the_same_moment(live_cases, kind):
    path, payload, model, user = live_cases[kind]
    clients = [Client() for _ in range(3)]
    for client in clients:
        client.force_login(user)
    before = model.objects.count()
    for round_ in range(5):
        responses = run_together(*(lambda c=c, k=f"k{round_}": post(c, path, payload, k) for c in clients))
        for response in responses:
            assert not isinstance(response, BaseException), response
            assert response.status_code in (201, 400), response.content[:300]
        created = [r for r in responses if r.status_code == 201]
        assert len({r.content for r in created}) == 1  # every 201 is the same answer
        if kind in ("links", "verdicts"):
            # A second key for the same link is a duplicate link, for the same claim a second open verdict
            # (400): not an idempotency question.
            break
        assert all(r.status_code == 201 for r in responses)
        assert model.objects.count() == before + round_ + 1
