from typing import Any, Protocol, runtime_checkable

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

# PostgreSQL's OFFSET is a bigint.
MAX_OFFSET = 2**63 - 1


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=N` (at most 200), the envelope API.md promises.

    A `page_size` that is not a whole number from 1 is a 400 (it used to fall back to 50 unnoticed), one over
    200 counts as 200; a page that does not exist is DRF's 404. The schema says so, and that `next`, `previous`
    may be null.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError(
                {self.page_size_query_param: ["Give a whole number from 1 (more than the maximum counts as it)."]}
            )
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number from 1 (empty: 1), or `last`; a page past the last one is a 404.",
                "schema": {"type": "string", "pattern": r"^([1-9][0-9]*|last)?$"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}); more than {self.max_page_size} "
                f"counts as {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


@runtime_checkable
class PageSource(Protocol):
    """Something that reads one page and the total in a single query, and can count on its own (`?page=last`)."""

    def page_with_total(self, *, offset: int, limit: int) -> tuple[int | None, list[Any]]: ...

    def count(self) -> int: ...


class KeysFirstPaginator(Paginator):
    """A page in two queries and no separate COUNT: the page's keys with the total, then only those rows.

    The first query orders the (filtered) queryset and keeps the primary keys of one page, with
    `COUNT(*) OVER ()` for the total, so PostgreSQL sorts narrow rows and never joins or fetches rows
    that are not shown; the second loads those rows by key with the queryset's joins and prefetches,
    in the order of the keys. Same pages, totals and errors as Django's Paginator (a page
    past the end is EmptyPage); falls back to it for lists, orphans, and DISTINCT, combined or sliced querysets.
    A PageSource reads keys, total and rows in its own single query.
    """

    def get_page(self, number: Any) -> Page:
        """Django's forgiving page (not a number: the first; past the end: the last) without counting first."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number: Any) -> Page:
        queryset = self.object_list
        if isinstance(queryset, PageSource):
            return self._page_of_source(queryset, number)
        if (
            not isinstance(queryset, QuerySet)
            or self.orphans
            or queryset.query.distinct
            or queryset.query.combinator
            or queryset.query.is_sliced
        ):
            return super().page(number)
        # When the total is already known (`?page=last`), validate against it as Django does.
        number = self.validate_number(number) if "count" in self.__dict__ else self._positive(number)
        bottom = (number - 1) * self.per_page
        keyed = queryset.annotate(_total=Window(Count("*"))).values_list("pk", "_total")
        keys = list(keyed[bottom : bottom + self.per_page])
        if keys:
            self.__dict__["count"] = keys[0][1]
        elif number == 1 and self.allow_empty_first_page:
            self.__dict__["count"] = 0
        else:
            raise EmptyPage(self.error_messages["no_results"])
        rows = self._rows(queryset, [key for key, _ in keys]) if keys else []
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's Page hook; not in the stubs

    def _page_of_source(self, source: "PageSource", number: Any) -> Page:
        """A page of a source that returns its rows and the total in one call (the plan list's fast path)."""
        number = self.validate_number(number) if "count" in self.__dict__ else self._positive(number)
        total, rows = source.page_with_total(offset=(number - 1) * self.per_page, limit=self.per_page)
        if rows:
            self.__dict__["count"] = total
        elif number == 1 and self.allow_empty_first_page:
            self.__dict__["count"] = 0
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's Page hook; not in the stubs

    def _rows(self, queryset: QuerySet, keys: list[Any]) -> list[Any]:
        """The rows of these keys, loaded as the queryset loads them (joins, deferred fields, prefetches).

        The keys come from the queryset itself, so its filters (for the plan list: the visibility
        subquery) need not be compiled and run a second time; a queryset with annotations keeps them,
        since an annotation may depend on a filter's join.
        """
        if queryset.query.annotations or queryset.query.extra:
            return list(queryset.filter(pk__in=keys))
        rows = queryset.model._default_manager.filter(pk__in=keys)
        rows.query.select_related = queryset.query.select_related
        rows.query.deferred_loading = queryset.query.deferred_loading
        rows._prefetch_related_lookups = queryset._prefetch_related_lookups  # type: ignore[attr-defined]  # not in the stubs
        by_key = {row.pk: row for row in rows}
        return [by_key[key] for key in keys if key in by_key]

    def _positive(self, number: Any) -> int:
        """Django's checks of a page number, short of comparing it with the page count."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > MAX_OFFSET:
            # Past the end of any table, and an OFFSET the database would refuse: the same 404 as any page past the end.
            raise EmptyPage(self.error_messages["no_results"])
        return number


class KeysFirstPagination(StandardPagination):
    """StandardPagination over KeysFirstPaginator, for large permission-filtered lists (the plan list)."""

    django_paginator_class = KeysFirstPaginator
