"""The Content-Security-Policy in real Chromium: the reader, the admin and the public verdict page work
under it with no violation, and a script injected into a page is blocked and reported (issue 16)."""

from playwright.sync_api import expect

from articles.models import Verdict
from tests.browser.conftest import log_in, select_with_mouse
from tests.verdict_helpers import make_verdict

QUOTE = "We could have had eight or ten deaths"
# Runs before any page script: records every violation the browser reports to the page.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + (event.blockedURI || '') + ' ' + (event.sample || ''));
});
"""


def watch(page):
    page.context.add_init_script(RECORD_VIOLATIONS)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    return messages


def violations(page, console) -> list[str]:
    reported = page.evaluate("window.__violations || []")
    return reported + [text for text in console if "Content Security Policy" in text]


def test_it_runs_the_reader_under_the_policy(page, alice, article):
    console = watch(page)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    select_with_mouse(page, QUOTE)
    expect(page.locator(".popover .claim-form")).to_be_visible()
    assert violations(page, console) == []


def test_it_runs_the_admin_under_the_policy(page, erin, make_claim, article, alice, bob, frank):
    claim = make_claim(article, QUOTE, user=alice)
    verdict = make_verdict(claim, author=bob, editor=frank, state=Verdict.State.IN_REVIEW)
    console = watch(page)
    log_in(page, erin)
    page.goto(f"/admin/articles/verdict/{verdict.pk}/change/")
    expect(page.locator(".workflow-panel")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.workflow-panel')).borderTopStyle") == "solid"
    page.goto("/admin/articles/verdict/dashboard/")
    expect(page.locator(".dash")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.dash')).display") == "grid"
    page.goto("/admin/articles/claim/")
    expect(page.locator("#result_list")).to_be_visible()
    assert violations(page, console) == []


def test_it_shows_the_public_verdict_page_under_the_policy_and_blocks_an_injected_script(
    page, article, make_claim, alice, bob, erin, caplog
):
    claim = make_claim(article, QUOTE, user=alice)
    verdict = make_verdict(claim, author=bob, editor=erin, state=Verdict.State.PUBLISHED)
    console = watch(page)
    page.goto(f"/verdicts/{verdict.pk}/")
    expect(page.locator("h1")).to_have_text(verdict.headline)
    assert page.evaluate("getComputedStyle(document.querySelector('.verdict-page')).borderTopStyle") == "solid"
    assert violations(page, console) == []

    page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'window.__injected = true; alert("xss")';
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__injected === undefined")
    assert page.dialogs == []
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
    # The browser POSTs the report to /csp-report/, which logs it.
    page.wait_for_timeout(500)
    for _ in range(20):
        if "CSP violation" in caplog.text:
            break
        page.wait_for_timeout(250)
    assert "CSP violation" in caplog.text
