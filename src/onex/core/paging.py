"""Paged lists at national scale: a bounded count and a bounded depth, for pages and the API.

An exact ``COUNT(*)`` of a list reads every row of its filtered set: at 10 million issued
certificates that is seconds per page view, whatever page is shown. So a list is counted exactly
only up to ``ONEX_LIST_COUNT_CAP`` rows (platform default 10,000), with
``SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)``; past it the count is the cap and the list says
"超过 10,000 条". Pages within the counted range are read with OFFSET as before; a page past it
is read with one row more than it shows, so "next" still works without a count. A page whose
OFFSET would pass ``ONEX_LIST_MAX_OFFSET`` rows (platform default 100,000) is refused with a
message asking for filters or a search: PostgreSQL reads and discards every skipped row, and a
person does not page through a hundred thousand rows.

Lists given as Python sequences (already in memory) are counted exactly: ``len`` is free.

A list whose items nest other rows (a certificate with its levels) can be given as ``PagedRows``:
counted and sliced on its queryset like any other, but each page is built as plain rows by a
fixed number of set-based queries, so a page of fifty items costs little more than a page of five
(no model instance, prefetch machinery or per-field resolver per item).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from onex.core.errors import InvalidInput

# Django's classes are generic only in the stubs.
if TYPE_CHECKING:
    _Page = Page[Any]
    _Paginator = Paginator[Any]
else:
    _Page = Page
    _Paginator = Paginator


T = TypeVar("T")


@dataclass(frozen=True)
class PagedRows(Generic[T]):
    """A list counted and sliced on ``queryset``, whose sliced page ``build`` turns into rows."""

    queryset: QuerySet[Any]
    build: Callable[[QuerySet[Any]], list[T]]

    @property
    def ordered(self) -> bool:
        return bool(self.queryset.ordered)

    def __getitem__(self, window: slice) -> list[T]:
        return self.build(self.queryset[window])


class PageTooDeep(InvalidInput):
    """A page past ``ONEX_LIST_MAX_OFFSET`` rows of a list too large to count."""

    code = "page_too_deep"


def count_cap() -> int:
    """Rows counted exactly before a list says "more than" (platform default 10,000)."""
    return int(settings.ONEX_LIST_COUNT_CAP)


def max_offset() -> int:
    """The deepest row a page may start at in a list past the count cap (platform default)."""
    return int(settings.ONEX_LIST_MAX_OFFSET)


def capped_count(
    items: QuerySet[Any] | PagedRows[Any] | Sequence[Any], cap: int
) -> tuple[int, bool]:
    """``(count, capped)``: the exact count up to ``cap``; ``(cap, True)`` when there are more.

    The ordering is dropped (it does not change a count, and a sorted subquery would make
    PostgreSQL sort the whole set to find the first ``cap + 1`` rows).
    """
    if isinstance(items, PagedRows):
        items = items.queryset
    if not isinstance(items, QuerySet):
        return len(items), False
    counted = items.order_by()[: cap + 1].count()
    return (cap, True) if counted > cap else (counted, False)


def too_deep_message(cap: int) -> str:
    return _(
        "该列表超过 %(cap)s 条，页码过深无法显示。请使用筛选条件或搜索缩小范围（平台默认上限）。"
    ) % {"cap": f"{cap:,}"}


class CappedPage(_Page):
    """A page past the counted range: whether a next page exists is known from one extra row."""

    def __init__(
        self, object_list: Any, number: int, paginator: Paginator[Any], *, more: bool
    ) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CappedPaginator(_Paginator):
    """Django's paginator with the count capped (``capped``) and the depth bounded."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int | None = None,
        deepest: int | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = count_cap() if cap is None else cap
        self.deepest = max_offset() if deepest is None else deepest

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return capped_count(cast(Any, self.object_list), self.cap)

    @cached_property
    def count(self) -> int:
        """The exact count, or the cap when ``capped`` (a lower bound)."""
        return self._counted[0]

    @property
    def capped(self) -> bool:
        return self._counted[1]

    @property
    def cap_display(self) -> str:
        return f"{self.cap:,}"

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return int(super().validate_number(number))
        try:
            value = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("页码不是整数")) from None
        if value < 1:
            raise EmptyPage(_("页码小于 1"))
        if (value - 1) * self.per_page > self.deepest:
            raise PageTooDeep(too_deep_message(self.cap), field="page")
        return value

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        # "Next" only while the next page is itself within the allowed depth.
        more = len(rows) > self.per_page and bottom + self.per_page <= self.deepest
        return CappedPage(rows[: self.per_page], number, self, more=more)

    def rows(self, number: int) -> tuple[Any, bool]:
        """The API's page ``number``: ``(rows, has_next)``, empty rows past the end (never the
        last page instead, as a page view shows)."""
        if not self.capped:
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            return self.object_list[bottom:top], top < self.count
        page = self.page(number)
        return page.object_list, page.has_next()
