"""Learning resources (R08) and licensed publishers."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from onex.catalog.selectors import catalogue
from onex.catalog.selectors.orgs import org_of
from onex.core.actors import request_actor
from onex.core.errors import Forbidden
from onex.core.limits import CodeText, NameText, SearchText
from onex.core.params import Id, Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut
from onex.training.models import LicensedPublisher, Resource
from onex.training.selectors import resources as selectors
from onex.training.services import resources as services
from onex.training.workflows import RESOURCE

router = Router()


class PublisherIn(Schema):
    name: NameText
    licence_number: CodeText = ""


class PublisherActiveIn(Schema):
    active: bool


class PublisherOut(Schema):
    id: int
    name: str
    licence_number: str
    active: bool

    @staticmethod
    def resolve_id(obj: LicensedPublisher) -> int:
        return obj.pk


class ResourceIn(Schema):
    certificate: CodeText
    kind: CodeText = Field(..., description="textbook / case_library / question_bank")
    title: NameText
    updated_on: dt.date
    free: bool = True
    price: Decimal = Field(Decimal(0), ge=0, le=99999999, decimal_places=2)
    publisher: Id | None = Field(None, description="Licensed publisher id (textbooks)")
    isbn: CodeText = ""
    url: str = Field("", max_length=500)
    unit_cost: Decimal | None = Field(
        None, ge=0, le=99999999, decimal_places=2, description="Declared unit cost (priced, R08)"
    )
    cost_basis: str = Field("", max_length=500, description="What the cost is made of (R08)")


class ResourcePriceIn(Schema):
    free: bool
    price: Decimal = Field(Decimal(0), ge=0, le=99999999, decimal_places=2)
    unit_cost: Decimal | None = Field(None, ge=0, le=99999999, decimal_places=2)
    cost_basis: str = Field("", max_length=500)


class RefreshIn(Schema):
    updated_on: dt.date


class ResourceOut(Schema):
    id: int
    org_name: str
    certificate_code: str
    certificate_name: str
    kind: str
    kind_label: str
    title: str
    publisher: str | None
    isbn: str
    url: str
    updated_on: dt.date
    stale: bool = Field(..., description="Question bank not updated within the profile's months")
    free: bool
    price: Decimal
    unit_cost: Decimal | None
    cost_basis: str
    status: str
    status_label: str
    events: list[TimelineEventOut]
    moves: list[str]

    @staticmethod
    def resolve_id(obj: Resource) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_name(obj: Resource) -> str:
        return obj.org.name

    @staticmethod
    def resolve_certificate_code(obj: Resource) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: Resource) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_kind_label(obj: Resource) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_publisher(obj: Resource) -> str | None:
        return obj.publisher.name if obj.publisher else None

    @staticmethod
    def resolve_stale(obj: Resource) -> bool:
        return selectors.is_stale(obj)

    @staticmethod
    def resolve_status_label(obj: Resource) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_events(obj: Resource) -> list[Any]:
        return list(obj.events.select_related("unit"))

    @staticmethod
    def resolve_moves(obj: Resource, context: dict[str, Any]) -> list[str]:
        return RESOURCE.allowed_actions(obj, request_actor(context["request"]))


class StaleOut(Schema):
    org_id: int
    certificate_code: str
    certificate_name: str
    what: str
    title: str
    updated_on: dt.date | None


_WRITE = {200: ResourceOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("/publishers", response=list[PublisherOut], summary="Licensed publishers")
@paginate(Pagination)
def publisher_list(request: HttpRequest, q: SearchText = "", active_only: bool = False) -> Any:
    return selectors.publisher_list(q=q, active_only=active_only)


@router.post(
    "/publishers",
    response={201: PublisherOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Add a licensed publisher (national admin)",
)
def publisher_create(request: HttpRequest, payload: PublisherIn) -> Status[LicensedPublisher]:
    return Status(201, services.publisher_create(actor=request_actor(request), **payload.dict()))


@router.post(
    "/publishers/{publisher_id}/active",
    response={200: PublisherOut, 403: ErrorOut, 404: ErrorOut},
    summary="Mark a publisher licensed or not (national admin)",
)
def publisher_active(
    request: HttpRequest, publisher_id: Id, payload: PublisherActiveIn
) -> LicensedPublisher:
    return services.publisher_set_active(
        actor=request_actor(request),
        publisher=selectors.publisher_get(pk=publisher_id),
        active=payload.active,
    )


@router.get("/resources", response=list[ResourceOut], summary="Learning resources (R08)")
@paginate(Pagination)
def resource_list(
    request: HttpRequest,
    kind: CodeText = "",
    status: CodeText = "",
    q: SearchText = "",
    stale: bool | None = None,
) -> Any:
    return selectors.resource_list(
        actor=request_actor(request), kind=kind, status=status, q=q, stale=stale
    )


@router.post(
    "/resources",
    response={201: ResourceOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="List a resource (R08: licensed publisher and valid ISBN for textbooks)",
)
def resource_create(request: HttpRequest, payload: ResourceIn) -> Status[Resource]:
    actor = request_actor(request)
    org = org_of(actor)
    if org is None:
        raise Forbidden(_("只有培训评价组织可以登记培训资源。"))
    resource = services.resource_create(
        actor=actor,
        org=org,
        data=services.ResourceInput(
            certificate=catalogue.certificate_get(code=payload.certificate),
            kind=payload.kind,
            title=payload.title,
            updated_on=payload.updated_on,
            free=payload.free,
            price=payload.price,
            publisher=selectors.publisher_get(pk=payload.publisher) if payload.publisher else None,
            isbn=payload.isbn,
            url=payload.url,
            unit_cost=payload.unit_cost,
            cost_basis=payload.cost_basis,
        ),
    )
    return Status(201, resource)


@router.get("/resources/stale", response=list[StaleOut], summary="Your overdue items (R08, R22)")
def resource_stale(request: HttpRequest) -> list[selectors.StaleItem]:
    org = org_of(request_actor(request))
    return selectors.stale_items(org=org) if org is not None else []


@router.get(
    "/resources/{resource_id}",
    response={200: ResourceOut, 404: ErrorOut},
    summary="One learning resource (R08)",
)
def resource_detail(request: HttpRequest, resource_id: Id) -> Resource:
    return selectors.resource_get(actor=request_actor(request), pk=resource_id)


@router.post("/resources/{resource_id}/refresh", response=_WRITE, summary="Record an update")
def resource_refresh(request: HttpRequest, resource_id: Id, payload: RefreshIn) -> Resource:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=resource_id)
    return services.resource_refresh(actor=actor, resource=resource, updated_on=payload.updated_on)


@router.post(
    "/resources/{resource_id}/price",
    response=_WRITE,
    summary="Make a resource free, or price it at its declared cost (R08)",
)
def resource_price(request: HttpRequest, resource_id: Id, payload: ResourcePriceIn) -> Resource:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=resource_id)
    return services.resource_set_price(actor=actor, resource=resource, **payload.dict())


@router.post("/resources/{resource_id}/withdraw", response=_WRITE, summary="Withdraw")
def resource_withdraw(request: HttpRequest, resource_id: Id) -> Resource:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=resource_id)
    return services.resource_withdraw(actor=actor, resource=resource)


@router.post("/resources/{resource_id}/relist", response=_WRITE, summary="List again")
def resource_relist(request: HttpRequest, resource_id: Id) -> Resource:
    actor = request_actor(request)
    resource = selectors.resource_get(actor=actor, pk=resource_id)
    return services.resource_relist(actor=actor, resource=resource)
