"""Login, logout, password change and personal API tokens (pages; services do the writing)."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from onex.core.actors import Actor, actor_from_request, client_ip
from onex.core.audit import audit_record
from onex.core.lockout import LOCKOUT_STATUS, lockout_minutes
from onex.core.mfa import session_verified
from onex.core.models import User
from onex.core.security import ip_retry_after_seconds, ip_throttled, security_policy
from onex.core.tokens import token_get, token_issue, token_list, token_revoke
from onex.core.web import attempt, is_htmx


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Tell people the rule before they trip it (values come from the security policy).
        context["lockout_failures"] = security_policy().lockout_failures
        context["lockout_minutes"] = lockout_minutes(self.request)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # An address that failed too often is slowed before any password is checked.
        if ip_throttled(request):
            seconds = ip_retry_after_seconds(request)
            response = render(
                request,
                "registration/throttled.html",
                {"minutes": max(1, math.ceil(seconds / 60))},
                status=LOCKOUT_STATUS,
            )
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        with transaction.atomic():
            audit_record(
                actor=Actor.for_user(user, ip=client_ip(self.request)),
                action="auth.login",
                target=user,
                new={"via": "web"},
            )
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a GET link could log people out from a crafted image tag."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if isinstance(user, User):
            # Before logout: afterwards request.user is anonymous and the actor would be lost.
            with transaction.atomic():
                audit_record(
                    actor=Actor.for_user(user, ip=client_ip(request)),
                    action="auth.logout",
                    target=user,
                )
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            audit_record(
                actor=Actor.for_user(user, ip=client_ip(self.request)),
                action="auth.password_change",
                target=user,
                # Never the password or its hash, only that it changed.
                new={"password_changed": True},
            )
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        help_text=_("例如：数据对接脚本、省平台同步。"),
    )
    read_only = forms.BooleanField(
        label=_("只读"),
        required=False,
        help_text=_("只读令牌只能读取数据（GET 请求），提交或修改会被拒绝（403）。"),
    )


def _tokens_response(
    request: HttpRequest,
    *,
    form: TokenCreateForm | None = None,
    new_secret: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """One view serves the page and the htmx fragment (the panel with list and form)."""
    actor = actor_from_request(request)
    policy = security_policy()
    context = {
        "token_days": policy.token_days,
        "token_idle_days": policy.token_idle_days,
        "tokens": list(token_list(actor=actor)),
        "form": form or TokenCreateForm(),
        "new_secret": new_secret,
    }
    if is_htmx(request):
        # htmx does not swap 4xx responses by default; the panel with its field errors must show.
        return render(request, "registration/_tokens_panel.html", context)
    return render(request, "registration/tokens.html", context, status=status)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _tokens_response(request)
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _tokens_response(request, form=form, status=422)
    assert isinstance(request.user, User)
    user = request.user
    issued = attempt(
        lambda: token_issue(
            actor=actor_from_request(request),
            user=user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            mfa_verified=session_verified(request),
        ),
        form=form,
    )
    if not issued.ok:
        return _tokens_response(request, form=form, status=422)
    # The secret is rendered in this one response and never again (no redirect, no session).
    _token, secret = issued.value
    return _tokens_response(request, new_secret=secret)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    token_revoke(actor=actor, token=token_get(actor=actor, token_id=token_id))
    if is_htmx(request):
        return _tokens_response(request)
    return HttpResponseRedirect(reverse_lazy("tokens"))


urlpatterns: list[URLPattern] = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/tokens/", tokens, name="tokens"),
    path(
        "accounts/tokens/<int:token_id>/revoke/",
        token_revoke_view,
        name="token_revoke",
    ),
]
