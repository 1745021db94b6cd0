"""Phone (390 px) and tablet (1,024 px): no page of the desk scrolls sideways; the top bar keeps Log out."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_a11y import desk  # noqa: F401 (fixture)

SCROLLS_SIDEWAYS = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"


def _desk_pages(desk) -> list[tuple[str, str]]:  # noqa: F811
    article, claim, verdict = desk["article"], desk["claim"], desk["verdict"]
    return [
        ("article list", "/articles/"),
        ("article list, searched", "/articles/?q=mayor"),
        ("claim list", "/claims/"),
        ("claim list, searched", "/claims/?q=deaths"),
        ("claim detail", f"/claims/{claim.pk}/"),
        ("reader", f"/articles/{article.pk}/"),
        ("public verdict", f"/verdicts/{verdict.pk}/"),
        ("admin index", "/admin/"),
        ("admin claim list", "/admin/articles/claim/"),
        ("admin verdict list", "/admin/articles/verdict/"),
        ("admin verdict dashboard", "/admin/articles/verdict/dashboard/"),
        ("admin article import", "/admin/articles/article/import/"),
    ]


@pytest.mark.parametrize("width", [390, 1024])
def test_it_never_scrolls_sideways(page, desk, root, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/login/")
    assert page.evaluate(SCROLLS_SIDEWAYS) <= 0, "login"
    log_in(page, root)
    overflowing = []
    for where, url in _desk_pages(desk):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        extra = page.evaluate(SCROLLS_SIDEWAYS)
        if extra > 0:
            overflowing.append(f"{where} ({url}): {extra} px too wide")
        if not url.startswith("/admin/"):
            expect(page.locator(".topbar .logout button")).to_be_in_viewport()
            expect(page.locator(".topbar .who")).to_be_in_viewport()
    assert not overflowing, "\n".join(overflowing)


def test_it_shows_lists_as_cards_with_filters_folded_on_a_phone(page, desk, alice):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, alice)
    page.goto("/claims/")
    assert page.locator("table.claims thead").bounding_box()["height"] <= 1  # headings are in each card
    first = page.locator("table.claims tbody tr").first
    assert first.bounding_box()["width"] <= 390
    expect(page.locator("details.filter-panel")).not_to_have_attribute("open", "")
    expect(page.locator("#id_source")).not_to_be_visible()
    page.locator("details.filter-panel > summary").click()
    expect(page.locator("#id_source")).to_be_visible()


def test_it_keeps_the_admin_lists_key_columns_on_a_tablet(page, desk, root):  # noqa: F811
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(page, root)
    page.goto("/admin/articles/verdict/")
    for column in ("verdict", "claim_quote", "rating", "state", "author"):
        expect(page.locator(f"#result_list th.column-{column}")).to_be_in_viewport(ratio=1)
    page.goto("/admin/articles/claim/")
    for column in ("__str__", "article", "speaker", "anchor_state"):
        expect(page.locator(f"#result_list th.column-{column}")).to_be_in_viewport(ratio=1)
