"""The reader in real Chromium, beyond writing claims: highlights and cards find each other, the address names a
claim, the panel filters, links are removed, and re-attaching works from the keyboard. No script error anywhere."""

from playwright.sync_api import expect

from articles import services
from articles.models import Claim, ClaimLink
from tests.browser.conftest import log_in
from tests.browser.test_reanchor_browser import NEW_WORDS, open_reader, revised_article

BODY = (
    "The harbour master said the sea wall had been inspected in March and found sound.\n\n"
    "According to the civil protection office, 340 homes were damaged and two bridges closed."
)
OUTER = "the sea wall had been inspected in March and found sound"
INNER = "inspected in March"
HOMES = "340 homes were damaged"


def watch_errors(page):
    """Script errors and static files (modules) that failed to load."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: "/static/" in response.url and response.status >= 400 and errors.append(response.url),
    )
    return errors


def claim_on(article, quote, user, **fields):
    start = article.body.index(quote)
    return services.create_claim(user=user, article=article, start=start, end=start + len(quote), quote=quote, **fields)


def test_it_steps_through_overlapping_highlights_follows_the_address_and_filters(page, alice):
    errors = watch_errors(page)
    article = services.create_article(user=alice, title="Sea wall", body=BODY)
    outer = claim_on(article, OUTER, alice, summary="The wall was sound.")
    inner = claim_on(article, INNER, alice, summary="Inspected in March.")
    homes = claim_on(article, HOMES, alice, summary="340 homes.", tags=["housing"])
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/#claim-{homes.pk}")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    expect(page.locator(f"#card-{homes.pk}")).to_have_class("claim-card is-selected")
    expect(page.locator("mark.is-selected")).to_have_text(HOMES)

    # Clicks on the overlap step from the innermost claim outward, and round again.
    overlap = page.locator("mark.hl", has_text=INNER)
    for expected in (inner, outer, inner):
        overlap.click()
        expect(page.locator(f"#card-{expected.pk}")).to_have_attribute("aria-current", "true")
    page.locator(f"#card-{outer.pk} .summary").click()
    expect(page.locator("mark.is-selected").first).to_contain_text("the sea wall")

    page.fill("#panel-filter", "housing")
    expect(page.locator(f"#card-{homes.pk}")).to_be_visible()
    expect(page.locator(f"#card-{outer.pk}")).to_be_hidden()
    page.fill("#panel-filter", "")
    expect(page.locator(f"#card-{outer.pk}")).to_be_visible()
    assert errors == [] and page.dialogs == []


def test_it_removes_a_link_from_a_card(page, alice):
    errors = watch_errors(page)
    article = services.create_article(user=alice, title="Sea wall", body=BODY)
    outer, homes = claim_on(article, OUTER, alice), claim_on(article, HOMES, alice)
    ClaimLink.objects.create(from_claim=outer, to_claim=homes, relation="supports", created_by=alice)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator(f"#card-{homes.pk} .link-count")).to_have_text("1 link")
    page.locator(f"#card-{outer.pk} .unlink").click()
    expect(page.locator("#panel-status")).to_contain_text("Link removed.")
    expect(page.locator(f"#card-{homes.pk} .link-count")).to_have_text("0 links")
    assert not ClaimLink.objects.exists()
    assert errors == []


def test_it_reattaches_from_the_keyboard(page, alice, erin):
    errors = watch_errors(page)
    article, orphan, _ = revised_article(alice, erin)
    open_reader(page, alice, article)
    page.locator(f"#card-{orphan.pk} .reattach-button").click()
    expect(page.locator("#reattach-banner")).to_be_visible()
    # Select NEW_WORDS with Shift + arrows from a caret placed just before them, then Enter.
    page.evaluate(
        """(words) => {
          const root = document.getElementById('article-text');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.data.indexOf(words);
            if (at >= 0) { window.getSelection().collapse(node, at); return; }
          }
        }""",
        NEW_WORDS,
    )
    for _ in NEW_WORDS:
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator("#reattach-banner")).to_have_count(0)
    expect(page.locator(".popover")).to_have_count(0)
    expect(page.locator("#panel-status")).to_contain_text("re-attached")
    assert Claim.objects.get(pk=orphan.pk).quote == NEW_WORDS
    assert errors == []
