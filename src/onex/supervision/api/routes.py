"""Routes of the supervision API: monitoring points (R20), spot checks and rectifications
(R41), disqualification proceedings (R22, R23, R47), evaluation (R42)."""

# No `from __future__ import annotations`: ninja resolves schema annotations at import time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from onex.catalog.selectors.catalogue import certificate_get
from onex.catalog.selectors.orgs import org_get
from onex.core.actors import request_actor
from onex.core.limits import CodeText, DocumentText, NameText, ReasonText, SearchText
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut
from onex.pilots.selectors.schools import school_get
from onex.supervision.models import (
    MonitoringPoint,
    Proceeding,
    Rectification,
    SpotCheckItem,
    SpotCheckRound,
)
from onex.supervision.selectors import evaluation as ev
from onex.supervision.selectors import lists
from onex.supervision.services import monitoring, proceedings, spotchecks
from onex.supervision.workflows import ITEM, POINT, PROCEEDING, RECTIFICATION, ROUND

router = Router(tags=["supervision"])
_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _moves(workflow: Any, obj: Any, context: dict[str, Any]) -> list[str]:
    return list(workflow.allowed_actions(obj, request_actor(context["request"])))


def _events(obj: Any) -> list[Any]:
    return list(obj.events.select_related("unit").order_by("at", "pk"))


# --- monitoring points (R20) --------------------------------------------------------------------


class PointOut(Schema):
    id: int
    certificate_code: str
    certificate_name: str
    school_id: int
    school_name: str
    province_name: str
    status: str
    status_label: str
    designated_on: dt.date
    note: str
    moves: list[str] = Field(..., description="Moves you may take now (R20)")

    @staticmethod
    def resolve_certificate_code(obj: MonitoringPoint) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: MonitoringPoint) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_school_name(obj: MonitoringPoint) -> str:
        return obj.school.name

    @staticmethod
    def resolve_province_name(obj: MonitoringPoint) -> str:
        return obj.province.name

    @staticmethod
    def resolve_status_label(obj: MonitoringPoint) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_moves(obj: MonitoringPoint, context: dict[str, Any]) -> list[str]:
        return _moves(POINT, obj, context)


class PointIn(Schema):
    certificate: CodeText
    school_id: int
    note: NameText = ""


class SupervisionReasonIn(Schema):
    reason: ReasonText


@router.get("/monitoring-points", response=list[PointOut], summary="Monitoring points (R20)")
@paginate(Pagination)
def point_list(
    request: HttpRequest, certificate: CodeText = "", status: CodeText = "", q: SearchText = ""
) -> Any:
    return lists.point_list(
        actor=request_actor(request), certificate=certificate, status=status, q=q
    )


@router.post(
    "/monitoring-points",
    response={201: PointOut, **_ERRORS},
    summary="Designate a confirmed pilot school as a monitoring point of a certificate (R20)",
)
def point_designate(request: HttpRequest, payload: PointIn) -> Status[MonitoringPoint]:
    actor = request_actor(request)
    point = monitoring.point_designate(
        actor=actor,
        certificate=certificate_get(code=payload.certificate),
        school=school_get(actor=actor, pk=payload.school_id),
        note=payload.note,
    )
    return Status(201, point)


@router.get(
    "/monitoring-points/{pk}",
    response={200: PointOut, 404: ErrorOut},
    summary="One monitoring point (R20)",
)
def point_detail(request: HttpRequest, pk: int) -> MonitoringPoint:
    return lists.point_get(actor=request_actor(request), pk=pk)


@router.post(
    "/monitoring-points/{pk}/withdraw",
    response={200: PointOut, **_ERRORS},
    summary="Withdraw a monitoring point, with a reason (R20)",
)
def point_withdraw(request: HttpRequest, pk: int, payload: SupervisionReasonIn) -> MonitoringPoint:
    actor = request_actor(request)
    point = lists.point_get(actor=actor, pk=pk)
    return monitoring.point_withdraw(actor=actor, point=point, reason=payload.reason)


class MonitoringCoverageOut(Schema):
    certificate_code: str
    certificate_name: str
    org_name: str
    points: int
    target: int
    pilot_schools: int
    short: bool = Field(..., description="Below the target and schools remain to designate")
    status: str = Field(
        ...,
        description="covered, short, or lacks_schools (below the target, no school to designate)",
    )


@router.get(
    "/monitoring-coverage",
    response={200: list[MonitoringCoverageOut], 403: ErrorOut},
    summary="Monitoring points per certificate against the target (R20); short=1 lists too few",
)
def coverage(request: HttpRequest, short: bool = False, q: SearchText = "") -> list[dict[str, Any]]:
    rows = lists.coverage(actor=request_actor(request), only_short=short, q=q)
    return [
        {
            "certificate_code": r.certificate.code,
            "certificate_name": r.certificate.name,
            "org_name": r.certificate.org.name,
            "points": r.points,
            "target": r.target,
            "pilot_schools": r.pilot_schools,
            "short": r.is_short,
            "status": r.status,
        }
        for r in rows
    ]


# --- spot checks (R41) --------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    position: int
    school_id: int
    school_name: str
    result: str
    result_label: str
    findings: str
    checked_on: dt.date | None
    rectifications: list[int]
    moves: list[str]

    @staticmethod
    def resolve_school_name(obj: SpotCheckItem) -> str:
        return obj.school.name

    @staticmethod
    def resolve_result_label(obj: SpotCheckItem) -> str:
        return str(obj.get_result_display())

    @staticmethod
    def resolve_rectifications(obj: SpotCheckItem) -> list[int]:
        return [r.pk for r in obj.rectifications.all()]

    @staticmethod
    def resolve_moves(obj: SpotCheckItem, context: dict[str, Any]) -> list[str]:
        return _moves(ITEM, obj, context)


class RoundOut(Schema):
    id: int
    province_name: str
    title: str
    planned_on: dt.date
    seed: str
    population: list[int]
    sample_size: int
    status: str
    status_label: str
    moves: list[str]

    @staticmethod
    def resolve_province_name(obj: SpotCheckRound) -> str:
        return obj.province.name

    @staticmethod
    def resolve_status_label(obj: SpotCheckRound) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_moves(obj: SpotCheckRound, context: dict[str, Any]) -> list[str]:
        return _moves(ROUND, obj, context)


class RoundDetailOut(RoundOut):
    items: list[ItemOut]
    redraw_matches: bool = Field(
        ..., description="Re-drawing from the stored seed and population gives the stored sample"
    )

    @staticmethod
    def resolve_items(obj: SpotCheckRound) -> list[SpotCheckItem]:
        return list(obj.items.select_related("school", "round").prefetch_related("rectifications"))

    @staticmethod
    def resolve_redraw_matches(obj: SpotCheckRound) -> bool:
        stored = list(obj.items.order_by("position").values_list("school_id", flat=True))
        return spotchecks.round_redraw(obj) == stored


class RoundIn(Schema):
    title: NameText
    planned_on: dt.date
    sample_size: int = Field(..., ge=1, le=spotchecks.MAX_SAMPLE)
    seed: CodeText = Field("", description="Leave empty for a random seed (stored either way)")


@router.get("/spot-checks", response=list[RoundOut], summary="Spot-check rounds (R41)")
@paginate(Pagination)
def round_list(request: HttpRequest, status: CodeText = "", q: SearchText = "") -> Any:
    return lists.round_list(actor=request_actor(request), status=status, q=q)


@router.post(
    "/spot-checks",
    response={201: RoundDetailOut, **_ERRORS},
    summary="Plan a spot-check round and draw its schools from the province's pilot schools (R41)",
)
def round_create(request: HttpRequest, payload: RoundIn) -> Status[SpotCheckRound]:
    round_ = spotchecks.round_create(
        actor=request_actor(request),
        title=payload.title,
        planned_on=payload.planned_on,
        sample_size=payload.sample_size,
        seed=payload.seed,
    )
    return Status(201, round_)


@router.get(
    "/spot-checks/{pk}",
    response={200: RoundDetailOut, 404: ErrorOut},
    summary="One spot-check round with its drawn schools (R41)",
)
def round_detail(request: HttpRequest, pk: int) -> SpotCheckRound:
    return lists.round_get(actor=request_actor(request), pk=pk)


@router.post(
    "/spot-checks/{pk}/close",
    response={200: RoundOut, **_ERRORS},
    summary="Close a spot-check round (R41)",
)
def round_close(request: HttpRequest, pk: int) -> SpotCheckRound:
    actor = request_actor(request)
    return spotchecks.round_close(actor=actor, round_=lists.round_get(actor=actor, pk=pk))


class FindingIn(Schema):
    issues: bool
    findings: ReasonText = ""
    checked_on: dt.date | None = None


@router.get(
    "/spot-check-items/{pk}",
    response={200: ItemOut, 404: ErrorOut},
    summary="One drawn school of a spot-check round and its findings (R41)",
)
def item_detail(request: HttpRequest, pk: int) -> SpotCheckItem:
    return lists.item_get(actor=request_actor(request), pk=pk)


@router.post(
    "/spot-check-items/{pk}/finding",
    response={200: ItemOut, **_ERRORS},
    summary="Record what the inspectors found at a drawn school: nothing, or issues (R41)",
)
def item_record(request: HttpRequest, pk: int, payload: FindingIn) -> SpotCheckItem:
    actor = request_actor(request)
    return spotchecks.item_record(
        actor=actor,
        item=lists.item_get(actor=actor, pk=pk),
        issues=payload.issues,
        findings=payload.findings,
        checked_on=payload.checked_on,
    )


class RectificationOut(Schema):
    id: int
    round_id: int
    school_id: int
    school_name: str
    province_name: str
    requirement: str
    issued_on: dt.date
    due_on: dt.date
    overdue: bool
    status: str
    status_label: str
    report: str
    closed_on: dt.date | None
    moves: list[str]
    timeline: list[TimelineEventOut]

    @staticmethod
    def resolve_round_id(obj: Rectification) -> int:
        return obj.item.round_id

    @staticmethod
    def resolve_school_name(obj: Rectification) -> str:
        return obj.school.name

    @staticmethod
    def resolve_province_name(obj: Rectification) -> str:
        return obj.province.name

    @staticmethod
    def resolve_overdue(obj: Rectification) -> bool:
        return obj.status == "open" and obj.due_on < timezone.localdate()

    @staticmethod
    def resolve_status_label(obj: Rectification) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_moves(obj: Rectification, context: dict[str, Any]) -> list[str]:
        return _moves(RECTIFICATION, obj, context)

    @staticmethod
    def resolve_timeline(obj: Rectification) -> list[Any]:
        return _events(obj)


class RectificationIn(Schema):
    requirement: ReasonText
    issued_on: dt.date | None = None


class RectificationReportIn(Schema):
    report: ReasonText


@router.post(
    "/spot-check-items/{pk}/rectifications",
    response={201: RectificationOut, **_ERRORS},
    summary="Order a school where issues were found to rectify them in time (R41)",
)
def rectification_issue(
    request: HttpRequest, pk: int, payload: RectificationIn
) -> Status[Rectification]:
    actor = request_actor(request)
    rectification = spotchecks.rectification_issue(
        actor=actor,
        item=lists.item_get(actor=actor, pk=pk),
        requirement=payload.requirement,
        issued_on=payload.issued_on,
    )
    return Status(201, rectification)


@router.get("/rectifications", response=list[RectificationOut], summary="Rectifications (R41)")
@paginate(Pagination)
def rectification_list(
    request: HttpRequest, status: CodeText = "", overdue: bool = False, q: SearchText = ""
) -> Any:
    return lists.rectification_list(
        actor=request_actor(request), status=status, overdue=overdue, q=q
    )


@router.get(
    "/rectifications/{pk}",
    response={200: RectificationOut, 404: ErrorOut},
    summary="One rectification order (R41)",
)
def rectification_detail(request: HttpRequest, pk: int) -> Rectification:
    return lists.rectification_get(actor=request_actor(request), pk=pk)


@router.post(
    "/rectifications/{pk}/submit",
    response={200: RectificationOut, **_ERRORS},
    summary="The school reports its rectification (R41)",
)
def rectification_submit(
    request: HttpRequest, pk: int, payload: RectificationReportIn
) -> Rectification:
    actor = request_actor(request)
    return spotchecks.rectification_submit(
        actor=actor,
        rectification=lists.rectification_get(actor=actor, pk=pk),
        report=payload.report,
    )


@router.post(
    "/rectifications/{pk}/accept",
    response={200: RectificationOut, **_ERRORS},
    summary="Accept a school's rectification report (R41)",
)
def rectification_accept(request: HttpRequest, pk: int) -> Rectification:
    actor = request_actor(request)
    return spotchecks.rectification_accept(
        actor=actor, rectification=lists.rectification_get(actor=actor, pk=pk)
    )


@router.post(
    "/rectifications/{pk}/return",
    response={200: RectificationOut, **_ERRORS},
    summary="Return a rectification report to the school, with a reason (R41)",
)
def rectification_return(
    request: HttpRequest, pk: int, payload: SupervisionReasonIn
) -> Rectification:
    actor = request_actor(request)
    return spotchecks.rectification_return(
        actor=actor,
        rectification=lists.rectification_get(actor=actor, pk=pk),
        reason=payload.reason,
    )


# --- proceedings (R22, R23, R47) ----------------------------------------------------------------


class ProceedingOut(Schema):
    id: int
    target_kind: str
    target_name: str
    school_id: int | None
    org_id: int | None
    province_name: str | None
    reasons: list[str]
    reason_labels: list[str]
    rule: str
    facts: str
    status: str
    status_label: str
    proposed_on: dt.date
    answer_due: dt.date
    answer: str
    answered_on: dt.date | None
    decided_on: dt.date | None
    decision_note: str
    funds_recovery: bool
    reinstated_on: dt.date | None
    moves: list[str]
    timeline: list[TimelineEventOut]

    @staticmethod
    def resolve_province_name(obj: Proceeding) -> str | None:
        return obj.province.name if obj.province else None

    @staticmethod
    def resolve_status_label(obj: Proceeding) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_moves(obj: Proceeding, context: dict[str, Any]) -> list[str]:
        return _moves(PROCEEDING, obj, context)

    @staticmethod
    def resolve_timeline(obj: Proceeding) -> list[Any]:
        return _events(obj)


class SchoolProposalIn(Schema):
    school_id: int
    reasons: list[CodeText] = Field(..., max_length=10, description="R23/R47 reason codes")
    facts: DocumentText


class OrgProposalIn(Schema):
    org_id: int
    reasons: list[CodeText] = Field(..., max_length=10, description="R22 reason codes")
    facts: DocumentText


class ProceedingAnswerIn(Schema):
    answer: ReasonText


class ProceedingFilters(Schema):
    status: CodeText = ""
    target_kind: CodeText = ""
    funds_recovery: bool = Field(
        False, description="Only disqualified schools whose funds to recover (R41)"
    )
    q: SearchText = ""


@router.get("/proceedings", response=list[ProceedingOut], summary="Disqualification proceedings")
@paginate(Pagination)
def proceeding_list(request: HttpRequest, filters: Query[ProceedingFilters]) -> Any:
    return lists.proceeding_list(
        actor=request_actor(request),
        status=filters.status,
        target_kind=filters.target_kind,
        funds_recovery=filters.funds_recovery,
        q=filters.q,
    )


@router.post(
    "/proceedings/schools",
    response={201: ProceedingOut, **_ERRORS},
    summary="Propose to disqualify a pilot school (R23, R47)",
)
def proceeding_propose_school(
    request: HttpRequest, payload: SchoolProposalIn
) -> Status[Proceeding]:
    actor = request_actor(request)
    proceeding = proceedings.proceeding_propose_school(
        actor=actor,
        school=school_get(actor=actor, pk=payload.school_id),
        reasons=payload.reasons,
        facts=payload.facts,
    )
    return Status(201, proceeding)


@router.post(
    "/proceedings/orgs",
    response={201: ProceedingOut, **_ERRORS},
    summary="Propose that an org lose its pilot status (R22; the Ministry)",
)
def proceeding_propose_org(request: HttpRequest, payload: OrgProposalIn) -> Status[Proceeding]:
    proceeding = proceedings.proceeding_propose_org(
        actor=request_actor(request),
        org=org_get(pk=payload.org_id),
        reasons=payload.reasons,
        facts=payload.facts,
    )
    return Status(201, proceeding)


@router.get(
    "/proceedings/{pk}",
    response={200: ProceedingOut, 404: ErrorOut},
    summary="One disqualification proceeding",
)
def proceeding_detail(request: HttpRequest, pk: int) -> Proceeding:
    return lists.proceeding_get(actor=request_actor(request), pk=pk)


@router.post(
    "/proceedings/{pk}/answer",
    response={200: ProceedingOut, **_ERRORS},
    summary="The school or org answers the proposal before the decision",
)
def proceeding_answer(request: HttpRequest, pk: int, payload: ProceedingAnswerIn) -> Proceeding:
    actor = request_actor(request)
    return proceedings.proceeding_answer(
        actor=actor, proceeding=lists.proceeding_get(actor=actor, pk=pk), answer=payload.answer
    )


@router.post(
    "/proceedings/{pk}/disqualify",
    response={200: ProceedingOut, **_ERRORS},
    summary="Decide to disqualify: the school or org loses its pilot status (R22, R23, R47)",
)
def proceeding_disqualify(
    request: HttpRequest, pk: int, payload: SupervisionReasonIn
) -> Proceeding:
    actor = request_actor(request)
    return proceedings.proceeding_disqualify(
        actor=actor, proceeding=lists.proceeding_get(actor=actor, pk=pk), note=payload.reason
    )


@router.post(
    "/proceedings/{pk}/dismiss",
    response={200: ProceedingOut, **_ERRORS},
    summary="Dismiss a proceeding: the school or org keeps its pilot status",
)
def proceeding_dismiss(request: HttpRequest, pk: int, payload: SupervisionReasonIn) -> Proceeding:
    actor = request_actor(request)
    return proceedings.proceeding_dismiss(
        actor=actor, proceeding=lists.proceeding_get(actor=actor, pk=pk), note=payload.reason
    )


@router.post(
    "/proceedings/{pk}/reinstate",
    response={200: ProceedingOut, **_ERRORS},
    summary="Reinstate a disqualified school or org, with a reason",
)
def proceeding_reinstate(request: HttpRequest, pk: int, payload: SupervisionReasonIn) -> Proceeding:
    actor = request_actor(request)
    return proceedings.proceeding_reinstate(
        actor=actor, proceeding=lists.proceeding_get(actor=actor, pk=pk), reason=payload.reason
    )


class FrozenCandidateOut(Schema):
    ticket_number: str
    name: str
    school_name: str | None


class FrozenPlanOut(Schema):
    plan_id: int
    certificate_name: str
    province_name: str
    exam_date: dt.date
    status: str
    candidates: list[FrozenCandidateOut]


@router.get(
    "/proceedings/{pk}/frozen-plans",
    response={200: list[FrozenPlanOut], 404: ErrorOut},
    summary="R22: the org's open exam plans, frozen, with their candidates",
)
def proceeding_frozen_plans(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    proceeding = lists.proceeding_get(actor=request_actor(request), pk=pk)
    if proceeding.org is None:
        return []
    return [
        {
            "plan_id": f.plan.pk,
            "certificate_name": f.plan.certificate.name,
            "province_name": f.plan.province.name,
            "exam_date": f.plan.exam_date,
            "status": f.plan.status,
            "candidates": [
                {
                    "ticket_number": r.ticket_number,
                    "name": r.candidate.name,
                    "school_name": r.school.name if r.school else None,
                }
                for r in f.candidates
            ],
        }
        for f in lists.frozen_plans(proceeding.org)
    ]


# --- evaluation (R42) ---------------------------------------------------------------------------


class SchoolEvaluationOut(Schema):
    school_id: int
    school_name: str
    province_name: str
    score: Decimal | None
    components: dict[str, Decimal | None] = Field(
        ..., description="Each component as a ratio in [0, 1]; null: not available"
    )


class EvaluationReportOut(Schema):
    weights: dict[str, Decimal]
    not_available: list[str]
    schools: list[SchoolEvaluationOut]


@router.get(
    "/evaluations",
    response={200: EvaluationReportOut, 403: ErrorOut},
    summary="End-of-pilot performance evaluation of schools (R42)",
)
def evaluations(
    request: HttpRequest, q: SearchText = "", province: CodeText = ""
) -> dict[str, Any]:
    rows, weights, missing = ev.evaluate(actor=request_actor(request), q=q, province=province)
    return {
        "weights": weights,
        "not_available": missing,
        "schools": [
            {
                "school_id": e.school.pk,
                "school_name": e.school.name,
                "province_name": e.school.province.name,
                "score": e.score,
                "components": e.values,
            }
            for e in rows
        ],
    }
