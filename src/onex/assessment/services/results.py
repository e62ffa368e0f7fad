"""Results and objections: scores during score registration, objections during the publicity.

Each is a declared move (``assessment.workflows``): the org enters a result (``result``), the
party objects (the registration's ``objection``), the org answers (the objection's ``answer``),
optionally correcting the scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import ExamPlan, Objection, ObjectionEvent, Registration
from onex.assessment.selectors.exams import SCORE_MAX, compute_pass, registration_get
from onex.assessment.workflows import OBJECTION, REGISTRATION
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.workflows import clean_reason, perform, perform_many


def check_score(value: Decimal, field_name: str) -> Decimal:
    value = Decimal(value)
    if not Decimal(0) <= value <= SCORE_MAX:
        raise InvalidInput(_("成绩应在 0 到 100 之间。"), field=field_name)
    return value.quantize(Decimal("0.01"))


def _scores(registration: Registration, theory: Decimal, practical: Decimal) -> dict[str, Any]:
    return {
        "theory_score": theory,
        "practical_score": practical,
        "passed": compute_pass(registration.plan, theory, practical),
    }


def _current(registration: Registration) -> dict[str, Any]:
    return {
        "theory_score": registration.theory_score,
        "practical_score": registration.practical_score,
        "passed": registration.passed,
    }


def result_record(
    *,
    actor: Actor,
    registration: Registration,
    theory: Decimal,
    practical: Decimal,
    import_job: int | None = None,
) -> str:
    """One candidate's scores, by the plan's org during score registration (成绩登记中).

    Returns ``created``/``updated``, or ``unchanged`` when the scores are those on record (a
    re-imported file writes nothing).
    """
    theory = check_score(theory, "theory_score")
    practical = check_score(practical, "practical_score")
    registration = registration_get(actor=actor, pk=registration.pk)
    if _current(registration) == _scores(registration, theory, practical):
        return "unchanged"
    created = registration.passed is None
    perform(
        REGISTRATION,
        actor=actor,
        obj=registration,
        action="result",
        reason=(_("导入任务 %(id)s") % {"id": import_job}) if import_job else "",
        changes=lambda locked: {
            **_scores(locked, theory, practical),
            "result_recorded_at": timezone.now(),
        },
    )
    return "created" if created else "updated"


def results_record_many(
    *,
    actor: Actor,
    scores: Mapping[int, tuple[Decimal, Decimal]],
    import_job: int | None = None,
) -> dict[str, int]:
    """Many candidates' scores at once (a results file), keyed by registration id.

    The same checks and verdicts as ``result_record``, written set-based through
    ``perform_many``: each changed registration gets its timeline event, the audit chain one
    event for the file. Returns the counts of created, updated and unchanged results.
    """
    checked = {
        pk: (check_score(theory, "theory_score"), check_score(practical, "practical_score"))
        for pk, (theory, practical) in scores.items()
    }
    now = timezone.now()
    created = 0
    plans: dict[int, ExamPlan] = {}

    def change(row: Mapping[str, Any]) -> dict[str, Any] | None:
        nonlocal created
        plan = plans.get(row["plan_id"])
        if plan is None:
            plan = plans[row["plan_id"]] = ExamPlan.objects.get(pk=row["plan_id"])
        theory, practical = checked[row["pk"]]
        new = {
            "theory_score": theory,
            "practical_score": practical,
            "passed": compute_pass(plan, theory, practical),
        }
        if all(row[name] == value for name, value in new.items()):
            return None
        if row["passed"] is None:
            created += 1
        return {**new, "result_recorded_at": now}

    outcome = perform_many(
        REGISTRATION,
        actor=actor,
        pks=checked,
        action="result",
        fields=("theory_score", "practical_score", "passed", "result_recorded_at"),
        changes=change,
        # Who may enter a result (the plan's org) and when (the plan in score registration)
        # depend on the registration's plan alone: checked once per plan, not per row.
        alike=("plan_id",),
        reason=(_("导入任务 %(id)s") % {"id": import_job}) if import_job else "",
        summary={"import_job": import_job} if import_job else None,
    )
    return {
        "created": created,
        "updated": outcome.changed - created,
        "unchanged": outcome.unchanged,
    }


def objection_lodge(*, actor: Actor, registration: Registration, reason: str) -> Objection:
    """During the publicity the candidate (or its school) objects to a result."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写异议内容。"), field="reason")
    reason = clean_reason(reason, required=True)
    lodged: list[Objection] = []

    def create(locked: Registration) -> dict[str, Any]:
        objection = Objection.objects.create(
            registration=locked, reason=reason, created_by=actor.user
        )
        ObjectionEvent.record(
            actor=actor, objection=objection, action="lodge", to_status=objection.status
        )
        lodged.append(objection)
        return {"objection": objection.pk}

    perform(
        REGISTRATION,
        actor=actor,
        obj=registration,
        action="objection",
        reason=reason,
        related=create,
    )
    return lodged[0]


def objection_answer(
    *,
    actor: Actor,
    objection: Objection,
    answer: str,
    theory: Decimal | None = None,
    practical: Decimal | None = None,
) -> Objection:
    """The org answers; it may correct the scores (the verdict is recomputed)."""
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("请填写答复内容。"), field="answer")
    if (theory is None) != (practical is None):
        raise InvalidInput(_("更正成绩时请同时填写理论成绩和实操成绩。"), field="theory_score")
    if theory is not None and practical is not None:
        theory = check_score(theory, "theory_score")
        practical = check_score(practical, "practical_score")

    def correct(locked: Objection) -> dict[str, Any]:
        registration = Registration.objects.select_for_update(of=("self",)).get(
            pk=locked.registration_id
        )
        if theory is None or practical is None:
            return {"score_changed": False}
        old = _current(registration)
        new = _scores(registration, theory, practical)
        if old == new:
            return {"score_changed": False}
        for name, value in new.items():
            setattr(registration, name, value)
        registration.result_recorded_at = timezone.now()
        registration.save(update_fields=[*new, "result_recorded_at"])
        # The correction belongs on the registration's timeline and audit too.
        REGISTRATION.event_model.record(
            actor=actor,
            registration=registration,
            action="result",
            reason=_("异议答复更正"),
            from_status=registration.status,
            to_status=registration.status,
        )
        audit_record(
            actor=actor,
            action="assessment.result_correct",
            target=registration,
            old=old,
            new=new,
        )
        Objection.objects.filter(pk=locked.pk).update(score_changed=True)
        locked.score_changed = True
        return {"score_changed": True}

    return perform(
        OBJECTION,
        actor=actor,
        obj=objection,
        action="answer",
        reason=answer,
        changes=lambda _locked: {
            "answer": answer,
            "answered_by": actor.user,
            "answered_at": timezone.now(),
        },
        related=correct,
    )
