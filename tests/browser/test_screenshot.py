"""Regenerates the screenshots in docs/: the reader (a linked claim selected) and the claim list, on demo data,
at phone (390 px), tablet (1,024 px) and desktop (1,400 px) widths.

Skipped unless DESK_SCREENSHOT_DIR names the output folder; `python docs/screenshot.py` sets it. It writes
reader.png (1,400 px, the README's picture), reader-<width>.png and claims-<width>.png.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from articles.management.demo import DEMO_USERS
from articles.models import Article, Claim

OUTPUT = os.environ.get("DESK_SCREENSHOT_DIR", "")
WIDTHS = (390, 1024, 1400)


@pytest.mark.skipif(not OUTPUT, reason="set DESK_SCREENSHOT_DIR=<folder> (python docs/screenshot.py) to regenerate")
def test_it_takes_the_reader_and_claim_list_screenshots(page):
    call_command("load_demo", allow_production=True, verbosity=0)
    username, _, password = next(user for user in DEMO_USERS if user[0] == "annotator")
    article = Article.objects.annotate(n=Count("claims", filter=Q(claims__deleted_at__isnull=True))).order_by("-n")[0]
    claim = (
        Claim.objects.live()
        .filter(article=article, start__isnull=False)
        .annotate(links=Count("links_out") + Count("links_in"))
        .order_by("-links", "start")
        .first()
    )
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/articles/")
    folder = Path(OUTPUT)
    folder.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 390 else 844})
        page.goto(f"/articles/{article.pk}/#claim-{claim.pk}")
        page.locator("#article-text[data-ready=true]").wait_for()
        page.wait_for_timeout(800)  # let the smooth scroll to the selected claim finish
        page.screenshot(path=str(folder / f"reader-{width}.png"), type="png")
        if width == 1400:
            page.screenshot(path=str(folder / "reader.png"), type="png")
        page.goto("/claims/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(folder / f"claims-{width}.png"), type="png")
    for name in ["reader.png", *(f"{kind}-{width}.png" for kind in ("reader", "claims") for width in WIDTHS)]:
        assert (folder / name).stat().st_size > 10_000, name
