"""Related claims in real Chromium: the compare page keeps suggestions apart from links. (Accepting a Spanish
counterpart as "same claim" and dismissing another is walked in test_suggestion_flow.py.)"""

from playwright.sync_api import expect

from articles.models import RelatedSuggestion
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in
from tests.browser.test_reader import REPORT, SENTENCE, claim_on, imported

SPANISH = (
    "Escuinapa, Sinaloa\n\n"
    "El alcalde dijo que fue una retirada táctica que le ahorró al pueblo una masacre.\n\n"
    "Los vecinos esperaron a la policía toda la noche."
)
ES_QUOTE = "El alcalde dijo que fue una retirada táctica que le ahorró al pueblo una masacre."


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
