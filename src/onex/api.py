"""The JSON API at /api/v1/: composes each app's router.

Every error answers as JSON ``{code, rule, message, details}`` with a 4xx status, in the
request's language (zh-hans unless ``Accept-Language`` or the language cookie asks for English):
ninja's errors through the exception handlers below, the rest of ``/api/`` (an unknown path, a
wrong method, an unhandled exception, a CSRF refusal) through ``ApiErrorMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from onex.accounts.api import public_router as accounts_public_router
from onex.accounts.api import router as accounts_router
from onex.assessment.api import router as assessment_router
from onex.catalog.api import router as catalog_router
from onex.certificates.api import credentials_router as vc_router
from onex.certificates.api import public_router
from onex.certificates.api import router as certificates_router
from onex.core.api.audit import router as audit_router
from onex.core.api.auth import api_auth
from onex.core.api.auth import router as auth_router
from onex.core.api.imports import router as imports_router
from onex.core.api.openapi import OnexAPI
from onex.core.api.reference import router as reference_router
from onex.core.api.renderers import OrjsonRenderer
from onex.core.api.rules import router as rules_router
from onex.core.api.security import router as security_router
from onex.core.errors import DomainError
from onex.creditbank.api import router as creditbank_router
from onex.feedback.api import public_router as feedback_public_router
from onex.feedback.api import router as feedback_router
from onex.funding.api import router as funding_router
from onex.geo.api import router as geo_router
from onex.pilots.api import applications_router as pilot_applications_router
from onex.pilots.api import router as pilots_router
from onex.reporting.api import router as reporting_router
from onex.supervision.api import router as supervision_router
from onex.training.api import router as training_router

api = OnexAPI(
    title="onex API",
    version="1",
    description="1+X 证书制度试点管理平台 API",
    urls_namespace="api",
    auth=api_auth,
    renderer=OrjsonRenderer(),
)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    *,
    rule: str | None = None,
    details: dict[str, Any] | None = None,
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


def _validation_message(error: dict[str, Any]) -> str:
    """pydantic's English message for one error, in the request's language."""
    ctx = error.get("ctx") or {}
    kind = str(error.get("type", ""))
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: _("此字段为必填项。"),
        "string_too_long": lambda: _("最多 %(n)s 个字符。") % {"n": ctx.get("max_length")},
        "string_too_short": lambda: _("至少 %(n)s 个字符。") % {"n": ctx.get("min_length")},
        "less_than_equal": lambda: _("不能大于 %(n)s。") % {"n": ctx.get("le")},
        "less_than": lambda: _("必须小于 %(n)s。") % {"n": ctx.get("lt")},
        "greater_than_equal": lambda: _("不能小于 %(n)s。") % {"n": ctx.get("ge")},
        "greater_than": lambda: _("必须大于 %(n)s。") % {"n": ctx.get("gt")},
        "int_parsing": lambda: _("请输入整数。"),
        "int_type": lambda: _("请输入整数。"),
        "int_from_float": lambda: _("请输入整数。"),
        "float_parsing": lambda: _("请输入数字。"),
        "decimal_parsing": lambda: _("请输入数字。"),
        "bool_parsing": lambda: _("请输入 true 或 false。"),
        "date_parsing": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
        "date_from_datetime_parsing": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
        "datetime_parsing": lambda: _("请输入有效的日期时间。"),
        "datetime_from_date_parsing": lambda: _("请输入有效的日期时间。"),
        "enum": lambda: _("请选择有效的选项：%(options)s。") % {"options": ctx.get("expected")},
        "literal_error": lambda: (
            _("请选择有效的选项：%(options)s。") % {"options": ctx.get("expected")}
        ),
        "string_type": lambda: _("请输入文本。"),
        "json_invalid": lambda: _("请求体不是有效的 JSON。"),
    }
    if kind in messages:
        return messages[kind]()
    # A validator of ours raised ValueError with a translated message: pydantic prefixes it.
    return str(error.get("msg", "")).removeprefix("Value error, ") or _("输入无效。")


def _validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "type": e.get("type", ""), "msg": _validation_message(e)}
        for e in errors
    ]


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = _validation_errors(list(exc.errors))
    return _error(request, 422, "invalid", _("请求数据无效。"), details={"errors": errors})


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


# The public routers first: Django tries URL patterns in order, and public verification is the
# hot path after every exam round (about 150 patterns fewer to try per request).
api.add_router("/public", public_router)  # certificate query and verification (R36)
api.add_router("/public", vc_router)  # credentials, status lists, contexts
api.add_router("/", auth_router)
api.add_router("/audit", audit_router)
api.add_router("/security", security_router)
api.add_router("/reference", reference_router)
api.add_router("/rules", rules_router)
api.add_router("/imports", imports_router)
api.add_router("/geo", geo_router)
api.add_router("/pilots", pilots_router)
api.add_router("/pilots/applications", pilot_applications_router)
api.add_router("/catalog", catalog_router)
api.add_router("/assessment", assessment_router)
api.add_router("/certificates", certificates_router)
api.add_router("/accounts", accounts_router)
api.add_router("/accounts/public", accounts_public_router)
api.add_router("/creditbank", creditbank_router)
api.add_router("/training", training_router)
api.add_router("/funding", funding_router)
api.add_router("/reporting", reporting_router)
api.add_router("/feedback", feedback_router)
api.add_router("/public", feedback_public_router)  # feedback submission and follow-up
api.add_router("/supervision", supervision_router)


def _outside_ninja_message(status: int) -> tuple[str, str]:
    if status == 404:
        return "not_found", _("未找到该记录，或您无权查看。")
    if status == 405:
        return "method_not_allowed", _("此地址不支持该请求方法。")
    if status == 403:
        return "forbidden", _("您无权执行此操作。")
    if status >= 500:
        return "server_error", _("服务器内部错误，请稍后再试。")
    return "bad_request", _("请求无效。")


class ApiErrorMiddleware:
    """Under ``/api/``, an error answered outside ninja's handlers (Django's 404 for an unknown
    path, ninja's plain-text 405, the 500 of an unhandled exception, a CSRF 403) becomes the
    same JSON body as every other API error, never an HTML page. Django has already logged it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG  # a developer reads Django's debug page and ninja's traceback
            or response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, message = _outside_ninja_message(response.status_code)
        body: dict[str, Any] = {"code": code, "rule": None, "message": message, "details": {}}
        json = JsonResponse(
            body, status=response.status_code, json_dumps_params={"ensure_ascii": False}
        )
        if response.has_header("Allow"):
            json["Allow"] = response["Allow"]
        return json
