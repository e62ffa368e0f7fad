"""Pages of feedback (R21, R22, R12), evaluations (R21) and progress reports (R03)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.catalog.models import Org
from onex.core.actors import request_actor
from onex.core.limits import CODE_MAX, DOCUMENT_MAX, NAME_MAX, REASON_MAX, SEARCH_MAX
from onex.core.models import Unit, UnitKind
from onex.core.web import attempt, page_of, page_or_fragment
from onex.core.xlsx import export_response
from onex.feedback.models import (
    Category,
    EvaluationKind,
    Feedback,
    FeedbackStatus,
    IssueStatus,
    SubjectKind,
)
from onex.feedback.selectors import feedback as selectors
from onex.feedback.selectors import progress as report_periods
from onex.feedback.services import feedback as services
from onex.feedback.services.public import follow_rate_check
from onex.feedback.workflows import FEEDBACK, ORDER
from onex.geo.models import Division, DivisionLevel

# --- forms --------------------------------------------------------------------------------------


class FeedbackForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("问题类别"), choices=Category.choices)
    subject_kind = forms.ChoiceField(
        label=gettext_lazy("反映对象"), choices=SubjectKind.choices, widget=forms.RadioSelect
    )
    org = forms.ModelChoiceField(
        label=gettext_lazy("培训评价组织"), queryset=Org.objects.order_by("name"), required=False
    )
    school_code = forms.CharField(
        label=gettext_lazy("学校标识码"),
        max_length=CODE_MAX,
        required=False,
        help_text=gettext_lazy("反映学校时填写 10 位学校标识码"),
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("发生地省份"),
        queryset=Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code"),
        required=False,
        help_text=gettext_lazy("反映培训评价组织时可选；不选则由教育部受理"),
    )
    text = forms.CharField(
        label=gettext_lazy("反映内容"), max_length=REASON_MAX, widget=forms.Textarea
    )
    contact = forms.CharField(
        label=gettext_lazy("联系方式（选填）"), max_length=NAME_MAX, required=False
    )

    def error_field(self, exc: Any) -> str | None:
        return "school_code" if exc.field == "school" else exc.field


class FollowForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("受理编号"), max_length=20)
    code = forms.CharField(label=gettext_lazy("查询码"), max_length=64)


class TextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("内容"), max_length=REASON_MAX, widget=forms.Textarea, required=False
    )


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("评价类型"), choices=EvaluationKind.choices)
    subject = forms.ModelChoiceField(
        label=gettext_lazy("被评价单位"),
        queryset=Unit.objects.filter(kind__in=(UnitKind.SCHOOL, UnitKind.ORG)).order_by("name"),
    )
    evaluator = forms.CharField(label=gettext_lazy("评价机构"), max_length=NAME_MAX, required=False)
    period = forms.CharField(label=gettext_lazy("评价期间"), max_length=NAME_MAX)
    score = forms.DecimalField(
        label=gettext_lazy("评分"), max_digits=5, decimal_places=2, required=False
    )
    summary = forms.CharField(
        label=gettext_lazy("评价结论"), max_length=DOCUMENT_MAX, widget=forms.Textarea
    )


class ReportForm(forms.Form):
    period_start = forms.TypedChoiceField(
        label=gettext_lazy("报送期"),
        coerce=dt.date.fromisoformat,
        help_text=gettext_lazy("截止日期后报送的标记为逾期报送"),
    )
    progress = forms.CharField(
        label=gettext_lazy("工作进展"), max_length=DOCUMENT_MAX, widget=forms.Textarea
    )
    experience = forms.CharField(
        label=gettext_lazy("经验做法"),
        max_length=DOCUMENT_MAX,
        widget=forms.Textarea,
        required=False,
    )
    typical_case_title = forms.CharField(
        label=gettext_lazy("典型案例标题"), max_length=NAME_MAX, required=False
    )
    typical_case = forms.CharField(
        label=gettext_lazy("典型案例"),
        max_length=DOCUMENT_MAX,
        widget=forms.Textarea,
        required=False,
    )
    problems = forms.CharField(
        label=gettext_lazy("困难问题"),
        max_length=DOCUMENT_MAX,
        widget=forms.Textarea,
        required=False,
    )
    suggestions = forms.CharField(
        label=gettext_lazy("政策建议"), max_length=REASON_MAX, widget=forms.Textarea, required=False
    )

    def __init__(
        self,
        *args: Any,
        periods: list[report_periods.ReportPeriod],
        province: Division | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period_start"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (
                p.start.isoformat(),
                _("%(label)s（%(start)s 至 %(end)s，%(due)s 截止）")
                % {
                    "label": p.label,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "due": due.isoformat(),
                },
            )
            for p, due in ((p, p.due_on(province=province)) for p in periods)
        ]


def _timeline(events: Any, labels: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "action": str(labels.get(e.action, e.action)),
            "actor": e.unit.name if e.unit else _("系统"),
            "reason": e.reason,
        }
        for e in events.select_related("unit").order_by("at", "pk")
    ]


# --- public: submit and follow ------------------------------------------------------------------


def feedback_new(request: HttpRequest) -> HttpResponse:
    """Anyone, signed in or not, submits feedback or a complaint."""
    actor = request_actor(request)
    initial = {k: request.GET[k] for k in ("category", "subject_kind") if k in request.GET}
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            lambda: services.feedback_submit(
                actor=actor,
                category=data["category"],
                subject_kind=data["subject_kind"],
                org=data["org"],
                school=selectors.school_by_code(data["school_code"]),
                province=data["province"],
                text=data["text"],
                contact=data["contact"],
            ),
            form=form,
        )
        if done.ok:
            return render(request, "feedback/submitted.html", {"submitted": done.value})
    return render(request, "feedback/new.html", {"form": form})


def feedback_follow(request: HttpRequest) -> HttpResponse:
    """The public follow-up with reference and code (rate-limited per IP)."""
    form = FollowForm(request.POST or None)
    found: Feedback | None = None
    looked = False
    if request.method == "POST" and form.is_valid():
        done = attempt(lambda: follow_rate_check(ip=request_actor(request).ip), form=form)
        if done.ok:
            looked = True
            found = selectors.feedback_follow(
                reference=form.cleaned_data["reference"], code=form.cleaned_data["code"]
            )
    return render(request, "feedback/follow.html", {"form": form, "found": found, "looked": looked})


# --- officials and submitters -------------------------------------------------------------------


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    category = request.GET.get("category", "")[:CODE_MAX]
    status = request.GET.get("status", "")[:CODE_MAX]
    qs = selectors.feedback_list(
        actor=actor,
        q=request.GET.get("q", "")[:SEARCH_MAX],
        category=category,
        status=status,
        overdue=request.GET.get("overdue") == "1",
    )
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("意见与投诉"),
            headers=[
                _("受理编号"),
                _("提交时间"),
                _("问题类别"),
                _("反映对象"),
                _("受理单位"),
                _("答复期限"),
                _("状态"),
                _("反映内容"),
                _("答复"),
            ],
            rows=(
                [
                    f.reference,
                    timezone.localtime(f.created_at).strftime("%Y-%m-%d %H:%M"),
                    f.get_category_display(),
                    f.org.name if f.org else (f.school.name if f.school else ""),
                    f.province.name if f.province else _("教育部"),
                    f.due_on,
                    f.get_status_display(),
                    f.text,
                    f.answer,
                ]
                for f in qs
            ),
        )
    return render(
        request,
        page_or_fragment(request, "feedback/list.html", "feedback/table.html"),
        {
            "page_obj": page_of(request, qs),
            "categories": Category.choices,
            "statuses": FeedbackStatus.choices,
            "category": category,
            "status": status,
            "today": timezone.localdate(),
        },
    )


@login_required
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    row: Feedback = selectors.feedback_get(actor=actor, pk=pk)
    can_answer = "answer" in FEEDBACK.allowed_actions(row, actor)
    form = TextForm(request.POST or None)
    if request.method == "POST" and can_answer and form.is_valid():
        done = attempt(
            partial(
                services.feedback_answer,
                actor=actor,
                feedback=row,
                answer=form.cleaned_data["text"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("已答复。"))
            return redirect("feedback:detail", pk=pk)
    labels: dict[str, Any] = {"submit": gettext_lazy("提交反映"), "answer": gettext_lazy("答复")}
    return render(
        request,
        "feedback/detail.html",
        {
            "row": row,
            "form": form if can_answer else None,
            "today": timezone.localdate(),
            "timeline": _timeline(row.events, labels),
        },
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status", "")[:CODE_MAX]
    qs = selectors.order_list(actor=actor, status=status, q=request.GET.get("q", "")[:SEARCH_MAX])
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("集中反映问题整改"),
            headers=[
                _("培训评价组织"),
                _("问题类别"),
                _("反映件数"),
                _("下达日期"),
                _("整改期限"),
                _("状态"),
            ],
            rows=(
                [
                    o.org.name,
                    o.get_category_display(),
                    o.complaints,
                    o.opened_on,
                    o.deadline,
                    o.get_status_display(),
                ]
                for o in qs
            ),
        )
    return render(
        request,
        page_or_fragment(request, "feedback/order_list.html", "feedback/order_table.html"),
        {
            "page_obj": page_of(request, qs),
            "statuses": IssueStatus.choices,
            "status": status,
            "today": today,
            "overdue": selectors.concentrated_issues_overdue(today=today)
            if actor.is_national or actor.kind == UnitKind.PROVINCE
            else [],
        },
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    order = selectors.order_get(actor=actor, pk=pk)
    labels: dict[str, Any] = {"open": gettext_lazy("形成集中反映问题")}
    labels.update({m.action: m.label for m in ORDER.moves})
    return render(
        request,
        "feedback/order_detail.html",
        {
            "order": order,
            "moves": ORDER.allowed_moves(order, actor),
            "feedback": order.feedback.all().order_by("-created_at")
            if actor.is_national or actor.kind == UnitKind.PROVINCE
            else [],
            "today": timezone.localdate(),
            "timeline": _timeline(order.events, labels),
        },
    )


@login_required
@require_POST
def order_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    order = selectors.order_get(actor=actor, pk=pk)
    text = request.POST.get("text", "")[:DOCUMENT_MAX]
    calls = {
        "report": partial(services.order_report, actor=actor, order=order, rectification=text),
        "accept": partial(
            services.order_accept, actor=actor, order=order, reason=text[:REASON_MAX]
        ),
        "return": partial(
            services.order_return, actor=actor, order=order, reason=text[:REASON_MAX]
        ),
    }
    call = calls.get(action)
    if call is not None:
        done = attempt(call, request=request)
        if done.ok:
            messages.success(request, _("已完成：%(a)s") % {"a": ORDER.label(action)})
    return redirect("feedback:order_detail", pk=pk)


# --- R21 evaluations, R03 reports ---------------------------------------------------------------


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    kind = request.GET.get("kind", "")[:CODE_MAX]
    qs = selectors.evaluation_list(actor=actor, q=request.GET.get("q", "")[:SEARCH_MAX], kind=kind)
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("绩效评价"),
            headers=[
                _("评价类型"),
                _("被评价单位"),
                _("评价机构"),
                _("评价期间"),
                _("评分"),
                _("评价结论"),
            ],
            rows=(
                [e.get_kind_display(), e.subject.name, e.evaluator, e.period, e.score, e.summary]
                for e in qs
            ),
        )
    return render(
        request,
        page_or_fragment(
            request, "feedback/evaluation_list.html", "feedback/evaluation_table.html"
        ),
        {
            "page_obj": page_of(request, qs),
            "kinds": EvaluationKind.choices,
            "kind": kind,
            "can_file": actor.can_write
            and actor.kind in (UnitKind.SCHOOL, UnitKind.ORG, UnitKind.PROVINCE, UnitKind.MINISTRY),
        },
    )


@login_required
def evaluation_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require_kind(UnitKind.SCHOOL, UnitKind.ORG, UnitKind.PROVINCE, UnitKind.MINISTRY)
    own = actor.kind in (UnitKind.SCHOOL, UnitKind.ORG)
    initial = {"kind": EvaluationKind.SELF if own else EvaluationKind.THIRD_PARTY}
    if own:
        initial["subject"] = actor.unit_id  # type: ignore[assignment]
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            lambda: services.evaluation_file(
                actor=actor,
                kind=data["kind"],
                subject=data["subject"],
                evaluator=data["evaluator"],
                period=data["period"],
                score=data["score"],
                summary=data["summary"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("评价已填报。"))
            return redirect("feedback:evaluation_list")
    return render(
        request,
        "feedback/form.html",
        {
            "form": form,
            "title": _("填报绩效评价"),
            "back": reverse("feedback:evaluation_list"),
            "note": _(
                "学校和培训评价组织填报绩效自评；省级教育行政部门录入其委托的第三方评价（R21）。"
            ),
        },
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cases = request.GET.get("cases") == "1"
    qs = selectors.report_list(
        actor=actor, q=request.GET.get("q", "")[:SEARCH_MAX], cases_only=cases
    )
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("工作动态与典型案例"),
            headers=[
                _("报送单位"),
                _("报送期间"),
                _("典型案例标题"),
                _("工作进展"),
                _("经验做法"),
                _("困难问题"),
                _("政策建议"),
            ],
            rows=(
                [
                    r.unit.name,
                    r.period,
                    r.typical_case_title,
                    r.progress,
                    r.experience,
                    r.problems,
                    r.suggestions,
                ]
                for r in qs
            ),
        )
    return render(
        request,
        page_or_fragment(request, "feedback/report_list.html", "feedback/report_table.html"),
        {
            "page_obj": page_of(request, qs),
            "cases": cases,
            "can_submit": actor.can_write
            and actor.kind in (UnitKind.PROVINCE, UnitKind.SCHOOL, UnitKind.ORG),
            "can_see_status": actor.is_national or actor.kind == UnitKind.PROVINCE,
            "reminders": report_periods.pending_reminders(actor=actor),
        },
    )


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require_kind(UnitKind.PROVINCE, UnitKind.SCHOOL, UnitKind.ORG)
    periods = report_periods.recent_periods()
    initial = {"period_start": request.GET.get("period", "")[:CODE_MAX]}
    form = ReportForm(
        request.POST or None,
        initial=initial,
        periods=periods,
        province=actor.unit.province if actor.unit else None,
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(lambda: services.report_submit(actor=actor, **form.cleaned_data), form=form)
        if done.ok:
            if done.value.is_late:
                messages.warning(request, _("工作动态已报送（逾期报送）。"))
            else:
                messages.success(request, _("工作动态已报送。"))
            return redirect("feedback:report_detail", pk=done.value.pk)
    entries = report_periods.settings_entries()
    return render(
        request,
        "feedback/form.html",
        {
            "form": form,
            "title": _("报送工作动态"),
            "back": reverse("feedback:report_list"),
            "note": _(
                "报送工作进展、经验做法、典型案例、困难问题和政策建议（R03）；典型案例进入案例库，供各单位检索。"
                "每 %(months)s 个月为一个报送期，报送期结束后 %(days)s 天内报送"
                "（平台默认值，政策文件仅要求定期报送）。"
            )
            % {"months": entries["months"].value, "days": entries["due_days"].value},
        },
    )


@login_required
def report_status(request: HttpRequest) -> HttpResponse:
    """R03: which units reported a period on time, late, or not at all."""
    actor = request_actor(request)
    actor.require(actor.is_national or actor.kind == UnitKind.PROVINCE)
    periods = report_periods.recent_periods(count=8)
    chosen = request.GET.get("period", "")[:CODE_MAX]
    period = next((p for p in periods if p.start.isoformat() == chosen), None)
    if period is None:
        period = report_periods.latest_due_period()
    state = request.GET.get("state", "")[:CODE_MAX]
    if state not in report_periods.STATE_LABELS:
        state = ""
    rows = report_periods.report_status(
        actor=actor, period=period, state=state, q=request.GET.get("q", "")[:SEARCH_MAX]
    )
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("工作动态报送情况"),
            headers=[
                _("报送单位"),
                _("单位类型"),
                _("报送期间"),
                _("截止日期"),
                _("状态"),
                _("报送时间"),
            ],
            rows=(
                [
                    r.owed.unit_name,
                    UnitKind(r.owed.kind).label,
                    period.label,
                    r.due_on,
                    r.state_label,
                    timezone.localtime(r.report.created_at).date() if r.report else "",
                ]
                for r in rows
            ),
        )
    return render(
        request,
        page_or_fragment(
            request, "feedback/report_status.html", "feedback/report_status_table.html"
        ),
        {
            "page_obj": page_of(request, rows),
            "periods": periods,
            "period": period,
            "state": state,
            "states": list(report_periods.STATE_LABELS.items()),
            "entries": report_periods.settings_entries(),
        },
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request_actor(request), pk=pk)
    return render(request, "feedback/report_detail.html", {"report": report})


urlpatterns: list[URLPattern] = [
    path("", feedback_list, name="list"),
    path("new/", feedback_new, name="new"),
    path("follow/", feedback_follow, name="follow"),
    path("<int:pk>/", feedback_detail, name="detail"),
    path("issues/", order_list, name="order_list"),
    path("issues/<int:pk>/", order_detail, name="order_detail"),
    path("issues/<int:pk>/<slug:action>/", order_move, name="order_move"),
    path("evaluations/", evaluation_list, name="evaluation_list"),
    path("evaluations/new/", evaluation_new, name="evaluation_new"),
    path("reports/", report_list, name="report_list"),
    path("reports/new/", report_new, name="report_new"),
    path("reports/status/", report_status, name="report_status"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
]
