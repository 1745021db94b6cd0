"""The comments API: threads on claims and verdicts, by role; mentions and replies notify; limits and versions."""

import pytest
from rest_framework.test import APIClient

from articles import limits, services
from articles.models import Claim, Comment, Notification

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def claim(article, make_claim, alice):
    return make_claim(article, "the officers made a tactical retreat", user=alice)


@pytest.fixture
def verdict(claim, bob):
    return services.create_verdict(user=bob, claim=claim)


def post(api, user, **body):
    api.force_login(user)
    return api.post("/api/comments/", body, format="json")


@pytest.mark.parametrize("who", ["alice", "carol", "bob", "erin"])
def test_it_lets_every_role_comment_on_a_claim(api, claim, who, request):
    user = request.getfixturevalue(who)
    response = post(api, user, claim=claim.pk, text="Is this the mayor's own word?")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["author"] == who and body["claim"] == claim.pk and body["thread"] == body["id"]
    assert body["can_edit"] and body["can_delete"] and not body["resolved"]


def test_it_refuses_anonymous_users(api, claim):
    assert api.get("/api/comments/").status_code == 403
    assert api.post("/api/comments/", {"claim": claim.pk, "text": "hi"}, format="json").status_code == 403
    assert api.get("/api/users/?q=a").status_code == 403


def test_it_comments_on_a_verdict_and_replies_in_the_thread(api, verdict, bob, erin):
    root = post(api, erin, verdict=verdict.pk, text="Source two is paywalled").json()
    reply = post(api, bob, parent=root["id"], text="Added an archive link").json()
    nested = post(api, erin, parent=reply["id"], text="Thanks").json()
    assert reply["parent"] == root["id"] == nested["parent"]  # a reply to a reply joins the thread
    assert nested["verdict"] == verdict.pk and nested["claim"] is None
    listed = api.get(f"/api/comments/?thread={root['id']}").json()["results"]
    assert [c["id"] for c in listed] == [root["id"], reply["id"], nested["id"]]
    assert api.get(f"/api/comments/?verdict={verdict.pk}").json()["results"][0]["id"] == root["id"]


def test_it_lets_authors_edit_and_delete_their_own_and_editors_delete_any(api, claim, alice, carol, erin):
    comment = post(api, alice, claim=claim.pk, text="first").json()
    api.force_login(carol)
    assert api.patch(f"/api/comments/{comment['id']}/", {"version": 1, "text": "x"}, format="json").status_code == 403
    assert api.delete(f"/api/comments/{comment['id']}/").status_code == 403
    listed = api.get(f"/api/comments/?claim={claim.pk}").json()["results"]
    assert not listed[0]["can_edit"] and not listed[0]["can_delete"]
    api.force_login(erin)
    assert api.patch(f"/api/comments/{comment['id']}/", {"version": 1, "text": "x"}, format="json").status_code == 403
    api.force_login(alice)
    edited = api.patch(f"/api/comments/{comment['id']}/", {"version": 1, "text": "second"}, format="json")
    assert edited.status_code == 200 and edited.json()["text"] == "second" and edited.json()["version"] == 2
    api.force_login(erin)
    assert api.delete(f"/api/comments/{comment['id']}/").status_code == 204
    assert api.get(f"/api/comments/?claim={claim.pk}").json()["results"] == []
    row = Comment.objects.get(pk=comment["id"])
    assert row.deleted_at and row.text == "second"
    assert [h.history_type for h in row.history.order_by("history_id")] == ["+", "~", "~"]


def test_it_answers_a_stale_version_with_409_and_the_current_comment(api, claim, alice):
    comment = post(api, alice, claim=claim.pk, text="first").json()
    api.patch(f"/api/comments/{comment['id']}/", {"version": 1, "text": "second"}, format="json")
    stale = api.patch(f"/api/comments/{comment['id']}/", {"version": 1, "text": "third"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2 and stale.json()["current"]["text"] == "second"


def test_it_refuses_text_over_the_limit_with_a_400_naming_it(api, claim, alice):
    response = post(api, alice, claim=claim.pk, text="x" * (limits.MAX_COMMENT + 1))
    assert response.status_code == 400
    assert response.json()["text"] == [f"The comment is {limits.MAX_COMMENT + 1} characters; the limit is 10000."]
    assert post(api, alice, claim=claim.pk, text="   ").status_code == 400
    assert post(api, alice, claim=claim.pk, verdict=1, text="two targets").status_code == 400
    assert post(api, alice, claim=999999, text="no claim").status_code == 400


def test_it_keeps_hostile_text_as_data_in_json(api, claim, alice):
    response = post(api, alice, claim=claim.pk, text=HOSTILE)
    assert response.json()["text"] == HOSTILE
    assert response["Content-Type"].startswith("application/json")


def test_it_never_changes_the_claims_version(api, claim, verdict, alice, bob):
    claim_version, verdict_version = claim.version, verdict.version
    comment = post(api, alice, claim=claim.pk, text="one").json()
    post(api, bob, parent=comment["id"], text="two")
    post(api, bob, verdict=verdict.pk, text="three")
    api.post(f"/api/comments/{comment['id']}/resolve/")
    claim.refresh_from_db()
    verdict.refresh_from_db()
    assert (claim.version, verdict.version) == (claim_version, verdict_version)


def test_it_resolves_and_reopens_a_thread_and_filters_by_it(api, claim, alice, carol):
    root = post(api, alice, claim=claim.pk, text="open question").json()
    reply = post(api, carol, parent=root["id"], text="answer").json()
    resolved = api.post(f"/api/comments/{reply['id']}/resolve/")
    assert resolved.status_code == 200
    assert (
        resolved.json()["id"] == root["id"]
        and resolved.json()["resolved"]
        and resolved.json()["resolved_by"] == "carol"
    )
    assert {c["id"] for c in api.get("/api/comments/?resolved=true").json()["results"]} == {root["id"], reply["id"]}
    assert api.get("/api/comments/?resolved=false").json()["results"] == []
    assert api.post(f"/api/comments/{root['id']}/reopen/").json()["resolved"] is False
    assert len(api.get("/api/comments/?resolved=false&author=carol").json()["results"]) == 1


def test_it_notifies_mentioned_people_and_thread_participants(api, claim, alice, bob, carol, erin):
    root = post(api, alice, claim=claim.pk, text="@bob can you check this? cc @nobody and me@example.org").json()
    assert root["mentions"] == ["bob"]
    mention = Notification.objects.get(recipient=bob)
    assert mention.kind == "mentioned" and mention.url == f"/articles/{claim.article_id}/#claim-{claim.pk}"
    assert "alice mentioned you" in mention.text
    post(api, carol, parent=root["id"], text="I can too")
    post(api, bob, parent=root["id"], text="Done, @erin please review.")
    kinds = {(n.recipient.username, n.kind) for n in Notification.objects.exclude(pk=mention.pk)}
    # carol's reply: alice (root author); bob's reply: alice and carol, erin by mention only.
    assert kinds == {("alice", "reply"), ("carol", "reply"), ("erin", "mentioned")}
    assert Notification.objects.filter(recipient=alice, kind="reply").count() == 2
    assert not Notification.objects.filter(recipient=bob, kind="reply").exists()


def test_it_notifies_only_people_newly_mentioned_by_an_edit(api, claim, alice, bob, erin):
    comment = post(api, alice, claim=claim.pk, text="@bob look").json()
    api.patch(f"/api/comments/{comment['id']}/", {"version": 1, "text": "@bob and @erin look"}, format="json")
    assert Notification.objects.filter(kind="mentioned").count() == 2
    assert Notification.objects.filter(recipient=erin, kind="mentioned").count() == 1


def test_it_hides_comments_of_deleted_claims(api, claim, alice):
    comment = post(api, alice, claim=claim.pk, text="gone with it").json()
    services.delete_claim(user=alice, claim=claim)
    assert api.get("/api/comments/").json()["results"] == []
    assert api.get(f"/api/comments/{comment['id']}/").status_code == 404
    assert Claim.objects.get(pk=claim.pk).is_deleted


def test_it_replays_a_create_with_the_same_idempotency_key(api, claim, alice):
    api.force_login(alice)
    first = api.post("/api/comments/", {"claim": claim.pk, "text": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post("/api/comments/", {"claim": claim.pk, "text": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and Comment.objects.count() == 1


def test_it_keeps_a_deleted_root_with_replies_as_a_placeholder(api, claim, alice, carol):
    root = post(api, alice, claim=claim.pk, text="secret").json()
    post(api, carol, parent=root["id"], text="reply")
    api.force_login(alice)
    api.delete(f"/api/comments/{root['id']}/")
    listed = api.get(f"/api/comments/?claim={claim.pk}").json()["results"]
    assert listed[0]["deleted"] and listed[0]["text"] == "" and len(listed) == 2


@pytest.mark.parametrize("count", [10, 100])
def test_it_lists_comments_in_a_fixed_number_of_queries(api, claim, alice, bob, count, django_assert_num_queries):
    root = services.add_comment(user=alice, claim=claim, text="@bob root")
    for n in range(count):
        services.add_comment(user=bob if n % 2 else alice, parent=root, text=f"reply {n} @alice")
    api.force_login(alice)
    with django_assert_num_queries(6):  # session, user, comments with authors, their mentions, permissions (2)
        response = api.get(f"/api/comments/?claim={claim.pk}&page_size=500")
    assert len(response.json()["results"]) == count + 1


def test_it_suggests_users_to_mention(api, alice, bob, erin):
    erin.first_name, erin.last_name = "Erin", "Editor"
    erin.save()
    api.force_login(alice)
    assert api.get("/api/users/?q=er").json() == [{"username": "erin", "name": "Erin Editor"}]
    assert [u["username"] for u in api.get("/api/users/?q=").json()] == ["alice", "bob", "erin"]


def test_it_is_in_the_openapi_schema(api, alice):
    api.force_login(alice)
    schema = api.get("/api/schema/?format=json").json()
    assert {"/api/comments/", "/api/comments/{id}/", "/api/comments/{id}/resolve/", "/api/users/"} <= set(
        schema["paths"]
    )
