"""Pages of funding: allocations, expenditures, the funds flow (R17, R39, R41) and exam-fee
settlements (R29). One view serves the page and its htmx fragment."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.core.actors import Actor, request_actor
from onex.core.errors import NotFound
from onex.core.forms import DateInput
from onex.core.limits import NAME_MAX, REASON_MAX, SEARCH_MAX
from onex.core.models import UnitKind
from onex.core.params import id_param, year_param
from onex.core.web import (
    attempt,
    page_of,
    page_or_fragment,
    signed_in_download,
    stored_file_response,
)
from onex.core.xlsx import export_response
from onex.funding.models import (
    Allocation,
    AllocationStatus,
    ExpenditureCategory,
    FundSource,
    ProhibitedUse,
    Settlement,
    SettlementStatus,
)
from onex.funding.selectors import funds as fund_selectors
from onex.funding.selectors import settlements as settlement_selectors
from onex.funding.selectors.funds import flow_provinces, funds_flow
from onex.funding.services import funds as fund_services
from onex.funding.services import settlements as settlement_services
from onex.funding.workflows import ALLOCATION, SETTLEMENT
from onex.geo.models import Division
from onex.pilots.models import School
from onex.pilots.selectors.schools import school_list, school_of

# --- forms --------------------------------------------------------------------------------------


class AllocationForm(forms.Form):
    school: forms.ModelChoiceField[School] = forms.ModelChoiceField(
        label=gettext_lazy("学校"), queryset=School.objects.none()
    )
    source = forms.ChoiceField(label=gettext_lazy("资金来源"), choices=FundSource.choices)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=1900, max_value=2200)
    title = forms.CharField(label=gettext_lazy("名称"), max_length=NAME_MAX)
    document_number = forms.CharField(
        label=gettext_lazy("下达文号"), max_length=NAME_MAX, required=False
    )
    amount = forms.DecimalField(
        label=gettext_lazy("金额（元）"), max_digits=14, decimal_places=2, min_value=0
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = school_list(actor=actor)


class ExpenditureForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("支出类别"),
        choices=[
            (gettext_lazy("允许的支出"), ExpenditureCategory.choices),
            (gettext_lazy("专项资金禁止用途（R39）"), ProhibitedUse.choices),
        ],
        help_text=gettext_lazy("专项资金不得用于平衡预算、偿还债务、支付利息、对外投资等（R39）。"),
    )
    amount = forms.DecimalField(
        label=gettext_lazy("金额（元）"), max_digits=14, decimal_places=2, min_value=0
    )
    spent_on = forms.DateField(label=gettext_lazy("支出日期"), widget=DateInput)
    payee = forms.CharField(label=gettext_lazy("收款方"), max_length=NAME_MAX)
    purpose = forms.CharField(
        label=gettext_lazy("用途说明"), max_length=REASON_MAX, widget=forms.Textarea
    )
    evidence = forms.FileField(
        label=gettext_lazy("支出凭证"), help_text=gettext_lazy("PDF、JPG 或 PNG，不超过 5 MB")
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("原因"), max_length=REASON_MAX, widget=forms.Textarea, required=False
    )


class SettlementForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("结算金额（元）"), max_digits=14, decimal_places=2, min_value=0
    )
    settled_on = forms.DateField(label=gettext_lazy("结算日期"), widget=DateInput)
    note = forms.CharField(
        label=gettext_lazy("说明"), max_length=REASON_MAX, widget=forms.Textarea, required=False
    )


def _province(request: HttpRequest) -> Division | None:
    code = request.GET.get("province", "").strip()[:6]
    return Division.objects.filter(code=code, level="province").first() if code else None


# --- allocations --------------------------------------------------------------------------------


@login_required
def allocation_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    source = request.GET.get("source", "")[:32]
    status = request.GET.get("status", "")[:32]
    province = _province(request)
    year = year_param(request.GET.get("year"))
    qs = fund_selectors.allocation_list(
        actor=actor,
        q=request.GET.get("q", "")[:SEARCH_MAX],
        source=source,
        status=status,
        province=province,
        year=year,
    )
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("试点经费"),
            headers=[
                _("年度"),
                _("省份"),
                _("学校"),
                _("资金来源"),
                _("名称"),
                _("下达文号"),
                _("金额（元）"),
                _("已支出（元）"),
                _("余额（元）"),
                _("状态"),
            ],
            rows=(
                [
                    a.year,
                    a.province.name,
                    a.school.name,
                    a.get_source_display(),
                    a.title,
                    a.document_number,
                    a.amount,
                    a.spent,
                    a.balance,
                    a.get_status_display(),
                ]
                for a in qs
            ),
        )
    return render(
        request,
        page_or_fragment(request, "funding/allocation_list.html", "funding/allocation_table.html"),
        {
            "page_obj": page_of(request, qs),
            "totals": fund_selectors.funds_totals(actor=actor, province=province),
            "sources": FundSource.choices,
            "statuses": AllocationStatus.choices,
            "source": source,
            "status": status,
            "provinces": flow_provinces(actor=actor),
            "province": province,
            "can_allocate": actor.can_write
            and actor.kind in (UnitKind.MINISTRY, UnitKind.PROVINCE, UnitKind.SCHOOL),
        },
    )


@login_required
def allocation_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require_kind(UnitKind.MINISTRY, UnitKind.PROVINCE, UnitKind.SCHOOL)
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    school = school_of(actor)
    if school is not None:
        initial.update({"school": school.pk, "source": FundSource.SCHOOL_OWN})
    elif actor.kind == UnitKind.PROVINCE:
        initial["source"] = FundSource.PROVINCIAL_SPECIAL
    form = AllocationForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: fund_services.allocation_create(
                actor=actor,
                school=form.cleaned_data["school"],
                source=form.cleaned_data["source"],
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
                document_number=form.cleaned_data["document_number"],
                amount=form.cleaned_data["amount"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("资金已下达。"))
            return redirect("funding:allocation_detail", pk=done.value.pk)
    return render(
        request,
        "funding/form.html",
        {
            "form": form,
            "title": _("下达资金"),
            "back": reverse("funding:allocation_list"),
            "note": _(
                "教育部下达中央奖补资金，省级教育行政部门下达省级专项资金，学校登记自筹资金。"
            ),
        },
    )


def _timeline(
    events: Any, labels: dict[str, Any], statuses: dict[str, Any]
) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "action": str(labels.get(e.action, e.action)),
            "actor": " · ".join(
                p
                for p in (
                    e.unit.name if e.unit else _("系统"),
                    (e.user.display_name or e.user.username) if e.user else "",
                )
                if p
            ),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": str(statuses.get(e.to_status, e.to_status)),
        }
        for e in events.select_related("user", "unit").order_by("at", "pk")
    ]


@login_required
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    allocation: Allocation = fund_selectors.allocation_get(actor=actor, pk=pk)
    can_spend = (
        actor.can_write
        and fund_selectors.school_may_spend(actor, allocation)
        and allocation.status == AllocationStatus.ACTIVE
    )
    form = ExpenditureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and can_spend and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            lambda: fund_services.expenditure_record(
                actor=actor,
                allocation=allocation,
                category=data["category"],
                amount=data["amount"],
                spent_on=data["spent_on"],
                payee=data["payee"],
                purpose=data["purpose"],
                evidence=data["evidence"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("支出已记录。"))
            return redirect("funding:allocation_detail", pk=pk)
    expenditures = fund_selectors.expenditure_list(actor=actor, allocation=allocation)
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("支出明细"),
            headers=[_("支出日期"), _("支出类别"), _("金额（元）"), _("收款方"), _("用途说明")],
            rows=(
                [e.spent_on, e.get_category_display(), e.amount, e.payee, e.purpose]
                for e in expenditures
            ),
        )
    labels: dict[str, Any] = {"create": gettext_lazy("下达资金")}
    labels.update({m.action: m.label for m in ALLOCATION.moves})
    return render(
        request,
        "funding/allocation_detail.html",
        {
            "allocation": allocation,
            "expenditures": expenditures,
            "form": form if can_spend else None,
            "moves": ALLOCATION.allowed_moves(allocation, actor),
            "reason_form": ReasonForm(),
            "timeline": _timeline(allocation.events, labels, dict(AllocationStatus.choices)),
        },
    )


_ALLOCATION_MOVES = {
    "mark_for_recovery": fund_services.allocation_mark_for_recovery,
    "recover": fund_services.allocation_recover,
    "restore": fund_services.allocation_restore,
}


@login_required
@require_POST
def allocation_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    allocation = fund_selectors.allocation_get(actor=actor, pk=pk)
    service = _ALLOCATION_MOVES.get(action)
    if service is None:
        return redirect("funding:allocation_detail", pk=pk)
    reason = request.POST.get("reason", "")[:REASON_MAX]
    done = attempt(
        partial(service, actor=actor, allocation=allocation, reason=reason), request=request
    )
    if done.ok:
        messages.success(request, _("已完成：%(a)s") % {"a": ALLOCATION.label(action)})
    return redirect("funding:allocation_detail", pk=pk)


@signed_in_download
def expenditure_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence of an expenditure, to actors who see its allocation (ADR 0004)."""
    row = fund_selectors.expenditure_get(actor=request_actor(request), pk=pk)
    return stored_file_response(row.evidence, name=f"evidence-{row.pk}")


# --- the funds flow -----------------------------------------------------------------------------


@login_required
def flow(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    provinces = list(flow_provinces(actor=actor))
    province = _province(request)
    if province is None and provinces:
        province = provinces[0]
    year = year_param(request.GET.get("year"))
    data = funds_flow(actor=actor, province=province, year=year)
    if request.GET.get("format") == "xlsx":
        stages = {
            "allocation": _("下达"),
            "expenditure": _("支出"),
            "balance": _("结余"),
        }
        return export_response(
            filename=_("资金流向"),
            headers=[_("环节"), _("来源"), _("去向"), _("金额（元）")],
            rows=([stages[x.stage], x.source, x.target, x.value] for x in data.links),
        )
    return render(
        request,
        "funding/flow.html",
        {
            "flow": data,
            "chart": data.as_json(),
            "provinces": provinces,
            "province": province,
            "year": year,
        },
    )


# --- R29: settlements ---------------------------------------------------------------------------


@login_required
def settlement_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require_kind(
        UnitKind.MINISTRY,
        UnitKind.AGGREGATOR,
        UnitKind.PROVINCE,
        UnitKind.CITY,
        UnitKind.SCHOOL,
        UnitKind.ORG,
        write=False,
    )
    today = timezone.localdate()
    dues = settlement_selectors.settlements_due(
        actor=actor, province=_province(request), q=request.GET.get("q", "")[:SEARCH_MAX]
    )
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        dues = [d for d in dues if d.overdue(today)]
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("考核费用结算"),
            headers=[
                _("考核计划"),
                _("考试日期"),
                _("培训评价组织"),
                _("学校"),
                _("报名人数"),
                _("应结金额（元）"),
                _("截止日期"),
                _("结算状态"),
                _("是否逾期"),
            ],
            rows=(
                [
                    d.plan.title,
                    d.plan.exam_date,
                    d.plan.org.name,
                    d.school.name,
                    d.registrations,
                    d.amount_due,
                    d.deadline,
                    d.settlement.get_status_display() if d.settlement else _("未结算"),
                    _("是") if d.overdue(today) else _("否"),
                ]
                for d in dues
            ),
        )
    rows = [{"due": d, "overdue": d.overdue(today)} for d in dues]
    return render(
        request,
        page_or_fragment(request, "funding/settlement_list.html", "funding/settlement_table.html"),
        {
            "page_obj": page_of(request, rows),
            "overdue_only": overdue_only,
            "is_school": actor.kind == UnitKind.SCHOOL and actor.can_write,
        },
    )


@login_required
def settlement_new(request: HttpRequest, plan: int) -> HttpResponse:
    actor = request_actor(request)
    school = school_of(actor)
    plan_id = id_param(plan) or 0
    due = (
        settlement_selectors.settlement_due_for(actor=actor, plan_id=plan_id, school=school)
        if school is not None
        else None
    )
    if due is None or school is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    form = SettlementForm(
        request.POST or None,
        initial={"amount": due.amount_due, "settled_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            lambda: settlement_services.settlement_record(
                actor=actor,
                school=school,
                plan=due.plan,
                amount=data["amount"],
                settled_on=data["settled_on"],
                note=data["note"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("结算已记录，待培训评价组织确认。"))
            return redirect("funding:settlement_detail", pk=done.value.pk)
    return render(
        request,
        "funding/form.html",
        {
            "form": form,
            "title": _("记录考核费用结算：%(p)s") % {"p": due.plan.title},
            "back": reverse("funding:settlement_list"),
            "note": _("应结金额 %(due)s 元（%(n)s 人），截止日期 %(deadline)s（R29）。")
            % {"due": due.amount_due, "n": due.registrations, "deadline": due.deadline},
        },
    )


@login_required
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    settlement: Settlement = settlement_selectors.settlement_get(actor=actor, pk=pk)
    labels: dict[str, Any] = {"record": gettext_lazy("记录结算")}
    labels.update({m.action: m.label for m in SETTLEMENT.moves})
    return render(
        request,
        "funding/settlement_detail.html",
        {
            "settlement": settlement,
            "deadline": settlement_selectors.settlement_deadline(
                province=settlement.province, exam_date=settlement.plan.exam_date
            ),
            "moves": SETTLEMENT.allowed_moves(settlement, actor),
            "reason_form": ReasonForm(),
            "resubmit_form": SettlementForm(
                initial={"amount": settlement.amount, "settled_on": settlement.settled_on}
            ),
            "timeline": _timeline(settlement.events, labels, dict(SettlementStatus.choices)),
        },
    )


@login_required
@require_POST
def settlement_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    settlement = settlement_selectors.settlement_get(actor=actor, pk=pk)
    reason = request.POST.get("reason", "")[:REASON_MAX]
    if action == "confirm":
        done = attempt(
            partial(settlement_services.settlement_confirm, actor=actor, settlement=settlement),
            request=request,
        )
    elif action == "dispute":
        done = attempt(
            partial(
                settlement_services.settlement_dispute,
                actor=actor,
                settlement=settlement,
                reason=reason,
            ),
            request=request,
        )
    elif action == "resubmit":
        form = SettlementForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写结算金额和日期。"))
            return redirect("funding:settlement_detail", pk=pk)
        data = form.cleaned_data
        done = attempt(
            partial(
                settlement_services.settlement_resubmit,
                actor=actor,
                settlement=settlement,
                amount=data["amount"],
                settled_on=data["settled_on"],
                note=data["note"],
            ),
            request=request,
        )
    else:
        return redirect("funding:settlement_detail", pk=pk)
    if done.ok:
        messages.success(request, _("已完成：%(a)s") % {"a": SETTLEMENT.label(action)})
    return redirect("funding:settlement_detail", pk=pk)


urlpatterns: list[URLPattern] = [
    path("", allocation_list, name="allocation_list"),
    path("new/", allocation_new, name="allocation_new"),
    path("<int:pk>/", allocation_detail, name="allocation_detail"),
    path("<int:pk>/<slug:action>/", allocation_move, name="allocation_move"),
    path("expenditures/<int:pk>/evidence/", expenditure_evidence, name="expenditure_evidence"),
    path("flow/", flow, name="flow"),
    path("settlements/", settlement_list, name="settlement_list"),
    path("settlements/new/<int:plan>/", settlement_new, name="settlement_new"),
    path("settlements/<int:pk>/", settlement_detail, name="settlement_detail"),
    path("settlements/<int:pk>/<slug:action>/", settlement_move, name="settlement_move"),
]
