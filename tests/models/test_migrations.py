"""Migrations that move data, run on a populated database from the schema before them (django-test-migrations)."""

import pytest

BEFORE_RENAME = ("articles", "0006_search_trigram_indexes")
AFTER_RENAME = ("articles", "0008_verdict_names")


@pytest.fixture
def desk_before_rename(migrator):
    """A desk at 0006: a published verdict with evidence and two history records, roles granted."""
    old = migrator.apply_initial_migration(BEFORE_RENAME)
    get = old.apps.get_model
    user = get("auth", "User").objects.create(username="bob")
    article = get("articles", "Article").objects.create(title="Retreat", body="The mayor spoke.", content_hash="h1")
    claim = get("articles", "Claim").objects.create(
        article=article, start=4, end=9, quote="mayor", prefix="The ", suffix=" spoke.", created_by=user
    )
    review = get("articles", "Review").objects.create(
        claim=claim, rating="false", headline="No retreat", state="published", author=user, version=3
    )
    get("articles", "Evidence").objects.create(review=review, url="https://records.example.org/a", title="Log")
    history = get("articles", "HistoricalReview")
    for version, reason in ((1, "created"), (3, "published")):
        history.objects.create(
            id=review.pk, claim_id=claim.pk, rating="false", headline="No retreat", state="published",
            author_id=user.pk, version=version, created_at=review.created_at, updated_at=review.updated_at,
            history_date=review.updated_at, history_type="~", history_user_id=user.pk, history_change_reason=reason,
            correction_note="", explanation="",
        )  # fmt: skip
    return {"migrator": migrator, "review": review.pk, "claim": claim.pk, "user": user.pk}


def test_it_keeps_every_verdict_evidence_and_history_row_when_review_becomes_verdict(desk_before_rename):
    new = desk_before_rename["migrator"].apply_tested_migration(AFTER_RENAME)
    get = new.apps.get_model

    verdict = get("articles", "Verdict").objects.get(pk=desk_before_rename["review"])
    assert (verdict.claim_id, verdict.headline, verdict.state, verdict.version) == (
        desk_before_rename["claim"],
        "No retreat",
        "published",
        3,
    )
    assert list(get("articles", "Evidence").objects.values_list("verdict_id", "title")) == [(verdict.pk, "Log")]
    reasons = get("articles", "HistoricalVerdict").objects.filter(id=verdict.pk).order_by("version")
    assert [(h.version, h.history_change_reason, h.history_user_id) for h in reasons] == [
        (1, "created", desk_before_rename["user"]),
        (3, "published", desk_before_rename["user"]),
    ]
    assert get("articles", "Claim").objects.get(pk=desk_before_rename["claim"]).verdicts.count() == 1


def test_it_moves_the_roles_grants_to_the_verdict_permissions(desk_before_rename):
    new = desk_before_rename["migrator"].apply_tested_migration(AFTER_RENAME)
    group = new.apps.get_model("auth", "Group")
    permission = new.apps.get_model("auth", "Permission")

    editor = set(group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    checker = set(group.objects.get(name="Fact-checker").permissions.values_list("codename", flat=True))
    assert {"view_verdict", "add_verdict", "change_verdict", "approve_verdict", "publish_verdict"} <= editor
    assert {"submit_verdict", "add_verdict"} <= checker and "approve_verdict" not in checker
    assert not permission.objects.filter(content_type__app_label="articles", codename__contains="review").exists()
