"""Importing a newer version of an article (same URL, new text) revises it and re-anchors its claims."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from articles.importing import article_files
from articles.models import Article, Claim

URL = "https://herald.example.org/2026/flood-damage"
FIRST = """Flood damage in Puerto Lindo

By Ana Ruiz

The harbour master said the sea wall had been inspected in March and found sound, a claim residents disputed.

According to the civil protection office, 340 homes were damaged and two bridges were closed on Tuesday.
"""
CORRECTED = FIRST.replace("340 homes", "430 homes").replace(
    "The harbour master said the sea wall had been inspected in March and found sound, a claim residents disputed.",
    "Residents said nobody had inspected the sea wall for years.",
)
WALL = "the sea wall had been inspected in March and found sound"
FIGURE = "340 homes were damaged"
BRIDGES = "two bridges were closed"


def import_text(data: str, *, user, name="flood.txt", dry_run=False):
    options = article_files.ImportOptions(user=user, url=URL, dry_run=dry_run)
    return article_files.import_file_data(name, data.encode(), options)


@pytest.fixture
def stored(erin, alice, make_claim):
    article = import_text(FIRST, user=erin).article
    claims = {quote: make_claim(article, quote, user=alice) for quote in (WALL, FIGURE, BRIDGES)}
    return article, claims


def states(claims):
    return {quote: Claim.objects.get(pk=claim.pk).anchor_state for quote, claim in claims.items()}


def test_it_decides_that_a_new_text_for_a_stored_url_is_a_revision(stored):
    article, _ = stored
    decision = article_files.decide_import(body="A different text entirely.", url=URL)
    assert (decision.kind, decision.existing, decision.why) == (article_files.Decision.REVISION, article, "same URL")
    same = article_files.decide_import(body=article.body, url=URL)
    assert same.kind is article_files.Decision.DUPLICATE


def test_it_revises_the_stored_article_and_reports_the_claims(stored, erin):
    article, claims = stored
    report = import_text(CORRECTED, user=erin, name="flood-corrected.txt")
    assert report.outcome is article_files.Outcome.REVISED
    assert report.headline() == (
        f"flood-corrected.txt: revised: 1 anchored, 1 relocated, 1 orphaned — article #{article.pk} "
        "“Flood damage in Puerto Lindo”"
    )
    assert states(claims) == {WALL: "orphaned", FIGURE: "relocated", BRIDGES: "anchored"}
    stored_article = Article.objects.get(pk=article.pk)
    assert "430 homes" in stored_article.body and stored_article.raw == CORRECTED
    assert Article.objects.count() == 1
    record = stored_article.history.latest()
    assert record.history_change_reason == "newer version imported from flood-corrected.txt"
    assert record.history_user == erin


def test_it_still_skips_the_same_text_from_the_same_url(stored, erin):
    report = import_text(FIRST, user=erin, name="again.txt")
    assert report.outcome is article_files.Outcome.DUPLICATE
    assert "same text" in report.message


def test_it_does_not_let_an_annotator_revise_through_an_import(stored, alice):
    article, claims = stored
    report = import_text(CORRECTED, user=alice)
    assert report.outcome is article_files.Outcome.FAILED
    assert "your role may not revise articles" in report.message
    assert Article.objects.get(pk=article.pk).body == article.body
    assert set(states(claims).values()) == {"anchored"}


def test_it_previews_a_revision_with_real_counts_and_stores_nothing(stored, erin):
    article, claims = stored
    report = import_text(CORRECTED, user=erin, dry_run=True)
    assert report.outcome is article_files.Outcome.REVISED
    assert report.headline().startswith("flood.txt: would revise: 1 anchored, 1 relocated, 1 orphaned")
    assert article_files.summarise([report]) == "0 would import, 1 would be revised, 0 skipped as duplicates, 0 failed."
    assert Article.objects.get(pk=article.pk).body == article.body
    assert set(states(claims).values()) == {"anchored"}
    assert article.history.count() == 1


def test_it_reports_a_revision_from_the_command(stored, tmp_path):
    path = tmp_path / "flood-v2.txt"
    path.write_text(CORRECTED)
    out = StringIO()
    call_command("import_articles", str(path), "--url", URL, stdout=out)
    text = out.getvalue()
    assert "flood-v2.txt: revised: 1 anchored, 1 relocated, 1 orphaned" in text
    assert text.strip().endswith("0 imported, 1 revised, 0 skipped as duplicates, 0 failed.")


def test_it_reports_a_revision_on_the_admin_upload_page(stored, client, erin):
    article, _ = stored
    client.force_login(erin)
    upload = SimpleUploadedFile("flood-v2.txt", CORRECTED.encode(), content_type="text/plain")
    data = {"files": [upload], "url": URL}
    client.post(reverse("admin:articles_article_import"), data)
    # The upload runs as a job (articles/importing/jobs.py); run it here as a worker would.
    from articles import services
    from articles.importing.jobs import RUNNERS
    from articles.models import Job

    job = Job.objects.get()
    services.run_job(job.pk, worker="test", runners=RUNNERS)
    item = job.items.get()
    assert item.outcome == "revised", item.message
    assert "1 anchored, 1 relocated, 1 orphaned" in item.message


def test_it_keeps_the_replaced_original_in_history(stored, erin):
    article, _ = stored
    import_text(CORRECTED, user=erin, name="flood-corrected.txt")
    article.refresh_from_db()
    assert article.raw == CORRECTED
    originals = list(article.history.order_by("history_date").values_list("raw", flat=True))
    assert originals[0] == FIRST and originals[-1] == CORRECTED
