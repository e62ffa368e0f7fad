"""Pages of units and users (administration), one-time links, claim codes and the public
pages where a person sets a password, asks for a reset, claims or opens a learner account.

Views stay thin: parse, call the selectors and services, render. Lists serve the page and the
htmx fragment (the table) from one view, and export the filtered list as xlsx.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onex.accounts.forms import (
    ClaimForm,
    InviteForm,
    ReasonForm,
    RegisterForm,
    ResetRequestForm,
    RoleForm,
    SetPasswordForm,
    UnitCreateForm,
)
from onex.accounts.models import ClaimCode
from onex.accounts.selectors import accounts as selectors
from onex.accounts.selectors.permissions import (
    creatable_kinds,
    may_administer,
    may_issue_claim_codes,
)
from onex.accounts.services import accounts as services
from onex.accounts.services import learners as learner_services
from onex.accounts.services import links as link_services
from onex.accounts.workflows import CLAIM_CODE, LINK
from onex.certificates.selectors.certificates import public_rate_check
from onex.core.actors import client_ip, request_actor
from onex.core.models import Role, UnitKind, User
from onex.core.params import id_param
from onex.core.web import attempt, is_htmx, page_of
from onex.core.xlsx import export_guard, export_response
from onex.geo.models import Division, DivisionLevel

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _state_labels() -> dict[str, str]:
    return {
        "active": _("已启用"),
        "invited": _("待激活"),
        "disabled": _("已停用"),
    }


def _q(request: HttpRequest, key: str) -> str:
    return request.GET.get(key, "").strip()[:100]


# --- units ----------------------------------------------------------------------------------------


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    filters = {key: _q(request, key) for key in ("q", "kind", "province")}
    units = selectors.unit_list(
        actor=actor,
        q=filters["q"] or None,
        kind=filters["kind"] or None,
        province=filters["province"] or None,
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                u.name,
                u.get_kind_display(),
                u.province.name if u.province else "",
                u.city.name if u.city else "",
                u.user_count,  # type: ignore[attr-defined]
                _("是") if u.is_active else _("否"),
            )
            for u in units.iterator(chunk_size=2000)
        )
        return export_response(
            filename=_("单位"),
            headers=[_("名称"), _("类型"), _("省份"), _("城市"), _("用户数"), _("启用")],
            rows=rows,
            sheet=_("单位"),
        )
    context: dict[str, Any] = {
        "page_obj": page_of(request, units),
        "filters": filters,
        "kinds": [(k, label) for k, label in UnitKind.choices],
        "provinces": Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code")
        if actor.is_national
        else [],
        "can_create": bool(creatable_kinds(actor)),
    }
    template = "accounts/unit_table.html" if is_htmx(request) else "accounts/unit_list.html"
    return render(request, template, context)


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require(bool(creatable_kinds(actor)), _("您无权创建下级单位。"))
    form = UnitCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: services.unit_create_with_admin(actor=actor, **form.cleaned_data),
            form=form,
            show_forbidden=False,
        )
        if done.ok:
            onboarded = done.value
            return render(
                request,
                "accounts/issued.html",
                {
                    "title": _("已创建单位：%(name)s") % {"name": onboarded.unit.name},
                    "unit": onboarded.unit,
                    "user": onboarded.admin.user,
                    "issued": onboarded.admin.issued,
                    "show_url": True,
                },
            )
    return render(request, "accounts/unit_create.html", {"form": form})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    unit = selectors.unit_get(actor=actor, pk=pk)
    users = selectors.user_list(actor=actor, unit=unit.pk, q=_q(request, "q") or None)
    context = {
        "unit": unit,
        "page_obj": page_of(request, users),
        "filters": {"q": _q(request, "q")},
        "can_administer": may_administer(actor, unit),
        "state_labels": _state_labels(),
        "pending_links": selectors.link_list(actor=actor, pending=True).filter(user__unit=unit),
    }
    template = "accounts/user_table.html" if is_htmx(request) else "accounts/unit_detail.html"
    return render(request, template, context)


@login_required
def user_invite(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    unit = selectors.unit_get(actor=actor, pk=pk)
    actor.require(may_administer(actor, unit), _("只有本单位的管理员可以管理本单位的用户。"))
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: services.user_invite(actor=actor, unit=unit, **form.cleaned_data),
            form=form,
            show_forbidden=False,
        )
        if done.ok:
            invited = done.value
            return render(
                request,
                "accounts/issued.html",
                {
                    "title": _("已邀请用户：%(name)s") % {"name": invited.user},
                    "unit": unit,
                    "user": invited.user,
                    "issued": invited.issued,
                    "show_url": True,
                },
            )
    return render(request, "accounts/user_invite.html", {"form": form, "unit": unit})


# --- users ----------------------------------------------------------------------------------------


def _users(request: HttpRequest, filters: dict[str, str]) -> QuerySet[User]:
    return selectors.user_list(
        actor=request_actor(request),
        q=filters["q"] or None,
        unit=id_param(filters["unit"]),
        kind=filters["kind"] or None,
        role=filters["role"] or None,
        state=filters["state"] or None,
    )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    filters = {key: _q(request, key) for key in ("q", "unit", "kind", "role", "state")}
    users = _users(request, filters)
    labels = _state_labels()
    if request.GET.get("format") == "xlsx":
        export_guard(users)
        rows = (
            (
                u.username,
                u.display_name,
                u.email,
                u.unit.name if u.unit else "",
                u.unit.get_kind_display() if u.unit else "",
                u.get_role_display(),
                labels[selectors.user_state(u)],
                timezone.localtime(u.last_login).replace(tzinfo=None) if u.last_login else None,
            )
            for u in users.iterator(chunk_size=2000)
        )
        return export_response(
            filename=_("用户"),
            headers=[
                _("用户名"),
                _("姓名"),
                _("电子邮箱"),
                _("所属单位"),
                _("单位类型"),
                _("角色"),
                _("状态"),
                _("最近登录"),
            ],
            rows=rows,
            sheet=_("用户"),
        )
    context = {
        "page_obj": page_of(request, users),
        "filters": filters,
        "kinds": UnitKind.choices,
        "roles": Role.choices,
        "states": list(labels.items()),
        "state_labels": labels,
        "show_unit": True,
    }
    template = "accounts/user_table.html" if is_htmx(request) else "accounts/user_list.html"
    return render(request, template, context)


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    user = selectors.user_get(actor=actor, pk=pk)
    can = user.unit is not None and may_administer(actor, user.unit)
    links = selectors.link_list(actor=actor, user=user)[:20]
    context = {
        "subject": user,
        "state": selectors.user_state(user),
        "state_labels": _state_labels(),
        "can_administer": can and (actor.user is None or actor.user.pk != user.pk),
        "role_form": RoleForm(initial={"role": user.role}),
        "reason_form": ReasonForm(),
        "links": [(link, LINK.allowed_moves(link, actor)) for link in links],
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_POST
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    user = selectors.user_get(actor=actor, pk=pk)
    if action == "role":
        form = RoleForm(request.POST)
        if form.is_valid():
            role = form.cleaned_data["role"]
            if attempt(
                lambda: services.user_role_set(actor=actor, user=user, role=role), request=request
            ).ok:
                messages.success(request, _("已修改角色，该用户下次操作时生效。"))
    elif action == "disable":
        reason = ReasonForm(request.POST)
        text = reason.cleaned_data["reason"] if reason.is_valid() else ""
        if attempt(
            lambda: services.user_disable(actor=actor, user=user, reason=text), request=request
        ).ok:
            messages.success(request, _("已停用该用户，其所有登录会话和接口令牌已失效。"))
    elif action == "enable":
        if attempt(lambda: services.user_enable(actor=actor, user=user), request=request).ok:
            messages.success(request, _("已启用该用户。"))
    elif action == "reset":
        done = attempt(
            lambda: link_services.reset_by_admin(actor=actor, user=user), request=request
        )
        if done.ok:
            issued = done.value
            return render(
                request,
                "accounts/issued.html",
                {
                    "title": _("已发送设置密码链接：%(name)s") % {"name": user},
                    "unit": user.unit,
                    "user": user,
                    "issued": issued,
                    "show_url": not issued.mailed,
                },
            )
    else:
        return HttpResponse(status=404)
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    link = selectors.link_get(actor=actor, pk=pk)
    if attempt(lambda: link_services.link_revoke(actor=actor, link=link), request=request).ok:
        messages.success(request, _("已作废该链接。"))
    return redirect("accounts:user_detail", pk=link.user_id)


# --- claim codes ----------------------------------------------------------------------------------


@login_required
def claim_code_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    unit = actor.unit
    actor.require(
        unit is not None and may_issue_claim_codes(actor, unit),
        _("只有学校可以为本校学生生成认领码。"),
    )
    assert unit is not None
    if request.method == "POST":
        students = selectors.claimable_students(actor=actor, school_unit=unit)
        done = attempt(
            lambda: learner_services.claim_codes_issue(
                actor=actor, school_unit=unit, candidates=list(students.select_related("school"))
            ),
            request=request,
        )
        if done.ok:
            return render(
                request, "accounts/claim_codes_issued.html", {"issued": done.value, "unit": unit}
            )
        return redirect("accounts:claim_code_list")
    filters = {key: _q(request, key) for key in ("q", "state")}
    codes = selectors.claim_code_list(
        actor=actor, q=filters["q"] or None, state=filters["state"] or None
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                c.candidate.name,
                c.candidate.id_number_masked,
                c.display_status,
                timezone.localtime(c.created_at).replace(tzinfo=None),
                timezone.localtime(c.expires_at).replace(tzinfo=None),
            )
            for c in codes.iterator(chunk_size=2000)
        )
        return export_response(
            filename=_("认领码"),
            headers=[_("学生姓名"), _("证件号码"), _("状态"), _("生成时间"), _("过期时间")],
            rows=rows,
            sheet=_("认领码"),
        )
    context = {
        "page_obj": page_of(request, codes),
        "filters": filters,
        "without_account": selectors.claimable_students(actor=actor, school_unit=unit).count(),
        "revocable": {
            c.pk
            for c in codes[:200]
            if "revoke" in [m.action for m in CLAIM_CODE.allowed_moves(c, actor)]
        },
    }
    template = (
        "accounts/claim_code_table.html" if is_htmx(request) else "accounts/claim_code_list.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def claim_code_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    code: ClaimCode = selectors.claim_code_get(actor=actor, pk=pk)
    if attempt(
        lambda: learner_services.claim_code_revoke(actor=actor, code=code), request=request
    ).ok:
        messages.success(request, _("已作废该认领码。"))
    return redirect("accounts:claim_code_list")


# --- public pages ---------------------------------------------------------------------------------


def link_use(request: HttpRequest, secret: str) -> HttpResponse:
    _limit_public_posts(request)
    link = selectors.link_by_secret(secret)
    if link is None:
        return render(request, "accounts/link_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: link_services.link_use(
                secret=secret,
                password=form.cleaned_data["password"],
                password2=form.cleaned_data["password2"],
                ip=client_ip(request),
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("密码已设置，请用新密码登录。"))
            return redirect("login")
    return render(request, "accounts/link_use.html", {"form": form, "link": link})


def password_reset(request: HttpRequest) -> HttpResponse:
    _limit_public_posts(request)
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link_services.reset_request(email=form.cleaned_data["email"], ip=client_ip(request))
        messages.success(request, str(link_services.RESET_SENT))
        return redirect("accounts:password_reset")
    return render(request, "accounts/password_reset.html", {"form": form})


def learner_claim(request: HttpRequest) -> HttpResponse:
    _limit_public_posts(request)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: learner_services.learner_claim(**form.cleaned_data, ip=client_ip(request)),
            form=form,
        )
        if done.ok:
            login(request, done.value, backend=BACKEND)
            messages.success(request, _("账号已开通。以下是您的报名记录。"))
            return redirect("assessment:registration_list")
    return render(request, "accounts/learner_claim.html", {"form": form})


def learner_register(request: HttpRequest) -> HttpResponse:
    _limit_public_posts(request)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: learner_services.learner_register(**form.cleaned_data, ip=client_ip(request)),
            form=form,
        )
        if done.ok:
            login(request, done.value, backend=BACKEND)
            messages.success(request, _("账号已开通，可以报名参加考核。"))
            return redirect("assessment:exam_plan_list")
    return render(request, "accounts/learner_register.html", {"form": form})


def _limit_public_posts(request: HttpRequest) -> None:
    # Public forms (no account yet): the per-IP limit of the public certificate queries, so
    # nobody mails resets in bulk or tries ID numbers and codes at speed (429 above it).
    if request.method == "POST":
        public_rate_check(ip=client_ip(request))


urlpatterns: list[URLPattern] = [
    path("units/", unit_list, name="unit_list"),
    path("units/new/", unit_create, name="unit_create"),
    path("units/<int:pk>/", unit_detail, name="unit_detail"),
    path("units/<int:pk>/invite/", user_invite, name="user_invite"),
    path("users/", user_list, name="user_list"),
    path("users/<int:pk>/", user_detail, name="user_detail"),
    path("users/<int:pk>/<slug:action>/", user_action, name="user_action"),
    path("links/<int:pk>/revoke/", link_revoke, name="link_revoke"),
    path("claim-codes/", claim_code_list, name="claim_code_list"),
    path("claim-codes/<int:pk>/revoke/", claim_code_revoke, name="claim_code_revoke"),
    path("link/<str:secret>/", link_use, name="link_use"),
    path("password-reset/", password_reset, name="password_reset"),
    path("claim/", learner_claim, name="learner_claim"),
    path("register/", learner_register, name="learner_register"),
]
