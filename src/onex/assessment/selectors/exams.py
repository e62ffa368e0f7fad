"""Students, exam plans, registrations, results and the R14 report: scoped reads.

Other apps call ``passed_candidates`` (certificates issue), ``result_for_public_query`` (the
public result query) and the selectors here, never the models. R14: ``r14_report``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import (
    EXAM_TAKEN_STATUSES,
    Candidate,
    ExamPlan,
    Objection,
    ObjectionStatus,
    PlanStatus,
    Registration,
    RegistrationStatus,
)
from onex.catalog.models import LEVEL_ORDER, Certificate, Level
from onex.core.actors import Actor
from onex.core.errors import InvalidInput
from onex.core.models import UnitKind
from onex.core.personal import (
    id_hash_candidates,
)
from onex.core.policy import ProfileEntry, policy_entry, policy_value
from onex.core.scoping import fetch
from onex.pilots.models import School, Specialty
from onex.pilots.models.applications import CONFIRMED_STATUSES, PilotApplication
from onex.pilots.selectors.applications import confirmed_pilot_exists
from onex.pilots.selectors.schools import school_of

SCORE_MAX = Decimal("100")


PUBLICITY_KEY = "r36.score_publicity_days"


LEVEL_DIGITS = {Level.JUNIOR: "1", Level.INTERMEDIATE: "2", Level.SENIOR: "3"}


_CODE_CLEAN = re.compile(r"[^0-9A-Z]")


def _today() -> dt.date:
    return timezone.localdate()


def candidate_scope(*, actor: Actor) -> QuerySet[Candidate]:
    """A school its students, a province/city its schools' students, a learner itself."""
    q = actor.region_q(
        province="province",
        city="city",
        unit="school__unit",
        extra=[(UnitKind.LEARNER, Q(learner_unit=actor.unit_id))],
    )
    if actor.kind == UnitKind.ORG:
        q = Q(pk__in=[])  # orgs see candidates through their plans' registrations only
    return Candidate.objects.filter(q).select_related("school", "specialty")


def candidate_list(
    *,
    actor: Actor,
    q: str | None = None,
    school: int | str | None = None,
    grade: str | None = None,
    specialty: int | str | None = None,
    pilot_only: bool = False,
) -> QuerySet[Candidate]:
    qs = candidate_scope(actor=actor)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    if school not in (None, ""):
        qs = qs.filter(school_id=school)
    if grade:
        qs = qs.filter(grade=grade)
    if specialty not in (None, ""):
        qs = qs.filter(specialty_id=specialty)
    if pilot_only:
        qs = qs.filter(school__isnull=False)
    return qs.order_by("school__name", "grade", "name", "pk")


def candidate_get(*, actor: Actor, pk: int | str) -> Candidate:
    return fetch(candidate_scope(actor=actor), pk=pk)


def plan_scope(*, actor: Actor) -> QuerySet[ExamPlan]:
    """National all; province its province's plans; org its own plans; city, school and
    learners the published (non-draft) plans they may register for."""
    published = ~Q(status=PlanStatus.DRAFT)
    extra = [
        (UnitKind.ORG, Q(org__unit=actor.unit_id)),
        (UnitKind.CITY, Q(province=actor.province_id) & published),
        (UnitKind.SCHOOL, Q(province=actor.province_id) & published),
        (UnitKind.LEARNER, published),
    ]
    return ExamPlan.objects.filter(actor.region_q(province="province", extra=extra)).select_related(
        "org", "certificate", "province"
    )


def plan_list(
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    certificate: int | str | None = None,
    province: str | None = None,
) -> QuerySet[ExamPlan]:
    qs = plan_scope(actor=actor)
    if q:
        q = q.strip()
        qs = qs.filter(Q(title__icontains=q) | Q(certificate__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if certificate not in (None, ""):
        qs = qs.filter(certificate_id=certificate)
    if province:
        qs = qs.filter(province__code=province)
    return qs.annotate(
        registered=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        )
    ).order_by("-exam_date", "-pk")


def plan_get(*, actor: Actor, pk: int | str) -> ExamPlan:
    return fetch(plan_scope(actor=actor), pk=pk)


def publicity_entry(plan: ExamPlan) -> ProfileEntry:
    """The R36 publicity length in force for the plan, with where it comes from."""
    return policy_entry(
        PUBLICITY_KEY, province=plan.province, batch_number=plan.certificate.batch.number
    )


def publicity_days(plan: ExamPlan) -> int:
    number = plan.certificate.batch.number
    return int(policy_value(PUBLICITY_KEY, province=plan.province, batch_number=number))


def registration_scope(*, actor: Actor) -> QuerySet[Registration]:
    """Org: its plans'; school: its students'; province: its province's plans and schools;
    city: its schools'; learner: own; national: all."""
    extra = [
        (UnitKind.ORG, Q(plan__org__unit=actor.unit_id)),
        (UnitKind.SCHOOL, Q(school__unit=actor.unit_id)),
        (UnitKind.LEARNER, Q(candidate__learner_unit=actor.unit_id)),
        (UnitKind.PROVINCE, Q(province=actor.province_id) | Q(school__province=actor.province_id)),
        (UnitKind.CITY, Q(school__city=actor.city_id)),
    ]
    return Registration.objects.filter(actor.region_q(extra=extra)).select_related(
        "plan", "plan__certificate", "plan__org", "plan__province", "candidate", "school"
    )


def registration_list(
    *,
    actor: Actor,
    plan: ExamPlan | None = None,
    q: str | None = None,
    status: str | None = None,
    passed: str | None = None,
) -> QuerySet[Registration]:
    qs = registration_scope(actor=actor)
    if plan is not None:
        qs = qs.filter(plan=plan)
    if q:
        q = q.strip()
        qs = qs.filter(Q(candidate__name__icontains=q) | Q(ticket_number__startswith=q))
    if status:
        qs = qs.filter(status=status)
    if passed in ("1", "0"):
        qs = qs.filter(passed=(passed == "1"))
    return qs.order_by("plan_id", "ticket_number")


def registration_get(*, actor: Actor, pk: int | str) -> Registration:
    return fetch(registration_scope(actor=actor), pk=pk)


def _confirmed_pilot_exists(
    *, school: School, certificate: Certificate, level: str, specialty: Specialty | None
) -> bool:
    return bool(
        confirmed_pilot_exists(
            school=school, certificate=certificate, level=level, specialty=specialty
        )
    )


def ticket_prefix(plan: ExamPlan) -> str:
    """Year + 2-digit province code + certificate code + level digit (the serial follows)."""
    code = _CODE_CLEAN.sub("", plan.certificate.code.upper())
    return f"{plan.exam_date.year}{plan.province.code[:2]}{code}{LEVEL_DIGITS[Level(plan.level)]}"


def registerable_students(*, actor: Actor, plan: ExamPlan) -> QuerySet[Candidate]:
    """The school's students not registered in ``plan`` (R44 is checked when registering)."""
    school = school_of(actor)
    if school is None:
        return Candidate.objects.none()
    taken = Registration.objects.filter(
        plan=plan, candidate=OuterRef("pk"), status=RegistrationStatus.REGISTERED
    )
    return (
        candidate_scope(actor=actor)
        .filter(school=school)
        .exclude(Exists(taken))
        .order_by("grade", "name", "pk")
    )


def compute_pass(plan: ExamPlan, theory: Decimal, practical: Decimal) -> bool:
    """The plan's pass rule: each part at or above its pass mark."""
    return theory >= plan.theory_pass and practical >= plan.practical_pass


def objection_list(
    *, actor: Actor, plan: ExamPlan | None = None, status: str | None = None
) -> QuerySet[Objection]:
    regs = registration_scope(actor=actor)
    qs = Objection.objects.filter(registration__in=regs.values("pk")).select_related(
        "registration", "registration__candidate", "registration__plan"
    )
    if plan is not None:
        qs = qs.filter(registration__plan=plan)
    if status:
        qs = qs.filter(status=status)
    return qs


def objection_get(*, actor: Actor, pk: int | str) -> Objection:
    return fetch(objection_list(actor=actor), pk=pk)


def passed_candidates(*, plan: ExamPlan) -> QuerySet[Registration]:
    """Registrations of a CLOSED plan whose result passed: the certificates app issues these."""
    return (
        Registration.objects.filter(
            plan=plan,
            plan__status=PlanStatus.CLOSED,
            status=RegistrationStatus.REGISTERED,
            passed=True,
        )
        .select_related(
            "candidate",
            "candidate__school",
            "plan",
            "plan__certificate",
            "plan__org",
            "plan__province",
            "school",
        )
        .order_by("ticket_number")
    )


def result_for_public_query(
    *, name: str, id_number: str, admission_ticket: str
) -> Registration | None:
    """The public result query (name + ID number + 准考证号), published results only.

    Returns None for any mismatch, without saying which part was wrong.
    """
    ticket = (admission_ticket or "").strip().upper()
    name = (name or "").strip()
    if not ticket or not name:
        return None
    registration = (
        Registration.objects.filter(
            ticket_number=ticket,
            status=RegistrationStatus.REGISTERED,
            plan__status__in=(PlanStatus.SCORE_PUBLICITY, PlanStatus.CLOSED),
            passed__isnull=False,
        )
        .select_related("candidate", "plan", "plan__certificate", "plan__org", "plan__province")
        .first()
    )
    if registration is None or registration.candidate.name != name:
        return None
    candidate = registration.candidate
    try:
        hashes = id_hash_candidates(candidate.id_type, id_number)
    except InvalidInput:
        return None
    return registration if candidate.id_number_hash in hashes else None


@dataclass
class R14Row:
    key: str
    label: str
    students: int
    without_exam: int

    @property
    def share(self) -> str:
        if not self.students:
            return "—"
        return f"{self.without_exam * 100 / self.students:.1f}%"


@dataclass
class R14Report:
    year: int | None  # an optional narrowing to the exams of one calendar year
    students: QuerySet[Candidate]  # the pilot students with no exam taken
    total: int = 0
    by_province: list[R14Row] = field(default_factory=list)
    by_city: list[R14Row] = field(default_factory=list)
    by_school: list[R14Row] = field(default_factory=list)


def _pilot_applications(*, school: Any, specialty: Any) -> QuerySet[PilotApplication]:
    # A pilot is the province's confirmation (or publication) of a school's specialty for a
    # certificate: its students are the pilot students R14 speaks of, nobody else at the school.
    return PilotApplication.objects.filter(
        school=school, specialty=specialty, status__in=CONFIRMED_STATUSES
    )


def _pilot_period_covers(exam_date: Any) -> Q:
    """The pilot period runs from the confirmation or the publication, whichever is on record
    first; an application with neither date (entered before dates were kept) has no start."""
    return (
        Q(decided_at__date__lte=exam_date)
        | Q(published_on__lte=exam_date)
        | Q(decided_at__isnull=True, published_on__isnull=True)
    )


def r14_report(*, actor: Actor, year: int | None = None) -> R14Report:
    """R14: students of confirmed pilot specialties with no exam taken in their pilot period.

    An exam counts when it is for a certificate the student's specialty is a pilot of and took
    place within that pilot's period; ``year`` narrows it to the exams of one calendar year.
    """
    actor.require(
        actor.is_national or actor.kind in (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.SCHOOL),
        _("您无权查看此报表。"),
    )
    in_pilot = _pilot_applications(
        school=OuterRef("candidate__school"), specialty=OuterRef("candidate__specialty")
    ).filter(
        _pilot_period_covers(OuterRef("plan__exam_date")), certificate=OuterRef("plan__certificate")
    )
    took = Registration.objects.filter(
        Exists(in_pilot),
        candidate=OuterRef("pk"),
        status=RegistrationStatus.REGISTERED,
        plan__status__in=EXAM_TAKEN_STATUSES,
    )
    pilots = _pilot_applications(school=OuterRef("school"), specialty=OuterRef("specialty"))
    if year is not None:
        took = took.filter(plan__exam_date__year=year)
        # A pilot confirmed after that year had no period in it.
        pilots = pilots.filter(_pilot_period_covers(dt.date(year, 12, 31)))
    students = candidate_scope(actor=actor).filter(Exists(pilots), school__isnull=False)
    students = students.annotate(took_exam=Exists(took))
    without = (
        students.filter(took_exam=False)
        .select_related("school", "school__province", "school__city", "specialty")
        .order_by("school__province__code", "school__city__code", "school__name", "grade", "name")
    )

    def rows(key: str, label: str) -> list[R14Row]:
        data = (
            students.values(key, label)
            .annotate(
                n=Count("pk"),
                missing=Count("pk", filter=Q(took_exam=False)),
            )
            .order_by(key)
        )
        return [R14Row(str(r[key]), r[label], r["n"], r["missing"]) for r in data]

    report = R14Report(year=year, students=without)
    report.by_province = rows("school__province__code", "school__province__name")
    report.by_city = rows("school__city__code", "school__city__name")
    report.by_school = rows("school__code", "school__name")
    report.total = sum(r.without_exam for r in report.by_province)
    return report


def levels_for_certificate(certificate: Certificate) -> list[str]:
    have = set(certificate.levels.values_list("level", flat=True))
    return [lv for lv in LEVEL_ORDER if lv in have]


@dataclass(frozen=True)
class ExamTodo:
    title: str
    count: int
    url_name: str
    query: str = ""
    tone: str = "warning"


def exam_todos(*, actor: Actor) -> list[ExamTodo]:
    """What awaits this actor in exams now (the dashboard renders these)."""
    today = _today()
    todos: list[ExamTodo] = []

    def add(title: str, count: int, url_name: str, query: str = "", tone: str = "warning") -> None:
        if count:
            todos.append(ExamTodo(title, count, url_name, query, tone))

    if actor.kind == UnitKind.ORG:
        plans = plan_scope(actor=actor)
        add(
            _("报名期已结束、待截止报名的考核计划"),
            plans.filter(
                status=PlanStatus.REGISTRATION_OPEN, registration_closes__lt=today
            ).count(),
            "assessment:exam_plan_list",
            "status=registration_open",
        )
        add(
            _("待登记成绩的考核计划"),
            plans.filter(status=PlanStatus.SCORE_REGISTRATION).count(),
            "assessment:exam_plan_list",
            "status=score_registration",
        )
        add(
            _("待答复的成绩异议"),
            objection_list(actor=actor, status=ObjectionStatus.OPEN).count(),
            "assessment:registration_list",
            tone="danger",
        )
        add(
            _("公示期满、待结束的考核计划"),
            plans.filter(status=PlanStatus.SCORE_PUBLICITY, publicity_ends_on__lt=today).count(),
            "assessment:exam_plan_list",
            "status=score_publicity",
        )
    elif actor.kind in (UnitKind.SCHOOL, UnitKind.LEARNER):
        add(
            _("正在报名的考核计划"),
            plan_scope(actor=actor)
            .filter(status=PlanStatus.REGISTRATION_OPEN, registration_closes__gte=today)
            .count(),
            "assessment:exam_plan_list",
            "status=registration_open",
            tone="info",
        )
        add(
            _("成绩公示中的报名"),
            registration_scope(actor=actor)
            .filter(plan__status=PlanStatus.SCORE_PUBLICITY, status=RegistrationStatus.REGISTERED)
            .count(),
            "assessment:registration_list",
            tone="info",
        )
    if actor.is_national or actor.kind in (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.SCHOOL):
        add(
            _("试点期内尚未参加证书考核的试点学生（R14）"),
            r14_report(actor=actor).total,
            "assessment:r14_report",
        )
    return todos
