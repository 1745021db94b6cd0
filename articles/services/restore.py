"""Restore validated records in bulk: the write side of import_claims (a JSON Lines export read back).

importing/jsonl.py reads and validates every line in memory first, with the same rules the one-at-a-time
services apply (spans, lengths, tags, choices, URLs); this module then writes what it validated in large
batches: users, sources, speakers and tags it lacks, articles, claims with their tags, verdicts with their
evidence, links, and one history row per created record (tags included in the claim's row), each batch
of claims in its own transaction.

The claims' rows go the fastest way each database has (write_rows): one binary COPY per table on PostgreSQL,
INSERTs of 500 rows each on SQLite, with the ids reserved first (reserve_ids) so the claim, tag and
history rows name each other (on SQLite the history rows are copied by the database from
the claims just written: write_claim_history). On SQLite the search index is filled once per batch instead
of by a trigger per claim (claim_search_filled_after).

The rows keep the timestamps they carry (created and updated times as exported): they are inserted
"raw", as loaddata does, so the auto_now fields do not replace them.
"""

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connections, models, router, transaction
from django.utils import timezone

from articles.models import CLAIM_SEARCH_TABLE, Article, Claim, ClaimLink, Evidence, Source, Speaker, Tag, Verdict

# Claims per transaction (with their tags, verdicts and history rows).
CLAIM_BATCH = 5000
CHANGE_REASON = "imported"
# The claim columns a restored claim row fills, in the order _claim_batch lists them; then those its "+"
# history row adds. Any other field (one added later) gets its default (see columns).
CLAIM_COLUMNS = (
    "id",
    "article_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "speaker_id",
    "summary",
    "anchor_state",
    "created_by_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "version",
)
HISTORY_COLUMNS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")
# SQLite's trigger that adds each new claim to the search index (models.ensure_claim_search).
CLAIM_SEARCH_INSERT_TRIGGER = "articles_claim_fts_insert"


@dataclass
class NewArticle:
    title: str
    body: str
    content_hash: str
    source: tuple[str, str] | None  # (name, homepage)
    url: str
    byline: str
    published: date | None
    language: str
    raw: str
    raw_format: str
    added_by: str | None
    created_at: datetime
    updated_at: datetime


@dataclass
class NewEvidence:
    url: str
    title: str
    note: str
    position: int


@dataclass
class NewVerdict:
    old_id: int | None  # its id in the file: what a later verdict's `corrects` names
    corrects: int | None  # old id of the verdict this one corrects (listed before it)
    rating: str
    headline: str
    explanation: str
    state: str
    author: str
    editor: str | None
    assigned_to: str | None
    correction_note: str
    submitted_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    evidence: list[NewEvidence] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)  # validated comment records, roots before replies


@dataclass
class NewClaim:
    key: str
    article_hash: str
    start: int | None
    end: int | None
    quote: str
    prefix: str
    suffix: str
    speaker: tuple[str, str, str] | None  # (name, description, affiliation), cleaned
    summary: str
    tags: list[str]
    anchor_state: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    verdicts: list[NewVerdict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)  # validated comment records, roots before replies


@dataclass
class NewLink:
    from_id: int
    to_id: int
    relation: str
    note: str
    created_by: str
    created_at: datetime


@dataclass
class Written:
    articles: int = 0
    claims: int = 0
    verdicts: int = 0
    links: int = 0
    users_created: list[str] = field(default_factory=list)
    claim_ids: dict[str, int] = field(default_factory=dict)  # key -> id of every claim written
    # (claim id, verdict id in the file) -> id of every verdict written, for the verdicts' comments
    verdict_ids: dict[tuple[int, int], int] = field(default_factory=dict)


@contextmanager
def claim_search_filled_after(connection, ids):
    """Claims written inside this block enter SQLite's search index in one statement at its end, not one
    trigger run per row.

    The trigger that indexes each inserted claim (models.ensure_claim_search) makes FTS5 write index
    segments per statement; for thousands of rows inserted one statement each (executemany, as they
    were) that was several times the insert itself. So: drop the trigger, let the block insert the
    claims with these `ids`, add their rows to the index with one INSERT ... SELECT, and put back the
    trigger exactly as it was (its SQL read from the schema). SQLite's DDL is transactional, and this
    must run inside the transaction that writes the claims: if the block fails, or the transaction is
    rolled back, the trigger's drop goes with it and the index still matches the table. PostgreSQL's
    trigram indexes are kept by the INSERT itself.
    """
    if connection.vendor != "sqlite" or not ids:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("claim_search_filled_after must run inside the transaction that writes the claims")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [CLAIM_SEARCH_INSERT_TRIGGER]
        )
        found = cursor.fetchone()
        if found is None:  # no search index here (a database older than migration 0018): nothing to keep
            yield
            return
        cursor.execute(f"DROP TRIGGER {CLAIM_SEARCH_INSERT_TRIGGER}")
        yield
        cursor.execute(
            f"INSERT INTO {CLAIM_SEARCH_TABLE}(rowid, quote, summary)"  # noqa: S608 (constant names)
            " SELECT id, quote, summary FROM articles_claim WHERE id >= %s AND id <= %s",
            [min(ids), max(ids)],
        )
        cursor.execute(found[0])


def write_claim_history(connection, ids, rows: list[tuple], tags: list[tuple], *, when) -> None:
    """The "+" history rows of claims just written, and of their tags: `rows` are the claims' rows as
    written (CLAIM_COLUMNS, then columns' defaults), `tags` their tag rows (id, claim_id, tag_id), `when`
    the history date as the driver takes it (db_datetime). The import is the reason, the creator the user.

    SQLite: the database copies them from the rows it holds, one INSERT ... SELECT per table, so nothing
    is built or bound twice (binding 20 columns a claim took as long as the claims' own rows). PostgreSQL:
    one COPY per table of rows built here; an INSERT ... SELECT there inserts row by row where COPY writes
    pages of rows at once (measured slower, the tags' join more so).
    """
    if not ids:
        return
    if connection.vendor == "sqlite":
        _copy_claim_history(connection, ids, when)
        return
    history_names, history_defaults = columns(Claim.history.model, CLAIM_COLUMNS + HISTORY_COLUMNS, connection)
    history_ids = dict(zip(ids, reserve_ids(connection, Claim.history.model, len(ids)), strict=True))
    width, creator = len(CLAIM_COLUMNS), CLAIM_COLUMNS.index("created_by_id")
    write_rows(
        connection,
        Claim.history.model,
        history_names,
        [
            row[:width] + (history_ids[row[0]], when, CHANGE_REASON, "+", row[creator]) + history_defaults
            for row in rows
        ],
    )
    write_rows(
        connection,
        apps.get_model("articles", "HistoricalClaim_tags"),
        ["id", "history_id", "claim_id", "tag_id"],
        [(link_id, history_ids[pk], pk, tag) for link_id, pk, tag in tags],
    )


def _copy_claim_history(connection, ids, when) -> None:
    """SQLite's half of write_claim_history: the history rows of the claims with these ids (one run of
    consecutive ids nobody else can take: see reserve_ids) copied from the claims' and tags' tables.

    The history row of a new claim is the claim row (every tracked column) with the history columns; its
    tags' rows name it. The claims' ids are new, so the only history rows carrying them are those made here.
    """
    quote = connection.ops.quote_name
    history = Claim.history.model
    tracked = [quote(f.column) for f in history.tracked_fields]
    history_columns = [quote(history._meta.get_field(name).column) for name in HISTORY_COLUMNS if name != "history_id"]
    span = [min(ids), max(ids)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked + history_columns)})"  # noqa: S608 (the models' own names)
            f" SELECT {', '.join(tracked)}, %s, %s, '+', {quote(Claim._meta.get_field('created_by').column)}"
            f" FROM {quote(Claim._meta.db_table)} WHERE id BETWEEN %s AND %s",
            [when, CHANGE_REASON, *span],
        )
        cursor.execute(
            f"INSERT INTO {quote(apps.get_model('articles', 'HistoricalClaim_tags')._meta.db_table)}"  # noqa: S608 (the models' own names)
            " (id, history_id, claim_id, tag_id) SELECT t.id, h.history_id, t.claim_id, t.tag_id"
            f" FROM {quote(Claim.tags.through._meta.db_table)} t JOIN {quote(history._meta.db_table)} h"
            " ON h.id = t.claim_id WHERE t.claim_id BETWEEN %s AND %s",
            span,
        )


def utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def insert(model, objs: list, *, using: str = "default") -> list:
    """INSERT the objects in as few statements as the database allows and set their ids.

    Raw, as loaddata inserts (the auto_now fields keep the values the objects carry); the statements are
    as large as the backend's parameter limit permits (bulk_create keeps SQLite to 999 parameters).
    """
    if not objs:
        return objs
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key or getattr(objs[0], f.attname) is not None]
    connection = connections[using]
    limit = 65_000
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = max(1, min(5000, limit // len(fields)))
    now = timezone.now()
    for stamp in [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]:
        for obj in objs:  # a new source or speaker: stamped now, as a save would
            if getattr(obj, stamp.attname) is None:
                setattr(obj, stamp.attname, now)
    returning = meta.db_returning_fields
    manager = model._base_manager.using(using)
    for begin in range(0, len(objs), size):
        chunk = objs[begin : begin + size]
        rows = manager._insert(chunk, fields=fields, returning_fields=returning, raw=True, using=using)
        for obj, row in zip(chunk, rows or (), strict=False):
            for returned, value in zip(returning, row, strict=True):
                setattr(obj, returned.attname, value)
        for obj in chunk:
            obj._state.adding, obj._state.db = False, using
    return objs


def _sqlite_datetime(value: datetime) -> str:
    """A date and time as Django stores it in SQLite (naive UTC text), without its general-purpose checks."""
    if value.tzinfo is UTC:  # what restore.utc gives: the text without its "+00:00"
        return value.isoformat(" ")[:-6]
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def db_datetime(connection):
    """The function that turns an aware date and time into what `connection`'s driver takes for a column.

    write_rows hands values to the driver as they are: SQLite's needs Django's text form, psycopg takes
    the datetime itself.
    """
    return _adapters(connection).get("DateTimeField", lambda value: value)


def reserve_ids(connection, model, count: int):
    """`count` new primary keys of `model`, taken before its rows are written (neither COPY nor executemany
    says which ids it gave), so the claims' history, tag and search rows can name them in the same pass.

    Call inside the transaction that writes the rows. PostgreSQL: from the table's sequence, safe beside
    other writers. SQLite: this transaction holds the database's write lock (transactions are IMMEDIATE),
    so nobody takes an id before it ends; AUTOINCREMENT never gives an id twice, so the reserved ids start
    past both the highest row and the highest id ever given (sqlite_sequence).
    """
    if count <= 0:
        return range(0)
    table, pk = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once (a subquery, run before the rows): as nextval's argument it
            # was looked up in the catalog again for every id (13 µs an id, now 1).
            cursor.execute(
                "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s)::regclass)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT max(coalesce((SELECT max({quote(pk)}) FROM {quote(table)}), 0),"  # noqa: S608 (the model's own names)
            " coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
    return range(first, first + count)


def columns(model, given: tuple[str, ...], connection) -> tuple[list[str], tuple]:
    """The columns a row of `model` fills: `given` (field attnames, in the order the rows list their values),
    then every other concrete field of the model with its default, so a field added later is not missed.

    Returns the column names and the defaults to append to each row (already as the database takes them).
    """
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in given if name not in fields]
    if unknown:
        raise ValueError(f"{model._meta.label} has no fields {unknown}")
    rest = [f for name, f in fields.items() if name not in given and not (f.primary_key and f.attname not in given)]
    names = [fields[name].column for name in given] + [f.column for f in rest]
    return names, tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)


def write_rows(connection, model, names: list[str], rows: list[tuple]) -> None:
    """Write rows (tuples of values in the order of the column `names`) the fastest way the database has.

    PostgreSQL: one binary COPY. SQLite: INSERTs of many rows each (_sqlite_insert). No RETURNING: the ids
    are reserved before (reserve_ids). Values are what the driver takes (see db_datetime).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table, listed = quote(model._meta.db_table), ", ".join(quote(name) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # In the columns' binary forms (their types read from the table itself): the driver writes
            # and the server reads them several times faster than COPY's text (dates and times above all).
            # Its errors made Django's, as every other statement's are (the importer reports an
            # IntegrityError; the driver's own would have escaped it).
            cursor.execute(f"SELECT {listed} FROM {table} LIMIT 0")  # noqa: S608 (the model's own names)
            types = [column.type_code for column in cursor.description]
            statement = f"COPY {table} ({listed}) FROM STDIN (FORMAT BINARY)"
            with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        else:
            insert = f"INSERT INTO {table} ({listed}) VALUES "  # noqa: S608 (the model's own names)
            _sqlite_insert(connection, cursor, insert, len(names), rows)


# Rows per SQLite INSERT (fewer when the columns would pass the driver's limit on parameters).
SQLITE_INSERT_ROWS = 500


def _sqlite_insert(connection, cursor, insert: str, width: int, rows: list[tuple]) -> None:
    """write_rows on SQLite: `insert` ("INSERT INTO t (columns) VALUES ") with SQLITE_INSERT_ROWS rows of
    `width` values each per statement, the same statement for every full chunk.

    executemany runs its one-row statement once per row (bind, step, reset): for 20,000 claims that took
    0.19 s of CPU and 500-row statements 0.14 s, their tag rows 2.5 times less (measured in var/). The
    statements go to the driver's cursor (errors still become Django's): with DEBUG on, Django's own
    would log each one by quoting its thousands of values in a query of their own, doubling the time.
    """
    connection.validate_no_broken_transaction()  # as Django's cursor checks before each statement
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = max(1, min(SQLITE_INSERT_ROWS, limit // width))
    row = "(" + ", ".join(["%s"] * width) + ")"
    full = insert + ", ".join([row] * size)
    with connection.wrap_database_errors:
        for begin in range(0, len(rows), size):
            chunk = rows[begin : begin + size]
            statement = full if len(chunk) == size else insert + ", ".join([row] * len(chunk))
            cursor.cursor.execute(statement, [value for values in chunk for value in values])


def insert_rows(model, rows: list[dict], *, using: str = "default", returning: bool = True) -> list[int]:
    """INSERT plain rows (field attname -> value) through write_rows; return the new ids in order.

    No model instances and no per-value field machinery. Dates and times are adapted as the database
    stores them; every other value is already what the column holds (validated before). A column the
    rows do not name gets its field's default. With `returning`, the ids are reserved first (reserve_ids)
    and written with the rows; without, the database numbers them.
    """
    if not rows:
        return []
    connection = connections[using]
    pk = model._meta.pk.attname
    given = tuple(name for name in rows[0] if name != pk)
    ids = reserve_ids(connection, model, len(rows)) if returning else ()
    names, defaults = columns(model, (pk, *given) if returning else given, connection)
    adapters = _adapters(connection)
    adapt = [
        (position, adapters[field.get_internal_type()])
        for position, field in enumerate(model._meta.get_field(name) for name in given)
        if field.get_internal_type() in adapters
    ]
    values = []
    for row in rows:
        value = [row[name] for name in given]
        for position, adapter in adapt:
            if value[position] is not None:
                value[position] = adapter(value[position])
        values.append(tuple(value) + defaults)
    if returning:
        values = [(pk_value, *value) for pk_value, value in zip(ids, values, strict=True)]
    write_rows(connection, model, names, values)
    return list(ids)


def insert_new(objs: list, *, using: str = "default") -> list:
    """INSERT new model instances (one model, ids not set) in one statement, set their ids and return them.

    For the few rows of one request (a claim, its history record, their tag rows): the statement is built
    once per model and row count and kept, where a save() or bulk_create() compiles it on every call. The
    values go through each field as a save would (`pre_save` stamps auto_now fields, `get_db_prep_save`
    adapts them), and the ids come back by RETURNING. No pre_save/post_save signal is sent: the callers
    write their history records themselves.
    """
    if not objs:
        return objs
    model, connection = type(objs[0]), connections[using]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    key = (connection.vendor, model._meta.label, len(objs))
    if key not in _INSERT_SQL:
        _INSERT_SQL[key] = _insert_sql(connection, model, fields, len(objs))
    params = _db_values(objs, fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL[key], params)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk_value in zip(objs, ids, strict=True):
        _set_id(obj, pk_value, using)
    return objs


def insert_new_with_links(obj, links: list, link_field: str, *, using: str = "default"):
    """INSERT a new model instance and new rows that point to it (`links`, one model, whose foreign key
    `link_field` is set to its primary key): one statement on PostgreSQL, two elsewhere; set every id, return `obj`.

    On PostgreSQL the links' INSERT is a data-modifying CTE after the instance's, taking its id from the first's
    RETURNING: one round trip where insert_new twice takes two (the server parses, plans and answers each). The
    values go through each field as insert_new's do; the ids come back in the order the rows were given, as
    insert_new's (and bulk_create's) do.
    """
    connection = connections[using]
    pointer = links[0]._meta.get_field(link_field) if links else None
    if pointer is None or connection.vendor != "postgresql" or pointer.target_field != type(obj)._meta.pk:
        insert_new([obj], using=using)
        for link in links:
            setattr(link, link_field, obj)
        insert_new(links, using=using)
        return obj
    model, link_model = type(obj), type(links[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    link_fields = [field for field in link_model._meta.concrete_fields if not field.primary_key]
    key = (connection.vendor, model._meta.label, link_model._meta.label, link_field, len(links))
    if key not in _INSERT_SQL:
        _INSERT_SQL[key] = _insert_with_links_sql(connection, model, fields, pointer, link_fields, len(links))
    params = _db_values([obj], fields, connection)
    params += _db_values(links, [field for field in link_fields if field is not pointer], connection)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL[key], params)
        rows = cursor.fetchall()
    _set_id(obj, rows[0][0], using)
    for link, (_obj_id, link_id) in zip(links, rows, strict=True):
        setattr(link, link_field, obj)
        _set_id(link, link_id, using)
    return obj


def _db_values(objs: list, fields: list, connection) -> list:
    """Each object's value of each field as the database takes it, as a save computes it (`pre_save`, then
    `get_db_prep_save`), row after row.

    A plain text, whole-number or true/false field, or a foreign key to a whole-number key, holding a value of
    exactly that Python type (or None) is given as it is: Django's layers (pre_save, get_db_prep_save,
    get_db_prep_value, get_prep_value, to_python) hand such a value back unchanged, and walking them for each
    of a new claim's and its history record's thirty-odd columns was a twentieth of creating a claim.
    """
    plain = [_plain_value_types(field) for field in fields]
    values = []
    for obj in objs:
        for model_field, types in zip(fields, plain, strict=True):
            if types is not None:
                value = getattr(obj, model_field.attname)
                if value is None or type(value) in types:
                    values.append(value)
                    continue
            values.append(model_field.get_db_prep_save(model_field.pre_save(obj, True), connection))
    return values


# Field classes (exactly these, not subclasses: those may adapt values) whose pre_save reads the attribute and
# whose get_db_prep_save returns a value of these Python types unchanged, and None as None.
_PLAIN_VALUE_TYPES = {
    **dict.fromkeys((models.CharField, models.TextField), (str,)),
    **dict.fromkeys(
        (
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveBigIntegerField,
            models.PositiveSmallIntegerField,
        ),
        (int,),
    ),
    models.BooleanField: (bool,),
    **dict.fromkeys((models.AutoField, models.BigAutoField), (int,)),
}


# Key fields a foreign key may point at and still pass its whole-number value as it is.
_INT_KEYS = {models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField}


def _plain_value_types(field) -> tuple | None:
    """The Python types _db_values may pass as they are for this field (None: always go through the field)."""
    if type(field) is models.ForeignKey:
        return (int,) if type(field.target_field) in _INT_KEYS else None
    return _PLAIN_VALUE_TYPES.get(type(field))


def _set_id(obj, pk_value, using: str) -> None:
    setattr(obj, obj._meta.pk.attname, pk_value)
    obj._state.adding, obj._state.db = False, using


def _insert_with_links_sql(connection, model, fields, pointer, link_fields, count: int) -> str:
    """insert_new_with_links' statement: the instance's INSERT, then its links' (the pointer column taking the new
    id), answering one row per link: (the instance's id, the link's id)."""
    quote, link_model = connection.ops.quote_name, pointer.model
    pk, link_pk = quote(model._meta.pk.column), quote(link_model._meta.pk.column)
    first = _insert_sql(connection, model, fields, 1)
    listed = ", ".join(quote(field.column) for field in link_fields)
    new_id = f"(SELECT {pk} FROM new_row)"  # noqa: S608 (own names)
    row = "(" + ", ".join(new_id if field is pointer else "%s" for field in link_fields) + ")"
    table = quote(link_model._meta.db_table)
    links = f"INSERT INTO {table} ({listed}) VALUES {', '.join([row] * count)} RETURNING {link_pk}"  # noqa: S608 (own names)
    return f"WITH new_row AS ({first}), new_links AS ({links}) SELECT {new_id}, {link_pk} FROM new_links"  # noqa: S608


def _insert_sql(connection, model, fields: list, count: int) -> str:
    """insert_new's statement: every column but the primary key, `count` rows of values, the new ids returned."""
    quote = connection.ops.quote_name
    listed = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"INSERT INTO {table} ({listed}) VALUES {', '.join([row] * count)} RETURNING {pk}"  # noqa: S608 (own names)


_INSERT_SQL: dict[tuple, str] = {}


def _adapters(connection) -> dict:
    """Field type -> what turns its Python value into what the driver takes (see db_datetime)."""
    if connection.vendor == "sqlite":
        return {"DateTimeField": _sqlite_datetime, "DateField": date.isoformat}
    return {}


def history_rows(
    model, rows: list[dict], ids: list[int], *, when: datetime, user_ids: list, reason: str = CHANGE_REASON
):
    """The "+" history rows (simple-history's table for `model`) of rows just inserted with these ids."""
    tracked = [f.attname for f in model.history.model.tracked_fields]
    return [
        {
            **{name: row.get(name) for name in tracked},
            model._meta.pk.attname: pk,
            "history_date": when,
            "history_change_reason": reason,
            "history_type": "+",
            "history_user_id": user_id,
        }
        for row, pk, user_id in zip(rows, ids, user_ids, strict=True)
    ]


def record_history(model, objs: list, users: dict, *, user_of, when: datetime, using: str = "default") -> list:
    """One "+" history row per created object, naming its user, in bulk."""
    history = model.history.model
    rows = []
    for obj in objs:
        row = history(
            history_date=when,
            history_user=users.get(user_of(obj)),
            history_change_reason=CHANGE_REASON,
            history_type="+",
            **{f.attname: getattr(obj, f.attname) for f in history.tracked_fields},
        )
        rows.append(row)
    return insert(history, rows, using=using)


class Restorer:
    """Writes the validated records; see the module docstring."""

    def __init__(self, *, using: str | None = None):
        self.using = using or router.db_for_write(Claim)
        self.users: dict[str, object] = {}
        self.when = timezone.now()
        self.written = Written()

    # ------------------------------------------------------------ people, outlets, tags

    def ensure_users(self, names: Iterable[str]) -> None:
        """Find these users; create the missing ones inactive, with no password and no role."""
        names = {name for name in names if name} - set(self.users)
        if not names:
            return
        users = get_user_model()
        for user in users.objects.using(self.using).filter(username__in=names):
            self.users[user.username] = user
        missing = sorted(names - set(self.users))
        if missing:
            created = [users(username=name, is_active=False, password=make_password(None)) for name in missing]
            users.objects.using(self.using).bulk_create(created)
            for user in users.objects.using(self.using).filter(username__in=missing):
                self.users[user.username] = user
            self.written.users_created.extend(missing)

    def sources(self, wanted: dict[str, str], user_of: dict[str, str | None]) -> dict[str, Source]:
        """Sources by name (get or create, as services.get_or_create_source: the first homepage wins)."""
        found = {s.name: s for s in Source.objects.using(self.using).filter(name__in=list(wanted))}
        missing = [Source(name=name, homepage=homepage) for name, homepage in wanted.items() if name not in found]
        insert(Source, missing, using=self.using)
        record_history(Source, missing, self.users, user_of=lambda s: user_of.get(s.name), when=self.when)
        found.update({s.name: s for s in missing})
        return found

    def speakers(self, wanted: dict[tuple[str, str], tuple[str, str]]) -> dict[tuple[str, str], Speaker]:
        """Speakers by (name, description) -> (affiliation, creator), as services.get_or_create_speaker."""
        found: dict[tuple[str, str], Speaker] = {}
        names = sorted({name for name, _ in wanted})
        for begin in range(0, len(names), 500):
            for speaker in Speaker.objects.using(self.using).filter(name__in=names[begin : begin + 500]):
                found.setdefault((speaker.name, speaker.description), speaker)
        missing = [
            Speaker(
                name=name,
                description=description,
                affiliation=affiliation,
                created_by=self.users.get(creator),
            )
            for (name, description), (affiliation, creator) in wanted.items()
            if (name, description) not in found
        ]
        insert(Speaker, missing, using=self.using)
        record_history(
            Speaker, missing, self.users, user_of=lambda s: getattr(s.created_by, "username", None), when=self.when
        )
        found.update({(s.name, s.description): s for s in missing})
        return found

    def tags(self, names: Iterable[str]) -> dict[str, int]:
        names = sorted(set(names))
        if not names:
            return {}
        tags = Tag.objects.using(self.using)
        tags.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
        return dict(tags.filter(name__in=names).values_list("name", "pk"))

    # ------------------------------------------------------------ articles

    def articles(self, new: list[NewArticle]) -> dict[str, int]:
        """Write the articles; return id by content hash."""
        self.ensure_users(a.added_by for a in new)
        wanted, source_users = {}, {}
        for article in new:
            if article.source:
                wanted.setdefault(*article.source)
                source_users.setdefault(article.source[0], article.added_by)
        with transaction.atomic(using=self.using):
            sources = self.sources(wanted, source_users) if wanted else {}
            rows = [
                Article(
                    title=a.title,
                    body=a.body,
                    content_hash=a.content_hash,
                    source=sources[a.source[0]] if a.source else None,
                    url=a.url,
                    byline=a.byline,
                    published=a.published,
                    language=a.language,
                    raw=a.raw,
                    raw_format=a.raw_format,
                    added_by=self.users.get(a.added_by),
                    created_at=a.created_at,
                    updated_at=a.updated_at,
                )
                for a in new
            ]
            for batch in _batches(rows, 200):  # bodies are large
                insert(Article, batch, using=self.using)
                history = Article.history.model
                entries = [
                    history(
                        history_date=self.when,
                        history_user=article.added_by,
                        history_change_reason=f"imported ({article.raw_format})",
                        history_type="+",
                        **{f.attname: getattr(article, f.attname) for f in history.tracked_fields},
                    )
                    for article in batch
                ]
                insert(history, entries, using=self.using)
        self.written.articles += len(rows)
        return {article.content_hash: article.pk for article in rows}

    # ------------------------------------------------------------ claims, tags, verdicts, evidence

    def claims(self, new: list[NewClaim], article_ids: dict[str, int]) -> None:
        people = set()
        speakers_wanted: dict[tuple[str, str], tuple[str, str]] = {}
        for claim in new:
            people.add(claim.created_by)
            if claim.speaker:
                name, description, affiliation = claim.speaker
                speakers_wanted.setdefault((name, description), (affiliation, claim.created_by))
            for verdict in claim.verdicts:
                people.update((verdict.author, verdict.editor, verdict.assigned_to))
        self.ensure_users(people)
        with transaction.atomic(using=self.using):
            speakers = self.speakers(speakers_wanted) if speakers_wanted else {}
            tag_ids = self.tags(name for claim in new for name in claim.tags)
        speaker_ids = {key: speaker.pk for key, speaker in speakers.items()}
        for batch in _batches(new, CLAIM_BATCH):
            with transaction.atomic(using=self.using):
                self._claim_batch(batch, article_ids, speaker_ids, tag_ids)

    def _claim_batch(self, batch: list[NewClaim], article_ids, speaker_ids, tag_ids) -> None:
        """The claims and their tags, rows built in one pass, each table written in one statement (write_rows)
        with the ids reserved first so the rows name each other; then their "+" history rows, tags included
        (write_claim_history)."""
        connection = connections[self.using]
        stamp = db_datetime(connection)
        users = {name: user.pk for name, user in self.users.items()}
        claim_names, claim_defaults = columns(Claim, CLAIM_COLUMNS, connection)
        ids = reserve_ids(connection, Claim, len(batch))
        rows, tagged = [], []
        for c, pk in zip(batch, ids, strict=True):
            created = stamp(c.created_at)
            rows.append(
                (
                    pk,
                    article_ids[c.article_hash],
                    c.start,
                    c.end,
                    c.quote,
                    c.prefix,
                    c.suffix,
                    speaker_ids[c.speaker[:2]] if c.speaker else None,
                    c.summary,
                    c.anchor_state,
                    users[c.created_by],
                    created,
                    created if c.updated_at == c.created_at else stamp(c.updated_at),
                    None,
                    1,
                )
                + claim_defaults
            )
            tagged += [(pk, tag_ids[name]) for name in c.tags]
        link_ids = reserve_ids(connection, Claim.tags.through, len(tagged))
        with claim_search_filled_after(connection, ids):
            write_rows(connection, Claim, claim_names, rows)
        through = [(link_id, pk, tag) for link_id, (pk, tag) in zip(link_ids, tagged, strict=True)]
        write_rows(connection, Claim.tags.through, ["id", "claim_id", "tag_id"], through)
        write_claim_history(connection, ids, rows, through, when=stamp(self.when))
        for plan, pk in zip(batch, ids, strict=True):
            self.written.claim_ids[plan.key] = pk
        self.written.claims += len(rows)
        self._verdicts([(pk, plan.verdicts) for plan, pk in zip(batch, ids, strict=True) if plan.verdicts])

    def _verdicts(self, per_claim: list[tuple[int, list[NewVerdict]]]) -> None:
        """Verdicts in rounds: a correction is written after the verdict it corrects (listed before it)."""
        users, using = self.users, self.using
        done: dict[tuple[int, int], int] = {}  # (claim id, old id) -> new verdict id
        pending = [(claim_id, v) for claim_id, verdicts in per_claim for v in verdicts]
        while pending:
            ready = [(c, v) for c, v in pending if v.corrects is None or (c, v.corrects) in done]
            pending = [(c, v) for c, v in pending if not (v.corrects is None or (c, v.corrects) in done)]
            if not ready:  # validated before: cannot happen
                raise ValueError("a verdict corrects one that is not listed before it")
            rows = [
                {
                    "claim_id": claim_id,
                    "rating": v.rating,
                    "headline": v.headline,
                    "explanation": v.explanation,
                    "state": v.state,
                    "author_id": users[v.author].pk,
                    "editor_id": users[v.editor].pk if v.editor else None,
                    "assigned_to_id": users[v.assigned_to].pk if v.assigned_to else None,
                    "corrects_id": done.get((claim_id, v.corrects)) if v.corrects is not None else None,
                    "correction_note": v.correction_note,
                    "changes_reason": "",
                    "submitted_at": v.submitted_at,
                    "approved_at": v.approved_at,
                    "published_at": v.published_at,
                    "created_at": v.created_at,
                    "updated_at": v.updated_at,
                    "version": 1,
                }
                for claim_id, v in ready
            ]
            ids = insert_rows(Verdict, rows, using=using)
            authors = [row["author_id"] for row in rows]
            insert_rows(
                Verdict.history.model,
                history_rows(Verdict, rows, ids, when=self.when, user_ids=authors),
                using=using,
                returning=False,
            )
            evidence, evidence_users = [], []
            for (claim_id, plan), pk, author in zip(ready, ids, authors, strict=True):
                if plan.old_id is not None:
                    done[(claim_id, plan.old_id)] = pk
                    self.written.verdict_ids[(claim_id, plan.old_id)] = pk
                for e in plan.evidence:
                    evidence.append(
                        {"verdict_id": pk, "url": e.url, "title": e.title, "note": e.note, "position": e.position}
                    )
                    evidence_users.append(author)
            evidence_ids = insert_rows(Evidence, evidence, using=using)
            insert_rows(
                Evidence.history.model,
                history_rows(Evidence, evidence, evidence_ids, when=self.when, user_ids=evidence_users),
                using=using,
                returning=False,
            )
            self.written.verdicts += len(rows)

    # ------------------------------------------------------------ links

    def links(self, new: list[NewLink]) -> None:
        self.ensure_users(link.created_by for link in new)
        users = self.users
        for batch in _batches(new, CLAIM_BATCH):
            with transaction.atomic(using=self.using):
                rows = [
                    {
                        "from_claim_id": link.from_id,
                        "to_claim_id": link.to_id,
                        "relation": link.relation,
                        "note": link.note,
                        "created_by_id": users[link.created_by].pk,
                        "created_at": link.created_at,
                    }
                    for link in batch
                ]
                ids = insert_rows(ClaimLink, rows, using=self.using)
                creators = [row["created_by_id"] for row in rows]
                insert_rows(
                    ClaimLink.history.model,
                    history_rows(ClaimLink, rows, ids, when=self.when, user_ids=creators),
                    using=self.using,
                    returning=False,
                )
                self.written.links += len(rows)


def existing_links(claim_ids: Iterable[int], *, using: str = "default") -> set[tuple[int, int, str]]:
    """(from id, to id, relation) of every link touching these claims."""
    ids = sorted(set(claim_ids))
    found = set()
    for batch in _batches(ids, 5000):
        links = ClaimLink.objects.using(using).filter(from_claim_id__in=batch) | ClaimLink.objects.using(using).filter(
            to_claim_id__in=batch
        )
        found.update(links.values_list("from_claim_id", "to_claim_id", "relation"))
    return found


def claims_of_articles(hashes: Iterable[str], *, using: str = "default") -> dict[tuple, tuple[int, bool]]:
    """(article hash, start, end, created_at in UTC) -> (claim id, deleted) of every claim of these articles."""
    found = defaultdict(tuple)
    hashes = sorted(set(hashes))
    for batch in _batches(hashes, 500):
        rows = Claim.objects.using(using).filter(article__content_hash__in=batch)
        for digest, start, end, created_at, pk, deleted_at in rows.values_list(
            "article__content_hash", "start", "end", "created_at", "id", "deleted_at"
        ):
            found[(digest, start, end, utc(created_at))] = (pk, deleted_at is not None)
    return dict(found)


def _batches(items: list, size: int):
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]
