"""The embedded queue (an SQLite file, FACTCHECK_QUEUE_URL empty or sqlite:///...) with the main database's
durability: WAL with synchronous=NORMAL.

huey's SQLite storage keeps SQLite's default synchronous=FULL, one fsync per enqueue: about 8 ms under load, a
tenth of creating a claim (each claim enqueues its related-claims job). With NORMAL in WAL mode a task survives
the app or the worker crashing; only a power loss or an OS crash can lose the last few, as it can the last
few commits of var/db.sqlite3, which runs with the same setting. huey offers only FULL or OFF (and OFF can
corrupt the file on power loss), hence this storage.
"""

from huey import SqliteHuey as BaseSqliteHuey
from huey.storage import SqliteStorage as BaseSqliteStorage


class SqliteStorage(BaseSqliteStorage):
    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


class SqliteHuey(BaseSqliteHuey):
    storage_class = SqliteStorage
