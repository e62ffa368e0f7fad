"""The working-day calendar page: coverage, holiday notices, and a working-days calculator.

One view serves the page and, for htmx requests carrying calculator input, the result
fragment. Writes go to ``onex.core.calendar`` services; refusals arrive as domain errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from onex.core.actors import request_actor
from onex.core.calendar import (
    MAX_WORKING_DAYS,
    Estimate,
    add_working_days,
    can_edit_calendar,
    holiday_notice_delete,
    holiday_notice_get,
    holiday_notice_list,
    holiday_notice_set,
    package_years,
    working_days_between,
    year_coverage,
)
from onex.core.errors import DomainError
from onex.core.forms import DateInput
from onex.core.models import DayKind
from onex.core.params import year_param
from onex.core.web import attempt

COVERAGE_LABELS = {
    "package": gettext_lazy("已内置（chinese_calendar）"),
    "notices": gettext_lazy("按录入的放假安排"),
    "missing": gettext_lazy("缺少数据"),
}


class NoticeForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"), widget=DateInput())
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=DayKind.choices)
    name = forms.CharField(label=gettext_lazy("节日"), max_length=64)
    note = forms.CharField(
        label=gettext_lazy("依据"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("如：国办发明电〔2026〕×号"),
    )


class CalculatorForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("起始日期"), widget=DateInput())
    n = forms.IntegerField(
        label=gettext_lazy("工作日数"), min_value=0, max_value=MAX_WORKING_DAYS, required=False
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=DateInput(),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("n") is None and data.get("end") is None:
            raise forms.ValidationError(_("请填写工作日数，或填写结束日期。"))
        return data


def _calculate(form: CalculatorForm) -> dict[str, Any]:
    """Run the calculator; uncovered years give a flagged estimate, never a silent guess."""
    data = form.cleaned_data
    start: dt.date = data["start"]
    result: Estimate[Any]
    try:
        if data.get("n") is not None:
            result = add_working_days(start, data["n"], assume_weekends=True)
            return {"mode": "add", "start": start, "n": data["n"], "result": result}
        result = working_days_between(start, data["end"], assume_weekends=True)
        return {"mode": "between", "start": start, "end": data["end"], "result": result}
    except DomainError as exc:
        return {"error": str(exc.message)}


def _page_context(
    request: HttpRequest,
    *,
    notice_form: NoticeForm | None = None,
    calc_form: CalculatorForm | None = None,
    calc: dict[str, Any] | None = None,
) -> dict[str, Any]:
    actor = request_actor(request)
    today = timezone.localdate()
    years = [today.year, today.year + 1]
    coverage = [
        {"year": y, "coverage": c, "label": COVERAGE_LABELS[c]}
        for y in years
        for c in [year_coverage(y)]
    ]
    year = year_param(request.GET.get("year"))
    first, last = package_years()
    return {
        "coverage": coverage,
        "missing_years": [row["year"] for row in coverage if row["coverage"] == "missing"],
        "package_first": first,
        "package_last": last,
        "notices": holiday_notice_list(year=year),
        "year": year,
        "can_edit": can_edit_calendar(actor),
        "notice_form": notice_form or NoticeForm(),
        "calc_form": calc_form or CalculatorForm(initial={"start": today}),
        "calc": calc,
    }


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    calc_form: CalculatorForm | None = None
    calc: dict[str, Any] | None = None
    if "start" in request.GET:
        calc_form = CalculatorForm(request.GET)
        calc = _calculate(calc_form) if calc_form.is_valid() else None
        if request.htmx:  # type: ignore[attr-defined]
            return render(
                request, "core/calendar_calc_result.html", {"calc_form": calc_form, "calc": calc}
            )
    context = _page_context(request, calc_form=calc_form, calc=calc)
    return render(request, "core/calendar.html", context)


@login_required
@require_POST
def calendar_notice_add(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not can_edit_calendar(actor):
        raise PermissionDenied
    form = NoticeForm(request.POST)
    if form.is_valid():
        saved = attempt(
            lambda: holiday_notice_set(actor=actor, **form.cleaned_data),
            form=form,
            show_forbidden=False,
        )
        if saved.ok:
            messages.success(request, _("已保存 %(notice)s。") % {"notice": saved.value})
            return redirect("calendar")
    context = _page_context(request, notice_form=form)
    return render(request, "core/calendar.html", context, status=422)


@login_required
@require_POST
def calendar_notice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    notice = holiday_notice_get(pk=pk)
    holiday_notice_delete(actor=actor, notice=notice)
    messages.success(request, _("已删除 %(notice)s。") % {"notice": notice})
    return redirect("calendar")


urlpatterns: list[URLPattern] = [
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/notices/", calendar_notice_add, name="calendar_notice_add"),
    path(
        "calendar/notices/<int:pk>/delete/", calendar_notice_delete, name="calendar_notice_delete"
    ),
]
