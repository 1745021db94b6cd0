"""The embedded queue (factcheck.queue) keeps its tasks with the main SQLite database's durability, WAL with
synchronous=NORMAL, instead of SQLite's default fsync on every enqueue."""

from django.conf import settings

from factcheck.queue import SqliteHuey


def test_the_embedded_queue_is_this_storage_by_default():
    assert settings.HUEY["huey_class"] in {"factcheck.queue.SqliteHuey", "huey.RedisHuey"}


def test_it_syncs_like_the_database_and_still_keeps_tasks(tmp_path):
    huey = SqliteHuey("desk-test", filename=str(tmp_path / "queue.sqlite3"), immediate=False)
    connection = huey.storage.conn
    assert connection.execute("pragma synchronous").fetchone() == (1,)  # NORMAL
    assert connection.execute("pragma journal_mode").fetchone() == ("wal",)

    @huey.task()
    def double(number):
        return number * 2

    double(21)
    double(4)
    assert huey.dequeue().args == (21,)
    huey.storage.close()
    # A new connection (another process, a restarted worker) finds what is left.
    again = SqliteHuey("desk-test", filename=str(tmp_path / "queue.sqlite3"), immediate=False)
    assert again.pending_count() == 1
    again.storage.close()
