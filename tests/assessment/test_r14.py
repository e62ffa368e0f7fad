"""R14: every pilot student takes at least one exam; the report lists those who have not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onex.assessment.selectors import exams as exam_selectors
from onex.assessment.services import exams as exam_services
from onex.assessment.services import students as student_services
from onex.core.actors import Actor
from onex.core.errors import Forbidden
from onex.pilots.models.applications import PilotApplication
from tests.factories_assessment import Exams, confirm_pilot, make_id

pytestmark = pytest.mark.django_db


def _hb_student(ex: Exams) -> None:
    confirm_pilot(ex.p.hb_school_obj, ex.certificate, ex.hb_specialty)
    student_services.student_upsert(
        actor=Actor.system(),
        school=ex.p.hb_school_obj,
        name="湖北学生",
        id_type="resident",
        id_number=make_id(500),
        gender="male",
        specialty=ex.hb_specialty,
    )


def test_r14_student_with_an_exam_taken_leaves_the_report(ex: Exams) -> None:
    took, registered_only, none = ex.student("甲"), ex.student("乙"), ex.student("丙")
    taken_plan = ex.plan()
    ex.register(taken_plan, took)
    pending_plan = ex.plan()
    ex.register(pending_plan, registered_only)
    taken_plan = ex.to_scoring(taken_plan)  # exam held for 甲 only
    year = taken_plan.exam_date.year
    report = exam_selectors.r14_report(actor=ex.p.gd_school.actor, year=year)
    assert {c.name for c in report.students} == {registered_only.name, none.name}
    assert report.total == 2
    [school_row] = report.by_school
    assert (school_row.students, school_row.without_exam) == (3, 2)
    assert took not in set(report.students)


def test_r14_withdrawn_registration_does_not_count_as_exam(ex: Exams) -> None:
    student = ex.student()
    plan = ex.plan()
    [reg] = ex.register(plan, student)
    exam_services.registration_withdraw(actor=ex.p.gd_school.actor, registration=reg)
    ex.register(plan, ex.student())
    plan = ex.to_scoring(plan)
    report = exam_selectors.r14_report(actor=ex.p.gd_school.actor, year=plan.exam_date.year)
    assert student in set(report.students)


def test_r14_exam_of_another_year_does_not_count(ex: Exams) -> None:
    student = ex.student()
    plan = ex.plan()
    ex.register(plan, student)
    ex.to_scoring(plan)
    report = exam_selectors.r14_report(actor=ex.p.gd.actor, year=plan.exam_date.year + 1)
    assert student in set(report.students)


def test_r14_report_is_scoped_and_grouped(ex: Exams) -> None:
    ex.student()
    _hb_student(ex)
    province = exam_selectors.r14_report(actor=ex.p.gd.actor)
    assert [r.label for r in province.by_province] == ["广东省"]
    assert [r.label for r in province.by_city] == ["广州市"]
    national = exam_selectors.r14_report(actor=ex.p.ministry.actor)
    assert {r.label for r in national.by_province} == {"广东省", "湖北省"}
    assert national.total == 2
    city = exam_selectors.r14_report(actor=ex.p.gz_city.actor)
    assert city.total == 1


def test_r14_members_of_the_public_are_not_pilot_students(ex: Exams) -> None:
    plan = ex.plan()
    exam_services.registration_register_self(
        actor=ex.p.learner.actor,
        plan=plan,
        name="张三",
        id_type="resident",
        id_number=make_id(900),
        gender="male",
    )
    report = exam_selectors.r14_report(actor=ex.p.ministry.actor)
    assert report.total == 0


def test_r14_report_is_refused_to_orgs_and_learners(ex: Exams) -> None:
    for persona in (ex.p.org, ex.p.learner):
        with pytest.raises(Forbidden):
            exam_selectors.r14_report(actor=persona.actor)


def _confirmed_on(ex: Exams, day: dt.date) -> None:
    PilotApplication.objects.filter(school=ex.p.gd_school_obj).update(
        decided_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)
    )


def test_r14_students_of_unconfirmed_specialties_are_not_pilot_students(ex: Exams) -> None:
    pilot = ex.student("试点")
    other = ex.student("非试点", specialty=ex.other_specialty)
    report = exam_selectors.r14_report(actor=ex.p.gd_school.actor)
    assert set(report.students) == {pilot}
    assert other not in set(report.students)
    assert [(r.students, r.without_exam) for r in report.by_school] == [(1, 1)]


def test_r14_counts_over_the_pilot_period_not_the_calendar_year(ex: Exams) -> None:
    student = ex.student()
    plan = ex.plan()
    ex.register(plan, student)
    plan = ex.to_scoring(plan)
    last_year = timezone.localdate().year - 1
    # The exam took place last year, within the pilot period (confirmed two years ago).
    _confirmed_on(ex, dt.date(last_year - 1, 6, 1))
    ex.age(plan, (plan.exam_date - dt.date(last_year, 12, 1)).days)
    assert student not in set(exam_selectors.r14_report(actor=ex.p.gd_school.actor).students)
    # The year stays an optional narrowing: this year, the student has not taken an exam yet.
    narrowed = exam_selectors.r14_report(actor=ex.p.gd_school.actor, year=last_year + 1)
    assert student in set(narrowed.students)


def test_r14_an_exam_before_the_pilot_was_confirmed_does_not_count(ex: Exams) -> None:
    student = ex.student()
    plan = ex.plan()
    ex.register(plan, student)
    plan = ex.to_scoring(plan)
    _confirmed_on(ex, timezone.localdate())  # confirmed after the exam day
    assert student in set(exam_selectors.r14_report(actor=ex.p.gd_school.actor).students)


def test_r14_year_before_the_pilot_was_confirmed_has_no_pilot_students(ex: Exams) -> None:
    ex.student()
    _confirmed_on(ex, timezone.localdate())
    report = exam_selectors.r14_report(actor=ex.p.gd.actor, year=timezone.localdate().year - 1)
    assert report.total == 0 and report.by_school == []
