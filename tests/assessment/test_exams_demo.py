"""The exams demo: a plan in each state, registrations, results, an objection; idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from onex.assessment.models import (
    Candidate,
    ExamPlan,
    Objection,
    PlanStatus,
    Registration,
)
from onex.core.models import AuditEvent, Unit, UnitKind

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Candidate, ExamPlan, Registration, Objection, AuditEvent)
    }


def test_demo_builds_every_plan_state_and_runs_twice_without_changes() -> None:
    err = StringIO()
    call_command("demo_data", stdout=StringIO(), stderr=err)
    assert "exams demo" not in err.getvalue(), err.getvalue()
    assert set(ExamPlan.objects.values_list("status", flat=True)) >= set(PlanStatus.values)
    closed = ExamPlan.objects.get(status=PlanStatus.CLOSED, note="演示数据")
    results = set(closed.registrations.values_list("passed", flat=True))
    assert results == {True, False}
    assert Objection.objects.filter(status="submitted").count() == 1
    learner = Unit.objects.get(kind=UnitKind.LEARNER, name="李明（演示学习者）")
    linked = Candidate.objects.get(learner_unit=learner)
    assert linked.registrations.filter(plan__status=PlanStatus.SCORE_PUBLICITY).exists()
    first = counts()
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    assert counts() == first
