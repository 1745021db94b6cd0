"""The suggested speaker in Chromium: select a quote → the form is pre-filled, marked "Suggested" → save."""

from playwright.sync_api import expect

from articles import services
from articles.models import Claim, SpeakerSuggestion
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in, select_with_mouse
from tests.browser.test_reader import imported

REPORT = (
    "Escuinapa, Sinaloa\n\n"
    "Town police left their posts on Monday afternoon when armed men arrived in trucks.\n\n"
    '"We could have had eight or ten deaths," said the mayor.\n\n'
    "Residents said no officer returned until the next morning."
)
QUOTE = "We could have had eight or ten deaths"


def test_a_selected_quote_gets_its_speaker_suggested_and_saved(page, alice, mayor):
    services.add_alias(user=alice, speaker=mayor, alias="the mayor")
    article = imported(alice, REPORT)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")

    select_with_mouse(page, QUOTE)
    form = page.locator(".popover .claim-form")
    marker = form.locator(".speaker-suggested")
    expect(marker).to_contain_text("Suggested", timeout=30_000)  # the first suggestion loads the model
    expect(marker).to_contain_text("said")
    box = form.locator(".speaker-input")
    expect(box).to_have_value(str(mayor))
    expect(box).to_have_attribute("aria-describedby", marker.get_attribute("id"))
    assert_accessible(page, "reader, claim form with a suggested speaker")
    form.locator("button[type=submit]").click()

    expect(page.locator(".popover")).to_have_count(0)
    claim = Claim.objects.get()
    assert claim.speaker == mayor and claim.quote == QUOTE
    suggestion = SpeakerSuggestion.objects.get()
    assert suggestion.claim == claim and suggestion.accepted is True
    assert page.dialogs == []


def test_changing_the_suggested_speaker_removes_the_marker_and_is_recorded(page, alice, mayor):
    article = imported(alice, REPORT)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")

    select_with_mouse(page, QUOTE)
    form = page.locator(".popover .claim-form")
    box = form.locator(".speaker-input")
    expect(form.locator(".speaker-suggested")).to_contain_text("Suggested new speaker", timeout=30_000)
    expect(box).to_have_value("the mayor")  # no speaker record matched: the name as found
    box.fill("")
    box.press_sequentially("Bonifacio")
    expect(form.locator(".speaker-suggested")).to_have_count(0)
    form.locator(".speaker-options [role=option]").first.dispatch_event("mousedown")
    expect(box).to_have_value(str(mayor))
    form.locator("button[type=submit]").click()
    expect(page.locator(".popover")).to_have_count(0)
    assert Claim.objects.get().speaker == mayor
    assert SpeakerSuggestion.objects.get().accepted is False


def test_the_merge_page_is_accessible(page, erin, mayor):
    from articles.models import Speaker

    other = Speaker.objects.create(name="B. Bustamante")
    log_in(page, erin)
    page.goto("/admin/articles/speaker/")
    for speaker in (mayor, other):
        page.locator(f"input[name=_selected_action][value='{speaker.pk}']").check()
    page.select_option("select[name=action]", "merge_selected")
    page.locator("button[name=index]").click()
    expect(page.locator("h1")).to_have_text("Merge speakers")
    assert_accessible(page, "admin: merge speakers")
    page.get_by_label(f"#{other.pk} B. Bustamante").check()
    page.get_by_role("button", name="Merge into the chosen speaker").click()
    expect(page.locator(".messagelist")).to_contain_text("Merged 1 speaker(s) into B. Bustamante")
