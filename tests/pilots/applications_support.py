"""Factories for the pilot application tests (applications, summary table, distribution).

Test modules import the fixtures under their ``*_fixture`` names; pytest registers them by the
explicit ``name=`` so test arguments do not shadow an imported name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onex.catalog.models import Batch, Certificate
from onex.core.actors import Actor
from onex.core.management.commands.seed_policy_profiles import seed_policy_profiles
from onex.core.models import Role, UnitKind
from onex.pilots.models import PilotApplication, School, Specialty, SpecialtyEnrolment
from onex.pilots.selectors import conditions
from onex.pilots.services import applications as application_services
from tests.personas import Persona, Personas, make_school, make_unit, make_user

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True, name="media_in_tmp")
def media_in_tmp_fixture(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


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
