"""Suggested check-worthy sentences in the reader: shown, turned into a claim by click or Enter, dismissed."""

import re

from playwright.sync_api import expect

from articles import services
from articles.importing import article_files
from articles.models import Claim, SentenceSuggestion
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in

STORY = (
    "Escuinapa, Sinaloa 🚓\n\n"
    "Town police left their posts on Monday afternoon 🚨. The state recorded 1,200 murders last year, "
    "up 20 percent from 2022, officials said.\n\n"
    "The mayor said the town hired 262 officers since 2021, more than any other town in the state.\n\n"
    "Residents watched from their doorways."
)
STAT = "The state recorded 1,200 murders last year, up 20 percent from 2022, officials said."
HIRED = "The mayor said the town hired 262 officers since 2021, more than any other town in the state."


def imported_and_scored(user):
    """An article imported as the import job does, then scored as the worker's task would."""
    report = article_files.import_file_data(
        "story.txt", STORY.encode("utf-8"), article_files.ImportOptions(user=user, source_name="Coast Gazette")
    )
    article = report.article
    services.score_article(article.pk)
    quotes = set(SentenceSuggestion.objects.filter(article=article).values_list("quote", flat=True))
    assert {STAT, HIRED} <= quotes, quotes
    return article


def test_a_suggested_sentence_becomes_a_claim_with_its_span_and_another_stays_dismissed(page, alice):
    article = imported_and_scored(alice)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    section = page.locator("#suggested-section")
    expect(section).to_be_visible()
    items = section.locator("li.suggestion")
    expect(items.filter(has_text="1,200 murders")).to_have_count(1)
    mark = page.locator("#article-text mark.sugg").first
    expect(mark).to_have_attribute("title", re.compile(r"Suggested claim, score [01]\.\d\d: a statistic"))
    assert_accessible(page, "reader with suggestions")

    items.filter(has_text="1,200 murders").click()
    form = page.locator(".popover .claim-form")
    expect(form).to_be_visible()
    expect(form.locator(".form-quote")).to_contain_text("1,200 murders")
    form.locator(".speaker-input").fill("State prosecutor's office")
    form.locator("[name=speaker_description]").fill("state agency")
    form.locator("button[type=submit]").click()
    expect(page.locator(".popover")).to_have_count(0)
    claim = Claim.objects.get()
    assert claim.quote == STAT and claim.start == article.body.index(STAT)  # code points, past two emoji
    assert claim.end == claim.start + len(STAT)
    expect(items.filter(has_text="1,200 murders")).to_have_count(0)  # a claim now, no longer suggested

    items.filter(has_text="262 officers").locator(".dismiss-suggestion").click()
    expect(items.filter(has_text="262 officers")).to_have_count(0)
    page.reload()
    expect(page.locator("#article-text")).to_have_attribute("data-ready", "true")
    expect(page.locator(f"#card-{claim.pk}")).to_be_visible()
    expect(page.locator("#suggested-section li.suggestion", has_text="262 officers")).to_have_count(0)
    assert SentenceSuggestion.objects.get(article=article, quote=HIRED).dismissed_by == alice
    assert page.dialogs == []


def test_enter_on_a_focused_suggestion_opens_the_claim_form(page, alice):
    article = imported_and_scored(alice)
    log_in(page, alice)
    page.goto(f"/articles/{article.pk}/")
    item = page.locator("#suggested-section li.suggestion", has_text="262 officers")
    item.focus()
    page.keyboard.press("Enter")
    form = page.locator(".popover .claim-form")
    expect(form).to_be_visible()
    expect(form.locator(".form-quote")).to_contain_text("262 officers")
    assert_accessible(page, "claim form from a suggestion")
