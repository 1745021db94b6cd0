"""A JSON Lines claim record written by the database: the text before and after its related lists.

Python encoding each claim (reading its columns, parsing and re-formatting its dates, quoting each string)
was most of a JSON Lines export's time. Here the database writes those parts of the line as text, in the
claim query itself: SQLite's json_quote and PostgreSQL's to_json escape a string exactly as
json.dumps(ensure_ascii=False) does (`"`, `\\`, \\b \\f \\n \\r \\t, other control characters as \\u00xx,
everything else as is), and the dates are formatted from the stored value as datetime.isoformat() writes
them. Python splices in the article object (written once per chunk of claims: article_object) and the tags,
links, verdicts and comments: claim_head, article, claim_body, tags ... comments, claim_tail. U+2028/U+2029
are escaped afterwards for the whole chunk, as for every record.

tests/exports/test_formats.py holds every line to json.dumps of its parsed record on both databases.
"""

import json
from typing import Any

from django.db.models import Case, F, Func, TextField, Value, When
from django.db.models.functions import Cast

from articles.queries import CLAIM_SPAN_FIELDS, SPEAKER_FIELDS


class JsonText(Func):
    """A value (text, integer, date or NULL) as JSON text: "quoted and escaped", 5 or null."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="json_quote(%(expressions)s)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="COALESCE(to_json(%(expressions)s)::text, 'null')", **extra)


class IsoTime(Func):
    """A stored date-time (UTC) as datetime.isoformat() of the aware value writes it; NULL stays NULL.

    SQLite holds Django's naive UTC text, "2025-03-04 10:00:00[.500000]"; PostgreSQL a timestamptz, written
    in UTC with the microseconds only when there are any, as Python does.
    """

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(replace(%(expressions)s, ' ', 'T') || '+00:00')", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # One to_char with the microseconds, dropped when they are all zero ('.000000' can stand nowhere else):
        # a fifth less server time than choosing the format by a second to_char.
        template = (
            "(replace(to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') "
            "|| '+00:00')"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


class Splice(Func):
    """Texts joined end to end (`||`); literal pieces are given as plain str."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()

    def __init__(self, *parts):
        super().__init__(*(Value(part) if isinstance(part, str) else part for part in parts))


class JsonMembers(Func):
    """An object's members without its braces, `"key":value,...`, each value the JSON text of a plain value (text,
    number, date or NULL; never an object, whose closing brace the SQLite form would trim).

    SQLite writes them in one json_object() call, its braces trimmed: a quarter less time than quoting each value
    and joining the pieces. PostgreSQL joins to_json()'s texts (its json_build_object writes spaces). Keys are
    names from this module, written into the SQL as they are.
    """

    output_field = TextField()

    def __init__(self, pairs: list[tuple[str, Any]]):
        self.keys = [key for key, _ in pairs]
        super().__init__(*(value for _, value in pairs))

    def as_sqlite(self, compiler, connection, **extra_context):
        members, params = [], []
        for key, value in zip(self.keys, self.get_source_expressions(), strict=True):
            value_sql, value_params = compiler.compile(value)
            members.append(f"'{key}', {value_sql}")
            params += value_params
        return f"rtrim(ltrim(json_object({', '.join(members)}), '{{'), '}}')", params

    def as_postgresql(self, compiler, connection, **extra_context):
        parts = []
        for position, (key, value) in enumerate(zip(self.keys, self.get_source_expressions(), strict=True)):
            parts += [("," if position else "") + f'"{key}":', JsonText(value)]
        return compiler.compile(Splice(*parts))


def _text(field: str) -> Cast:
    return Cast(F(field), TextField())


def _object(pairs: list[tuple[str, str]]) -> Splice:
    """{"key":value,...} with each value the JSON text of a column."""
    return Splice("{", JsonMembers([(key, F(field)) for key, field in pairs]), "}")


def claim_key_text() -> Splice:
    """articles.exports.claim_key in SQL: text hash, span ("" without one) and creation time."""
    span = Case(
        When(start__isnull=True, then=Value("")),
        default=Splice(_text("start"), "-", _text("end")),
        output_field=TextField(),
    )
    return Splice(F("article__content_hash"), ":", span, ":", IsoTime(F("created_at")))


def article_object() -> Splice:
    """The article as a claim record names it (queried on articles): the same for each of the article's claims,
    so written once per chunk of claims and spliced in, not once per claim (a fifth of the claim query's time)."""
    return _object([
        ("id", "id"), ("title", "title"), ("source", "source__name"), ("url", "url"), ("published", "published"),
        ("content_hash", "content_hash"),
    ])  # fmt: skip


def claim_head(url_prefix: str, url_suffix: str) -> Splice:
    """A claim record from its start to `"article":` (keys in the order of _claim_lines' docstring).

    Joined piece by piece, not with JsonMembers: the id is digits and the URL's only text is the site's, escaped
    here once, so only the key is quoted by the database (on SQLite a sixth less time than json_object and its
    trimming).
    """
    return Splice(
        '{"type":"claim","id":', _text("id"),
        ',"key":', JsonText(claim_key_text()),
        f',"url":"{_json_inside(url_prefix)}', _text("id"), f'{_json_inside(url_suffix)}","article":',
    )  # fmt: skip


def _json_inside(text: str) -> str:
    """`text` escaped as inside a JSON string (what json_quote and to_json write between the quotes)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def claim_body() -> Splice:
    """A claim record from after its article object to `"tags":`."""
    speaker = Case(
        When(speaker_id__isnull=True, then=Value("null")),
        default=_object([(name, f"speaker__{name}") for name in SPEAKER_FIELDS]),
        output_field=TextField(),
    )
    spans = JsonMembers([(name, F(name)) for name in (*CLAIM_SPAN_FIELDS, "anchor_state")])
    return Splice(
        ",", spans,
        ',"speaker":', speaker,
        ',"summary":', JsonText(F("summary")),
        ',"tags":',
    )  # fmt: skip


def claim_tail() -> Splice:
    """A claim record from after its comments to its line's end: creator and dates.

    The dates are written between quotes as they are: IsoTime's text (digits, `-:.T+`) needs no escaping.
    """
    return Splice(
        ',"created_by":', JsonText(F("created_by__username")),
        ',"created_at":"', IsoTime(F("created_at")),
        '","updated_at":"', IsoTime(F("updated_at")), '"}\n',
    )  # fmt: skip
