"""Builders for the training tests: the demo org's certificate with its agreement and an
accepted Guangdong filing (R18, R38), teachers of the Guangdong school, a second Guangdong
school user, a licensed publisher, and helpers that run the services as in production."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from onex.catalog.models import Certificate
from onex.core.models import Role
from onex.training.models import (
    ActivityFiling,
    ActivityKind,
    Enrolment,
    LicensedPublisher,
    Teacher,
    TrainingProgramme,
)
from onex.training.services import activities, programmes, resources, staff
from tests.factories import accept_filing, logistics_certificate, sign_agreement
from tests.personas import Persona, Personas, division, make_user

TODAY = dt.date(2026, 12, 1)  # a Tuesday
TERM = "2026-2027-1"
ISBN = "9787040500004"


@dataclass
class World:
    p: Personas
    certificate: Certificate
    sz_school: Persona
    publisher: LicensedPublisher
    teachers: list[Teacher]

    def activity(self, **overrides: Any) -> ActivityFiling:
        values: dict[str, Any] = {
            "kind": ActivityKind.PROMOTION,
            "title": "物流管理标准宣贯会",
            "starts_on": dt.date(2026, 12, 28),
            "ends_on": dt.date(2026, 12, 29),
            "venue": "广州",
            "schools": [self.p.gd_school_obj],
        }
        today = overrides.pop("today", TODAY)
        values.update(overrides)
        return activities.activity_create(
            actor=self.p.org.actor,
            org=self.p.org_obj,
            province=division("440000"),
            data=activities.ActivityInput(**values),
            today=today,
        )

    def programme(
        self, *, industry: int = 2, others: int = 2, file: bool = True
    ) -> TrainingProgramme:
        actor = self.p.org.actor
        if file:  # R02: the teacher training is filed as an activity first
            self.activity(
                kind=ActivityKind.TEACHER_TRAINING,
                title="物流管理师资培训",
                starts_on=dt.date(2027, 1, 10),
                ends_on=dt.date(2027, 1, 14),
            )
        programme = programmes.programme_create(
            actor=actor,
            org=self.p.org_obj,
            data=programmes.ProgrammeInput(
                certificate=self.certificate,
                province=division("440000"),
                title="物流管理师资培训",
                starts_on=dt.date(2027, 1, 10),
                ends_on=dt.date(2027, 1, 14),
                hours=Decimal("40"),
            ),
        )
        for i in range(industry):
            programmes.trainer_add(
                actor=actor,
                programme=programme,
                name=f"企业专家{i}",
                employer="顺丰",
                from_industry=True,
            )
        for i in range(others):
            programmes.trainer_add(
                actor=actor,
                programme=programme,
                name=f"院校教师{i}",
                employer="职院",
                from_industry=False,
            )
        programmes.fee_item_add(actor=actor, programme=programme, name="培训费", amount="1200")
        return programme

    def open_programme(self) -> TrainingProgramme:
        programme = self.programme()
        programmes.programme_publish(actor=self.p.org.actor, programme=programme)
        return programmes.programme_open(actor=self.p.org.actor, programme=programme)

    def enrolment(self) -> Enrolment:
        programme = self.open_programme()
        return programmes.enrol(
            actor=self.p.gd_school.actor, programme=programme, teacher=self.teachers[0]
        )


def build_world(p: Personas) -> World:
    _batch, certificate = logistics_certificate(p)
    sign_agreement(p)
    accept_filing(p, certificate)
    sz_school = make_user("sz-school", p.sz_school_obj.unit, Role.ADMIN)
    publisher = resources.publisher_create(
        actor=p.ministry.actor, name="高等教育出版社", licence_number="110004"
    )
    teachers = [
        staff.teacher_create(actor=p.gd_school.actor, name=name, department="物流系")
        for name in ("周敏", "吴磊")
    ]
    return World(p, certificate, sz_school, publisher, teachers)


@pytest.fixture(name="world")
def world_fixture(personas: Personas) -> World:
    return build_world(personas)
