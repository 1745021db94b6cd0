"""What every ModelAdmin of the desk shares: lists that stay fast at a million rows, forms that submit once.

`DeskAdminMixin` goes first in each ModelAdmin's bases. It gives:

* `EstimatedCountPaginator`: the changelist's count without a full COUNT(*) over a big table;
* `show_full_result_count = False`: no second count of the unfiltered table beside a filtered one;
* the submit-once script (static/articles/admin_submit_once.js): a double click on Save posts once.

Each admin's default ordering must have an index (the changelist sorts before it takes a page); the
annotated counts in list columns are correlated subqueries (models._count_of), computed for the page's
rows only, never a GROUP BY over the whole table.
"""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max, Min
from django.utils.functional import cached_property

# Up to this many rows a list is counted exactly (a COUNT over at most this many index entries).
EXACT_COUNT_CAP = 10_000


class EstimatedCountPaginator(Paginator):
    """An exact count up to EXACT_COUNT_CAP rows; above it an estimate, never below the rows that exist.

    PostgreSQL: the planner's row estimate for the list's query (EXPLAIN; pg_class.reltuples for a whole
    table). SQLite, which has no estimates: for a whole table the span of its ids, else the cap itself
    (the list then pages through the first EXACT_COUNT_CAP rows; narrow it with a filter or search).
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        capped = queryset.order_by().values("pk")[: EXACT_COUNT_CAP + 1].count()
        if capped <= EXACT_COUNT_CAP:
            return capped
        return max(capped, self._estimate(queryset))

    @staticmethod
    def _estimate(queryset) -> int:
        connection = connections[queryset.db]
        if connection.vendor == "postgresql":
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            return int(plan[0]["Plan"]["Plan Rows"])
        if not queryset.query.where:
            # Two queries: SQLite answers MIN or MAX of the key from the index's end, but both in one read the table.
            ids = queryset.model._default_manager.order_by().values_list("pk", flat=True)
            low, high = ids.aggregate(low=Min("pk"))["low"], ids.aggregate(high=Max("pk"))["high"]
            if low is not None:
                return high - low + 1
        return 0


class DeskAdminMixin:
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    class Media:
        js = ["articles/admin_submit_once.js"]
