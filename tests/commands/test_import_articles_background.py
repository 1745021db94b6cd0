"""manage.py import_articles --background: the files become a job; the command prints its id and page."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Job
from tests.jobs_helpers import run_queued_jobs

STORY = "Harbour tolls to rise in June\n\nThe port authority will raise harbour tolls by 8 percent in June.\n"


def test_it_starts_a_job_and_prints_its_id_and_page(tmp_path, alice):
    (tmp_path / "tolls.txt").write_text(STORY)
    (tmp_path / "empty.html").write_text("")
    out = io.StringIO()
    call_command(
        "import_articles", str(tmp_path), "--background", "--user", "alice", "--source", "Port News", stdout=out
    )
    job = Job.objects.get()
    assert out.getvalue().splitlines() == [
        f"Started job #{job.pk}: 2 items to import.",
        f"Watch it at http://127.0.0.1:8000/jobs/{job.pk}/",
    ]
    assert not Article.objects.exists()  # the worker imports them
    [job] = run_queued_jobs()
    assert (job.state, job.created_by, job.failed_count) == ("partly_failed", alice, 1)
    assert Article.objects.get().source.name == "Port News"
    assert job.items.get(name__endswith="empty.html").error.endswith("empty.html is empty (0 bytes).")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dry-run"], "--dry-run runs at once; leave out --background."),
        (["missing.txt"], "missing.txt does not exist."),
    ],
)
def test_it_refuses_what_it_cannot_queue(tmp_path, db, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tolls.txt").write_text(STORY)
    paths = [arg for arg in args if not arg.startswith("--")] or ["tolls.txt"]
    with pytest.raises(CommandError, match=message):
        call_command("import_articles", *paths, "--background", *[arg for arg in args if arg.startswith("--")])
    assert not Job.objects.exists()
