"""The JSON API at /api/v1/: composes each app's router.

Every error answers as JSON ``{code, rule, message, details}`` with a 4xx status.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from onex.assessment.api import router as assessment_router
from onex.catalog.api import router as catalog_router
from onex.certificates.api import router as certificates_router
from onex.certificates.public_api import router as public_router
from onex.certificates.vc_api import router as vc_router
from onex.core.api.audit import router as audit_router
from onex.core.api.auth import api_auth
from onex.core.api.auth import router as auth_router
from onex.core.api.imports import router as imports_router
from onex.core.api.reference import router as reference_router
from onex.core.api.rules import router as rules_router
from onex.core.errors import DomainError
from onex.geo.api import router as geo_router
from onex.pilots.api import router as pilots_router
from onex.pilots.application_api import router as pilot_applications_router

api = NinjaAPI(
    title="onex API",
    version="1",
    description="1+X 证书制度试点管理平台 API",
    urls_namespace="api",
    auth=api_auth,
)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    *,
    rule: str | None = None,
    details: dict | None = None,
) -> HttpResponse:
    return api.create_response(
        request,
        {"code": code, "rule": rule, "message": message, "details": details or {}},
        status=status,
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = exc.as_dict()
    return _error(
        request,
        exc.status,
        body["code"],
        body["message"],
        rule=body["rule"],
        details=body["details"],
    )


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "invalid", _("请求数据无效。"), details={"errors": exc.errors})


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("需要登录或有效的访问令牌。"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("未找到该记录，或您无权查看。"))


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden", _("您无权执行此操作。"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/", auth_router)
api.add_router("/audit", audit_router)
api.add_router("/reference", reference_router)
api.add_router("/rules", rules_router)
api.add_router("/imports", imports_router)
api.add_router("/geo", geo_router)
api.add_router("/pilots", pilots_router)
api.add_router("/pilots/applications", pilot_applications_router)
api.add_router("/catalog", catalog_router)
api.add_router("/assessment", assessment_router)
api.add_router("/certificates", certificates_router)
api.add_router("/public", vc_router)  # credentials, status lists, contexts
api.add_router("/public", public_router)  # certificate query and verification (R36)
