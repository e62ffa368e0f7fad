"""The public catalogue API: certificates with levels, ceilings and standards, and orgs."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from onex.catalog.models import Org
from onex.catalog.selectors import catalogue, orgs
from onex.core.limits import SearchText
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut, RowOut

router = Router()


class LevelOut(RowOut):
    level: str
    label: str
    description: str
    cost_ceiling: Decimal | None = Field(None, description="Ministry cost ceiling in yuan (R13)")


class CatalogCertificateOut(RowOut):
    code: str
    name: str
    org_id: int
    org_name: str
    batch: int
    position: int | None
    field: str
    specialties: list[str]
    levels: list[LevelOut]


class StandardOut(RowOut):
    version: str
    published_on: dt.date
    pdf_url: str | None
    content: dict[str, Any] = Field(
        ..., description="Per level: [{area, tasks: [{task, requirements: [str]}]}]"
    )


class CatalogCertificateDetailOut(CatalogCertificateOut):
    description: str
    batch_published_on: dt.date
    textbook_updated_on: dt.date | None
    case_library_updated_on: dt.date | None
    question_bank_updated_on: dt.date | None
    standard: StandardOut | None


class CatalogCertificateFilters(Schema):
    q: SearchText | None = Field(None, description="Certificate name or code contains")
    org: SearchText | None = Field(None, description="Org name contains, or org id")
    batch: int | None = Field(None, description="Batch number")
    specialty: SearchText | None = Field(None, description="A corresponding specialty contains")


class OrgOut(Schema):
    id: int
    name: str
    credit_code: str
    org_type: str
    org_type_label: str
    status: str
    can_act: bool = Field(..., description="Active with a complete agreement in force (R18)")

    @staticmethod
    def resolve_id(obj: Org) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_type_label(obj: Org) -> str:
        return str(obj.get_org_type_display())

    @staticmethod
    def resolve_can_act(obj: Org) -> bool:
        return orgs.org_can_act(obj)


# --- public catalogue ----------------------------------------------------------------------


@router.get(
    "/certificates",
    response=list[CatalogCertificateOut],
    auth=None,
    summary="Search the public certificate catalogue",
)
@paginate(Pagination)
def certificate_list(request: HttpRequest, filters: Query[CatalogCertificateFilters]) -> Any:
    return catalogue.certificate_page(
        search=catalogue.CatalogSearch(
            q=filters.q or "",
            org=filters.org or "",
            batch=filters.batch,
            specialty=filters.specialty or "",
        )
    )


@router.get(
    "/certificates/{code}",
    response={200: CatalogCertificateDetailOut, 404: ErrorOut},
    auth=None,
    summary="One certificate with levels, ceilings and its current standard",
)
def certificate_detail(request: HttpRequest, code: str) -> catalogue.CertificateDetailRow:
    return catalogue.certificate_detail(code=code)


@router.get("/orgs", response=list[OrgOut], auth=None, summary="Training-evaluation orgs")
@paginate(Pagination)
def org_list(request: HttpRequest, q: SearchText = "") -> Any:
    return orgs.org_list(q=q)


@router.get(
    "/orgs/{org_id}",
    response={200: OrgOut, 404: ErrorOut},
    auth=None,
    summary="One training evaluation organization",
)
def org_detail(request: HttpRequest, org_id: int) -> Org:
    return orgs.org_get(pk=org_id)
