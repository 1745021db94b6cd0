"""Work flowing between people: one open verdict per claim, claim status, assignments, notifications, deletion."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from articles import services
from articles.errors import ConfirmationRequired, VerdictAlreadyOpen
from articles.models import Assignment, Notification, Verdict
from articles.queries import claim_status, claim_statuses
from tests.verdict_helpers import make_verdict

State = Verdict.State


@pytest.fixture
def claim(article, make_claim, alice):
    return make_claim(article, "We could have had eight or ten deaths", user=alice)


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", "text"))


# ---------------------------------------------------------------- one open verdict per claim


def test_it_refuses_a_second_open_verdict_and_names_the_first(claim, bob, erin):
    first = services.create_verdict(user=bob, claim=claim)
    with pytest.raises(VerdictAlreadyOpen) as refused:
        services.create_verdict(user=erin, claim=claim)
    assert refused.value.existing.pk == first.pk
    assert f"already has an open verdict (#{first.pk}, draft by bob)" in str(refused.value)
    assert Verdict.objects.filter(claim=claim).count() == 1


def test_it_refuses_a_second_open_verdict_in_the_database(claim, bob, erin):
    services.create_verdict(user=bob, claim=claim)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(claim=claim, author=erin, state=State.IN_REVIEW, rating="false")


def test_it_allows_a_new_verdict_once_the_last_one_is_published_and_keeps_corrections_working(claim, bob, erin, frank):
    published = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    correction = services.correct_verdict(user=erin, verdict=published, reason="The toll was 9, not 10.")
    assert correction.state == State.DRAFT
    with pytest.raises(ValidationError):
        services.create_verdict(user=bob, claim=claim)


# ---------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("state", "label"),
    [
        (State.DRAFT, "Draft by bob"),
        (State.IN_REVIEW, "In review with the editors"),
        (State.CHANGES_REQUESTED, "Changes requested"),
        (State.APPROVED, "Approved by erin"),
        (State.PUBLISHED, "Published: Mostly false"),
    ],
)
def test_it_says_where_a_claim_stands(state, label, claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=state)
    status = claim_status(claim.pk)
    assert (status.code, status.label, status.verdict_id) == (state, label, verdict.pk)


def test_it_shows_the_reason_for_changes_to_the_author(claim, bob, erin):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    services.request_changes(user=erin, verdict=verdict, reason="Cite the state register, not the tweet.")
    status = claim_status(claim.pk)
    assert status.reason == "Cite the state register, not the tweet."
    assert Verdict.objects.get(pk=verdict.pk).changes_reason == status.reason


def test_it_says_no_verdict_and_reads_many_claims_in_one_query(
    claim, article, make_claim, alice, bob, erin, django_assert_num_queries
):
    other = make_claim(article, "A civic group said", user=alice)
    make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    with django_assert_num_queries(1):
        statuses = claim_statuses([claim.pk, other.pk])
    assert statuses[other.pk].label == "No verdict"
    assert statuses[claim.pk].code == State.PUBLISHED


# ---------------------------------------------------------------- notifications


def test_it_tells_each_person_of_each_step(claim, bob, erin, frank):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    assert [kind for kind, _ in inbox(erin)] == ["submitted"] and [k for k, _ in inbox(frank)] == ["submitted"]
    services.request_changes(user=frank, verdict=verdict, reason="Add the source.")
    assert ("changes_requested", "The count was never recorded needs changes: Add the source.") in inbox(bob)
    verdict = services.submit_verdict(user=bob, verdict=verdict)
    verdict = services.approve_verdict(user=erin, verdict=verdict)
    services.publish_verdict(user=frank, verdict=verdict)
    assert [kind for kind, _ in inbox(bob)] == ["published", "approved", "changes_requested"]
    assert not Notification.objects.filter(recipient=frank, kind="published").exists()  # not of your own step


def test_it_tells_only_the_assigned_reviewer_when_there_is_one(claim, bob, erin, frank):
    verdict = services.create_verdict(user=bob, claim=claim, rating="false", headline="No", evidence=[
        {"url": "https://records.example.org/a", "title": "Register", "note": ""}])  # fmt: skip
    services.assign_verdict(user=bob, verdict=verdict, assignee=frank)
    services.submit_verdict(user=bob, verdict=Verdict.objects.get(pk=verdict.pk))
    assert inbox(erin) == [] and [k for k, _ in inbox(frank)] == ["submitted"]


def test_it_marks_notifications_read(claim, bob, erin):
    make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    assert services.mark_read(user=erin) == 1
    assert services.mark_read(user=erin) == 0


# ---------------------------------------------------------------- assignments


def test_it_lets_editors_assign_articles_and_claims_and_tells_the_assignee(article, claim, erin, bob, alice):
    services.assign(user=erin, assignee=alice, article=article)
    services.assign(user=erin, assignee=bob, claim=claim)
    assert [kind for kind, _ in inbox(alice)] == ["assigned"] and [kind for kind, _ in inbox(bob)] == ["assigned"]
    with pytest.raises(ValidationError, match="already assigned to bob"):
        services.assign(user=erin, assignee=bob, claim=claim)


def test_it_refuses_assignments_from_non_editors(article, alice, bob):
    with pytest.raises(PermissionDenied):
        services.assign(user=bob, assignee=alice, article=article)


def test_it_closes_a_claims_assignment_when_its_verdict_is_published(claim, bob, erin):
    services.assign(user=erin, assignee=bob, claim=claim)
    make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    assert Assignment.objects.get().done_at is not None


# ---------------------------------------------------------------- no lost work


def test_it_refuses_an_annotator_deleting_a_claim_with_a_verdict_under_way(claim, alice, bob, erin):
    make_verdict(claim, author=bob, editor=erin, state=State.IN_REVIEW)
    with pytest.raises(PermissionDenied, match="only an editor can delete it"):
        services.delete_claim(user=alice, claim=claim)


def test_it_lets_an_editor_delete_it_after_confirming_what_goes_with_it(claim, bob, erin, frank):
    verdict = make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    with pytest.raises(ConfirmationRequired) as asked:
        services.delete_claim(user=frank, claim=claim)
    assert asked.value.goes_with == [f"verdict #{verdict.pk} (published)"]
    assert services.delete_claim(user=frank, claim=claim, confirmed=True).is_deleted


def test_it_still_lets_annotators_delete_a_claim_with_only_a_draft(claim, alice, bob):
    services.create_verdict(user=bob, claim=claim)
    assert services.delete_claim(user=alice, claim=claim).is_deleted


# ---------------------------------------------------------------- e-mail digests


def test_it_asks_for_a_digest_after_the_commit_and_sends_a_burst_as_one_email(
    claim, bob, erin, frank, mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import User

    User.objects.filter(pk=bob.pk).update(email="bob@example.org")
    asked = []

    def listen(sender, recipient_ids, **kwargs):
        asked.extend(recipient_ids)

    services.notifications_created.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            verdict = make_verdict(claim, author=bob, editor=erin, state=State.APPROVED)
    finally:
        services.notifications_created.disconnect(listen)
    assert bob.pk in asked and mailoutbox == []  # nothing is sent inside the request
    assert services.send_digest(bob.pk) == 1
    assert services.send_digest(bob.pk) == 0
    services.publish_verdict(user=frank, verdict=verdict)
    services.correct_verdict(user=erin, verdict=Verdict.objects.get(pk=verdict.pk), reason="A figure changed.")
    assert services.send_digest(bob.pk) == 1
    assert [message.to for message in mailoutbox] == [["bob@example.org"], ["bob@example.org"]]
    assert "was approved" in mailoutbox[0].subject and "/admin/articles/verdict/" in mailoutbox[0].body


def test_it_leaves_kinds_a_person_turned_off_out_of_the_email(claim, bob, erin, frank, mailoutbox):
    from django.contrib.auth.models import User

    User.objects.filter(pk=bob.pk).update(email="bob@example.org")
    services.set_email_kinds(user=bob, kinds=["published"])
    make_verdict(claim, author=bob, editor=erin, state=State.PUBLISHED)
    assert services.send_digest(bob.pk) == 1
    assert "was published" in mailoutbox[0].subject
    assert Notification.objects.filter(recipient=bob, kind="approved", emailed_at__isnull=True).exists()


def test_it_refuses_unknown_email_kinds(bob):
    with pytest.raises(ValidationError):
        services.set_email_kinds(user=bob, kinds=["everything"])
