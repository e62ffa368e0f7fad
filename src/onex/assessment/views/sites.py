"""Pages of sites and fees (R09–R13, R30, R45): one view serves the page and its htmx fragment.

Views parse input with the small forms below, call a service or selector, and render; refusals
are shown at the field with the rule ID (forms) or as a message (transitions).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.assessment.models import (
    BrandComplaint,
    ComplaintStatus,
    ExamFormat,
    FeeReviewKind,
    FeeStandard,
    FeeVersion,
    FeeVersionStatus,
    NegotiationStatus,
    SiteApplication,
    SiteApplicationStatus,
)
from onex.assessment.selectors import fees as fee_selectors
from onex.assessment.selectors import sites as site_selectors
from onex.assessment.services import fees as fee_services
from onex.assessment.services import sites as site_services
from onex.assessment.workflows import (
    COMPLAINT,
    FEE_VERSION,
    NEGOTIATION,
    SITE_APPLICATION,
    is_application_school,
)
from onex.catalog.models import Certificate, Level, Org
from onex.catalog.selectors.catalogue import certificate_get
from onex.catalog.selectors.orgs import org_of
from onex.core.actors import request_actor
from onex.core.errors import DomainError
from onex.core.forms import DateInput
from onex.core.limits import DOCUMENT_MAX, REASON_MAX
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.web import (
    actor_label,
    attempt,
    page_of,
    page_or_fragment,
    signed_in_download,
    stored_file_response,
)
from onex.core.xlsx import export_response
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School
from onex.pilots.selectors.schools import school_of


def _province_field() -> forms.ModelChoiceField[Division]:
    return forms.ModelChoiceField(
        label=gettext_lazy("省份"),
        queryset=Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code"),
        required=False,
    )


# --- forms ---------------------------------------------------------------------------------


class PlanForm(forms.Form):
    exam_format = forms.ChoiceField(label=gettext_lazy("考核形式"), choices=ExamFormat.choices)
    duration_minutes = forms.IntegerField(label=gettext_lazy("考核时长（分钟）"), min_value=1)
    theory_weight = forms.DecimalField(label=gettext_lazy("理论权重（%）"), decimal_places=2)
    practical_weight = forms.DecimalField(label=gettext_lazy("实操权重（%）"), decimal_places=2)
    theory_pass = forms.DecimalField(label=gettext_lazy("理论合格线"), decimal_places=2)
    practical_pass = forms.DecimalField(label=gettext_lazy("实操合格线"), decimal_places=2)
    mock_platform_url = forms.URLField(
        label=gettext_lazy("模拟考核平台地址"), max_length=300, assume_scheme="https"
    )
    notes = forms.CharField(
        max_length=REASON_MAX, label=gettext_lazy("说明"), required=False, widget=forms.Textarea
    )


class ConditionForm(forms.Form):
    rooms = forms.IntegerField(label=gettext_lazy("考场数量下限"), min_value=1)
    seats = forms.IntegerField(label=gettext_lazy("考位数量下限"), min_value=1)
    equipment = forms.CharField(
        max_length=DOCUMENT_MAX,
        label=gettext_lazy("设备设施（按功能）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("每行一项：功能，通用技术要求，数量。不得指定品牌或型号（R12）。"),
    )
    notes = forms.CharField(
        max_length=REASON_MAX, label=gettext_lazy("其他要求"), required=False, widget=forms.Textarea
    )

    def equipment_items(self) -> list[dict[str, Any]]:
        items = []
        for line in self.cleaned_data["equipment"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace(",", "，").split("，")]
            function = parts[0]
            quantity = parts[-1] if len(parts) > 1 else ""
            spec = "，".join(parts[1:-1]) if len(parts) > 2 else ""
            items.append({"function": function, "spec": spec, "quantity": quantity})
        return items

    @staticmethod
    def equipment_text(items: list[dict[str, Any]]) -> str:
        return "\n".join(f"{i['function']}，{i.get('spec', '')}，{i['quantity']}" for i in items)


class SiteApplicationForm(forms.Form):
    certificate = forms.ModelChoiceField(
        label=gettext_lazy("证书"),
        queryset=Certificate.objects.filter(site_condition__isnull=False).order_by("code"),
    )
    levels = forms.MultipleChoiceField(
        label=gettext_lazy("申请等级"), choices=Level.choices, widget=forms.CheckboxSelectMultiple
    )
    address = forms.CharField(label=gettext_lazy("站点地址"), max_length=300)
    seats = forms.IntegerField(label=gettext_lazy("考位数"), min_value=1)
    rooms = forms.IntegerField(label=gettext_lazy("考场数"), min_value=1)
    notes = forms.CharField(
        max_length=REASON_MAX, label=gettext_lazy("说明"), required=False, widget=forms.Textarea
    )

    def site_input(self) -> site_services.SiteInput:
        d = self.cleaned_data
        return site_services.SiteInput(
            levels=d["levels"],
            address=d["address"],
            seats=d["seats"],
            rooms=d["rooms"],
            notes=d["notes"],
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label=gettext_lazy("退回原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeeForm(forms.Form):
    province = forms.ModelChoiceField(
        label=gettext_lazy("省份"),
        queryset=Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code"),
    )
    certificate = forms.ModelChoiceField(
        label=gettext_lazy("证书"), queryset=Certificate.objects.none()
    )
    level = forms.ChoiceField(label=gettext_lazy("等级"), choices=Level.choices)
    amount = forms.CharField(
        label=gettext_lazy("考核费用（元）"),
        max_length=16,
        help_text=gettext_lazy("不得超过教育部公布的成本上限（R13）。"),
    )
    basis = forms.CharField(
        max_length=REASON_MAX, label=gettext_lazy("测算依据"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = org.certificates.order_by("code")


class FeeApproveForm(forms.Form):
    effective_from = forms.DateField(
        label=gettext_lazy("执行日期"),
        required=False,
        widget=DateInput(),
    )
    review_kind = forms.ChoiceField(
        label=gettext_lazy("评审方式"), choices=FeeReviewKind.choices, required=False
    )
    reviewer = forms.CharField(label=gettext_lazy("评审专家或机构"), required=False, max_length=200)
    review_conclusion = forms.CharField(
        max_length=REASON_MAX,
        label=gettext_lazy("评审结论"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    review_attachment = forms.FileField(
        label=gettext_lazy("评审附件"), required=False, help_text=gettext_lazy("PDF、JPG 或 PNG")
    )


class NegotiationForm(forms.Form):
    certificate = forms.ModelChoiceField(
        label=gettext_lazy("证书"), queryset=Certificate.objects.none()
    )
    level = forms.ChoiceField(label=gettext_lazy("等级"), choices=Level.choices)
    school_codes = forms.CharField(
        max_length=DOCUMENT_MAX,
        label=gettext_lazy("参与院校（学校标识码）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一个学校标识码，至少两所。"),
    )
    agreed_fee = forms.CharField(label=gettext_lazy("协商费用（元）"), max_length=16)
    negotiated_on = forms.DateField(label=gettext_lazy("协商日期"), widget=DateInput())
    notes = forms.CharField(
        max_length=REASON_MAX, label=gettext_lazy("说明"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, certificates: QuerySet[Certificate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = certificates

    def clean_school_codes(self) -> list[School]:
        codes = [c.strip() for c in self.cleaned_data["school_codes"].split() if c.strip()]
        found = list(School.objects.filter(code__in=codes))
        if len(found) != len(set(codes)):
            missing = sorted(set(codes) - {s.code for s in found})
            raise forms.ValidationError(_("未找到学校：%(codes)s") % {"codes": "、".join(missing)})
        return found

    def error_field(self, exc: DomainError) -> str | None:
        return "school_codes" if exc.field == "schools" else exc.field


class HandleForm(forms.Form):
    note = forms.CharField(
        max_length=REASON_MAX,
        label=gettext_lazy("处理意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BrandWordForm(forms.Form):
    word = forms.CharField(label=gettext_lazy("品牌词或模式"), max_length=100)
    is_pattern = forms.BooleanField(label=gettext_lazy("正则表达式"), required=False)


def _form_page(
    request: HttpRequest, form: forms.Form, *, title: str, back: str, note: str = ""
) -> HttpResponse:
    return render(
        request,
        "assessment/site_form.html",
        {"form": form, "title": title, "back": back, "note": note},
    )


# --- R09: plans (public) -------------------------------------------------------------------


def plan_public_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    plans = site_selectors.plan_list(q=q)
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("考核方案"),
            headers=[
                _("证书代码"),
                _("证书名称"),
                _("培训评价组织"),
                _("考核形式"),
                _("考核时长（分钟）"),
                _("理论权重（%）"),
                _("实操权重（%）"),
                _("理论合格线"),
                _("实操合格线"),
                _("模拟考核平台地址"),
            ],
            rows=(
                [
                    p.certificate.code,
                    p.certificate.name,
                    p.org.name,
                    p.get_exam_format_display(),
                    p.duration_minutes,
                    p.theory_weight,
                    p.practical_weight,
                    p.theory_pass,
                    p.practical_pass,
                    p.mock_platform_url,
                ]
                for p in plans
            ),
        )
    return render(
        request,
        page_or_fragment(
            request, "assessment/plan_public_list.html", "assessment/plan_public_table.html"
        ),
        {"page_obj": page_of(request, plans), "q": q},
    )


def plan_public(request: HttpRequest, code: str) -> HttpResponse:
    certificate: Certificate = certificate_get(code=code)
    actor = request_actor(request)
    context = {
        "certificate": certificate,
        "plan": site_selectors.plan_for(certificate),
        "condition": site_selectors.condition_for(certificate),
        "sites": site_selectors.site_list(certificate=certificate)[:100],
        "is_org": actor.kind == UnitKind.ORG and actor.unit_id == certificate.org.unit_id,
    }
    return render(request, "assessment/plan_public.html", context)


def _own_certificate(request: HttpRequest, code: str) -> Certificate:
    certificate: Certificate = certificate_get(code=code)
    actor = request_actor(request)
    if not (actor.kind == UnitKind.ORG and actor.unit_id == certificate.org.unit_id):
        raise Http404
    return certificate


@login_required
def plan_edit(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _own_certificate(request, code)
    plan = site_selectors.plan_for(certificate)
    initial = (
        {
            name: getattr(plan, name)
            for name in (
                "exam_format",
                "duration_minutes",
                "theory_weight",
                "practical_weight",
                "theory_pass",
                "practical_pass",
                "mock_platform_url",
                "notes",
            )
        }
        if plan
        else {"theory_pass": Decimal(60), "practical_pass": Decimal(60)}
    )
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: site_services.plan_publish(
                actor=request_actor(request),
                certificate=certificate,
                data=site_services.PlanInput(**form.cleaned_data),
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("考核方案已发布。"))
            return redirect("assessment:plan_public", code=certificate.code)
    return _form_page(
        request,
        form,
        title=_("发布考核方案：%(c)s") % {"c": certificate.name},
        back=reverse("assessment:plan_public", args=[certificate.code]),
        note=_("合格规则：理论成绩和实操成绩均达到合格线为合格（R09）。"),
    )


@login_required
def condition_edit(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _own_certificate(request, code)
    condition = site_selectors.condition_for(certificate)
    initial = (
        {
            "rooms": condition.rooms,
            "seats": condition.seats,
            "equipment": ConditionForm.equipment_text(condition.equipment),
            "notes": condition.notes,
        }
        if condition
        else {}
    )
    form = ConditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: site_services.condition_publish(
                actor=request_actor(request),
                certificate=certificate,
                rooms=form.cleaned_data["rooms"],
                seats=form.cleaned_data["seats"],
                equipment=form.equipment_items(),
                notes=form.cleaned_data["notes"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("考核站点条件已发布。"))
            return redirect("assessment:plan_public", code=certificate.code)
    return _form_page(
        request,
        form,
        title=_("发布考核站点条件：%(c)s") % {"c": certificate.name},
        back=reverse("assessment:plan_public", args=[certificate.code]),
        note=_("不得以任何名义要求院校购置指定品牌的设备、软件、课程或服务（R12）。"),
    )


# --- R10: registered sites and applications ------------------------------------------------


def site_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    province = Division.objects.filter(
        code=request.GET.get("province", ""), level=DivisionLevel.PROVINCE
    ).first()
    qs = site_selectors.site_list(q=q, province=province)
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("考核站点"),
            headers=[
                _("站点编码"),
                _("学校"),
                _("省份"),
                _("城市"),
                _("地址"),
                _("考位数"),
                _("考场数"),
                _("证书与等级"),
            ],
            rows=(
                [
                    s.code,
                    s.school.name,
                    s.province.name,
                    s.city.name,
                    s.address,
                    s.seats,
                    s.rooms,
                    "；".join(
                        f"{c.name}（{'、'.join(levels)}）"
                        for c, levels in site_selectors.site_certificate_lines(s)
                    ),
                ]
                for s in qs
            ),
        )
    page = page_of(request, qs)
    rows = [(s, site_selectors.site_certificate_lines(s)) for s in page.object_list]
    return render(
        request,
        page_or_fragment(request, "assessment/site_list.html", "assessment/site_table.html"),
        {
            "page_obj": page,
            "rows": rows,
            "provinces": Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code"),
            "province": province,
        },
    )


@login_required
def site_application_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()[:100]
    qs = site_selectors.site_application_list(actor=actor, status=status, q=q)
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("考核站点申请"),
            headers=[
                _("学校"),
                _("证书"),
                _("城市"),
                _("地址"),
                _("考位数"),
                _("状态"),
                _("站点编码"),
            ],
            rows=(
                [
                    a.school.name,
                    a.certificate.name,
                    a.city.name,
                    a.address,
                    a.seats,
                    a.get_status_display(),
                    a.site.code if a.site else "",
                ]
                for a in qs
            ),
        )
    context = {
        "page_obj": page_of(request, qs),
        "status": status,
        "statuses": SiteApplicationStatus.choices,
        "to_review": site_selectors.site_applications_to_review(actor=actor).count(),
        "can_apply": actor.kind == UnitKind.SCHOOL and actor.can_write,
    }
    return render(
        request,
        page_or_fragment(
            request,
            "assessment/site_application_list.html",
            "assessment/site_application_table.html",
        ),
        context,
    )


@login_required
def site_application_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    school = school_of(actor)
    if school is None:
        raise Http404
    form = SiteApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: site_services.site_application_submit(
                actor=actor,
                school=school,
                certificate=form.cleaned_data["certificate"],
                data=form.site_input(),
            ),
            form=form,
        )
        if done.ok:
            application = done.value
            messages.success(request, _("站点申请已提交，等待培训评价组织审核。"))
            return redirect("assessment:site_application_detail", pk=application.pk)
    return _form_page(
        request,
        form,
        title=_("申报考核站点"),
        back=reverse("assessment:site_application_list"),
        note=_("请对照培训评价组织公布的站点条件申报（R10）。"),
    )


@login_required
def site_application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    application: SiteApplication = site_selectors.site_application_get(actor=actor, pk=pk)
    if not is_application_school(actor, application):
        raise Http404
    form = SiteApplicationForm(
        request.POST or None,
        initial={
            "certificate": application.certificate_id,
            "levels": application.levels,
            "address": application.address,
            "seats": application.seats,
            "rooms": application.rooms,
            "notes": application.notes,
        },
    )
    form.fields["certificate"].disabled = True
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: site_services.site_application_resubmit(
                actor=actor, application=application, data=form.site_input()
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("申请已重新提交。"))
            return redirect("assessment:site_application_detail", pk=pk)
    return _form_page(
        request,
        form,
        title=_("修改并重新提交站点申请"),
        back=reverse("assessment:site_application_detail", args=[pk]),
    )


_SITE_ACTIONS = {
    "submit": gettext_lazy("学校提交申请"),
    "resubmit": gettext_lazy("学校重新提交"),
    "org_approve": gettext_lazy("培训评价组织同意"),
    "return": gettext_lazy("退回"),
    "approve": gettext_lazy("省级审核通过并备案"),
}


@login_required
def site_application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    application: SiteApplication = site_selectors.site_application_get(actor=actor, pk=pk)
    labels = dict(SiteApplicationStatus.choices)
    timeline = [
        {
            "at": e.at,
            "action": _SITE_ACTIONS.get(e.action, e.action),
            "actor": actor_label(e.unit, e.user),
            "reason": e.reason if e.action == "return" else "",
            "status": e.to_status,
            "status_label": labels.get(e.to_status, e.to_status),
        }
        for e in application.events.select_related("unit", "user")
    ]
    context = {
        "application": application,
        "levels": [Level(lv).label for lv in application.levels],
        "timeline": timeline,
        "condition": site_selectors.condition_for(application.certificate),
        "moves": SITE_APPLICATION.allowed_actions(application, actor),
        "return_form": ReasonForm(),
    }
    return render(request, "assessment/site_application_detail.html", context)


@login_required
@require_POST
def site_application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    application: SiteApplication = site_selectors.site_application_get(actor=actor, pk=pk)
    reason = request.POST.get("reason", "")
    calls: dict[str, tuple[Callable[[], SiteApplication], str]] = {
        "org-approve": (
            lambda: site_services.site_application_org_approve(
                actor=actor, application=application
            ),
            _("已同意，等待省级教育行政部门审核。"),
        ),
        "approve": (
            lambda: site_services.site_application_province_approve(
                actor=actor, application=application
            ),
            _("已审核通过，站点编码 %(code)s。"),
        ),
        "return": (
            lambda: site_services.site_application_return(
                actor=actor, application=application, reason=reason
            ),
            _("申请已退回。"),
        ),
    }
    if action not in calls:
        raise Http404
    call, success = calls[action]
    done = attempt(call, request=request)
    if done.ok:
        site = done.value.site
        messages.success(request, success % {"code": site.code if site else ""})
    return redirect("assessment:site_application_detail", pk=pk)


# --- R11: coverage -------------------------------------------------------------------------


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    province = Division.objects.filter(
        code=request.GET.get("province", ""), level=DivisionLevel.PROVINCE
    ).first()
    certificate = Certificate.objects.filter(code=request.GET.get("certificate", "")).first()
    gaps_only = request.GET.get("gaps") == "1"
    report = site_selectors.coverage_report(
        actor=actor, province=province, certificate=certificate, gaps_only=gaps_only
    )
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("考核站点覆盖情况"),
            headers=[
                _("省份"),
                _("地级市"),
                _("证书"),
                _("已确认试点院校数"),
                _("考核站点数"),
                _("是否覆盖"),
            ],
            rows=(
                [
                    r.province.name,
                    r.city.name,
                    r.certificate.name,
                    r.pilot_schools,
                    r.sites,
                    _("已覆盖") if r.covered else _("未覆盖"),
                ]
                for r in report.rows
            ),
        )
    national = actor.is_national and province is None
    series = report.gaps_by_province() if national else report.by_city()
    chart = {
        "title": _("各省未覆盖的地市数") if national else _("各地市未覆盖的证书数"),
        "seriesName": _("未覆盖"),
        "categories": [name for name, _total, _gaps in series],
        "values": [gaps for _name, _total, gaps in series],
        "kind": "bar",
    }
    context = {
        "report": report,
        "chart": chart,
        "series": series,
        "national": national,
        "provinces": Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code")
        if actor.is_national or actor.kind == UnitKind.ORG
        else [],
        "province": province,
        "certificates": Certificate.objects.order_by("code"),
        "certificate": certificate,
        "gaps_only": gaps_only,
    }
    return render(
        request,
        page_or_fragment(request, "assessment/coverage.html", "assessment/coverage_table.html"),
        context,
    )


# --- R12: complaints and brand words -------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status", "")
    qs = site_selectors.complaint_list(actor=actor, status=status, q=request.GET.get("q", "")[:100])
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("指定品牌问题反映"),
            headers=[
                _("学校"),
                _("省份"),
                _("培训评价组织"),
                _("证书"),
                _("反映内容"),
                _("状态"),
                _("处理意见"),
            ],
            rows=(
                [
                    c.school.name,
                    c.province.name,
                    c.org.name,
                    c.certificate.name if c.certificate else "",
                    c.text,
                    c.get_status_display(),
                    c.handled_note,
                ]
                for c in qs
            ),
        )
    return render(
        request,
        page_or_fragment(
            request, "assessment/site_complaint_list.html", "assessment/site_complaint_table.html"
        ),
        {
            "page_obj": page_of(request, qs),
            "status": status,
            "statuses": ComplaintStatus.choices,
            "can_report": actor.kind == UnitKind.SCHOOL and actor.can_write,
        },
    )


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    """New brand complaints (R12) go through the platform's feedback: its category
    "designated-brand bundling" (the feedback app, which also holds the older complaints)."""
    if school_of(request_actor(request)) is None:
        raise Http404
    return redirect(reverse("feedback:new") + "?category=brand_bundling&subject_kind=org")


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    complaint: BrandComplaint = site_selectors.complaint_get(actor=actor, pk=pk)
    can_handle = "handle" in COMPLAINT.allowed_actions(complaint, actor)
    form = HandleForm(request.POST or None)
    if request.method == "POST" and can_handle and form.is_valid():
        note = form.cleaned_data["note"]
        handled = attempt(
            partial(site_services.complaint_handle, actor=actor, complaint=complaint, note=note),
            form=form,
        )
        if handled.ok:
            messages.success(request, _("已记录处理意见。"))
            return redirect("assessment:complaint_detail", pk=pk)
    timeline = [
        {"at": complaint.created_at, "action": _("学校提交反映"), "actor": complaint.school.name}
    ]
    if complaint.handled_at:
        timeline.append(
            {
                "at": complaint.handled_at,
                "action": _("已处理"),
                "actor": complaint.handled_by.name if complaint.handled_by else "",
                "reason": complaint.handled_note,
            }
        )
    return render(
        request,
        "assessment/site_complaint_detail.html",
        {
            "complaint": complaint,
            "attachments": list(complaint.attachments.all()),
            "form": form,
            "can_handle": can_handle,
            "timeline": timeline,
        },
    )


@signed_in_download
def complaint_attachment(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """Serve an attachment only to actors who may see the complaint (not via MEDIA)."""
    complaint: BrandComplaint = site_selectors.complaint_get(actor=request_actor(request), pk=pk)
    row = complaint.attachments.filter(pk=attachment).first()
    if row is None:
        raise Http404
    return stored_file_response(row.file, name=f"attachment-{row.pk}")


@signed_in_download
def fee_review_attachment(request: HttpRequest, pk: int, version: int) -> FileResponse:
    """The expert or third-party review file of a fee version, to actors who see the standard."""
    row: FeeVersion = fee_selectors.fee_version_get(actor=request_actor(request), pk=version)
    if row.standard_id != pk:
        raise Http404
    return stored_file_response(row.review_attachment, name=f"fee-review-{row.pk}")


@login_required
def brand_words(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.kind not in (UnitKind.MINISTRY, UnitKind.AGGREGATOR, UnitKind.PROVINCE, UnitKind.ORG):
        raise Http404
    can_edit = actor.kind == UnitKind.MINISTRY and actor.is_admin
    form = BrandWordForm(request.POST or None)
    if request.method == "POST":
        if "toggle" in request.POST:
            pk = id_param(request.POST["toggle"])
            if pk is None:
                raise Http404
            word = site_selectors.brand_word_get(pk=pk)
            attempt(
                lambda: site_services.brand_word_set_active(
                    actor=actor, word=word, is_active=not word.is_active
                ),
                request=request,
            )
            return redirect("assessment:brand_words")
        if form.is_valid():
            added = attempt(
                lambda: site_services.brand_word_add(
                    actor=actor,
                    word=form.cleaned_data["word"],
                    is_pattern=form.cleaned_data["is_pattern"],
                ),
                form=form,
            )
            if added.ok:
                messages.success(request, _("已添加。"))
                return redirect("assessment:brand_words")
    return render(
        request,
        "assessment/site_brand_words.html",
        {"words": site_selectors.brand_word_list(), "form": form, "can_edit": can_edit},
    )


# --- fees: R13, R30, R45 -------------------------------------------------------------------


@login_required
def fee_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    q = request.GET.get("q", "").strip()[:100]
    pending_only = request.GET.get("pending") == "1"
    above_ceiling_only = request.GET.get("above_ceiling") == "1"
    qs = fee_selectors.fee_standard_list(
        actor=actor, q=q, pending_only=pending_only, above_ceiling_only=above_ceiling_only
    )
    if request.GET.get("format") == "xlsx":
        rows = fee_selectors.fee_rows(list(qs))
        return export_response(
            filename=_("考核费用标准"),
            headers=[
                _("省份"),
                _("证书"),
                _("等级"),
                _("培训评价组织"),
                _("现行费用（元）"),
                _("待审核费用（元）"),
            ],
            rows=(
                [
                    r.standard.province.name,
                    r.standard.certificate.name,
                    r.standard.get_level_display(),
                    r.standard.org.name,
                    r.current.amount if r.current else None,
                    r.pending.amount if r.pending else None,
                ]
                for r in rows
            ),
        )
    page = page_of(request, qs)
    context = {
        "page_obj": page,
        "rows": fee_selectors.fee_rows(list(page.object_list)),
        "pending_only": pending_only,
        "above_ceiling_only": above_ceiling_only,
        "to_review": fee_selectors.fee_versions_to_review(actor=actor).count(),
        "can_propose": actor.kind == UnitKind.ORG and actor.can_write,
    }
    return render(
        request,
        page_or_fragment(request, "assessment/fee_list.html", "assessment/fee_table.html"),
        context,
    )


@login_required
def fee_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    org = org_of(actor)
    if org is None:
        raise Http404
    form = FeeForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: fee_services.fee_propose(
                actor=actor,
                province=form.cleaned_data["province"],
                certificate=form.cleaned_data["certificate"],
                level=form.cleaned_data["level"],
                amount=form.cleaned_data["amount"],
                basis=form.cleaned_data["basis"],
            ),
            form=form,
        )
        if done.ok:
            version = done.value
            messages.success(request, _("费用标准已提交省级教育行政部门核定。"))
            return redirect("assessment:fee_detail", pk=version.standard_id)
    return _form_page(
        request,
        form,
        title=_("提出考核费用标准"),
        back=reverse("assessment:fee_list"),
        note=_("调整费用（含提高费用）须经省级教育行政部门重新核定，核定前执行原标准（R30）。"),
    )


_FEE_ACTIONS = {
    "propose": gettext_lazy("提出费用标准"),
    "adjust": gettext_lazy("提出调整"),
    "approve": gettext_lazy("省级核定"),
    "return": gettext_lazy("退回"),
    "withdraw": gettext_lazy("撤回"),
}


@login_required
def fee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    standard: FeeStandard = fee_selectors.fee_standard_get(actor=actor, pk=pk)
    labels = dict(FeeVersionStatus.choices)
    timeline = []
    for e in standard.events.select_related("unit", "user"):
        amounts = (
            f"{e.old_amount} → {e.new_amount}" if e.old_amount is not None else f"{e.new_amount}"
        )
        timeline.append(
            {
                "at": e.at,
                "action": f"{_FEE_ACTIONS.get(e.action, e.action)}（{amounts} {_('元')}）",
                "actor": actor_label(e.unit, e.user),
                "reason": e.reason,
                "status": e.to_status,
                "status_label": labels.get(e.to_status, e.to_status),
            }
        )
    pending = fee_selectors.pending_version(standard)
    context = {
        "standard": standard,
        "current": fee_selectors.current_version(standard),
        "pending": pending,
        "versions": list(standard.versions.order_by("-number")),
        "ceiling": fee_selectors.ceiling_for(
            certificate=standard.certificate, level=standard.level
        ),
        "timeline": timeline,
        "moves": FEE_VERSION.allowed_actions(pending, actor) if pending is not None else [],
        "above_ceiling": fee_selectors.standard_above_ceiling(standard),
        "approve_form": FeeApproveForm(),
        "return_form": ReasonForm(),
    }
    return render(request, "assessment/fee_detail.html", context)


@login_required
@require_POST
def fee_action(request: HttpRequest, pk: int, version: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    row: FeeVersion = fee_selectors.fee_version_get(actor=actor, pk=version)
    if row.standard_id != pk:
        raise Http404
    if action == "approve":
        form = FeeApproveForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("请检查核定信息。"))
            return redirect("assessment:fee_detail", pk=pk)
        d = form.cleaned_data
        review = fee_services.FeeReview(
            kind=d["review_kind"] or "",
            reviewer=d["reviewer"],
            conclusion=d["review_conclusion"],
            attachment=d.get("review_attachment"),
        )
        call: Callable[[], FeeVersion] = partial(
            fee_services.fee_approve,
            actor=actor,
            version=row,
            effective_from=d["effective_from"],
            review=review,
        )
        success = _("费用标准已核定。")
    elif action == "return":
        reason = request.POST.get("reason", "")
        call = partial(fee_services.fee_return, actor=actor, version=row, reason=reason)
        success = _("已退回，原核定标准继续执行。")
    elif action == "withdraw":
        call = partial(fee_services.fee_withdraw, actor=actor, version=row)
        success = _("已撤回。")
    else:
        raise Http404
    if attempt(call, request=request).ok:
        messages.success(request, success)
    return redirect("assessment:fee_detail", pk=pk)


@login_required
def negotiation_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    qs = fee_selectors.negotiation_list(
        actor=actor, q=request.GET.get("q", "")[:100], status=request.GET.get("status", "")[:16]
    )
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("联合议价"),
            headers=[
                _("省份"),
                _("证书"),
                _("等级"),
                _("培训评价组织"),
                _("协商费用（元）"),
                _("成本上限（元）"),
                _("参与院校"),
                _("协商日期"),
            ],
            rows=(
                [
                    n.province.name,
                    n.certificate.name,
                    n.get_level_display(),
                    n.org.name,
                    n.agreed_fee,
                    n.ceiling,
                    "、".join(s.name for s in n.schools.all()),
                    n.negotiated_on,
                ]
                for n in qs
            ),
        )
    return render(
        request,
        page_or_fragment(
            request, "assessment/fee_negotiation_list.html", "assessment/fee_negotiation_table.html"
        ),
        {
            "page_obj": page_of(request, qs),
            "can_record": actor.kind in (UnitKind.ORG, UnitKind.SCHOOL) and actor.can_write,
        },
    )


@login_required
def negotiation_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.kind == UnitKind.ORG:
        certificates = Certificate.objects.filter(org__unit=actor.unit).order_by("code")
    elif actor.kind == UnitKind.SCHOOL:
        certificates = Certificate.objects.order_by("code")
    else:
        raise Http404
    initial = {}
    school = school_of(actor)
    if school is not None:
        initial["school_codes"] = school.code
    form = NegotiationForm(request.POST or None, certificates=certificates, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = attempt(
            lambda: fee_services.negotiation_record(
                actor=actor,
                certificate=d["certificate"],
                level=d["level"],
                schools=d["school_codes"],
                agreed_fee=d["agreed_fee"],
                negotiated_on=d["negotiated_on"],
                notes=d["notes"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("联合议价结果已记录，等待培训评价组织确认后生效。"))
            return redirect("assessment:negotiation_detail", pk=done.value.pk)
    return _form_page(
        request,
        form,
        title=_("记录联合议价"),
        back=reverse("assessment:negotiation_list"),
        note=_("试点院校可联合与培训评价组织协商费用，协商费用不得超过公布的成本上限（R45）。"),
    )


_NEGOTIATION_ACTIONS = {
    "record": gettext_lazy("录入联合议价"),
    "agree": gettext_lazy("组织确认"),
    "decline": gettext_lazy("组织未同意"),
}


@login_required
def negotiation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    negotiation = fee_selectors.negotiation_get(actor=actor, pk=pk)
    labels = dict(NegotiationStatus.choices)
    timeline = [
        {
            "at": e.at,
            "action": _NEGOTIATION_ACTIONS.get(e.action, e.action),
            "actor": actor_label(e.unit, e.user),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": labels.get(e.to_status, e.to_status),
        }
        for e in negotiation.events.select_related("unit", "user")
    ]
    context = {
        "negotiation": negotiation,
        "moves": NEGOTIATION.allowed_actions(negotiation, actor),
        "timeline": timeline,
        "reason_form": ReasonForm(),
    }
    return render(request, "assessment/fee_negotiation_detail.html", context)


@login_required
@require_POST
def negotiation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    negotiation = fee_selectors.negotiation_get(actor=actor, pk=pk)
    if action == "agree":
        done = attempt(
            lambda: fee_services.negotiation_agree(actor=actor, negotiation=negotiation),
            request=request,
        )
        if done.ok:
            messages.success(request, _("已确认联合议价，参与院校按协商费用缴费。"))
    elif action == "decline":
        reason = request.POST.get("reason", "")
        done = attempt(
            lambda: fee_services.negotiation_decline(
                actor=actor, negotiation=negotiation, reason=reason
            ),
            request=request,
        )
        if done.ok:
            messages.success(request, _("已记录不同意。"))
    else:
        raise Http404
    return redirect("assessment:negotiation_detail", pk=pk)


urlpatterns: list[URLPattern] = [
    path("plans/", plan_public_list, name="plan_public_list"),
    path("plans/<str:code>/", plan_public, name="plan_public"),
    path("plans/<str:code>/edit/", plan_edit, name="plan_edit"),
    path("plans/<str:code>/conditions/", condition_edit, name="condition_edit"),
    path("sites/", site_list, name="site_list"),
    path("site-applications/", site_application_list, name="site_application_list"),
    path("site-applications/new/", site_application_new, name="site_application_new"),
    path("site-applications/<int:pk>/", site_application_detail, name="site_application_detail"),
    path("site-applications/<int:pk>/edit/", site_application_edit, name="site_application_edit"),
    path(
        "site-applications/<int:pk>/<slug:action>/",
        site_application_action,
        name="site_application_action",
    ),
    path("coverage/", coverage, name="coverage"),
    path("brand-complaints/", complaint_list, name="complaint_list"),
    path("brand-complaints/new/", complaint_new, name="complaint_new"),
    path("brand-complaints/<int:pk>/", complaint_detail, name="complaint_detail"),
    path(
        "brand-complaints/<int:pk>/attachments/<int:attachment>/",
        complaint_attachment,
        name="complaint_attachment",
    ),
    path("brand-words/", brand_words, name="brand_words"),
    path("fees/", fee_list, name="fee_list"),
    path("fees/new/", fee_new, name="fee_new"),
    path("fees/<int:pk>/", fee_detail, name="fee_detail"),
    path(
        "fees/<int:pk>/versions/<int:version>/review-attachment/",
        fee_review_attachment,
        name="fee_review_attachment",
    ),
    path("fees/<int:pk>/versions/<int:version>/<slug:action>/", fee_action, name="fee_action"),
    path("fee-negotiations/", negotiation_list, name="negotiation_list"),
    path("fee-negotiations/<int:pk>/", negotiation_detail, name="negotiation_detail"),
    path("fee-negotiations/<int:pk>/<slug:action>/", negotiation_action, name="negotiation_action"),
    path("fee-negotiations/new/", negotiation_new, name="negotiation_new"),
]
