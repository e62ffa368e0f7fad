"""The exam plan's declared table: the page and the API offer exactly its moves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onex.assessment.models import ExamPlan, PlanStatus
from onex.assessment.selectors import exam_moves as exam_moves
from onex.assessment.workflows import PLAN
from onex.core.workflows import registered
from tests.factories_assessment import Exams
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _same(plan: ExamPlan, ex: Exams) -> dict[str, set[str]]:
    return assert_same_moves(
        workflow=PLAN,
        obj=plan,
        personas=ex.p,
        api_url=f"/api/v1/assessment/exams/plans/{plan.pk}",
        page_url=reverse("assessment:exam_plan_detail", args=[plan.pk]),
    )


def test_draft_plan_offers_its_org_to_open_registration(ex: Exams) -> None:
    seen = _same(ex.plan(open_=False), ex)

    assert seen["org"] == {"open"}
    assert all(not moves for name, moves in seen.items() if name != "org")


def test_open_plan_offers_its_org_to_close_registration_only(ex: Exams) -> None:
    seen = _same(ex.plan(), ex)

    # The province and the school see the plan but drive nothing.
    assert seen["org"] == {"close_registration"}
    assert seen["gd"] == set() and seen["gd_school"] == set()


def test_plan_moves_follow_the_state_machine(ex: Exams) -> None:
    plan = ex.plan()
    assert exam_moves.plan_moves(actor=ex.p.org.actor, plan=plan) == ["close_registration"]
    plan.status = PlanStatus.EXAM_HELD
    assert exam_moves.plan_moves(actor=ex.p.org.actor, plan=plan) == ["start_scoring"]


def test_the_plan_workflow_is_registered() -> None:
    assert PLAN in list(registered())
    states = set(PlanStatus.values)
    for move in PLAN.moves:
        assert set(move.sources) <= states and set(move.possible_targets()) <= states
