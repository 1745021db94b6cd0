"""My work, the inbox and the Trash: who sees what, fixed query counts, no stale pages."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Notification, Verdict
from tests.verdict_helpers import make_verdict

State = Verdict.State


@pytest.fixture
def claims(article, make_claim, alice):
    quotes = ["Police in the coastal town", "ran from gunmen", "a video shows", "A civic group said",
              "The state recorded 1,200 murders"]  # fmt: skip
    return [make_claim(article, quote, user=alice) for quote in quotes]


def test_it_lists_my_work_with_changes_requested_first(client, claims, article, alice, bob, erin, frank):
    services.assign(user=erin, assignee=bob, claim=claims[0])
    services.assign(user=erin, assignee=bob, article=article)
    returned = make_verdict(claims[1], author=bob, editor=erin, state=State.IN_REVIEW)
    services.request_changes(user=frank, verdict=returned, reason="Name the register.")
    make_verdict(claims[2], author=bob, editor=erin, state=State.DRAFT)
    client.force_login(bob)
    response = client.get(reverse("articles:my_work"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ran from gunmen" not in page and "Police in the coastal town" in page  # claim to check
    assert "5 claims so far" in page  # the article assigned to annotate
    assert page.index("Changes requested") < page.index("Draft")
    assert "Editor's reason: Name the register." in page


def test_it_shows_editors_what_waits_for_their_review_but_not_their_own(client, claims, bob, erin):
    theirs = make_verdict(claims[0], author=bob, editor=erin, state=State.IN_REVIEW, headline="Bob's check")
    make_verdict(claims[1], author=erin, editor=bob, state=State.IN_REVIEW, headline="Erin's own check")
    client.force_login(erin)
    page = client.get(reverse("articles:my_work")).content.decode()
    waiting = page[page.index("Waiting for my review") :]
    assert "Bob&#x27;s check" in waiting and "Erin&#x27;s own check" not in waiting
    assert theirs.pk


def _load(n, article, make_claim, alice, bob, erin):
    body = " ".join(f"Claim number {i} is here." for i in range(n))
    story = article.__class__.objects.get(pk=make_article_with(article, body, alice).pk)
    for i in range(n):
        claim = make_claim(story, f"Claim number {i} is", user=alice)
        services.assign(user=erin, assignee=bob, claim=claim)
        Notification.objects.create(recipient=bob, kind="assigned", text=f"note {i}", url="/work/")


def make_article_with(article, body, user):
    return services.create_article(user=user, title=f"Long list {len(body)}", body=body)


@pytest.mark.parametrize("name", ["articles:my_work", "articles:inbox"])
def test_it_reads_my_work_and_the_inbox_in_the_same_queries_at_10_and_100(
    name, client, article, make_claim, alice, bob, erin, django_assert_max_num_queries
):
    client.force_login(bob)
    counts = []
    for n in (10, 100):
        _load(n, article, make_claim, alice, bob, erin)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_it_marks_one_notification_read_and_follows_it_inside_the_desk_only(client, bob):
    note = Notification.objects.create(recipient=bob, kind="assigned", text="Look", url="/claims/")
    client.force_login(bob)
    response = client.post(reverse("articles:inbox_read"), {"id": note.pk, "next": note.url})
    assert response.status_code == 302 and response["Location"] == "/claims/"
    assert Notification.objects.get().read_at is not None
    outside = client.post(reverse("articles:inbox_read"), {"next": "//evil.example.org/"})
    assert outside["Location"] == reverse("articles:inbox")


def test_it_keeps_other_peoples_notifications_out_of_my_inbox(client, alice, bob):
    Notification.objects.create(recipient=alice, kind="assigned", text="Only for alice", url="/")
    client.force_login(bob)
    assert "Only for alice" not in client.get(reverse("articles:inbox")).content.decode()
    client.post(reverse("articles:inbox_read"))
    assert Notification.objects.get().read_at is None


def test_it_lists_the_trash_for_owners_and_editors_and_restores(client, claims, alice, carol, erin):
    services.delete_claim(user=alice, claim=claims[0])
    client.force_login(carol)
    assert "Police in the coastal town" not in client.get(reverse("articles:trash")).content.decode()
    assert client.post(reverse("articles:trash_restore", args=[claims[0].pk])).status_code == 403
    client.force_login(erin)
    assert "Police in the coastal town" in client.get(reverse("articles:trash")).content.decode()
    client.force_login(alice)
    response = client.post(reverse("articles:trash_restore", args=[claims[0].pk]))
    assert response.status_code == 302
    claims[0].refresh_from_db()
    assert not claims[0].is_deleted


@pytest.mark.parametrize("name", ["articles:article_list", "articles:claim_list", "articles:my_work", "articles:inbox"])
def test_it_sends_desk_pages_with_no_store(client, alice, name):
    client.force_login(alice)
    assert "no-store" in client.get(reverse(name))["Cache-Control"]


def test_it_sends_the_reader_and_compare_page_with_no_store(client, claims, alice):
    client.force_login(alice)
    for url in (claims[0].article.get_absolute_url(), claims[0].get_absolute_url()):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_it_shows_counts_in_the_top_bar(client, claims, alice, erin):
    services.assign(user=erin, assignee=alice, claim=claims[0])
    client.force_login(alice)
    page = client.get(reverse("articles:article_list")).content.decode()
    assert 'aria-label="1 open assignments"' in page and 'aria-label="1 unread"' in page


# ---------------------------------------------------------------- from claim to verdict


def test_it_offers_write_verdict_on_a_claim_without_one_and_open_verdict_on_one_with(client, claims, bob, erin):
    client.force_login(bob)
    page = client.get(claims[0].get_absolute_url()).content.decode()
    assert "No verdict" in page and f"/admin/articles/verdict/add/?claim={claims[0].pk}" in page
    verdict = make_verdict(claims[0], author=bob, editor=erin, state=State.DRAFT)
    page = client.get(claims[0].get_absolute_url()).content.decode()
    assert "Draft by bob" in page and f"/admin/articles/verdict/{verdict.pk}/change/" in page


def test_it_hides_verdict_buttons_from_annotators(client, claims, alice):
    client.force_login(alice)
    assert "Write verdict" not in client.get(claims[0].get_absolute_url()).content.decode()


def test_it_shows_each_claims_status_in_the_list(client, claims, alice, bob, erin):
    make_verdict(claims[1], author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(alice)
    page = client.get(reverse("articles:claim_list")).content.decode()
    assert page.count('status-none">No verdict') == 4 and "In review with the editors" in page


def test_it_fills_in_the_claim_on_the_admin_add_form(client, claims, bob):
    client.force_login(bob)
    page = client.get(f"/admin/articles/verdict/add/?claim={claims[0].pk}").content.decode()
    assert f"New verdict on claim #{claims[0].pk}" in page and "Police in the coastal town" in page


def test_it_sends_write_verdict_to_the_open_verdict_with_a_message(client, claims, bob, erin):
    verdict = make_verdict(claims[0], author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(erin)
    response = client.get(f"/admin/articles/verdict/add/?claim={claims[0].pk}", follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/articles/verdict/{verdict.pk}/change/"
    assert "already has an open verdict" in response.content.decode()


def test_it_gives_each_claims_status_in_the_api(client, claims, bob, erin, django_assert_max_num_queries):
    make_verdict(claims[0], author=bob, editor=erin, state=State.APPROVED)
    client.force_login(bob)
    one = client.get(f"/api/claims/{claims[0].pk}/").json()
    assert one["status"]["code"] == "approved" and one["status"]["label"] == "Approved by erin"
    listed = {row["id"]: row["status"]["code"] for row in client.get("/api/claims/").json()["results"]}
    assert listed[claims[0].pk] == "approved" and listed[claims[1].pk] == "none"


def test_it_asks_an_editor_to_confirm_deleting_a_claim_with_a_verdict_in_the_api(client, claims, bob, erin):
    verdict = make_verdict(claims[0], author=bob, editor=erin, state=State.PUBLISHED)
    client.force_login(erin)
    asked = client.delete(f"/api/claims/{claims[0].pk}/")
    assert asked.status_code == 409 and asked.json()["goes_with"] == [f"verdict #{verdict.pk} (published)"]
    assert client.delete(f"/api/claims/{claims[0].pk}/?confirm=true").status_code == 204


def test_it_refuses_an_annotator_deleting_it_in_the_api_with_the_reason(client, claims, alice, bob, erin):
    make_verdict(claims[0], author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(alice)
    response = client.delete(f"/api/claims/{claims[0].pk}/")
    assert response.status_code == 403 and "only an editor can delete it" in response.json()["detail"]
