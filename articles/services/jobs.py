"""Background jobs: start one (rows first, the queue message after commit), run it item by item, recover it.

The database is the truth and the queue message only a wake-up call, so nothing depends on the queue
keeping a message through a crash:
- every item runs in its own transaction together with the row that records it done, and a re-run skips
  items already done: a job interrupted anywhere is finished by running it again, nothing doubled;
- a worker holding a job writes a heartbeat after every item; a job whose heartbeat went stale lost its
  worker (kill -9, a crashed host) and `requeue_stale_jobs` (a periodic task, and every worker as it
  starts) queues it again;
- an error that retrying can help (the database busy, a fetch that timed out) is retried with backoff,
  up to MAX_ATTEMPTS per item; any other error fails that item alone with its message.

What an item does is the caller's `runner` (articles.tasks maps each job kind to one), so this module
knows nothing of importing.
"""

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from articles.errors import JobTakenOver, RetryLater
from articles.models import Job, JobItem

logger = logging.getLogger(__name__)

MAX_ITEMS = 500
MAX_ATTEMPTS = 4
RETRY_BASE_SECONDS = 2  # then 4, 8: attempts 2, 3 and 4 wait 2 s, 4 s and 8 s
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

# Sent (after the commit) when a job wants a worker. articles.tasks enqueues the task on it: services may
# not import the task module (it sits above them), and this keeps them free of the queue library too.
job_queued = Signal()


@dataclass(frozen=True)
class NewItem:
    """One item of a job to start: a file's name and bytes, or a URL."""

    name: str
    data: bytes | None = None
    url: str = ""


@dataclass
class ItemResult:
    """What a runner reports for one item. `retryable` failures are tried again, with backoff."""

    outcome: str
    message: str
    failed: bool = False
    article_id: int | None = None
    retryable: bool = False


Runner = Callable[[JobItem, Job], ItemResult]


# ---------------------------------------------------------------- starting


@transaction.atomic
def start_job(*, kind: str, user, items: Iterable[NewItem], options: dict | None = None) -> Job:
    """Create the job and its items in one transaction; the worker is woken once they are committed."""
    items = list(items)
    if not items:
        raise ValidationError({"items": "Give at least one file or URL."})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": f"{len(items)} items given; one job takes at most {MAX_ITEMS}."})
    if kind not in Job.Kind.values:
        raise ValidationError({"kind": f"{kind!r} is not a kind of job."})
    now = timezone.now()
    job = Job.objects.create(
        kind=kind,
        total=len(items),
        options=options or {},
        created_by=user if user is not None and user.is_authenticated else None,
        heartbeat_at=now,
    )
    JobItem.objects.bulk_create(
        JobItem(job=job, position=number, name=item.name[:2000], data=item.data, url=item.url)
        for number, item in enumerate(items, start=1)
    )
    _wake_worker_after_commit(job.pk)
    return job


def _wake_worker_after_commit(job_id: int) -> None:
    transaction.on_commit(lambda: _send_job_queued(job_id))


def _send_job_queued(job_id: int) -> None:
    # A queue that is down must not turn a stored job into an error page: the job is committed, and the
    # sweep wakes a worker for it later (requeue_stale_jobs, queued jobs).
    for _receiver, response in job_queued.send_robust(sender=Job, job_id=job_id):
        if isinstance(response, Exception):
            logger.error("could not queue job %s: %s (the sweep will retry)", job_id, response)


# ---------------------------------------------------------------- running


def run_job(job_id: int, *, worker: str, runners: Mapping[str, Runner]) -> Job | None:
    """Run every item of the job not yet done with the runner for its kind, then close it. None when there
    is nothing for this worker (the job is finished, gone, or another worker has it).

    Raises RetryLater when an item hit an error that retrying can help: the caller runs the job again
    after the delay, and it resumes at that item.
    """
    job = claim_job(job_id, worker=worker)
    if job is None:
        return None
    runner = runners[job.kind]
    for item_id in JobItem.objects.filter(job=job, state=JobItem.State.QUEUED).values_list("pk", flat=True):
        if settings.FACTCHECK_TEST_ITEM_DELAY:
            time.sleep(settings.FACTCHECK_TEST_ITEM_DELAY)
        run_item(item_id, worker=worker, runner=runner)
    return finish_job(job.pk)


@transaction.atomic
def claim_job(job_id: int, *, worker: str) -> Job | None:
    """Take the job for this worker, unless it is finished or another worker with a live heartbeat has it."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.finished:
        return None
    if job.state == Job.State.RUNNING and job.worker != worker and not _is_stale(job):
        logger.info("job %s is being run by %s; leaving it", job_id, job.worker)
        return None
    now = timezone.now()
    job.state, job.worker, job.heartbeat_at = Job.State.RUNNING, worker, now
    job.started_at = job.started_at or now
    job.runs += 1
    job.save(update_fields=["state", "worker", "heartbeat_at", "started_at", "runs"])
    return job


def run_item(item_id: int, *, worker: str, runner: Runner) -> JobItem:
    """Run one item in its own transaction with the row that records it; an item already done is skipped."""
    item = _begin_item(item_id, worker=worker)
    if item.state != JobItem.State.QUEUED:
        return item
    if item.attempts > MAX_ATTEMPTS:
        # Started that often and never recorded: the item itself kills its worker (memory, a crash in a
        # parser). Failing it lets the job finish instead of being picked up again forever.
        return _fail(item_id, error=f"the worker stopped while running this item {item.attempts - 1} times; gave up")
    try:
        if item.url:
            # A fetch can take many seconds; SQLite would hold its write lock all that time, so a URL item
            # runs outside the transaction (the importer's own writes are atomic) and only the record is
            # inside. A crash between the two is caught by the importer's duplicate rules on the re-run.
            result = runner(item, item.job)
            recorded = _record(item_id, result=result)
        else:
            with transaction.atomic():
                result = runner(item, item.job)
                recorded = _record(item_id, result=result)
    except TRANSIENT_ERRORS as error:
        return _retry_or_fail(item_id, worker=worker, error=f"{type(error).__name__}: {error}")
    except DatabaseError as error:
        return _fail(item_id, error=f"database error: {error}")
    except Exception as error:
        # A bug, not bad input (the runners report bad input as a failed result): fail this item alone,
        # with the error, rather than the whole job retried forever on it.
        logger.exception("job item %s failed unexpectedly", item_id)
        return _fail(item_id, error=f"unexpected error: {type(error).__name__}: {error}")
    if recorded is None:
        return _retry_or_fail(item_id, worker=worker, error=result.message)
    return recorded


@transaction.atomic
def _begin_item(item_id: int, *, worker: str) -> JobItem:
    """Count the attempt and beat the heart, in a transaction of their own so a rolled-back item keeps them."""
    item = JobItem.objects.select_for_update(of=("self",)).select_related("job", "job__created_by").get(pk=item_id)
    _check_still_ours(item.job_id, worker)
    if item.state != JobItem.State.QUEUED:
        return item
    now = timezone.now()
    item.attempts += 1
    item.started_at = item.started_at or now
    item.save(update_fields=["attempts", "started_at"])
    Job.objects.filter(pk=item.job_id).update(heartbeat_at=now)
    return item


def _check_still_ours(job_id: int, worker: str) -> None:
    if not Job.objects.filter(pk=job_id, worker=worker, state=Job.State.RUNNING).exists():
        raise JobTakenOver(f"job {job_id} was taken over by another worker")


@transaction.atomic
def _record(item_id: int, *, result: ItemResult) -> JobItem | None:
    """Store the item's result with it; None when the result asks to be retried (nothing stored)."""
    item = JobItem.objects.select_for_update().get(pk=item_id)
    if item.state != JobItem.State.QUEUED:
        return item  # another worker finished it while this one fetched; its record stands
    if result.failed and result.retryable:
        return None
    item.state = JobItem.State.FAILED if result.failed else JobItem.State.DONE
    item.outcome, item.article_id = result.outcome, result.article_id
    item.message = "" if result.failed else result.message
    item.error = result.message if result.failed else ""
    return _close_item(item, failed=result.failed)


def _close_item(item: JobItem, *, failed: bool) -> JobItem:
    now = timezone.now()
    item.finished_at = now
    item.data = None  # the bytes were needed only to run it
    item.save()
    Job.objects.filter(pk=item.job_id).update(
        done_count=F("done_count") + 1, failed_count=F("failed_count") + (1 if failed else 0), heartbeat_at=now
    )
    return item


def _retry_or_fail(item_id: int, *, worker: str, error: str) -> JobItem:
    """Wait and try again while attempts remain; then the item fails with the last error."""
    with transaction.atomic():
        item = JobItem.objects.select_for_update().get(pk=item_id)
        if item.attempts >= MAX_ATTEMPTS:
            item.state, item.outcome = JobItem.State.FAILED, "failed"
            item.error = f"{error} (gave up after {item.attempts} attempts)"
            return _close_item(item, failed=True)
        delay = RETRY_BASE_SECONDS * 2 ** (item.attempts - 1)
        item.error = f"{error}; retrying in {delay} s (attempt {item.attempts} of {MAX_ATTEMPTS})"
        item.save(update_fields=["error"])
        # Queued, not running: no heartbeat is due while it waits, and the sweep must not count it dead.
        Job.objects.filter(pk=item.job_id, worker=worker).update(
            state=Job.State.QUEUED, worker="", heartbeat_at=timezone.now() + timedelta(seconds=delay)
        )
    raise RetryLater(delay, item.error)


def _fail(item_id: int, *, error: str) -> JobItem:
    with transaction.atomic():
        item = JobItem.objects.select_for_update().get(pk=item_id)
        item.state, item.outcome, item.error = JobItem.State.FAILED, "failed", error
        return _close_item(item, failed=True)


@transaction.atomic
def finish_job(job_id: int) -> Job:
    """Close a job whose items are all done: done, partly failed or failed."""
    job = Job.objects.select_for_update().get(pk=job_id)
    items = JobItem.objects.filter(job=job)
    if items.filter(state=JobItem.State.QUEUED).exists():
        return job
    failed = items.filter(state=JobItem.State.FAILED).count()
    done = items.count()
    if failed == 0:
        job.state = Job.State.DONE
    elif failed == done:
        job.state = Job.State.FAILED
    else:
        job.state = Job.State.PARTLY_FAILED
    # Recount from the items: the counters are a cache for the progress bar, the items are the truth.
    job.done_count, job.failed_count = done, failed
    job.finished_at = job.heartbeat_at = timezone.now()
    job.worker = ""
    job.save()
    return job


# ---------------------------------------------------------------- recovering


def _stale_after() -> timedelta:
    return timedelta(seconds=settings.FACTCHECK_JOB_STALE_SECONDS)


def _is_stale(job: Job) -> bool:
    return job.heartbeat_at is None or job.heartbeat_at < timezone.now() - _stale_after()


def requeue_stale_jobs() -> list[int]:
    """Queue again the jobs whose worker died (running, heartbeat stale) and the queued jobs whose wake-up
    was lost (the queue was down when they were started); returns their ids."""
    now = timezone.now()
    with transaction.atomic():
        dead = list(
            Job.objects.select_for_update()
            .filter(state=Job.State.RUNNING, heartbeat_at__lt=now - _stale_after())
            .values_list("pk", flat=True)
        )
        # A queued job normally waits for a free worker; ten times the stale delay means no message exists.
        forgotten = list(
            Job.objects.select_for_update()
            .filter(state=Job.State.QUEUED, heartbeat_at__lt=now - 10 * _stale_after())
            .values_list("pk", flat=True)
        )
        Job.objects.filter(pk__in=dead + forgotten).update(state=Job.State.QUEUED, worker="", heartbeat_at=now)
        for job_id in dead + forgotten:
            logger.warning("job %s lost its worker; queued again", job_id)
            _wake_worker_after_commit(job_id)
    return dead + forgotten
