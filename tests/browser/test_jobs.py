"""An import in Chromium: 20 files uploaded on the desk's import page, a real worker imports them, and the job
page's progress bar moves without a reload until every file has its result, the broken one named."""

import re
import time

from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import log_in


def story(number: int) -> bytes:
    return f"Ferry timetable {number}\n\nThe ferry company changes sailing number {number} from May.".encode()


def test_it_imports_20_files_as_a_job_whose_page_shows_progress_and_results(page, alice, job_worker):
    job_worker.start(FACTCHECK_TEST_ITEM_DELAY="0.25")  # slow enough to watch the bar move
    files = [{"name": f"ferry-{n:02}.txt", "mimeType": "text/plain", "buffer": story(n)} for n in range(1, 20)]
    files.insert(7, {"name": "broken.txt", "mimeType": "text/plain", "buffer": b"\xff\xfe broken \xe9"})
    log_in(page, alice)
    page.click("nav >> text=Import")
    page.set_input_files("#id_files", files)
    page.click("form.import-form button[type=submit]")
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))

    bar = page.locator("#job-bar")
    expect(bar).to_have_attribute("max", "20")
    seen, deadline = set(), time.monotonic() + 30
    while page.locator("#job").get_attribute("data-finished") != "true" and time.monotonic() < deadline:
        seen.add(int(bar.evaluate("bar => bar.value")))
        page.wait_for_timeout(150)
    assert page.locator("#job").get_attribute("data-finished") == "true", job_worker.output()[-2000:]
    assert len({value for value in seen if 0 < value < 20}) >= 2, f"the bar never moved in between: {sorted(seen)}"

    expect(page.locator('[data-field="state"]')).to_have_text("Partly failed")
    expect(page.locator('[data-field="count"]')).to_have_text("20 of 20")
    expect(page.locator('[data-field="failed"]')).to_have_text("1")
    assert bar.evaluate("bar => bar.value") == 20
    rows = page.locator("table.job-items tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.nth(7).locator(".item-name")).to_have_text("broken.txt")
    expect(rows.nth(7).locator(".item-result")).to_contain_text("broken.txt is not UTF-8 text")
    expect(page.locator("table.job-items .item-result a")).to_have_count(19)
    expect(rows.nth(0).locator(".item-result a")).to_have_text(
        re.compile(r"^imported as article #\d+ “Ferry timetable 1”")
    )
    assert Article.objects.count() == 19
    assert page.dialogs == []
