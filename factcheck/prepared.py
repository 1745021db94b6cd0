"""One-row lookups that every request makes, their SQL written by the ORM once per database instead of per call.

Every signed-in request reads its session and then its user. Django reads each with QuerySet.get(), which
builds, resolves and compiles the same one-row query every time: about 0.4 ms of Python apiece, ten times the
statement itself, and together a sixth of the CPU of creating a claim. A PreparedLookup lets the ORM write the
query once per database alias (from stand-in values), then runs that SQL with each call's values, prepared by
the same fields the ORM would use, and turns the row into Python values with the ORM's own converters. The SQL,
the parameters' preparation and the conversions are the ORM's; only the building is skipped.
"""

from django.db import connections, router
from django.db.models import Model, Q


class PreparedLookup:
    """`model`'s first row matching `lookups` (names as given to filter(), e.g. "session_key", "expire_date__gt"),
    as an instance (`columns` None) or a tuple of those columns.

    `stand_ins` are values of the right types used only to have the ORM write the query; the first use on each
    database checks that the compiled parameters are those values as the fields prepare them, in that order, so
    each call's values can take their places.
    """

    def __init__(self, model: type[Model], lookups: tuple[str, ...], stand_ins: tuple, columns: tuple[str, ...] = ()):
        self.model, self.lookups, self.stand_ins, self.columns = model, lookups, stand_ins, columns
        self._compiled: dict[str, tuple] = {}  # alias -> (sql, fields preparing each value, names, converters)

    def first(self, *values):
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(alias)
        sql, fields, names, converters = self._compiled[alias]
        params = [field.get_db_prep_value(value, connection) for field, value in zip(fields, values, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, (functions, expression) in converters:
            for convert in functions:
                row[position] = convert(row[position], expression, connection)
        return tuple(row) if self.columns else self.model.from_db(alias, names, row)

    def _compile(self, alias: str) -> tuple:
        connection = connections[alias]
        # Q of (name, value) pairs keeps their order (keyword arguments would be sorted by name).
        queryset = self.model._default_manager.using(alias).filter(Q(*zip(self.lookups, self.stand_ins, strict=True)))
        if self.columns:
            queryset = queryset.values_list(*self.columns)
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        fields = [lookup.lhs.output_field for lookup in queryset.query.where.children]
        if len(fields) != len(self.lookups):
            raise ValueError(f"{self.model.__name__} {self.lookups}: one condition a lookup, got {len(fields)}")
        given = zip(fields, self.stand_ins, strict=True)
        expected = [field.get_db_prep_value(value, connection) for field, value in given]
        if list(params) != expected:
            raise ValueError(f"{self.model.__name__} {self.lookups}: the ORM's parameters {params}, not {expected}")
        expressions = [expression for expression, _, _ in compiler.select]
        names = [expression.target.attname for expression in expressions]
        return sql, fields, names, list(compiler.get_converters(expressions).items())
