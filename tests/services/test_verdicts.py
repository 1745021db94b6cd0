"""The verdict workflow service: every transition by every role, the four-eyes rule, read-only states,
evidence rules, optimistic locking, reasons in the history, and corrections."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.errors import ConflictError, WorkflowError
from articles.models import Evidence, Verdict
from tests.conftest import make_user
from tests.verdict_helpers import EVIDENCE, make_verdict

State = Verdict.State


@pytest.fixture
def dave(db):
    """A second fact-checker: not the author of bob's verdicts."""
    return make_user("dave", "Fact-checker")


@pytest.fixture
def claim(article, make_claim, alice, mayor):
    return make_claim(article, "We could have had eight or ten deaths", user=alice, speaker=mayor)


@pytest.fixture
def personas(alice, bob, dave, erin, root):
    return {"alice": alice, "bob": bob, "dave": dave, "erin": erin, "root": root}


# transition -> (state it starts from, state it leads to, who may do it on a verdict bob wrote)
MATRIX = {
    "submit": (State.DRAFT, State.IN_REVIEW, {"bob", "erin", "root"}),
    "request_changes": (State.IN_REVIEW, State.CHANGES_REQUESTED, {"erin", "root"}),
    "approve": (State.IN_REVIEW, State.APPROVED, {"erin", "root"}),
    "publish": (State.APPROVED, State.PUBLISHED, {"erin", "root"}),
}


@pytest.mark.parametrize("persona", ["alice", "bob", "dave", "erin", "root"])
@pytest.mark.parametrize("name", list(MATRIX))
def test_it_allows_each_transition_only_to_its_roles(name, persona, personas, claim, bob, frank):
    start, end, allowed = MATRIX[name]
    verdict = make_verdict(claim, author=bob, editor=frank, state=start)
    user = personas[persona]
    if persona in allowed:
        result = services.run_transition(name, user=user, verdict=verdict, reason="matrix")
        assert result.state == end
        assert result.history.first().history_user == user
    else:
        with pytest.raises(PermissionDenied):
            services.run_transition(name, user=user, verdict=verdict, reason="matrix")
        verdict.refresh_from_db()
        assert verdict.state == start


@pytest.mark.parametrize("persona", ["alice", "bob", "dave", "erin", "root"])
def test_it_allows_corrections_only_to_editors(persona, personas, claim, bob, frank):
    verdict = make_verdict(claim, author=bob, editor=frank, state=State.PUBLISHED)
    user = personas[persona]
    if persona in {"erin", "root"}:
        correction = services.correct_verdict(user=user, verdict=verdict, reason="The date was wrong.")
        assert (correction.state, correction.corrects, correction.author) == (State.DRAFT, verdict, user)
    else:
        with pytest.raises(PermissionDenied):
            services.correct_verdict(user=user, verdict=verdict, reason="The date was wrong.")
        assert not Verdict.objects.filter(corrects=verdict).exists()


@pytest.mark.parametrize("name", ["submit", "request_changes", "approve", "publish", "correct"])
def test_it_refuses_each_transition_from_the_wrong_state(name, claim, bob, erin):
    state = State.APPROVED if name == "submit" else State.CHANGES_REQUESTED
    verdict = make_verdict(claim, author=bob, editor=erin, state=state)
    with pytest.raises(WorkflowError):
        services.run_transition(name, user=erin if name != "submit" else bob, verdict=verdict, reason="why")


def test_it_refuses_approval_by_the_editor_who_wrote_the_verdict(claim, erin, frank):
    verdict = make_verdict(claim, author=erin, editor=frank, state=State.IN_REVIEW)
    with pytest.raises(PermissionDenied, match="Four-eyes"):
        services.approve_verdict(user=erin, verdict=verdict)
    with pytest.raises(PermissionDenied, match="Four-eyes"):
        services.request_changes(user=erin, verdict=verdict, reason="I changed my mind")
    approved = services.approve_verdict(user=frank, verdict=verdict)
    assert (approved.state, approved.editor) == (State.APPROVED, frank)
    assert services.publish_verdict(user=erin, verdict=approved).state == State.PUBLISHED


def test_it_lets_fact_checkers_and_editors_write_drafts_but_not_annotators(claim, alice, bob, erin):
    draft = services.create_verdict(user=bob, claim=claim)
    assert draft.author == bob
    draft.delete()  # a claim has one open verdict at a time
    assert services.create_verdict(user=erin, claim=claim).author == erin
    with pytest.raises(PermissionDenied):
        services.create_verdict(user=alice, claim=claim)


def test_it_lets_only_the_author_or_an_editor_edit_a_draft(claim, bob, dave, erin, alice):
    verdict = make_verdict(claim, author=bob, editor=erin)
    with pytest.raises(PermissionDenied):
        services.update_verdict(user=dave, verdict=verdict, version=verdict.version, headline="Mine now")
    with pytest.raises(PermissionDenied):
        services.update_verdict(user=alice, verdict=verdict, version=verdict.version, headline="Mine now")
    verdict = services.update_verdict(user=bob, verdict=verdict, version=verdict.version, headline="Own fix")
    verdict = services.update_verdict(user=erin, verdict=verdict, version=verdict.version, headline="Desk fix")
    assert verdict.headline == "Desk fix"


def test_it_freezes_a_verdict_in_review_for_its_author_but_not_for_editors(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    with pytest.raises(PermissionDenied, match="in review"):
        services.update_verdict(user=bob, verdict=verdict, version=verdict.version, headline="Sneaky")
    fixed = services.update_verdict(user=erin, verdict=verdict, version=verdict.version, headline="Typo fixed")
    assert fixed.headline == "Typo fixed"


@pytest.mark.parametrize("state", [State.APPROVED, State.PUBLISHED])
def test_it_keeps_approved_and_published_verdicts_read_only(state, claim, bob, erin, frank, root):
    verdict = make_verdict(claim, author=bob, editor=frank, state=state)
    for user in (bob, erin, root):
        with pytest.raises(WorkflowError, match="read-only"):
            services.update_verdict(user=user, verdict=verdict, version=verdict.version, headline="Rewritten")
        with pytest.raises(WorkflowError):
            services.update_verdict(user=user, verdict=verdict, version=verdict.version, evidence=[])
    verdict.refresh_from_db()
    assert verdict.headline == "The count was never recorded"
    assert verdict.evidence.count() == 1


def test_it_refuses_to_submit_without_rating_headline_or_evidence(claim, bob):
    verdict = services.create_verdict(user=bob, claim=claim)
    with pytest.raises(ValidationError) as refused:
        services.submit_verdict(user=bob, verdict=verdict)
    assert set(refused.value.message_dict) == {"rating", "headline", "evidence"}
    verdict.refresh_from_db()
    assert verdict.state == State.DRAFT


def test_it_refuses_to_submit_without_evidence(claim, bob):
    verdict = services.create_verdict(user=bob, claim=claim, rating="false", headline="No such law")
    with pytest.raises(ValidationError) as refused:
        services.submit_verdict(user=bob, verdict=verdict)
    assert list(refused.value.message_dict) == ["evidence"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.org/report.pdf",
        "records.example.org/x",
        "http://",
        "data:text/html,x",
    ],
)
def test_it_refuses_evidence_that_is_not_an_http_link(url, claim, bob):
    with pytest.raises(ValidationError, match="http:// or https://") as refused:
        services.create_verdict(user=bob, claim=claim, evidence=[{"url": url}])
    assert "Evidence item 1" in refused.value.message_dict["evidence"][0]
    verdict = make_verdict(claim, author=bob, editor=None)
    with pytest.raises(ValidationError):
        services.update_verdict(user=bob, verdict=verdict, version=verdict.version, evidence=[*EVIDENCE, {"url": url}])
    assert verdict.evidence.count() == 1
    assert Verdict.objects.count() == 1


def test_it_refuses_an_evidence_item_without_a_url(claim, bob):
    with pytest.raises(ValidationError, match="needs a URL"):
        services.create_verdict(user=bob, claim=claim, evidence=[{"title": "A report"}])


def test_it_replaces_evidence_keeping_rows_it_is_given_by_id(claim, bob):
    verdict = make_verdict(claim, author=bob, editor=None)
    kept = verdict.evidence.get()
    verdict = services.update_verdict(
        user=bob,
        verdict=verdict,
        version=verdict.version,
        evidence=[{"url": "https://b.example.org/"}, {"id": kept.pk, "url": kept.url, "title": "Renamed"}],
    )
    rows = list(verdict.evidence.all())
    assert [(row.url, row.position) for row in rows] == [("https://b.example.org/", 0), (kept.url, 1)]
    assert rows[1].pk == kept.pk and rows[1].title == "Renamed"
    assert "evidence" in verdict.history.first().history_change_reason


def test_it_refuses_a_stale_edit_and_keeps_the_first_one(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin)
    seen = verdict.version
    services.update_verdict(user=bob, verdict=verdict, version=seen, headline="First save")
    with pytest.raises(ConflictError, match="changed by someone else") as refused:
        services.update_verdict(user=erin, verdict=verdict, version=seen, headline="Second save")
    assert refused.value.current_version == seen + 1
    verdict.refresh_from_db()
    assert verdict.headline == "First save"


def test_it_refuses_a_transition_on_a_version_the_user_did_not_see(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    seen = verdict.version
    services.update_verdict(user=erin, verdict=verdict, version=seen, explanation="Added a paragraph.")
    with pytest.raises(ConflictError):
        services.approve_verdict(user=erin, verdict=verdict, version=seen)
    verdict.refresh_from_db()
    assert verdict.state == State.IN_REVIEW


def test_it_requires_a_reason_to_request_changes_and_records_it(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    with pytest.raises(ValidationError, match="reason"):
        services.request_changes(user=erin, verdict=verdict, reason="   ")
    long_reason = "Cite the state registry, not the blog. " * 10
    returned = services.request_changes(user=erin, verdict=verdict, reason=long_reason)
    record = returned.history.first()
    assert record.history_user == erin
    assert record.history_change_reason == "changes requested: " + long_reason.strip()
    assert record.state == State.CHANGES_REQUESTED


def test_it_records_who_and_why_for_every_step(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    reasons = [(r.history_user.username, r.history_change_reason) for r in verdict.history.order_by("history_date")]
    assert reasons == [
        ("bob", "draft created"),
        ("bob", "submitted for review: test step"),
        ("erin", "approved: test step"),
        ("erin", "published: test step"),
    ]


def test_it_requires_a_correction_note(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    with pytest.raises(ValidationError, match="reason"):
        services.correct_verdict(user=erin, verdict=verdict, reason="")


def test_it_publishes_a_correction_after_a_second_verdict_and_supersedes_the_old_verdict(claim, bob, erin, frank):
    old = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    correction = services.correct_verdict(
        user=erin, verdict=old, reason="The registry counts 1,300 murders, not 1,200."
    )
    assert correction.evidence.count() == 1
    assert (correction.rating, correction.headline) == (old.rating, old.headline)
    old.refresh_from_db()
    assert old.state == State.PUBLISHED  # still the live verdict while the correction is reviewed
    correction = services.update_verdict(user=erin, verdict=correction, version=correction.version, rating="false")
    correction = services.submit_verdict(user=erin, verdict=correction)
    with pytest.raises(PermissionDenied, match="Four-eyes"):
        services.approve_verdict(user=erin, verdict=correction)
    correction = services.approve_verdict(user=frank, verdict=correction)
    correction = services.publish_verdict(user=erin, verdict=correction)
    old.refresh_from_db()
    assert (old.state, correction.state) == (State.CORRECTED, State.PUBLISHED)
    assert old.history.first().history_change_reason == f"superseded by correction #{correction.pk}"
    assert Verdict.objects.filter(claim=claim, state=State.PUBLISHED).get() == correction


def test_it_allows_one_correction_under_way_at_a_time(claim, bob, erin):
    old = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    first = services.correct_verdict(user=erin, verdict=old, reason="Wrong date.")
    with pytest.raises(WorkflowError, match=f"#{first.pk}"):
        services.correct_verdict(user=erin, verdict=old, reason="Wrong date again.")


def test_it_refuses_to_publish_a_second_verdict_on_a_claim(claim, bob, erin):
    make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    second = make_verdict(claim, author=bob, editor=erin, state=State.APPROVED)
    with pytest.raises(WorkflowError, match="already has a published verdict"):
        services.publish_verdict(user=erin, verdict=second)


def test_it_lets_an_author_resubmit_after_changes_were_requested(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.CHANGES_REQUESTED)
    verdict = services.update_verdict(user=bob, verdict=verdict, version=verdict.version, headline="Better headline")
    assert services.submit_verdict(user=bob, verdict=verdict).state == State.IN_REVIEW


def test_it_refuses_a_verdict_on_a_deleted_claim(claim, bob, alice):
    from articles import services

    services.delete_claim(user=alice, claim=claim)
    claim.refresh_from_db()
    with pytest.raises(ValidationError, match="deleted"):
        services.create_verdict(user=bob, claim=claim)


def test_it_refuses_an_unknown_rating_and_an_overlong_headline(claim, bob):
    with pytest.raises(ValidationError, match="Unknown rating"):
        services.create_verdict(user=bob, claim=claim, rating="pants_on_fire")
    with pytest.raises(ValidationError, match="limit is 300"):
        services.create_verdict(user=bob, claim=claim, headline="x" * 301)
    assert not Verdict.objects.exists() and not Evidence.objects.exists()


def test_it_assigns_and_lists_allowed_steps(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    verdict = services.assign_verdict(user=erin, verdict=verdict, assignee=erin)
    assert verdict.assigned_to == erin
    assert verdict.history.first().history_change_reason == "assigned to erin"
    assert [t.name for t in services.allowed_transitions(erin, verdict)] == ["request_changes", "approve"]
    assert services.allowed_transitions(bob, verdict) == []
