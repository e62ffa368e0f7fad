"""Pages of students, exam plans, registrations, results and the R14 report.

Views parse input, call a service (``assessment.services``) or a selector
(``assessment.selectors``) and render; one view serves the page and its htmx fragment (the
table). Refusals show as messages with the rule ID; objects outside the jurisdiction are 404,
visible-but-not-allowed 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.assessment import tickets
from onex.assessment.models import (
    ExamPlan,
    ObjectionStatus,
    PlanStatus,
    Registration,
    RegistrationStatus,
)
from onex.assessment.selectors import exam_moves as exam_moves
from onex.assessment.selectors import exams as exam_selectors
from onex.assessment.services import exams as exam_services
from onex.assessment.services import results as result_services
from onex.catalog.models import Certificate, Level
from onex.catalog.selectors.orgs import org_of
from onex.core.actors import Actor, request_actor
from onex.core.forms import DateInput
from onex.core.limits import REASON_MAX
from onex.core.models import UnitKind
from onex.core.params import id_param, year_param
from onex.core.personal import Gender, IdType
from onex.core.web import attempt, page_of, page_or_fragment
from onex.core.xlsx import export_response
from onex.geo.models import Division, DivisionLevel


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Run a service for a POST: 404/403 as such, other refusals as an error message."""
    done = attempt(call, request=request, show_forbidden=False)
    if not done.ok:
        return None
    messages.success(request, success)
    return done.value


# --- students ------------------------------------------------------------------------------------


@login_required
def student_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not (actor.is_national or actor.kind in (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.SCHOOL)):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    grade = request.GET.get("grade", "").strip()[:16]
    students = exam_selectors.candidate_list(
        actor=actor, q=q or None, grade=grade or None, pilot_only=True
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                c.name,
                c.get_id_type_display(),
                c.id_number_masked,
                c.get_gender_display(),
                c.school.name if c.school else "",
                c.specialty.name if c.specialty else "",
                c.grade,
                _("是") if c.poor_household else _("否"),
            )
            for c in students.iterator(chunk_size=2000)
        )
        headers = [
            _("姓名"),
            _("证件类型"),
            _("证件号码"),
            _("性别"),
            _("学校"),
            _("专业"),
            _("年级"),
            _("是否建档立卡"),
        ]
        return export_response(filename=_("学生名单"), headers=headers, rows=rows, sheet=_("学生"))
    context = {
        "page_obj": page_of(request, students),
        "filters": {"q": q, "grade": grade},
        "can_import": actor.kind == UnitKind.SCHOOL and actor.can_write,
    }
    return render(
        request,
        page_or_fragment(request, "assessment/student_list.html", "assessment/student_table.html"),
        context,
    )


# --- exam plans ----------------------------------------------------------------------------------


@login_required
def exam_plan_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in PlanStatus.values:
        status = ""
    plans = exam_selectors.plan_list(actor=actor, q=q or None, status=status or None)
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                p.title,
                p.certificate.name,
                p.get_level_display(),
                p.org.name,
                p.province.name,
                p.exam_date,
                p.registration_opens,
                p.registration_closes,
                p.capacity,
                p.registered,  # type: ignore[attr-defined]
                p.get_status_display(),
            )
            for p in plans
        )
        headers = [
            _("考核计划名称"),
            _("证书"),
            _("等级"),
            _("培训评价组织"),
            _("省份"),
            _("考试日期"),
            _("报名开始日期"),
            _("报名截止日期"),
            _("考位数"),
            _("已报名"),
            _("状态"),
        ]
        return export_response(
            filename=_("考核计划"), headers=headers, rows=rows, sheet=_("考核计划")
        )
    context = {
        "page_obj": page_of(request, plans),
        "filters": {"q": q, "status": status},
        "statuses": PlanStatus.choices,
        "can_create": actor.kind == UnitKind.ORG and actor.can_write,
    }
    return render(
        request,
        page_or_fragment(
            request, "assessment/exam_plan_list.html", "assessment/exam_plan_table.html"
        ),
        context,
    )


class PlanForm(forms.Form):
    certificate = forms.ModelChoiceField(
        label=gettext_lazy("证书"), queryset=Certificate.objects.none()
    )
    level = forms.ChoiceField(label=gettext_lazy("等级"), choices=Level.choices)
    province = forms.ModelChoiceField(
        label=gettext_lazy("省份"),
        queryset=Division.objects.filter(level=DivisionLevel.PROVINCE),
        to_field_name="code",
    )
    title = forms.CharField(label=gettext_lazy("考核计划名称"), max_length=200, required=False)
    exam_date = forms.DateField(label=gettext_lazy("考试日期"), widget=DateInput())
    start_time = forms.TimeField(
        label=gettext_lazy("开始时间"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=gettext_lazy("结束时间"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    capacity = forms.IntegerField(label=gettext_lazy("考位数"), min_value=1)
    registration_opens = forms.DateField(label=gettext_lazy("报名开始日期"), widget=DateInput())
    registration_closes = forms.DateField(label=gettext_lazy("报名截止日期"), widget=DateInput())
    theory_pass = forms.DecimalField(
        label=gettext_lazy("理论合格分"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        help_text=gettext_lazy("留空则使用已发布考核方案的合格标准（默认 60）"),
    )
    practical_pass = forms.DecimalField(
        label=gettext_lazy("实操合格分"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    note = forms.CharField(
        max_length=REASON_MAX,
        label=gettext_lazy("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = org_of(actor)
        self.fields["certificate"].queryset = Certificate.objects.filter(  # type: ignore[attr-defined]
            org=org
        ).order_by("code")


@login_required
def exam_plan_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor.kind != UnitKind.ORG or not actor.can_write:
        raise PermissionDenied
    today = timezone.localdate()
    initial = {
        "registration_opens": today,
        "registration_closes": today + dt.timedelta(days=14),
        "exam_date": today + dt.timedelta(days=30),
        "start_time": dt.time(9, 0),
        "end_time": dt.time(11, 0),
        "capacity": 60,
    }
    form = PlanForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        created = attempt(
            lambda: exam_services.plan_create(actor=actor, **data), form=form, show_forbidden=False
        )
        if created.ok:
            messages.success(request, _("已创建考核计划（草稿）。"))
            return redirect("assessment:exam_plan_detail", pk=created.value.pk)
    return render(request, "assessment/exam_plan_form.html", {"form": form})


PLAN_ACTIONS: dict[str, tuple[Callable[..., ExamPlan], Any]] = {
    # URL slug → (service, success message); the slug is the move's action with hyphens.
    "open": (exam_services.plan_open_registration, gettext_lazy("已开放报名。")),
    "close-registration": (exam_services.plan_close_registration, gettext_lazy("已截止报名。")),
    "held": (exam_services.plan_mark_held, gettext_lazy("已标记为考试完成。")),
    "start-scoring": (exam_services.plan_start_scoring, gettext_lazy("已进入成绩登记。")),
    "publish": (exam_services.plan_publish_results, gettext_lazy("成绩已公示。")),
    "close": (exam_services.plan_close, gettext_lazy("考核计划已结束，合格考生可颁发证书。")),
}

# What the button says; which buttons show is the declared table's answer (``plan_moves``).
BUTTON_LABELS: dict[str, Any] = {
    "open": gettext_lazy("开放报名"),
    "close_registration": gettext_lazy("截止报名"),
    "held": gettext_lazy("考试完成"),
    "start_scoring": gettext_lazy("开始成绩登记"),
    "publish": gettext_lazy("公示成绩"),
    "close": gettext_lazy("结束公示"),
}


class SelfRegistrationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=64)
    id_type = forms.ChoiceField(label=gettext_lazy("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(
        label=gettext_lazy("证件号码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    gender = forms.ChoiceField(label=gettext_lazy("性别"), choices=Gender.choices)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=32, required=False)
    poor_household = forms.BooleanField(label=gettext_lazy("建档立卡家庭"), required=False)
    exemption_basis = forms.CharField(
        label=gettext_lazy("免缴依据（建档立卡户档案编号或说明）"),
        max_length=REASON_MAX,
        required=False,
        help_text=gettext_lazy("由培训评价组织审核确认后才免缴考核费用（R40）。"),
    )


@login_required
def exam_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    plan: ExamPlan = exam_selectors.plan_get(actor=actor, pk=pk)
    is_owner = actor.kind == UnitKind.ORG and actor.unit_id == plan.org.unit_id
    registrations = exam_selectors.registration_list(
        actor=actor, plan=plan, q=request.GET.get("q", "").strip()[:100] or None
    )
    if request.GET.get("format") == "xlsx":
        return _export_registrations(registrations, actor=actor)
    self_form: SelfRegistrationForm | None = None
    if actor.kind == UnitKind.LEARNER and plan.status == PlanStatus.REGISTRATION_OPEN:
        self_form = SelfRegistrationForm(request.POST or None)
        if request.method == "POST" and self_form.is_valid():
            form = self_form
            registered = attempt(
                lambda: exam_services.registration_register_self(
                    actor=actor, plan=plan, **form.cleaned_data
                ),
                form=self_form,
                show_forbidden=False,
            )
            if registered.ok:
                reg = registered.value
                messages.success(
                    request, _("报名成功，准考证号 %(t)s。") % {"t": reg.ticket_number}
                )
                return redirect("assessment:registration_detail", pk=reg.pk)
    registerable = None
    if actor.kind == UnitKind.SCHOOL and plan.status == PlanStatus.REGISTRATION_OPEN:
        registerable = exam_selectors.registerable_students(actor=actor, plan=plan).select_related(
            "specialty"
        )[:500]
    context = {
        "plan": plan,
        "timeline": exam_moves.plan_timeline(plan),
        "publicity": exam_selectors.publicity_entry(plan),
        "registered": plan.registrations.filter(status=RegistrationStatus.REGISTERED).count(),
        "page_obj": page_of(request, registrations),
        "sites": list(plan.sites.all()),
        "moves": [
            (action, action.replace("_", "-"), BUTTON_LABELS.get(action, action))
            for action in exam_moves.plan_moves(actor=actor, plan=plan)
        ],
        "is_owner": is_owner,
        "is_org": is_owner,
        "self_form": self_form,
        "registerable": registerable,
        "can_write": actor.can_write,
    }
    return render(
        request,
        page_or_fragment(
            request, "assessment/exam_plan_detail.html", "assessment/registration_table.html"
        ),
        context,
    )


PUBLISHED = (PlanStatus.SCORE_PUBLICITY, PlanStatus.CLOSED)


def _export_registrations(registrations: Any, *, actor: Actor) -> HttpResponse:
    # Candidates and schools see scores from the publicity on; the org and officials always.
    sees_all = actor.kind == UnitKind.ORG or actor.is_national
    headers = [
        _("准考证号"),
        _("姓名"),
        _("证件号码"),
        _("报名学校"),
        _("状态"),
        _("考核费用（元）"),
        _("费用承担"),
        _("缴费状态"),
        _("理论成绩"),
        _("实操成绩"),
        _("是否合格"),
    ]
    rows = (
        (
            r.ticket_number,
            r.candidate.name,
            r.candidate.id_number_masked,
            r.school.name if r.school else _("社会考生"),
            r.get_status_display(),
            r.fee_amount,
            r.get_fee_payer_display(),
            r.get_fee_status_display(),
            *_result_cells(r, sees_all),
        )
        for r in registrations.iterator(chunk_size=2000)
    )
    return export_response(filename=_("报名名单"), headers=headers, rows=rows, sheet=_("报名"))


def _result_cells(r: Registration, sees_all: bool) -> tuple[Any, Any, str]:
    if r.passed is None or not (sees_all or r.plan.status in PUBLISHED):
        return (None, None, "")
    return (r.theory_score, r.practical_score, _("合格") if r.passed else _("不合格"))


@login_required
@require_POST
def exam_plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    plan = exam_selectors.plan_get(actor=actor, pk=pk)
    if action not in PLAN_ACTIONS:
        raise Http404
    service, success = PLAN_ACTIONS[action]
    _run(request, lambda: service(actor=actor, plan=plan), str(success))
    return redirect("assessment:exam_plan_detail", pk=pk)


@login_required
@require_POST
def exam_plan_register(request: HttpRequest, pk: int) -> HttpResponse:
    """A school registers the ticked students (all or none)."""
    actor = request_actor(request)
    plan = exam_selectors.plan_get(actor=actor, pk=pk)
    ids = [i for i in map(id_param, request.POST.getlist("candidates")) if i is not None]
    scope = exam_selectors.candidate_scope(actor=actor)
    students = list(scope.filter(pk__in=ids))
    if len(students) != len(set(ids)):
        raise Http404
    _run(
        request,
        lambda: exam_services.registration_register_students(
            actor=actor, plan=plan, candidates=students
        ),
        _("已为 %(n)d 名学生报名。") % {"n": len(students)},
    )
    return redirect("assessment:exam_plan_detail", pk=pk)


# --- registrations and results -------------------------------------------------------------------


@login_required
def registration_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    status = status if status in RegistrationStatus.values else ""
    passed = request.GET.get("passed", "")
    regs = exam_selectors.registration_list(
        actor=actor, q=q or None, status=status or None, passed=passed
    )
    if request.GET.get("format") == "xlsx":
        return _export_registrations(regs, actor=actor)
    context = {
        "page_obj": page_of(request, regs),
        "filters": {"q": q, "status": status, "passed": passed},
        "statuses": RegistrationStatus.choices,
        "show_plan": True,
        "is_org": actor.kind == UnitKind.ORG,
    }
    return render(
        request,
        page_or_fragment(
            request, "assessment/registration_list.html", "assessment/registration_table.html"
        ),
        context,
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label=gettext_lazy("异议内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResultForm(forms.Form):
    theory = forms.DecimalField(
        label=gettext_lazy("理论成绩"), min_value=Decimal(0), max_value=Decimal(100)
    )
    practical = forms.DecimalField(
        label=gettext_lazy("实操成绩"), min_value=Decimal(0), max_value=Decimal(100)
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        max_length=REASON_MAX, label=gettext_lazy("答复"), widget=forms.Textarea(attrs={"rows": 3})
    )
    theory = forms.DecimalField(
        label=gettext_lazy("更正理论成绩"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    practical = forms.DecimalField(
        label=gettext_lazy("更正实操成绩"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    reg: Registration = exam_selectors.registration_get(actor=actor, pk=pk)
    plan = reg.plan
    objections = list(reg.objections.all())
    open_objection = next((o for o in objections if o.status == ObjectionStatus.OPEN), None)
    # The buttons are the declared moves this actor may take now: a learner never sees the
    # org's (recording a payment or a result), the org never the candidate's.
    moves = exam_moves.registration_moves(actor=actor, registration=reg)
    answer_moves = (
        exam_moves.objection_moves(actor=actor, objection=open_objection)
        if open_objection is not None
        else []
    )
    is_owner = actor.kind == UnitKind.ORG and actor.unit_id == plan.org.unit_id
    context = {
        "result_form": ResultForm() if "result" in moves else None,
        "reg": reg,
        "plan": plan,
        "timeline": exam_moves.registration_timeline(reg),
        "objections": objections,
        "open_objection": open_objection,
        "moves": moves,
        "objection_form": ObjectionForm() if "objection" in moves else None,
        "answer_form": AnswerForm() if "answer" in answer_moves else None,
        # Scores are shown to candidates and schools from the publicity on; the org always.
        "show_result": reg.passed is not None
        and (
            is_owner
            or actor.is_national
            or plan.status in (PlanStatus.SCORE_PUBLICITY, PlanStatus.CLOSED)
        ),
    }
    return render(request, "assessment/registration_detail.html", context)


@login_required
@require_POST
def registration_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    reg = exam_selectors.registration_get(actor=actor, pk=pk)
    if action == "withdraw":
        reason = request.POST.get("reason", "")[:500]
        _run(
            request,
            lambda: exam_services.registration_withdraw(
                actor=actor, registration=reg, reason=reason
            ),
            _("已撤销报名。"),
        )
    elif action == "register":
        _run(
            request,
            lambda: exam_services.registration_register_again(actor=actor, registration=reg),
            _("已恢复报名。"),
        )
    elif action == "pay":
        _run(
            request,
            lambda: exam_services.registration_pay(actor=actor, registration=reg),
            _("已登记缴费。"),
        )
    elif action == "result":
        result_form = ResultForm(request.POST)
        if result_form.is_valid():
            data = result_form.cleaned_data
            _run(
                request,
                lambda: result_services.result_record(
                    actor=actor,
                    registration=reg,
                    theory=data["theory"],
                    practical=data["practical"],
                ),
                _("已登记成绩。"),
            )
        else:
            messages.error(request, _("请检查成绩。"))
    elif action == "objection":
        form = ObjectionForm(request.POST)
        if form.is_valid():
            _run(
                request,
                lambda: result_services.objection_lodge(
                    actor=actor, registration=reg, reason=form.cleaned_data["reason"]
                ),
                _("异议已提交，请等待培训评价组织答复。"),
            )
        else:
            messages.error(request, _("请填写异议内容。"))
    elif action == "exemption_claim":
        basis = request.POST.get("basis", "")[:REASON_MAX]
        _run(
            request,
            lambda: exam_services.registration_exemption_claim(
                actor=actor, registration=reg, basis=basis
            ),
            _("已提交免缴申请，请等待确认。"),
        )
    elif action == "exemption_confirm":
        _run(
            request,
            lambda: exam_services.registration_exemption_confirm(actor=actor, registration=reg),
            _("已确认免缴考核费用。"),
        )
    elif action == "exemption_refuse":
        reason = request.POST.get("reason", "")[:REASON_MAX]
        _run(
            request,
            lambda: exam_services.registration_exemption_refuse(
                actor=actor, registration=reg, reason=reason
            ),
            _("已不予免缴。"),
        )
    elif action == "answer":
        answer_form = AnswerForm(request.POST)
        objection = reg.objections.filter(status=ObjectionStatus.OPEN).first()
        if objection is None:
            raise Http404
        if answer_form.is_valid():
            data = answer_form.cleaned_data
            _run(
                request,
                lambda: result_services.objection_answer(
                    actor=actor,
                    objection=objection,
                    answer=data["answer"],
                    theory=data["theory"],
                    practical=data["practical"],
                ),
                _("已答复异议。"),
            )
        else:
            messages.error(request, _("请检查答复内容和成绩。"))
    else:
        raise Http404
    return redirect("assessment:registration_detail", pk=pk)


@login_required
def registration_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    reg: Registration = exam_selectors.registration_get(actor=actor, pk=pk)
    if reg.status != RegistrationStatus.REGISTERED:
        raise Http404
    try:
        pdf = tickets.admission_ticket_pdf(reg)
    except tickets.CjkFontMissing as exc:
        messages.error(request, str(exc.message))
        return redirect("assessment:registration_detail", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{reg.ticket_number}.pdf"'
    return response


# --- R14 report ----------------------------------------------------------------------------------


@login_required
def r14_report(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    year = year_param(request.GET.get("year"))
    report = exam_selectors.r14_report(actor=actor, year=year)
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                c.school.province.name if c.school else "",
                c.school.city.name if c.school else "",
                c.school.name if c.school else "",
                c.name,
                c.id_number_masked,
                c.specialty.name if c.specialty else "",
                c.grade,
            )
            for c in report.students.iterator(chunk_size=2000)
        )
        headers = [_("省份"), _("城市"), _("学校"), _("姓名"), _("证件号码"), _("专业"), _("年级")]
        return export_response(
            filename=(
                _("未参加考核的试点学生_%(y)s") % {"y": report.year}
                if report.year
                else _("未参加考核的试点学生")
            ),
            headers=headers,
            rows=rows,
            sheet=_("未参加考核"),
        )
    chart = {
        "title": _("各学校未参加考核的学生"),
        "seriesName": _("未参加考核"),
        "categories": [r.label for r in report.by_school[:30]],
        "values": [r.without_exam for r in report.by_school[:30]],
        "kind": "bar",
    }
    context = {
        "report": report,
        "page_obj": page_of(request, report.students),
        "chart": chart,
        "show_province": actor.is_national,
        "show_city": actor.is_national or actor.kind == UnitKind.PROVINCE,
    }
    return render(request, "assessment/report_r14.html", context)


urlpatterns: list[URLPattern] = [
    path("students/", student_list, name="student_list"),
    path("exams/", exam_plan_list, name="exam_plan_list"),
    path("exams/new/", exam_plan_create, name="exam_plan_create"),
    path("exams/<int:pk>/", exam_plan_detail, name="exam_plan_detail"),
    path("exams/<int:pk>/register/", exam_plan_register, name="exam_plan_register"),
    path("exams/<int:pk>/<slug:action>/", exam_plan_action, name="exam_plan_action"),
    path("registrations/", registration_list, name="registration_list"),
    path("registrations/<int:pk>/", registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/ticket.pdf", registration_ticket, name="registration_ticket"),
    path("registrations/<int:pk>/<slug:action>/", registration_action, name="registration_action"),
    path("reports/r14/", r14_report, name="r14_report"),
]
