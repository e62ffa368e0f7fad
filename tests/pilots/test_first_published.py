"""R33 counts from the first publication: one aggregate query for any number of schools."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onex.core.dashboard import dashboard_for
from onex.pilots.models import School
from onex.pilots.models.applications import ApplicationStatus, PilotApplication
from onex.pilots.selectors import applications as application_selectors
from onex.pilots.selectors import coordination as coordination_selectors
from tests.factories_pilots import certificate, file_working_body, specialty
from tests.personas import Personas, make_school

pytestmark = pytest.mark.django_db

OVERDUE_TITLE = "逾期未报备工作机构的试点院校"


def put_on_list(
    personas: Personas,
    school: School,
    day: dt.date | None,
    *,
    code: str = "2-06",
    status: str = ApplicationStatus.PUBLISHED,
) -> PilotApplication:
    """An application in ``status`` published on ``day`` (the chain itself is tested elsewhere)."""
    return PilotApplication.objects.create(
        school=school,
        province=school.province,
        city=school.city,
        certificate=certificate(personas, code=code, name=f"证书{code}"),
        specialty=specialty(school),
        status=status,
        published_on=day,
    )


def more_guangdong_schools(count: int, start: int) -> list[School]:
    return [
        make_school(f"广东测试职业学院{n}", f"41449{n:05d}", "440000", "440100")
        for n in range(start, start + count)
    ]


def test_first_published_on_map_is_the_earliest_publication_of_each_school(
    personas: Personas,
) -> None:
    gd, sz, hb = personas.gd_school_obj, personas.sz_school_obj, personas.hb_school_obj
    put_on_list(personas, gd, dt.date(2020, 5, 1))
    put_on_list(personas, gd, dt.date(2020, 3, 1), code="2-07")
    put_on_list(personas, hb, dt.date(2020, 4, 1))
    put_on_list(personas, sz, None, status=ApplicationStatus.CONFIRMED)  # not on a list yet

    with CaptureQueriesContext(connection) as queries:
        found = application_selectors.first_published_on_map([gd, sz, hb])

    assert found == {gd.pk: dt.date(2020, 3, 1), hb.pk: dt.date(2020, 4, 1)}
    assert len(queries) == 1
    assert application_selectors.first_published_on_map([hb.pk]) == {hb.pk: dt.date(2020, 4, 1)}
    assert application_selectors.first_published_on_map([]) == {}
    # The single-school function other apps call gives the same answers.
    assert [application_selectors.first_published_on(s) for s in (gd, sz, hb)] == [
        dt.date(2020, 3, 1),
        None,
        dt.date(2020, 4, 1),
    ]


def test_r33_overdue_list_of_a_province_runs_a_constant_number_of_queries(
    personas: Personas,
) -> None:
    day, today = dt.date(2020, 3, 1), dt.date(2020, 4, 5)
    for school in (personas.gd_school_obj, personas.sz_school_obj):
        put_on_list(personas, school, day)
    actor = personas.gd.actor

    with CaptureQueriesContext(connection) as few:
        rows = coordination_selectors.overdue_working_body_filings(actor=actor, on=today)
    assert len(rows) == 2

    for school in more_guangdong_schools(8, start=1):
        put_on_list(personas, school, day)
    with CaptureQueriesContext(connection) as many:
        rows = coordination_selectors.overdue_working_body_filings(actor=actor, on=today)

    assert len(rows) == 10
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_r33_national_dashboard_counts_overdue_schools_of_the_whole_country(
    personas: Personas,
) -> None:
    long_ago = timezone.localdate() - dt.timedelta(days=120)
    for school in (personas.gd_school_obj, personas.hb_school_obj):
        put_on_list(personas, school, long_ago)

    board = dashboard_for(actor=personas.ministry.actor)
    [todo] = [t for t in board.todos if t.title == OVERDUE_TITLE]
    assert todo.count == 2
    assert todo.url.endswith("?status=overdue")
    province = dashboard_for(actor=personas.gd.actor)
    assert [t.count for t in province.todos if t.title == OVERDUE_TITLE] == [1]


def test_r33_overdue_count_equals_the_overdue_list_for_every_official(
    personas: Personas,
) -> None:
    gd, sz, hb = personas.gd_school_obj, personas.sz_school_obj, personas.hb_school_obj
    put_on_list(personas, gd, dt.date(2020, 1, 2))  # overdue on TODAY
    put_on_list(personas, gd, dt.date(2020, 3, 25), code="2-07")  # a later list changes nothing
    put_on_list(personas, sz, dt.date(2020, 3, 20))  # not due yet
    put_on_list(personas, hb, dt.date(2020, 1, 2))
    file_working_body(personas.hb_school.actor, hb)  # filed: not overdue
    today = dt.date(2020, 4, 5)
    for persona in (personas.ministry, personas.gd, personas.gz_city, personas.hb, personas.org):
        listed = coordination_selectors.overdue_working_body_filings(actor=persona.actor, on=today)
        counted = coordination_selectors.overdue_working_body_count(actor=persona.actor, on=today)
        assert counted == len(listed), persona
    ministry = personas.ministry.actor
    assert coordination_selectors.overdue_working_body_count(actor=ministry, on=today) == 1
    later = dt.date(2020, 6, 1)
    assert coordination_selectors.overdue_working_body_count(actor=ministry, on=later) == 2


def test_r33_officials_todo_counts_without_building_each_schools_obligation(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 10,000 schools building every school's obligation took over a second per workbench.
    put_on_list(personas, personas.gd_school_obj, timezone.localdate() - dt.timedelta(days=120))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the to-do must count in the database")

    monkeypatch.setattr(coordination_selectors, "_obligations", refuse)
    (item,) = coordination_selectors.working_body_todos(actor=personas.gd.actor)
    assert item["count"] == 1
