"""School pages: the scoped list (search, filters, pagination, xlsx export) and a detail page.

Views stay thin: parse the query, call the selectors, render. One view serves the full page and
the htmx fragment (the table) so filters swap only the results.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.actors import Actor
from onex.core.errors import DomainError, Forbidden, NotFound
from onex.core.models import UnitKind
from onex.geo.models import Division, DivisionLevel
from onex.pilots import selectors, services
from onex.pilots.models import School, SchoolType

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
        "can_register": _may_register(actor),
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


def _may_register(actor: Actor) -> bool:
    # Offer the form only to actors the service would accept somewhere; it checks again.
    return actor.is_system or (
        actor.is_admin and (actor.is_national or actor.kind == UnitKind.PROVINCE)
    )


class SchoolRegisterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("学校名称"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("学校标识码"),
        max_length=10,
        help_text=gettext_lazy("10 位数字"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{10}"}),
    )
    # Technical schools stay in the list so that choosing one shows the R25 refusal at the field.
    school_type = forms.ChoiceField(label=gettext_lazy("学校类型"), choices=SchoolType.choices)
    city = forms.ModelChoiceField(
        label=gettext_lazy("城市"), queryset=Division.objects.none(), to_field_name="code"
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = Division.objects.filter(level=DivisionLevel.CITY).select_related("parent")
        if not actor.is_national:
            cities = cities.filter(parent_id=actor.province_id)
        self.fields["city"].queryset = cities  # type: ignore[attr-defined]
        self.fields["city"].label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.parent.name} · {d.name}" if actor.is_national else d.name
        )


@login_required
def school_register(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not _may_register(actor):
        raise PermissionDenied
    form = SchoolRegisterForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_register(actor=actor, **form.cleaned_data)
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from None
        except DomainError as exc:
            message = f"[{exc.rule}] {exc.message}" if exc.rule else str(exc.message)
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, message)
        else:
            messages.success(request, _("已登记学校：%(name)s") % {"name": school.name})
            return redirect("pilots:school_detail", pk=school.pk)
    return render(request, "pilots/school_register.html", {"form": form})
