"""The reader in real Chromium: highlight, attribute, link, compare, delete and undo, permissions, hostile text."""

import re

from playwright.sync_api import expect

from articles import services
from articles.importing import article_files
from articles.models import Claim, ClaimLink, Source
from tests.browser.conftest import log_in, select_with_mouse

REPORT = (
    "Escuinapa, Sinaloa\n\n"
    "Town police left their posts on Monday afternoon when armed men arrived in trucks.\n\n"
    "The mayor called it a tactical retreat that spared the town a massacre. "
    "He said the officers would have faced fifty gunmen with a dozen rifles.\n\n"
    "Residents said no officer returned until the next morning."
)
ANSWER = "A civic group replied that the police had simply abandoned the town to the gunmen."
SENTENCE = "The mayor called it a tactical retreat that spared the town a massacre."


def imported(user, text, name="report.txt", source="Coast Gazette"):
    report = article_files.import_file_data(
        name, text.encode("utf-8"), article_files.ImportOptions(user=user, source_name=source)
    )
    assert report.article is not None, report
    return report.article


def claim_on(article, quote, user, **fields):
    start = article.body.index(quote)
    return services.create_claim(user=user, article=article, start=start, end=start + len(quote), quote=quote, **fields)


def card_for(page, claim_id):
    return page.locator(f"#card-{claim_id}")


def test_it_creates_a_claim_with_a_new_speaker_by_mouse_and_keeps_it_after_reload(page, alice):
    article = imported(alice, REPORT)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")

    select_with_mouse(page, SENTENCE)
    form = page.locator(".popover .claim-form")
    expect(form).to_be_visible()
    expect(form.locator(".form-quote")).to_contain_text("tactical retreat")
    form.locator(".speaker-input").fill("Bonifacio Bustamante")
    form.locator("[name=speaker_description]").fill("mayor of Escuinapa")
    form.locator("[name=summary]").fill("The police withdrawal was a planned tactical retreat.")
    form.locator("[name=tags]").fill("police, Sinaloa")
    form.locator("button[type=submit]").click()

    expect(page.locator(".popover")).to_have_count(0)
    claim = Claim.objects.get()
    assert claim.quote == SENTENCE
    assert claim.start == article.body.index(SENTENCE)
    assert claim.speaker.name == "Bonifacio Bustamante" and claim.speaker.description == "mayor of Escuinapa"
    assert sorted(claim.tags.values_list("name", flat=True)) == ["police", "sinaloa"]
    card = card_for(page, claim.pk)
    expect(card).to_contain_text("Bonifacio Bustamante")
    expect(card).to_have_class(re.compile("is-selected"))

    page.reload()
    marks = page.locator("mark.hl")
    expect(marks).to_have_count(1)
    expect(marks.first).to_have_text(SENTENCE)
    expect(card_for(page, claim.pk)).to_contain_text("The police withdrawal was a planned tactical retreat.")
    expect(card_for(page, claim.pk).locator(".tag")).to_have_text(["police", "sinaloa"])

    # Clicking the highlight selects its card.
    page.locator("body").click(position={"x": 5, "y": 5})
    marks.first.click()
    expect(card_for(page, claim.pk)).to_have_class(re.compile("is-selected"))
    assert page.dialogs == []


def test_it_selects_with_the_keyboard(page, alice):
    article = imported(alice, REPORT)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    page.locator("#article-text").focus()
    for _ in range(3):
        page.keyboard.press("Control+Shift+ArrowRight")
    page.keyboard.press("Enter")
    form = page.locator(".popover .claim-form")
    expect(form).to_be_visible()
    form.locator("button[type=submit]").click()
    expect(page.locator(".popover")).to_have_count(0)
    claim = Claim.objects.get()
    assert claim.quote == article.body[claim.start : claim.end]
    assert claim.quote.strip() == claim.quote and len(claim.quote.split()) >= 2


def test_it_links_claims_across_articles_and_compares_them(page, alice, carol):
    report = imported(alice, REPORT)
    answer = imported(carol, ANSWER, name="answer.txt", source="Sinaloa Daily")
    mayor = services.get_or_create_speaker(user=alice, name="Bonifacio Bustamante", description="mayor")
    group = services.get_or_create_speaker(user=carol, name="Colectivo Escuinapa")
    mine = claim_on(report, SENTENCE, alice, speaker=mayor)
    theirs = claim_on(answer, "the police had simply abandoned the town", carol, speaker=group)

    log_in(page, alice)
    page.goto(f"/articles/{report.pk}/")
    card = card_for(page, mine.pk)
    card.locator(".link-button").click()
    form = card.locator(".link-form")
    form.locator("[name=q]").fill("abandoned")
    result = form.locator(".link-result", has_text="simply abandoned")
    expect(result).to_contain_text("Colectivo Escuinapa")
    expect(result).to_contain_text("Sinaloa Daily")
    result.locator("button").click()
    form.locator("[name=relation]").select_option("contradicts")
    form.locator("[name=note]").fill("Retreat or flight?")
    form.locator("button[type=submit]").click()

    expect(card.locator(".card-link")).to_contain_text("simply abandoned")
    expect(card.locator(".card-link")).to_contain_text("Colectivo Escuinapa · Sinaloa Daily")
    expect(card.locator(".link-count")).to_have_text("1 link")
    link = ClaimLink.objects.get()
    assert (link.from_claim, link.to_claim, link.relation) == (mine, theirs, "contradicts")
    assert link.note == "Retreat or flight?"

    # The other side shows the link too, and following it opens the first article at the highlight.
    page.goto(f"/articles/{answer.pk}/")
    other_card = card_for(page, theirs.pk)
    expect(other_card.locator(".card-link")).to_contain_text("Bonifacio Bustamante · Coast Gazette")
    other_card.locator(".card-link a.other-quote").click()
    page.wait_for_url(f"**/articles/{report.pk}/#claim-{mine.pk}")
    expect(card_for(page, mine.pk)).to_have_class(re.compile("is-selected"))
    expect(page.locator("mark.hl.is-selected")).to_have_text(SENTENCE)

    # The compare page puts both accounts side by side.
    page.goto(f"/claims/{mine.pk}/")
    expect(page.locator(".compare-main")).to_contain_text(SENTENCE)
    group_box = page.locator(".relation-group.relation-contradicts")
    expect(group_box.locator("h2")).to_contain_text("Contradicts")
    expect(group_box).to_contain_text("the police had simply abandoned the town")
    expect(group_box).to_contain_text("Retreat or flight?")


def test_it_deletes_and_undoes_from_the_panel(page, alice):
    article = imported(alice, REPORT)
    claim = claim_on(article, SENTENCE, alice)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    card_for(page, claim.pk).locator(".delete-button").click()
    expect(card_for(page, claim.pk)).to_have_count(0)
    expect(page.locator("mark.hl")).to_have_count(0)
    claim.refresh_from_db()
    assert claim.is_deleted
    page.locator("#panel-status button", has_text="Undo").click()
    expect(card_for(page, claim.pk)).to_be_visible()
    expect(page.locator("mark.hl")).to_have_text([SENTENCE])
    claim.refresh_from_db()
    assert not claim.is_deleted
    assert "deletion undone" in claim.history.values_list("history_change_reason", flat=True)


def test_it_edits_a_claim_and_reports_a_conflict_without_overwriting(page, alice, erin):
    article = imported(alice, REPORT)
    claim = claim_on(article, SENTENCE, alice, summary="first")
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    card = card_for(page, claim.pk)
    card.locator(".edit-button").click()
    card.locator("[name=summary]").fill("alice's summary")
    # Meanwhile an editor changes it.
    services.update_claim(user=erin, claim=claim, version=1, summary="erin's summary")
    card.get_by_role("button", name="Save changes").click()
    expect(card.locator(".claim-form .form-error")).to_contain_text("Someone else changed this claim")
    expect(card.locator("p.summary")).to_have_text("erin's summary")
    claim.refresh_from_db()
    assert claim.summary == "erin's summary"
    # Saving again, knowingly, applies the change over the current version.
    card.get_by_role("button", name="Save changes").click()
    expect(card.locator("p.summary")).to_have_text("alice's summary")
    claim.refresh_from_db()
    assert (claim.summary, claim.version) == ("alice's summary", 3)


def test_an_annotator_cannot_edit_an_editors_claim(page, alice, erin):
    article = imported(erin, REPORT)
    claim = claim_on(article, SENTENCE, erin, summary="editor's")
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    card = card_for(page, claim.pk)
    expect(card).to_be_visible()
    expect(card.locator(".edit-button")).to_be_hidden()
    expect(card.locator(".delete-button")).to_be_hidden()
    status = page.evaluate(
        """async (id) => {
          const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
          const response = await fetch('/api/claims/' + id + '/', {method: 'PATCH', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
            body: JSON.stringify({version: 1, summary: 'hijacked'})});
          return response.status;
        }""",
        claim.pk,
    )
    assert status == 403
    claim.refresh_from_db()
    assert claim.summary == "editor's"


HOSTILE = (
    "Breaking <script>window.__pwned = 'body'</script> news 👮🏽‍♀️ from the coast.\n\n"
    "<img src=x onerror=\"window.__pwned = 'img'\"> The café\u0301 owner said 🚓 the patrol never came back.\n\n"
    "<a href=\"javascript:window.__pwned='link'\">click</a> שלום and the governor 𝒜 disagreed."
)


def test_it_annotates_hostile_text_with_emoji_and_runs_no_script(page, alice):
    article = services.create_article(
        user=alice,
        title="<script>window.__pwned='title'</script> Report",
        body=HOSTILE,
        source=Source.objects.create(name="<b onmouseover=alert(1)>Outlet</b>"),
    )
    evil = services.get_or_create_speaker(user=alice, name="<img src=x onerror=alert('speaker')>")
    claim_on(article, "the governor 𝒜 disagreed", alice, speaker=evil, summary="<script>alert('summary')</script>")
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    expect(page.locator("#article-text")).to_contain_text("<script>window.__pwned = 'body'</script>")
    expect(page.locator(".claim-card").first).to_contain_text("<img src=x onerror=alert('speaker')>")
    expect(page.locator("h1")).to_contain_text("<script>")

    quote = "owner said 🚓 the patrol never came back."
    select_with_mouse(page, quote)
    form = page.locator(".popover .claim-form")
    expect(form.locator(".form-quote")).to_contain_text("🚓")
    form.locator("[name=summary]").fill("<img src=y onerror=\"window.__pwned='summary'\">")
    form.locator("button[type=submit]").click()
    expect(page.locator(".popover")).to_have_count(0)

    created = Claim.objects.order_by("-id").first()
    assert created.quote == quote
    assert created.start == article.body.index(quote)  # code points, not UTF-16 units
    assert article.body[created.start : created.end] == quote
    page.reload()
    expect(page.locator("mark.hl")).to_have_count(2)
    expect(page.locator("mark.hl").first).to_have_text(quote)
    # The stored accent stays with its letter and nothing hostile ever ran.
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#article-text img, #article-text script, .claim-panel img, .claim-panel script").count() == 0
    assert page.dialogs == []
    for url in ("/claims/", f"/claims/{created.pk}/", "/articles/"):
        page.goto(url)
        assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []


def test_it_sends_anonymous_users_to_the_login_page(page, alice):
    article = imported(alice, REPORT)
    page.goto(f"/articles/{article.pk}/")
    page.wait_for_url(re.compile(r"/login/\?next="))
    expect(page.locator("h1")).to_have_text("Log in")
