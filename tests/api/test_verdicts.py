"""/api/verdicts/: reading, drafting, editing with a version (409 on a stale one), workflow steps by role."""

import pytest

from articles.models import Verdict
from tests.verdict_helpers import EVIDENCE, make_verdict

State = Verdict.State
API = "/api/verdicts/"


@pytest.fixture
def claim(article, make_claim, alice, mayor):
    return make_claim(article, "We could have had eight or ten deaths", user=alice, speaker=mayor)


@pytest.fixture
def draft(claim, bob, erin):
    return make_verdict(claim, author=bob, editor=erin)


def test_it_lists_verdicts_with_a_fixed_number_of_queries(
    client, article, make_claim, alice, bob, erin, django_assert_num_queries
):
    # One claim each: a claim has at most one verdict under way.
    quotes = ("Police in the coastal town", "ran from gunmen", "a video shows")
    for quote, state in zip(quotes, (State.DRAFT, State.IN_REVIEW, State.PUBLISHED), strict=True):
        make_verdict(make_claim(article, quote, user=alice), author=bob, editor=erin, state=state)
    client.force_login(erin)
    # session, user, count, rows with users, evidence, 2 permission lookups (allowed steps)
    with django_assert_num_queries(7):
        response = client.get(API)
    assert response.status_code == 200
    assert [r["state"] for r in response.json()["results"]] == ["published", "in_review", "draft"]
    published = response.json()["results"][0]
    assert published["public_url"].endswith(f"/verdicts/{published['id']}/")
    assert (published["rating_label"], published["rating_value"]) == ("Mostly false", 2)
    assert response.json()["results"][1]["allowed_steps"] == ["request_changes", "approve"]
    assert client.get(API + "?state=draft").json()["count"] == 1


@pytest.mark.parametrize("persona", ["alice", "bob", "erin"])
def test_it_shows_a_verdict_to_the_desk(client, request, draft, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"{API}{draft.pk}/")
    assert response.status_code == 200
    assert response.json()["evidence"][0]["url"] == EVIDENCE[0]["url"]


def test_it_refuses_anonymous_users_and_bad_ids(client, draft, erin):
    assert client.get(f"{API}{draft.pk}/").status_code == 403
    assert client.get(API).status_code == 403
    client.force_login(erin)
    assert client.get(f"{API}999999/").status_code == 404


def test_it_creates_a_draft(client, claim, bob):
    client.force_login(bob)
    body = {"claim": claim.pk, "rating": "false", "headline": "No", "evidence": [{"url": "https://a.example.org/"}]}
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["author"], data["state"], data["version"]) == ("bob", "draft", 1)


def test_it_refuses_a_draft_from_an_annotator(client, claim, alice):
    client.force_login(alice)
    response = client.post(API, {"claim": claim.pk}, content_type="application/json")
    assert response.status_code == 403
    assert not Verdict.objects.exists()


def test_it_refuses_a_bad_evidence_url_with_a_clear_message(client, claim, bob):
    client.force_login(bob)
    body = {"claim": claim.pk, "evidence": [{"url": "javascript:alert(1)"}]}
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 400
    assert "http:// or https://" in response.json()["evidence"][0]
    assert not Verdict.objects.exists()


def test_it_refuses_the_second_of_two_concurrent_edits_with_409(client, draft, bob, erin):
    client.force_login(bob)
    first = client.patch(f"{API}{draft.pk}/", {"version": 1, "headline": "Bob's"}, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 2
    client.force_login(erin)
    second = client.patch(f"{API}{draft.pk}/", {"version": 1, "headline": "Erin's"}, content_type="application/json")
    assert second.status_code == 409
    body = second.json()
    assert "changed by someone else" in body["detail"]
    assert body["current_version"] == 2 and body["current"]["headline"] == "Bob's"
    draft.refresh_from_db()
    assert draft.headline == "Bob's"


def test_it_requires_the_version_to_edit(client, draft, bob):
    client.force_login(bob)
    response = client.patch(f"{API}{draft.pk}/", {"headline": "x"}, content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()


def test_it_refuses_to_edit_a_published_verdict_with_409(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    client.force_login(erin)
    body = {"version": verdict.version, "headline": "Rewritten"}
    response = client.patch(f"{API}{verdict.pk}/", body, content_type="application/json")
    assert response.status_code == 409 and "read-only" in response.json()["detail"]


def test_it_runs_the_workflow_steps(client, draft, bob, erin):
    client.force_login(bob)
    response = client.post(f"{API}{draft.pk}/steps/", {"step": "submit", "version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "in_review"
    client.force_login(erin)
    for step, state in (("approve", "approved"), ("publish", "published")):
        draft.refresh_from_db()
        body = {"step": step, "version": draft.version}
        response = client.post(f"{API}{draft.pk}/steps/", body, content_type="application/json")
        assert response.json()["state"] == state
    draft.refresh_from_db()
    body = {"step": "correct", "version": draft.version, "reason": "Wrong year."}
    response = client.post(f"{API}{draft.pk}/steps/", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["corrects"] == draft.pk and response.json()["correction_note"] == "Wrong year."


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_it_refuses_publication_to_annotators_and_fact_checkers(client, request, claim, bob, erin, persona):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.APPROVED)
    client.force_login(request.getfixturevalue(persona))
    body = {"step": "publish", "version": verdict.version}
    response = client.post(f"{API}{verdict.pk}/steps/", body, content_type="application/json")
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.state == State.APPROVED


def test_it_answers_409_for_a_step_the_state_does_not_allow(client, draft, erin):
    client.force_login(erin)
    body = {"step": "publish", "version": draft.version}
    response = client.post(f"{API}{draft.pk}/steps/", body, content_type="application/json")
    assert response.status_code == 409 and "approved" in response.json()["detail"]


def test_it_answers_400_for_a_missing_reason_and_an_unknown_step(client, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    client.force_login(erin)
    body = {"step": "request_changes", "version": verdict.version}
    response = client.post(f"{API}{verdict.pk}/steps/", body, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    body = {"step": "delete", "version": verdict.version}
    assert client.post(f"{API}{verdict.pk}/steps/", body, content_type="application/json").status_code == 400
