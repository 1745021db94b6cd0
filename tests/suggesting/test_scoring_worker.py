"""A real queue worker scores an imported article's sentences, and scores again after a revision."""

import pytest

from articles import services
from articles.importing import article_files
from articles.importing import jobs as import_jobs
from articles.models import Article, Job, SentenceSuggestion
from tests.conftest import make_user
from tests.jobs_helpers import wait_for

pytestmark = [pytest.mark.jobs, pytest.mark.django_db(transaction=True)]

STORY = (
    b"Port report\n\nThe port handled 3 million containers in 2024, up 12 percent, the harbour master said. "
    b"Gulls circled over the quay."
)


def test_the_worker_scores_an_imported_article_and_re_scores_its_revision(job_worker):
    alice = make_user("alice", "Annotator")
    job = import_jobs.start_import(
        user=alice, uploads=[("port.txt", STORY)], options=article_files.ImportOptions(user=alice)
    )
    job_worker.start()
    wait_for(lambda: Job.objects.get(pk=job.pk).finished, timeout=30, worker=job_worker)
    article = Article.objects.get()
    wait_for(lambda: SentenceSuggestion.objects.filter(article=article).exists(), timeout=30, worker=job_worker)
    assert "3 million containers" in SentenceSuggestion.objects.get(article=article).quote

    body = article.body.replace("3 million", "4 million")
    services.revise_article(user=alice, article=article, body=body, reason="corrected figure")
    wait_for(
        lambda: SentenceSuggestion.objects.filter(article=article, quote__contains="4 million").exists(),
        timeout=30,
        worker=job_worker,
    )
    assert not SentenceSuggestion.objects.filter(article=article, quote__contains="3 million").exists()
