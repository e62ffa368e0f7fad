"""Exam plans and registrations: every write (R18, R35, R38, R40, R44, R46).

Plans and registrations change status only through their declared workflows
(``assessment.workflows``); this module adds the rule checks each move needs.
- R18/R38: an org plans exams only with an agreement in force and an accepted filing in the
  plan's province for the certificate (``onex.catalog.services``).
- R35: members of the public register themselves and pay the approved fee; pilot students'
  fees are charged to their school; a confirmed poor-household exemption (R40) waives the fee.
- R44: only students of schools and specialties the province confirmed for the certificate.
- R46: registration is voluntary; a student may withdraw until registration closes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import (
    AssessmentPlan,
    Candidate,
    ExamPlan,
    ExemptionStatus,
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
from onex.assessment.selectors.exams import (
    SCORE_MAX,
    _confirmed_pilot_exists,
    _today,
    candidate_scope,
    plan_get,
    publicity_days,
    registration_get,
    ticket_prefix,
)
from onex.assessment.selectors.fees import fee_due
from onex.assessment.selectors.sites import registered_sites
from onex.assessment.services.students import (
    learner_candidate,
)
from onex.assessment.workflows import EXEMPTION, PLAN, REGISTRATION
from onex.catalog.models import Certificate, Level
from onex.catalog.selectors.orgs import org_of
from onex.catalog.services.filings import require_org_filing
from onex.catalog.services.orgs import require_org_active, require_org_agreement
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.limits import REASON_MAX
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.core.workflows import perform
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School
from onex.pilots.selectors.schools import school_of
from onex.pilots.services.schools import require_school_in_pilot


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _check_score_rule(value: Decimal | None, field_name: str) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value)
    if not Decimal(0) <= value <= SCORE_MAX:
        raise InvalidInput(_("合格分应在 0 到 100 之间。"), field=field_name)
    return value


def _registered_sites(*, certificate: Certificate, level: str, province: Division) -> Any:
    return registered_sites(certificate=certificate, level=level, province=province)


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
    org = certificate.org if actor.is_system else org_of(actor)
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


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    payer: str
    status: str
    rule: str


def _fee(plan: ExamPlan, candidate: Candidate, exemption: str) -> Fee:
    """R35/R40: the approved fee; a school pays for its students; a poor household whose
    exemption was confirmed pays nothing."""
    due = fee_due(
        province=plan.province,
        certificate=plan.certificate,
        level=plan.level,
        payer_kind="pilot_student" if candidate.school_id else "public",
        exemption=exemption,
        school=candidate.school,
    )
    amount = Decimal(due.amount)
    payer = str(due.payer)
    if amount == 0 or payer == "none":
        return Fee(Decimal("0.00"), FeePayer.EXEMPT, FeeStatus.EXEMPT, str(due.rule or ""))
    return Fee(amount, payer, FeeStatus.UNPAID, str(due.rule or ""))


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


def _seats_locked(plan: ExamPlan) -> ExamPlan:
    # The plan row is the lock that serializes registrations for its seats (capacity).
    return ExamPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


def _registration_open(plan: ExamPlan) -> None:
    require_org_active(plan.org)  # R22: a disqualified org's plans are frozen
    if plan.status != PlanStatus.REGISTRATION_OPEN:
        raise Conflict(
            _("考核计划当前状态为“%(status)s”，不能报名。") % {"status": plan.get_status_display()}
        )
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


def _fee_fields(
    plan: ExamPlan, candidate: Candidate, exemption: str = ExemptionStatus.NONE
) -> dict[str, Any]:
    fee = _fee(plan, candidate, exemption)
    return {
        "fee_amount": fee.amount,
        "fee_payer": fee.payer,
        "fee_status": fee.status,
        "fee_rule": fee.rule,
    }


def _register_one(
    *, actor: Actor, plan: ExamPlan, candidate: Candidate, school: School | None
) -> Registration:
    """Inside the caller's transaction, with the plan row locked."""
    existing = Registration.objects.filter(plan=plan, candidate=candidate).first()
    if existing is not None:
        if existing.status == RegistrationStatus.REGISTERED:
            raise Conflict(
                _("“%(name)s”已报名本计划。") % {"name": candidate.name}, field="candidates"
            )
        # Re-registering after a withdrawal keeps the ticket number: the declared move.
        return perform(
            REGISTRATION,
            actor=actor,
            obj=existing,
            action="register",
            changes=lambda locked: {
                "withdrawn_at": None,
                **_fee_fields(plan, candidate, locked.exemption_status),
            },
        )
    registration = Registration(
        plan=plan,
        candidate=candidate,
        school=school,
        province=plan.province,
        ticket_number=_next_ticket(plan),
        **_fee_fields(plan, candidate),
    )
    registration.save()
    RegistrationEvent.record(
        actor=actor,
        registration=registration,
        action="register",
        to_status=registration.status,
    )
    audit_record(
        actor=actor,
        action="assessment.registration_create",
        target=registration,
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
    require_school_in_pilot(school)  # R23: a disqualified school registers no students
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
        plan = _seats_locked(plan)
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
    exemption_basis: str = "",
) -> Registration:
    """A member of the public registers with a learner account and owes the approved fee (R35).

    Ticking the poor-household box with a basis files an exemption claim (R40) that the plan's
    org reviews; until it is confirmed the fee stays due.
    """
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
        plan = _seats_locked(plan)
        _registration_open(plan)
        _check_capacity(plan, 1)
        registration = _register_one(actor=actor, plan=plan, candidate=candidate, school=None)
        if poor_household and exemption_basis.strip():
            registration = registration_exemption_claim(
                actor=actor, registration=registration, basis=exemption_basis
            )
        return registration


def registration_register_again(*, actor: Actor, registration: Registration) -> Registration:
    """R46: the party takes a withdrawn registration up again while registration is open."""
    registration = registration_get(actor=actor, pk=registration.pk)
    with transaction.atomic():
        plan = _seats_locked(registration.plan)
        _registration_open(plan)
        _check_capacity(plan, 1)
        return perform(
            REGISTRATION,
            actor=actor,
            obj=registration,
            action="register",
            changes=lambda locked: {
                "withdrawn_at": None,
                **_fee_fields(plan, locked.candidate, locked.exemption_status),
            },
        )


def _clean_basis(basis: str) -> str:
    basis = (basis or "").strip()
    if not basis:
        raise InvalidInput(_("请填写免缴依据（如建档立卡户档案编号或说明）。"), field="basis")
    if len(basis) > REASON_MAX:
        raise InvalidInput(_("免缴依据不能超过 %(n)s 个字符。") % {"n": REASON_MAX}, field="basis")
    return basis


def registration_exemption_claim(
    *, actor: Actor, registration: Registration, basis: str
) -> Registration:
    """R40: the party claims the poor-household exemption, stating its basis; the fee stays due
    until the registering school (its students) or the plan's org (the public) confirms."""
    basis = _clean_basis(basis)
    return perform(
        EXEMPTION,
        actor=actor,
        obj=registration,
        action="exemption_claim",
        changes={"exemption_basis": basis},
    )


def registration_exemption_confirm(
    *, actor: Actor, registration: Registration, reason: str = ""
) -> Registration:
    """R40: the responsible office confirms the basis; only now is the fee waived."""
    return perform(
        EXEMPTION,
        actor=actor,
        obj=registration,
        action="exemption_confirm",
        reason=reason,
        changes=lambda locked: _fee_fields(
            locked.plan, locked.candidate, ExemptionStatus.CONFIRMED
        ),
    )


def registration_exemption_refuse(
    *, actor: Actor, registration: Registration, reason: str
) -> Registration:
    """R40: the responsible office refuses the claim, saying why; the fee stays due.

    The fee is computed again: a registration waived under the old self-ticked flag (migrated
    into a claim) owes the fee once refused.
    """
    return perform(
        EXEMPTION,
        actor=actor,
        obj=registration,
        action="exemption_refuse",
        reason=reason,
        changes=lambda locked: _fee_fields(locked.plan, locked.candidate, ExemptionStatus.REFUSED),
    )


def registration_withdraw(
    *, actor: Actor, registration: Registration, reason: str = ""
) -> Registration:
    """R46: registration is voluntary; withdrawing is allowed until registration closes."""
    return perform(
        REGISTRATION,
        actor=actor,
        obj=registration,
        action="withdraw",
        reason=reason,
        changes=lambda _locked: {"withdrawn_at": timezone.now()},
    )


def registration_pay(*, actor: Actor, registration: Registration) -> Registration:
    """The org that collects the fee records it as paid (the payment happens off the platform).

    Neither the learner nor the school records its own payment: the payer is not the one who
    can tell that the money arrived.
    """
    return perform(
        REGISTRATION,
        actor=actor,
        obj=registration,
        action="pay",
        reason=_money(registration.fee_amount),
        changes=lambda _locked: {"fee_status": FeeStatus.PAID, "paid_at": timezone.now()},
    )
