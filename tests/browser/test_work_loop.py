"""The whole loop with five people in real Chromium: from a highlight to a published verdict.

alice (annotator) highlights a claim; erin (editor) assigns it to bob (fact-checker) from the claim's page;
bob finds it in My work, writes the verdict from the reader's card and submits it; frank (a second editor)
requests changes; bob reads why in his inbox and on the verdict, revises and resubmits; erin approves and
publishes; the card shows the rating. dave (another fact-checker) meanwhile finds the verdict under way on
the card instead of starting a second one. Each step's notification lands in the right inbox, and the
e-mail digests (the queue's task, run here at once instead of minutes later) hold the right lines.
"""

import re
from contextlib import ExitStack

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from articles import services, tasks
from articles.models import Assignment, Claim, Notification, Verdict
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in, select_with_mouse
from tests.browser.test_reader import REPORT, SENTENCE, imported
from tests.conftest import make_user

REASON = "Name the register the 'fifty gunmen' figure comes from."
HEADLINE = "No record supports the mayor's fifty gunmen"


@pytest.fixture
def desk_of(browser, live_server):
    """desk_of(user): a browser of that person's own (cookies apart), logged in to the desk."""
    with ExitStack() as stack:

        def open_desk(user):
            context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=live_server.url)
            stack.callback(context.close)
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("dialog", lambda dialog: dialog.dismiss())
            log_in(page, user)
            return page

        yield open_desk


@pytest.fixture
def digests_asked():
    """The people whose e-mail digest the desk asked the queue for, in order (after each commit)."""
    asked = []

    def listen(sender, recipient_ids, **kwargs):
        asked.extend(recipient_ids)

    services.notifications_created.connect(listen)
    yield asked
    services.notifications_created.disconnect(listen)


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("created_at", "id").values_list("kind", flat=True))


def card_of(page, claim):
    return page.locator(f"#card-{claim.pk}")


def open_reader(page, article):
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")


def run_step(page, label, reason=""):
    """Press a workflow button on the admin's verdict page (with the reason, when the step needs one)."""
    if reason:
        page.fill("#id_workflow_reason", reason)
    page.locator(".workflow-panel button", has_text=label).click()
    expect(page.locator(".messagelist")).to_contain_text("Verdict #")


def test_a_claim_goes_from_highlight_to_published_verdict_between_five_people(
    desk_of, digests_asked, mailoutbox, alice, bob, erin, frank
):
    dave = make_user("dave", "Fact-checker")
    for person in (alice, bob, erin, frank, dave):
        User.objects.filter(pk=person.pk).update(email=f"{person.username}@desk.example.org")
    article = imported(alice, REPORT)

    # 1. alice highlights the claim in the reader.
    annotator = desk_of(alice)
    open_reader(annotator, article)
    select_with_mouse(annotator, SENTENCE)
    form = annotator.locator(".popover .claim-form")
    form.locator("[name=summary]").fill("The mayor says the police retreat spared a massacre.")
    form.locator("button[type=submit]").click()
    expect(annotator.locator(".popover")).to_have_count(0)
    claim = Claim.objects.get()
    card = card_of(annotator, claim)
    expect(card.locator(".claim-status")).to_have_text("No verdict")
    expect(card.locator(".verdict-action")).to_be_hidden()  # annotators do not write verdicts

    # 2. erin assigns it to bob from the claim's page (the admin's add form, the claim filled in).
    editor = desk_of(erin)
    editor.goto(claim.get_absolute_url())
    assert_accessible(editor, "compare page with Write verdict and Assign…")
    editor.get_by_role("link", name="Assign…").click()
    expect(editor.locator("#id_claim")).to_have_value(str(claim.pk))
    editor.select_option("#id_assignee", label="bob")
    editor.fill("#id_due", "2031-05-01")
    editor.fill("#id_note", "Before Friday's edition, please.")
    editor.locator("input[name=_save]").click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    assignment = Assignment.objects.get()
    assert (assignment.claim_id, assignment.assignee_id, assignment.done_at) == (claim.pk, bob.pk, None)

    # 3. bob finds it in My work and writes the verdict from the reader's card.
    checker = desk_of(bob)
    expect(checker.get_by_role("link", name=re.compile(r"^Inbox"))).to_contain_text("1")
    checker.get_by_role("link", name=re.compile(r"^My work")).click()
    claims_to_check = checker.locator("section", has=checker.locator("#work-claims"))
    expect(claims_to_check).to_contain_text("tactical retreat")
    expect(claims_to_check).to_contain_text("due 1 May 2031 · from erin")
    claims_to_check.get_by_role("link", name=re.compile("tactical retreat")).click()
    checker.get_by_role("link", name="Open in reader").click()
    expect(checker.locator("#article-text")).to_have_attribute("data-ready", "true")
    card = card_of(checker, claim)
    expect(card.locator(".claim-status")).to_have_text("No verdict")
    assert_accessible(checker, "reader card with Write verdict")
    card.get_by_role("link", name="Write verdict").click()
    expect(checker.locator("#claim-preview-heading")).to_have_text(f"New verdict on claim #{claim.pk}")
    checker.select_option("#id_rating", "false")
    checker.fill("#id_headline", "The mayor's figure")
    checker.fill("#id_explanation", "No register counts fifty gunmen in Escuinapa that day.")
    checker.fill("#id_evidence-0-url", "https://records.example.org/escuinapa/2024-06")
    checker.fill("#id_evidence-0-title", "State incident register")
    checker.locator("input[name=_continue]").click()
    expect(checker.locator(".workflow-panel .state")).to_have_text("Draft")
    verdict = Verdict.objects.get()
    assert (verdict.claim_id, verdict.author_id) == (claim.pk, bob.pk)

    # dave, another fact-checker, sees the draft on the card: he opens it rather than starting a second one.
    other_checker = desk_of(dave)
    open_reader(other_checker, article)
    expect(card_of(other_checker, claim).locator(".claim-status")).to_have_text("Draft by bob")
    expect(card_of(other_checker, claim).locator(".verdict-action")).to_have_text("Open verdict")

    run_step(checker, "Submit for review")
    expect(checker.locator(".workflow-panel .state")).to_have_text("In review")

    # 4. frank, a second editor, finds it waiting for his review and requests changes with a reason.
    reviewer = desk_of(frank)
    reviewer.get_by_role("link", name=re.compile(r"^My work")).click()
    waiting = reviewer.locator("section", has=reviewer.locator("#work-review"))
    waiting.get_by_role("link", name=re.compile("The mayor's figure")).click()
    run_step(reviewer, "Request changes", REASON)
    expect(reviewer.locator(".workflow-panel .state")).to_have_text("Changes requested")

    # 5. bob reads why in his inbox, on the verdict's page and on the card; he revises and resubmits.
    checker.goto("/articles/")
    checker.get_by_role("link", name=re.compile(r"^Inbox")).click()
    expect(checker.locator(".inbox")).to_contain_text(f"The mayor's figure needs changes: {REASON}")
    checker.locator(".inbox button", has_text="needs changes").click()  # marks it read and opens the verdict
    expect(checker.locator(".changes-reason")).to_contain_text(REASON)
    open_reader(checker, article)
    card = card_of(checker, claim)
    expect(card.locator(".claim-status")).to_have_text("Changes requested")
    expect(card.locator(".status-reason")).to_have_text(f"Editor's reason: {REASON}")
    assert_accessible(checker, "reader card with changes requested, its reason and Open verdict")
    card.get_by_role("link", name="Open verdict").click()
    checker.fill("#id_headline", HEADLINE)
    checker.locator("input[name=_continue]").click()
    expect(checker.locator(".messagelist")).to_contain_text("changed successfully")
    run_step(checker, "Submit for review")

    # 6. erin approves and publishes.
    editor.goto("/work/")
    editor.locator("section", has=editor.locator("#work-review")).get_by_role("link", name=re.compile(HEADLINE)).click()
    run_step(editor, "Approve")
    expect(editor.locator(".workflow-panel .state")).to_have_text("Approved")
    run_step(editor, "Publish")
    expect(editor.locator(".workflow-panel .state")).to_have_text("Published")

    # 7. The card shows the published rating; the claim's check is done.
    open_reader(annotator, article)
    card = card_of(annotator, claim)
    expect(card.locator(".claim-status")).to_have_text("Published: False")
    expect(card.locator(".badges .verdict")).to_have_text("False")
    assert Assignment.objects.get().done_at is not None

    # 8. Every step told the people it concerns, and nobody else, never the person who took it.
    assert kinds_of(bob) == ["assigned", "changes_requested", "approved", "published"]
    assert kinds_of(erin) == ["submitted", "submitted"]  # every editor, the assigned reviewer being none
    assert kinds_of(frank) == ["submitted", "submitted"]
    assert kinds_of(alice) == kinds_of(dave) == []

    # 9. The queue's digest task, run now rather than minutes later: one e-mail per person for the burst.
    for person_id in dict.fromkeys(digests_asked):
        tasks.send_notification_digest.call_local(person_id)
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_recipient) == ["bob@desk.example.org", "erin@desk.example.org", "frank@desk.example.org"]
    assert len(mailoutbox) == 3
    bob_mail = by_recipient["bob@desk.example.org"].body
    assert "Claim to check:" in bob_mail and "(due 01 May 2031)" in bob_mail
    assert f"needs changes: {REASON}" in bob_mail
    assert f"{HEADLINE} was approved" in bob_mail and f"{HEADLINE} was published" in bob_mail
    assert by_recipient["bob@desk.example.org"].subject == "4 updates from the fact-check desk"
    for editor_mail in (by_recipient["erin@desk.example.org"], by_recipient["frank@desk.example.org"]):
        assert editor_mail.body.count("is waiting for your review") == 2
        assert f"/admin/articles/verdict/{verdict.pk}/change/" in editor_mail.body

    # 10. erin @mentions alice in the claim's discussion on its card; alice is told, and answers in the thread.
    mailoutbox.clear()
    open_reader(editor, article)
    card = card_of(editor, claim)
    card.locator(".comments-toggle").click()
    box = card.get_by_label("Add a comment")
    box.press_sequentially("Published. @ali")
    expect(card.locator(".mention-options [role=option]").first).to_contain_text("@alice")
    box.press("Enter")  # picks the suggestion, never posts
    box.press_sequentially("thanks for the catch.")
    card.get_by_role("button", name="Post comment").click()
    expect(card.locator(".comments-toggle")).to_have_text("Comments (1)")
    assert kinds_of(alice) == ["mentioned"]
    annotator.goto("/inbox/")
    expect(annotator.locator(".inbox")).to_contain_text("mentioned you")
    open_reader(annotator, article)
    card = card_of(annotator, claim)
    card.locator(".comments-toggle").click()
    thread = card.locator(".comment-thread").first
    thread.get_by_role("button", name="Reply").click()
    thread.get_by_label("Reply to erin").fill("Glad it held up.")
    thread.get_by_role("button", name="Post reply").click()
    expect(card.locator(".comment-replies .comment-body")).to_have_text("Glad it held up.")
    assert kinds_of(erin)[-1] == "reply"
    for person_id in dict.fromkeys(digests_asked):
        tasks.send_notification_digest.call_local(person_id)
    assert {message.to[0] for message in mailoutbox} == {"alice@desk.example.org", "erin@desk.example.org"}
