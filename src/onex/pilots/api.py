"""The pilots API: parse → selector or service → schema. Errors come from onex.api handlers."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from onex.core.actors import Actor
from onex.core.errors import InvalidInput
from onex.geo.models import Division, DivisionLevel
from onex.pilots import selectors, services
from onex.pilots.models import School

router = Router(tags=["pilots"])


class ErrorOut(Schema):
    code: str
    rule: str | None
    message: str
    details: dict[str, Any]


class SchoolOut(Schema):
    id: int
    name: str
    code: str
    school_type: str
    school_type_label: str
    province_code: str
    province_name: str
    city_code: str
    city_name: str

    # Resolvers let endpoints return model instances (and paginated querysets) directly.
    @staticmethod
    def resolve_id(obj: School) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_type_label(obj: School) -> str:
        return str(obj.get_school_type_display())

    @staticmethod
    def resolve_province_code(obj: School) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: School) -> str:
        return obj.province.name

    @staticmethod
    def resolve_city_code(obj: School) -> str:
        return obj.city.code

    @staticmethod
    def resolve_city_name(obj: School) -> str:
        return obj.city.name


class SchoolFilters(Schema):
    q: str | None = Field(None, description="Name contains, or code starts with")
    province: str | None = Field(None, description="Province GB/T 2260 code, e.g. 440000")
    city: str | None = Field(None, description="City GB/T 2260 code, e.g. 440100")
    school_type: str | None = Field(None, description="One of the SchoolType values")


class SchoolIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    code: str = Field(..., description="10-digit school identification code (学校标识码)")
    school_type: str
    city: str = Field(..., description="City GB/T 2260 code, e.g. 440100")


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


@router.get("/schools", response=list[SchoolOut], summary="List schools in your jurisdiction")
@paginate(PageNumberPagination)
def school_list(request: HttpRequest, filters: Query[SchoolFilters]) -> Any:
    qs = selectors.school_list(
        actor=_actor(request),
        q=filters.q,
        province=filters.province,
        city=filters.city,
        school_type=filters.school_type,
    )
    # The selector's queryset already carries select_related, so a page costs two queries.
    return qs


@router.get(
    "/schools/{school_id}",
    response={200: SchoolOut, 404: ErrorOut},
    summary="One school (404 outside your jurisdiction)",
)
def school_detail(request: HttpRequest, school_id: int) -> School:
    return selectors.school_get(actor=_actor(request), pk=school_id)


@router.post(
    "/schools",
    response={201: SchoolOut, 403: ErrorOut, 422: ErrorOut},
    summary="Register a school (R25: technical schools are refused)",
)
def school_register(request: HttpRequest, payload: SchoolIn) -> Status[School]:
    city = Division.objects.filter(code=payload.city, level=DivisionLevel.CITY).first()
    if city is None:
        raise InvalidInput(_("未知的城市代码。"), field="city")
    school = services.school_register(
        actor=_actor(request),
        name=payload.name,
        code=payload.code,
        school_type=payload.school_type,
        city=city,
    )
    return Status(201, school)
