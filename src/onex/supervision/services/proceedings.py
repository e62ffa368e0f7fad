"""Disqualification proceedings (R22, R23, R47) and reinstatement.

A province (or the Ministry) proposes disqualifying a school, the Ministry proposes
disqualifying an org; the school or org answers within the answer period; the decider (the
Ministry, or the school's province where its profile says so) disqualifies or dismisses, and may
later reinstate. The status itself lives upstream (``School.pilot_status``, ``Org.status``) and is
changed through the upstream services, which every pilot activity checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Org, OrgStatus
from onex.catalog.services.orgs import org_set_status
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.calendar import deadline_after
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.limits import REASON_MAX
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.workflows import perform
from onex.funding.services.funds import school_special_funds_mark_for_recovery
from onex.pilots.models import School, SchoolPilotStatus
from onex.pilots.services.schools import school_set_pilot_status
from onex.supervision.models import (
    OrgReason,
    Proceeding,
    ProceedingEvent,
    ProceedingStatus,
    SchoolReason,
    TargetKind,
)
from onex.supervision.workflows import PROCEEDING

# R47 names three of R23's reasons as the ones that cost a school its status on their own.
R47_REASONS = frozenset(
    {
        SchoolReason.MISSED_WEEKLY_REPORTS,
        SchoolReason.LAX_MANAGEMENT,
        SchoolReason.IRREGULAR_CHARGES,
    }
)


def clean_reasons(codes: Iterable[str], *, kind: str) -> list[str]:
    """One or more reason codes of the policy: R23/R47 for schools, R22 for orgs."""
    allowed = SchoolReason.values if kind == TargetKind.SCHOOL else OrgReason.values
    rule = "R23" if kind == TargetKind.SCHOOL else "R22"
    cleaned: list[str] = []
    for code in codes:
        code = (code or "").strip()
        if code not in allowed:
            raise RuleViolation(
                rule, _("理由“%(code)s”不在政策规定的情形之内。") % {"code": code}, field="reasons"
            )
        if code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise RuleViolation(rule, _("请至少选择一项政策规定的理由。"), field="reasons")
    return cleaned


def _clean_text(value: str, *, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写此项。"), field=field)
    if len(value) > REASON_MAX:
        raise InvalidInput(_("不能超过 %(n)s 个字符。") % {"n": REASON_MAX}, field=field)
    return value


def proceeding_view(p: Proceeding) -> dict[str, Any]:
    return {
        "target_kind": p.target_kind,
        "school": p.school_id,
        "org": p.org_id,
        "reasons": list(p.reasons),
        "answer_due": p.answer_due,
        "answered_on": p.answered_on,
        "decided_on": p.decided_on,
        "funds_recovery": p.funds_recovery,
        "reinstated_on": p.reinstated_on,
    }


def _create(actor: Actor, proceeding: Proceeding) -> Proceeding:
    try:
        with transaction.atomic():
            proceeding.save()
            ProceedingEvent.record(
                actor=actor,
                action="propose",
                proceeding=proceeding,
                to_status=proceeding.status,
                reason="、".join(proceeding.reason_labels),
            )
            audit_record(
                actor=actor,
                action="supervision.proceeding.propose",
                target=proceeding,
                new={**proceeding_view(proceeding), "facts": proceeding.facts},
            )
    except IntegrityError:
        raise Conflict(_("已有办理中的取消资格程序。")) from None
    return proceeding


def proceeding_propose_school(
    *, actor: Actor, school: School, reasons: Iterable[str], facts: str
) -> Proceeding:
    """The school's province (or the Ministry) proposes to disqualify it (R23, R47)."""
    actor.require(
        actor.is_system
        or actor.kind == UnitKind.MINISTRY
        or (actor.kind == UnitKind.PROVINCE and actor.province_id == school.province_id),
        _("只有学校所在省份或教育部可以提出取消试点资格。"),
    )
    actor.require_write()
    codes = clean_reasons(reasons, kind=TargetKind.SCHOOL)
    facts = _clean_text(facts, field="facts")
    if school.pilot_status != SchoolPilotStatus.ACTIVE:
        raise Conflict(_("该学校已被取消试点资格。"))
    today = timezone.localdate()
    days = int(policy_value("r23.answer_working_days", province=school.province))
    return _create(
        actor,
        Proceeding(
            target_kind=TargetKind.SCHOOL,
            school=school,
            province_id=school.province_id,
            reasons=codes,
            facts=facts,
            proposed_on=today,
            answer_due=deadline_after(today, days),
            proposed_by=actor.user,
        ),
    )


def proceeding_propose_org(
    *, actor: Actor, org: Org, reasons: Iterable[str], facts: str
) -> Proceeding:
    """The Ministry proposes that an org lose its pilot status (R22)."""
    actor.require(
        actor.is_system or actor.kind == UnitKind.MINISTRY,
        _("只有教育部可以提出取消培训评价组织的试点资格。"),
    )
    actor.require_write()
    codes = clean_reasons(reasons, kind=TargetKind.ORG)
    facts = _clean_text(facts, field="facts")
    if org.status != OrgStatus.ACTIVE:
        raise Conflict(_("该培训评价组织已不在试点中。"))
    today = timezone.localdate()
    days = int(policy_value("r23.answer_working_days"))
    return _create(
        actor,
        Proceeding(
            target_kind=TargetKind.ORG,
            org=org,
            reasons=codes,
            facts=facts,
            proposed_on=today,
            answer_due=deadline_after(today, days),
            proposed_by=actor.user,
        ),
    )


def _within_answer_period(p: Proceeding) -> None:
    if timezone.localdate() > p.answer_due:
        raise RuleViolation(
            p.rule, _("申辩期已于 %(date)s 届满，不能再提交申辩。") % {"date": p.answer_due}
        )


def proceeding_answer(*, actor: Actor, proceeding: Proceeding, answer: str) -> Proceeding:
    """The school or org answers the proposal before the decision (the answer period)."""
    answer = _clean_text(answer, field="answer")
    return perform(
        PROCEEDING,
        actor=actor,
        obj=proceeding,
        action="answer",
        reason=answer,
        check=_within_answer_period,
        changes={"answer": answer, "answered_on": timezone.localdate()},
    )


def _answer_period_over(p: Proceeding) -> None:
    """No decision against a target that may still answer (it has not, and the period runs)."""
    if p.status == ProceedingStatus.PROPOSED and timezone.localdate() <= p.answer_due:
        raise RuleViolation(
            p.rule,
            _("申辩期至 %(date)s，对方尚未申辩，申辩期满后才能作出决定。") % {"date": p.answer_due},
        )


def _set_target_status(actor: Actor, p: Proceeding, *, active: bool, note: str) -> dict[str, Any]:
    """Change the upstream status through the upstream service (audited there too)."""
    today = timezone.localdate()
    basis = _("取消资格程序 #%(pk)s：%(note)s") % {"pk": p.pk, "note": note}
    if p.target_kind == TargetKind.SCHOOL:
        assert p.school is not None
        status = SchoolPilotStatus.ACTIVE if active else SchoolPilotStatus.DISQUALIFIED
        school_set_pilot_status(actor=actor, school=p.school, status=status, on=today, reason=basis)
        if active:
            return {"school_pilot_status": status}
        # R41: the special funds of a disqualified school are frozen and marked for recovery.
        marked = school_special_funds_mark_for_recovery(actor=actor, school=p.school, reason=basis)
        return {"school_pilot_status": status, "funds_marked_for_recovery": len(marked)}
    assert p.org is not None
    org_status = OrgStatus.ACTIVE if active else OrgStatus.EXITED
    org_set_status(actor=actor, org=p.org, status=org_status, on=today, reason=basis)
    return {"org_status": org_status}


def proceeding_disqualify(*, actor: Actor, proceeding: Proceeding, note: str) -> Proceeding:
    """Decide: the school or org loses its pilot status (R22/R23/R47); funds to recover (R41)."""
    note = _clean_text(note, field="reason")

    def changes(p: Proceeding) -> Mapping[str, Any]:
        return {
            "decided_on": timezone.localdate(),
            "decision_note": note,
            "funds_recovery": p.target_kind == TargetKind.SCHOOL,
        }

    return perform(
        PROCEEDING,
        actor=actor,
        obj=proceeding,
        action="disqualify",
        reason=note,
        check=_answer_period_over,
        changes=changes,
        related=lambda p: _set_target_status(actor, p, active=False, note=note),
    )


def proceeding_dismiss(*, actor: Actor, proceeding: Proceeding, note: str) -> Proceeding:
    note = _clean_text(note, field="reason")
    return perform(
        PROCEEDING,
        actor=actor,
        obj=proceeding,
        action="dismiss",
        reason=note,
        changes={"decided_on": timezone.localdate(), "decision_note": note},
    )


def proceeding_reinstate(*, actor: Actor, proceeding: Proceeding, reason: str) -> Proceeding:
    """Reinstatement is a decision of its own, on the record with its reason."""
    reason = _clean_text(reason, field="reason")
    return perform(
        PROCEEDING,
        actor=actor,
        obj=proceeding,
        action="reinstate",
        reason=reason,
        changes={"reinstated_on": timezone.localdate()},
        related=lambda p: _set_target_status(actor, p, active=True, note=reason),
    )
