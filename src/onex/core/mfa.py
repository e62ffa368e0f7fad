"""The second factor and the idle timeout, applied to every page request.

After the password, a session of an account that needs a second factor (``mfa_needed``) reaches
only the enrolment and verification pages (and logout) until it passes one: every other page
redirects there. The API is guarded by its own authentication (``VerifiedSessionAuth``), so
/api/ passes through here untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_otp import user_has_device

from onex.core.actors import Actor, client_ip
from onex.core.audit import audit_record
from onex.core.models import SEPARATED_ROLES, User
from onex.core.security import mfa_needed, security_policy

# Pages an unverified session may reach: the second factor itself, leaving, and the language.
EXEMPT_URL_NAMES = frozenset({"login", "logout", "mfa_setup", "mfa_verify", "set_language"})
SEEN_KEY = "onex_seen"


@receiver(user_logged_in, dispatch_uid="onex.core.mfa.start_idle_clock")
def start_idle_clock(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(timezone.now().timestamp())


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def session_verified(request: HttpRequest) -> bool:
    """The request's browser session passed the second factor (django-otp's OTPMiddleware).

    A request authenticated by an API token never counts as verified.
    """
    if getattr(request, "api_token", None) is not None:
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def mfa_page_for(user: User) -> str:
    """Verification if the user has a confirmed device, else enrolment."""
    return "mfa_verify" if user_has_device(user, confirmed=True) else "mfa_setup"


class MfaMiddleware:
    """Idle timeout from the security policy, then the second-factor gate for pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or request.path.startswith("/static/"):
            return self.get_response(request)
        policy = security_policy()
        now = int(timezone.now().timestamp())
        seen = request.session.get(SEEN_KEY)
        if isinstance(seen, int) and now - seen > int(policy.session_idle_minutes) * 60:
            logout(request)
            if request.path.startswith("/api/"):
                return self.get_response(request)
            return HttpResponseRedirect(
                reverse("login") + "?" + urlencode({"next": request.get_full_path()})
            )
        request.session[SEEN_KEY] = now
        if user.role in SEPARATED_ROLES:
            return self._audited(request, user)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        if (
            session_verified(request)
            or _url_name(request) in EXEMPT_URL_NAMES
            or not mfa_needed(user, policy)
        ):
            return self.get_response(request)
        target = reverse(mfa_page_for(user))
        return HttpResponseRedirect(target + "?" + urlencode({"next": request.get_full_path()}))

    def _gate(self, request: HttpRequest, user: User) -> HttpResponse:
        if request.path.startswith("/api/") or session_verified(request):
            return self.get_response(request)
        if _url_name(request) in EXEMPT_URL_NAMES:
            return self.get_response(request)
        target = reverse(mfa_page_for(user))
        return HttpResponseRedirect(target + "?" + urlencode({"next": request.get_full_path()}))

    def _audited(self, request: HttpRequest, user: User) -> HttpResponse:
        """Every request of a separated administrator is an audit event (等保: their reads too;
        their writes also get the service's own event). Path only: queries may hold search text."""
        response = self._gate(request, user)
        with transaction.atomic():
            audit_record(
                actor=Actor.for_user(user, ip=client_ip(request)),
                action="admin.request",
                target=user,
                new={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                },
            )
        return response
