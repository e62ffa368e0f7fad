"""The security administrator's pages: lockouts and throttled addresses, the security policy,
and the second factor per account (reset after a lost phone). Everyone else gets 403."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.core.actors import request_actor
from onex.core.errors import DomainError
from onex.core.models import SecurityPolicy, User
from onex.core.models.security import MFA_ALWAYS, MfaClass
from onex.core.scoping import fetch
from onex.core.security import (
    POLICY_FIELDS,
    ip_throttle_lift,
    ip_throttle_list,
    lockout_lift,
    lockout_list,
    mfa_class,
    mfa_required,
    mfa_reset,
    mfa_users,
    require_security_admin,
    security_policy,
    security_policy_set,
)
from onex.core.web import page_of


@login_required
def security_home(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "lockouts": lockout_list(actor=actor),
        "throttles": ip_throttle_list(actor=actor),
        "policy": security_policy(),
    }
    return render(request, "core/security_home.html", context)


@login_required
@require_POST
def lockout_lift_view(request: HttpRequest, lockout_id: int) -> HttpResponse:
    lockout_lift(actor=request_actor(request), lockout_id=lockout_id)
    messages.success(request, _("已解除锁定。"))
    return HttpResponseRedirect(reverse("security"))


@login_required
@require_POST
def throttle_lift_view(request: HttpRequest) -> HttpResponse:
    ip = request.POST.get("ip", "")[:64]
    ip_throttle_lift(actor=request_actor(request), ip=ip)
    messages.success(request, _("已解除该地址的限速。"))
    return HttpResponseRedirect(reverse("security"))


class SecurityPolicyForm(forms.Form):
    """The numbers take their labels and bounds from the model's fields; the service checks."""

    def __init__(self, data: Any = None, *, policy: SecurityPolicy) -> None:
        super().__init__(data, initial={name: getattr(policy, name) for name in POLICY_FIELDS})
        for name in POLICY_FIELDS:
            column = SecurityPolicy._meta.get_field(name)
            if name == "mfa_classes" or not isinstance(column, models.Field):
                continue
            field = column.formfield()
            assert field is not None
            self.fields[name] = field
        self.fields["mfa_classes"] = forms.MultipleChoiceField(
            label=gettext_lazy("须使用双因素认证的账号类别"),
            choices=MfaClass.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=gettext_lazy("三权分立管理员、国家级和省级管理员始终必须使用，不能取消。"),
        )


@login_required
def security_policy_page(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_security_admin(actor)
    policy = security_policy()
    form = SecurityPolicyForm(request.POST or None, policy=policy)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                security_policy_set(
                    actor=actor, **{name: form.cleaned_data[name] for name in POLICY_FIELDS}
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("安全策略已保存。"))
                return HttpResponseRedirect(reverse("security_policy"))
        status = 422
    context = {"form": form, "always": sorted(str(c) for c in MFA_ALWAYS)}
    return render(request, "core/security_policy.html", context, status=status)


class MfaFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("用户名"), required=False, max_length=150)


@login_required
def security_mfa(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = MfaFilterForm(request.GET or None)
    q = form.cleaned_data.get("q") if form.is_valid() else None
    page = page_of(request, mfa_users(actor=actor, q=q))
    users: list[User] = list(page.object_list)
    policy = security_policy()
    rows: list[dict[str, Any]] = [
        {
            "user": user,
            "class": MfaClass(mfa_class(user)).label,
            "required": mfa_required(user, policy),
            "enrolled": bool(getattr(user, "enrolled", False)),
        }
        for user in users
    ]
    return render(request, "core/security_mfa.html", {"form": form, "page": page, "rows": rows})


@login_required
@require_POST
def security_mfa_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = request_actor(request)
    user = fetch(mfa_users(actor=actor), pk=user_id)
    # Resetting one's own factor would let a stolen session drop it: another admin does it.
    actor.require(user.pk != getattr(actor.user, "pk", None), _("不能重置自己的双因素认证。"))
    mfa_reset(actor=actor, user=user)
    messages.success(request, _("已重置该用户的双因素认证，下次登录时须重新绑定。"))
    return HttpResponseRedirect(reverse("security_mfa"))


urlpatterns: list[URLPattern] = [
    path("security/", security_home, name="security"),
    path("security/lockouts/<int:lockout_id>/lift/", lockout_lift_view, name="lockout_lift"),
    path("security/throttles/lift/", throttle_lift_view, name="throttle_lift"),
    path("security/policy/", security_policy_page, name="security_policy"),
    path("security/mfa/", security_mfa, name="security_mfa"),
    path("security/mfa/<int:user_id>/reset/", security_mfa_reset, name="security_mfa_reset"),
]
