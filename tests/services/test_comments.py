"""The comments service and its one access rule: who may do what, mentions, e-mail digests, no claim changes."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from articles import access, services
from articles.errors import ConflictError
from articles.models import Comment


@pytest.fixture
def claim(article, make_claim, alice):
    return make_claim(article, "the officers made a tactical retreat", user=alice)


@pytest.mark.parametrize(
    "who,edit,delete",
    [("alice", True, True), ("carol", False, False), ("bob", False, False), ("erin", False, True)],
)
def test_it_gives_each_role_its_rights_on_alices_comment(claim, alice, who, edit, delete, request):
    comment = services.add_comment(user=alice, claim=claim, text="mine")
    user = request.getfixturevalue(who)
    assert access.comment_rights(user)(comment.author_id) == (edit, delete)
    if not edit:
        with pytest.raises(PermissionDenied):
            access.get_comment_for_user(user, comment.pk, edit=True)
    if not delete:
        with pytest.raises(PermissionDenied):
            access.get_comment_for_user(user, comment.pk, delete=True)
    assert access.get_comment_for_user(user, comment.pk) == comment  # everyone logged in reads it


def test_it_refuses_anonymous_and_inactive_users(claim, alice):
    from django.contrib.auth.models import AnonymousUser

    comment = services.add_comment(user=alice, claim=claim, text="mine")
    with pytest.raises(PermissionDenied):
        access.get_comment_for_user(AnonymousUser(), comment.pk)
    with pytest.raises(Http404):
        access.get_comment_for_user(alice, "nope")
    alice.is_active = False
    assert access.comment_rights(alice)(alice.pk) == (False, False)


def test_it_parses_mentions_of_active_users_only(claim, alice, bob, erin):
    User.objects.filter(pk=erin.pk).update(is_active=False)
    found = services.mentioned_users("Thanks @BOB. and @erin, mail me@bob.example @alice @bob")
    assert [user.username for user in found] == ["bob", "alice"]


def test_it_refuses_empty_long_and_stale_edits(claim, alice):
    with pytest.raises(ValidationError):
        services.add_comment(user=alice, claim=claim, text=" \n ")
    comment = services.add_comment(user=alice, claim=claim, text="one")
    services.edit_comment(user=alice, comment=comment, version=1, text="two")
    with pytest.raises(ConflictError):
        services.edit_comment(user=alice, comment=comment, version=1, text="three")
    with pytest.raises(ValidationError) as refused:
        services.edit_comment(user=alice, comment=comment, version=2, text="x" * 10_001)
    assert refused.value.message_dict == {"text": ["The comment is 10001 characters; the limit is 10000."]}


def test_it_refuses_comments_on_a_deleted_claim(claim, alice):
    services.delete_claim(user=alice, claim=claim)
    with pytest.raises(ValidationError):
        services.add_comment(user=alice, claim=claim, text="late")


def test_it_records_every_change_in_history_with_who(claim, alice, bob):
    comment = services.add_comment(user=alice, claim=claim, text="one")
    services.edit_comment(user=alice, comment=comment, version=1, text="two")
    services.resolve_thread(user=bob, comment=comment)
    services.delete_comment(user=alice, comment=comment)
    records = list(comment.history.order_by("history_id"))
    assert [(r.history_type, r.history_user.username) for r in records] == [
        ("+", "alice"), ("~", "alice"), ("~", "bob"), ("~", "alice"),
    ]  # fmt: skip
    assert Comment.objects.get(pk=comment.pk).version == 4


def test_it_leaves_the_claims_version_and_history_alone(claim, alice, bob):
    before = (claim.version, claim.history.count())
    root = services.add_comment(user=alice, claim=claim, text="@bob look")
    services.add_comment(user=bob, parent=root, text="looked")
    services.resolve_thread(user=alice, comment=root)
    claim.refresh_from_db()
    assert (claim.version, claim.history.count()) == before


def test_it_puts_mentions_and_replies_in_the_email_digest(claim, alice, bob, mailoutbox):
    User.objects.filter(pk=alice.pk).update(email="alice@example.org")
    User.objects.filter(pk=bob.pk).update(email="bob@example.org")
    root = services.add_comment(user=alice, claim=claim, text="@bob can you look <b>now</b>?")
    services.add_comment(user=bob, parent=root, text="On it")
    assert services.send_digest(bob.pk) == 1 and services.send_digest(alice.pk) == 1
    to_bob, to_alice = mailoutbox
    assert "alice mentioned you on claim" in to_bob.subject and "<b>now</b>" in to_bob.body
    assert f"#claim-{claim.pk}" in to_bob.body
    assert "bob replied on claim" in to_alice.subject


def test_it_leaves_comment_kinds_out_of_the_email_when_turned_off(claim, alice, bob, mailoutbox):
    User.objects.filter(pk=bob.pk).update(email="bob@example.org")
    services.set_email_kinds(user=bob, kinds=["assigned"])
    services.add_comment(user=alice, claim=claim, text="@bob hello")
    assert services.send_digest(bob.pk) == 0 and mailoutbox == []
