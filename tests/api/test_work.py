"""/api/assignments/ and /api/notifications/: who sees and does what, filters, fixed query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.limits import MAX_ASSIGNMENT_NOTE
from articles.models import Assignment, Notification

ASSIGNMENTS = "/api/assignments/"
NOTIFICATIONS = "/api/notifications/"


@pytest.fixture
def claim(article, make_claim, alice):
    return make_claim(article, "tactical retreat", user=alice)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# ---------------------------------------------------------------- assignments


def test_it_lets_an_editor_assign_a_claim_and_tells_the_assignee(client, claim, bob, erin):
    client.force_login(erin)
    response = client.post(
        ASSIGNMENTS,
        {"claim": claim.pk, "assignee": "bob", "due": "2031-05-01", "note": "<b>soon</b>"},
        "application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["claim"] == claim.pk and body["article"] is None and body["claim_quote"] == "tactical retreat"
    assert (body["assignee"], body["assigned_by"], body["due"], body["open"]) == ("bob", "erin", "2031-05-01", True)
    assert body["url"] == claim.get_absolute_url() and body["note"] == "<b>soon</b>"
    [note] = Notification.objects.filter(recipient=bob)
    assert note.kind == "assigned" and "due 01 May 2031" in note.text


def test_it_lets_an_editor_assign_an_article(client, article, alice, erin):
    client.force_login(erin)
    response = client.post(ASSIGNMENTS, {"article": article.pk, "assignee": "alice"}, "application/json")
    assert response.status_code == 201 and response.json()["article_title"] == article.title


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_it_refuses_assigning_to_other_roles(client, request, claim, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(ASSIGNMENTS, {"claim": claim.pk, "assignee": "bob"}, "application/json")
    assert response.status_code == 403 and "Only editors" in response.json()["detail"]
    assert not Assignment.objects.exists()


def test_it_refuses_anonymous_callers(client):
    assert client.get(ASSIGNMENTS).status_code == 403
    assert client.get(NOTIFICATIONS).status_code == 403


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"assignee": "nobody"}, "assignee", "There is no user named 'nobody'"),
        ({"assignee": "bob", "article": "ARTICLE"}, "target", "either an article or a claim"),
        ({"assignee": "bob", "claim": None}, "target", "either an article or a claim"),
        ({"assignee": "bob", "claim": 999999}, "claim", "There is no claim with id 999999"),
        ({"assignee": "bob", "note": "x" * (MAX_ASSIGNMENT_NOTE + 1)}, "note", f"the limit is {MAX_ASSIGNMENT_NOTE}"),
        ({"assignee": "bob", "due": "next week"}, "due", "Date has wrong format"),
    ],
)
def test_it_refuses_bad_input_with_a_400_naming_it(client, claim, article, bob, erin, payload, field, words):
    client.force_login(erin)
    data = {"claim": claim.pk, **payload}
    if data.get("article") == "ARTICLE":
        data["article"] = article.pk
    response = client.post(ASSIGNMENTS, data, "application/json")
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()[field])


def test_it_refuses_the_same_open_assignment_twice_and_replays_an_idempotent_create(client, claim, bob, erin):
    client.force_login(erin)
    headers = {"HTTP_IDEMPOTENCY_KEY": "5b0c9a2e-assign-once"}
    first = client.post(ASSIGNMENTS, {"claim": claim.pk, "assignee": "bob"}, "application/json", **headers)
    again = client.post(ASSIGNMENTS, {"claim": claim.pk, "assignee": "bob"}, "application/json", **headers)
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    twice = client.post(ASSIGNMENTS, {"claim": claim.pk, "assignee": "bob"}, "application/json")
    assert twice.status_code == 400 and "already assigned to bob" in twice.json()["assignee"][0]
    assert Assignment.objects.count() == 1


def test_it_lists_everything_for_editors_and_own_work_for_others(client, claim, article, alice, bob, carol, erin):
    mine = services.assign(user=erin, assignee=bob, claim=claim)
    theirs = services.assign(user=erin, assignee=carol, article=article)
    client.force_login(erin)
    assert set(ids(client.get(ASSIGNMENTS))) == {mine.pk, theirs.pk}
    client.force_login(bob)
    assert ids(client.get(ASSIGNMENTS)) == [mine.pk]
    assert client.get(f"{ASSIGNMENTS}{theirs.pk}/").status_code == 404  # another's is not even there
    assert client.get(f"{ASSIGNMENTS}{mine.pk}/").json()["assignee"] == "bob"


def test_it_filters_by_assignee_article_claim_open_and_due(client, claim, article, make_claim, bob, carol, erin):
    other = make_claim(article, "eight or ten deaths", user=carol)
    soon = services.assign(user=erin, assignee=bob, claim=claim, due=datetime.date(2031, 1, 10))
    later = services.assign(user=erin, assignee=carol, claim=other, due=datetime.date(2031, 3, 1))
    reading = services.assign(user=erin, assignee=bob, article=article)
    services.finish(user=erin, assignment=later)
    client.force_login(erin)
    assert ids(client.get(ASSIGNMENTS)) == [soon.pk, later.pk, reading.pk]  # by due date, undated last
    assert ids(client.get(ASSIGNMENTS, {"assignee": "bob"})) == [soon.pk, reading.pk]
    assert ids(client.get(ASSIGNMENTS, {"article": article.pk})) == [reading.pk]
    assert ids(client.get(ASSIGNMENTS, {"claim": other.pk})) == [later.pk]
    assert ids(client.get(ASSIGNMENTS, {"open": "true"})) == [soon.pk, reading.pk]
    assert ids(client.get(ASSIGNMENTS, {"open": "false"})) == [later.pk]
    assert ids(client.get(ASSIGNMENTS, {"due_before": "2031-01-10"})) == [soon.pk]
    bad = client.get(ASSIGNMENTS, {"due_before": "soon", "claim": "x"})
    assert bad.status_code == 400 and set(bad.json()) >= {"due_before", "claim"}


def test_it_lets_the_assignee_or_an_editor_close_an_assignment(client, claim, article, bob, carol, erin):
    mine = services.assign(user=erin, assignee=bob, claim=claim)
    theirs = services.assign(user=erin, assignee=carol, article=article)
    client.force_login(bob)
    assert client.post(f"{ASSIGNMENTS}{theirs.pk}/close/").status_code == 404
    response = client.post(f"{ASSIGNMENTS}{mine.pk}/close/")
    assert response.status_code == 200 and response.json()["open"] is False
    client.force_login(erin)
    assert client.post(f"{ASSIGNMENTS}{theirs.pk}/close/").json()["done_at"] is not None
    assert not Assignment.objects.filter(done_at__isnull=True).exists()


def test_it_lists_assignments_in_the_same_queries_at_10_and_100(client, article, make_claim, alice, bob, erin):
    body = " ".join(f"Claim number {i:03} is here." for i in range(100))
    story = services.create_article(user=alice, title="Many claims", body=body)
    counts = []
    client.force_login(erin)
    made = 0
    for n in (10, 100):
        for i in range(made, n):
            services.assign(user=erin, assignee=bob, claim=make_claim(story, f"Claim number {i:03} is", user=alice))
        made = n
        with CaptureQueriesContext(connection) as queries:
            response = client.get(ASSIGNMENTS, {"page_size": 100})
        assert len(response.json()["results"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- notifications


def note(person, kind="assigned", text="Look"):
    return Notification.objects.create(recipient=person, kind=kind, text=text, url="/work/")


def test_it_lists_only_my_own_notifications_even_for_an_editor(client, bob, erin):
    mine = note(bob)
    other = note(erin)
    client.force_login(bob)
    assert ids(client.get(NOTIFICATIONS)) == [mine.pk]
    assert client.get(f"{NOTIFICATIONS}{other.pk}/").status_code == 404
    assert client.post(f"{NOTIFICATIONS}{other.pk}/read/").status_code == 404
    client.force_login(erin)
    assert ids(client.get(NOTIFICATIONS)) == [other.pk]
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_it_filters_notifications_by_unread_and_kind(client, bob):
    first, second = note(bob), note(bob, kind="changes_requested", text="<script>x</script>")
    services.mark_read(user=bob, ids=[first.pk])
    client.force_login(bob)
    assert ids(client.get(NOTIFICATIONS, {"unread": "true"})) == [second.pk]
    assert ids(client.get(NOTIFICATIONS, {"unread": "false"})) == [first.pk]
    assert ids(client.get(NOTIFICATIONS, {"kind": "assigned"})) == [first.pk]
    shown = client.get(f"{NOTIFICATIONS}{second.pk}/").json()
    assert shown["text"] == "<script>x</script>" and shown["kind_label"] == "Changes requested" and shown["unread"]
    bad = client.get(NOTIFICATIONS, {"kind": "gossip"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_it_marks_one_and_then_all_read(client, bob):
    notes = [note(bob, text=f"n{i}") for i in range(3)]
    client.force_login(bob)
    response = client.post(f"{NOTIFICATIONS}{notes[0].pk}/read/")
    assert response.status_code == 200 and response.json()["unread"] is False
    response = client.post(f"{NOTIFICATIONS}read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_it_lists_notifications_in_the_same_queries_at_10_and_100(client, bob, erin):
    client.force_login(bob)
    counts = []
    for n in (10, 100):
        Notification.objects.bulk_create(
            Notification(recipient=bob, kind="assigned", actor=erin, text="x", url="/")
            for _ in range(n - len(counts) * 10)
        )
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(NOTIFICATIONS, {"page_size": 100}).json()["results"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_it_declares_both_in_the_schema(client, alice):
    client.force_login(alice)
    schema = client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {"/api/assignments/", "/api/assignments/{id}/close/", "/api/notifications/",
            "/api/notifications/{id}/read/", "/api/notifications/read-all/"} <= set(paths)  # fmt: skip
    names = {p["name"] for p in paths["/api/assignments/"]["get"]["parameters"]}
    assert {"assignee", "article", "claim", "open", "due_before"} <= names
    names = {p["name"] for p in paths["/api/notifications/"]["get"]["parameters"]}
    assert {"unread", "kind"} <= names
