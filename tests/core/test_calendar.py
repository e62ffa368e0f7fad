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


# --- Pages and API -------------------------------------------------------------------------


def test_calendar_page_shows_coverage_and_warns_for_a_missing_year(personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.gd_school.user)
    response = client.get("/calendar/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "工作日计算器" in body
    assert 'action="/calendar/notices/"' not in body  # the add form: national admins only
    today = dt.date.today()
    if year_coverage(today.year + 1) == "missing":
        assert f"缺少 {today.year + 1} 年" in body


def test_calendar_calculator_fragment_answers_htmx(personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.gd.user)
    response = client.get(
        "/calendar/", {"start": "2019-09-27", "n": "1"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "2019-09-29" in body
    response = client.get(
        "/calendar/", {"start": "2019-09-27", "end": "2019-10-12"}, headers={"HX-Request": "true"}
    )
    assert "<strong>7</strong>" in response.content.decode()
    response = client.get(
        "/calendar/", {"start": f"{FUTURE}-03-02", "n": "3"}, headers={"HX-Request": "true"}
    )
    assert "估算" in response.content.decode()


def test_ministry_adds_and_deletes_a_notice_through_the_page(personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.ministry.user)
    assert 'action="/calendar/notices/"' in client.get("/calendar/").content.decode()
    response = client.post(
        "/calendar/notices/",
        {"date": f"{FUTURE}-01-01", "kind": "holiday", "name": "元旦", "note": ""},
    )
    assert response.status_code == 302
    notice = HolidayNotice.objects.get(date=D(FUTURE, 1, 1))
    response = client.post(f"/calendar/notices/{notice.pk}/delete/")
    assert response.status_code == 302
    assert not HolidayNotice.objects.exists()


def test_province_admin_gets_403_posting_a_notice_page(personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.gd.user)
    response = client.post(
        "/calendar/notices/", {"date": f"{FUTURE}-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 403


def test_api_working_days_and_missing_year_error(personas, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.gd.user)
    url = "/api/v1/reference/calendar/working-days"
    response = client.get(url, {"start": "2019-09-30", "n": 7})
    assert response.status_code == 200 and response.json()["end"] == "2019-10-15"
    response = client.get(url, {"start": "2019-09-27", "end": "2019-10-12"})
    assert response.json()["count"] == 7
    response = client.get(url, {"start": f"{FUTURE}-03-02", "n": 3})
    assert response.status_code == 422
    assert response.json()["code"] == "calendar_data_missing"
    assert str(FUTURE) in response.json()["message"]
    response = client.get(url, {"start": f"{FUTURE}-03-02", "n": 3, "assume_weekends": True})
    assert response.status_code == 200 and response.json()["estimated"] is True
    assert response.json()["warnings"]
    response = client.get("/api/v1/reference/calendar/coverage", {"year": FUTURE})
    assert response.json()["coverage"] == "missing" and response.json()["warnings"]


def test_api_holiday_notices_national_admin_only(personas, client) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/reference/calendar/holiday-notices"
    payload = {"date": f"{FUTURE}-01-01", "kind": "holiday", "name": "元旦"}
    client.force_login(personas.gd.user)
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    client.force_login(personas.ministry.user)
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    notice_id = response.json()["id"]
    assert client.get(url, {"year": FUTURE}).json()[0]["kind_display"] == "放假"
    response = client.delete(f"{url}/{notice_id}")
    assert response.status_code == 204
    assert client.delete(f"{url}/{notice_id}").status_code == 404
