"""Discussion in the reader, in Chromium: expand a card's comments, post with an @mention picked from the
suggestions by keyboard, reply, resolve; hostile text stays text; axe on the expanded thread."""

from playwright.sync_api import expect

from articles import services
from articles.models import Notification
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in

HOSTILE = '<img src=x onerror=alert(1)><script>alert("x")</script>'


def test_it_discusses_a_claim_in_its_card(page, article, make_claim, alice, bob, carol):
    claim = make_claim(article, "the officers made a tactical retreat", user=alice)
    bob.first_name, bob.last_name = "Bob", "Checker"
    bob.save()
    services.add_comment(user=carol, claim=claim, text=HOSTILE)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    card = page.locator(f"#card-{claim.pk}")
    toggle = card.locator(".comments-toggle")
    expect(toggle).to_have_text("Comments (1)")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(card.locator(".comment-body").first).to_have_text(HOSTILE)  # text, not markup

    box = card.get_by_label("Add a comment")
    box.press_sequentially("Can you check this, @bo")
    options = card.locator(".mention-options [role=option]")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("@bob")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("Enter")  # picks the suggestion; does not post
    expect(box).to_have_value("Can you check this, @bob ")
    box.press_sequentially("please?")
    card.get_by_role("button", name="Post comment").click()
    expect(card.locator(".comment-thread")).to_have_count(2)
    expect(toggle).to_have_text("Comments (2)")
    expect(card.locator(".comment-thread").nth(1).locator(".comment-body")).to_have_text(
        "Can you check this, @bob please?"
    )
    assert Notification.objects.filter(recipient=bob, kind="mentioned").count() == 1
    assert_accessible(page, "reader, a card's comments expanded")

    thread = card.locator(".comment-thread").nth(1)
    thread.get_by_role("button", name="Reply").click()
    reply = thread.get_by_label("Reply to alice")
    reply.fill("Adding the police report too.")
    thread.get_by_role("button", name="Post reply").click()
    thread = card.locator(".comment-thread").nth(1)
    expect(thread.locator(".comment-replies .comment-body")).to_have_text("Adding the police report too.")
    thread.get_by_role("button", name="Resolve").click()
    expect(card.locator(".comment-thread").nth(1).locator(".thread-state")).to_have_text("Resolved by alice")
    expect(card.locator(".comment-thread").nth(1).get_by_role("button", name="Reopen")).to_be_visible()
    assert_accessible(page, "reader, a resolved thread")
    claim.refresh_from_db()
    assert claim.version == 1
    assert page.dialogs == []
