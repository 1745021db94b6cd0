"""The three suggestions in one sitting, as issue 13 asks: an imported article's check-worthy sentences show,
one becomes a claim with its speaker pre-filled, the saved claim finds its Spanish counterpart in another
article, which is accepted as "same claim" (both cards and the compare page show the link), and another
suggestion dismissed stays dismissed after a reload. Queue jobs run inline, as a worker would run them."""

from playwright.sync_api import expect

from articles import services
from articles.models import Claim, ClaimLink, RelatedSuggestion, SentenceSuggestion, SpeakerSuggestion
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in
from tests.browser.test_reader import claim_on, imported

STORY = (
    "Escuinapa, Sinaloa\n\n"
    "Town police left their posts on Monday afternoon when armed men arrived in trucks.\n\n"
    "The mayor said the town hired 262 police officers since 2021, more than any other town in the state.\n\n"
    "Residents watched from their doorways."
)
HIRED = "The mayor said the town hired 262 police officers since 2021, more than any other town in the state."
SPANISH = (
    "Escuinapa, Sinaloa\n\n"
    "El alcalde dijo que el pueblo contrató 262 policías desde 2021, más que cualquier otro municipio del estado.\n\n"
    "Los vecinos esperaron a la policía toda la noche."
)
ES_QUOTE = SPANISH.split("\n\n")[1]
OTHER = "Since 2021 the town has hired 262 police officers, more than anywhere else in the state, officials claimed."
OTHER_QUOTE = OTHER


def test_suggested_sentence_to_claim_with_suggested_speaker_to_accepted_spanish_counterpart(
    page,
    alice,
    carol,
    bob,
    mayor,
    jobs_inline,
):
    services.add_alias(user=alice, speaker=mayor, alias="the mayor")
    spanish = imported(carol, SPANISH, name="nota.txt", source="Noroeste")
    other = imported(bob, OTHER, name="other.txt", source="Valley Post")
    es_claim = claim_on(spanish, ES_QUOTE, carol)
    other_claim = claim_on(other, OTHER_QUOTE, bob)
    article = imported(alice, STORY)  # the import queues the scoring job, run here inline
    assert SentenceSuggestion.objects.filter(article=article, quote=HIRED).exists()

    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    suggested = page.locator("#suggested-section li.suggestion", has_text="262 police officers")
    expect(suggested).to_have_count(1)

    suggested.click()
    form = page.locator(".popover .claim-form")
    expect(form.locator(".form-quote")).to_contain_text("262 police officers")
    expect(form.locator(".speaker-suggested")).to_contain_text("Suggested", timeout=30_000)
    expect(form.locator(".speaker-input")).to_have_value(str(mayor))
    form.locator("button[type=submit]").click()
    expect(page.locator(".popover")).to_have_count(0)
    mine = Claim.objects.get(article=article)
    assert (mine.quote, mine.speaker) == (HIRED, mayor)
    assert SpeakerSuggestion.objects.get(claim=mine).accepted is True

    card = page.locator(f"#card-{mine.pk}")
    related = card.locator(".card-related")
    expect(related.locator(".related-summary")).to_have_text("Related (2)", timeout=30_000)
    related.locator(".related-summary").click()
    spanish_item = related.locator(".related-item", has_text="contrató 262")
    expect(spanish_item).to_contain_text("Noroeste")
    expect(spanish_item.locator(".related-score")).to_contain_text("score 0.")
    assert_accessible(page, "the reader after a suggestion became a claim, related claims open")
    spanish_item.locator("select").select_option("same_claim")
    spanish_item.locator(".related-accept").click()
    expect(card.locator(".card-link")).to_contain_text("contrató 262")
    link = ClaimLink.objects.get()
    assert {link.from_claim_id, link.to_claim_id} == {mine.pk, es_claim.pk}
    assert (link.relation, link.created_by) == ("same_claim", alice)

    related.locator(".related-item", has_text="anywhere else").locator(".related-dismiss").click()
    expect(related).to_be_hidden()
    pair = RelatedSuggestion.objects.get(from_claim__in=[mine, other_claim], to_claim__in=[mine, other_claim])
    assert pair.status == "dismissed"

    page.reload()
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    expect(page.locator(f"#card-{mine.pk} .card-link")).to_contain_text("contrató 262")
    page.wait_for_load_state("networkidle")
    expect(page.locator(f"#card-{mine.pk} .card-related")).to_be_hidden()

    page.goto(f"/articles/{spanish.pk}/")
    expect(page.locator(f"#card-{es_claim.pk} .card-link")).to_contain_text("262 police officers")
    page.goto(f"/claims/{mine.pk}/")
    expect(page.locator(".compare-links")).to_contain_text("contrató 262")
    expect(page.locator(".compare-suggested")).to_have_count(0)
    assert page.dialogs == []
