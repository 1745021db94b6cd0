"""Real Chromium through Playwright's sync API against pytest-django's live_server.

Every test here is marked `browser` and skipped, with the reason, when /usr/bin/chromium or
Playwright is missing. Each test gets a fresh browser context (cookies, storage) and a transactional
database; the roles, created by a data migration and flushed between transactional tests, are restored.
"""

from pathlib import Path

import pytest

from articles.roles import ensure_roles
from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))
            elif sync_playwright is None:
                item.add_marker(pytest.mark.skip(reason="playwright (Python) is not installed"))


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """Put back the role groups that flushing the test database removes."""
    ensure_roles()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Any alert, confirm or prompt means a script ran that should not have.
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def log_in(page, user):
    page.goto("/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/articles/")


# Coordinates of the first and last character of `text` inside the reader's article text.
CHARACTER_BOXES = """([text, occurrence]) => {
  const root = document.getElementById('article-text');
  const whole = root.textContent;
  let at = -1;
  for (let i = 0; i <= occurrence; i++) { at = whole.indexOf(text, at + 1); }
  if (at < 0) { throw new Error('text not in article: ' + text); }
  function locate(offset) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node; let seen = 0;
    while ((node = walker.nextNode())) {
      if (seen + node.length > offset) { return [node, offset - seen]; }
      seen += node.length;
    }
  }
  locate(at)[0].parentElement.scrollIntoView({block: 'center'});
  function box(offset, width) {
    const [node, inner] = locate(offset);
    const range = document.createRange();
    range.setStart(node, inner); range.setEnd(node, inner + width);
    const r = range.getBoundingClientRect();
    return {left: r.left, right: r.right, y: r.top + r.height / 2};
  }
  const lastWidth = /[\\uDC00-\\uDFFF]/.test(whole[at + text.length - 1]) ? 2 : 1;
  return {first: box(at, 1), last: box(at + text.length - lastWidth, lastWidth)};
}"""


def select_with_mouse(page, text, occurrence=0):
    """Drag the mouse from the first to the last character of `text` in the article, like a reader does."""
    boxes = page.evaluate(CHARACTER_BOXES, [text, occurrence])
    page.mouse.move(boxes["first"]["left"] + 1, boxes["first"]["y"])
    page.mouse.down()
    page.mouse.move(boxes["last"]["right"] - 1, boxes["last"]["y"], steps=8)
    page.mouse.up()


@pytest.fixture
def jobs_inline():
    """Run queue tasks in the process that queues them (the live server's thread), once the write commits."""
    from huey.contrib.djhuey import HUEY

    from articles.services import related as related_service  # (imported once Django is set up)

    storage = HUEY.storage
    related_service.forget_index()
    HUEY.immediate = True
    yield
    HUEY.immediate = False
    HUEY.storage = storage
    related_service.forget_index()
