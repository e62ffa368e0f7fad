"""The fee version's declared table (R13, R30): the page and the API offer exactly its moves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onex.assessment.models import FeeVersion
from onex.assessment.services import fees as fee_services
from onex.assessment.workflows import FEE_VERSION
from onex.catalog.models import Level
from onex.catalog.services.certificates import certificate_level_set
from tests.factories_assessment_sites import build_world
from tests.personas import Personas, division
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _propose(personas: Personas, certificate: object, amount: str) -> FeeVersion:
    return fee_services.fee_propose(
        actor=personas.org.actor,
        province=division("440000"),
        certificate=certificate,  # type: ignore[arg-type]
        level=Level.JUNIOR,
        amount=amount,
    )


def _same(version: FeeVersion, personas: Personas) -> dict[str, set[str]]:
    # The page is the standard's: its buttons are the moves of the version waiting there.
    return assert_same_moves(
        workflow=FEE_VERSION,
        obj=version,
        personas=personas,
        api_url=f"/api/v1/assessment/fee-versions/{version.pk}",
        page_url=reverse("assessment:fee_detail", args=[version.standard_id]),
    )


def test_r30_pending_version_offers_the_province_its_decision_and_the_org_withdrawal(
    personas: Personas,
) -> None:
    world = build_world(personas)
    version = _propose(personas, world.certificate, "260")
    seen = _same(version, personas)
    assert seen["gd"] == {"approve", "return"}
    assert seen["org"] == {"withdraw"}
    assert all(not moves for name, moves in seen.items() if name not in ("gd", "org"))


def test_r13_re_approval_after_a_lowered_ceiling_runs_through_the_table(
    personas: Personas,
) -> None:
    world = build_world(personas)
    first = _propose(personas, world.certificate, "280")
    fee_services.fee_approve(actor=personas.gd.actor, version=first)
    certificate_level_set(
        actor=personas.ministry.actor,
        certificate=world.certificate,
        level=Level.JUNIOR,
        cost_ceiling="250",
    )
    again = _propose(personas, world.certificate, "240")
    assert _same(again, personas)["gd"] == {"approve", "return"}
    approved = fee_services.fee_approve(actor=personas.gd.actor, version=again)
    first.refresh_from_db()
    assert first.status == "superseded" and approved.status == "approved"
    event = approved.events.get(action="approve")
    assert event.old_amount == first.amount and event.new_amount == approved.amount
    assert all(not moves for moves in _same(approved, personas).values())
