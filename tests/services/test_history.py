"""History names the user a service was given, also outside a web request (commands, importers)."""

import io

import pytest
from django.core.management import call_command

from articles import services
from articles.models import Article, Claim, ClaimLink, Evidence, Source, Speaker, Verdict
from tests.exports.test_formats import build_hostile_desk
from tests.importing.test_jsonl import empty_the_desk

HISTORIED = (Source, Article, Speaker, Claim, ClaimLink, Verdict, Evidence)


def users_in_history(model) -> set:
    return set(model.history.values_list("history_user__username", flat=True))


def test_it_names_the_user_of_each_service_write_outside_a_request(alice, carol, make_article):
    outlet = services.get_or_create_source("Coast Radio", user=alice)
    article = make_article(user=alice, source=outlet)
    speaker = services.get_or_create_speaker(user=alice, name="A. Mayor")
    services.update_speaker(user=carol, speaker=speaker, description="mayor")
    first = services.create_claim(user=alice, article=article, start=0, end=6, quote="Police", tags=["police"])
    second = services.create_claim(user=carol, article=article, start=7, end=9, quote="in")
    link = services.link_claims(user=carol, from_claim=first, to_claim=second, relation="supports")
    services.update_link(user=alice, link=link, note="same event")
    services.delete_link(user=carol, link=link)
    services.update_claim(user=carol, claim=first, version=first.version, summary="changed", tags=["town"])

    assert users_in_history_of(outlet) == {"alice"}
    assert users_in_history_of(article) == {"alice"}
    assert [record.history_user for record in speaker.history.order_by("history_id")] == [alice, carol]
    assert [record.history_user for record in ClaimLink.history.order_by("history_id")] == [carol, alice, carol]
    created, *edited = [record.history_user for record in first.history.order_by("history_id")]
    assert (created, set(edited)) == (alice, {carol})
    assert users_in_history(Claim) == {"alice", "carol"}


def test_a_created_claim_has_one_history_record_with_its_tags(alice, article):
    claim = services.create_claim(
        user=alice, article=article, start=0, end=6, quote="Police", summary=" s ", tags=["police", "Army"]
    )
    [record] = claim.history.all()
    assert (record.history_type, record.history_user, record.summary, record.prefix) == ("+", alice, "s", "")
    assert sorted(tag.tag.name for tag in record.tags.all()) == ["army", "police"]
    assert record.instance.suffix == article.body[6:38] == claim.suffix
    # An edit after it is recorded as before, and an older version reads back with its tags.
    services.update_claim(user=alice, claim=claim, version=1, tags=["town"])
    first, *_, last = claim.history.order_by("history_id")
    assert sorted(t.tag.name for t in first.tags.all()) == ["army", "police"]
    assert [t.tag.name for t in last.tags.all()] == ["town"]


def test_it_names_the_user_of_every_row_load_demo_writes(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())

    for model in HISTORIED:
        assert model.history.exists(), model
        assert None not in users_in_history(model), model


@pytest.mark.django_db
def test_it_names_the_exported_users_in_the_history_of_an_import_claims(tmp_path):
    build_hostile_desk()
    path = tmp_path / "desk.jsonl"
    call_command("export_claims", "--format", "jsonl", "-o", str(path))
    creators = dict(Claim.objects.values_list("quote", "created_by__username"))
    empty_the_desk()
    for model in HISTORIED:
        model.history.all().delete()

    call_command("import_claims", str(path), stdout=io.StringIO())

    for model in HISTORIED:
        assert model.history.exists(), model
        assert None not in users_in_history(model), model
    for claim in Claim.objects.all():
        assert users_in_history_of(claim) == {creators[claim.quote]}


def users_in_history_of(record) -> set:
    return set(record.history.values_list("history_user__username", flat=True))
