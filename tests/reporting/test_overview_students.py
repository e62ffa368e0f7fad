"""The overview's students figure: candidates counted once however many exams they sit."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories_assessment import exams_world
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_overview_counts_each_candidate_once_by_province_and_by_city(personas: Personas) -> None:
    world = exams_world(personas)
    first, second = world.student(), world.student()
    plan = world.plan()
    world.register(plan, first, second)
    other = world.plan()
    world.register(other, first)
    year = plan.exam_date.year
    client = Client()
    client.force_login(personas.ministry.user)
    rows = client.get(f"/api/v1/reporting/overview?year={year}").json()
    guangdong = next(row for row in rows if row["key"] == "440000")
    assert (guangdong["registered"], guangdong["students"]) == (3, 2)
    by_level = client.get(f"/api/v1/reporting/overview?year={year}&dimension=level").json()
    assert sum(row["students"] for row in by_level) == 2
    cities = client.get(f"/api/v1/reporting/overview/cities?province=440000&year={year}").json()
    assert sum(row["students"] for row in cities["cities"]) == 2
    page = client.get(f"/reporting/overview/?province=440000&year={year}&metric=students")
    assert page.status_code == 200 and "考生人数" in page.content.decode()
    assert client.get(f"/reporting/overview/?year={year}&format=xlsx").status_code == 200
