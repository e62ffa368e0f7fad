"""Helpers for the sites and fees tests: a certificate with ceilings, an org that may act in
Guangdong, published site conditions. Plain functions (not fixtures) so this module does not
collide with the exams tests' conftest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from onex.assessment import sites
from onex.assessment.models import SiteApplication, SiteCondition
from onex.catalog.models import Batch, Certificate, Level
from onex.catalog.services import (
    agreement_sign,
    batch_create,
    certificate_create,
    certificate_level_set,
    filing_accept,
    filing_create,
    filing_submit,
)
from onex.core.actors import Actor
from onex.pilots.models import School
from tests.catalog.conftest import filing_input, letter
from tests.personas import Personas, division

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def use_tmp_media(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    p: Personas
    batch: Batch
    certificate: Certificate

    def sign_agreement(self) -> None:
        agreement_sign(
            actor=self.p.ministry.actor,
            org=self.p.org_obj,
            signed_on=dt.date(2019, 10, 1),
            counterparty="教育部职业技术教育中心研究所",
        )

    def accept_filing(self, province: str = "440000", reviewer: Actor | None = None) -> None:
        filing = filing_create(
            actor=self.p.org.actor,
            org=self.p.org_obj,
            province=division(province),
            certificate=self.certificate,
            data=filing_input(),
            letter=letter(),
        )
        filing_submit(actor=self.p.org.actor, filing=filing)
        filing_accept(actor=reviewer or self.p.gd.actor, filing=filing)

    def publish_conditions(self, rooms: int = 2, seats: int = 30) -> SiteCondition:
        return sites.condition_publish(
            actor=self.p.org.actor,
            certificate=self.certificate,
            rooms=rooms,
            seats=seats,
            equipment=[
                {"function": "计算机", "spec": "四核处理器，8GB 内存", "quantity": 30},
                {"function": "仓储实训货架", "spec": "承重 500kg", "quantity": 4},
            ],
        )

    def apply(
        self, school: School | None = None, seats: int = 40, rooms: int = 2
    ) -> SiteApplication:
        school = school or self.p.gd_school_obj
        persona = self.p.gd_school if school == self.p.gd_school_obj else self.p.hb_school
        return sites.site_application_submit(
            actor=persona.actor,
            school=school,
            certificate=self.certificate,
            data=sites.SiteInput(
                levels=[Level.JUNIOR, Level.INTERMEDIATE],
                address="广州市番禺区市良路 1342 号 实训楼 3 层",
                seats=seats,
                rooms=rooms,
            ),
        )


def build_world(p: Personas, *, ready: bool = True) -> World:
    """With ``ready``: agreement signed, Guangdong filing accepted, conditions published."""
    ministry = p.ministry.actor
    batch = batch_create(actor=ministry, number=2, published_on=dt.date(2019, 9, 11))
    certificate = certificate_create(
        actor=ministry,
        code="C2-01",
        name="物流管理",
        org=p.org_obj,
        batch=batch,
        position=1,
        field="物流",
        specialties=["物流管理"],
    )
    for level, ceiling in ((Level.JUNIOR, "300"), (Level.INTERMEDIATE, "400.50")):
        certificate_level_set(
            actor=ministry, certificate=certificate, level=level, cost_ceiling=ceiling
        )
    world = World(p=p, batch=batch, certificate=certificate)
    if ready:
        world.sign_agreement()
        world.accept_filing()
        world.publish_conditions()
    return world
