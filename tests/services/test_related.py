"""Related claims across the desk: suggested by the job, accepted as a typed link or dismissed, by people only."""

import json

import pytest
from django.core.exceptions import ValidationError

from articles import exports, services
from articles.models import Claim, ClaimEmbedding, ClaimLink, RelatedSuggestion
from articles.roles import ensure_roles
from articles.services import related as related_service
from tests.conftest import make_user

EN_BODY = (
    "Police in Escuinapa ran from gunmen on Monday. "
    "The mayor said the officers made a tactical retreat to avoid a bloodbath. "
    "The town will open two new schools in March."
)
ES_BODY = (
    "La policía de Escuinapa huyó el lunes. "
    "El alcalde dijo que los policías hicieron una retirada táctica para evitar un baño de sangre. "
    "El estado registró 300 homicidios el año pasado."
)
EN_QUOTE = "The mayor said the officers made a tactical retreat to avoid a bloodbath."
ES_QUOTE = "El alcalde dijo que los policías hicieron una retirada táctica para evitar un baño de sangre."


@pytest.fixture(autouse=True)
def fresh_index():
    related_service.forget_index()
    yield
    related_service.forget_index()


@pytest.fixture
def pair(make_article, make_claim, alice, carol):
    english = make_article(EN_BODY, title="Police retreat in Escuinapa")
    spanish = make_article(ES_BODY, title="Retirada en Escuinapa", language="es")
    en = make_claim(english, EN_QUOTE, user=alice)
    schools = make_claim(english, "The town will open two new schools in March.", user=alice)
    services.suggest_related(en.pk)
    services.suggest_related(schools.pk)
    es = make_claim(spanish, ES_QUOTE, user=carol)
    return en, es, schools


def test_it_suggests_the_english_claim_for_the_spanish_one(pair):
    en, es, schools = pair
    stored = services.suggest_related(es.pk)
    assert [(s.from_claim_id, s.to_claim_id) for s in stored] == [(en.pk, es.pk)]
    suggestion = stored[0]
    # A translation scores about 0.92: "related" (the "likely same" badge is kept for closer matches).
    assert suggestion.status == "suggested" and suggestion.kind in ("likely_same", "related")
    assert suggestion.model_name and suggestion.model_version and len(suggestion.model_sha256) == 64
    assert 0.86 <= suggestion.score <= 1.1
    assert ClaimEmbedding.objects.filter(claim=es).exists()
    assert not ClaimLink.objects.exists()  # nothing becomes a link without a person


def test_a_claim_of_the_same_article_is_not_suggested(pair):
    en, es, schools = pair
    assert not RelatedSuggestion.objects.filter(from_claim=en, to_claim=schools).exists()


def test_accept_makes_the_typed_link_the_reviewer_chose(pair, bob):
    en, es, _ = pair
    suggestion = services.suggest_related(es.pk)[0]
    link = services.accept_related(user=bob, suggestion=suggestion, relation="same_claim", from_claim_id=es.pk)
    assert (link.from_claim_id, link.to_claim_id, link.relation, link.created_by) == (es.pk, en.pk, "same_claim", bob)
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted" and suggestion.link == link and suggestion.decided_by == bob
    assert suggestion.decided_at is not None
    with pytest.raises(ValidationError, match="already accepted"):
        services.dismiss_related(user=bob, suggestion=suggestion)


def test_accept_goes_through_the_link_rules(pair, bob):
    en, es, _ = pair
    suggestion = services.suggest_related(es.pk)[0]
    with pytest.raises(ValidationError, match="Unknown relation"):
        services.accept_related(user=bob, suggestion=suggestion, relation="likes")
    services.link_claims(user=bob, from_claim=en, to_claim=es, relation="same_claim")
    with pytest.raises(ValidationError, match="already linked"):
        services.accept_related(user=bob, suggestion=suggestion, relation="same_claim")
    suggestion.refresh_from_db()
    assert suggestion.status == "suggested"


def test_a_dismissed_pair_is_not_suggested_again(pair, bob):
    en, es, _ = pair
    suggestion = services.suggest_related(es.pk)[0]
    services.dismiss_related(user=bob, suggestion=suggestion)
    assert services.suggest_related(es.pk) == []
    assert services.suggest_related(en.pk) == []
    suggestion.refresh_from_db()
    assert suggestion.status == "dismissed" and suggestion.decided_by == bob
    assert RelatedSuggestion.objects.count() == 1


def test_a_new_model_version_may_suggest_a_dismissed_pair_again(pair, bob, monkeypatch):
    en, es, _ = pair
    services.dismiss_related(user=bob, suggestion=services.suggest_related(es.pk)[0])
    monkeypatch.setattr(related_service.model, "model_version", lambda: "next")
    related_service.forget_index()
    services.suggest_related(en.pk)  # the desk's claims are embedded again by the new model
    assert len(services.suggest_related(es.pk)) == 1


def test_saving_a_claim_or_changing_its_quote_or_summary_queues_the_job(
    article, alice, django_capture_on_commit_callbacks
):
    seen = []

    def remember(sender, claim_id, **kwargs):
        seen.append(claim_id)

    services.claim_quote_saved.connect(remember)
    try:
        quote = "the officers made a tactical retreat"
        start = article.body.index(quote)
        with django_capture_on_commit_callbacks(execute=True):
            claim = services.create_claim(user=alice, article=article, start=start, end=start + len(quote), quote=quote)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_claim(user=alice, claim=claim, version=claim.version, summary="A retreat")
        with django_capture_on_commit_callbacks(execute=True):
            services.update_claim(
                user=alice, claim=claim, version=claim.version + 1, span=(start, start + 12, quote[:12])
            )
        with django_capture_on_commit_callbacks(execute=True):  # the same summary again: nothing to embed
            services.update_claim(user=alice, claim=claim, version=claim.version + 2, summary="A retreat")
    finally:
        services.claim_quote_saved.disconnect(remember)
    assert seen == [claim.pk, claim.pk, claim.pk]


def test_figures_that_differ_may_conflict(make_article, make_claim, alice):
    one = make_article("The state recorded 1,200 murders last year, the governor said.", title="Murders")
    two = make_article("The state recorded 300 murders last year, the governor said.", title="Fewer murders")
    a = make_claim(one, "The state recorded 1,200 murders last year", user=alice)
    services.suggest_related(a.pk)
    b = make_claim(two, "The state recorded 300 murders last year", user=alice)
    [suggestion] = services.suggest_related(b.pk)
    assert suggestion.kind == "may_conflict" and suggestion.reason == "figures differ"


def test_the_other_side_of_a_contradicts_link_may_conflict(make_article, make_claim, alice, bob):
    one = make_article("The mayor said the officers made a tactical retreat.", title="Mayor")
    two = make_article("A civic group said the police abandoned the town.", title="Civic group")
    three = make_article("The mayor says the officers made a tactical retreat.", title="Mayor again")
    mayor = make_claim(one, "the officers made a tactical retreat", user=alice)
    civic = make_claim(two, "the police abandoned the town", user=alice)
    services.link_claims(user=bob, from_claim=mayor, to_claim=civic, relation="contradicts")
    services.suggest_related(mayor.pk)
    services.suggest_related(civic.pk)
    again = make_claim(three, "the officers made a tactical retreat", user=alice)
    kinds = {s.other(again.pk): s.kind for s in services.suggest_related(again.pk)}
    assert kinds.get(mayor.pk) == "likely_same"
    assert kinds.get(civic.pk, "may_conflict") == "may_conflict"


def test_a_deleted_claim_is_not_suggested_and_comes_back_with_its_undo(pair, bob):
    en, es, _ = pair
    services.delete_claim(user=en.created_by, claim=en, confirmed=True)
    assert services.suggest_related(es.pk) == []
    services.restore_claim(user=en.created_by, claim=en)
    assert [s.other(es.pk) for s in services.suggest_related(es.pk)] == [en.pk]


def test_the_summary_is_matched_too(make_article, make_claim, alice):
    """A claim is embedded from its quote and the desk's summary of it: a summary that restates the other claim
    brings the pair closer, and changing it re-embeds the claim."""
    one = make_article("The mayor said the officers made a tactical retreat to avoid a bloodbath.", title="Mayor")
    two = make_article("Officers pulled back from the gunmen to spare lives, he said.", title="Pulled back")
    mayor = make_claim(one, "the officers made a tactical retreat to avoid a bloodbath", user=alice)
    services.suggest_related(mayor.pk)
    other = make_claim(two, "Officers pulled back from the gunmen to spare lives", user=alice)
    [before] = services.suggest_related(other.pk)
    digest = ClaimEmbedding.objects.get(claim=other).quote_sha256
    services.update_claim(
        user=alice,
        claim=other,
        version=other.version,
        summary="The officers made a tactical retreat to avoid a bloodbath.",
    )
    [after] = services.suggest_related(other.pk)
    assert after.pk == before.pk and after.other(other.pk) == mayor.pk
    after.refresh_from_db()
    assert after.score > before.score
    assert ClaimEmbedding.objects.get(claim=other).quote_sha256 != digest


def test_the_index_refreshes_with_vectors_stored_by_another_worker(pair):
    """Each worker's index reads only the vectors stored since its last look (indexed by updated_at)."""
    en, es, schools = pair
    index = related_service.desk_index()
    ClaimEmbedding.objects.filter(claim=schools).delete()
    related_service.embed_claim(schools)  # as another process would: a new row, a new updated_at
    index.drop(schools.pk)
    assert schools.pk not in index
    related_service.desk_index()
    assert schools.pk in index


def test_a_fill_hands_the_memory_it_freed_back_and_a_job_refresh_does_not(pair, monkeypatch):
    en, es, schools = pair
    released = []
    monkeypatch.setattr(related_service, "FILL_RELEASE", 2)
    monkeypatch.setattr(related_service.model, "release_free_memory", lambda: released.append(True))
    related_service.forget_index()
    index = related_service.desk_index()  # a worker's fill: the two vectors stored by the fixture's jobs
    assert released == [True] and en.pk in index and schools.pk in index
    services.suggest_related(es.pk)  # its refresh reads one new vector, or none
    assert released == [True]


def test_a_worker_fills_its_index_as_it_starts(transactional_db, make_article, make_claim):
    """The worker's start-up hook fills the index on a thread of its own, once, so the first job finds it full."""
    ensure_roles()  # flushed by an earlier transactional test; the thread needs committed rows
    alice = make_user("alice", "Annotator")
    claim = make_claim(make_article(EN_BODY, title="Police retreat in Escuinapa"), EN_QUOTE, user=alice)
    related_service.embed_claim(claim)
    filling = related_service.warm_related_index()
    filling.join(timeout=120)
    assert claim.pk in related_service._index_state["index"]  # filled before any job asked
    assert related_service.warm_related_index() is None  # once per process


def test_exports_carry_no_unaccepted_suggestion(pair, bob):
    en, es, schools = pair
    suggestion = services.suggest_related(es.pk)[0]
    other = RelatedSuggestion.objects.create(
        from_claim=schools, to_claim=es, kind="related", score=0.9, model_name="m", model_version="v", model_sha256="0"
    )
    assert other.status == "suggested"
    text = "".join(exports.write_jsonl(Claim.objects.all()))
    assert "suggest" not in text.lower() and "likely" not in text.lower()
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all(not row.get("links") for row in rows)
    services.accept_related(user=bob, suggestion=suggestion, relation="same_claim")
    rows = [json.loads(line) for line in "".join(exports.write_jsonl(Claim.objects.all())).splitlines() if line]
    linked = [row for row in rows if row.get("links")]
    assert len(linked) >= 1
    assert "suggest" not in json.dumps(rows).lower()


def test_a_revision_keeps_accepted_links(pair, bob, alice):
    en, es, _ = pair
    suggestion = services.suggest_related(es.pk)[0]
    link = services.accept_related(user=bob, suggestion=suggestion, relation="same_claim")
    services.revise_article(user=alice, article=en.article, body="Breaking. " + EN_BODY, reason="A new first line")
    en.refresh_from_db()
    assert en.quote == EN_QUOTE and en.start == EN_BODY.index(EN_QUOTE) + len("Breaking. ")
    assert ClaimLink.objects.filter(pk=link.pk, relation="same_claim").exists()
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted" and suggestion.link_id == link.pk
