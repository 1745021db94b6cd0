"""Shared fixtures: the desk's personas and small factories for records.

alice is an annotator, carol another annotator, bob a fact-checker, erin and frank editors,
and root the superuser. Every persona is staff so they can open the admin console.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from articles import services
from articles.models import Article, Source, Speaker

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run inside
# one unless told that this thread is synchronous code (it is).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHARED = Path(__file__).resolve().parents[2] / "shared"
PASSWORD = "correct-horse-battery-staple"


def make_user(username: str, role: str | None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db):
    return make_user("alice", "Annotator")


@pytest.fixture
def carol(db):
    return make_user("carol", "Annotator")


@pytest.fixture
def bob(db):
    return make_user("bob", "Fact-checker")


@pytest.fixture
def erin(db):
    return make_user("erin", "Editor")


@pytest.fixture
def frank(db):
    return make_user("frank", "Editor")


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.fixture
def source(db):
    return Source.objects.create(name="Pacific Coast Herald", homepage="https://herald.example.org/")


ARTICLE_BODY = (
    "Police in the coastal town of Escuinapa ran from gunmen on Monday, a video shows.\n\n"
    "The mayor said the officers made a tactical retreat to avoid a bloodbath. "
    '"We could have had eight or ten deaths," he said.\n\n'
    "A civic group said the police abandoned the town. The state recorded 1,200 murders last year."
)


@pytest.fixture
def make_article(db, source):
    counter = {"n": 0}

    def make(body: str = ARTICLE_BODY, *, title: str | None = None, user=None, **fields) -> Article:
        counter["n"] += 1
        return services.create_article(
            user=user,
            title=title or f"Police retreat in Escuinapa, part {counter['n']}",
            body=body,
            source=fields.pop("source", source),
            **fields,
        )

    return make


@pytest.fixture
def article(make_article):
    return make_article()


@pytest.fixture
def mayor(db):
    return Speaker.objects.create(name="Bonifacio Bustamante", description="mayor of Escuinapa")


@pytest.fixture
def make_claim(db):
    def make(article: Article, quote: str, *, user, occurrence: int = 0, **fields):
        start = -1
        for _ in range(occurrence + 1):
            start = article.body.index(quote, start + 1)
        return services.create_claim(
            user=user, article=article, start=start, end=start + len(quote), quote=quote, **fields
        )

    return make


# ---------------------------------------------------------------- import by URL: a local web site


@pytest.fixture
def local_site(settings):
    """A web site on 127.0.0.1, which the fetcher may reach only because the allow-list names it."""
    from tests.local_site import LocalSite

    site = LocalSite()
    settings.FACTCHECK_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    yield site
    site.close()


# ---------------------------------------------------------------- background jobs
# Tests that start a real queue worker (tests/jobs_helpers.py, fixture `job_worker`) need a database and a
# queue another process can open: on SQLite the test database is a file (threads and worker processes meet
# SQLite's file locks as gunicorn workers do), on PostgreSQL it already is one (test_<name>). The queue never is
# the desk's own: an SQLite queue moves to a file of the test session; a Redis queue (FACTCHECK_QUEUE_URL)
# is emptied first.


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get("NAME"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("jobs-db") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def test_queue(tmp_path_factory) -> str:
    """The queue of this test session, as a FACTCHECK_QUEUE_URL for worker subprocesses."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import SqliteStorage

    if isinstance(HUEY.storage, SqliteStorage):
        path = tmp_path_factory.mktemp("jobs-queue") / "queue.sqlite3"
        HUEY.storage = SqliteStorage(name=HUEY.name, filename=str(path))
        return f"sqlite:///{path}"
    HUEY.storage.flush_all()
    return os.environ["FACTCHECK_QUEUE_URL"]


@pytest.fixture
def job_worker(transactional_db, test_queue, tmp_path):
    """A queue worker subprocess (tests/jobs_helpers.Worker), not started; stopped before the database is flushed."""
    from huey.contrib.djhuey import HUEY

    from articles.roles import ensure_roles
    from tests.jobs_helpers import Worker

    ensure_roles()  # flushing between transactional tests removes the role groups
    HUEY.flush()  # wake-ups left by earlier tests name jobs that are gone
    worker = Worker(test_queue, tmp_path)
    yield worker
    worker.stop()
