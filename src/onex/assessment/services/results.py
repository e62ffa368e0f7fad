"""Results and objections: scores during score registration, objections during the publicity."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import (
    Objection,
    ObjectionStatus,
    PlanStatus,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from onex.assessment.selectors.exams import (
    SCORE_MAX,
    _today,
    compute_pass,
    objection_get,
    registration_get,
)
from onex.assessment.services.exams import (
    _locked_plan,
    _owned_plan,
    _require_registration_party,
    _require_status,
)
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput


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
