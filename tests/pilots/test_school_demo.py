"""The schools part of the demo data: idempotent, and every schools page has content."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from onex.core.actors import Actor
from onex.core.models import AuditEvent, User
from onex.pilots.demo import OVERDUE_SCHOOL
from onex.pilots.models import (
    ProvinceCoordination,
    School,
    SchoolWorkingBody,
    Specialty,
    SpecialtyEnrolment,
)
from onex.pilots.selectors import coordination as coordination_selectors
from tests.factories_pilots import PublishFn

pytestmark = pytest.mark.django_db

MODELS = (ProvinceCoordination, Specialty, SpecialtyEnrolment, SchoolWorkingBody, AuditEvent)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo() -> None:
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())


def test_demo_schools_part_is_idempotent(demo: None) -> None:
    first = counts()
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    assert counts() == first


def test_demo_has_coordination_specialties_and_working_bodies(demo: None) -> None:
    assert set(ProvinceCoordination.objects.values_list("province__code", flat=True)) == {
        "440000",
        "140000",
        "420000",
    }
    schools = School.objects.count()
    assert Specialty.objects.values("school").distinct().count() == schools
    specialty = Specialty.objects.filter(school__name="广州番禺职业技术学院").first()
    assert specialty is not None and specialty.enrolments.count() >= 3
    filed = SchoolWorkingBody.objects.values("school").distinct().count()
    assert filed == schools - 1
    assert not SchoolWorkingBody.objects.filter(school__name=OVERDUE_SCHOOL).exists()
    # The demo school account sees a change of contact in its history.
    assert SchoolWorkingBody.objects.filter(school__name="广州番禺职业技术学院").count() == 2


def test_demo_overdue_school_shows_once_published(
    demo: None, publish: PublishFn, client: Client
) -> None:
    overdue = School.objects.get(name=OVERDUE_SCHOOL)
    publish(overdue, dt.date(2019, 12, 20))
    publish(School.objects.get(name="广州番禺职业技术学院"), dt.date(2019, 12, 20))
    gd = User.objects.get(username="demo-gd")
    rows = coordination_selectors.overdue_working_body_filings(actor=Actor.for_user(gd))
    assert [r.school.name for r in rows] == [OVERDUE_SCHOOL]
    client.force_login(gd)
    page = client.get(reverse("pilots:working_body_list")).content.decode()
    assert OVERDUE_SCHOOL in page
    client.force_login(User.objects.get(username="demo-school"))
    detail = client.get(
        reverse("pilots:school_detail", args=[School.objects.get(name="广州番禺职业技术学院").pk])
    ).content.decode()
    assert "已按时报备" in detail and "林老师" in detail
