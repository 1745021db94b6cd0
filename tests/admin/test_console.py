"""The admin console: every list loads with a fixed number of queries; writes go through the rules."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Claim, ClaimLink
from tests.conftest import PASSWORD

CHANGELISTS = ["source", "article", "speaker", "tag", "claim", "claimlink"]


def fill(make_article, alice, mayor, n, offset=0):
    for i in range(offset, offset + n):
        article = make_article(f"Claim number {i} said the mayor, and the officers ran number {i}.")
        first = services.create_claim(
            user=alice, article=article, start=0, end=5, quote="Claim", speaker=mayor, tags=["police", f"t{i}"]
        )
        second = services.create_claim(user=alice, article=article, start=6, end=12, quote="number")
        services.link_claims(user=alice, from_claim=first, to_claim=second, relation="supports")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_it_lists_without_a_query_per_row(client, root, make_article, alice, mayor, model):
    client.force_login(root)
    url = reverse(f"admin:articles_{model}_changelist")
    fill(make_article, alice, mayor, 2)
    few = count_queries(client, url)
    fill(make_article, alice, mayor, 5, offset=10)
    assert count_queries(client, url) == few


@pytest.mark.parametrize("model", CHANGELISTS)
def test_it_searches_every_list(client, root, model):
    client.force_login(root)
    response = client.get(reverse(f"admin:articles_{model}_changelist"), {"q": "<script>x"})
    assert response.status_code == 200


def test_it_escapes_hostile_text_in_lists(client, root, make_article, alice):
    article = make_article('<script>alert(1)</script> and <img src=x onerror="alert(2)">', title="<b>bold</b>")
    services.create_claim(user=alice, article=article, start=0, end=25, quote="<script>alert(1)</script>")
    client.force_login(root)
    for model in ("article", "claim"):
        html = client.get(reverse(f"admin:articles_{model}_changelist")).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;" in html or "&lt;b&gt;" in html


def test_it_autocompletes_articles_for_claims(client, erin, article):
    client.force_login(erin)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Escuinapa", "app_label": "articles", "model_name": "claim", "field_name": "article"},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["id"] == str(article.pk)


def claim_form(claim, **changes):
    data = {
        "article": claim.article_id,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "speaker": claim.speaker_id or "",
        "summary": claim.summary,
        "anchor_state": claim.anchor_state,
        "version": claim.version,
        "links_out-TOTAL_FORMS": 0,
        "links_out-INITIAL_FORMS": 0,
    }
    return data | changes


def test_it_lets_an_editor_change_anyones_claim(client, erin, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    client.force_login(erin)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    response = client.post(url, claim_form(claim, summary="Edited by the editor"))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.summary, claim.version) == ("Edited by the editor", 2)
    assert claim.history.first().history_user == erin


def test_it_refuses_an_annotator_changing_someone_elses_claim(client, alice, carol, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=carol)
    client.force_login(alice)
    response = client.post(
        reverse("admin:articles_claim_change", args=[claim.pk]), claim_form(claim, summary="hijacked")
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.summary == ""


def test_it_refuses_a_stale_version(client, erin, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    services.update_claim(user=alice, claim=claim, version=1, summary="changed meanwhile")
    client.force_login(erin)
    response = client.post(
        reverse("admin:articles_claim_change", args=[claim.pk]), claim_form(claim, summary="mine", version=1)
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    claim.refresh_from_db()
    assert claim.summary == "changed meanwhile"


def test_it_refuses_a_span_that_does_not_match_the_text(client, erin, article):
    client.force_login(erin)
    data = {
        "article": article.pk,
        "start": 0,
        "end": 6,
        "quote": "Nobody",
        "summary": "",
        "anchor_state": "anchored",
        "links_out-TOTAL_FORMS": 0,
        "links_out-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:articles_claim_add"), data)
    assert response.status_code == 200
    assert "quote does not equal the article text" in response.content.decode()
    assert not Claim.objects.exists()


def test_it_fills_the_quote_from_the_offsets(client, erin, article):
    client.force_login(erin)
    data = {
        "article": article.pk,
        "start": 0,
        "end": 6,
        "quote": "",
        "summary": "s",
        "anchor_state": "anchored",
        "links_out-TOTAL_FORMS": 0,
        "links_out-INITIAL_FORMS": 0,
    }
    assert client.post(reverse("admin:articles_claim_add"), data).status_code == 302
    claim = Claim.objects.get()
    assert (claim.quote, claim.created_by, claim.suffix[:3]) == ("Police"[: len(claim.quote)], erin, article.body[6:9])


def test_it_soft_deletes_and_restores_claims(client, erin, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    client.force_login(erin)
    url = reverse("admin:articles_claim_changelist")
    client.post(url, {"action": "delete_selected_claims", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert claim.is_deleted
    client.post(url, {"action": "restore_selected_claims", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert not claim.is_deleted


def test_it_refuses_a_self_link_in_admin(client, erin, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    client.force_login(erin)
    response = client.post(
        reverse("admin:articles_claimlink_add"), {"from_claim": claim.pk, "to_claim": claim.pk, "relation": "cites"}
    )
    assert response.status_code == 200
    assert "cannot be linked to itself" in response.content.decode()
    assert not ClaimLink.objects.exists()


def test_it_shows_history_with_who_changed_what(client, erin, alice, article, make_claim):
    claim = make_claim(article, "tactical retreat", user=alice)
    services.update_claim(user=alice, claim=claim, version=1, summary="first summary", reason="typo")
    client.force_login(erin)
    response = client.get(reverse("admin:articles_claim_history", args=[claim.pk]))
    assert response.status_code == 200
    assert "typo" in response.content.decode()


def test_it_sends_anonymous_users_to_the_login_page(client):
    response = client.get(reverse("admin:articles_claim_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_persona_logs_into_admin(client, alice, bob, erin):
    for user in (alice, bob, erin):
        assert client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("admin:index")).status_code == 200
        client.logout()


def test_it_makes_one_claim_when_the_add_form_is_posted_twice(client, erin, article):
    """A double click on Save posts the same form (same submission token) twice: one claim, both land on it."""
    client.force_login(erin)
    form = client.get(reverse("admin:articles_claim_add")).content.decode()
    token = form.split('name="submission" value="')[1].split('"')[0]
    data = {
        "article": article.pk,
        "start": 0,
        "end": 6,
        "quote": "",
        "summary": "s",
        "anchor_state": "anchored",
        "submission": token,
        "links_out-TOTAL_FORMS": 0,
        "links_out-INITIAL_FORMS": 0,
    }
    first = client.post(reverse("admin:articles_claim_add"), data)
    second = client.post(reverse("admin:articles_claim_add"), data)
    assert first.status_code == second.status_code == 302
    assert Claim.objects.count() == 1
    # A new form (new token) for the same span is a new claim, as before.
    assert client.post(reverse("admin:articles_claim_add"), {**data, "submission": "another"}).status_code == 302
    assert Claim.objects.count() == 2
    assert "articles/admin_submit_once.js" in form  # and the browser posts once in the first place
