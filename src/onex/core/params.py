"""Numbers, years and codes read from query strings and forms, parsed once and bounded.

A value typed by a person or a fuzzer (``page=99999999999999999999``, ``province=null``,
``year=-1``, ``²``) must never reach the database or ``datetime`` unchecked: SQLite stores
integers up to 2**63-1 and ``date()`` years 1–9999, and either raises a 500 past that. Pages
treat a value that does not parse as absent; the API declares the same bounds on its schemas
(``Year``, ``Id``, ``Pagination``) so a bad value is a 422.
"""

# No `from __future__ import annotations`: ninja resolves the schema annotations at import time.

import re
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from onex.core.paging import CappedPaginator

MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL's bigint store
MAX_PAGE = 1_000_000  # far past any list's last page, far below an offset that overflows
MAX_PAGE_SIZE = 500
# Years a person may ask about: the calendar, holiday notices, reports (the pilot began in 2019).
MIN_YEAR = 1900
MAX_YEAR = 2200

_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: "²".isdigit() is true but int("²") fails

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]


def int_param(value: object, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """``value`` as an integer within [minimum, maximum], else None (absent, junk, too large)."""
    text = str(value).strip() if value is not None else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def id_param(value: object) -> int | None:
    """A primary key from a request, or None when it cannot be one."""
    return int_param(value)


def year_param(value: object) -> int | None:
    """A year from a request within [MIN_YEAR, MAX_YEAR], or None."""
    return int_param(value, minimum=MIN_YEAR, maximum=MAX_YEAR)


def page_param(value: object) -> int:
    """A page number: junk is the first page, a number past the end is capped (the paginator
    then shows the last page)."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return 1
    # Compare lengths first: int() of thousands of digits is slow, and refused past 4,300.
    return MAX_PAGE if len(text) > len(str(MAX_PAGE)) else max(1, min(int(text), MAX_PAGE))


class Pagination(PageNumberPagination):
    """ninja's page-number pagination with a bounded page (an unbounded one overflows the
    database's OFFSET: a 500) and a capped count (``onex.core.paging``).

    ``count`` stays an integer for existing clients; past the cap it is the cap, a lower bound,
    and ``count_capped`` says so. ``has_next`` is known either way (one extra row is read past
    the cap), so a client pages on until it is false. A page too deep to read is a 422
    ``page_too_deep``.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=(
                "Rows in the list, counted exactly up to the platform's count cap "
                "(ONEX_LIST_COUNT_CAP, platform default 10,000); when count_capped is true, "
                "the cap itself: the list has more rows than this."
            )
        )
        count_capped: bool = Field(
            description=(
                "True when the list has more rows than the count cap and count is a lower "
                "bound; page on with has_next. Pages starting past ONEX_LIST_MAX_OFFSET rows "
                "(platform default 100,000) are refused with 422 page_too_deep: filter or search."
            )
        )
        has_next: bool = Field(description="Whether the next page has rows.")

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Any,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        paginator = CappedPaginator(queryset, self._get_page_size(pagination.page_size))
        items, has_next = paginator.rows(pagination.page)
        return {
            self.items_attribute: items,
            "count": paginator.count,
            "count_capped": paginator.capped,
            "has_next": has_next,
        }
