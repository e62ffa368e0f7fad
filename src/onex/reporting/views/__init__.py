"""Reporting pages: the filer's own reports and filing form, a report with its versions, the
compliance tables (nation → province → city → unit drill-down, chart and xlsx), late and
missing reports, and the watch list. Each has its API twin in ``onex.reporting.api``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.actors import Actor, request_actor
from onex.core.limits import DOCUMENT_MAX, REASON_MAX
from onex.core.models import UnitKind
from onex.core.params import page_param, year_param
from onex.core.web import attempt, is_htmx, page_of
from onex.core.xlsx import export_response
from onex.reporting import selectors
from onex.reporting.models import AlarmStatus, ReportKind, ReportStatus
from onex.reporting.selectors import overview as overview_selectors
from onex.reporting.services import FILER_KINDS, ReportInput, report_file
from onex.reporting.workflows import REPORT

LEVEL_LABELS = {
    "nation": gettext_lazy("全国"),
    "province": gettext_lazy("省份"),
    "city": gettext_lazy("地市"),
    "unit": gettext_lazy("单位"),
}
GAP_PAGE = 50


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def _kind(value: str | None, default: str = ReportKind.WEEKLY) -> str:
    return value if value in ReportKind.values else default


def _filters(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    start = _date(request.GET.get("start")) or dt.date(today.year, 1, 1)
    end = _date(request.GET.get("end")) or today
    return {
        "kind": _kind(request.GET.get("kind")),
        "start": start,
        "end": max(end, start),
        "province": request.GET.get("province", "").strip()[:12],
        "city": request.GET.get("city", "").strip()[:12],
        "q": request.GET.get("q", "").strip()[:100],
    }


def _require_official(actor: Actor) -> None:
    if not (actor.is_national or actor.kind in (UnitKind.PROVINCE, UnitKind.CITY)):
        raise PermissionDenied


def _pct(value: object) -> str:
    return f"{value}%" if value is not None else "—"


# --- the filer's own reports ---------------------------------------------------------------------


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.kind not in (UnitKind.SCHOOL, UnitKind.ORG) or actor.unit_id is None:
        raise PermissionDenied
    kinds = [k for k, allowed in FILER_KINDS.items() if actor.kind in allowed]
    kind = _kind(request.GET.get("kind"), kinds[0])
    if kind not in kinds:
        kind = kinds[0]
    today = timezone.localdate()
    provinces = selectors.owed_provinces(kind=kind, unit_id=actor.unit_id)
    periods = selectors.recent_periods(kind=kind, on=today, count=12)
    mine = {
        (r.province_id, r.period_start): r
        for r in selectors.report_list(actor=actor, kind=kind).filter(unit_id=actor.unit_id)
    }
    rows = []
    for province in provinces:
        for period in periods:
            if not selectors.owes(
                kind=kind, unit_id=actor.unit_id, province_id=province.pk, period=period
            ):
                continue
            report = mine.get((province.pk, period.first_day))
            due = selectors.due_at_for(kind=kind, period=period, province=province)
            rows.append(
                {
                    "period": period,
                    "province": province,
                    "report": report,
                    "due": due,
                    "overdue": report is None and due < timezone.now(),
                }
            )
    q = request.GET.get("q", "").strip()[:100]
    history = selectors.report_list(actor=actor, kind=kind, q=q or None).filter(
        unit_id=actor.unit_id
    )
    if request.GET.get("format") == "xlsx":
        return _export_reports(history)
    context = {
        "kind": kind,
        "kinds": [(k, ReportKind(k).label) for k in kinds],
        "rows": rows,
        "page_obj": page_of(request, history),
        "show_province": actor.kind == UnitKind.ORG,
        "q": q,
    }
    return render(request, "reporting/my_reports.html", context)


def _export_reports(reports: Any) -> HttpResponse:
    headers = [
        _("报送单位"),
        _("省份"),
        _("报告类型"),
        _("期次"),
        _("截止时间"),
        _("首次报送时间"),
        _("逾期报送"),
        _("版本"),
        _("培训学生数"),
        _("参加考核学生数"),
        _("工作进展"),
        _("存在问题"),
        _("下阶段计划"),
    ]
    rows = (
        (
            r.unit.name,
            r.province.name,
            r.get_kind_display(),
            r.period_label,
            timezone.localtime(r.due_at),
            timezone.localtime(r.submitted_at) if r.submitted_at else None,
            _("是") if r.is_late else _("否"),
            r.version,
            r.students_trained,
            r.students_examined,
            r.progress,
            r.problems,
            r.next_plan,
        )
        for r in reports.iterator(chunk_size=2000)
    )
    return export_response(filename=_("工作报告"), headers=headers, rows=rows, sheet=_("报告"))


class ReportForm(forms.Form):
    students_trained = forms.IntegerField(
        label=gettext_lazy("培训学生数"), min_value=0, max_value=1_000_000, initial=0
    )
    students_examined = forms.IntegerField(
        label=gettext_lazy("参加考核学生数"), min_value=0, max_value=1_000_000, initial=0
    )
    progress = forms.CharField(
        label=gettext_lazy("工作进展"),
        max_length=DOCUMENT_MAX,
        required=False,
        widget=forms.Textarea,
    )
    problems = forms.CharField(
        label=gettext_lazy("存在问题"),
        max_length=DOCUMENT_MAX,
        required=False,
        widget=forms.Textarea,
    )
    next_plan = forms.CharField(
        label=gettext_lazy("下阶段计划"),
        max_length=DOCUMENT_MAX,
        required=False,
        widget=forms.Textarea,
    )
    note = forms.CharField(
        label=gettext_lazy("修改说明（修改已报送的报告时填写）"),
        max_length=REASON_MAX,
        required=False,
    )


@login_required
def report_file_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    kind = _kind(request.GET.get("kind"))
    if actor.kind not in FILER_KINDS.get(kind, ()):
        raise PermissionDenied
    start = _date(request.GET.get("period"))
    period = selectors.period_get(kind=kind, start=start) if start else None
    if period is None:
        return redirect("reporting:my_reports")
    province = request.GET.get("province", "").strip()[:12] or None
    existing = (
        selectors.report_list(actor=actor, kind=kind, province=province)
        .filter(unit_id=actor.unit_id or 0, period_start=period.first_day)
        .first()
    )
    initial = (
        {name: getattr(existing, name) for name in ReportForm.base_fields if name != "note"}
        if existing
        else {}
    )
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: report_file(
                actor=actor,
                kind=kind,
                period_start=period.first_day,
                province=province,
                submit=request.POST.get("action") != "update",
                note=data["note"],
                values=ReportInput(
                    students_trained=data["students_trained"],
                    students_examined=data["students_examined"],
                    progress=data["progress"],
                    problems=data["problems"],
                    next_plan=data["next_plan"],
                ),
            ),
            form=form,
        )
        if outcome.ok:
            report = outcome.value
            if report.status == ReportStatus.SUBMITTED:
                if report.is_late and report.version == 1:
                    messages.warning(request, _("已报送（逾期报送）。"))
                else:
                    messages.success(request, _("已报送。"))
            else:
                messages.success(request, _("草稿已保存。"))
            return redirect("reporting:report_detail", pk=report.pk)
    moves = REPORT.allowed_actions(existing, actor) if existing else ["update", "submit"]
    context = {
        "form": form,
        "kind": kind,
        "kind_label": ReportKind(kind).label,
        "period": period,
        "report": existing,
        "moves": moves,
    }
    return render(request, "reporting/report_form.html", context)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    report = selectors.report_get(actor=actor, pk=pk)
    events = [
        {
            "at": e.at,
            "action": REPORT.label(e.action),
            "reason": e.reason,
            "actor": str(e.unit or "") if e.unit_id else _("系统"),
        }
        for e in report.events.select_related("unit").order_by("at", "pk")
    ]
    context = {
        "report": report,
        "versions": selectors.report_versions(report=report),
        "events": events,
        "moves": REPORT.allowed_actions(report, actor),
    }
    return render(request, "reporting/report_detail.html", context)


# --- compliance ----------------------------------------------------------------------------------

_NEXT = {"nation": "province", "province": "city", "city": "unit"}


@login_required
def compliance_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require_official(actor)
    f = _filters(request)
    default_level = (
        "province" if actor.is_national else ("city" if actor.kind == UnitKind.PROVINCE else "unit")
    )
    level = request.GET.get("level", "")
    if level not in ("province", "city", "unit"):
        level = default_level
    if f["kind"] == ReportKind.MONTHLY and level == "city":
        level = "unit"  # orgs report to provinces, not to cities
    scope = selectors.actor_scope(
        actor=actor, province=f["province"] or None, city=f["city"] or None
    )
    args = {"kind": f["kind"], "scope": scope, "start": f["start"], "end": f["end"]}
    total = selectors.compliance_rows(level="nation", **args)[0]
    rows = selectors.compliance_search(selectors.compliance_rows(level=level, **args), f["q"])
    if request.GET.get("format") == "xlsx":
        return _export_compliance(rows, level)
    page_obj = page_of(request, rows)
    chart = {
        "title": _("报送率（%）"),
        "seriesName": _("报送率"),
        "categories": [r.name for r in rows[:40]],
        "values": [float(r.reporting_rate or 0) for r in rows[:40]],
        "kind": "bar",
        "links": [_drill(request, level, r) for r in rows[:40]],
    }
    context = {
        "f": f,
        "level": level,
        "level_label": LEVEL_LABELS[level],
        "next_level": _NEXT.get(level),
        "total": total,
        "rows": page_obj.object_list,
        "page_obj": page_obj,
        "chart": chart,
        "kinds": ReportKind.choices,
        "provinces": selectors.province_options(actor=actor),
        "cities": selectors.city_options(actor=actor, province=f["province"] or None),
        "show_province": actor.is_national,
    }
    template = (
        "reporting/compliance_table.html" if is_htmx(request) else "reporting/compliance.html"
    )
    return render(request, template, context)


def _drill(request: HttpRequest, level: str, row: selectors.ComplianceRow) -> str:
    """The next level down for a row of the compliance table (the chart's click target)."""
    query = request.GET.copy()
    query.pop("format", None)
    if level == "province":
        query["level"], query["province"] = "city", row.code
        query.pop("city", None)
    elif level == "city":
        query["level"], query["city"] = "unit", row.code
    elif row.school_id:
        return reverse("pilots:school_detail", args=[row.school_id])
    else:
        return ""
    return f"{reverse('reporting:compliance')}?{query.urlencode()}"


def _export_compliance(rows: list[selectors.ComplianceRow], level: str) -> HttpResponse:
    headers = [
        str(LEVEL_LABELS[level]),
        _("省份"),
        _("城市"),
        _("应报"),
        _("实报"),
        _("按时报送"),
        _("逾期报送"),
        _("未报"),
        _("报送率（%）"),
        _("及时率（%）"),
    ]
    data = (
        (
            r.name,
            r.province_name,
            r.city_name,
            r.expected,
            r.actual,
            r.on_time,
            r.late,
            r.missing,
            r.reporting_rate,
            r.on_time_rate,
        )
        for r in rows
    )
    return export_response(
        filename=_("报告报送情况"), headers=headers, rows=data, sheet=_("报送情况")
    )


# --- late and missing ----------------------------------------------------------------------------


@login_required
def gaps_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require_official(actor)
    f = _filters(request)
    which = request.GET.get("which", "")
    which = which if which in ("missing", "late") else ""
    scope = selectors.actor_scope(
        actor=actor, province=f["province"] or None, city=f["city"] or None
    )
    args = {
        "kind": f["kind"],
        "scope": scope,
        "start": f["start"],
        "end": f["end"],
        "which": which,
        "q": f["q"],
    }
    if request.GET.get("format") == "xlsx":
        _total, everything = selectors.gaps(**args)
        return _export_gaps(everything)
    number = page_param(request.GET.get("page"))
    total, _first = selectors.gaps(**args, limit=0)
    pages = max(1, -(-total // GAP_PAGE))
    number = min(number, pages)
    _t, rows = selectors.gaps(**args, limit=GAP_PAGE, offset=(number - 1) * GAP_PAGE)
    page_obj: Page[Any] = Paginator(range(total), GAP_PAGE).get_page(number)
    context = {
        "f": f,
        "which": which,
        "rows": rows,
        "total": total,
        "page_obj": page_obj,
        "kinds": ReportKind.choices,
        "provinces": selectors.province_options(actor=actor),
        "cities": selectors.city_options(actor=actor, province=f["province"] or None),
        "show_province": actor.is_national,
    }
    template = "reporting/gaps_table.html" if is_htmx(request) else "reporting/gaps.html"
    return render(request, template, context)


def _export_gaps(rows: list[selectors.Gap]) -> HttpResponse:
    headers = [_("单位"), _("省份"), _("城市"), _("期次"), _("情况"), _("截止时间"), _("报送时间")]
    data = (
        (
            g.unit_name,
            g.province_name,
            g.city_name,
            g.period_label,
            _("未报") if g.is_missing else _("逾期报送"),
            timezone.localtime(g.due_at) if g.due_at else None,
            timezone.localtime(g.submitted_at) if g.submitted_at else None,
        )
        for g in rows
    )
    return export_response(
        filename=_("逾期与未报"), headers=headers, rows=data, sheet=_("逾期与未报")
    )


# --- watch list ----------------------------------------------------------------------------------


@login_required
def watchlist(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require_official(actor)
    status = request.GET.get("status", AlarmStatus.OPEN)
    status = status if status in AlarmStatus.values else ""
    province = request.GET.get("province", "").strip()[:12] or None
    city = request.GET.get("city", "").strip()[:12] or None
    q = request.GET.get("q", "").strip()[:100] or None
    alarms = selectors.alarm_list(actor=actor, status=status, province=province, city=city, q=q)
    if request.GET.get("format") == "xlsx":
        headers = [
            _("学校"),
            _("省份"),
            _("城市"),
            _("连续未报起始周"),
            _("连续未报周数"),
            _("规则"),
            _("状态"),
            _("预警时间"),
        ]
        data = (
            (
                a.school.name,
                a.province.name,
                a.city.name,
                a.streak_start,
                a.missed_weeks,
                a.rule,
                a.get_status_display(),
                timezone.localtime(a.raised_at),
            )
            for a in alarms
        )
        return export_response(
            filename=_("周报预警名单"), headers=headers, rows=data, sheet=_("预警")
        )
    context = {
        "page_obj": page_of(request, alarms),
        "filters": {"status": status, "province": province or "", "city": city or "", "q": q or ""},
        "statuses": AlarmStatus.choices,
        "provinces": selectors.province_options(actor=actor),
        "cities": selectors.city_options(actor=actor, province=province),
        "show_province": actor.is_national,
    }
    template = "reporting/watchlist_table.html" if is_htmx(request) else "reporting/watchlist.html"
    return render(request, template, context)


# --- overview ------------------------------------------------------------------------------------

DIMENSION_LABELS = {
    "province": gettext_lazy("省份"),
    "certificate": gettext_lazy("证书"),
    "level": gettext_lazy("等级"),
    "month": gettext_lazy("月份"),
}
METRICS = {
    "registered": gettext_lazy("考核报名人数"),
    "students": gettext_lazy("考生人数"),
    "passed": gettext_lazy("考核合格人数"),
    "pass_rate": gettext_lazy("合格率（%）"),
    "certificates": gettext_lazy("发证数"),
    "schools": gettext_lazy("试点院校"),
    "reporting_rate": gettext_lazy("周报报送率（%）"),
}


@login_required
def overview_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not (actor.is_national or actor.kind == UnitKind.PROVINCE):
        raise PermissionDenied
    today = timezone.localdate()
    year = year_param(request.GET.get("year")) or today.year
    province = request.GET.get("province", "").strip()[:12]
    if not province and actor.kind == UnitKind.PROVINCE and "dimension" not in request.GET:
        # A province official lands on the city view of the province.
        province = overview_selectors.own_province_code(actor=actor)
    if province:
        return _city_overview(request, actor, province, year)
    dimension = request.GET.get("dimension", "province")
    dimension = dimension if dimension in overview_selectors.DIMENSIONS else "province"
    metric = request.GET.get("metric", "registered")
    if metric not in METRICS or (
        dimension != "province" and metric in ("schools", "reporting_rate")
    ):
        metric = "registered"
    rows = overview_selectors.overview(actor=actor, dimension=dimension, year=year)
    if request.GET.get("format") == "xlsx":
        headers = [str(DIMENSION_LABELS[dimension]), *[str(label) for label in METRICS.values()]]
        data = (
            (
                r.name,
                r.registered,
                r.students,
                r.passed,
                r.pass_rate,
                r.certificates,
                r.schools,
                r.reporting_rate,
            )
            for r in rows
        )
        return export_response(filename=_("试点概况"), headers=headers, rows=data, sheet=_("概况"))
    chart = {
        "title": str(METRICS[metric]),
        "seriesName": str(METRICS[metric]),
        "categories": [r.name for r in rows],
        "values": [float(getattr(r, metric) or 0) for r in rows],
        "kind": "bar",
    }
    # Drill-down: a province on the map (or in the table) opens its cities.
    links = [_city_link(r.key, year) for r in rows]
    map_chart = (
        {
            **chart,
            "kind": "map",
            "map": "china",
            "categories": [overview_selectors.map_name(r.name) for r in rows],
            "links": links,
        }
        if dimension == "province"
        else None
    )
    context = {
        "map_chart": map_chart,
        "rows": rows,
        "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "dimension": dimension,
        "dimensions": list(DIMENSION_LABELS.items()),
        "dimension_label": DIMENSION_LABELS[dimension],
        "metric": metric,
        "metrics": [
            (k, v)
            for k, v in METRICS.items()
            if dimension == "province" or k not in ("schools", "reporting_rate")
        ],
        "chart": chart,
    }
    return render(request, "reporting/overview.html", context)


def _city_link(province: str, year: int) -> str:
    return f"{reverse('reporting:overview')}?province={province}&year={year}"


CITY_METRICS = {
    "reporting_rate": gettext_lazy("周报报送率（%）"),
    "on_time_rate": gettext_lazy("周报及时率（%）"),
    "missing": gettext_lazy("未报周报数"),
    "schools": gettext_lazy("试点院校"),
    "registered": gettext_lazy("考核报名人数"),
    "students": gettext_lazy("考生人数"),
    "passed": gettext_lazy("考核合格人数"),
    "pass_rate": gettext_lazy("合格率（%）"),
    "certificates": gettext_lazy("发证数"),
}


def _city_overview(request: HttpRequest, actor: Actor, province: str, year: int) -> HttpResponse:
    """One province's cities: a city map where map data exists, else a bar chart; the table
    always. A city opens its schools' weekly compliance (the compliance page, unit level)."""
    data = overview_selectors.city_overview(actor=actor, province=province, year=year)
    metric = request.GET.get("metric", "reporting_rate")
    metric = metric if metric in CITY_METRICS else "reporting_rate"
    rows = data.rows
    if request.GET.get("format") == "xlsx":
        headers = [
            _("城市"),
            _("试点院校"),
            _("应报"),
            _("实报"),
            _("按时报送"),
            _("逾期报送"),
            _("未报"),
            _("报送率（%）"),
            _("及时率（%）"),
            _("考核报名人数"),
            _("考生人数"),
            _("已登记成绩"),
            _("考核合格人数"),
            _("合格率（%）"),
            _("发证数"),
        ]
        table = (
            (
                r.name,
                r.schools,
                r.expected,
                r.actual,
                r.on_time,
                r.late,
                r.missing,
                r.reporting_rate,
                r.on_time_rate,
                r.registered,
                r.students,
                r.results,
                r.passed,
                r.pass_rate,
                r.certificates,
            )
            for r in rows
        )
        return export_response(
            filename=_("%(province)s各城市概况") % {"province": data.province.name},
            headers=headers,
            rows=table,
            sheet=_("城市"),
        )
    compliance = reverse("reporting:compliance")
    links = [
        f"{compliance}?level=unit&province={data.province.code}&city={r.code}"
        f"&start={year}-01-01&end={year}-12-31"
        for r in rows
    ]
    chart = {
        "title": str(CITY_METRICS[metric]),
        "seriesName": str(CITY_METRICS[metric]),
        "categories": [r.name for r in rows],
        "values": [float(getattr(r, metric) or 0) for r in rows],
        "kind": "map" if data.map else "bar",
        "links": links,
    }
    if data.map:
        chart["map"] = data.map.name
    context = {
        "data": data,
        "rows": [(r, link) for r, link in zip(rows, links, strict=True)],
        "chart": chart,
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        "metric": metric,
        "metrics": list(CITY_METRICS.items()),
        "show_nation": actor.is_national,
    }
    return render(request, "reporting/overview_cities.html", context)
