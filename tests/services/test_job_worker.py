"""A real queue worker (`manage.py run_huey` in a subprocess) against the configured queue: the SQLite file
by default, Redis when FACTCHECK_QUEUE_URL=redis://... is set (CI runs `pytest -m jobs` both ways).

The worker reaches the test database because these tests make it a file (tests/conftest.py) on SQLite, and
PostgreSQL's test database is one already; the tests are transactional so the worker sees committed rows.
"""

import time

import pytest

from articles.importing import article_files
from articles.importing import jobs as import_jobs
from articles.models import Article, Job
from tests.conftest import make_user
from tests.jobs_helpers import wait_for

pytestmark = [pytest.mark.jobs, pytest.mark.django_db(transaction=True)]


def story(number: int) -> bytes:
    return f"Council report {number}\n\nThe council published report number {number} on road repairs.".encode()


def start(user, uploads):
    return import_jobs.start_import(user=user, uploads=uploads, options=article_files.ImportOptions(user=user))


def job_state(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def test_it_runs_a_job_on_a_real_worker(job_worker):
    alice = make_user("alice", "Annotator")
    job = start(alice, [("one.txt", story(1)), ("broken.txt", b"\xff\xfe\x00\x00"), ("two.txt", story(2))])
    job_worker.start()

    def finished():
        return job_state(job.pk).finished

    wait_for(finished, timeout=30, worker=job_worker)
    job = job_state(job.pk)
    assert (job.state, job.done_count, job.failed_count) == ("partly_failed", 3, 1)
    one, broken, two = job.items.order_by("position")
    assert one.message.startswith(f"imported as article #{one.article_id} “Council report 1”")
    assert broken.error == "broken.txt is a binary file, not text (it contains NUL bytes)."
    assert Article.objects.count() == 2
    assert Article.objects.get(title="Council report 2").added_by == alice


def test_it_finishes_a_job_after_its_worker_is_killed_mid_import(job_worker):
    """kill -9 half-way: nothing lost, nothing doubled, and the job finishes when a worker comes back."""
    alice = make_user("alice", "Annotator")
    total = 12
    job = start(alice, [(f"report-{n}.txt", story(n)) for n in range(total)])
    slow = {"FACTCHECK_TEST_ITEM_DELAY": "0.4", "FACTCHECK_JOB_STALE_SECONDS": "2"}
    job_worker.start(**slow)

    def some_done():
        return 3 <= job_state(job.pk).done_count < total

    wait_for(some_done, timeout=30, interval=0.05, worker=job_worker)
    job_worker.kill()
    killed_at = job_state(job.pk)
    assert killed_at.state == "running" and killed_at.done_count < total
    assert Article.objects.count() == killed_at.done_count  # each item commits with its record, or not at all

    time.sleep(2.5)  # the dead worker's heartbeat goes stale; the next worker to start queues the job again
    job_worker.start(FACTCHECK_JOB_STALE_SECONDS="2")

    def finished():
        return job_state(job.pk).finished

    wait_for(finished, timeout=40, worker=job_worker)
    job = job_state(job.pk)
    assert (job.state, job.done_count, job.failed_count, job.runs) == ("done", total, 0, 2)
    assert Article.objects.count() == total
    titles = sorted(Article.objects.values_list("title", flat=True))
    assert titles == sorted(f"Council report {n}" for n in range(total))
    assert all(item.outcome == "imported" for item in job.items.all())
