"""The verdict page's discussion: the verdict's and its claim's threads, escaped, and staff replies via the service."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Comment, Notification

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def verdict(article, make_claim, alice, bob):
    claim = make_claim(article, "the officers made a tactical retreat", user=alice)
    return services.create_verdict(user=bob, claim=claim)


def test_it_shows_the_verdicts_and_the_claims_threads_escaped(client, verdict, alice, bob, erin):
    services.add_comment(user=alice, claim=verdict.claim, text=f"On the claim {HOSTILE}")
    services.add_comment(user=bob, verdict=verdict, text="On the verdict")
    client.force_login(erin)
    page = client.get(reverse("admin:articles_verdict_change", args=[verdict.pk])).content.decode()
    block = page[page.index('id="discussion"') :]
    assert "On the claim &lt;script&gt;" in block and "On the verdict" in block
    assert HOSTILE not in page


def test_it_lets_staff_reply_and_start_threads_through_the_service(client, verdict, alice, bob, erin):
    root = services.add_comment(user=alice, claim=verdict.claim, text="Who said this first?")
    client.force_login(erin)
    url = reverse("admin:articles_verdict_comment", args=[verdict.pk])
    response = client.post(url, {"parent": root.pk, "text": "The mayor, @bob has the clip"})
    assert response.status_code == 302 and response["Location"].endswith("#discussion")
    reply = Comment.objects.get(parent=root)
    assert reply.author == erin and reply.claim_id == verdict.claim_id
    assert Notification.objects.filter(recipient=bob, kind="mentioned").exists()
    assert Notification.objects.filter(recipient=alice, kind="reply").exists()
    client.post(url, {"text": "Evidence two is thin"})
    assert Comment.objects.get(verdict=verdict).text == "Evidence two is thin"


def test_it_refuses_empty_or_too_long_text_with_a_message(client, verdict, erin):
    client.force_login(erin)
    url = reverse("admin:articles_verdict_comment", args=[verdict.pk])
    response = client.post(url, {"text": "x" * 10_001}, follow=True)
    assert "The comment is 10001 characters; the limit is 10000." in response.content.decode()
    assert client.post(url, {"text": ""}).status_code == 302
    assert client.post(url, {"parent": "999999", "text": "x"}).status_code == 302
    assert not Comment.objects.exists()
    assert client.get(url).status_code == 405
