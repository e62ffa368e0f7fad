"""What a locked-out login sees (django-axes AXES_LOCKOUT_CALLABLE).

Pages get the Chinese template; the API gets the same JSON error body as every other error,
so clients can show ``message`` without parsing HTML.
"""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


def lockout_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 0
    return max(1, math.ceil(cool_off.total_seconds() / 60))


def lockout_message(request: HttpRequest | None = None) -> str:
    return _("登录失败次数过多，账户已被暂时锁定，请 %(minutes)d 分钟后再试。") % {
        "minutes": lockout_minutes(request)
    }


def lockout_body(request: HttpRequest, credentials: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "code": "locked_out",
        "rule": None,
        "message": lockout_message(request),
        "details": {
            "failure_limit": get_failure_limit(request, credentials),
            "cooloff_minutes": lockout_minutes(request),
        },
    }


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    if is_api_request(request) or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse(lockout_body(request, credentials), status=LOCKOUT_STATUS)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": lockout_minutes(request),
        "lockout_message": lockout_message(request),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=LOCKOUT_STATUS)
