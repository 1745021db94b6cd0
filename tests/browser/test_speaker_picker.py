"""The lists' speaker filter in Chromium: a combobox of suggestions, Enter picks, plain names work, errors show."""

import re

from playwright.sync_api import expect

from articles import services
from tests.browser.conftest import log_in


def test_it_filters_claims_by_a_speaker_picked_with_the_keyboard(page, alice, article, make_claim):
    mayor = services.get_or_create_speaker(user=alice, name="Bonifacio Bustamante", description="mayor")
    namesake = services.get_or_create_speaker(user=alice, name="Bonifacio Bustamante", description="<b>poet</b>")
    make_claim(article, "tactical retreat", user=alice, speaker=mayor)
    make_claim(article, "eight or ten deaths", user=alice, speaker=namesake)
    log_in(page, alice)
    page.goto("/claims/")
    page.locator("details.filter-panel > summary").click()
    box = page.locator("#id_speaker")
    expect(box).to_have_attribute("role", "combobox")
    box.press_sequentially("bonifacio")
    options = page.locator("#id_speaker-options [role=option]")
    expect(options).to_have_count(2)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options.nth(1)).to_have_text("Bonifacio Bustamante (<b>poet</b>)")  # text, not markup
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "id_speaker-options-1")
    box.press("Enter")  # picks the highlighted option; does not submit
    expect(box).to_have_value("Bonifacio Bustamante (<b>poet</b>)")
    expect(page.locator("#id_speaker-value")).to_have_value(str(namesake.pk))
    assert "speaker=" not in page.url
    box.press("Enter")  # the list is closed now: Enter applies the filters
    page.wait_for_url(re.compile(rf"speaker={namesake.pk}"))
    expect(page.locator("table.claims .quote")).to_have_text(["“eight or ten deaths”"])
    expect(page.locator("#id_speaker")).to_have_value("Bonifacio Bustamante (<b>poet</b>)")
    assert page.dialogs == []


def test_it_applies_a_plain_name_typed_in_any_case(page, alice, article, make_claim, mayor):
    make_claim(article, "tactical retreat", user=alice, speaker=mayor)
    make_claim(article, "eight or ten deaths", user=alice)
    log_in(page, alice)
    page.goto("/claims/?state=none")  # a filter is set: the panel is open
    page.fill("#id_speaker", "bonifacio bustamante")
    page.keyboard.press("Escape")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"speaker-text=bonifacio"))
    expect(page.locator("table.claims .quote")).to_have_text(["“tactical retreat”"])


def test_it_says_next_to_the_field_when_no_speaker_has_that_name(page, alice, article, make_claim):
    make_claim(article, "tactical retreat", user=alice)
    log_in(page, alice)
    page.goto("/claims/")
    page.locator("details.filter-panel > summary").click()
    page.fill("#id_speaker", "nobody by this name")
    page.keyboard.press("Escape")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"speaker-text=nobody"))
    error = page.locator(".field-speaker .error")
    expect(error).to_contain_text("No speaker is called “nobody by this name”")
    expect(page.locator("details.filter-panel")).to_have_attribute("open", "")
    expect(page.locator("#id_speaker")).to_have_attribute("aria-invalid", "true")
    assert page.dialogs == []
