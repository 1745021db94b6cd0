"""The reader after an article is revised, in real Chromium: re-attach an orphaned claim, confirm a relocated one."""

from playwright.sync_api import expect

from articles import services
from articles.models import Claim
from tests.browser.conftest import log_in, select_with_mouse

BODY = (
    "Puerto Lindo, Sinaloa\n\n"
    "The harbour master said the sea wall had been inspected in March and found sound.\n\n"
    "According to the civil protection office, 340 homes were damaged and two bridges closed.\n\n"
    "Residents said the water reached the market square before dawn."
)
WALL = "the sea wall had been inspected in March and found sound"
FIGURE = "340 homes were damaged"
REVISED = BODY.replace(
    "The harbour master said the sea wall had been inspected in March and found sound.",
    "The harbour master admitted that nobody had inspected the sea wall since 2019.",
).replace("340 homes", "430 homes")
NEW_WORDS = "nobody had inspected the sea wall since 2019"


def revised_article(alice, erin):
    article = services.create_article(user=alice, title="Flood in Puerto Lindo", body=BODY)
    claims = {}
    for quote in (WALL, FIGURE):
        start = BODY.index(quote)
        claims[quote] = services.create_claim(
            user=alice, article=article, start=start, end=start + len(quote), quote=quote, summary=f"Says: {quote}"
        )
    services.revise_article(user=erin, article=article, body=REVISED, reason="outlet corrected the story")
    assert Claim.objects.get(pk=claims[WALL].pk).anchor_state == "orphaned"
    assert Claim.objects.get(pk=claims[FIGURE].pk).anchor_state == "relocated"
    return article, claims[WALL], claims[FIGURE]


def open_reader(page, user, article):
    log_in(page, user)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")


def test_it_reattaches_an_orphaned_claim_by_selecting_text_and_confirms_a_relocated_one(page, alice, erin):
    article, orphan, relocated = revised_article(alice, erin)
    open_reader(page, alice, article)

    orphaned_card = page.locator(f"#orphaned-section #card-{orphan.pk}")
    expect(orphaned_card).to_contain_text(WALL)  # the old quote, kept
    expect(orphaned_card.locator(".confirm-button")).to_have_count(0)
    orphaned_card.locator(".reattach-button").click()
    expect(page.locator("#reattach-banner")).to_contain_text("Select the words")

    select_with_mouse(page, NEW_WORDS)
    expect(page.locator("#reattach-banner")).to_have_count(0)
    expect(page.locator(".popover")).to_have_count(0)  # no "new claim" form for this selection
    expect(page.locator("#panel-status")).to_contain_text("re-attached")
    expect(page.locator("#orphaned-section")).to_be_hidden()
    reattached = Claim.objects.get(pk=orphan.pk)
    assert (reattached.anchor_state, reattached.quote) == ("anchored", NEW_WORDS)
    assert reattached.start == REVISED.index(NEW_WORDS)
    assert reattached.summary == f"Says: {WALL}" and Claim.objects.count() == 2
    expect(page.locator(f"mark.hl[data-claims~='{orphan.pk}']").first).to_be_visible()

    relocated_card = page.locator(f"#card-{relocated.pk}")
    expect(relocated_card.locator(".badges")).to_contain_text("relocated")
    expect(relocated_card.locator(".quote")).to_contain_text("430 homes were damaged")
    relocated_card.locator(".confirm-button").click()
    expect(relocated_card.locator(".reanchor-row")).to_have_count(0)
    expect(relocated_card.locator(".badges")).not_to_contain_text("relocated")
    confirmed = Claim.objects.get(pk=relocated.pk)
    assert (confirmed.anchor_state, confirmed.quote) == ("anchored", "430 homes were damaged")
    assert page.dialogs == []


def test_it_cancels_reattaching_with_escape_and_then_offers_a_new_claim_again(page, alice, erin):
    article, orphan, _ = revised_article(alice, erin)
    open_reader(page, alice, article)
    page.locator(f"#card-{orphan.pk} .reattach-button").click()
    expect(page.locator("#reattach-banner")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#reattach-banner")).to_have_count(0)
    select_with_mouse(page, NEW_WORDS)
    expect(page.locator(".popover .claim-form")).to_be_visible()  # the ordinary "new claim" form
    assert Claim.objects.get(pk=orphan.pk).anchor_state == "orphaned"


def test_it_shows_no_reattach_or_confirm_buttons_to_another_annotator(page, alice, carol, erin):
    article, orphan, relocated = revised_article(alice, erin)
    open_reader(page, carol, article)
    expect(page.locator(f"#card-{orphan.pk}")).to_contain_text(WALL)
    expect(page.locator(".reattach-button")).to_have_count(0)
    expect(page.locator(".confirm-button")).to_have_count(0)


def test_it_lets_an_editor_confirm_anyones_relocation(page, alice, erin):
    article, _, relocated = revised_article(alice, erin)
    open_reader(page, erin, article)
    page.locator(f"#card-{relocated.pk} .confirm-button").click()
    expect(page.locator("#panel-status")).to_contain_text("Relocation confirmed")
    assert Claim.objects.get(pk=relocated.pk).anchor_state == "anchored"
