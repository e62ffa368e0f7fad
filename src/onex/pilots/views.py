"""School pages: the scoped list (search, filters, pagination, xlsx export) and a detail page.

Views stay thin: parse the query, call the selectors, render. One view serves the full page and
the htmx fragment (the table) so filters swap only the results.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.errors import NotFound
from onex.pilots import selectors
from onex.pilots.models import School

try:
    from onex.core.xlsx import export_response
except ImportError:  # pragma: no cover - the shared xlsx module is written concurrently
    export_response = None  # type: ignore[assignment]

PAGE_SIZE = 50
FILTER_KEYS = ("q", "province", "city", "school_type")


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip()[:100] for key in FILTER_KEYS}


def _schools(request: HttpRequest, filters: dict[str, str]) -> QuerySet[School]:
    return selectors.school_list(
        actor=_actor(request),
        q=filters["q"] or None,
        province=filters["province"] or None,
        city=filters["city"] or None,
        school_type=filters["school_type"] or None,
    )


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters = _filters(request)
    schools = _schools(request, filters)
    if request.GET.get("format") == "xlsx":
        return _export(schools)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page_obj": page,
        "filters": filters,
        "options": selectors.school_filter_options(actor=actor),
        # Only national actors span provinces; others would see a one-item province filter.
        "show_province": actor.is_national,
    }
    template = (
        "pilots/school_table.html" if getattr(request, "htmx", False) else "pilots/school_list.html"
    )
    return render(request, template, context)


def _export(schools: QuerySet[School]) -> HttpResponse:
    headers = [
        _("学校名称"),
        _("学校标识码"),
        _("学校类型"),
        _("省份"),
        _("城市"),
    ]
    rows = (
        (s.name, s.code, s.get_school_type_display(), s.province.name, s.city.name)
        for s in schools.iterator(chunk_size=2000)
    )
    if export_response is not None:
        return export_response(filename=_("试点院校"), headers=headers, rows=rows, sheet=_("学校"))
    return _fallback_xlsx(headers, rows)


def _fallback_xlsx(headers: list[str], rows: Any) -> HttpResponse:
    # Used only while onex.core.xlsx is missing; same columns, no styling.
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, [str(value) for value in row])
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="schools.xlsx"'
    return response


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        school = selectors.school_get(actor=_actor(request), pk=pk)
    except NotFound:
        raise Http404 from None
    return render(request, "pilots/school_detail.html", {"school": school})
