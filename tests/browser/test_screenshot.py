"""Regenerates docs/reader.png: the reader on demo data, a linked claim selected.

Skipped unless DESK_SCREENSHOT names the output file; `python docs/screenshot.py` sets it.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from articles.management.demo import DEMO_USERS
from articles.models import Article, Claim

OUTPUT = os.environ.get("DESK_SCREENSHOT", "")


@pytest.mark.skipif(not OUTPUT, reason="set DESK_SCREENSHOT=<file.png> (python docs/screenshot.py) to regenerate")
def test_it_takes_the_reader_screenshot(page):
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
    page.goto(f"/articles/{article.pk}/#claim-{claim.pk}")
    page.locator("#article-text[data-ready=true]").wait_for()
    page.wait_for_timeout(800)  # let the smooth scroll to the selected claim finish
    Path(OUTPUT).parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUTPUT, type="png")
    assert Path(OUTPUT).stat().st_size > 10_000
