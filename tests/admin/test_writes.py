"""Every admin write goes through a service, and a service's refusal is a form error, never a 500."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, ClaimLink, Speaker
from tests.conftest import ARTICLE_BODY


@pytest.fixture
def two_claims(article, make_claim, alice):
    return make_claim(article, "tactical retreat", user=alice), make_claim(article, "bloodbath", user=alice)


def link_form(from_claim, to_claim, relation, note=""):
    return {"from_claim": from_claim.pk, "to_claim": to_claim.pk, "relation": relation, "note": note}


def test_it_shows_a_form_error_for_a_reversed_symmetric_link(client, erin, alice, two_claims):
    first, second = two_claims
    services.link_claims(user=alice, from_claim=first, to_claim=second, relation="contradicts")
    client.force_login(erin)

    response = client.post(reverse("admin:articles_claimlink_add"), link_form(second, first, "contradicts"))

    assert response.status_code == 200
    assert "already linked with this relation" in response.content.decode()
    assert ClaimLink.objects.count() == 1


def test_it_shows_a_form_error_for_a_repeated_link_in_the_claims_inline(client, erin, alice, two_claims):
    first, second = two_claims
    services.link_claims(user=alice, from_claim=first, to_claim=second, relation="contradicts")
    client.force_login(erin)
    data = {
        "article": second.article_id,
        "start": second.start,
        "end": second.end,
        "quote": second.quote,
        "summary": "not kept",
        "anchor_state": second.anchor_state,
        "version": second.version,
        "links_out-TOTAL_FORMS": 1,
        "links_out-INITIAL_FORMS": 0,
        "links_out-0-relation": "contradicts",
        "links_out-0-to_claim": first.pk,
        "links_out-0-note": "",
    }

    response = client.post(reverse("admin:articles_claim_change", args=[second.pk]), data)

    assert response.status_code == 200
    assert f"Link to claim #{first.pk} not saved" in response.content.decode()
    second.refresh_from_db()
    assert (second.summary, second.version, ClaimLink.objects.count()) == ("", 1, 1)


def test_it_changes_a_link_note_through_the_service(client, erin, alice, two_claims):
    first, second = two_claims
    link = services.link_claims(user=alice, from_claim=first, to_claim=second, relation="supports")
    client.force_login(erin)

    response = client.post(reverse("admin:articles_claimlink_change", args=[link.pk]), {"note": "  same event  "})

    assert response.status_code == 302
    record = link.history.first()
    assert (record.note, record.history_change_reason, record.history_user) == ("same event", "note changed", erin)


def article_form(**changes):
    data = {"title": "Entered by hand", "source": "", "url": "", "byline": "", "published": "", "language": "en"}
    return data | {"body": "A text typed into the console.\r\nSecond line.", "reason": ""} | changes


def test_it_creates_an_article_through_the_service(client, erin):
    client.force_login(erin)

    response = client.post(reverse("admin:articles_article_add"), article_form())

    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.body, article.added_by) == ("A text typed into the console.\nSecond line.", erin)
    record = article.history.get()
    assert (record.history_user, record.history_change_reason) == (erin, "entered in admin")


def test_it_shows_a_form_error_for_an_article_already_stored(client, erin, article):
    client.force_login(erin)

    response = client.post(reverse("admin:articles_article_add"), article_form(body=ARTICLE_BODY))

    assert response.status_code == 200
    assert f"already imported as article #{article.pk} (same text)" in response.content.decode()
    assert Article.objects.count() == 1


def test_it_edits_article_details_through_the_service(client, erin, article):
    client.force_login(erin)
    data = article_form(title="A better title", body=article.body, byline="Desk")

    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 302
    record = article.history.first()
    assert (record.title, record.byline, record.history_user) == ("A better title", "Desk", erin)
    assert record.history_change_reason == "edited in admin"


def test_it_asks_for_a_reason_when_the_text_changes(client, erin, article):
    client.force_login(erin)
    data = article_form(title=article.title, body=article.body + " More.")

    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    assert response.status_code == 200
    assert "Say why the text changed" in response.content.decode()
    article.refresh_from_db()
    assert not article.body.endswith("More.")


# The speaker page's aliases inline (empty): its management form is part of every save the page posts.
ALIASES_INLINE = {"aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0", "aliases-MIN_NUM_FORMS": "0",
                  "aliases-MAX_NUM_FORMS": "1000"}  # fmt: skip


def speaker_form(**changes):
    return {"name": "Bonifacio Bustamante", "description": "mayor", "affiliation": ""} | ALIASES_INLINE | changes


def test_it_adds_changes_and_deletes_speakers_through_the_services(client, erin):
    client.force_login(erin)

    assert client.post(reverse("admin:articles_speaker_add"), speaker_form()).status_code == 302
    speaker = Speaker.objects.get()
    assert speaker.created_by == erin
    url = reverse("admin:articles_speaker_change", args=[speaker.pk])
    assert client.post(url, speaker_form(name="  B. Bustamante ")).status_code == 302
    speaker.refresh_from_db()
    assert speaker.name == "B. Bustamante"
    assert client.post(reverse("admin:articles_speaker_delete", args=[speaker.pk]), {"post": "yes"}).status_code == 302
    assert not Speaker.objects.exists()
    assert [r.history_user for r in Speaker.history.order_by("history_id")] == [erin, erin, erin]


def test_it_deletes_selected_speakers_through_the_service(client, erin, mayor, make_claim, article, alice):
    unused = Speaker.objects.create(name="Nobody cites me")
    client.force_login(erin)

    response = client.post(
        reverse("admin:articles_speaker_changelist"),
        {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert list(Speaker.objects.all()) == [mayor]
    assert Speaker.history.filter(history_type="-").get().history_user == erin
