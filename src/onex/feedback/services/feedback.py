"""Writes of feedback (R21), concentrated issues (R22), evaluations (R21) and progress reports
(R03).

Anyone, signed in or not, submits feedback about an org or a school. It is routed to the
school's province, or for an org to the province the submitter names, else to the Ministry,
which answers within ``r21.answer_working_days`` working days (``core.calendar``). The
submitter follows it with the reference and a secret follow-up code shown once (references are
sequential enough to guess; the code is stored only as a keyed hash).

N complaints of one category about one org within M days (``r22.concentration_count``,
``r22.concentration_days``) open a rectification order with a deadline
(``r22.rectification_working_days``); later complaints join the open order.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Org
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.calendar import deadline_after
from onex.core.crypto import keyed_hash
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.limits import DOCUMENT_MAX, NAME_MAX, REASON_MAX
from onex.core.models import Unit, UnitKind
from onex.core.policy import policy_value
from onex.core.workflows import perform
from onex.feedback.models import (
    Category,
    Evaluation,
    EvaluationKind,
    Feedback,
    FeedbackEvent,
    IssueStatus,
    ProgressReport,
    RectificationEvent,
    RectificationOrder,
    SubjectKind,
)
from onex.feedback.selectors.feedback import CODE_PURPOSE
from onex.feedback.selectors.progress import period_at
from onex.feedback.workflows import FEEDBACK, ORDER
from onex.geo.models import Division
from onex.pilots.models import School

ANSWER_DAYS_KEY = "r21.answer_working_days"
CONCENTRATION_COUNT_KEY = "r22.concentration_count"
CONCENTRATION_DAYS_KEY = "r22.concentration_days"
RECTIFICATION_DAYS_KEY = "r22.rectification_working_days"
MIN_TEXT = 5


def _text(value: str, *, field: str, maximum: int, minimum: int = 1) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise InvalidInput(
            _("请具体填写（至少 %(n)s 个字）。") % {"n": minimum}
            if minimum > 1
            else _("此项为必填项。"),
            field=field,
        )
    if len(value) > maximum:
        raise InvalidInput(_("不能超过 %(n)s 个字符。") % {"n": maximum}, field=field)
    return value


@dataclass(frozen=True)
class Submitted:
    feedback: Feedback
    code: str  # shown once to the submitter; only its keyed hash is stored


def _reference(today: dt.date) -> str:
    return f"FK{today:%Y%m%d}{secrets.randbelow(10**6):06d}"


def feedback_submit(
    *,
    actor: Actor,
    category: str,
    subject_kind: str,
    org: Org | None = None,
    school: School | None = None,
    province: Division | None = None,
    text: str,
    contact: str = "",
) -> Submitted:
    """Anyone submits feedback or a complaint; it is routed and given a reference and code."""
    if category not in Category.values:
        raise InvalidInput(_("请选择问题类别。"), field="category")
    if subject_kind == SubjectKind.SCHOOL:
        if school is None:
            raise InvalidInput(_("请选择被反映的学校。"), field="school")
        org, province = None, school.province
    elif subject_kind == SubjectKind.ORG:
        if org is None:
            raise InvalidInput(_("请选择被反映的培训评价组织。"), field="org")
        school = None
    else:
        raise InvalidInput(_("请选择反映对象。"), field="subject_kind")
    text = _text(text, field="text", maximum=REASON_MAX, minimum=MIN_TEXT)
    contact = (contact or "").strip()
    if len(contact) > NAME_MAX:
        raise InvalidInput(_("不能超过 %(n)s 个字符。") % {"n": NAME_MAX}, field="contact")
    today = timezone.localdate()
    days = int(policy_value(ANSWER_DAYS_KEY, province=province))
    due_on = deadline_after(today, days)
    code = secrets.token_urlsafe(9)
    with transaction.atomic():
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    row = Feedback.objects.create(
                        reference=_reference(today),
                        code_hash=keyed_hash(code, purpose=CODE_PURPOSE),
                        category=category,
                        subject_kind=subject_kind,
                        org=org,
                        school=school,
                        province=province,
                        text=text,
                        contact=contact,
                        submitted_by=actor.user,
                        submitted_unit=actor.unit,
                        due_on=due_on,
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - a million references a day
            raise InvalidInput(_("请稍后再试。"))
        FeedbackEvent.record(
            actor=actor, feedback=row, action="submit", from_status="", to_status=row.status
        )
        audit_record(
            actor=actor,
            action="feedback.feedback.submit",
            target=row,
            new={
                "reference": row.reference,
                "category": category,
                "subject_kind": subject_kind,
                "org": org.pk if org else None,
                "school": school.pk if school else None,
                "province": province.code if province else None,
            },
        )
        if org is not None:
            concentrate(org=org, category=category, today=today)
    row.refresh_from_db()
    return Submitted(row, code)


def concentrate(*, org: Org, category: str, today: dt.date) -> RectificationOrder | None:
    """R22: N complaints of one category about one org within M days form a concentrated
    issue; the org is ordered to rectify by a deadline. Returns the open order, if any."""
    count_needed = int(policy_value(CONCENTRATION_COUNT_KEY))
    window = int(policy_value(CONCENTRATION_DAYS_KEY))
    since = timezone.now() - dt.timedelta(days=window)
    recent = Feedback.objects.filter(org=org, category=category, created_at__gte=since)
    order = (
        RectificationOrder.objects.select_for_update()
        .filter(org=org, category=category)
        .exclude(status=IssueStatus.CLOSED)
        .first()
    )
    if order is None:
        count = recent.count()
        if count < count_needed:
            return None
        days = int(policy_value(RECTIFICATION_DAYS_KEY))
        order = RectificationOrder.objects.create(
            org=org,
            category=category,
            complaints=count,
            opened_on=today,
            deadline=deadline_after(today, days),
        )
        system = Actor.system()
        RectificationEvent.record(
            actor=system,
            order=order,
            action="open",
            reason=_("%(n)s 天内收到 %(count)s 件同类反映。") % {"n": window, "count": count},
            from_status="",
            to_status=order.status,
        )
        audit_record(
            actor=system,
            action="feedback.order.open",
            target=order,
            new={"org": org.pk, "category": category, "complaints": count},
        )
    recent.filter(order__isnull=True).update(order=order)
    order.complaints = Feedback.objects.filter(order=order).count()
    order.save(update_fields=["complaints"])
    return order


def feedback_answer(*, actor: Actor, feedback: Feedback, answer: str) -> Feedback:
    """The responsible province (or the Ministry) answers (R21)."""
    answer = _text(answer, field="answer", maximum=REASON_MAX)
    return perform(
        FEEDBACK,
        actor=actor,
        obj=feedback,
        action="answer",
        reason=answer,
        changes=lambda _locked: {
            "answer": answer,
            "answered_by": actor.unit,
            "answered_at": timezone.now(),
        },
    )


def order_report(
    *, actor: Actor, order: RectificationOrder, rectification: str
) -> RectificationOrder:
    text = _text(rectification, field="rectification", maximum=DOCUMENT_MAX)
    return perform(
        ORDER,
        actor=actor,
        obj=order,
        action="report",
        reason=text[:1000],
        changes={"rectification": text},
    )


def order_accept(
    *, actor: Actor, order: RectificationOrder, reason: str = ""
) -> RectificationOrder:
    return perform(ORDER, actor=actor, obj=order, action="accept", reason=reason)


def order_return(*, actor: Actor, order: RectificationOrder, reason: str) -> RectificationOrder:
    return perform(ORDER, actor=actor, obj=order, action="return", reason=reason)


# --- R21: evaluations ---------------------------------------------------------------------------


def evaluation_file(
    *,
    actor: Actor,
    kind: str,
    subject: Unit,
    evaluator: str,
    period: str,
    summary: str,
    score: object = None,
) -> Evaluation:
    """A school or org files its self-evaluation; a province (or the Ministry) files the
    evaluation of a third party it commissioned about a school or org (R21)."""
    actor.require_write()
    if kind == EvaluationKind.SELF:
        actor.require(
            actor.kind in (UnitKind.SCHOOL, UnitKind.ORG) and actor.unit_id == subject.pk,
            _("绩效自评由学校或培训评价组织自己填报。"),
        )
    elif kind == EvaluationKind.THIRD_PARTY:
        actor.require(
            actor.is_national
            or (
                actor.kind == UnitKind.PROVINCE
                and (subject.kind == UnitKind.ORG or subject.province_id == actor.province_id)
            ),
            _("第三方评价由委托评价的省级教育行政部门或教育部录入。"),
        )
        if subject.kind not in (UnitKind.SCHOOL, UnitKind.ORG):
            raise InvalidInput(_("被评价单位须为试点院校或培训评价组织。"), field="subject")
    else:
        raise InvalidInput(_("请选择评价类型。"), field="kind")
    value: Decimal | None = None
    if score not in (None, ""):
        try:
            value = Decimal(str(score)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise InvalidInput(_("请输入 0–100 的评分。"), field="score") from None
        if not (0 <= value <= 100):
            raise InvalidInput(_("请输入 0–100 的评分。"), field="score")
    if kind == EvaluationKind.THIRD_PARTY and not (evaluator or "").strip():
        raise RuleViolation("R21", _("第三方评价须写明评价机构。"), field="evaluator")
    evaluator = (evaluator or "").strip() or (actor.unit.name if actor.unit else "")
    with transaction.atomic():
        row = Evaluation.objects.create(
            kind=kind,
            subject=subject,
            province=subject.province
            if subject.kind == UnitKind.SCHOOL
            else actor.unit.province
            if actor.unit
            else None,
            evaluator=_text(evaluator, field="evaluator", maximum=NAME_MAX),
            filed_by=actor.unit or subject,
            period=_text(period, field="period", maximum=NAME_MAX),
            score=value,
            summary=_text(summary, field="summary", maximum=DOCUMENT_MAX, minimum=MIN_TEXT),
        )
        audit_record(
            actor=actor,
            action="feedback.evaluation.file",
            target=row,
            new={"kind": kind, "subject": subject.pk, "period": row.period, "score": str(value)},
        )
    return row


# --- R03: progress reports ----------------------------------------------------------------------


def report_submit(
    *,
    actor: Actor,
    period_start: dt.date,
    progress: str,
    experience: str = "",
    typical_case_title: str = "",
    typical_case: str = "",
    problems: str = "",
    suggestions: str = "",
) -> ProgressReport:
    """A province, school or org submits its progress report for a period (R03).

    The period is one of the profile's calendar-aligned periods that has begun; one report per
    unit and period; a report filed after the period's deadline (the profile's days after its
    end, in the unit's province) is accepted and marked late."""
    actor.require_kind(UnitKind.PROVINCE, UnitKind.SCHOOL, UnitKind.ORG)
    actor.require_write()
    assert actor.unit is not None
    today = timezone.localdate()
    period = period_at(period_start) if isinstance(period_start, dt.date) else None
    if period is None:
        raise InvalidInput(_("请选择报送期。"), field="period_start")
    if period.start > today:
        raise RuleViolation("R03", _("报送期尚未开始。"), field="period_start")
    typical_case = (typical_case or "").strip()
    typical_case_title = (typical_case_title or "").strip()
    if typical_case and not typical_case_title:
        raise InvalidInput(_("请填写典型案例标题。"), field="typical_case_title")
    province = actor.unit.province
    due_on = period.due_on(province=province)
    with transaction.atomic():
        if ProgressReport.objects.filter(unit=actor.unit, period_start=period.start).exists():
            raise RuleViolation(
                "R03",
                _("本单位已报送%(period)s的工作动态。") % {"period": period.label},
                field="period_start",
            )
        try:
            with transaction.atomic():
                row = ProgressReport.objects.create(
                    unit=actor.unit,
                    province=province,
                    period=period.label,
                    period_start=period.start,
                    period_end=period.end,
                    due_on=due_on,
                    is_late=today > due_on,
                    progress=_text(
                        progress, field="progress", maximum=DOCUMENT_MAX, minimum=MIN_TEXT
                    ),
                    experience=(experience or "").strip()[:DOCUMENT_MAX],
                    typical_case_title=typical_case_title[:NAME_MAX],
                    typical_case=typical_case[:DOCUMENT_MAX],
                    problems=(problems or "").strip()[:DOCUMENT_MAX],
                    suggestions=(suggestions or "").strip()[:REASON_MAX],
                    submitted_by=actor.user,
                )
        except IntegrityError:  # a concurrent submission of the same period won
            raise RuleViolation(
                "R03",
                _("本单位已报送%(period)s的工作动态。") % {"period": period.label},
                field="period_start",
            ) from None
        audit_record(
            actor=actor,
            action="feedback.report.submit",
            target=row,
            new={
                "period": row.period,
                "period_start": period.start,
                "due_on": due_on,
                "late": row.is_late,
                "typical_case": bool(typical_case),
            },
        )
    return row
