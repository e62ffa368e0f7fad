"""What a locked-out login sees (django-axes AXES_LOCKOUT_CALLABLE).

Pages get the Chinese template; the API gets the same JSON error body as every other error,
so clients can show ``message`` without parsing HTML.
"""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.crypto import keyed_hash
from onex.core.logging import redact

LOCKOUT_STATUS = 429


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The name django-axes counts failures under and stores (AXES_USERNAME_CALLABLE).

    People type their ID number into the username box. Such a name is kept as a keyed hash:
    the same input still counts towards the same lock, but no table holds the number.
    """
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        raw = credentials.get(field)
    else:
        raw = getattr(request, "data", request.POST).get(field)
    if raw is None:
        return None
    return mask_login_name(str(raw))


def mask_login_name(name: str) -> str:
    """The typed login name, or a keyed hash of it when it is an ID number."""
    if redact(name) == name:
        return name
    return "id-hash:" + keyed_hash(name.strip().upper(), purpose="lockout.username")[:32]


def lockout_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 0
    return int(max(1, math.ceil(cool_off.total_seconds() / 60)))


def remaining_minutes(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """Minutes until the lock lifts: axes counts the cool-off from the latest failure."""
    total = lockout_minutes(request)
    cool_off = get_cool_off(request)
    username = get_client_username(request, credentials)  # via lockout_username
    if cool_off is None or not username:
        return total
    # Locks are per username *and* address (AXES_LOCKOUT_PARAMETERS).
    latest = AccessAttempt.objects.filter(
        username=username, ip_address=request.META.get("REMOTE_ADDR")
    ).aggregate(last=Max("attempt_time"))["last"]
    if latest is None:
        return total
    left = (latest + cool_off - timezone.now()).total_seconds()
    return int(min(total, max(1, math.ceil(left / 60))))


def lockout_message(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    return _("登录失败次数过多，账户已被暂时锁定，请 %(minutes)d 分钟后再试。") % {
        "minutes": remaining_minutes(request, credentials)
    }


def lockout_body(request: HttpRequest, credentials: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "code": "locked_out",
        "rule": None,
        "message": lockout_message(request, credentials),
        "details": {
            "failure_limit": get_failure_limit(request, credentials),
            "cooloff_minutes": lockout_minutes(request),
            "retry_after_minutes": remaining_minutes(request, credentials),
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
        response: HttpResponse = JsonResponse(
            lockout_body(request, credentials), status=LOCKOUT_STATUS
        )
    else:
        context = {
            "failure_limit": get_failure_limit(request, credentials),
            "cooloff_minutes": remaining_minutes(request, credentials),
        }
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=LOCKOUT_STATUS)
    response["Retry-After"] = str(remaining_minutes(request, credentials) * 60)
    return response
