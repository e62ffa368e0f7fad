"""Org notices (public to read; R19 on publishing) and the R19 phrase list."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from onex.catalog.models import OrgNotice
from onex.catalog.selectors import notices, orgs
from onex.catalog.services import notices as notice_services
from onex.catalog.services import phrases as phrase_services
from onex.core.actors import request_actor
from onex.core.limits import DocumentText
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut

router = Router()


class NoticeOut(Schema):
    id: int
    org_id: int
    title: str
    body: str
    published_at: dt.datetime

    @staticmethod
    def resolve_id(obj: OrgNotice) -> int:
        return obj.pk


class PhraseOut(Schema):
    id: int | None = Field(None, description="null: a shipped default not yet edited")
    phrase: str
    is_active: bool

    @staticmethod
    def resolve_id(obj: notices.PhraseRow) -> int | None:
        return obj.pk


class PhraseIn(Schema):
    phrase: str = Field(..., min_length=1, max_length=64)


class PhraseActiveIn(Schema):
    is_active: bool


class NoticeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    body: DocumentText = Field(..., min_length=1)


@router.get(
    "/orgs/{org_id}/notices",
    response=list[NoticeOut],
    auth=None,
    summary="Notices of an organization",
)
@paginate(Pagination)
def org_notice_list(request: HttpRequest, org_id: int) -> Any:
    return notices.org_notices(org=orgs.org_get(pk=org_id))


@router.post(
    "/orgs/{org_id}/notices",
    response={201: NoticeOut, 403: ErrorOut, 422: ErrorOut},
    summary="Publish a notice (R19: unauthorized endorsements are refused)",
)
def notice_publish(request: HttpRequest, org_id: int, payload: NoticeIn) -> Status[OrgNotice]:
    org = orgs.org_get(pk=org_id)
    notice = notice_services.notice_publish(
        actor=request_actor(request), org=org, title=payload.title, body=payload.body
    )
    return Status(201, notice)


@router.get(
    "/phrases",
    response=list[PhraseOut],
    summary="Unauthorized endorsements refused in org notices (R19)",
)
def phrase_list(request: HttpRequest) -> Any:
    return notices.unauthorized_phrase_rows()


@router.post(
    "/phrases",
    response={201: PhraseOut, 403: ErrorOut, 422: ErrorOut},
    summary="Add an endorsement orgs may not claim (R19)",
)
def phrase_add(request: HttpRequest, payload: PhraseIn) -> Status[notices.PhraseRow]:
    row = phrase_services.phrase_add(actor=request_actor(request), phrase=payload.phrase)
    return Status(201, notices.PhraseRow(row.pk, row.phrase, row.is_active))


@router.post(
    "/phrases/{phrase_id}/active",
    response={200: PhraseOut, 403: ErrorOut},
    summary="Activate or deactivate a banned endorsement (R19)",
)
def phrase_set_active(request: HttpRequest, phrase_id: int, payload: PhraseActiveIn) -> Any:
    row = phrase_services.phrase_set_active(
        actor=request_actor(request),
        phrase=notices.unauthorized_phrase_get(pk=phrase_id),
        is_active=payload.is_active,
    )
    return notices.PhraseRow(row.pk, row.phrase, row.is_active)
