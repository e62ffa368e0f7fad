"""Students, exam plans, registrations, results and objections: services and selectors.

Services write (one keyword-only function per transition, row locks, audit); selectors read,
already scoped to the actor. Other apps call ``passed_candidates`` (certificates issue),
``result_for_public_query`` (the public result query) and the selectors here; never the models.

Rules held here:
- R14: ``r14_report`` lists pilot students with no exam taken in the pilot year.
- R18/R38: an org plans exams only with an agreement in force and an accepted filing in the
  plan's province for the certificate (``onex.catalog.services``).
- R35: members of the public register themselves and pay the approved fee; pilot students'
  fees are charged to their school; poor households (建档立卡, R40) pay nothing.
- R44: only students of schools and specialties the province confirmed for the certificate.
- R46: registration is voluntary; a student may withdraw until registration closes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import (
    EXAM_TAKEN_STATUSES,
    AssessmentPlan,
    Candidate,
    ExamPlan,
    FeePayer,
    FeeStatus,
    Objection,
    ObjectionStatus,
    PlanEvent,
    PlanStatus,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
    TicketSequence,
)
from onex.assessment.workflows import PLAN
from onex.catalog.models import LEVEL_ORDER, Certificate, Level, Org
from onex.catalog.services import require_org_agreement, require_org_filing
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.personal import (
    Gender,
    IdType,
    gender_from_resident_id,
    id_hash_candidates,
    validate_id_number,
)
from onex.core.policy import ProfileEntry, policy_entry, policy_value
from onex.core.scoping import fetch
from onex.core.workflows import perform
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School, Specialty
from onex.pilots.selectors.applications import confirmed_pilot_exists
from onex.pilots.selectors.schools import school_of

__all__ = [
    "PlanStatus",
    "R14Report",
    "candidate_get",
    "candidate_list",
    "candidate_scope",
    "compute_pass",
    "learner_candidate",
    "objection_answer",
    "objection_list",
    "objection_lodge",
    "passed_candidates",
    "plan_close",
    "plan_close_registration",
    "plan_create",
    "plan_get",
    "plan_list",
    "plan_mark_held",
    "plan_open_registration",
    "plan_publish_results",
    "plan_scope",
    "plan_start_scoring",
    "plan_timeline",
    "r14_report",
    "registerable_students",
    "registration_get",
    "registration_list",
    "registration_pay",
    "registration_register_self",
    "registration_register_students",
    "registration_scope",
    "registration_timeline",
    "registration_withdraw",
    "result_for_public_query",
    "result_record",
    "student_upsert",
]

SCORE_MAX = Decimal("100")
PUBLICITY_KEY = "r36.score_publicity_days"
LEVEL_DIGITS = {Level.JUNIOR: "1", Level.INTERMEDIATE: "2", Level.SENIOR: "3"}
_CODE_CLEAN = re.compile(r"[^0-9A-Z]")


def _today() -> dt.date:
    return timezone.localdate()


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


# --- org helpers ---------------------------------------------------------------------------------


def actor_org(actor: Actor) -> Org | None:
    if actor.unit is None or actor.kind != UnitKind.ORG:
        return None
    return Org.objects.filter(unit=actor.unit).first()


def _require_plan_owner(actor: Actor, plan: ExamPlan) -> None:
    """Only the plan's own org (or the platform) drives a plan; viewers never write."""
    actor.require(
        actor.is_system or (actor.kind == UnitKind.ORG and actor.unit_id == plan.org.unit_id),
        _("只有本计划的培训评价组织可以执行此操作。"),
    )
    actor.require_write()


# --- students (candidates) -----------------------------------------------------------------------


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


def candidate_reveal_id(*, actor: Actor, candidate: Candidate) -> str:
    """The clear ID number, for the candidate's school or the candidate (audited)."""
    candidate = candidate_get(actor=actor, pk=candidate.pk)
    actor.require(
        actor.is_system
        or (candidate.school is not None and actor.unit_id == candidate.school.unit_id)
        or (actor.kind == UnitKind.LEARNER and candidate.learner_unit_id == actor.unit_id)
    )
    return candidate.reveal_id_number(actor=actor)


def _candidate_dict(c: Candidate) -> dict[str, Any]:
    # Masked number only: the audit log never holds a clear ID number.
    return {
        "name": c.name,
        "id_type": c.id_type,
        "id_number": c.id_number_masked,
        "gender": c.gender,
        "specialty": c.specialty_id,
        "grade": c.grade,
        "poor_household": c.poor_household,
        "phone": c.phone,
    }


def check_gender(*, id_type: str, id_number: str, gender: str) -> None:
    if gender not in Gender.values:
        raise InvalidInput(_("性别无效。"), field="gender")
    if id_type == IdType.RESIDENT and gender_from_resident_id(id_number) != gender:
        raise InvalidInput(_("性别与居民身份证号码不一致。"), field="gender")


def _require_school_writer(actor: Actor, school: School) -> None:
    actor.require(
        actor.is_system or (actor.kind == UnitKind.SCHOOL and actor.unit_id == school.unit_id),
        _("只能管理本校的学生。"),
    )
    actor.require_write()


def student_upsert(
    *,
    actor: Actor,
    school: School,
    name: str,
    id_type: str,
    id_number: str,
    gender: str,
    specialty: Specialty | None,
    grade: str = "",
    poor_household: bool = False,
    phone: str = "",
    import_job: int | None = None,
) -> tuple[Candidate, str]:
    """Create or update a school's student, keyed by the ID hash within the school.

    Returns the student and ``created``/``updated``/``unchanged`` (re-import is a no-op).
    """
    _require_school_writer(actor, school)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写姓名。"), field="name")
    number = validate_id_number(id_type, id_number)
    check_gender(id_type=id_type, id_number=number, gender=gender)
    if specialty is not None and specialty.school_id != school.pk:
        raise InvalidInput(_("该专业不属于本校。"), field="specialty")
    with transaction.atomic():
        existing = (
            Candidate.objects.select_for_update(of=("self",))
            .filter(school=school, id_number_hash__in=id_hash_candidates(id_type, number))
            .first()
        )
        candidate = existing or Candidate(school=school, province=school.province, city=school.city)
        old = _candidate_dict(candidate) if existing else None
        candidate.set_id_number(id_type=id_type, value=number)
        candidate.name = name
        candidate.gender = gender
        candidate.specialty = specialty
        candidate.grade = (grade or "").strip()
        candidate.poor_household = bool(poor_household)
        candidate.phone = (phone or "").strip()
        new = _candidate_dict(candidate)
        if old == new:
            return candidate, "unchanged"
        candidate.save()
        audit_record(
            actor=actor,
            action="assessment.student_import" if import_job else "assessment.student_save",
            target=candidate,
            old=old,
            new={**new, **({"import_job": import_job} if import_job else {})},
        )
    return candidate, ("updated" if existing else "created")


def learner_candidate(
    *,
    actor: Actor,
    name: str,
    id_type: str,
    id_number: str,
    gender: str,
    phone: str = "",
    poor_household: bool = False,
) -> Candidate:
    """The member-of-the-public record of a learner account (R35), created on first use.

    A second learner account cannot claim an ID number already linked to another account.
    """
    actor.require(actor.kind == UnitKind.LEARNER, _("只有学习者本人可以自主报名。"))
    actor.require_write()
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写姓名。"), field="name")
    number = validate_id_number(id_type, id_number)
    check_gender(id_type=id_type, id_number=number, gender=gender)
    with transaction.atomic():
        existing = (
            Candidate.objects.select_for_update(of=("self",))
            .filter(school__isnull=True, id_number_hash__in=id_hash_candidates(id_type, number))
            .first()
        )
        if existing is not None:
            if existing.learner_unit_id not in (None, actor.unit_id):
                raise InvalidInput(
                    _("该证件号码已由其他学习者账号使用，请联系平台管理员。"), field="id_number"
                )
            if existing.name != name:
                raise InvalidInput(_("姓名与该证件号码的登记信息不一致。"), field="name")
            if existing.learner_unit_id is None:
                existing.learner_unit = actor.unit
                existing.save(update_fields=["learner_unit", "updated_at"])
                audit_record(
                    actor=actor,
                    action="assessment.candidate_link",
                    target=existing,
                    new={"learner_unit": actor.unit_id},
                )
            return existing
        candidate = Candidate(
            name=name,
            gender=gender,
            phone=(phone or "").strip(),
            poor_household=bool(poor_household),
            learner_unit=actor.unit,
        )
        candidate.set_id_number(id_type=id_type, value=number)
        candidate.save()
        audit_record(
            actor=actor,
            action="assessment.candidate_create",
            target=candidate,
            new=_candidate_dict(candidate),
        )
    return candidate


# --- exam plans ----------------------------------------------------------------------------------


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
        registered=Count("registrations", filter=Q(registrations__status="registered"))
    ).order_by("-exam_date", "-pk")


def plan_get(*, actor: Actor, pk: int | str) -> ExamPlan:
    return fetch(plan_scope(actor=actor), pk=pk)


def _check_score_rule(value: Decimal | None, field_name: str) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value)
    if not Decimal(0) <= value <= SCORE_MAX:
        raise InvalidInput(_("合格分应在 0 到 100 之间。"), field=field_name)
    return value


def _registered_sites(*, certificate: Certificate, level: str, province: Division) -> Any:
    from onex.assessment import sites as sites_service

    return sites_service.registered_sites(certificate=certificate, level=level, province=province)


def plan_create(
    *,
    actor: Actor,
    certificate: Certificate,
    level: str,
    province: Division,
    title: str,
    exam_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    capacity: int,
    registration_opens: dt.date,
    registration_closes: dt.date,
    sites: Sequence[Any] = (),
    theory_pass: Decimal | None = None,
    practical_pass: Decimal | None = None,
    note: str = "",
) -> ExamPlan:
    """A draft exam plan of the actor's org for its own certificate (R18, R38 checked)."""
    actor.require(
        actor.is_system or actor.kind == UnitKind.ORG, _("只有培训评价组织可以制定考核计划。")
    )
    actor.require_write()
    org = certificate.org if actor.is_system else actor_org(actor)
    actor.require(
        org is not None and certificate.org_id == org.pk, _("只能为本组织的证书制定考核计划。")
    )
    assert org is not None
    require_org_agreement(org)  # R18
    if province.level != DivisionLevel.PROVINCE:
        raise InvalidInput(_("请选择省级行政区。"), field="province")
    require_org_filing(org, province, certificate)  # R38
    if level not in Level.values:
        raise InvalidInput(_("等级无效。"), field="level")
    if not certificate.levels.filter(level=level).exists():
        raise InvalidInput(_("该证书没有此等级。"), field="level")
    title = (
        title or ""
    ).strip() or f"{certificate.name}（{Level(level).label}）{exam_date:%Y-%m-%d}"
    if capacity is None or int(capacity) < 1:
        raise InvalidInput(_("考位数至少为 1。"), field="capacity")
    if registration_opens > registration_closes:
        raise InvalidInput(_("报名开始日期不能晚于报名截止日期。"), field="registration_opens")
    if registration_closes >= exam_date:
        raise InvalidInput(
            _("报名截止日期（%(close)s）应早于考试日期（%(exam)s）。")
            % {"close": registration_closes, "exam": exam_date},
            field="registration_closes",
        )
    if registration_closes < _today():
        raise InvalidInput(_("报名截止日期已过，请调整报名时间。"), field="registration_closes")
    if start_time >= end_time:
        raise InvalidInput(_("结束时间应晚于开始时间。"), field="end_time")
    theory = _check_score_rule(theory_pass, "theory_pass")
    practical = _check_score_rule(practical_pass, "practical_pass")
    # Unless given, the pass marks are those of the org's published assessment plan (R09).
    published = AssessmentPlan.objects.filter(certificate=certificate).first()
    if published is not None:
        theory = published.theory_pass if theory is None else theory
        practical = published.practical_pass if practical is None else practical
    site_list = list(sites)
    if site_list:
        allowed = {
            s.pk for s in _registered_sites(certificate=certificate, level=level, province=province)
        }
        wrong = [s for s in site_list if s.pk not in allowed]
        if wrong:
            raise InvalidInput(
                _("考核站点“%(site)s”不是本省已登记的该证书考核站点。") % {"site": wrong[0]},
                field="sites",
            )
    with transaction.atomic():
        plan = ExamPlan.objects.create(
            org=org,
            certificate=certificate,
            level=level,
            province=province,
            title=title[:200],
            exam_date=exam_date,
            start_time=start_time,
            end_time=end_time,
            capacity=int(capacity),
            registration_opens=registration_opens,
            registration_closes=registration_closes,
            note=note or "",
            **({"theory_pass": theory} if theory is not None else {}),
            **({"practical_pass": practical} if practical is not None else {}),
        )
        if site_list:
            plan.sites.set(site_list)
        PlanEvent.record(actor=actor, plan=plan, action="create", to_status=plan.status)
        audit_record(
            actor=actor,
            action="assessment.plan_create",
            target=plan,
            new={
                "certificate": certificate.code,
                "level": level,
                "province": province.code,
                "exam_date": exam_date,
                "capacity": plan.capacity,
                "registration_opens": registration_opens,
                "registration_closes": registration_closes,
                "theory_pass": plan.theory_pass,
                "practical_pass": plan.practical_pass,
                "sites": [s.pk for s in site_list],
            },
        )
    return plan


def _locked_plan(plan: ExamPlan) -> ExamPlan:
    return (
        ExamPlan.objects.select_for_update(of=("self",))
        .select_related("org", "certificate", "province")
        .get(pk=plan.pk)
    )


def _require_status(plan: ExamPlan, *allowed: str) -> None:
    if plan.status not in allowed:
        raise Conflict(
            _("考核计划当前状态为“%(status)s”，不能执行此操作。")
            % {"status": plan.get_status_display()}
        )


def _owned_plan(actor: Actor, plan: ExamPlan, status: str) -> ExamPlan:
    """The plan locked for update, once its org's ``actor`` is checked and it is in ``status``."""
    plan = _locked_plan(plan)
    _require_plan_owner(actor, plan)
    _require_status(plan, status)
    return plan


def plan_moves(*, actor: Actor, plan: ExamPlan) -> list[str]:
    """The actions the actor may take now: the page's buttons and the API's ``moves``."""
    return PLAN.allowed_actions(plan, actor)


def _require_open_allowed(plan: ExamPlan) -> None:
    # R18/R38 again: the agreement or filing may have lapsed since the draft.
    require_org_agreement(plan.org)
    require_org_filing(plan.org, plan.province_id, plan.certificate)
    if plan.registration_closes < _today():
        raise Conflict(_("报名截止日期已过，不能开放报名。"), field="registration_closes")


def plan_open_registration(*, actor: Actor, plan: ExamPlan) -> ExamPlan:
    return perform(PLAN, actor=actor, obj=plan, action="open", check=_require_open_allowed)


def _registered_count(plan: ExamPlan) -> int:
    return plan.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def _require_registration_over(plan: ExamPlan) -> None:
    full = _registered_count(plan) >= plan.capacity
    if plan.registration_closes >= _today() and not full:
        raise Conflict(
            _("报名截止日期为 %(date)s，考位未满，不能提前截止报名。")
            % {"date": plan.registration_closes}
        )


def plan_close_registration(*, actor: Actor, plan: ExamPlan, reason: str = "") -> ExamPlan:
    """Close registration after the window has ended, or early once every seat is taken."""
    return perform(
        PLAN,
        actor=actor,
        obj=plan,
        action="close_registration",
        reason=reason,
        check=_require_registration_over,
    )


def _require_exam_day_passed(plan: ExamPlan) -> None:
    if plan.exam_date > _today():
        raise Conflict(_("考试日期（%(date)s）未到。") % {"date": plan.exam_date})


def plan_mark_held(*, actor: Actor, plan: ExamPlan) -> ExamPlan:
    return perform(PLAN, actor=actor, obj=plan, action="held", check=_require_exam_day_passed)


def plan_start_scoring(*, actor: Actor, plan: ExamPlan) -> ExamPlan:
    return perform(PLAN, actor=actor, obj=plan, action="start_scoring")


def publicity_entry(plan: ExamPlan) -> ProfileEntry:
    """The R36 publicity length in force for the plan, with where it comes from."""
    return policy_entry(
        PUBLICITY_KEY, province=plan.province, batch_number=plan.certificate.batch.number
    )


def publicity_days(plan: ExamPlan) -> int:
    number = plan.certificate.batch.number
    return int(policy_value(PUBLICITY_KEY, province=plan.province, batch_number=number))


def _require_scores_complete(plan: ExamPlan) -> None:
    missing = plan.registrations.filter(
        status=RegistrationStatus.REGISTERED, passed__isnull=True
    ).count()
    if missing:
        raise Conflict(_("还有 %(n)d 名考生没有登记成绩，不能公示。") % {"n": missing})


def plan_publish_results(*, actor: Actor, plan: ExamPlan) -> ExamPlan:
    """Start the score publicity (成绩公示) for the days the policy profile sets."""
    # Province and batch never change on a plan, so the days may be read before the lock.
    days = publicity_days(plan)
    today = _today()
    ends = today + dt.timedelta(days=days)
    return perform(
        PLAN,
        actor=actor,
        obj=plan,
        action="publish",
        reason=_("公示 %(n)d 天，至 %(end)s") % {"n": days, "end": ends},
        check=_require_scores_complete,
        changes={"publicity_starts_on": today, "publicity_ends_on": ends},
    )


def _require_publicity_over(plan: ExamPlan) -> None:
    """End the publicity: not before its last day has passed, not with objections unanswered."""
    if plan.publicity_ends_on is not None and plan.publicity_ends_on >= _today():
        raise RuleViolation(
            "R36",
            _("成绩公示期至 %(end)s，公示期满后才能结束（今天 %(today)s）。")
            % {"end": plan.publicity_ends_on, "today": _today()},
        )
    open_objections = Objection.objects.filter(
        registration__plan=plan, status=ObjectionStatus.OPEN
    ).count()
    if open_objections:
        raise Conflict(_("还有 %(n)d 条成绩异议未答复，不能结束。") % {"n": open_objections})


def plan_close(*, actor: Actor, plan: ExamPlan) -> ExamPlan:
    return perform(PLAN, actor=actor, obj=plan, action="close", check=_require_publicity_over)


def plan_timeline(plan: ExamPlan) -> list[dict[str, Any]]:
    labels = dict(PlanStatus.choices)
    return [
        {
            "at": e.at,
            "action": _plan_action_label(e.action),
            "actor": f"{e.unit or ''} {e.user or ''}".strip(),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": labels.get(e.to_status, e.to_status),
        }
        for e in plan.events.select_related("unit", "user")
    ]


def _plan_action_label(action: str) -> str:
    return _("创建计划") if action == "create" else PLAN.label(action)


# --- registrations -------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    payer: str
    status: str
    rule: str


def _fee(plan: ExamPlan, candidate: Candidate) -> Fee:
    """R35/R40: the approved fee; a school pays for its students, poor households pay nothing."""
    from onex.assessment.fees import fee_due

    due = fee_due(
        province=plan.province,
        certificate=plan.certificate,
        level=plan.level,
        payer_kind="pilot_student" if candidate.school_id else "public",
        poor_household=candidate.poor_household,
        school=candidate.school,
    )
    amount = Decimal(due.amount)
    payer = str(due.payer)
    if amount == 0 or payer == "none":
        return Fee(Decimal("0.00"), FeePayer.EXEMPT, FeeStatus.EXEMPT, str(due.rule or ""))
    return Fee(amount, payer, FeeStatus.UNPAID, str(due.rule or ""))


def ticket_prefix(plan: ExamPlan) -> str:
    """Year + 2-digit province code + certificate code + level digit (the serial follows)."""
    code = _CODE_CLEAN.sub("", plan.certificate.code.upper())
    return f"{plan.exam_date.year}{plan.province.code[:2]}{code}{LEVEL_DIGITS[Level(plan.level)]}"


def _next_ticket(plan: ExamPlan) -> str:
    prefix = ticket_prefix(plan)
    # The sequence row lock serializes numbering across plans sharing a prefix.
    try:
        with transaction.atomic():
            seq, _created = TicketSequence.objects.select_for_update(of=("self",)).get_or_create(
                prefix=prefix
            )
    except IntegrityError:
        seq = TicketSequence.objects.select_for_update(of=("self",)).get(prefix=prefix)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{prefix}{seq.last:05d}"


def _registration_open(plan: ExamPlan) -> None:
    _require_status(plan, PlanStatus.REGISTRATION_OPEN)
    today = _today()
    if today < plan.registration_opens:
        raise Conflict(_("报名将于 %(date)s 开始。") % {"date": plan.registration_opens})
    if today > plan.registration_closes:
        raise Conflict(_("报名已于 %(date)s 截止。") % {"date": plan.registration_closes})


def _check_capacity(plan: ExamPlan, adding: int) -> None:
    taken = _registered_count(plan)
    if taken + adding > plan.capacity:
        raise Conflict(
            _("考位不足：共 %(cap)d 个考位，已报 %(taken)d 人，本次 %(n)d 人。")
            % {"cap": plan.capacity, "taken": taken, "n": adding},
            field="capacity",
            details={"capacity": plan.capacity, "taken": taken, "requested": adding},
        )


def _register_one(
    *, actor: Actor, plan: ExamPlan, candidate: Candidate, school: School | None
) -> Registration:
    """Inside the caller's transaction, with the plan row locked."""
    fee = _fee(plan, candidate)
    existing = (
        Registration.objects.select_for_update(of=("self",))
        .filter(plan=plan, candidate=candidate)
        .first()
    )
    if existing is not None:
        if existing.status == RegistrationStatus.REGISTERED:
            raise Conflict(
                _("“%(name)s”已报名本计划。") % {"name": candidate.name}, field="candidates"
            )
        registration = existing  # re-registering after a withdrawal keeps the ticket number
        registration.status = RegistrationStatus.REGISTERED
        registration.withdrawn_at = None
    else:
        registration = Registration(
            plan=plan,
            candidate=candidate,
            school=school,
            province=plan.province,
            ticket_number=_next_ticket(plan),
        )
    registration.fee_amount = fee.amount
    registration.fee_payer = fee.payer
    registration.fee_status = fee.status
    registration.fee_rule = fee.rule
    registration.save()
    RegistrationEvent.record(actor=actor, registration=registration, action="register")
    audit_record(
        actor=actor,
        action="assessment.registration_create",
        target=registration,
        old={"status": RegistrationStatus.WITHDRAWN} if existing else None,
        new={
            "plan": plan.pk,
            "candidate": candidate.pk,
            "ticket_number": registration.ticket_number,
            "fee_amount": registration.fee_amount,
            "fee_payer": registration.fee_payer,
        },
    )
    return registration


def r44_check(*, plan: ExamPlan, candidate: Candidate) -> None:
    """R44: the school and the student's specialty must be confirmed for the certificate."""
    school = candidate.school
    assert school is not None
    if not _confirmed_pilot_exists(
        school=school, certificate=plan.certificate, level=plan.level, specialty=candidate.specialty
    ):
        raise RuleViolation(
            "R44",
            _(
                "“%(name)s”所在学校“%(school)s”及专业“%(specialty)s”未经省级确认为"
                "“%(cert)s（%(level)s）”试点，不能组织考核报名。"
            )
            % {
                "name": candidate.name,
                "school": school.name,
                "specialty": candidate.specialty.name if candidate.specialty else _("未填写"),
                "cert": plan.certificate.name,
                "level": plan.get_level_display(),
            },
            field="candidates",
            details={"candidate": candidate.pk},
        )


def registration_register_students(
    *, actor: Actor, plan: ExamPlan, candidates: Iterable[Candidate]
) -> list[Registration]:
    """A school registers some of its students, all or none (R44, capacity)."""
    school = school_of(actor)
    actor.require(
        actor.kind == UnitKind.SCHOOL and school is not None, _("只有试点院校可以为学生报名。")
    )
    actor.require_write()
    assert school is not None
    plan = plan_get(actor=actor, pk=plan.pk)
    # Students are fetched through the school's scope: another school's student is a 404.
    ids = sorted({c.pk for c in candidates})
    if not ids:
        raise InvalidInput(_("请选择要报名的学生。"), field="candidates")
    students = {c.pk: c for c in candidate_scope(actor=actor).filter(pk__in=ids, school=school)}
    for pk in ids:
        if pk not in students:
            fetch(candidate_scope(actor=actor).filter(school=school), pk=pk)
    with transaction.atomic():
        plan = _locked_plan(plan)
        _registration_open(plan)
        for pk in ids:
            r44_check(plan=plan, candidate=students[pk])
        already = set(
            Registration.objects.filter(
                plan=plan, candidate_id__in=ids, status=RegistrationStatus.REGISTERED
            ).values_list("candidate_id", flat=True)
        )
        if already:
            raise Conflict(
                _("“%(name)s”已报名本计划。") % {"name": students[min(already)].name},
                field="candidates",
            )
        _check_capacity(plan, len(ids))
        return [
            _register_one(actor=actor, plan=plan, candidate=students[pk], school=school)
            for pk in ids
        ]


def registration_register_self(
    *,
    actor: Actor,
    plan: ExamPlan,
    name: str,
    id_type: str,
    id_number: str,
    gender: str,
    phone: str = "",
    poor_household: bool = False,
) -> Registration:
    """A member of the public registers with a learner account and owes the approved fee (R35)."""
    plan = plan_get(actor=actor, pk=plan.pk)
    candidate = learner_candidate(
        actor=actor,
        name=name,
        id_type=id_type,
        id_number=id_number,
        gender=gender,
        phone=phone,
        poor_household=poor_household,
    )
    with transaction.atomic():
        plan = _locked_plan(plan)
        _registration_open(plan)
        _check_capacity(plan, 1)
        return _register_one(actor=actor, plan=plan, candidate=candidate, school=None)


def _require_registration_party(actor: Actor, registration: Registration) -> None:
    """The registering school or the candidate's own learner account."""
    ok = (
        actor.is_system
        or (
            actor.kind == UnitKind.SCHOOL
            and registration.school is not None
            and registration.school.unit_id == actor.unit_id
        )
        or (
            actor.kind == UnitKind.LEARNER
            and registration.candidate.learner_unit_id == actor.unit_id
        )
    )
    actor.require(ok, _("只有考生本人或报名学校可以执行此操作。"))
    actor.require_write()


def registration_withdraw(
    *, actor: Actor, registration: Registration, reason: str = ""
) -> Registration:
    """R46: registration is voluntary; withdrawing is allowed until registration closes."""
    registration = registration_get(actor=actor, pk=registration.pk)
    _require_registration_party(actor, registration)
    with transaction.atomic():
        plan = _locked_plan(registration.plan)
        registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
        if registration.status != RegistrationStatus.REGISTERED:
            raise Conflict(_("该报名已撤销。"))
        if plan.status != PlanStatus.REGISTRATION_OPEN or _today() > plan.registration_closes:
            raise Conflict(
                _("报名已于 %(date)s 截止，不能再撤销报名。") % {"date": plan.registration_closes}
            )
        registration.status = RegistrationStatus.WITHDRAWN
        registration.withdrawn_at = timezone.now()
        registration.save(update_fields=["status", "withdrawn_at"])
        RegistrationEvent.record(
            actor=actor, registration=registration, action="withdraw", reason=reason or ""
        )
        audit_record(
            actor=actor,
            action="assessment.registration_withdraw",
            target=registration,
            old={"status": RegistrationStatus.REGISTERED},
            new={"status": RegistrationStatus.WITHDRAWN, "reason": reason or ""},
        )
    return registration


def registration_pay(*, actor: Actor, registration: Registration) -> Registration:
    """Record the fee as paid (the payment itself happens off the platform)."""
    registration = registration_get(actor=actor, pk=registration.pk)
    _require_registration_party(actor, registration)
    with transaction.atomic():
        registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
        if registration.fee_status != FeeStatus.UNPAID:
            raise Conflict(_("该报名无需缴费或已缴费。"))
        if registration.status != RegistrationStatus.REGISTERED:
            raise Conflict(_("该报名已撤销。"))
        registration.fee_status = FeeStatus.PAID
        registration.paid_at = timezone.now()
        registration.save(update_fields=["fee_status", "paid_at"])
        RegistrationEvent.record(
            actor=actor,
            registration=registration,
            action="pay",
            reason=_money(registration.fee_amount),
        )
        audit_record(
            actor=actor,
            action="assessment.registration_pay",
            target=registration,
            old={"fee_status": FeeStatus.UNPAID},
            new={"fee_status": FeeStatus.PAID, "amount": registration.fee_amount},
        )
    return registration


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


def registration_timeline(registration: Registration) -> list[dict[str, Any]]:
    labels = {
        "register": _("报名"),
        "withdraw": _("撤销报名"),
        "pay": _("缴费"),
        "result": _("成绩登记"),
        "objection": _("提出异议"),
        "answer": _("答复异议"),
    }
    return [
        {
            "at": e.at,
            "action": labels.get(e.action, e.action),
            "actor": f"{e.unit or ''} {e.user or ''}".strip(),
            "reason": e.reason,
        }
        for e in registration.events.select_related("unit", "user")
    ]


# --- results -------------------------------------------------------------------------------------


def compute_pass(plan: ExamPlan, theory: Decimal, practical: Decimal) -> bool:
    """The plan's pass rule: each part at or above its pass mark."""
    return theory >= plan.theory_pass and practical >= plan.practical_pass


def check_score(value: Decimal, field_name: str) -> Decimal:
    value = Decimal(value)
    if not Decimal(0) <= value <= SCORE_MAX:
        raise InvalidInput(_("成绩应在 0 到 100 之间。"), field=field_name)
    return value.quantize(Decimal("0.01"))


def _set_result(
    *,
    actor: Actor,
    registration: Registration,
    theory: Decimal,
    practical: Decimal,
    action: str,
    reason: str = "",
) -> str:
    """Write scores on a locked registration; ``unchanged`` when they are the same."""
    theory = check_score(theory, "theory_score")
    practical = check_score(practical, "practical_score")
    passed = compute_pass(registration.plan, theory, practical)
    old = {
        "theory_score": registration.theory_score,
        "practical_score": registration.practical_score,
        "passed": registration.passed,
    }
    new = {"theory_score": theory, "practical_score": practical, "passed": passed}
    if old == new:
        return "unchanged"
    created = registration.passed is None
    registration.theory_score = theory
    registration.practical_score = practical
    registration.passed = passed
    registration.result_recorded_at = timezone.now()
    registration.save(
        update_fields=["theory_score", "practical_score", "passed", "result_recorded_at"]
    )
    RegistrationEvent.record(actor=actor, registration=registration, action="result", reason=reason)
    audit_record(actor=actor, action=f"assessment.{action}", target=registration, old=old, new=new)
    return "created" if created else "updated"


def result_record(
    *,
    actor: Actor,
    registration: Registration,
    theory: Decimal,
    practical: Decimal,
    import_job: int | None = None,
) -> str:
    """One candidate's scores, by the plan's org during score registration (成绩登记中)."""
    registration = registration_get(actor=actor, pk=registration.pk)
    with transaction.atomic():
        _owned_plan(actor, registration.plan, PlanStatus.SCORE_REGISTRATION)  # lock and check
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("plan")
            .get(pk=registration.pk)
        )
        if registration.status != RegistrationStatus.REGISTERED:
            raise Conflict(_("该报名已撤销，不能登记成绩。"))
        return _set_result(
            actor=actor,
            registration=registration,
            theory=theory,
            practical=practical,
            action="result_import" if import_job else "result_record",
            reason=(_("导入任务 %(id)s") % {"id": import_job}) if import_job else "",
        )


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


def objection_lodge(*, actor: Actor, registration: Registration, reason: str) -> Objection:
    """During the publicity the candidate (or its school) objects to a result."""
    registration = registration_get(actor=actor, pk=registration.pk)
    _require_registration_party(actor, registration)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写异议内容。"), field="reason")
    with transaction.atomic():
        plan = _locked_plan(registration.plan)
        _require_status(plan, PlanStatus.SCORE_PUBLICITY)
        if plan.publicity_ends_on is not None and _today() > plan.publicity_ends_on:
            raise Conflict(_("成绩公示期已于 %(end)s 结束。") % {"end": plan.publicity_ends_on})
        if registration.status != RegistrationStatus.REGISTERED or registration.passed is None:
            raise Conflict(_("该报名没有可提出异议的成绩。"))
        if registration.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise Conflict(_("已有一条待答复的异议。"))
        objection = Objection.objects.create(
            registration=registration, reason=reason, created_by=actor.user
        )
        RegistrationEvent.record(
            actor=actor, registration=registration, action="objection", reason=reason
        )
        audit_record(
            actor=actor,
            action="assessment.objection_lodge",
            target=objection,
            new={"registration": registration.pk, "reason": reason},
        )
    return objection


def objection_answer(
    *,
    actor: Actor,
    objection: Objection,
    answer: str,
    theory: Decimal | None = None,
    practical: Decimal | None = None,
) -> Objection:
    """The org answers; it may correct the scores (the verdict is recomputed)."""
    objection = objection_get(actor=actor, pk=objection.pk)
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("请填写答复内容。"), field="answer")
    if (theory is None) != (practical is None):
        raise InvalidInput(_("更正成绩时请同时填写理论成绩和实操成绩。"), field="theory_score")
    with transaction.atomic():
        _owned_plan(actor, objection.registration.plan, PlanStatus.SCORE_PUBLICITY)  # lock, check
        objection = Objection.objects.select_for_update(of=("self",)).get(pk=objection.pk)
        if objection.status != ObjectionStatus.OPEN:
            raise Conflict(_("该异议已答复。"))
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("plan")
            .get(pk=objection.registration_id)
        )
        changed = False
        if theory is not None and practical is not None:
            changed = (
                _set_result(
                    actor=actor,
                    registration=registration,
                    theory=theory,
                    practical=practical,
                    action="result_correct",
                    reason=_("异议答复更正"),
                )
                != "unchanged"
            )
        objection.status = ObjectionStatus.ANSWERED
        objection.answer = answer
        objection.score_changed = changed
        objection.answered_by = actor.user
        objection.answered_at = timezone.now()
        objection.save()
        RegistrationEvent.record(
            actor=actor, registration=registration, action="answer", reason=answer
        )
        audit_record(
            actor=actor,
            action="assessment.objection_answer",
            target=objection,
            old={"status": ObjectionStatus.OPEN},
            new={"status": ObjectionStatus.ANSWERED, "answer": answer, "score_changed": changed},
        )
    return objection


# --- for other apps ------------------------------------------------------------------------------


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


# --- R14 report ----------------------------------------------------------------------------------


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
    year: int
    students: QuerySet[Candidate]  # the pilot students with no exam taken
    total: int = 0
    by_province: list[R14Row] = field(default_factory=list)
    by_city: list[R14Row] = field(default_factory=list)
    by_school: list[R14Row] = field(default_factory=list)


def pilot_year(on: dt.date | None = None) -> int:
    """The pilot year is the calendar year: the notices plan and settle exams per year."""
    return (on or _today()).year


def r14_report(*, actor: Actor, year: int | None = None) -> R14Report:
    """R14: pilot students (of a school) with no exam taken in ``year``, scoped to the actor."""
    actor.require(
        actor.is_national or actor.kind in (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.SCHOOL),
        _("您无权查看此报表。"),
    )
    year = year or pilot_year()
    took = Registration.objects.filter(
        candidate=OuterRef("pk"),
        status=RegistrationStatus.REGISTERED,
        plan__status__in=EXAM_TAKEN_STATUSES,
        plan__exam_date__year=year,
    )
    students = candidate_scope(actor=actor).filter(school__isnull=False)
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


# --- to-dos for the dashboard --------------------------------------------------------------------


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
            _("本年度尚未参加证书考核的试点学生（R14）"),
            r14_report(actor=actor).total,
            "assessment:r14_report",
        )
    return todos
