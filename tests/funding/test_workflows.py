"""The allocation (R41) and settlement (R29) tables: the page and the API offer exactly their
moves, for every persona."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from onex.funding.services import funds as fund_services
from onex.funding.services import settlements as settlement_services
from onex.funding.workflows import ALLOCATION, SETTLEMENT
from tests.factories_assessment import FEE, Exams
from tests.factories_funding import allocate, held_exam
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def test_r41_allocation_moves_are_the_same_in_table_api_and_page(ex: Exams) -> None:
    p = ex.p
    allocation = allocate(p)

    def same() -> dict[str, set[str]]:
        return assert_same_moves(
            workflow=ALLOCATION,
            obj=allocation,
            personas=p,
            api_url=f"/api/v1/funding/allocations/{allocation.pk}",
            page_url=reverse("funding:allocation_detail", args=[allocation.pk]),
        )

    seen = same()
    assert seen["gd"] == {"mark_for_recovery"} and seen["ministry"] == {"mark_for_recovery"}
    assert seen["gd_school"] == set() and seen["hb"] == set() and seen["gd_viewer"] == set()
    fund_services.allocation_mark_for_recovery(actor=p.gd.actor, allocation=allocation, reason="x")
    assert same()["gd"] == {"recover", "restore"}


def test_r29_settlement_moves_are_the_same_in_table_api_and_page(ex: Exams) -> None:
    p = ex.p
    plan = held_exam(ex, 1)
    settlement = settlement_services.settlement_record(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        plan=plan,
        amount=FEE,
        settled_on=timezone.localdate(),
    )

    def same() -> dict[str, set[str]]:
        return assert_same_moves(
            workflow=SETTLEMENT,
            obj=settlement,
            personas=p,
            api_url=f"/api/v1/funding/settlements/{settlement.pk}",
            page_url=reverse("funding:settlement_detail", args=[settlement.pk]),
        )

    seen = same()
    assert seen["org"] == {"confirm", "dispute"}
    assert all(not moves for name, moves in seen.items() if name != "org")
    settlement_services.settlement_dispute(actor=p.org.actor, settlement=settlement, reason="x")
    seen = same()
    assert seen["gd_school"] == {"resubmit"} and seen["org"] == set()
