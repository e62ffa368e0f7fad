"""The reporting API under ``/reporting``: file and amend reports (R41), read compliance
figures per level (nation, province, city, unit), late and missing reports, and the watch list
of missed-week alarms (R23/R47). Errors come from onex.api's handlers."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from onex.core.actors import request_actor
from onex.core.limits import DOCUMENT_MAX, CodeText, ReasonText, SearchText
from onex.core.models import UnitKind
from onex.core.params import Pagination, Year
from onex.core.schemas import ErrorOut, RowOut
from onex.reporting import selectors
from onex.reporting.models import Alarm, Report, ReportVersion
from onex.reporting.selectors import overview as overview_selectors
from onex.reporting.services import ReportInput, report_file
from onex.reporting.workflows import REPORT

router = Router(tags=["reporting"])

Kind = Literal["weekly", "monthly", "half_year"]
Level = Literal["nation", "province", "city", "unit"]


class VersionOut(Schema):
    version: int
    students_trained: int
    students_examined: int
    progress: str
    problems: str
    next_plan: str
    note: str
    submitted_at: dt.datetime


class ReportOut(Schema):
    id: int
    kind: str
    unit_name: str
    province_code: str
    period_label: str
    period_start: dt.date
    period_end: dt.date
    due_at: dt.datetime
    status: str
    students_trained: int
    students_examined: int
    progress: str
    problems: str
    next_plan: str
    version: int
    submitted_at: dt.datetime | None
    is_late: bool

    @staticmethod
    def resolve_id(obj: Report) -> int:
        return obj.pk

    @staticmethod
    def resolve_unit_name(obj: Report) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_province_code(obj: Report) -> str:
        return obj.province.code


class ReportDetailOut(ReportOut):
    versions: list[VersionOut]
    moves: list[str] = Field(..., description="Actions you may take now (the page offers the same)")

    @staticmethod
    def resolve_versions(obj: Report) -> list[ReportVersion]:
        return selectors.report_versions(report=obj)

    @staticmethod
    def resolve_moves(obj: Report, context: dict[str, Any]) -> list[str]:
        return REPORT.allowed_actions(obj, request_actor(context["request"]))


class ReportIn(Schema):
    kind: Kind
    period_start: dt.date = Field(..., description="First day of the period (a Monday for weeks)")
    province: CodeText | None = Field(None, description="Orgs: the province reported to")
    students_trained: int = Field(0, ge=0, le=1_000_000)
    students_examined: int = Field(0, ge=0, le=1_000_000)
    progress: str = Field("", max_length=DOCUMENT_MAX)
    problems: str = Field("", max_length=DOCUMENT_MAX)
    next_plan: str = Field("", max_length=DOCUMENT_MAX)
    submit: bool = Field(True, description="False saves a draft")
    note: ReasonText = Field("", description="What an amendment changes")


class ReportFilter(Schema):
    kind: Kind | None = None
    province: CodeText | None = None
    city: CodeText | None = None
    q: SearchText | None = None
    late: bool | None = None


@router.get("/reports", response=list[ReportOut], summary="Reports in your jurisdiction")
@paginate(Pagination)
def report_list(request: HttpRequest, filters: Query[ReportFilter]) -> Any:
    return selectors.report_list(actor=request_actor(request), **filters.dict())


@router.get(
    "/reports/{report_id}",
    response={200: ReportDetailOut, 404: ErrorOut},
    summary="One report with its versions and the moves you may take",
)
def report_detail(request: HttpRequest, report_id: int) -> Report:
    return selectors.report_get(actor=request_actor(request), pk=report_id)


@router.post(
    "/reports",
    response={201: ReportDetailOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="File, submit or amend your report for a period (R41; late filing is marked late)",
)
def report_submit(request: HttpRequest, payload: ReportIn) -> Status[Report]:
    report = report_file(
        actor=request_actor(request),
        kind=payload.kind,
        period_start=payload.period_start,
        province=payload.province,
        submit=payload.submit,
        note=payload.note,
        values=ReportInput(
            students_trained=payload.students_trained,
            students_examined=payload.students_examined,
            progress=payload.progress,
            problems=payload.problems,
            next_plan=payload.next_plan,
        ),
    )
    return Status(201, report)


class ComplianceFilter(Schema):
    kind: Kind = "weekly"
    level: Level = "province"
    start: dt.date | None = Field(None, description="Default: 1 January of this year")
    end: dt.date | None = Field(None, description="Default: today")
    province: CodeText | None = None
    city: CodeText | None = None
    q: SearchText | None = Field(None, description="Only rows whose name contains this")


class ReportingComplianceOut(Schema):
    key: int | None = Field(..., description="Division id (province, city), unit id, or null")
    name: str
    code: str
    school_id: int | None
    province_name: str
    city_name: str
    expected: int
    actual: int
    on_time: int
    late: int
    missing: int
    reporting_rate: Decimal | None = Field(..., description="actual / expected, in %")
    on_time_rate: Decimal | None = Field(..., description="on time / expected, in %")


def _range(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return start or dt.date(today.year, 1, 1), end or today


@router.get(
    "/compliance",
    response=list[ReportingComplianceOut],
    summary="Expected, actual and on-time reports per level, as DHIS2 computes reporting rates",
)
def compliance(request: HttpRequest, filters: Query[ComplianceFilter]) -> Any:
    start, end = _range(filters.start, filters.end)
    scope = selectors.actor_scope(
        actor=request_actor(request), province=filters.province, city=filters.city
    )
    rows = selectors.compliance_rows(
        kind=filters.kind, level=filters.level, scope=scope, start=start, end=end
    )
    return selectors.compliance_search(rows, filters.q or "")


class GapFilter(Schema):
    kind: Kind = "weekly"
    which: Literal["", "missing", "late"] = ""
    start: dt.date | None = None
    end: dt.date | None = None
    province: CodeText | None = None
    city: CodeText | None = None
    q: SearchText | None = Field(None, description="Only units whose name contains this")
    page: int = Field(1, ge=1, le=100_000)


class GapOut(Schema):
    unit_name: str
    school_id: int | None
    province_name: str
    city_name: str
    period_start: dt.date
    period_label: str
    report_id: int | None
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    is_missing: bool


class GapPage(Schema):
    count: int
    items: list[GapOut]


GAP_PAGE = 100


@router.get("/gaps", response=GapPage, summary="Late and missing reports (100 per page)")
def gap_list(request: HttpRequest, filters: Query[GapFilter]) -> dict[str, Any]:
    start, end = _range(filters.start, filters.end)
    scope = selectors.actor_scope(
        actor=request_actor(request), province=filters.province, city=filters.city
    )
    total, rows = selectors.gaps(
        kind=filters.kind,
        scope=scope,
        start=start,
        end=end,
        which=filters.which,
        limit=GAP_PAGE,
        offset=(filters.page - 1) * GAP_PAGE,
        q=filters.q or "",
    )
    return {"count": total, "items": rows}


class AlarmOut(Schema):
    id: int
    school_id: int
    school_name: str
    province_name: str
    city_name: str
    status: str
    rule: str
    streak_start: dt.date
    missed_weeks: int
    raised_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_id(obj: Alarm) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: Alarm) -> str:
        return obj.school.name

    @staticmethod
    def resolve_province_name(obj: Alarm) -> str:
        return obj.province.name

    @staticmethod
    def resolve_city_name(obj: Alarm) -> str:
        return obj.city.name


class AlarmFilter(Schema):
    status: Literal["", "open", "closed"] = "open"
    province: CodeText | None = None
    city: CodeText | None = None
    q: SearchText | None = None


@router.get("/alarms", response=list[AlarmOut], summary="Watch list: missed-week alarms (R23)")
@paginate(Pagination)
def alarm_list(request: HttpRequest, filters: Query[AlarmFilter]) -> Any:
    return selectors.alarm_list(actor=request_actor(request), **filters.dict())


class OverviewFilter(Schema):
    dimension: Literal["province", "certificate", "level", "month"] = "province"
    year: Year | None = Field(None, description="Default: this year")


class OverviewOut(RowOut):
    key: str
    name: str
    schools: int | None = Field(..., description="Pilot schools at the year's end (by province)")
    reporting_rate: Decimal | None = Field(..., description="Weekly reporting rate, % (province)")
    registered: int
    students: int = Field(..., description="Distinct candidates among the registrations")
    results: int
    passed: int
    pass_rate: Decimal | None = Field(..., description="passed / results, in %")
    certificates: int


@router.get(
    "/overview",
    response={200: list[OverviewOut], 403: ErrorOut},
    summary="Pilot overview by province, certificate, level or month (national and provinces)",
)
def overview(request: HttpRequest, filters: Query[OverviewFilter]) -> Any:
    actor = request_actor(request)
    actor.require(actor.is_national or actor.kind == UnitKind.PROVINCE)
    return overview_selectors.overview(
        actor=actor, dimension=filters.dimension, year=filters.year or timezone.localdate().year
    )


class CityOverviewFilter(Schema):
    province: CodeText = Field(..., description="Province code (GB/T 2260, e.g. 440000)")
    year: Year | None = Field(None, description="Default: this year")


class CityMapOut(Schema):
    name: str = Field(..., description="Map name registered with ECharts by the script")
    script: str = Field(..., description="URL of the map script, served locally")


class CityOverviewRowOut(RowOut):
    code: str
    name: str
    schools: int = Field(..., description="Pilot schools at the year's end")
    expected: int = Field(..., description="Weekly reports expected in the year")
    actual: int
    on_time: int
    late: int
    missing: int
    reporting_rate: Decimal | None = Field(..., description="actual / expected, in %")
    on_time_rate: Decimal | None = Field(..., description="on time / expected, in %")
    registered: int
    students: int = Field(..., description="Distinct candidates among the registrations")
    results: int
    passed: int
    pass_rate: Decimal | None = Field(..., description="passed / results, in %")
    certificates: int


class CityOverviewOut(Schema):
    province_code: str
    province_name: str
    year: int
    map: CityMapOut | None = Field(
        ..., description="City map of the province, or null: no map data, show the table"
    )
    cities: list[CityOverviewRowOut]


@router.get(
    "/overview/cities",
    response={200: CityOverviewOut, 403: ErrorOut, 404: ErrorOut},
    summary="Drill-down of the overview map: one province's cities with compliance figures",
)
def overview_cities(request: HttpRequest, filters: Query[CityOverviewFilter]) -> Any:
    actor = request_actor(request)
    actor.require(actor.is_national or actor.kind == UnitKind.PROVINCE)
    data = overview_selectors.city_overview(
        actor=actor, province=filters.province, year=filters.year or timezone.localdate().year
    )
    return {
        "province_code": data.province.code,
        "province_name": data.province.name,
        "year": data.year,
        "map": ({"name": data.map.name, "script": static(data.map.script)} if data.map else None),
        "cities": data.rows,
    }
