"""The exams demo: a plan in each state, registrations, results, an objection; idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from onex.assessment.exam_demo import PLANS
from onex.assessment.models import (
    Candidate,
    ExamPlan,
    Objection,
    PlanStatus,
    Registration,
)
from onex.assessment.selectors.exams import r14_report
from onex.core.actors import Actor
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


SEASON_MONTHS = {"春季": (3, 4, 5), "夏季": (6, 7, 8), "秋季": (9, 10, 11), "冬季": (12, 1, 2)}


def test_demo_dates_agree_with_titles_and_school_years() -> None:
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    plans = list(ExamPlan.objects.filter(note="演示数据").order_by("exam_date", "pk"))
    assert len(plans) == len(PlanStatus.values)
    for plan in plans:  # issue 26: no "autumn exam in January"
        for season, months in SEASON_MONTHS.items():
            assert season not in plan.title or plan.exam_date.month in months, plan.title
        assert plan.registration_opens <= plan.registration_closes < plan.exam_date
        if plan.publicity_starts_on is not None:
            assert plan.exam_date <= plan.publicity_starts_on
    # Sittings are numbered in the order they take place, the draft last.
    assert [p.title for p in plans] == [title for title, *_rest in PLANS]
    assert plans[-1].status == PlanStatus.DRAFT
    this_year = timezone.localdate().year
    grades = set(Candidate.objects.exclude(grade="").values_list("grade", flat=True))
    assert grades and all(this_year - 3 <= int(g.rstrip("级")) <= this_year for g in grades)


def test_demo_closed_plan_counts_for_r14() -> None:
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    closed = ExamPlan.objects.get(status=PlanStatus.CLOSED, note="演示数据")
    report = r14_report(actor=Actor.system())
    examined = {r.candidate_id for r in closed.registrations.all()}
    assert examined and not examined & {c.pk for c in report.students}
