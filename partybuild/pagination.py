"""Pagination for the API and the list pages whose count does not read the whole table (docs/scale.md):
up to ``EXACT_UP_TO`` rows are counted exactly, over a ``LIMIT`` so that the count stops there; a longer
list gets the planner's estimate on PostgreSQL, flagged as such (``count_estimated``), where counting ten
million visits would take seconds for a number nobody reads to the unit."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.response import Response

EXACT_UP_TO = 10_000


def planner_rows(queryset) -> int:
    """The planner's estimate of ``queryset``'s rows (PostgreSQL's EXPLAIN, which runs nothing)."""
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(queryset, exact_up_to: int = EXACT_UP_TO) -> tuple[int, bool]:
    """(the number of rows, whether it is an estimate): exact up to ``exact_up_to``; beyond it the
    planner's estimate (never below what was counted) on PostgreSQL, and an exact count elsewhere."""
    counted = _rows_only(queryset.order_by())[: exact_up_to + 1].count()
    if counted <= exact_up_to:
        return counted, False
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count(), False
    return max(planner_rows(queryset), counted), True


def _rows_only(queryset):
    """``queryset`` selecting its primary keys alone: counting a slice counts a subquery, and Django keeps
    every annotation of a sliced subquery, so a list's per-row counts were computed for each row counted. A
    queryset of values or of a union is left as it is: its rows are not one per record."""
    if queryset._fields is not None or queryset.query.combinator:
        return queryset
    return queryset.values("pk")


class BoundedCountPaginator(Paginator):
    """A Paginator whose ``count`` is ``bounded_count`` for a queryset (``estimated`` says which)."""

    estimated = False

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "query"):
            return super().count
        count, self.estimated = bounded_count(self.object_list, EXACT_UP_TO)
        return count


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = BoundedCountPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_estimated": self.page.paginator.estimated,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"] = {
            "count": answer["properties"]["count"],
            "count_estimated": {
                "type": "boolean",
                "description": f"true when the list is longer than {EXACT_UP_TO:,} rows and count is the "
                "database's estimate",
            },
            **{name: value for name, value in answer["properties"].items() if name != "count"},
        }
        answer["required"] = [*answer.get("required", []), "count_estimated"]
        return answer
