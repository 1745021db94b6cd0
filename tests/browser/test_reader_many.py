"""The reader with many claims, in Chromium: the text drawn a line per block still spells the article and marks
every claim (one crossing paragraphs in pieces), the cards come a screenful first and then all of them, in text
order, and a click, the filter and the address reach any card (issue 15, "The reader under 200 ms")."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in

PARAGRAPHS = 120
BODY = "\n\n".join(f"Paragraph {n}: the council said item {n} would cost {n} million pesos." for n in range(PARAGRAPHS))
CROSSING = "cost 7 million pesos.\n\nParagraph 8: the council"
# Runs before the page's scripts: the size of each batch of cards put into the panel's list.
RECORD_BATCHES = """
window.__batches = [];
new MutationObserver(function (records) {
  records.forEach(function (record) {
    const cards = Array.from(record.addedNodes).filter(function (node) { return node.nodeType === 1; });
    if (record.target.id === 'claim-cards' && cards.length) { window.__batches.push(cards.length); }
  });
}).observe(document, { childList: true, subtree: true });
"""


def test_it_draws_many_claims_and_makes_every_card_in_text_order(page, alice, make_article, make_claim):
    article = make_article(BODY)
    claims = [make_claim(article, f"item {n} would cost {n} million pesos", user=alice) for n in range(PARAGRAPHS)]
    crossing = make_claim(article, CROSSING, user=alice)
    page.context.add_init_script(RECORD_BATCHES)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")

    text = page.locator("#article-text")
    assert text.evaluate("(root) => root.textContent") == BODY
    expect(text.locator(":scope > .text-line")).to_have_count(BODY.count("\n") + 1)
    marked = text.evaluate(
        """(root) => {
          const pieces = {};
          root.querySelectorAll('mark.hl').forEach(function (mark) {
            mark.dataset.claims.split(' ').forEach(function (id) { pieces[id] = (pieces[id] || 0) + 1; });
          });
          return pieces;
        }"""
    )
    assert sorted(int(claim_id) for claim_id in marked) == sorted(claim.pk for claim in [*claims, crossing])
    # The claim crossing two paragraphs: in pieces on three lines (the end of one, the blank one, the start of
    # the next) that read as its quote.
    pieces = text.evaluate(
        """(root, id) => Array.from(root.querySelectorAll('mark.hl')).filter(function (mark) {
          return mark.dataset.claims.split(' ').includes(String(id));
        }).map(function (mark) {
          return [mark.textContent, Array.from(root.children).indexOf(mark.parentElement)];
        })""",
        crossing.pk,
    )
    assert "".join(piece for piece, _ in pieces) == CROSSING
    assert len({line for _, line in pieces}) == 3

    cards = page.locator("#claim-cards > .claim-card")
    expect(cards).to_have_count(PARAGRAPHS + 1)
    in_order = sorted([*claims, crossing], key=lambda claim: (claim.start, claim.end, claim.pk))
    assert cards.evaluate_all("(cards) => cards.map((card) => Number(card.dataset.claim))") == [
        claim.pk for claim in in_order
    ]
    batches = page.evaluate("window.__batches")
    assert sum(batches) == PARAGRAPHS + 1
    assert len(batches) >= 2 and batches[0] <= 20, batches  # a screenful first (900 px / 60), then the rest

    last = claims[-1]
    mark = text.locator(f"mark.hl[data-claims='{last.pk}']")
    mark.scroll_into_view_if_needed()
    mark.click()
    expect(page.locator(f"#card-{last.pk}")).to_have_attribute("aria-current", "true")
    expect(page.locator(f"#card-{last.pk}")).to_be_in_viewport()

    page.locator("#panel-filter").fill("item 117 would")
    expect(page.locator("#claim-cards > .claim-card:visible")).to_have_count(1)
    expect(page.locator(f"#card-{claims[117].pk}")).to_be_visible()


def test_it_opens_at_the_claim_the_address_names_among_many(page, alice, make_article, make_claim):
    article = make_article(BODY)
    claims = [make_claim(article, f"item {n} would cost {n} million pesos", user=alice) for n in range(PARAGRAPHS)]
    named = claims[100]
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/#claim-{named.pk}")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    expect(page.locator(f"#card-{named.pk}")).to_have_attribute("aria-current", "true")
    expect(page.locator(f"#card-{named.pk}")).to_be_in_viewport()
    expect(page.locator(f"#article-text mark.is-selected[data-claims='{named.pk}']")).to_be_in_viewport()
