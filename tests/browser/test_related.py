"""Related claims in real Chromium: save a claim, its Spanish counterpart in another article is suggested, accept it
as "same claim" (the link shows on both cards and on the compare page), dismiss another, reload: still dismissed."""

import pytest
from playwright.sync_api import expect

from articles.models import Claim, ClaimLink, RelatedSuggestion
from articles.services import related as related_service
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in, select_with_mouse
from tests.browser.test_reader import REPORT, SENTENCE, claim_on, imported

SPANISH = (
    "Escuinapa, Sinaloa\n\n"
    "El alcalde dijo que fue una retirada táctica que le ahorró al pueblo una masacre.\n\n"
    "Los vecinos esperaron a la policía toda la noche."
)
ES_QUOTE = "El alcalde dijo que fue una retirada táctica que le ahorró al pueblo una masacre."
OTHER = "Officials said the retreat of the town police spared Escuinapa a massacre, the mayor insisted."
OTHER_QUOTE = "the retreat of the town police spared Escuinapa a massacre"


@pytest.fixture
def jobs_inline():
    """Run queue tasks in the process that queues them (the live server's thread), once the write commits."""
    from huey.contrib.djhuey import HUEY

    storage = HUEY.storage
    related_service.forget_index()
    HUEY.immediate = True
    yield
    HUEY.immediate = False
    HUEY.storage = storage
    related_service.forget_index()


def test_a_saved_claim_lists_its_spanish_counterpart_to_accept_or_dismiss(page, alice, carol, bob, jobs_inline):
    report = imported(alice, REPORT)
    spanish = imported(carol, SPANISH, name="nota.txt", source="Noroeste")
    other = imported(bob, OTHER, name="other.txt", source="Valley Post")
    es_claim = claim_on(spanish, ES_QUOTE, carol)
    other_claim = claim_on(other, OTHER_QUOTE, bob)

    log_in(page, alice)
    page.goto(f"/articles/{report.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    select_with_mouse(page, SENTENCE)
    page.locator(".popover .claim-form button[type=submit]").click()
    expect(page.locator(".popover")).to_have_count(0)
    mine = Claim.objects.get(article=report)

    card = page.locator(f"#card-{mine.pk}")
    related = card.locator(".card-related")
    expect(related.locator(".related-summary")).to_have_text("Related (2)", timeout=30_000)
    related.locator(".related-summary").click()
    spanish_item = related.locator(".related-item", has_text="retirada táctica")
    expect(spanish_item).to_contain_text("Noroeste")
    expect(spanish_item.locator(".related-score")).to_contain_text("score 0.")
    assert_accessible(page, "the reader with related claims open")

    spanish_item.locator("select").select_option("same_claim")
    spanish_item.locator(".related-accept").click()
    expect(card.locator(".card-link")).to_contain_text("retirada táctica")
    expect(related.locator(".related-summary")).to_have_text("Related (1)")
    link = ClaimLink.objects.get()
    assert (link.from_claim_id, link.to_claim_id, link.relation, link.created_by) == (
        mine.pk,
        es_claim.pk,
        "same_claim",
        alice,
    )

    related.locator(".related-item", has_text="spared Escuinapa").locator(".related-dismiss").click()
    expect(related).to_be_hidden()
    assert RelatedSuggestion.objects.get(from_claim=other_claim, to_claim=mine).status == "dismissed"

    page.reload()
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    card = page.locator(f"#card-{mine.pk}")
    expect(card.locator(".card-link")).to_contain_text("retirada táctica")
    page.wait_for_load_state("networkidle")
    expect(card.locator(".card-related")).to_be_hidden()

    page.goto(f"/articles/{spanish.pk}/")
    expect(page.locator(f"#card-{es_claim.pk} .card-link")).to_contain_text("tactical retreat")

    page.goto(f"/claims/{mine.pk}/")
    expect(page.locator(".compare-links")).to_contain_text("retirada táctica")
    expect(page.locator(".compare-suggested")).to_have_count(0)
    assert page.dialogs == []


def test_the_compare_page_shows_suggestions_apart(page, alice, carol, jobs_inline):
    report = imported(alice, REPORT)
    spanish = imported(carol, SPANISH, name="nota.txt", source="Noroeste")
    claim_on(spanish, ES_QUOTE, carol)
    mine = claim_on(report, SENTENCE, alice)
    assert (
        RelatedSuggestion.objects.filter(to_claim=mine).exists()
        or RelatedSuggestion.objects.filter(from_claim=mine).exists()
    )
    log_in(page, alice)
    page.goto(f"/claims/{mine.pk}/")
    suggested = page.locator(".compare-suggested")
    expect(suggested).to_contain_text("Suggested, not linked")
    expect(suggested).to_contain_text("retirada táctica")
    expect(page.locator(".compare-links")).not_to_contain_text("retirada táctica")
    assert_accessible(page, "the compare page with suggestions")
