"""The one working-day calendar of the platform (PRC statutory holidays with 调休 weekends).

Sources, per date:
1. an admin-entered ``HolidayNotice`` for that date (overrides everything: notices correct the
   package when the State Council changes an arrangement);
2. the ``chinese_calendar`` package for the years it ships;
3. for a year the package lacks but that has notices entered: Mon–Fri, except the notice days;
4. otherwise the year is *missing*: we never guess silently. Functions raise
   ``CalendarDataMissing`` unless the caller passes ``assume_weekends=True`` and then gets an
   ``Estimate`` that carries a visible warning.

Conventions:
- ``add_working_days(start, n)`` is the n-th working day strictly after ``start``
  (n == 0 returns ``start`` unchanged). "Within 7 working days of issue" → the deadline is
  ``add_working_days(issued_on, 7)``.
- ``working_days_between(start, end)`` counts working days ``d`` with ``start < d <= end``
  (negative when ``end < start``), so that ``working_days_between(s, add_working_days(s, n)) == n``
  and "working days left until a deadline" is ``working_days_between(today, deadline)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Generic, Literal, TypeVar, overload

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import DomainError, InvalidInput
from onex.core.models import DayKind, HolidayNotice
from onex.core.scoping import fetch

Coverage = Literal["package", "notices", "missing"]
T = TypeVar("T")

# Guards against an endless walk when a caller passes an absurd n (about 40 years of work days).
MAX_WORKING_DAYS = 10_000


class CalendarDataMissing(DomainError):
    """A year has neither package data nor entered holiday notices."""

    code = "calendar_data_missing"
    status = 422

    def __init__(self, years: Iterable[int]) -> None:
        self.years = sorted(set(years))
        super().__init__(
            missing_year_message(self.years), details={"years": self.years}, field="date"
        )


def missing_year_message(years: Iterable[int]) -> str:
    listed = "、".join(str(y) for y in sorted(set(years)))
    return _(
        "缺少 %(years)s 年的法定节假日安排数据，无法准确计算工作日。"
        "请国家管理员按国务院办公厅当年放假安排通知录入节假日安排。"
    ) % {"years": listed}


@dataclass(frozen=True)
class Estimate(Generic[T]):
    """A result computed with ``assume_weekends=True``; ``warnings`` is empty when exact."""

    value: T
    warnings: tuple[str, ...] = ()
    assumed_years: tuple[int, ...] = ()

    @property
    def is_estimate(self) -> bool:
        return bool(self.assumed_years)


@cache
def package_years() -> tuple[int, int]:
    """First and last year the installed chinese_calendar ships data for."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def _package_covers(year: int) -> bool:
    first, last = package_years()
    return first <= year <= last


@dataclass
class WorkingCalendar:
    """One computation's view of the calendar; loads each year's notices once.

    Reuse one instance to check many dates in a loop (one query per year touched).
    """

    assume_weekends: bool = False
    assumed_years: set[int] = field(default_factory=set)
    _notices: dict[int, dict[dt.date, str]] = field(default_factory=dict)

    def notices_for(self, year: int) -> dict[dt.date, str]:
        if year not in self._notices:
            rows = HolidayNotice.objects.filter(date__year=year).values_list("date", "kind")
            self._notices[year] = dict(rows)
        return self._notices[year]

    def coverage(self, year: int) -> Coverage:
        if _package_covers(year):
            return "package"
        if self.notices_for(year):
            return "notices"
        return "missing"

    def is_working_day(self, day: dt.date) -> bool:
        notices = self.notices_for(day.year)
        kind = notices.get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY
        if _package_covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        if not notices:
            if not self.assume_weekends:
                raise CalendarDataMissing([day.year])
            self.assumed_years.add(day.year)
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        if n < 0:
            raise InvalidInput(_("工作日数不能为负数。"), field="n")
        if n > MAX_WORKING_DAYS:
            raise InvalidInput(_("工作日数过大。"), field="n")
        day = start
        remaining = n
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += dt.timedelta(days=1)
        return count

    def estimate(self, value: T) -> Estimate[T]:
        years = tuple(sorted(self.assumed_years))
        warnings = (assumed_weekends_message(years),) if years else ()
        return Estimate(value=value, warnings=warnings, assumed_years=years)


def assumed_weekends_message(years: Iterable[int]) -> str:
    listed = "、".join(str(y) for y in years)
    return _(
        "注意：%(years)s 年缺少法定节假日安排数据，结果按周一至周五为工作日估算，"
        "未计入节假日和调休，仅供参考。"
    ) % {"years": listed}


# --- Public functions ----------------------------------------------------------------------
# Each has two shapes: exact (raises CalendarDataMissing) or, with assume_weekends=True, an
# Estimate whose warnings the caller must show next to the value.


@overload
def is_working_day(day: dt.date, *, assume_weekends: Literal[False] = ...) -> bool: ...
@overload
def is_working_day(day: dt.date, *, assume_weekends: Literal[True]) -> Estimate[bool]: ...
def is_working_day(day: dt.date, *, assume_weekends: bool = False) -> bool | Estimate[bool]:
    cal = WorkingCalendar(assume_weekends=assume_weekends)
    value = cal.is_working_day(day)
    return cal.estimate(value) if assume_weekends else value


@overload
def add_working_days(
    start: dt.date, n: int, *, assume_weekends: Literal[False] = ...
) -> dt.date: ...
@overload
def add_working_days(
    start: dt.date, n: int, *, assume_weekends: Literal[True]
) -> Estimate[dt.date]: ...
def add_working_days(
    start: dt.date, n: int, *, assume_weekends: bool = False
) -> dt.date | Estimate[dt.date]:
    """The n-th working day strictly after ``start`` (``start`` itself when n == 0)."""
    cal = WorkingCalendar(assume_weekends=assume_weekends)
    value = cal.add_working_days(start, n)
    return cal.estimate(value) if assume_weekends else value


def deadline_after(start: dt.date, n: int) -> dt.date:
    """The deadline a service sets n working days after ``start``.

    Next year's holidays are published late in the year, so a deadline that runs into a year
    without calendar data is counted Monday to Friday instead of refusing the action.
    """
    return add_working_days(start, n, assume_weekends=True).value


@overload
def working_days_between(
    start: dt.date, end: dt.date, *, assume_weekends: Literal[False] = ...
) -> int: ...
@overload
def working_days_between(
    start: dt.date, end: dt.date, *, assume_weekends: Literal[True]
) -> Estimate[int]: ...
def working_days_between(
    start: dt.date, end: dt.date, *, assume_weekends: bool = False
) -> int | Estimate[int]:
    """Working days ``d`` with ``start < d <= end``; negative when ``end`` is before ``start``."""
    cal = WorkingCalendar(assume_weekends=assume_weekends)
    value = cal.working_days_between(start, end)
    return cal.estimate(value) if assume_weekends else value


def year_coverage(year: int) -> Coverage:
    """Where the calendar of ``year`` comes from: the package, entered notices, or nowhere."""
    return WorkingCalendar().coverage(year)


def calendar_warnings(years: Iterable[int]) -> list[str]:
    """Warnings for pages to display: one per year with no calendar data."""
    cal = WorkingCalendar()
    missing = [y for y in sorted(set(years)) if cal.coverage(y) == "missing"]
    return [missing_year_message([y]) for y in missing]


# --- Selectors -----------------------------------------------------------------------------


def holiday_notice_list(*, year: int | None = None) -> list[HolidayNotice]:
    """Holiday notices are public reference data: every actor may read them."""
    qs = HolidayNotice.objects.select_related("created_by").order_by("date")
    if year is not None:
        qs = qs.filter(date__year=year)
    return list(qs)


def holiday_notice_get(*, pk: int) -> HolidayNotice:
    return fetch(HolidayNotice.objects.all(), pk=pk)


# --- Services ------------------------------------------------------------------------------


def can_edit_calendar(actor: Actor) -> bool:
    # The State Council's notice is national; only national administrators transcribe it.
    return actor.is_national and actor.is_admin


def _notice_dict(notice: HolidayNotice) -> dict[str, str]:
    return {
        "date": notice.date.isoformat(),
        "kind": notice.kind,
        "name": notice.name,
        "note": notice.note,
    }


def holiday_notice_set(
    *, actor: Actor, date: dt.date, kind: str, name: str, note: str = ""
) -> HolidayNotice:
    """Enter (or correct) one day of a holiday notice."""
    actor.require(can_edit_calendar(actor), _("只有国家级管理员可以录入节假日安排。"))
    if kind not in DayKind.values:
        raise InvalidInput(_("类型必须是“放假”或“调休上班”。"), field="kind")
    name = name.strip()
    if not name:
        raise InvalidInput(_("请填写节日名称。"), field="name")
    if len(name) > 64:
        raise InvalidInput(_("节日名称不能超过 64 个字符。"), field="name")
    note = note.strip()
    if len(note) > 200:
        raise InvalidInput(_("依据不能超过 200 个字符。"), field="note")
    with transaction.atomic():
        notice = HolidayNotice.objects.select_for_update().filter(date=date).first()
        old = _notice_dict(notice) if notice else None
        if notice is None:
            notice = HolidayNotice(date=date, created_by=actor.user)
        notice.kind = kind
        notice.name = name
        notice.note = note
        notice.save()
        audit_record(
            actor=actor,
            action="calendar.notice_set",
            target=notice,
            old=old,
            new=_notice_dict(notice),
        )
    return notice


def holiday_notice_delete(*, actor: Actor, notice: HolidayNotice) -> None:
    actor.require(can_edit_calendar(actor), _("只有国家级管理员可以删除节假日安排。"))
    with transaction.atomic():
        old = _notice_dict(notice)
        target_id = str(notice.pk)
        notice.delete()
        audit_record(
            actor=actor,
            action="calendar.notice_delete",
            target_type="core.holidaynotice",
            target_id=target_id,
            old=old,
        )
