"""Working-day calendar: PRC holidays with 调休 weekends, notices for years the package lacks."""

from __future__ import annotations

import datetime as dt

import pytest

from onex.core.calendar import (
    CalendarDataMissing,
    add_working_days,
    calendar_warnings,
    holiday_notice_delete,
    holiday_notice_set,
    is_working_day,
    package_years,
    working_days_between,
    year_coverage,
)
from onex.core.errors import Forbidden, InvalidInput
from onex.core.models import DayKind, HolidayNotice

D = dt.date
# A year the installed chinese_calendar does not ship; computed so the test survives upgrades.
FUTURE = package_years()[1] + 3


def test_2019_national_day_week_is_off_and_sep_29_and_oct_12_are_working_days(db: None) -> None:
    for day in range(1, 8):
        assert not is_working_day(D(2019, 10, day))
    assert is_working_day(D(2019, 9, 29))  # Sunday, 调休
    assert is_working_day(D(2019, 10, 12))  # Saturday, 调休
    assert not is_working_day(D(2019, 9, 28))  # ordinary Saturday


def test_next_working_day_after_friday_27_sep_2019_is_sunday_29(db: None) -> None:
    assert add_working_days(D(2019, 9, 27), 1) == D(2019, 9, 29)


def test_seven_working_days_from_30_sep_2019_skip_the_holiday_and_count_saturday_12(
    db: None,
) -> None:
    # Oct 8, 9, 10, 11, 12 (Sat, 调休), 14, 15.
    assert add_working_days(D(2019, 9, 30), 7) == D(2019, 10, 15)


def test_zero_working_days_is_the_start_itself(db: None) -> None:
    assert add_working_days(D(2019, 10, 1), 0) == D(2019, 10, 1)


def test_negative_working_days_is_refused(db: None) -> None:
    with pytest.raises(InvalidInput):
        add_working_days(D(2019, 10, 1), -1)


def test_spring_festival_2024_counts_the_sunday_working_days(db: None) -> None:
    # 2024: Feb 10–17 off; Sunday Feb 4 and Sunday Feb 18 were working days.
    assert is_working_day(D(2024, 2, 4))
    assert is_working_day(D(2024, 2, 18))
    assert not is_working_day(D(2024, 2, 12))  # Monday inside the holiday
    assert add_working_days(D(2024, 2, 8), 2) == D(2024, 2, 18)  # Feb 9, then Sunday Feb 18


def test_working_days_between_counts_after_start_up_to_and_including_end(db: None) -> None:
    assert working_days_between(D(2019, 9, 27), D(2019, 10, 12)) == 7  # Sep 29, 30, Oct 8–12
    assert working_days_between(D(2019, 9, 30), D(2019, 9, 30)) == 0
    assert working_days_between(D(2019, 10, 12), D(2019, 9, 27)) == -7


def test_working_days_between_inverts_add_working_days(db: None) -> None:
    start = D(2020, 1, 20)  # spans the 2020 Spring Festival (extended by the epidemic)
    for n in (1, 5, 10, 20):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_year_coverage_reports_package_notices_or_missing(db: None) -> None:
    assert year_coverage(2019) == "package"
    assert year_coverage(FUTURE) == "missing"
    HolidayNotice.objects.create(date=D(FUTURE, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    assert year_coverage(FUTURE) == "notices"


def test_year_without_any_data_raises_calendar_data_missing_naming_the_year(db: None) -> None:
    with pytest.raises(CalendarDataMissing) as excinfo:
        add_working_days(D(FUTURE, 3, 2), 3)
    assert str(FUTURE) in str(excinfo.value)
    assert excinfo.value.details["years"] == [FUTURE]
    with pytest.raises(CalendarDataMissing):
        is_working_day(D(FUTURE, 3, 2))


def test_assume_weekends_gives_a_flagged_estimate_not_a_silent_guess(db: None) -> None:
    # The estimate counts Mon–Fri and says so.
    start = D(FUTURE, 3, 1)
    estimate = add_working_days(start, 5, assume_weekends=True)
    assert estimate.is_estimate
    assert estimate.assumed_years == (FUTURE,)
    assert estimate.warnings and str(FUTURE) in estimate.warnings[0]
    assert estimate.value.weekday() < 5
    exact = add_working_days(D(2019, 9, 27), 1, assume_weekends=True)
    assert exact.value == D(2019, 9, 29) and not exact.is_estimate and exact.warnings == ()


def test_year_with_notices_computes_from_them(db: None) -> None:
    # A made-up notice: Mon FUTURE-10-01 … off, one Saturday worked.
    first_monday = D(FUTURE, 10, 1) + dt.timedelta(days=(7 - D(FUTURE, 10, 1).weekday()) % 7)
    for i in range(5):
        HolidayNotice.objects.create(
            date=first_monday + dt.timedelta(days=i), kind=DayKind.HOLIDAY, name="国庆节"
        )
    saturday = first_monday + dt.timedelta(days=12)
    HolidayNotice.objects.create(date=saturday, kind=DayKind.WORKDAY, name="国庆节")
    friday_before = first_monday - dt.timedelta(days=3)
    assert add_working_days(friday_before, 1) == first_monday + dt.timedelta(days=7)
    # Second week Mon–Fri (5) + the Saturday = 6 working days.
    assert working_days_between(friday_before, saturday) == 6
    assert is_working_day(saturday)


def test_notice_overrides_the_package_for_its_date(db: None) -> None:
    assert is_working_day(D(2019, 10, 8))
    HolidayNotice.objects.create(date=D(2019, 10, 8), kind=DayKind.HOLIDAY, name="测试")
    assert not is_working_day(D(2019, 10, 8))


def test_calendar_warnings_list_only_missing_years(db: None) -> None:
    warnings = calendar_warnings([2019, FUTURE])
    assert len(warnings) == 1 and str(FUTURE) in warnings[0]


def test_ministry_admin_enters_and_deletes_a_holiday_notice(personas) -> None:  # type: ignore[no-untyped-def]
    notice = holiday_notice_set(
        actor=personas.ministry.actor,
        date=D(FUTURE, 1, 1),
        kind=DayKind.HOLIDAY,
        name="元旦",
        note="国办发明电",
    )
    assert year_coverage(FUTURE) == "notices"
    again = holiday_notice_set(
        actor=personas.ministry.actor, date=D(FUTURE, 1, 1), kind=DayKind.WORKDAY, name="元旦"
    )
    assert again.pk == notice.pk and again.kind == DayKind.WORKDAY
    holiday_notice_delete(actor=personas.ministry.actor, notice=again)
    assert year_coverage(FUTURE) == "missing"


def test_province_admin_and_school_cannot_enter_holiday_notices(personas) -> None:  # type: ignore[no-untyped-def]
    for persona in (personas.gd, personas.gd_school, personas.aggregator):
        with pytest.raises(Forbidden):
            holiday_notice_set(
                actor=persona.actor, date=D(FUTURE, 1, 1), kind=DayKind.HOLIDAY, name="元旦"
            )


def test_holiday_notice_with_unknown_kind_is_refused(personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as excinfo:
        holiday_notice_set(
            actor=personas.ministry.actor, date=D(FUTURE, 1, 1), kind="party", name="元旦"
        )
    assert excinfo.value.field == "kind"
