"""Reference API: the working-day calendar and the policy profiles (/api/v1/reference/...).

Parse → service or selector → schema. Domain errors (CalendarDataMissing, Forbidden,
InvalidInput…) propagate to ``onex.api``, which answers ``{code, rule, message, details}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from onex.core import registry
from onex.core.actors import request_actor
from onex.core.calendar import (
    MAX_WORKING_DAYS,
    add_working_days,
    calendar_warnings,
    holiday_notice_delete,
    holiday_notice_get,
    holiday_notice_list,
    holiday_notice_set,
    working_days_between,
    year_coverage,
)
from onex.core.errors import InvalidInput, NotFound
from onex.core.limits import CodeText
from onex.core.models import DayKind, HolidayNotice, PolicyScope, PolicyValue
from onex.core.params import Year
from onex.core.policy import ProfileEntry, policy_profile, policy_value_set, to_json
from onex.geo.models import Division
from onex.geo.selectors import province_list

router = Router(tags=["reference"])


# --- Calendar ------------------------------------------------------------------------------


class WorkingDaysOut(Schema):
    start: dt.date
    n: int | None = Field(None, description="working days added (when asked with n)")
    end: dt.date | None = Field(None, description="the resulting or given end date")
    count: int | None = Field(None, description="working days in (start, end] (asked with end)")
    estimated: bool = Field(False, description="true when a year lacked data (Mon–Fri assumed)")
    warnings: list[str] = []


@router.get(
    "/calendar/working-days",
    response=WorkingDaysOut,
    summary="Working day n days after a date, or working days between two dates",
)
def working_days(
    request: HttpRequest,
    start: dt.date,
    n: int | None = None,
    end: dt.date | None = None,
    assume_weekends: bool = False,
) -> dict[str, Any]:
    """``start`` + ``n`` → the n-th working day after start; or ``start`` + ``end`` → count.

    A year with no calendar data answers 422 ``calendar_data_missing`` unless
    ``assume_weekends=true``, which returns a Mon–Fri estimate flagged with warnings.
    """
    if (n is None) == (end is None):
        raise InvalidInput(_("请只填写工作日数 n 或结束日期 end 其中之一。"), field="n")
    if n is not None:
        if not 0 <= n <= MAX_WORKING_DAYS:
            raise InvalidInput(
                _("工作日数须在 0 到 %(max)s 之间。") % {"max": MAX_WORKING_DAYS}, field="n"
            )
        if assume_weekends:
            estimate = add_working_days(start, n, assume_weekends=True)
            return {
                "start": start,
                "n": n,
                "end": estimate.value,
                "estimated": estimate.is_estimate,
                "warnings": list(estimate.warnings),
            }
        return {"start": start, "n": n, "end": add_working_days(start, n)}
    assert end is not None
    if assume_weekends:
        counted = working_days_between(start, end, assume_weekends=True)
        return {
            "start": start,
            "end": end,
            "count": counted.value,
            "estimated": counted.is_estimate,
            "warnings": list(counted.warnings),
        }
    return {"start": start, "end": end, "count": working_days_between(start, end)}


class CoverageOut(Schema):
    year: int
    coverage: str = Field(..., description="package | notices | missing")
    warnings: list[str]


@router.get("/calendar/coverage", response=CoverageOut, summary="Years the holiday calendar covers")
def coverage(request: HttpRequest, year: Year) -> dict[str, Any]:
    return {"year": year, "coverage": year_coverage(year), "warnings": calendar_warnings([year])}


class HolidayNoticeOut(Schema):
    id: int
    date: dt.date
    kind: str
    kind_display: str
    name: str
    note: str

    @staticmethod
    def resolve_kind_display(obj: HolidayNotice) -> str:
        return str(obj.get_kind_display())


class HolidayNoticeIn(Schema):
    date: dt.date
    kind: DayKind
    name: str = Field(..., max_length=64)
    note: str = Field("", max_length=200)


@router.get(
    "/calendar/holiday-notices",
    response=list[HolidayNoticeOut],
    summary="State Council holiday notices entered",
)
def notices(request: HttpRequest, year: Year | None = None) -> list[HolidayNotice]:
    return holiday_notice_list(year=year)


@router.post(
    "/calendar/holiday-notices",
    response={201: HolidayNoticeOut},
    summary="Enter or correct a holiday or adjusted working day",
)
def notice_set(request: HttpRequest, payload: HolidayNoticeIn) -> Status[HolidayNotice]:
    """Enter or correct one day (national admins only); the same date again updates it."""
    notice = holiday_notice_set(
        actor=request_actor(request),
        date=payload.date,
        kind=str(payload.kind),
        name=payload.name,
        note=payload.note,
    )
    return Status(201, notice)


@router.delete(
    "/calendar/holiday-notices/{notice_id}",
    response={204: None},
    summary="Delete a holiday notice entry",
)
def notice_delete(request: HttpRequest, notice_id: int) -> Status[None]:
    holiday_notice_delete(actor=request_actor(request), notice=holiday_notice_get(pk=notice_id))
    return Status(204, None)


# --- Policy --------------------------------------------------------------------------------


class PolicyEntryOut(Schema):
    key: str
    rule: str
    label: str
    unit: str
    type: str
    value: Any = Field(None, description="ratios as decimal strings, dates ISO, else JSON")
    display: str
    default: Any
    default_source: str = Field(
        ..., description="policy (the figure is in the documents) | platform (a platform default)"
    )
    source: str = Field(..., description="default | national | batch | province")
    source_label: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    note: str


class PolicyProfileOut(Schema):
    province: str | None
    batch: int | None
    on: dt.date
    entries: list[PolicyEntryOut]


def _entry_out(entry: ProfileEntry) -> dict[str, Any]:
    item = entry.setting
    row = entry.row
    return {
        "key": item.key,
        "rule": item.rule,
        "label": str(item.label),
        "unit": str(item.unit),
        "type": item.type,
        "value": to_json(item, entry.value),
        "display": entry.display,
        "default": to_json(item, item.default_for(entry.row.effective_from if entry.row else None)),
        "default_source": item.source,
        "source": entry.source,
        "source_label": entry.source_label,
        "effective_from": row.effective_from if row else None,
        "effective_to": row.effective_to if row else None,
        "note": row.note if row else "",
    }


def _province(code: str | None) -> Division | None:
    if not code:
        return None
    province = province_list().filter(code=code).first()
    if province is None:
        raise InvalidInput(_("未知的省份代码：%(code)s") % {"code": code}, field="province")
    return province


def _batch(number: int | None) -> int | None:
    # Batches belong to the catalogue, which registers how to look them up.
    if number is not None and not registry.batch_exists(number):
        raise NotFound(_("未找到该批次。"), field="batch")
    return number


@router.get(
    "/policy",
    response=PolicyProfileOut,
    summary="Effective policy profile with each value's source",
)
def profile(
    request: HttpRequest,
    province: CodeText | None = None,
    batch: int | None = None,
    on: dt.date | None = None,
) -> dict[str, Any]:
    """The effective profile with each value's source. Policy is public regulation: any
    authenticated actor may read any province's profile."""
    on = on or timezone.localdate()
    entries = policy_profile(province=_province(province), batch_number=_batch(batch), on=on)
    return {
        "province": province or None,
        "batch": batch,
        "on": on,
        "entries": [_entry_out(e) for e in entries.values()],
    }


class PolicyValueIn(Schema):
    key: CodeText
    value: Any = Field(..., description='e.g. 0.3 or "30%" for ratios, 10, true, "2020-05-01"')
    scope: PolicyScope
    province: CodeText | None = Field(None, description="province code, for scope=province")
    batch: int | None = Field(None, description="batch number, for scope=batch")
    effective_from: dt.date
    note: str = Field("", max_length=300)


class PolicyValueOut(Schema):
    id: int
    key: str
    scope: str
    province: str | None
    batch: int | None
    value: Any
    effective_from: dt.date
    effective_to: dt.date | None
    note: str

    @staticmethod
    def resolve_province(obj: PolicyValue) -> str | None:
        return obj.province.code if obj.province else None

    @staticmethod
    def resolve_batch(obj: PolicyValue) -> int | None:
        return obj.batch_number


@router.post("/policy", response={201: PolicyValueOut}, summary="Set a policy value from a date on")
def policy_set(request: HttpRequest, payload: PolicyValueIn) -> Status[PolicyValue]:
    """Set a value from ``effective_from`` on; national admins any scope, a province admin
    only its own province's overrides."""
    row = policy_value_set(
        actor=request_actor(request),
        key=payload.key,
        value=payload.value,
        scope=str(payload.scope),
        province=_province(payload.province),
        batch_number=_batch(payload.batch),
        effective_from=payload.effective_from,
        note=payload.note,
    )
    return Status(201, row)
