"""The joint negotiation's declared table (R45): the page and the API offer exactly its moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from onex.assessment.models import FeeNegotiation
from onex.assessment.services import fees as fee_services
from onex.assessment.workflows import NEGOTIATION
from onex.catalog.models import Level
from tests.factories_assessment_sites import build_world
from tests.personas import Personas
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _same(negotiation: FeeNegotiation, personas: Personas) -> dict[str, set[str]]:
    return assert_same_moves(
        workflow=NEGOTIATION,
        obj=negotiation,
        personas=personas,
        api_url=f"/api/v1/assessment/fee-negotiations/{negotiation.pk}",
        page_url=reverse("assessment:negotiation_detail", args=[negotiation.pk]),
    )


def test_r45_proposed_negotiation_offers_the_org_alone_its_decision(personas: Personas) -> None:
    world = build_world(personas)
    negotiation = fee_services.negotiation_record(
        actor=personas.gd_school.actor,
        certificate=world.certificate,
        level=Level.JUNIOR,
        schools=[personas.gd_school_obj, personas.sz_school_obj],
        agreed_fee="150",
        negotiated_on=dt.date(2020, 6, 1),
    )

    seen = _same(negotiation, personas)

    assert seen["org"] == {"agree", "decline"}
    assert all(not moves for name, moves in seen.items() if name != "org")

    fee_services.negotiation_agree(actor=personas.org.actor, negotiation=negotiation)
    seen = _same(negotiation, personas)
    assert all(not moves for moves in seen.values())
