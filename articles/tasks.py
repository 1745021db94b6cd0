"""The queue's tasks (huey): thin wrappers that wake a worker for a job and call services.

The web process imports this module (ArticlesConfig.ready) so that starting a job enqueues `run_job`
once the job's rows are committed; `manage.py run_huey` imports it to run them.
"""

import logging
import os
import socket
import threading

from django.conf import settings
from django.dispatch import receiver
from huey import RetryTask, crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from articles import services
from articles.errors import JobTakenOver, RetryLater
from articles.importing.jobs import RUNNERS

logger = logging.getLogger(__name__)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


# A job-level failure (the database unreachable or locked before an item even started) is retried by
# huey with backoff: 5 s, 10 s, 20 s, 40 s, 80 s. Item-level retries count their attempts in the database.
@db_task(retries=5, retry_delay=5, retry_backoff=2)
def run_job(job_id: int) -> None:
    try:
        services.run_job(job_id, worker=_worker_name(), runners=RUNNERS)
    except RetryLater as retry:
        raise RetryTask(str(retry), delay=retry.delay) from None
    except JobTakenOver as taken:
        logger.warning("%s", taken)


@receiver(services.job_queued)
def enqueue_job(sender, job_id: int, **kwargs) -> None:
    run_job(job_id)


@db_periodic_task(crontab(minute="*"))
def requeue_stale_jobs() -> None:
    services.requeue_stale_jobs()


@on_startup()
def requeue_on_startup() -> None:
    # A worker that starts after a crash picks up the jobs the dead one left, without waiting a minute.
    from django.db import close_old_connections

    try:
        services.requeue_stale_jobs()
    finally:
        close_old_connections()


# E-mail digests: scheduled a few minutes after a person is notified; whatever is pending then goes in one
# e-mail, and the later tasks of the same burst find nothing left. SMTP failures retry with backoff.
@db_task(retries=4, retry_delay=60, retry_backoff=2)
def send_notification_digest(recipient_id: int) -> None:
    services.send_digest(recipient_id)


@receiver(services.notifications_created)
def schedule_digests(sender, recipient_ids: list[int], **kwargs) -> None:
    for recipient_id in set(recipient_ids):
        send_notification_digest.schedule(args=(recipient_id,), delay=settings.FACTCHECK_EMAIL_DIGEST_SECONDS)


# Check-worthy sentences (issue 13): an article created or revised is scored once its transaction commits.
# Scoring is idempotent (same text, same model: nothing to do), so a repeated message costs one query.
@db_task(retries=3, retry_delay=5, retry_backoff=2)
def score_article_sentences(article_id: int) -> None:
    services.score_article(article_id)


@receiver(services.article_text_changed)
def schedule_scoring(sender, article_id: int, **kwargs) -> None:
    score_article_sentences(article_id)


@db_task(retries=1, retry_delay=30)
def retrain_checkworthy_model(user_id: int | None = None, activate: bool = False) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    row = services.retrain_checkworthy(user=user, activate=activate)
    logger.info("check-worthiness model v%s trained: desk F1 %.3f", row.version, row.desk_f1 or 0)


# Related claims: once a claim is saved (created, or its quote changed), embed it and suggest the claims across the
# desk that match it. A failure (the model missing, the database busy) is logged and retried once.
@db_task(retries=1, retry_delay=5)
def suggest_related_claims(claim_id: int) -> None:
    services.suggest_related(claim_id)


@on_startup()
def fill_related_index_on_startup() -> None:
    # The worker's index of every claim's vectors is filled on a thread of its own as the worker starts, so the
    # first related job does not read the whole desk itself (runs once per process, whatever the workers).
    services.warm_related_index()


@receiver(services.claim_quote_saved)
def enqueue_related(sender, claim_id: int, **kwargs) -> None:
    suggest_related_claims(claim_id)
