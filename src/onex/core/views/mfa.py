"""Second factor pages: enrol a TOTP authenticator (QR code), verify a code, recovery codes.

Enrolment: a TOTP device is created unconfirmed with a fresh secret, shown as a QR code (segno,
inline SVG) and as text; the first correct code confirms it, verifies the session and shows ten
single-use recovery codes once (a django-otp static device). Verification accepts the current
TOTP code or one recovery code. Both are audited (``mfa.enrol``, ``mfa.verify``,
``mfa.verify_failed``, ``mfa.recovery_used``); django-otp's own throttling slows guessing.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from onex.core.actors import Actor, client_ip
from onex.core.audit import audit_record
from onex.core.mfa import session_verified
from onex.core.models import User
from onex.core.security import mfa_required

RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("动态验证码"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard")


def _actor(request: HttpRequest, user: User) -> Actor:
    return Actor.for_user(user, ip=client_ip(request))


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg(url: str) -> str:
    """The otpauth:// URL as an inline SVG (no script, no external request)."""
    return str(segno.make(url, error="m").svg_inline(scale=4))


def recovery_codes_issue(*, actor: Actor, user: User) -> list[str]:
    """Replace the user's recovery codes with ten new single-use ones (shown once)."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        for code in codes:
            device.token_set.create(token=code)
        audit_record(
            actor=actor, action="mfa.recovery_codes", target=user, new={"count": len(codes)}
        )
    return codes


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator (first login of an account that needs one, or by choice)."""
    user = _user(request)
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        # Already enrolled: a session that has not passed the factor verifies instead.
        if not session_verified(request):
            return HttpResponseRedirect(reverse("mfa_verify") + "?" + request.GET.urlencode())
        codes = None
        if request.method == "POST" and request.POST.get("action") == "recovery":
            codes = recovery_codes_issue(actor=_actor(request, user), user=user)
        context: dict[str, Any] = {"enrolled": True, "device": confirmed, "codes": codes}
        return render(request, "registration/mfa_setup.html", context)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name=TOTP_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["otp_token"].strip()):
            actor = _actor(request, user)
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=actor, action="mfa.enrol", target=user, new={"type": "totp"})
            otp_login(request, device)
            codes = recovery_codes_issue(actor=actor, user=user)
            return render(
                request,
                "registration/mfa_setup.html",
                {"enrolled": True, "device": device, "codes": codes, "next": _next(request)},
            )
        form.add_error("otp_token", _("验证码不正确，请按手机上当前显示的 6 位数字重试。"))
        status = 422
    context = {
        "enrolled": False,
        "form": form,
        "qr": qr_svg(device.config_url),
        "secret": totp_secret_base32(device),
        "required": mfa_required(user),
        "next": _next(request),
    }
    return render(request, "registration/mfa_setup.html", context, status=status)


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the authenticator's code or a recovery code."""
    user = _user(request)
    if not user_has_device(user, confirmed=True):
        return HttpResponseRedirect(reverse("mfa_setup") + "?" + request.GET.urlencode())
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        actor = _actor(request, user)
        device = match_token(user, form.cleaned_data["otp_token"].strip())
        if device is not None:
            otp_login(request, device)
            recovery = isinstance(device, StaticDevice)
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="mfa.recovery_used" if recovery else "mfa.verify",
                    target=user,
                    new={"device": device.persistent_id},
                )
            return HttpResponseRedirect(_next(request))
        with transaction.atomic():
            audit_record(actor=actor, action="mfa.verify_failed", target=user)
        form.add_error("otp_token", _("验证码不正确或已使用。"))
        status = 422
    return render(
        request,
        "registration/mfa_verify.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("accounts/mfa/", mfa_setup, name="mfa_setup"),
    path("accounts/mfa/verify/", mfa_verify, name="mfa_verify"),
]
