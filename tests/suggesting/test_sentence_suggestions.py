"""Check-worthy sentence suggestions in the desk: the scoring job, revisions, dismissal, the API, exports,
the system check, retraining and the admin page."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from articles import checks, services
from articles.exports import FORMATS
from articles.models import CheckworthyModel, SentenceSuggestion
from articles.suggesting import checkworthy, checkworthy_training

STAT = "The state recorded 1,200 murders last year."


@pytest.fixture
def scored(article):
    services.score_article(article.pk)
    return article


def open_quotes(article):
    return [s.quote for s in services.open_suggestions(article.pk)]


def test_creating_and_revising_an_article_queue_scoring_after_commit(
    make_article, alice, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("articles.tasks.score_article_sentences", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = make_article()
    assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert queued == [article.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.revise_article(user=alice, article=article, body=article.body + " More.", reason="addendum")
    assert queued == [article.pk, article.pk]
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.revise_article(user=alice, article=article, body=article.body, title="New title", reason="title")
    assert queued == [article.pk, article.pk]  # the text did not change


def test_scoring_stores_the_strong_sentences_with_provenance(scored):
    rows = list(SentenceSuggestion.objects.filter(article=scored))
    assert STAT in [row.quote for row in rows]
    model = checkworthy.shipped_model()
    for row in rows:
        assert scored.body[row.start : row.end] == row.quote
        assert row.model_name == "checkworthy" and row.model_version == model.version
        assert row.model_sha256 == model.sha256 and row.score >= model.threshold
        assert row.text_hash == scored.content_hash and row.suggested_at
    stat = next(row for row in rows if row.quote == STAT)
    assert "a statistic: '1,200 murders'" in stat.reasons


def test_scoring_again_for_the_same_text_does_nothing(scored, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        result = services.score_article(scored.pk)
    assert result.scored is False


def test_a_revision_re_scores_drops_stale_suggestions_and_leaves_claims_alone(scored, alice, make_claim):
    claim = make_claim(scored, "The mayor said the officers made a tactical retreat", user=alice)
    old_ids = set(SentenceSuggestion.objects.filter(article=scored).values_list("id", flat=True))
    new_body = scored.body.replace("1,200 murders", "1,350 murders") + "\n\nThe budget grew 40 percent in 2024."
    services.revise_article(user=alice, article=scored, body=new_body, reason="outlet corrected the figure")
    services.score_article(scored.pk)
    scored.refresh_from_db()
    rows = list(SentenceSuggestion.objects.filter(article=scored))
    assert not old_ids & {row.id for row in rows}
    quotes = [row.quote for row in rows]
    assert STAT not in quotes and "The state recorded 1,350 murders last year." in quotes
    assert all(row.text_hash == scored.content_hash for row in rows)
    claim.refresh_from_db()
    assert claim.deleted_at is None and scored.body[claim.start : claim.end] == claim.quote


def test_a_sentence_a_claim_covers_is_not_suggested(scored, alice, make_claim):
    assert STAT in open_quotes(scored)
    make_claim(scored, "1,200 murders", user=alice)
    assert STAT not in open_quotes(scored)


def test_dismissed_stays_dismissed_through_a_re_score(scored, alice):
    row = SentenceSuggestion.objects.get(article=scored, quote=STAT)
    services.dismiss_suggestion(user=alice, suggestion=row)
    assert STAT not in open_quotes(scored)
    services.revise_article(user=alice, article=scored, body=scored.body + "\n\nA new line.", reason="addendum")
    services.score_article(scored.pk)
    again = SentenceSuggestion.objects.get(article=scored, quote=STAT)
    assert again.dismissed and again.dismissed_by == alice
    assert STAT not in open_quotes(scored)


# ---------------------------------------------------------------- API


def test_the_api_lists_an_articles_open_suggestions_strongest_first(scored, alice, django_assert_max_num_queries):
    api = APIClient()
    api.force_login(alice)
    api.get("/api/suggestions/sentences/", {"article": scored.pk})  # warm the session
    with django_assert_max_num_queries(7):
        response = api.get("/api/suggestions/sentences/", {"article": scored.pk})
    assert response.status_code == 200
    body = response.json()
    assert [item["score"] for item in body] == sorted((item["score"] for item in body), reverse=True)
    item = next(item for item in body if item["quote"] == STAT)
    assert set(item) >= {"id", "start", "end", "score", "reasons", "model_version", "model_sha256", "dismissed"}


def test_the_api_refuses_anonymous_users_and_bad_article_ids(scored, alice):
    assert APIClient().get("/api/suggestions/sentences/", {"article": scored.pk}).status_code == 403
    api = APIClient()
    api.force_login(alice)
    response = api.get("/api/suggestions/sentences/")
    assert response.status_code == 400 and "article" in response.json()
    assert api.get("/api/suggestions/sentences/", {"article": "x"}).status_code == 400
    assert api.get("/api/suggestions/sentences/", {"article": 999999}).status_code == 404


def test_dismissing_needs_the_right_to_add_claims_and_csrf(scored, alice, django_user_model):
    row = SentenceSuggestion.objects.get(article=scored, quote=STAT)
    reader = django_user_model.objects.create_user("reader", password="x-x-x-x-x-x")
    api = APIClient()
    api.force_login(reader)
    assert api.post(f"/api/suggestions/sentences/{row.pk}/dismiss/").status_code == 403
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/api/suggestions/sentences/{row.pk}/dismiss/").status_code == 403  # no CSRF token
    api.force_login(alice)
    response = api.post(f"/api/suggestions/sentences/{row.pk}/dismiss/")
    assert response.status_code == 200 and response.json()["dismissed"] is True
    assert api.post("/api/suggestions/sentences/999999/dismiss/").status_code == 404
    listed = api.get("/api/suggestions/sentences/", {"article": scored.pk}).json()
    assert STAT not in [item["quote"] for item in listed]


def test_the_endpoints_are_in_the_openapi_schema(alice):
    client = Client()
    client.force_login(alice)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/suggestions/sentences/" in schema and "/api/suggestions/sentences/{id}/dismiss/" in schema


# ---------------------------------------------------------------- exports


def test_exports_hold_no_suggestion(scored, alice, make_claim):
    make_claim(scored, "A civic group said the police abandoned the town.", user=alice)
    model = checkworthy.shipped_model()
    client = Client()
    client.force_login(alice)
    for kind in ("claims", "articles"):
        for fmt in FORMATS:
            response = client.get(reverse(f"export_api:{kind}_{fmt}"))
            assert response.status_code == 200, (kind, fmt)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            text = content.decode("utf-8")
            # The article exports carry the body (with the suggested sentence in it), never a suggestion.
            assert model.sha256 not in text and "a statistic" not in text, (kind, fmt)
            assert "suggest" not in text.lower(), (kind, fmt)


# ---------------------------------------------------------------- the system check


def test_the_system_check_errors_clearly_when_the_model_file_is_missing(tmp_path, monkeypatch):
    assert checks.suggestion_models() == []
    monkeypatch.setattr(checkworthy, "DEFAULT_MODEL_FILE", tmp_path / "checkworthy-v3.json")
    errors = checks.suggestion_models()
    assert [error.id for error in errors] == ["articles.E100"]
    assert "checkworthy-v3.json" in errors[0].msg and "cannot read" in errors[0].msg
    (tmp_path / "checkworthy-v3.json").write_text("garbage")
    assert "not JSON" in checks.suggestion_models()[0].msg


def test_manage_py_check_fails_on_a_missing_model(tmp_path, monkeypatch):
    from django.core.management.base import SystemCheckError

    monkeypatch.setattr(checkworthy, "DEFAULT_MODEL_FILE", tmp_path / "gone.json")
    with pytest.raises(SystemCheckError, match="articles.E100"):
        call_command("check")


# ---------------------------------------------------------------- retraining


DESK_BODY = (
    "The city hired 262 officers in 2023. The mayor smiled at the crowd. Unemployment fell to 4 percent last year. "
    "It was a cold morning. The budget grew by 12 percent, the finance secretary said. Thank you all for coming. "
    "Murders rose 30 percent compared with 2022. The room fell silent. Officials said 1,500 homes were flooded. "
    "Residents gathered on the corner. Spending on schools doubled since 2019. She waved and walked away."
)
CLAIMED = [
    "The city hired 262 officers in 2023.",
    "Unemployment fell to 4 percent last year.",
    "The budget grew by 12 percent, the finance secretary said.",
    "Murders rose 30 percent compared with 2022.",
    "Officials said 1,500 homes were flooded.",
    "Spending on schools doubled since 2019.",
]


@pytest.fixture
def annotated(make_article, make_claim, alice):
    for number in range(2):
        article = make_article(DESK_BODY + f" Edition {number}.", title=f"Desk story {number}")
        for quote in CLAIMED:
            make_claim(article, quote, user=alice)


def test_retraining_learns_from_the_desks_claims_and_reports_its_desk_f1(annotated, django_assert_max_num_queries):
    out = []
    call_command("retrain_checkworthy", stdout=type("W", (), {"write": lambda self, s: out.append(s)})())
    row = CheckworthyModel.objects.get()
    assert row.version == str(int(checkworthy_training.SHIPPED_VERSION) + 1) and not row.live  # after the shipped one
    assert row.n_positive == 12 and row.n_samples >= 24
    assert 0 <= row.desk_f1 <= 1 and row.shipped_f1 is not None
    assert "desk F1" in out[0]
    assert checkworthy.load_bytes(row.model_json.encode()).sha256 == row.sha256
    assert services.live_model().sha256 == checkworthy.shipped_model().sha256  # not live until activated
    services.activate_model(row)
    assert services.live_model().sha256 == row.sha256
    services.activate_model(None)
    assert services.live_model().sha256 == checkworthy.shipped_model().sha256


def test_retraining_with_too_little_work_says_so(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Not enough of the desk's own work"):
        call_command("retrain_checkworthy")


def test_a_live_retrained_model_scores_new_articles(annotated, make_article):
    row = services.retrain_checkworthy(activate=True)
    article = make_article("The port handled 3 million containers in 2024, a record.\n\nThe gulls circled.")
    services.score_article(article.pk)
    assert set(SentenceSuggestion.objects.filter(article=article).values_list("model_version", flat=True)) <= {
        row.version
    }


def test_the_admin_page_shows_the_live_version_and_its_desk_scores(annotated, root, alice):
    row = services.retrain_checkworthy(activate=True)
    client = Client()
    client.force_login(root)
    page = client.get(reverse("admin:articles_checkworthymodel_changelist")).content.decode()
    assert f"version {row.version}" in page and "desk F1" in page
    client.post(
        reverse("admin:articles_checkworthymodel_changelist"),
        {"action": "use_shipped", "_selected_action": [row.pk]},
    )
    page = client.get(reverse("admin:articles_checkworthymodel_changelist")).content.decode()
    assert f"the shipped model, version {checkworthy.shipped_model().version}" in page
    client.post(
        reverse("admin:articles_checkworthymodel_changelist"),
        {"action": "make_live", "_selected_action": [row.pk]},
    )
    assert CheckworthyModel.objects.get(pk=row.pk).live
    alice_client = Client()
    alice_client.force_login(alice)
    assert alice_client.get(reverse("admin:articles_checkworthymodel_changelist")).status_code in (302, 403)
