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
