"""Builders for the assessment sites and fees tests: a certificate with ceilings, an org that
may act in Guangdong, published site conditions. Test modules import the ``world`` fixture
(``world_fixture``) from here: one definition, no per-module copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from onex.assessment.models import SiteApplication, SiteCondition
from onex.assessment.services import sites as site_services
from onex.catalog.models import Batch, Certificate, Level
from onex.core.actors import Actor
from onex.pilots.models import School
from tests.factories import accept_filing, logistics_certificate, sign_agreement
from tests.personas import Personas


@dataclass
class World:
    p: Personas
    batch: Batch
    certificate: Certificate

    def sign_agreement(self) -> None:
        sign_agreement(self.p)

    def accept_filing(self, province: str = "440000", reviewer: Actor | None = None) -> None:
        accept_filing(self.p, self.certificate, province, reviewer or self.p.gd.actor)

    def publish_conditions(self, rooms: int = 2, seats: int = 30) -> SiteCondition:
        return site_services.condition_publish(
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
        return site_services.site_application_submit(
            actor=persona.actor,
            school=school,
            certificate=self.certificate,
            data=site_services.SiteInput(
                levels=[Level.JUNIOR, Level.INTERMEDIATE],
                address="广州市番禺区市良路 1342 号 实训楼 3 层",
                seats=seats,
                rooms=rooms,
            ),
        )


def build_world(p: Personas, *, ready: bool = True) -> World:
    """With ``ready``: agreement signed, Guangdong filing accepted, conditions published."""
    batch, certificate = logistics_certificate(p, ceilings=["300", "400.50"])
    world = World(p=p, batch=batch, certificate=certificate)
    if ready:
        world.sign_agreement()
        world.accept_filing()
        world.publish_conditions()
    return world


@pytest.fixture(name="world")
def world_fixture(personas: Personas) -> World:
    """A ready world: agreement signed, Guangdong filing accepted, conditions published."""
    return build_world(personas)
