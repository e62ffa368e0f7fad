"""A school's teachers, workload conversion (R06), performance pay (R31) and alliances (R07).

Schools write; provinces, cities and national actors read the same pages for their schools.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.core.actors import Actor, request_actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.core.web import attempt, page_of, page_or_fragment
from onex.core.xlsx import export_response
from onex.pilots.models import School
from onex.training.forms import (
    AllianceForm,
    PayForm,
    RatioForm,
    ReasonForm,
    ShareForm,
    TeacherForm,
    WorkloadForm,
)
from onex.training.models import AllianceStatus, Teacher
from onex.training.selectors import staff as selectors
from onex.training.services import staff as services
from onex.training.views.common import filters, timeline
from onex.training.workflows import ALLIANCE


def _school_writer(actor: Actor) -> bool:
    return actor.kind == UnitKind.SCHOOL and actor.can_write


@login_required
def teacher_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    f = filters(request, "q")
    form = TeacherForm(request.POST or None) if _school_writer(actor) else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        if attempt(lambda: services.teacher_create(actor=actor, **data), form=form).ok:
            messages.success(request, _("已添加教师。"))
            return redirect("training:teacher_list")
    items = selectors.teacher_list(actor=actor, q=f["q"])
    if request.GET.get("format") == "xlsx":
        rows = ((t.school.name, t.name, t.department, t.id_number_masked) for t in items)
        return export_response(
            filename=_("教师"),
            headers=[_("学校"), _("姓名"), _("所在院系"), _("身份证号")],
            rows=rows,
        )
    context = {"page_obj": page_of(request, items), "filters": f, "form": form}
    return render(
        request,
        page_or_fragment(request, "training/teacher_list.html", "training/teacher_table.html"),
        context,
    )


@login_required
def workload(request: HttpRequest) -> HttpResponse:
    """The school's ratio per term and its teachers' hours with the ratio applied (R06)."""
    actor = request_actor(request)
    f = filters(request, "q", "term")
    writer = _school_writer(actor)
    teachers = selectors.teacher_list(actor=actor)
    posted = request.POST if request.method == "POST" else None
    # One page, two forms: the ratio form posts "ratio", the workload form posts "hours".
    ratio_form = RatioForm(posted if posted and "ratio" in posted else None) if writer else None
    workload_form = (
        WorkloadForm(posted if posted and "hours" in posted else None, teachers=teachers)
        if writer
        else None
    )
    if ratio_form is not None and ratio_form.is_bound and ratio_form.is_valid():
        data = ratio_form.cleaned_data
        if attempt(lambda: services.ratio_set(actor=actor, **data), form=ratio_form).ok:
            messages.success(request, _("折算比例已保存。"))
            return redirect("training:workload")
    if workload_form is not None and workload_form.is_bound and workload_form.is_valid():
        data = workload_form.cleaned_data
        if attempt(lambda: services.workload_record(actor=actor, **data), form=workload_form).ok:
            messages.success(request, _("工作量已记录。"))
            return redirect("training:workload")
    entries = selectors.workload_list(actor=actor, term=f["term"], q=f["q"])
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                r.entry.school.name,
                r.entry.teacher.name,
                r.entry.term,
                r.entry.hours,
                r.ratio,
                r.converted,
            )
            for r in selectors.workload_rows(entries)
        )
        return export_response(
            filename=_("证书培训工作量"),
            headers=[
                _("学校"),
                _("教师"),
                _("学期"),
                _("证书培训学时"),
                _("折算比例"),
                _("折算教学工作量"),
            ],
            rows=rows,
        )
    page = page_of(request, entries)
    context: dict[str, Any] = {
        "page_obj": page,
        "rows": selectors.workload_rows(list(page.object_list)),
        "ratios": selectors.ratio_list(actor=actor),
        "filters": f,
        "ratio_form": ratio_form,
        "workload_form": workload_form,
    }
    return render(
        request,
        page_or_fragment(request, "training/workload.html", "training/workload_table.html"),
        context,
    )


@login_required
def pay_list(request: HttpRequest) -> HttpResponse:
    """Performance-pay recognition of teachers who carried certificate training (R31)."""
    actor = request_actor(request)
    f = filters(request, "term")
    form = (
        PayForm(request.POST or None, teachers=selectors.teacher_list(actor=actor))
        if _school_writer(actor)
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        if attempt(lambda: services.pay_record(actor=actor, **data), form=form).ok:
            messages.success(request, _("绩效认定已记录。"))
            return redirect("training:pay_list")
    items = selectors.pay_list(actor=actor, term=f["term"])
    if request.GET.get("format") == "xlsx":
        rows = ((p.school.name, p.teacher.name, p.term, p.amount, p.basis) for p in items)
        return export_response(
            filename=_("绩效工资认定"),
            headers=[_("学校"), _("教师"), _("学期"), _("绩效金额（元）"), _("认定依据")],
            rows=rows,
        )
    context = {"page_obj": page_of(request, items), "filters": f, "form": form}
    return render(
        request,
        page_or_fragment(request, "training/pay_list.html", "training/pay_table.html"),
        context,
    )


# --- alliances (R07) ----------------------------------------------------------------------------


@login_required
def alliance_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    f = filters(request, "q", "status")
    status = f["status"] if f["status"] in AllianceStatus.values else ""
    items = selectors.alliance_list(actor=actor, q=f["q"], status=status)
    if request.GET.get("format") == "xlsx":
        rows = (
            (a.name, a.certificate.name, a.founder.name, a.members.count(), a.get_status_display())
            for a in items
        )
        return export_response(
            filename=_("培训联合体"),
            headers=[_("联合体名称"), _("证书"), _("牵头学校"), _("成员学校数"), _("状态")],
            rows=rows,
        )
    context = {
        "page_obj": page_of(request, items),
        "filters": f,
        "statuses": AllianceStatus.choices,
        "can_create": _school_writer(actor),
    }
    return render(
        request,
        page_or_fragment(request, "training/alliance_list.html", "training/alliance_table.html"),
        context,
    )


@login_required
def alliance_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    services.require_school(actor)
    form = AllianceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(lambda: services.alliance_create(actor=actor, **data), form=form)
        if created.ok:
            messages.success(request, _("培训联合体已成立。"))
            return redirect("training:alliance_detail", pk=created.value.pk)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("组建培训联合体"), "back": "training:alliance_list"},
    )


_ALLIANCE_ACTIONS = {
    "create": gettext_lazy("成立联合体"),
    "join": gettext_lazy("加入联合体"),
    "leave": gettext_lazy("退出联合体"),
    "share": gettext_lazy("互聘教师"),
    "dissolve": gettext_lazy("解散联合体"),
}


def _member_schools(alliance: Any) -> Any:
    return School.objects.filter(pk__in=alliance.members.values("school")).order_by("name")


@login_required
def alliance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=pk)
    moves = ALLIANCE.allowed_actions(alliance, actor)
    schools = _member_schools(alliance)
    context = {
        "alliance": alliance,
        "moves": moves,
        "members": alliance.members.select_related("school"),
        "shares": selectors.alliance_shares(alliance),
        "share_form": ShareForm(
            teachers=Teacher.objects.filter(school__in=schools).select_related("school"),
            schools=schools,
        )
        if "share" in moves
        else None,
        "reason_form": ReasonForm(),
        "timeline": timeline(alliance, dict(AllianceStatus.choices), _ALLIANCE_ACTIONS),
    }
    return render(request, "training/alliance_detail.html", context)


@login_required
@require_POST
def alliance_join(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=pk)
    if attempt(lambda: services.alliance_join(actor=actor, alliance=alliance), request=request).ok:
        messages.success(request, _("已加入培训联合体。"))
    return redirect("training:alliance_detail", pk=pk)


@login_required
@require_POST
def alliance_leave(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=pk)
    if attempt(lambda: services.alliance_leave(actor=actor, alliance=alliance), request=request).ok:
        messages.success(request, _("已退出培训联合体。"))
    return redirect("training:alliance_detail", pk=pk)


@login_required
@require_POST
def alliance_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=pk)
    reason = str(request.POST.get("reason", ""))
    if attempt(
        lambda: services.alliance_dissolve(actor=actor, alliance=alliance, reason=reason),
        request=request,
    ).ok:
        messages.success(request, _("培训联合体已解散。"))
    return redirect("training:alliance_detail", pk=pk)


@login_required
@require_POST
def alliance_share(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=pk)
    schools = _member_schools(alliance)
    form = ShareForm(
        request.POST, teachers=Teacher.objects.filter(school__in=schools), schools=schools
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("training:alliance_detail", pk=pk)
    data = form.cleaned_data
    teacher = fetch(Teacher.objects.filter(school__in=schools), pk=data["teacher"].pk)
    if attempt(
        lambda: services.teacher_share(
            actor=actor,
            alliance=alliance,
            teacher=teacher,
            host=data["host_school"],
            term=data["term"],
            hours=data["hours"],
        ),
        request=request,
    ).ok:
        messages.success(request, _("互聘已登记。"))
    return redirect("training:alliance_detail", pk=pk)
