"""The lists' speaker filter in Chromium: suggestions from the API, the chosen id submitted, no silent drop."""

import re

from playwright.sync_api import expect

from articles import services
from tests.browser.conftest import log_in


def test_it_filters_claims_by_a_speaker_chosen_from_suggestions(page, alice, article, make_claim):
    mayor = services.get_or_create_speaker(user=alice, name="Bonifacio Bustamante", description="mayor")
    namesake = services.get_or_create_speaker(user=alice, name="Bonifacio Bustamante", description="<b>poet</b>")
    make_claim(article, "tactical retreat", user=alice, speaker=mayor)
    make_claim(article, "eight or ten deaths", user=alice, speaker=namesake)
    log_in(page, alice)
    page.goto("/claims/")
    box = page.locator("#id_speaker")
    box.fill("bonifacio")
    expect(page.locator("#id_speaker-options option")).to_have_count(2)
    box.fill("Bonifacio Bustamante (<b>poet</b>)")  # what choosing the suggestion puts in the box
    expect(page.locator("#id_speaker-value")).to_have_value(str(namesake.pk))
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(rf"speaker={namesake.pk}"))
    expect(page.locator("table.claims .quote")).to_have_text(["“eight or ten deaths”"])
    expect(box).to_have_value("Bonifacio Bustamante (<b>poet</b>)")


def test_it_refuses_to_apply_a_speaker_name_that_was_not_chosen(page, alice, article, make_claim):
    make_claim(article, "tactical retreat", user=alice)
    log_in(page, alice)
    page.goto("/claims/")
    page.fill("#id_speaker", "nobody by this name")
    page.click("form.filters button[type=submit]")
    assert page.evaluate("document.getElementById('id_speaker').validationMessage")
    assert "speaker=" not in page.url
    page.fill("#id_speaker", "")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"speaker=&"))
    assert page.dialogs == []
