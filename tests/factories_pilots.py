"""Builders of the pilots test world: schools' specialties, applications taken along the R32
chain, working-body filings (R33), and the pilots fixtures ``tests/conftest.py`` shares
(``profiles``, ``shanxi``, ``publish``; registered by their explicit ``name=``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onex.catalog.models import Batch, Certificate
from onex.core.actors import Actor
from onex.core.management.commands.seed_policy_profiles import seed_policy_profiles
from onex.core.models import Role, UnitKind
from onex.pilots.models import (
    PilotApplication,
    School,
    SchoolWorkingBody,
    Specialty,
    SpecialtyEnrolment,
)
from onex.pilots.selectors import conditions
from onex.pilots.selectors import coordination as coordination_selectors
from onex.pilots.services import applications as application_services
from onex.pilots.services import coordination as coordination_services
from tests.personas import Persona, Personas, make_school, make_unit, make_user

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name: str = "租赁协议.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def batch() -> Batch:
    found, _created = Batch.objects.get_or_create(
        number=2, defaults={"published_on": dt.date(2019, 9, 11)}
    )
    return found


def certificate(
    personas: Personas, code: str = "2-06", name: str = "智能财税", field: str = "财经商贸"
) -> Certificate:
    found, _created = Certificate.objects.get_or_create(
        code=code,
        defaults={"name": name, "org": personas.org_obj, "batch": batch(), "field": field},
    )
    return found


def recent_years(count: int = 3) -> list[int]:
    return conditions.enrolment_years(on=timezone.localdate(), count=count)


def specialty(
    school: School,
    code: str = "530302",
    name: str = "大数据与财务管理",
    years: list[int] | None = None,
    students: int = 45,
) -> Specialty:
    found, _created = Specialty.objects.get_or_create(
        school=school, code=code, defaults={"name": name}
    )
    for year in recent_years() if years is None else years:
        SpecialtyEnrolment.objects.get_or_create(
            specialty=found, year=year, defaults={"students": students}
        )
    return found


GOOD = application_services.ApplicationInput(
    full_time_teachers=12,
    team_size=10,
    dual_qualified_teachers=6,
    industry_experts=3,
    facility_kind="rented",
    facility_description="与本地企业共建财税实训中心，租用 200 平方米实训室。",
    has_training_rooms=True,
    has_internship_sites=True,
    work_plan="按证书标准开展中级培训，每年两期。",
    planned_students=60,
    contact_name="王老师",
    contact_phone="020-12345678",
)


def good(**changes: Any) -> application_services.ApplicationInput:
    return replace(GOOD, **changes)


def draft(
    persona: Persona,
    school: School,
    personas: Personas,
    data: application_services.ApplicationInput | None = None,
    cert: Certificate | None = None,
    spec: Specialty | None = None,
) -> PilotApplication:
    return application_services.application_create(
        actor=persona.actor,
        school=school,
        certificate=cert or certificate(personas),
        specialty=spec or specialty(school),
        data=data or GOOD,
    )


@dataclass
class Shanxi:
    province: Persona
    city: Persona
    other_city: Persona
    school_obj: School
    school: Persona


@pytest.fixture(name="profiles")
def profiles_fixture(db: None) -> None:
    """The shipped province overrides: Hubei's R43 conditions, Shanxi's city first review."""
    seed_policy_profiles()


@pytest.fixture(name="shanxi")
def shanxi_fixture(personas: Personas, profiles: None) -> Shanxi:
    province = make_user(
        "sx-admin", make_unit(UnitKind.PROVINCE, "山西省教育厅", province="140000")
    )
    city = make_user(
        "ty-city",
        make_unit(UnitKind.CITY, "太原市教育局", province="140000", city="140100"),
        Role.STAFF,
    )
    other_city = make_user(
        "dt-city",
        make_unit(UnitKind.CITY, "大同市教育局", province="140000", city="140200"),
        Role.STAFF,
    )
    school_obj = make_school("山西职业技术学院", "4114090001", "140000", "140100")
    return Shanxi(province, city, other_city, school_obj, make_user("sx-school", school_obj.unit))


def submitted(
    personas: Personas, persona: Persona, school: School, **kwargs: Any
) -> PilotApplication:
    """A draft the school has submitted (what reviewers may see)."""
    application = draft(persona, school, personas, **kwargs)
    return application_services.application_submit(actor=persona.actor, application=application)


def confirmed(
    personas: Personas, persona: Persona, school: School, province: Persona, **kwargs: Any
) -> PilotApplication:
    """A draft taken through submission and the province's confirmation."""
    application = draft(persona, school, personas, **kwargs)
    application = application_services.application_submit(
        actor=persona.actor, application=application
    )
    return application_services.application_confirm(actor=province.actor, application=application)


def system() -> Actor:
    return Actor.system()


# --- schools: working bodies (R33) --------------------------------------------------

WORKING_BODY: dict[str, str] = {
    "body_name": "1+X证书制度试点工作领导小组",
    "leader_name": "王校长",
    "leader_title": "党委副书记、校长",
    "contact_name": "李老师",
    "contact_title": "教务处副处长",
    "contact_phone": "020-34832345",
    "contact_mobile": "13800138000",
    "contact_email": "1x@example.edu.cn",
}


def file_working_body(actor: Actor, school: School, **overrides: str) -> SchoolWorkingBody:
    return coordination_services.working_body_file(
        actor=actor, school=school, **{**WORKING_BODY, **overrides}
    )


PublishFn = Callable[[School, dt.date], None]


@pytest.fixture(name="publish")
def publish_fixture(monkeypatch: pytest.MonkeyPatch) -> PublishFn:
    """Mark schools as published on a list on a date, whatever the applications module does."""
    dates: dict[int, dt.date] = {}

    def fake(schools: Any) -> dict[int, dt.date]:
        return {s.pk: dates[s.pk] for s in schools if s.pk in dates}

    monkeypatch.setattr(coordination_selectors, "first_published_dates", fake)

    def mark(school: School, day: dt.date) -> None:
        dates[school.pk] = day

    return mark
