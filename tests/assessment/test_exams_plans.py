"""Exam plans: creation by the org (R18, R38), the state machine and its date checks, scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from onex.assessment.models import AssessmentPlan, ExamPlan, PlanEvent, PlanStatus
from onex.assessment.selectors import exams as exam_selectors
from onex.assessment.services import exams as exam_services
from onex.catalog.models import Level, OrgAgreement
from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from onex.core.models import AuditEvent
from tests.factories_assessment import Exams
from tests.personas import division, make_org, make_user

pytestmark = pytest.mark.django_db


def test_org_creates_a_draft_plan_with_history_and_audit(ex: Exams) -> None:
    plan = ex.plan(open_=False)
    assert plan.status == PlanStatus.DRAFT
    assert plan.org == ex.p.org_obj
    assert plan.theory_pass == Decimal("60") and plan.practical_pass == Decimal("60")
    assert PlanEvent.objects.filter(plan=plan, action="create").exists()
    assert AuditEvent.objects.filter(
        action="assessment.plan_create", target_id=str(plan.pk)
    ).exists()


def test_plan_takes_pass_marks_from_the_published_assessment_plan(ex: Exams) -> None:
    now = timezone.now()
    AssessmentPlan.objects.create(
        org=ex.p.org_obj,
        certificate=ex.certificate,
        exam_format="mixed",
        duration_minutes=120,
        theory_weight=Decimal("40"),
        practical_weight=Decimal("60"),
        theory_pass=Decimal("55"),
        practical_pass=Decimal("65"),
        mock_platform_url="https://mock.example.com/",
        published_at=now,
        updated_at=now,
    )
    plan = ex.plan(open_=False)
    assert (plan.theory_pass, plan.practical_pass) == (Decimal("55"), Decimal("65"))


def test_plan_without_agreement_is_refused_r18(ex: Exams) -> None:
    OrgAgreement.objects.filter(org=ex.p.org_obj).update(terminated_on=dt.date(2020, 1, 1))
    with pytest.raises(RuleViolation) as info:
        ex.plan(open_=False)
    assert info.value.rule_id == "R18"
    assert not ExamPlan.objects.exists()


def test_plan_in_province_without_filing_is_refused_r38(ex: Exams) -> None:
    with pytest.raises(RuleViolation) as info:
        ex.plan(open_=False, province=division("420000"))
    assert info.value.rule_id == "R38"


def test_org_cannot_plan_another_orgs_certificate(ex: Exams) -> None:
    other = make_org("另一家评价组织", "91110000MA00000017")
    persona = make_user("other-org", other.unit)
    with pytest.raises(Forbidden):
        exam_services.plan_create(
            actor=persona.actor,
            certificate=ex.certificate,
            level=Level.JUNIOR,
            province=division("440000"),
            title="x",
            exam_date=timezone.localdate() + dt.timedelta(days=20),
            start_time=dt.time(9),
            end_time=dt.time(11),
            capacity=10,
            registration_opens=timezone.localdate(),
            registration_closes=timezone.localdate() + dt.timedelta(days=5),
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": 0}, "capacity"),
        (
            {"registration_closes": timezone.localdate() + dt.timedelta(days=25)},
            "registration_closes",
        ),
        (
            {"registration_opens": timezone.localdate() + dt.timedelta(days=11)},
            "registration_opens",
        ),
        ({"end_time": dt.time(8)}, "end_time"),
        ({"theory_pass": Decimal("101")}, "theory_pass"),
        ({"level": Level.SENIOR}, "level"),
    ],
)
def test_bad_plan_input_is_refused_at_the_field(
    ex: Exams, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        ex.plan(open_=False, **overrides)
    assert info.value.field == field
    assert not ExamPlan.objects.exists()


def test_full_state_machine_to_closed(ex: Exams) -> None:
    plan, regs = ex.published()
    org = ex.p.org.actor
    assert plan.publicity_ends_on == plan.publicity_starts_on + dt.timedelta(days=5)  # type: ignore[operator]
    plan = ex.age(plan, 6)
    plan = exam_services.plan_close(actor=org, plan=plan)
    assert plan.status == PlanStatus.CLOSED
    actions = list(PlanEvent.objects.filter(plan=plan).values_list("action", flat=True))
    assert actions == [
        "create",
        "open",
        "close_registration",
        "held",
        "start_scoring",
        "publish",
        "close",
    ]
    assert [r.pk for r in exam_selectors.passed_candidates(plan=plan)] == [regs[0].pk]


def test_publicity_cannot_close_early(ex: Exams) -> None:
    plan, _regs = ex.published()
    with pytest.raises(RuleViolation) as info:
        exam_services.plan_close(actor=ex.p.org.actor, plan=plan)
    assert info.value.rule_id == "R36"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SCORE_PUBLICITY
    assert not exam_selectors.passed_candidates(plan=plan).exists()


def test_publicity_days_come_from_the_province_profile(ex: Exams) -> None:
    from onex.core.models import PolicyScope, PolicyValue

    PolicyValue.objects.create(
        key="r36.score_publicity_days",
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        value=9,
        effective_from=dt.date(2019, 1, 1),
    )
    plan, _regs = ex.published()
    assert plan.publicity_ends_on == plan.publicity_starts_on + dt.timedelta(days=9)  # type: ignore[operator]


def test_registration_cannot_close_before_the_deadline_unless_full(ex: Exams) -> None:
    plan = ex.plan(capacity=1)
    with pytest.raises(Conflict):
        exam_services.plan_close_registration(actor=ex.p.org.actor, plan=plan)
    ex.register(plan, ex.student())
    plan = exam_services.plan_close_registration(actor=ex.p.org.actor, plan=plan)
    assert plan.status == PlanStatus.REGISTRATION_CLOSED


def test_exam_cannot_be_marked_held_before_exam_day(ex: Exams) -> None:
    plan = ex.plan(capacity=1)
    ex.register(plan, ex.student())
    plan = exam_services.plan_close_registration(actor=ex.p.org.actor, plan=plan)
    with pytest.raises(Conflict):
        exam_services.plan_mark_held(actor=ex.p.org.actor, plan=plan)


def test_results_cannot_be_published_with_missing_scores(ex: Exams) -> None:
    plan = ex.plan()
    regs = ex.register(plan, ex.student(), ex.student())
    plan = ex.to_scoring(plan)
    ex.score(regs[0], "70", "70")
    with pytest.raises(Conflict):
        exam_services.plan_publish_results(actor=ex.p.org.actor, plan=plan)


def test_skipping_a_state_is_a_conflict(ex: Exams) -> None:
    plan = ex.plan(open_=False)
    with pytest.raises(Conflict):
        exam_services.plan_start_scoring(actor=ex.p.org.actor, plan=plan)


def test_other_org_gets_404_on_plan(ex: Exams) -> None:
    plan = ex.plan()
    other = make_org("另一家评价组织", "91110000MA00000017")
    persona = make_user("other-org", other.unit)
    with pytest.raises(NotFound):
        exam_selectors.plan_get(actor=persona.actor, pk=plan.pk)


def test_province_sees_plan_but_cannot_drive_it(ex: Exams) -> None:
    plan = ex.plan(open_=False)
    assert exam_selectors.plan_get(actor=ex.p.gd.actor, pk=plan.pk) == plan
    with pytest.raises(Forbidden):
        exam_services.plan_open_registration(actor=ex.p.gd.actor, plan=plan)


def test_hubei_does_not_see_guangdong_plan(ex: Exams) -> None:
    plan = ex.plan()
    with pytest.raises(NotFound):
        exam_selectors.plan_get(actor=ex.p.hb.actor, pk=plan.pk)
    with pytest.raises(NotFound):
        exam_selectors.plan_get(actor=ex.p.hb_school.actor, pk=plan.pk)


def test_schools_do_not_see_draft_plans(ex: Exams) -> None:
    plan = ex.plan(open_=False)
    with pytest.raises(NotFound):
        exam_selectors.plan_get(actor=ex.p.gd_school.actor, pk=plan.pk)


def test_org_viewer_cannot_open_registration(ex: Exams) -> None:
    plan = ex.plan(open_=False)
    viewer = make_user("org-viewer", ex.p.org_obj.unit, "viewer")
    with pytest.raises(Forbidden):
        exam_services.plan_open_registration(actor=viewer.actor, plan=plan)
