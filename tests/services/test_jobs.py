"""Background jobs, run in-process: starting, running item by item, retrying, recovering, import results."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone
from huey import RetryTask
from huey.contrib.djhuey import HUEY

from articles import services, tasks
from articles.errors import RetryLater
from articles.importing import article_files
from articles.importing import jobs as import_jobs
from articles.models import Article, Job, JobItem
from tests.jobs_helpers import run_queued_jobs

STORY = b"Night buses return to the east side\n\nThe city restores three night bus routes from Monday."
OTHER = b"Library opens on Sundays\n\nThe central library will open on Sundays from next month."


def start(user=None, uploads=(), urls=(), **options):
    return import_jobs.start_import(
        user=user, uploads=uploads, urls=urls, options=article_files.ImportOptions(user=user, **options)
    )


def items(job):
    return list(job.items.order_by("position"))


def test_it_stores_the_job_and_its_items_and_wakes_a_worker_only_after_commit(
    alice, django_capture_on_commit_callbacks
):
    HUEY.storage.flush_queue()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start(alice, [("buses.txt", STORY), ("library.txt", OTHER)])
    assert (job.state, job.total, job.done_count, job.created_by) == ("queued", 2, 0, alice)
    assert [(i.position, i.name, bytes(i.data), i.state) for i in items(job)] == [
        (1, "buses.txt", STORY, "queued"),
        (2, "library.txt", OTHER, "queued"),
    ]
    assert HUEY.pending_count() == 0  # nothing queued before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert HUEY.pending_count() == 1
    message = HUEY.dequeue()
    assert (message.name, message.args) == ("run_job", (job.pk,))


def test_it_imports_each_file_and_names_the_broken_one(alice):
    job = start(alice, [("buses.txt", STORY), ("empty.txt", b""), ("again.txt", STORY), ("library.txt", OTHER)])
    [job] = run_queued_jobs()
    assert (job.state, job.done_count, job.failed_count) == ("partly_failed", 4, 1)
    assert job.started_at and job.finished_at and job.runs == 1
    buses, empty, again, library = items(job)
    first = Article.objects.get(title="Night buses return to the east side")
    assert buses.message == f"imported as article #{first.pk} “Night buses return to the east side”"
    assert (buses.state, buses.outcome, buses.article, buses.data) == ("done", "imported", first, None)
    assert (empty.state, empty.error) == ("failed", "empty.txt is empty (0 bytes).")
    assert again.message.startswith(f"duplicate: already imported as article #{first.pk}")
    assert again.article == first
    assert library.state == "done" and first.added_by == alice
    assert Article.objects.count() == 2


def test_it_calls_every_state_by_its_name(alice):
    start(alice, [("buses.txt", STORY)])
    start(alice, [("empty.txt", b"  ")])
    done, failed = run_queued_jobs()
    assert (done.state, failed.state) == ("done", "failed")
    assert failed.items.get().error == "empty.txt is empty (only whitespace)."


def test_it_skips_the_items_already_done_when_a_job_runs_again(alice):
    job = start(alice, [("buses.txt", STORY), ("library.txt", OTHER)])
    # A worker took the job, imported the first file and died before the second.
    services.jobs.claim_job(job.pk, worker="dead")
    first = job.items.get(position=1)
    services.jobs.run_item(first.pk, worker="dead", runner=import_jobs.run_import_item)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))

    assert services.requeue_stale_jobs() == [job.pk]
    [job] = run_queued_jobs()
    assert (job.state, job.done_count, job.runs) == ("done", 2, 2)
    assert Article.objects.count() == 2
    assert [item.outcome for item in items(job)] == ["imported", "imported"]
    assert run_queued_jobs() == []  # a finished job is left alone
    assert services.run_job(job.pk, worker="late", runners=import_jobs.RUNNERS) is None


def test_it_leaves_a_job_to_the_worker_whose_heartbeat_is_fresh(alice):
    job = start(alice, [("buses.txt", STORY)])
    assert services.jobs.claim_job(job.pk, worker="first")
    assert services.jobs.claim_job(job.pk, worker="second") is None
    assert services.requeue_stale_jobs() == []
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=121))
    assert services.jobs.claim_job(job.pk, worker="second").worker == "second"


def test_it_wakes_a_worker_for_a_job_whose_worker_died(alice, django_capture_on_commit_callbacks):
    job = start(alice, [("buses.txt", STORY)])
    services.jobs.claim_job(job.pk, worker="killed")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    sent = []
    services.job_queued.connect(receiver := lambda sender, job_id, **kw: sent.append(job_id), weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert services.requeue_stale_jobs() == [job.pk]
    finally:
        services.job_queued.disconnect(receiver)
    job.refresh_from_db()
    assert (job.state, job.worker, sent) == ("queued", "", [job.pk])


def test_it_retries_a_busy_database_with_backoff_then_fails_the_item_alone(alice):
    job = start(alice, [("buses.txt", STORY), ("library.txt", OTHER)])
    calls = []

    def locked_then_fine(item, job):
        calls.append(item.name)
        if item.name == "buses.txt":
            raise OperationalError("database is locked")
        return import_jobs.run_import_item(item, job)

    runners = {"import": locked_then_fine}
    delays = []
    for _ in range(services.jobs.MAX_ATTEMPTS - 1):
        with pytest.raises(RetryLater) as retry:
            services.run_job(job.pk, worker="w", runners=runners)
        delays.append(retry.value.delay)
        item = job.items.get(position=1)
        assert item.state == "queued" and "database is locked; retrying in" in item.error
        assert Job.objects.get(pk=job.pk).state == "queued"
    assert delays == [2, 4, 8]
    job = services.run_job(job.pk, worker="w", runners=runners)
    buses, library = items(job)
    assert (buses.state, buses.attempts) == ("failed", 4)
    assert buses.error == "OperationalError: database is locked (gave up after 4 attempts)"
    assert library.state == "done"
    assert (job.state, job.failed_count) == ("partly_failed", 1)
    assert not Article.objects.filter(title__startswith="Night buses").exists()


def test_it_turns_a_retry_into_a_delayed_huey_retry(alice, monkeypatch):
    job = start(alice, [("buses.txt", STORY)])

    def busy(*args, **kwargs):
        raise RetryLater(4, "database is locked")

    monkeypatch.setattr(services, "run_job", busy)
    with pytest.raises(RetryTask) as retry:
        tasks.run_job.call_local(job.pk)
    assert retry.value.delay == 4


def test_it_imports_a_url_item_through_the_url_importer(alice, monkeypatch):
    fetched = []

    def import_url(url, options):
        fetched.append((url, options.user, options.source_name))
        if url.endswith("/broken"):
            return article_files.FileReport(url, article_files.Outcome.FAILED, f"{url} answered 404 Not Found.")
        return article_files.import_file_data(url, STORY, options)

    monkeypatch.setattr(article_files, "import_url", import_url, raising=False)
    job = start(
        alice, urls=["https://news.example.org/buses", "", " https://news.example.org/broken "], source_name="X"
    )
    [job] = run_queued_jobs()
    good, broken = items(job)
    assert fetched == [("https://news.example.org/buses", alice, "X"), ("https://news.example.org/broken", alice, "X")]
    assert good.outcome == "imported" and good.article.source.name == "X"
    assert (broken.state, broken.error) == ("failed", "https://news.example.org/broken answered 404 Not Found.")


def test_it_retries_a_url_whose_report_says_retrying_can_help(alice, monkeypatch):
    attempts = []

    def import_url(url, options):
        attempts.append(url)
        report = article_files.FileReport(url, article_files.Outcome.FAILED, f"{url} timed out after 10 s.")
        report.retryable = True
        return report

    monkeypatch.setattr(article_files, "import_url", import_url, raising=False)
    job = start(alice, urls=["https://slow.example.org/"])
    for _ in range(services.jobs.MAX_ATTEMPTS - 1):
        with pytest.raises(RetryLater):
            run_queued_jobs()
    [job] = run_queued_jobs()
    assert job.state == "failed" and len(attempts) == 4
    assert job.items.get().error == "https://slow.example.org/ timed out after 10 s. (gave up after 4 attempts)"


def test_it_reports_a_url_import_that_died_before_its_record_as_imported(alice, monkeypatch):
    monkeypatch.setattr(
        article_files,
        "import_url",
        lambda url, options: article_files.import_file_data(url, STORY, options),
        raising=False,
    )
    job = start(alice, urls=["https://news.example.org/buses"])
    item = job.items.get()
    services.jobs.claim_job(job.pk, worker="dead")
    JobItem.objects.filter(pk=item.pk).update(attempts=1, started_at=timezone.now() - timedelta(seconds=5))
    # The first attempt stored the article, then its worker was killed before recording the item.
    article_files.import_file_data(item.url, STORY, article_files.ImportOptions(user=alice))
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    services.requeue_stale_jobs()
    [job] = run_queued_jobs()
    item = job.items.get()
    assert item.outcome == "imported" and "by an earlier, interrupted attempt" in item.message
    assert Article.objects.count() == 1


BAD_URLS = ["ftp://x.example.org/a", "javascript:alert(1)"]
TWO_ITEMS_ONE_URL = {"uploads": [("a.txt", STORY)], "urls": ["https://a.example.org/"], "url": "https://b.example.org/"}


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({}, "items", "Give at least one file or URL."),
        ({"urls": BAD_URLS}, "urls", "'ftp://x.example.org/a' is not an http(s) address."),
        ({"urls": BAD_URLS}, "urls", "'javascript:alert(1)' is not an http(s) address."),
        (TWO_ITEMS_ONE_URL, "url", "A URL names one article, but 2 files were given."),
        ({"uploads": [("a.txt", STORY)], "language": "english!"}, "language", "'english!' is not a language code"
         " such as en, es or pt-BR."),
    ],
)  # fmt: skip
def test_it_refuses_a_job_it_cannot_run_with_a_message(alice, kwargs, field, message):
    with pytest.raises(ValidationError) as refused:
        start(alice, **kwargs)
    assert message in refused.value.message_dict[field]
    assert not Job.objects.exists()


def test_it_closes_an_empty_job_run_and_keeps_counters_honest(alice):
    job = start(alice, [("buses.txt", STORY)])
    Job.objects.filter(pk=job.pk).update(done_count=0)
    [job] = run_queued_jobs()
    assert (job.done_count, job.total, job.percent) == (1, 1, 100)


def test_it_fails_an_item_that_crashes_and_finishes_the_rest(alice):
    start(alice, [("buses.txt", STORY), ("library.txt", OTHER)])

    def crash_on_buses(item, job):
        if item.name == "buses.txt":
            raise KeyError("no such thing")
        return import_jobs.run_import_item(item, job)

    [job] = [services.run_job(j.pk, worker="w", runners={"import": crash_on_buses}) for j in Job.objects.all()]
    buses, library = items(job)
    assert (buses.state, buses.error) == ("failed", "unexpected error: KeyError: 'no such thing'")
    assert library.state == "done" and job.state == "partly_failed"


def test_it_gives_up_on_an_item_that_keeps_killing_its_worker(alice):
    job = start(alice, [("buses.txt", STORY)])
    JobItem.objects.filter(job=job).update(attempts=services.jobs.MAX_ATTEMPTS)  # four workers died on it
    [job] = run_queued_jobs()
    assert job.state == "failed"
    assert job.items.get().error == "the worker stopped while running this item 4 times; gave up"
