"""Credit bank pages: the learner's account (portal), accounts for the credit bank and
schools, plans (R16), rules and requests (R37) with their moves, and the conversion report.

Views stay thin: parse, call selectors and services, render; moves come from the workflows.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from onex.catalog.models import Certificate, Level
from onex.core.actors import Actor, request_actor
from onex.core.errors import Forbidden
from onex.core.models import UnitKind
from onex.core.personal import IdType
from onex.core.policy import policy_entry
from onex.core.scoping import fetch
from onex.core.web import attempt, page_of
from onex.core.xlsx import content_disposition, export_response
from onex.creditbank import selectors
from onex.creditbank.models import (
    ConversionRequest,
    ConversionRule,
    CourseCategory,
    CreditPlan,
    LearningAccount,
    OutcomeKind,
    OutcomeStatus,
    PlanStatus,
    RequestStatus,
)
from onex.creditbank.services import accounts as account_services
from onex.creditbank.services import clr as clr_services
from onex.creditbank.services import conversion as conversion_services
from onex.creditbank.services import plans as plan_services
from onex.creditbank.services.conversion import MAX_CREDITS_KEY
from onex.creditbank.workflows import CONVERSION_REQUEST, CREDIT_PLAN
from onex.pilots.models import Specialty
from onex.pilots.selectors.schools import school_of


def _q(request: HttpRequest, key: str) -> str:
    return request.GET.get(key, "").strip()[:100]


def _timeline(events: list[Any], labels: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "action": labels.get(e.action, e.action),
            "actor": (e.user.get_username() if e.user else _("系统"))
            + (f"（{e.unit.name}）" if e.unit else ""),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": labels.get(e.to_status, e.to_status),
        }
        for e in events
    ]


# --- the learner's account (portal) ---------------------------------------------------------------


class ClaimForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=64)
    id_type = forms.ChoiceField(label=gettext_lazy("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=gettext_lazy("证件号码"), max_length=32)


class RequestForm(forms.Form):
    outcome = forms.IntegerField(label=gettext_lazy("证书成果"))
    specialty = forms.IntegerField(label=gettext_lazy("专业"))
    note = forms.CharField(
        label=gettext_lazy("申请说明"), max_length=1000, required=False, widget=forms.Textarea
    )


def _account_context(actor: Actor, account: LearningAccount) -> dict[str, Any]:
    outcomes = list(account.outcomes.select_related("issued_certificate", "school"))
    return {
        "account": account,
        "summary": selectors.account_summary(account),
        "certificates": [o for o in outcomes if o.kind == OutcomeKind.CERTIFICATE],
        "courses": [o for o in outcomes if o.kind == OutcomeKind.COURSE],
        "exemptions": selectors.account_exemptions(account),
        "requests": account.requests.select_related("school", "specialty", "outcome"),
    }


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The learner's learning account: claim it, see outcomes and credits, ask for conversion."""
    actor = request_actor(request)
    if actor.kind != UnitKind.LEARNER:
        raise Forbidden(_("只有学习者可以查看本人的学习账户。"))
    account = selectors.account_of(actor)
    claim_form = ClaimForm(request.POST if "claim" in request.POST else None)
    request_form = RequestForm(request.POST if "convert" in request.POST else None)
    if request.method == "POST" and "claim" in request.POST and claim_form.is_valid():
        data = claim_form.cleaned_data
        outcome = attempt(
            lambda: account_services.account_claim(
                actor=actor, name=data["name"], id_type=data["id_type"], id_number=data["id_number"]
            ),
            form=claim_form,
        )
        if outcome.ok:
            messages.success(request, _("学习账户已开通。"))
            return redirect("creditbank:mine")
    converting = account is not None and request.method == "POST" and "convert" in request.POST
    if converting and request_form.is_valid():
        data = request_form.cleaned_data
        result = attempt(
            lambda: conversion_services.request_submit(
                actor=actor,
                outcome=selectors.outcome_get(actor=actor, pk=data["outcome"]),
                specialty=fetch(
                    Specialty.objects.select_related("school", "school__province"),
                    pk=data["specialty"],
                ),
                note=data["note"],
            ),
            form=request_form,
        )
        if result.ok:
            messages.success(request, _("学分转换申请已提交。"))
            return redirect("creditbank:request_detail", pk=result.value.pk)
    context: dict[str, Any] = {"claim_form": claim_form, "request_form": request_form}
    if account is not None:
        context.update(_account_context(actor, account))
        context["specialties"] = _student_specialties(account)
        asked = set(
            account.requests.exclude(status=RequestStatus.WITHDRAWN).values_list(
                "outcome_id", flat=True
            )
        )
        context["requestable"] = [
            o
            for o in context["certificates"]
            if o.creditable and o.status == OutcomeStatus.ACTIVE and o.pk not in asked
        ]
    return render(request, "creditbank/mine.html", context)


@login_required
@require_safe
def record(request: HttpRequest) -> HttpResponse:
    """The learner's portable record (CLR 2.0): what it holds, its identity check code."""
    actor = request_actor(request)
    account = clr_services.own_account(actor)
    context = {
        "account": account,
        "contents": clr_services.clr_contents(account),
        "identity_code": clr_services.clr_identity_code(actor=actor),
    }
    response = render(request, "creditbank/record.html", context)
    # The identity check code is on this page: no cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def record_download(request: HttpRequest) -> HttpResponse:
    document = clr_services.clr_download(actor=request_actor(request))
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = content_disposition(f"learner-record-{stamp}.clr.json")
    response["Cache-Control"] = "private, no-store"
    return response


def _student_specialties(account: LearningAccount) -> list[Specialty]:
    """Specialties with active rules at the schools where this person is a student."""
    ids = ConversionRule.objects.filter(active=True).values("specialty_id")
    return list(
        Specialty.objects.filter(
            pk__in=ids, school__candidates__id_number_hash=account.id_number_hash
        )
        .select_related("school")
        .distinct()
    )


# --- accounts (credit bank, schools) --------------------------------------------------------------


class CourseForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=64)
    id_type = forms.ChoiceField(label=gettext_lazy("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=gettext_lazy("证件号码"), max_length=32)
    course = forms.CharField(label=gettext_lazy("课程名称"), max_length=100)
    credits = forms.DecimalField(
        label=gettext_lazy("学分"), max_digits=4, decimal_places=1, min_value=Decimal("0.1")
    )
    score = forms.DecimalField(
        label=gettext_lazy("成绩"), max_digits=4, decimal_places=1, required=False
    )
    term = forms.CharField(label=gettext_lazy("学期"), max_length=32)


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    school = school_of(actor)
    course_form: CourseForm | None = None
    if school is not None and actor.can_write:
        course_form = CourseForm(request.POST or None)
        if request.method == "POST" and course_form.is_valid():
            data = course_form.cleaned_data
            outcome = attempt(
                lambda: account_services.course_outcome_record(
                    actor=actor,
                    school=school,
                    name=data["name"],
                    id_type=data["id_type"],
                    id_number=data["id_number"],
                    course=data["course"],
                    credits=data["credits"],
                    score=data["score"],
                    term=data["term"],
                ),
                form=course_form,
            )
            if outcome.ok:
                messages.success(request, _("课程成果已记入学生的学习账户。"))
                return redirect("creditbank:account_detail", pk=outcome.value.account_id)
    q = _q(request, "q")
    items = selectors.account_list(actor=actor, q=q or None)
    if request.GET.get("format") == "xlsx":
        rows = (
            (a.holder_name, a.id_number_masked, a.get_opened_via_display(), a.opened_at.date())
            for a in items
        )
        return export_response(
            filename=_("个人学习账户"),
            headers=[_("姓名"), _("证件号码"), _("开户方式"), _("开户日期")],
            rows=rows,
        )
    return render(
        request,
        "creditbank/accounts.html",
        {"page_obj": page_of(request, items), "q": q, "course_form": course_form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    account = selectors.account_get(actor=actor, pk=pk)
    return render(request, "creditbank/account.html", _account_context(actor, account))


# --- plans (R16) ----------------------------------------------------------------------------------


class PlanForm(forms.Form):
    certificate = forms.ModelChoiceField(
        label=gettext_lazy("证书"), queryset=Certificate.objects.none()
    )
    level = forms.ChoiceField(label=gettext_lazy("等级"), choices=Level.choices)
    credits = forms.DecimalField(
        label=gettext_lazy("建议学分"), max_digits=4, decimal_places=1, min_value=Decimal("0.1")
    )
    outcome_description = forms.CharField(
        label=gettext_lazy("学习成果描述"), max_length=2000, widget=forms.Textarea
    )
    course_categories = forms.CharField(
        label=gettext_lazy("建议对应课程类别"), max_length=2000, widget=forms.Textarea
    )


class MoveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("意见或原因"), max_length=1000, required=False, widget=forms.Textarea
    )


PLAN_LABELS = {
    "create": gettext_lazy("创建方案"),
    "edit": gettext_lazy("修改方案"),
    "submit": gettext_lazy("提交学分银行"),
    "approve": gettext_lazy("审核通过"),
    "return": gettext_lazy("退回修改"),
    **dict(PlanStatus.choices),
}


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    q, status = _q(request, "q"), _q(request, "status")
    items = selectors.plan_list(actor=actor, q=q or None, status=status or None)
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                p.certificate.name,
                p.get_level_display(),
                p.org.name,
                p.credits,
                p.get_status_display(),
                p.due_on,
                p.submitted_on,
                p.late,
                p.effective_from,
            )
            for p in items
        )
        return export_response(
            filename=_("学分记录建议方案"),
            headers=[
                _("证书"),
                _("等级"),
                _("培训评价组织"),
                _("建议学分"),
                _("状态"),
                _("提交期限"),
                _("提交日期"),
                _("逾期提交"),
                _("生效日期"),
            ],
            rows=rows,
        )
    return render(
        request,
        "creditbank/plans.html",
        {
            "page_obj": page_of(request, items),
            "q": q,
            "status": status,
            "statuses": PlanStatus.choices,
            "is_org": actor.kind == UnitKind.ORG and actor.can_write,
        },
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require(actor.kind == UnitKind.ORG, _("只有培训评价组织可以提出学分记录建议方案。"))
    actor.require_write()
    initial = {
        "certificate": request.GET.get("certificate", "")[:20],
        "level": request.GET.get("level", "")[:16],
    }
    form = PlanForm(request.POST or None, initial=initial)
    form.fields["certificate"].queryset = Certificate.objects.filter(  # type: ignore[attr-defined]
        org__unit_id=actor.unit_id or 0
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: plan_services.plan_create(
                actor=actor,
                certificate=data["certificate"],
                level=data["level"],
                credits=data["credits"],
                outcome_description=data["outcome_description"],
                course_categories=data["course_categories"],
            ),
            form=form,
        )
        if outcome.ok:
            return redirect("creditbank:plan_detail", pk=outcome.value.pk)
    return render(request, "creditbank/plan_new.html", {"form": form})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan: CreditPlan = selectors.plan_get(actor=actor, pk=pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        outcome = attempt(
            lambda: plan_services.plan_move(
                actor=actor, plan=plan, action=action, reason=form.cleaned_data["reason"]
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(request, _("方案已更新。"))
            return redirect("creditbank:plan_detail", pk=plan.pk)
    moves = [m for m in CREDIT_PLAN.allowed_moves(plan, actor) if m.action != "edit"]
    return render(
        request,
        "creditbank/plan_detail.html",
        {
            "plan": plan,
            "form": form,
            "moves": moves,
            "can_edit": "edit" in CREDIT_PLAN.allowed_actions(plan, actor),
            "timeline": _timeline(selectors.plan_timeline(plan), PLAN_LABELS),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    form = PlanForm(
        request.POST or None,
        initial={
            "certificate": plan.certificate_id,
            "level": plan.level,
            "credits": plan.credits,
            "outcome_description": plan.outcome_description,
            "course_categories": plan.course_categories,
        },
    )
    form.fields["certificate"].queryset = Certificate.objects.filter(pk=plan.certificate_id)  # type: ignore[attr-defined]
    form.fields["certificate"].disabled = True
    form.fields["level"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: plan_services.plan_edit(
                actor=actor,
                plan=plan,
                credits=data["credits"],
                outcome_description=data["outcome_description"],
                course_categories=data["course_categories"],
            ),
            form=form,
        )
        if outcome.ok:
            return redirect("creditbank:plan_detail", pk=plan.pk)
    return render(request, "creditbank/plan_new.html", {"form": form, "plan": plan})


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    items = selectors.overdue_plans(actor=actor)
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("逾期未提交的学分记录建议方案"),
            headers=[_("证书"), _("等级"), _("培训评价组织"), _("提交期限"), _("催办次数")],
            rows=(
                (o.certificate.name, o.level_label, o.org.name, o.due_on, o.reminders)
                for o in items
            ),
        )
    return render(
        request,
        "creditbank/overdue.html",
        {
            "page_obj": page_of(request, items),
            "is_org": actor.kind == UnitKind.ORG and actor.can_write,
        },
    )


# --- rules (R37) ----------------------------------------------------------------------------------


class RuleForm(forms.Form):
    specialty = forms.ModelChoiceField(
        label=gettext_lazy("专业"), queryset=Specialty.objects.none()
    )
    certificate = forms.ModelChoiceField(
        label=gettext_lazy("证书"), queryset=Certificate.objects.all()
    )
    level = forms.ChoiceField(label=gettext_lazy("等级"), choices=Level.choices)
    course_name = forms.CharField(label=gettext_lazy("免修课程"), max_length=100)
    course_category = forms.ChoiceField(
        label=gettext_lazy("课程类别"), choices=CourseCategory.choices
    )
    credits = forms.DecimalField(
        label=gettext_lazy("课程学分"), max_digits=4, decimal_places=1, min_value=Decimal("0.1")
    )


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    q = _q(request, "q")
    items = selectors.rule_list(actor=actor, q=q or None)
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                r.school.name,
                r.specialty.name,
                r.certificate.name,
                r.get_level_display(),
                r.course_name,
                r.get_course_category_display(),
                r.credits,
                r.active,
            )
            for r in items
        )
        return export_response(
            filename=_("学分转换规则"),
            headers=[
                _("学校"),
                _("专业"),
                _("证书"),
                _("等级"),
                _("免修课程"),
                _("课程类别"),
                _("课程学分"),
                _("有效"),
            ],
            rows=rows,
        )
    school = school_of(actor)
    form: RuleForm | None = None
    if school is not None and actor.can_write:
        form = RuleForm(request.POST or None)
        form.fields["specialty"].queryset = Specialty.objects.filter(school=school)  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            outcome = attempt(
                lambda: conversion_services.rule_create(
                    actor=actor,
                    specialty=data["specialty"],
                    certificate=data["certificate"],
                    level=data["level"],
                    course_name=data["course_name"],
                    course_category=data["course_category"],
                    credits=data["credits"],
                ),
                form=form,
            )
            if outcome.ok:
                messages.success(request, _("转换规则已添加。"))
                return redirect("creditbank:rules")
    return render(
        request,
        "creditbank/rules.html",
        {
            "page_obj": page_of(request, items),
            "q": q,
            "form": form,
            "cap": policy_entry(MAX_CREDITS_KEY, province=school.province if school else None),
            "is_school": school is not None and actor.can_write,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    conversion_services.rule_deactivate(actor=actor, rule=selectors.rule_get(actor=actor, pk=pk))
    messages.success(request, _("转换规则已停用。"))
    return redirect("creditbank:rules")


# --- requests (R37) -------------------------------------------------------------------------------

REQUEST_LABELS = {
    "submit": gettext_lazy("提交申请"),
    **{m.action: m.label for m in CONVERSION_REQUEST.moves},
    "return": gettext_lazy("退回"),
    **dict(RequestStatus.choices),
}


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    q, status = _q(request, "q"), _q(request, "status")
    items = selectors.request_list(actor=actor, q=q or None, status=status or None)
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                r.account.holder_name,
                r.outcome.title,
                r.school.name,
                r.specialty.name,
                r.get_status_display(),
                r.recognised_credits,
                r.created_at.date(),
            )
            for r in items
        )
        return export_response(
            filename=_("学分转换申请"),
            headers=[
                _("姓名"),
                _("证书成果"),
                _("学校"),
                _("专业"),
                _("状态"),
                _("认定学分"),
                _("申请日期"),
            ],
            rows=rows,
        )
    return render(
        request,
        "creditbank/requests.html",
        {
            "page_obj": page_of(request, items),
            "q": q,
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    item: ConversionRequest = selectors.request_get(actor=actor, pk=pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        outcome = attempt(
            lambda: conversion_services.request_move(
                actor=actor, request=item, action=action, reason=form.cleaned_data["reason"]
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(request, _("申请已更新。"))
            return redirect("creditbank:request_detail", pk=item.pk)
    outcome_ = item.outcome
    rules_ = (
        selectors.rules_for(
            specialty_id=item.specialty_id,
            certificate_id=outcome_.certificate_id,
            level=outcome_.level,
        )
        if outcome_.certificate_id
        else []
    )
    return render(
        request,
        "creditbank/request_detail.html",
        {
            "item": item,
            "form": form,
            "moves": CONVERSION_REQUEST.allowed_moves(item, actor),
            "rules": rules_,
            "exemptions": item.exemptions.all(),
            "suspended": outcome_.status == OutcomeStatus.SUSPENDED,
            "timeline": _timeline(selectors.request_timeline(item), REQUEST_LABELS),
        },
        status=422 if request.method == "POST" else 200,
    )


# --- report ---------------------------------------------------------------------------------------

REPORT_BY = {
    "certificate": gettext_lazy("证书"),
    "school": gettext_lazy("学校"),
    "province": gettext_lazy("省份"),
}


@login_required
def report(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    by = _q(request, "by")
    by = by if by in REPORT_BY else "certificate"
    rows = selectors.conversion_report(actor=actor, by=by)
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("学分转换统计"),
            headers=[str(REPORT_BY[by]), _("申请数"), _("已认定"), _("认定学分")],
            rows=((r.label, r.requests, r.recognised, r.credits) for r in rows),
        )
    chart = {
        "title": str(_("学分转换申请（按%(by)s）") % {"by": REPORT_BY[by]}),
        "seriesName": _("申请数"),
        "categories": [r.label for r in rows],
        "values": [r.requests for r in rows],
        "kind": "bar",
    }
    return render(
        request,
        "creditbank/report.html",
        {"rows": rows, "by": by, "choices": list(REPORT_BY.items()), "chart": chart},
    )
