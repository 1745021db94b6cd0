"""Pagination for the API's lists: a next link without counting every row."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from articles.filters import MAX_PAGE, page_number, page_without_count


class NoCountPagination(pagination.BasePagination):
    """Page numbers without COUNT(*): a million claims page as fast as fifty. Bad page numbers are a 400."""

    page_size = 50
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        number = self._positive_int(request, "page", 1)
        size = self._positive_int(request, "page_size", self.page_size)
        if size > self.max_page_size:
            raise ValidationError({"page_size": f"page_size may be at most {self.max_page_size}, got {size}."})
        self.page = page_without_count(queryset, number, size)
        return self.page.rows

    @staticmethod
    def _positive_int(request, name: str, default: int) -> int:
        raw = request.query_params.get(name)
        if raw in (None, ""):
            return default
        return page_number(raw, name=name, maximum=MAX_PAGE)

    def _page_link(self, number: int) -> str:
        url = self.request.build_absolute_uri()
        return remove_query_param(url, "page") if number == 1 else replace_query_param(url, "page", number)

    def get_paginated_response(self, data):
        return Response(
            {
                "page": self.page.number,
                "next": self._page_link(self.page.number + 1) if self.page.has_next else None,
                "previous": self._page_link(self.page.number - 1) if self.page.has_previous else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "page": {"type": "integer"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
