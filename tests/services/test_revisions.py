"""services.revise_article and services.confirm_relocation: validation, versions kept, fixed query cost."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.errors import ConflictError
from articles.models import Article, Claim, content_hash
from tests.conftest import ARTICLE_BODY

RETREAT = "the officers made a tactical retreat"


def revise(article, body, **kwargs):
    kwargs.setdefault("reason", "outlet corrected the story")
    kwargs.setdefault("user", None)
    return services.revise_article(article=article, body=body, **kwargs)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("body", ["", "   \n\n  ", "\r\n"])
def test_it_refuses_an_empty_body(article, body):
    with pytest.raises(ValidationError) as error:
        revise(article, body)
    assert error.value.message_dict == {"body": ["The article text cannot be empty."]}
    article.refresh_from_db()
    assert article.body == ARTICLE_BODY


def test_it_refuses_a_body_another_article_already_has(make_article):
    first = make_article("The first story.\nIt is about the harbour.")
    second = make_article("The second story, about the market.")
    with pytest.raises(ValidationError) as error:
        revise(second, "The first story.\r\nIt is about the harbour.")
    assert f"already stored as article #{first.pk}" in error.value.message_dict["body"][0]
    second.refresh_from_db()
    assert second.body == "The second story, about the market."
    assert second.history.count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_a_revision_without_a_reason(article, reason):
    with pytest.raises(ValidationError) as error:
        revise(article, ARTICLE_BODY + " More.", reason=reason)
    assert "reason" in error.value.message_dict


def test_it_refuses_a_blank_or_overlong_title(article):
    with pytest.raises(ValidationError) as error:
        revise(article, ARTICLE_BODY + " More.", title="  ")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        revise(article, ARTICLE_BODY + " More.", title="x" * 501)
    assert "title" in error.value.message_dict
    article.refresh_from_db()
    assert article.body == ARTICLE_BODY


# ---------------------------------------------------------------- versions


def test_it_keeps_every_version_with_who_and_why(article, erin):
    revise(article, ARTICLE_BODY.replace("Monday", "Sunday"), user=erin, reason="outlet corrected the day")
    revise(article, ARTICLE_BODY.replace("Monday", "Saturday"), user=erin, reason="corrected again")
    versions = list(article.history.order_by("history_date", "history_id"))
    assert [v.body for v in versions] == [
        ARTICLE_BODY,
        ARTICLE_BODY.replace("Monday", "Sunday"),
        ARTICLE_BODY.replace("Monday", "Saturday"),
    ]
    assert [v.history_change_reason for v in versions[1:]] == ["outlet corrected the day", "corrected again"]
    assert {v.history_user for v in versions[1:]} == {erin}


def test_it_normalises_newlines_and_follows_the_body_with_its_hash(article):
    result = revise(article, "Line one.\r\nLine two.\rLine three.", title="A corrected title")
    stored = Article.objects.get(pk=article.pk)
    assert stored.body == "Line one.\nLine two.\nLine three."
    assert stored.content_hash == content_hash(stored.body)
    assert stored.title == "A corrected title"
    assert result.body_changed


def test_it_changes_only_the_title_when_the_body_is_the_same(article, alice, make_claim):
    claim = make_claim(article, RETREAT, user=alice)
    result = revise(article, ARTICLE_BODY.replace("\n", "\r\n"), title="New title")
    assert not result.body_changed and result.moved == []
    assert Claim.objects.get(pk=claim.pk).version == claim.version
    assert article.history.latest().title == "New title"


def test_it_writes_nothing_when_nothing_changed(article):
    result = revise(article, ARTICLE_BODY, title=article.title)
    assert not result.body_changed
    assert article.history.count() == 1


def test_it_replaces_the_stored_original_when_given_one(article):
    revise(article, ARTICLE_BODY + " Updated.", raw="<p>new page</p>", raw_format="html")
    stored = Article.objects.get(pk=article.pk)
    assert (stored.raw, stored.raw_format) == ("<p>new page</p>", "html")


def test_it_counts_only_live_claims(article, alice, make_claim):
    make_claim(article, RETREAT, user=alice)
    gone = make_claim(article, "1,200 murders", user=alice)
    services.delete_claim(user=alice, claim=gone)
    result = revise(article, "Update.\n\n" + ARTICLE_BODY)
    assert (result.anchored, result.relocated, result.orphaned) == (1, 0, 0)
    assert len(result.moved) == 2


def test_it_costs_the_same_number_of_queries_for_many_claims(make_article, alice, make_claim):
    def queries_for(claim_count: int) -> int:
        words = [f"Sentence number {n} says something checkable." for n in range(claim_count)]
        article = make_article(" ".join(words), title=f"{claim_count} claims")
        for n in range(claim_count):
            make_claim(article, f"number {n} says", user=alice)
        with CaptureQueriesContext(connection) as captured:
            revise(article, "Breaking: " + article.body)
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(40)


# ---------------------------------------------------------------- confirming and re-attaching


@pytest.fixture
def relocated(article, alice, make_claim):
    claim = make_claim(article, "eight or ten deaths", user=alice)
    revise(article, ARTICLE_BODY.replace("eight or ten deaths", "eight or 10 deaths"))
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.anchor_state == "relocated"
    return claim


def test_it_confirms_a_relocation_and_keeps_the_span(relocated, erin):
    confirmed = services.confirm_relocation(user=erin, claim=relocated, version=relocated.version)
    stored = Claim.objects.get(pk=relocated.pk)
    assert (stored.anchor_state, stored.start, stored.end, stored.quote) == (
        "anchored",
        relocated.start,
        relocated.end,
        "eight or 10 deaths",
    )
    assert stored.version == relocated.version + 1 == confirmed.version
    record = stored.history.latest()
    assert (record.history_change_reason, record.history_user) == ("relocation confirmed", erin)


def test_it_refuses_to_confirm_with_a_stale_version(relocated, erin):
    with pytest.raises(ConflictError) as error:
        services.confirm_relocation(user=erin, claim=relocated, version=relocated.version - 1)
    assert error.value.current_version == relocated.version
    assert Claim.objects.get(pk=relocated.pk).anchor_state == "relocated"


def test_it_refuses_to_confirm_a_claim_that_is_not_relocated(article, alice, make_claim):
    claim = make_claim(article, RETREAT, user=alice)
    with pytest.raises(ValidationError) as error:
        services.confirm_relocation(user=alice, claim=claim, version=claim.version)
    assert "Only a relocated claim can be confirmed" in error.value.message_dict["anchor_state"][0]


def test_it_refuses_to_confirm_a_deleted_claim(relocated, alice):
    deleted = services.delete_claim(user=alice, claim=relocated)
    with pytest.raises(ValidationError):
        services.confirm_relocation(user=alice, claim=deleted, version=deleted.version)


def test_it_reattaches_an_orphaned_claim_to_newly_selected_text(article, alice, make_claim):
    claim = make_claim(article, RETREAT, user=alice)
    edited = ARTICLE_BODY.replace(RETREAT, "the police withdrew on purpose")
    revise(article, edited)
    orphan = Claim.objects.get(pk=claim.pk)
    assert orphan.anchor_state == "orphaned"
    start = edited.index("the police withdrew on purpose")
    span = (start, start + len("the police withdrew on purpose"), "the police withdrew on purpose")
    reattached = services.update_claim(user=alice, claim=orphan, version=orphan.version, span=span)
    assert (reattached.anchor_state, reattached.start, reattached.quote) == ("anchored", start, span[2])
    assert reattached.prefix == edited[start - 32 : start]


# ---------------------------------------------------------------- comparing versions


def test_it_diffs_words_and_shortens_long_unchanged_stretches():
    from articles.text.diff import CONTEXT, DiffPart, diff_texts

    before = "A" * 1000 + " the toll was ten, officials said. " + "B" * 1000
    after = before.replace("ten,", "10,")
    parts = diff_texts(before, after)
    assert DiffPart("delete", "ten") in parts and DiffPart("insert", "10") in parts
    assert [part.kind for part in parts] == ["skip", "equal", "delete", "insert", "equal", "skip"]
    assert parts[0].text == f"{1000 + len(' the toll was ') - CONTEXT:,} unchanged characters"


def test_it_lists_only_versions_that_changed_the_text(article):
    revise(article, ARTICLE_BODY + " More.")
    revise(article, ARTICLE_BODY + " More.", title="Only the title")
    from articles.queries import text_versions

    assert [version.body for version in text_versions(article)] == [ARTICLE_BODY + " More.", ARTICLE_BODY]


def test_it_checks_a_new_claim_against_the_stored_text_not_a_stale_copy(article, alice):
    stale = Article.objects.get(pk=article.pk)
    revise(article, ARTICLE_BODY.replace(RETREAT, "the officers fled"))
    start = ARTICLE_BODY.index(RETREAT)
    with pytest.raises(ValidationError) as error:
        services.create_claim(user=alice, article=stale, start=start, end=start + len(RETREAT), quote=RETREAT)
    assert "quote" in error.value.message_dict
    assert not Claim.objects.exists()
