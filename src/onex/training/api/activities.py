"""Activity filings (R02): the org files, the province acknowledges; scoped (404 outside)."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from onex.catalog.selectors.orgs import org_of
from onex.core.actors import request_actor
from onex.core.errors import Forbidden, InvalidInput
from onex.core.limits import CodeText, DocumentText, NameText, ReasonText, SearchText
from onex.core.params import Id, Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut, province_by_code
from onex.pilots.models import School
from onex.training.models import ActivityFiling
from onex.training.selectors import activities as selectors
from onex.training.services import activities as services
from onex.training.workflows import ACTIVITY

router = Router()


class ActivityIn(Schema):
    province: CodeText = Field(..., description="Province GB/T 2260 code, e.g. 440000")
    kind: CodeText = Field(..., description="promotion / teacher_training / assessment / meeting")
    title: NameText
    starts_on: dt.date
    ends_on: dt.date
    venue: NameText
    schools: list[Id] = Field([], max_length=500, description="Ids of the schools involved")
    description: DocumentText = ""


class ActivityOut(Schema):
    id: int
    org_name: str
    province_code: str
    province_name: str
    kind: str
    kind_label: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str
    schools: list[str]
    description: str
    status: str
    status_label: str
    filed_on: dt.date
    lead_working_days: int
    lead_required: int
    late: bool = Field(..., description="Filed inside the lead time (R02: flagged)")
    events: list[TimelineEventOut]
    moves: list[str]

    @staticmethod
    def resolve_id(obj: ActivityFiling) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_name(obj: ActivityFiling) -> str:
        return obj.org.name

    @staticmethod
    def resolve_province_code(obj: ActivityFiling) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: ActivityFiling) -> str:
        return obj.province.name

    @staticmethod
    def resolve_kind_label(obj: ActivityFiling) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: ActivityFiling) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_schools(obj: ActivityFiling) -> list[str]:
        return [s.name for s in obj.schools.all()]

    @staticmethod
    def resolve_events(obj: ActivityFiling) -> list[Any]:
        return list(obj.events.select_related("unit"))

    @staticmethod
    def resolve_moves(obj: ActivityFiling, context: dict[str, Any]) -> list[str]:
        return ACTIVITY.allowed_actions(obj, request_actor(context["request"]))


class ActivityListOut(Schema):
    id: int
    org_name: str
    province_name: str
    kind: str
    kind_label: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str
    status: str
    status_label: str
    late: bool

    resolve_id = staticmethod(ActivityOut.resolve_id)
    resolve_org_name = staticmethod(ActivityOut.resolve_org_name)
    resolve_province_name = staticmethod(ActivityOut.resolve_province_name)
    resolve_kind_label = staticmethod(ActivityOut.resolve_kind_label)
    resolve_status_label = staticmethod(ActivityOut.resolve_status_label)


class CancelIn(Schema):
    reason: ReasonText = Field(..., description="Why the activity is cancelled (required)")


_WRITE = {200: ActivityOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/activities",
    response={201: ActivityOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="File an activity with a province before it happens (R02, R38)",
)
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status[ActivityFiling]:
    actor = request_actor(request)
    org = org_of(actor)
    if org is None:
        raise Forbidden(_("只有培训评价组织可以备案活动。"))
    province = province_by_code(payload.province)
    schools = list(School.objects.filter(pk__in=payload.schools))
    if len(schools) != len(set(payload.schools)):
        raise InvalidInput(_("未知的学校。"), field="schools")
    filing = services.activity_create(
        actor=actor,
        org=org,
        province=province,
        data=services.ActivityInput(
            kind=payload.kind,
            title=payload.title,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            venue=payload.venue,
            schools=schools,
            description=payload.description,
        ),
    )
    return Status(201, filing)


@router.get(
    "/activities", response=list[ActivityListOut], summary="Activities in your jurisdiction"
)
@paginate(Pagination)
def activity_list(
    request: HttpRequest,
    status: CodeText = "",
    kind: CodeText = "",
    late: bool | None = None,
    q: SearchText = "",
    starts_from: dt.date | None = None,
    starts_until: dt.date | None = None,
) -> Any:
    return selectors.activity_list(
        actor=request_actor(request),
        status=status,
        kind=kind,
        late=late,
        q=q,
        starts_from=starts_from,
        starts_until=starts_until,
    )


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, 404: ErrorOut},
    summary="One filed activity (404 outside your jurisdiction)",
)
def activity_detail(request: HttpRequest, activity_id: Id) -> ActivityFiling:
    return selectors.activity_get(actor=request_actor(request), pk=activity_id)


@router.post(
    "/activities/{activity_id}/acknowledge", response=_WRITE, summary="Province acknowledges"
)
def activity_acknowledge(request: HttpRequest, activity_id: Id) -> ActivityFiling:
    actor = request_actor(request)
    filing = selectors.activity_get(actor=actor, pk=activity_id)
    return services.activity_acknowledge(actor=actor, filing=filing)


@router.post("/activities/{activity_id}/cancel", response=_WRITE, summary="Org cancels")
def activity_cancel(request: HttpRequest, activity_id: Id, payload: CancelIn) -> ActivityFiling:
    actor = request_actor(request)
    filing = selectors.activity_get(actor=actor, pk=activity_id)
    return services.activity_cancel(actor=actor, filing=filing, reason=payload.reason)
