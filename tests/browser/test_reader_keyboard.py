"""The reader from the keyboard (reader/keyboard.js) and on a touch screen (reader/touch.js).

The keyboard selection starts where the reader is reading, steps by word and sentence, is taken only
when finished; Enter in the speaker combobox picks; focus follows saves and Escape; "?" lists the keys;
a claim is created, linked and deleted with the keyboard alone; on a phone "Add claim" sits by the words.
"""

import re

import pytest
from playwright.sync_api import expect

from articles import services
from articles.models import Claim, ClaimLink, Speaker
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in

SENTENCE = "The mayor said the officers made a tactical retreat to avoid a bloodbath."
# A story long enough to scroll: every paragraph says where it is.
LONG_BODY = "\n\n".join(
    f"Paragraph {n} opens here. The council said item {n} would cost {n} million pesos. Critics called it low."
    for n in range(1, 61)
)

SELECTED = "() => window.getSelection().toString()"
ACTIVE = "() => document.activeElement && (document.activeElement.id || document.activeElement.className)"
# The selection's first line box and the visible top of the text (inside the pane, or below the sticky top bar).
SELECTION_TOP = """() => {
  const range = window.getSelection().getRangeAt(0);
  const first = range.getClientRects()[0];
  const pane = document.querySelector('.reader-article');
  const scrolls = pane.scrollHeight > pane.clientHeight && getComputedStyle(pane).overflowY === 'auto';
  const bar = document.querySelector('.topbar').getBoundingClientRect();
  const top = scrolls ? Math.max(0, pane.getBoundingClientRect().top) : bar.bottom;
  return {selection: first.top, visible: top};
}"""


# Scroll the text (its pane on a wide screen, the page on a phone) so a character sits mid-screen.
CENTRE = """
function centre(node, at) {
  const range = document.createRange();
  range.setStart(node, at); range.setEnd(node, at + 1);
  const pane = document.querySelector('.reader-article');
  const scrolls = pane.scrollHeight > pane.clientHeight && getComputedStyle(pane).overflowY === 'auto';
  const frame = scrolls ? pane.getBoundingClientRect() : {top: 0, height: window.innerHeight};
  (scrolls ? pane : window).scrollBy(0, range.getBoundingClientRect().top - frame.top - frame.height / 2);
}
"""


def open_reader(page, user, article):
    log_in(page, user)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")


def put_caret_before(page, words):
    """Collapse the selection just before `words` in the article text, as a click there would."""
    page.evaluate(
        """(words) => {"""
        + CENTRE
        + """
          const root = document.getElementById('article-text');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.data.indexOf(words);
            if (at >= 0) { window.getSelection().collapse(node, at); centre(node, at); return; }
          }
          throw new Error('not in the text: ' + words);
        }""",
        words,
    )


def word_box(page, words):
    """Viewport coordinates of the middle of the first character of `words`."""
    return page.evaluate(
        """(words) => {"""
        + CENTRE
        + """
          const root = document.getElementById('article-text');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.data.indexOf(words);
            if (at < 0) { continue; }
            centre(node, at);
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + 1);
            const r = range.getBoundingClientRect();
            return {x: r.left + 1, y: r.top + r.height / 2};
          }
          throw new Error('not in the text: ' + words);
        }""",
        words,
    )


def tab_to(page, selector, limit=40):
    """Press Tab until the focused element matches `selector` (keyboard only, like a user)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("width", [1400, 390])
def test_it_starts_the_selection_at_the_reading_position_of_a_scrolled_article(page, alice, make_article, width):
    article = make_article(LONG_BODY)
    page.set_viewport_size({"width": width, "height": 800})
    open_reader(page, alice, article)
    # Read down to paragraph 30: on a wide screen the text pane scrolls, on a phone the page does, under a
    # top bar made sticky here (the caret must not be found under it). Paragraph 29 ends hidden under the bar.
    page.evaluate(
        """() => {
          const bar = document.querySelector('.topbar');
          bar.style.position = 'sticky'; bar.style.top = '0'; bar.style.zIndex = '30';
          const root = document.getElementById('article-text');
          // The text is drawn a line per block (highlights.js): the text node holding the words.
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode()) && node.data.indexOf('Paragraph 30 ') < 0) {}
          const at = node.data.indexOf('Paragraph 30 ');
          const range = document.createRange();
          range.setStart(node, at); range.setEnd(node, at + 1);
          const pane = document.querySelector('.reader-article');
          const scrolls = pane.scrollHeight > pane.clientHeight && getComputedStyle(pane).overflowY === 'auto';
          const top = scrolls ? pane.getBoundingClientRect().top : bar.getBoundingClientRect().height;
          (scrolls ? pane : window).scrollBy(0, range.getBoundingClientRect().top - top - 3);
        }"""
    )
    page.locator("#article-text").focus()
    expect(page.locator(".text-caret")).to_be_visible()
    for _ in range(2):
        page.keyboard.press("Control+Shift+ArrowRight")
    selected = page.evaluate(SELECTED)
    assert selected.strip().startswith("Paragraph 30"), selected
    boxes = page.evaluate(SELECTION_TOP)
    assert boxes["visible"] - 1 <= boxes["selection"] <= boxes["visible"] + 60, boxes
    expect(page.locator("#add-claim-button")).to_be_enabled()
    page.keyboard.press("Enter")
    quote = page.locator(".popover .form-quote")
    expect(quote).to_contain_text("Paragraph 30")
    expect(page.locator(".popover")).to_be_in_viewport()


def test_it_steps_by_word_and_sentence(page, alice, article, make_claim):
    deaths = make_claim(article, "eight or ten deaths", user=alice)
    open_reader(page, alice, article)
    put_caret_before(page, "video shows")
    page.locator("#article-text").focus()
    page.keyboard.press("BracketRight")  # to the next sentence: "The mayor said…"
    page.keyboard.press("Shift+BracketRight")  # extend to the end of that sentence
    assert page.evaluate(SELECTED) == SENTENCE
    page.keyboard.press("Escape")
    assert page.evaluate(SELECTED) == ""
    page.keyboard.press("BracketLeft")  # back to the start of this sentence
    page.keyboard.press("Control+Shift+ArrowRight")
    page.keyboard.press("Control+Shift+ArrowRight")
    assert page.evaluate(SELECTED).strip() == "The mayor"
    page.keyboard.press("Shift+ArrowLeft")
    assert page.evaluate(SELECTED).strip() == "The mayo"
    # Enter on a highlight, with nothing selected, goes to the claim's card.
    put_caret_before(page, "ten deaths")
    page.keyboard.press("Enter")
    expect(page.locator(f"#card-{deaths.pk}")).to_be_focused()
    expect(page.locator(".popover")).to_have_count(0)


def test_enter_in_the_speaker_combobox_picks_and_never_saves(page, alice, article, mayor):
    open_reader(page, alice, article)
    put_caret_before(page, SENTENCE)
    page.locator("#article-text").focus()
    page.keyboard.press("Shift+BracketRight")
    page.keyboard.press("Enter")
    speaker = page.locator(".popover .speaker-input")
    expect(speaker).to_be_focused()
    speaker.press_sequentially("Busta")
    page.keyboard.press("Enter")  # nothing highlighted yet: nothing happens
    expect(page.locator(".popover .speaker-options .option").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    first = page.locator(".speaker-options .option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(speaker).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    page.keyboard.press("Enter")
    expect(speaker).to_have_value(re.compile(r"^Bonifacio Bustamante"))
    expect(page.locator(".popover")).to_be_visible()
    assert not Claim.objects.exists()
    assert Speaker.objects.count() == 1
    page.keyboard.press("Tab")
    page.keyboard.type("A retreat, not a flight.")
    page.locator(".popover button[type=submit]").click()
    expect(page.locator(".popover")).to_have_count(0)
    claim = Claim.objects.get()
    assert claim.speaker == mayor and claim.quote == SENTENCE


def test_a_click_then_fast_shift_arrows_waits_for_the_keys(page, alice, article):
    open_reader(page, alice, article)
    box = word_box(page, "tactical retreat")
    page.mouse.click(box["x"], box["y"])
    page.keyboard.down("Shift")
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    # Shift is still down: the selection is not finished, nothing is offered or saved.
    expect(page.locator("#add-claim-button")).to_be_disabled()
    page.keyboard.press("Enter")
    expect(page.locator(".popover")).to_have_count(0)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.up("Shift")
    expect(page.locator("#add-claim-button")).to_be_enabled()
    expect(page.locator("#selection-status")).to_contain_text("2 words selected")
    assert page.locator(".popover").count() == 0 and not Claim.objects.exists()
    page.keyboard.press("Enter")
    expect(page.locator(".popover .form-quote")).to_have_text("“tactical r”")
    page.locator(".popover button[type=submit]").click()
    expect(page.locator(".popover")).to_have_count(0)
    assert Claim.objects.get().quote == "tactical r"


def test_focus_goes_to_the_new_card_after_saving_and_back_to_the_text_after_escape(page, alice, article):
    open_reader(page, alice, article)
    put_caret_before(page, SENTENCE)
    page.locator("#article-text").focus()
    page.keyboard.press("Shift+BracketRight")
    page.keyboard.press("Enter")
    expect(page.locator(".popover .speaker-input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".popover")).to_have_count(0)
    expect(page.locator("#article-text")).to_be_focused()
    assert page.evaluate(SELECTED) == SENTENCE  # the selection is back where it was
    page.keyboard.press("Enter")
    page.locator(".popover [name=summary]").fill("A planned retreat.")
    page.locator(".popover [name=tags]").press("Enter")
    expect(page.locator(".popover")).to_have_count(0)
    claim = Claim.objects.get()
    expect(page.locator(f"#card-{claim.pk}")).to_be_focused()
    # Editing from the card: Escape goes back to its Edit button.
    tab_to(page, f"#card-{claim.pk} .edit-button")
    page.keyboard.press("Enter")
    expect(page.locator(f"#card-{claim.pk} .claim-form textarea")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(f"#card-{claim.pk} .edit-button")).to_be_focused()


def test_question_mark_opens_the_shortcuts_dialog(page, alice, article):
    open_reader(page, alice, article)
    page.locator("#article-text").focus()
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert_accessible(page, "reader, shortcuts dialog open")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#article-text")).to_be_focused()
    # Typing "?" in a field types it; the button opens the dialog too and Close returns to it.
    page.locator("#panel-filter").press("?")
    expect(dialog).to_be_hidden()
    page.locator("#shortcuts-button").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#shortcuts-button")).to_be_focused()


def test_a_claim_is_created_linked_and_deleted_with_the_keyboard_only(page, alice, carol, make_article):
    report = make_article()
    other = make_article("A civic group replied that the police simply abandoned the town.", title="The reply")
    start = other.body.index("the police simply abandoned the town")
    target = services.create_claim(
        user=carol, article=other, start=start, end=start + 36, quote=other.body[start : start + 36]
    )
    log_in(page, alice)
    page.goto(f"/articles/{report.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    tab_to(page, "#article-text")
    for key in ["BracketRight", "Shift+BracketRight", "Enter"]:
        page.keyboard.press(key)
    expect(page.locator(".popover .speaker-input")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("Officers retreated to avoid deaths.")
    page.keyboard.press("Tab")
    page.keyboard.type("police")
    page.keyboard.press("Enter")
    expect(page.locator(".popover")).to_have_count(0)
    claim = Claim.objects.get(article=report)
    assert claim.quote == SENTENCE and [tag.name for tag in claim.tags.all()] == ["police"]
    expect(page.locator(f"#card-{claim.pk}")).to_be_focused()

    tab_to(page, f"#card-{claim.pk} .link-button")
    page.keyboard.press("Enter")
    expect(page.locator(".link-form [name=q]")).to_be_focused()
    page.keyboard.type("abandoned")
    result = page.locator(".link-form .result-button")
    expect(result).to_have_count(1)
    tab_to(page, ".link-form .result-button")
    page.keyboard.press("Enter")
    expect(result).to_have_attribute("aria-pressed", "true")
    tab_to(page, ".link-form [type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".link-form")).to_have_count(0)
    expect(page.locator(f"#card-{claim.pk}")).to_be_focused()
    assert ClaimLink.objects.filter(from_claim=claim, to_claim=target).exists()

    tab_to(page, f"#card-{claim.pk} .delete-button")
    page.keyboard.press("Enter")
    expect(page.locator(f"#card-{claim.pk}")).to_have_count(0)
    expect(page.locator("#panel-status button")).to_be_focused()  # Undo, right there
    assert Claim.objects.get(pk=claim.pk).is_deleted
    assert page.dialogs == []


def test_on_a_phone_add_claim_follows_the_selection(browser, live_server, alice, make_article):
    article = make_article(LONG_BODY)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        open_reader(page, alice, article)
        words = "The council said item 5 would cost 5 million pesos."
        box = word_box(page, words)
        page.touchscreen.tap(box["x"], box["y"])
        # A long press selects on a real phone; here the selection is made as the handles would leave it.
        page.evaluate(
            """(words) => {
              const root = document.getElementById('article-text');
              const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
              let node;
              while ((node = walker.nextNode()) && node.data.indexOf(words) < 0) {}
              const at = node.data.indexOf(words);
              window.getSelection().setBaseAndExtent(node, at, node, at + words.length);
            }""",
            words,
        )
        control = page.locator(".add-claim-float")
        expect(control).to_be_visible()
        expect(control).to_be_in_viewport()
        gap = page.evaluate(
            """() => {
              const words = window.getSelection().getRangeAt(0).getBoundingClientRect();
              const control = document.querySelector('.add-claim-float').getBoundingClientRect();
              return control.top - words.bottom;
            }"""
        )
        assert 0 <= gap <= 40, gap
        panel_button = page.locator("#add-claim-button").bounding_box()
        # The panel's own button is far below the text on a phone (the issue measured 1,100 px).
        assert panel_button["y"] - page.locator(".add-claim-float").bounding_box()["y"] > 1000
        control.tap()
        expect(page.locator(".popover .form-quote")).to_contain_text(words)
        expect(page.locator(".popover")).to_be_in_viewport()
        expect(control).to_be_hidden()
    finally:
        context.close()
