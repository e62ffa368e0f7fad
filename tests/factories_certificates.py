"""Builders for certificate tests: a catalogue certificate its org may issue, and outsiders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.test import Client
from stdnum.cn import ric

from onex.catalog.models import Batch, Certificate, Level, Org
from onex.certificates.models import IssuedCertificate
from onex.certificates.services.issue import certificate_enter
from onex.core.actors import Actor
from onex.core.models import Role, UnitKind
from tests.factories import accept_filing, logistics_certificate, sign_agreement
from tests.personas import Persona, Personas, division, make_org, make_unit, make_user


def resident_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


ID_A = resident_id("44010619980301001")
ID_B = resident_id("42010219990715002")


@dataclass
class World:
    p: Personas
    batch: Batch
    certificate: Certificate
    other_org: Org
    other_org_user: Persona
    org_viewer: Persona

    def enter(
        self,
        *,
        name: str = "王小明",
        id_number: str = ID_A,
        issued_on: dt.date = dt.date(2020, 6, 1),
        entered_on: dt.date | None = dt.date(2020, 6, 3),
        level: str = Level.INTERMEDIATE,
        province: str = "440000",
        actor: Actor | None = None,
        holder_unit: Any = None,
        school: Any = None,
    ) -> IssuedCertificate:
        return certificate_enter(
            actor=actor or self.p.org.actor,
            certificate=self.certificate,
            level=level,
            province=division(province),
            holder_name=name,
            id_type="resident",
            id_number=id_number,
            issued_on=issued_on,
            entered_on=entered_on,
            holder_unit=holder_unit,
            school=school,
        )


def build_world(personas: Personas) -> World:
    batch, certificate = logistics_certificate(personas)
    sign_agreement(personas)
    accept_filing(personas, certificate)
    other_org = make_org("北京博导前程信息技术股份有限公司", "91110108MA0000000A")
    other_org_user = make_user("other-org", other_org.unit)
    org_viewer = make_user("org-viewer", personas.org_obj.unit, Role.VIEWER)
    return World(
        p=personas,
        batch=batch,
        certificate=certificate,
        other_org=other_org,
        other_org_user=other_org_user,
        org_viewer=org_viewer,
    )


def client_for(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def second_learner() -> Persona:
    return make_user("learner-2", make_unit(UnitKind.LEARNER, "李四"), Role.STAFF)
