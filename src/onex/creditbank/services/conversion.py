"""Conversion (R37): schools' rules and learners' requests.

The platform defaults (``creditbank.shell``, labelled platform defaults: the policy documents
give no figure) are: at most 8 credits per certificate and level, and never more than the credit
bank recognised for it (its approved plan); 初级 replaces basic specialty courses, 中级 core
courses, 高级 either; a course is replaced by one certificate at most. Refusals name R37.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import Candidate
from onex.catalog.models import Certificate, Level
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.workflows import perform
from onex.creditbank.models import (
    ConversionEvent,
    ConversionExemption,
    ConversionRequest,
    ConversionRule,
    CourseCategory,
    LearningOutcome,
    OutcomeKind,
    OutcomeStatus,
    RequestStatus,
)
from onex.creditbank.selectors import approved_plan, rules_for
from onex.creditbank.workflows import CONVERSION_REQUEST
from onex.pilots.models import Specialty

MAX_CREDITS_KEY = "r37.max_credits_per_certificate"
JUNIOR_CORE_KEY = "r37.junior_may_replace_core"
INTERMEDIATE_BASIC_KEY = "r37.intermediate_may_replace_basic"
COURSE_CREDITS_MAX = Decimal("30")


def _limit(certificate: Certificate, level: str, specialty: Specialty) -> Decimal:
    """R37: the most a certificate level may convert at a school: the profile's cap and the
    credits the credit bank recognised (its approved plan)."""
    cap = Decimal(int(policy_value(MAX_CREDITS_KEY, province=specialty.school.province)))
    plan = approved_plan(certificate.pk, level, timezone.localdate())
    if plan is None:
        raise RuleViolation(
            "R37",
            _("学分银行尚未认定该证书等级的学分（无已通过的学分记录建议方案），不能设定转换规则。"),
            field="certificate",
        )
    return min(cap, plan.credits)


def check_category(*, level: str, category: str, specialty: Specialty) -> None:
    province = specialty.school.province
    junior_core = level == Level.JUNIOR and category == CourseCategory.CORE
    if junior_core and not policy_value(JUNIOR_CORE_KEY, province=province):
        raise RuleViolation("R37", _("初级证书只能替代专业基础课程。"), field="course_category")
    intermediate_basic = level == Level.INTERMEDIATE and category == CourseCategory.BASIC
    if intermediate_basic and not policy_value(INTERMEDIATE_BASIC_KEY, province=province):
        raise RuleViolation("R37", _("中级证书只能替代专业核心课程。"), field="course_category")


def rule_create(
    *,
    actor: Actor,
    specialty: Specialty,
    certificate: Certificate,
    level: str,
    course_name: str,
    course_category: str,
    credits: Decimal,
) -> ConversionRule:
    """A school defines one course a certificate level exempts in one of its specialties."""
    school = specialty.school
    actor.require(
        actor.kind == UnitKind.SCHOOL and school.unit_id == actor.unit_id,
        _("只有本校可以制定本校专业的学分转换规则。"),
    )
    actor.require_write()
    course = (course_name or "").strip()
    if not course or len(course) > 100:
        raise InvalidInput(_("请填写课程名称（不超过 100 个字符）。"), field="course_name")
    if level not in Level.values or not certificate.levels.filter(level=level).exists():
        raise InvalidInput(_("该证书没有这个等级。"), field="level")
    if course_category not in CourseCategory.values:
        raise InvalidInput(_("未知的课程类别。"), field="course_category")
    if credits <= 0 or credits > COURSE_CREDITS_MAX:
        raise InvalidInput(_("课程学分应大于 0 且不超过 30。"), field="credits")
    check_category(level=level, category=course_category, specialty=specialty)
    with transaction.atomic():
        rules = ConversionRule.objects.select_for_update().filter(specialty=specialty, active=True)
        other = rules.filter(course_name=course).exclude(certificate=certificate).first()
        if other is not None:
            raise RuleViolation(
                "R37",
                _("课程“%(c)s”已由证书“%(o)s”替代，一门课程至多由一种证书替代。")
                % {"c": course, "o": other.certificate.name},
                field="course_name",
            )
        if rules.filter(course_name=course, certificate=certificate, level=level).exists():
            raise InvalidInput(_("该课程已在本等级的转换规则中。"), field="course_name")
        limit = _limit(certificate, level, specialty)
        used = rules.filter(certificate=certificate, level=level).aggregate(s=Sum("credits"))[
            "s"
        ] or Decimal("0")
        if used + credits > limit:
            raise RuleViolation(
                "R37",
                _(
                    "该证书等级可转换的学分至多 %(limit)s 分（每证书上限，且不超过学分银行"
                    "认定的学分），已设定 %(used)s 分。"
                )
                % {"limit": limit, "used": used},
                field="credits",
            )
        rule = ConversionRule.objects.create(
            school=school,
            specialty=specialty,
            certificate=certificate,
            level=level,
            course_name=course,
            course_category=course_category,
            credits=credits,
            created_by=actor.user,
        )
        audit_record(
            actor=actor,
            action="creditbank.rule.create",
            target=rule,
            new={
                "specialty": specialty.code,
                "certificate": certificate.code,
                "level": level,
                "course": course,
                "category": course_category,
                "credits": str(credits),
            },
        )
    return rule


def rule_deactivate(*, actor: Actor, rule: ConversionRule) -> ConversionRule:
    actor.require(
        actor.kind == UnitKind.SCHOOL and rule.school.unit_id == actor.unit_id,
        _("只有本校可以停用本校的转换规则。"),
    )
    actor.require_write()
    with transaction.atomic():
        locked = ConversionRule.objects.select_for_update().get(pk=rule.pk)
        if locked.active:
            locked.active = False
            locked.save(update_fields=["active"])
            audit_record(
                actor=actor,
                action="creditbank.rule.deactivate",
                target=locked,
                old={"active": True},
                new={"active": False},
            )
    return locked


# --- requests -------------------------------------------------------------------------------------


def _check_outcome(outcome: LearningOutcome) -> None:
    if outcome.kind != OutcomeKind.CERTIFICATE:
        raise InvalidInput(_("只有证书成果可以申请学分转换。"), field="outcome")
    if not outcome.creditable:
        raise RuleViolation(
            "R44",
            _("该证书未经本平台考核，不能进入学分银行，不能申请学分转换。"),
            field="outcome",
        )
    if outcome.status != OutcomeStatus.ACTIVE:
        raise RuleViolation(
            "R44", _("该证书成果已暂停（证书已暂停或撤销），不能转换学分。"), field="outcome"
        )


def request_submit(
    *, actor: Actor, outcome: LearningOutcome, specialty: Specialty, note: str = ""
) -> ConversionRequest:
    """A learner asks their school to convert a certificate outcome under its rules."""
    account = outcome.account
    actor.require(
        actor.kind == UnitKind.LEARNER and account.learner_unit_id == actor.unit_id,
        _("只有学习者本人可以申请学分转换。"),
    )
    actor.require_write()
    note = (note or "").strip()
    if len(note) > 1000:
        raise InvalidInput(_("申请说明不能超过 1000 个字符。"), field="note")
    _check_outcome(outcome)
    assert outcome.certificate_id is not None
    if not Candidate.objects.filter(
        school_id=specialty.school_id, id_number_hash=account.id_number_hash
    ).exists():
        raise InvalidInput(_("您不是该校学生，不能向该校申请学分转换。"), field="specialty")
    if not rules_for(
        specialty_id=specialty.pk, certificate_id=outcome.certificate_id, level=outcome.level
    ).exists():
        raise RuleViolation("R37", _("该专业没有这个证书等级的学分转换规则。"), field="specialty")
    open_states = [s for s in RequestStatus.values if s not in (RequestStatus.WITHDRAWN,)]
    if ConversionRequest.objects.filter(
        outcome=outcome, specialty=specialty, status__in=open_states
    ).exists():
        raise InvalidInput(_("该证书在本专业已有转换申请。"), field="outcome")
    issued = outcome.issued_certificate
    assert issued is not None
    with transaction.atomic():
        request = ConversionRequest.objects.create(
            account=account,
            outcome=outcome,
            school=specialty.school,
            specialty=specialty,
            org_id=issued.org_id,
            note=note,
        )
        ConversionEvent.record(
            actor=actor,
            request=request,
            action="submit",
            from_status="",
            to_status=request.status,
            reason=note,
        )
        audit_record(
            actor=actor,
            action="creditbank.request.submit",
            target=request,
            new={"outcome": outcome.pk, "specialty": specialty.pk},
        )
    return request


def _recognise_check(request: ConversionRequest) -> None:
    """R37 and R44 at recognition: an active, creditable outcome; credits within what the
    credit bank recognised for it and the profile's cap; each course exempted once."""
    outcome = LearningOutcome.objects.get(pk=request.outcome_id)
    _check_outcome(outcome)
    assert outcome.certificate_id is not None
    rules = list(
        rules_for(
            specialty_id=request.specialty_id,
            certificate_id=outcome.certificate_id,
            level=outcome.level,
        )
    )
    if not rules:
        raise RuleViolation("R37", _("该专业已没有这个证书等级的学分转换规则。"))
    total = sum((r.credits for r in rules), Decimal("0"))
    cap = Decimal(int(policy_value(MAX_CREDITS_KEY, province=request.school.province)))
    if total > outcome.credits or total > cap:
        raise RuleViolation(
            "R37",
            _("转换学分 %(t)s 超过学分银行认定的 %(c)s 分或每证书上限 %(cap)s 分。")
            % {"t": total, "c": outcome.credits, "cap": cap},
        )
    taken = set(
        ConversionExemption.objects.filter(
            account_id=request.account_id,
            specialty_id=request.specialty_id,
            course_name__in=[r.course_name for r in rules],
        ).values_list("course_name", flat=True)
    )
    if taken:
        raise RuleViolation(
            "R37",
            _("课程 %(c)s 已由其他证书替代，一门课程至多由一种证书替代。")
            % {"c": "、".join(sorted(taken))},
        )


def _exempt(request: ConversionRequest) -> dict[str, Any]:
    outcome = request.outcome
    assert outcome.certificate_id is not None
    rules = list(
        rules_for(
            specialty_id=request.specialty_id,
            certificate_id=outcome.certificate_id,
            level=outcome.level,
        )
    )
    ConversionExemption.objects.bulk_create(
        ConversionExemption(
            request=request,
            account_id=request.account_id,
            specialty_id=request.specialty_id,
            course_name=r.course_name,
            course_category=r.course_category,
            credits=r.credits,
        )
        for r in rules
    )
    return {"exempted": [r.course_name for r in rules]}


def request_move(
    *,
    actor: Actor,
    request: ConversionRequest,
    action: str,
    reason: str = "",
    today: dt.date | None = None,
) -> ConversionRequest:
    """Take one declared step of a conversion request (see ``creditbank.workflows``)."""
    if action not in CONVERSION_REQUEST.actions():
        raise InvalidInput(_("未知的操作。"), field="action")
    if action == "recognise":
        day = today or timezone.localdate()

        def credits(locked: ConversionRequest) -> dict[str, Any]:
            outcome = locked.outcome
            assert outcome.certificate_id is not None
            total = rules_for(
                specialty_id=locked.specialty_id,
                certificate_id=outcome.certificate_id,
                level=outcome.level,
            ).aggregate(s=Sum("credits"))["s"]
            return {"recognised_credits": total, "recognised_on": day}

        return perform(
            CONVERSION_REQUEST,
            actor=actor,
            obj=request,
            action=action,
            reason=reason,
            check=_recognise_check,
            changes=credits,
            related=_exempt,
        )
    check = None
    if action in ("resubmit", "department_approve", "academic_approve", "org_check"):

        def check(locked: ConversionRequest) -> None:
            _check_outcome(LearningOutcome.objects.get(pk=locked.outcome_id))

    return perform(
        CONVERSION_REQUEST, actor=actor, obj=request, action=action, reason=reason, check=check
    )
