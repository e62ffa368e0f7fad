"""Public certificate query and verification, no login (R36), mounted at /api/v1/public.

- ``GET /certificates/verify?number=…&name=…``: a certificate number is not sensitive;
- ``POST /certificates/query`` with ``{name, id_number}`` → the person's certificates, or with
  ``{name, id_number, admission_ticket}`` → that exam's result. POST so the ID number never
  appears in a URL (URLs end up in proxy and server logs).

Every mismatch answers the same 404 "not found", whichever field was wrong; only a certificate
number with a wrong check character is told so (it is caught before any lookup). Requests are
limited per client IP (``ONEX_PUBLIC_RATE_PER_MINUTE``) with a 429 and ``Retry-After``.
"""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from onex.certificates.selectors import certificates as selectors
from onex.certificates.selectors.certificates import PublicCertificate, RateLimited
from onex.core.actors import client_ip
from onex.core.schemas import ErrorOut

router = Router(tags=["public certificate query"], auth=None)


class PublicCertificateOut(Schema):
    number: str
    holder_name: str
    id_number_masked: str
    certificate_name: str
    level: str
    level_label: str
    org_name: str
    issued_on: dt.date
    status: str = Field(..., description="valid | suspended | revoked")
    status_label: str
    status_reason: str
    org_status: str = Field(
        "active", description="The issuing org: active | suspended | exited (R22)"
    )
    org_status_on: dt.date | None = Field(None, description="When the org's status last changed")


class VerifyIn(Schema):
    number: str = Field(..., max_length=64, description="Certificate number (19 characters)")
    name: str = Field(..., max_length=64, description="Holder name as on the certificate")


class QueryIn(Schema):
    name: str = Field(..., max_length=64)
    id_number: str = Field(..., max_length=64, description="ID document number (never logged)")
    admission_ticket: str | None = Field(
        None, max_length=64, description="准考证号: answer that exam's result instead"
    )


class ExamResultOut(Schema):
    holder_name: str
    id_number_masked: str
    admission_ticket: str
    certificate_name: str
    level_label: str
    org_name: str
    exam_date: dt.date
    theory_score: Decimal | None
    practical_score: Decimal | None
    passed: bool | None
    certificate_number: str | None


class QueryOut(Schema):
    certificates: list[PublicCertificateOut]
    exam_result: ExamResultOut | None = None


def _rate_limited(exc: RateLimited) -> HttpResponse:
    response = HttpResponse(
        json.dumps(exc.as_dict(), ensure_ascii=False),
        status=429,
        content_type="application/json; charset=utf-8",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _out(item: PublicCertificate) -> dict[str, Any]:
    return item.__dict__


@router.get(
    "/certificates/verify",
    response={200: PublicCertificateOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Verify a certificate by number and holder name",
    url_name="public_certificate_verify",
)
def verify(request: HttpRequest, params: Query[VerifyIn]) -> Any:
    try:
        found = selectors.public_verify_counted(
            ip=client_ip(request), number=params.number, name=params.name
        )
    except RateLimited as exc:
        return _rate_limited(exc)
    return _out(found)


@router.post(
    "/certificates/query",
    response={200: QueryOut, 404: ErrorOut, 429: ErrorOut},
    summary="A person's certificates (name + ID number), or one exam's result (+ 准考证号)",
    url_name="public_certificate_query",
)
def query(request: HttpRequest, payload: QueryIn) -> Any:
    try:
        selectors.public_rate_check(ip=client_ip(request))
    except RateLimited as exc:
        return _rate_limited(exc)
    if payload.admission_ticket:
        result = selectors.public_exam_result(
            name=payload.name,
            id_number=payload.id_number,
            admission_ticket=payload.admission_ticket,
        )
        return {"certificates": [], "exam_result": result.__dict__}
    items = selectors.public_query(name=payload.name, id_number=payload.id_number)
    return {"certificates": [_out(i) for i in items], "exam_result": None}
