"""Linking to a claim while someone deletes it: one wins, the other gets a clean answer, no link to a deleted claim.

Issue 16, finding 9: the link was written after the delete and the API answered 500 (ClaimLink.DoesNotExist)
in 2 of 15 races on SQLite and 13 of 15 on PostgreSQL.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from articles import services
from articles.models import ClaimLink
from articles.roles import ensure_roles
from tests.concurrency import run_together
from tests.conftest import ARTICLE_BODY, make_user

ROUNDS = 30


@pytest.fixture
def roles(transactional_db):
    ensure_roles()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_never_links_a_deleted_claim_when_the_delete_races_the_link(roles, make_article, make_claim):
    alice, erin = make_user("alice", "Annotator"), make_user("erin", "Editor")
    article = make_article(ARTICLE_BODY * 2)
    linker, deleter = logged_in(alice), logged_in(erin)
    statuses = []
    for round_ in range(ROUNDS):
        quote = "the police abandoned the town"
        source = make_claim(article, quote, user=alice, occurrence=0, summary=f"round {round_}")
        target = make_claim(article, quote, user=alice, occurrence=1, summary=f"round {round_}")
        payload = {"from_claim": source.pk, "to_claim": target.pk, "relation": "contradicts"}
        link, delete = run_together(
            lambda p=payload: linker.post("/api/links/", p, content_type="application/json"),
            lambda t=target: deleter.delete(f"/api/claims/{t.pk}/"),
        )
        assert not isinstance(link, BaseException), link
        assert not isinstance(delete, BaseException), delete
        assert delete.status_code == 204
        assert link.status_code in (201, 400), (link.status_code, link.content[:300])
        if link.status_code == 400:
            # Refused by the serializer (the claim was already gone) or by the service on the locked row.
            message = link.json()["to_claim"][0]
            assert f"#{target.pk}" in message or f"id {target.pk}" in message, message
            assert not ClaimLink.objects.filter(to_claim=target).exists()
        statuses.append(link.status_code)
        target.refresh_from_db()
        # No link was made after its claim was deleted: the one that exists (if any) came first.
        for made in ClaimLink.objects.filter(to_claim=target):
            assert made.created_at < target.deleted_at
    assert set(statuses) <= {201, 400}


def test_it_refuses_to_link_a_claim_deleted_after_it_was_read(db, alice, erin, article, make_claim):
    """The service checks deletion on the locked row, not on the instance the caller read earlier."""
    source = make_claim(article, "the officers made a tactical retreat", user=alice)
    target = make_claim(article, "the police abandoned the town", user=alice)
    stale = type(target).objects.get(pk=target.pk)
    services.delete_claim(user=erin, claim=target)
    with pytest.raises(ValidationError) as error:
        services.link_claims(user=alice, from_claim=source, to_claim=stale, relation="supports")
    assert "deleted" in str(error.value)
    assert not ClaimLink.objects.exists()
