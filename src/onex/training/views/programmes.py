"""Teacher-training pages (R04, R05): the org builds and publishes, schools enrol their own
teachers, the org records attendance and completion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.catalog.selectors.orgs import org_of
from onex.core.actors import Actor, request_actor
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.policy import policy_entry
from onex.core.scoping import fetch
from onex.core.web import attempt, page_of, page_or_fragment
from onex.core.xlsx import export_response
from onex.training.forms import AttendForm, EnrolForm, FeeItemForm, ProgrammeForm, TrainerForm
from onex.training.models import EnrolmentStatus, ProgrammeStatus, TrainingProgramme
from onex.training.selectors import programmes as selectors
from onex.training.selectors.staff import teacher_list
from onex.training.services import programmes as services
from onex.training.views.common import filters, timeline
from onex.training.workflows import ENROLMENT, PROGRAMME


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    f = filters(request, "q", "status")
    items = selectors.programme_list(
        actor=actor, q=f["q"], status=f["status"] if f["status"] in ProgrammeStatus.values else ""
    )
    if request.GET.get("format") == "xlsx":
        return _export(items)
    context = {
        "page_obj": page_of(request, items),
        "filters": f,
        "statuses": ProgrammeStatus.choices,
        "can_create": org_of(actor) is not None,
    }
    return render(
        request,
        page_or_fragment(request, "training/programme_list.html", "training/programme_table.html"),
        context,
    )


def _export(items: QuerySet[TrainingProgramme]) -> HttpResponse:
    headers = [
        _("培训项目名称"),
        _("培训评价组织"),
        _("证书"),
        _("省份"),
        _("开始日期"),
        _("结束日期"),
        _("培训学时"),
        _("收费标准（元）"),
        _("状态"),
    ]
    rows = (
        (
            p.title,
            p.org.name,
            p.certificate.name,
            p.province.name,
            p.starts_on,
            p.ends_on,
            p.hours,
            getattr(p, "fee_total", None) or 0,
            p.get_status_display(),
        )
        for p in items
    )
    return export_response(filename=_("师资培训项目"), headers=headers, rows=rows, sheet=_("项目"))


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    org = org_of(actor)
    if org is None:
        raise Http404
    form = ProgrammeForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(
            lambda: services.programme_create(
                actor=actor,
                org=org,
                data=services.ProgrammeInput(
                    certificate=data["certificate"],
                    province=data["province"],
                    title=data["title"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    hours=data["hours"],
                    venue=data["venue"],
                    description=data["description"],
                ),
            ),
            form=form,
        )
        if created.ok:
            messages.success(request, _("培训项目草稿已保存：请填写培训团队和收费标准后公示。"))
            return redirect("training:programme_detail", pk=created.value.pk)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("新建师资培训项目"), "back": "training:programme_list"},
    )


_ACTIONS = {
    "create": gettext_lazy("创建项目"),
    "roster": gettext_lazy("编辑培训团队"),
    "fee": gettext_lazy("编辑收费标准"),
    "publish": gettext_lazy("公示项目与收费标准"),
    "open": gettext_lazy("开放报名"),
    "close": gettext_lazy("结束项目"),
}


def _enrol_teachers(actor: Actor, programme: TrainingProgramme) -> Any:
    enrolled = programme.enrolments.values("teacher")
    return teacher_list(actor=actor).exclude(pk__in=enrolled)


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    industry, total = selectors.industry_share(programme)
    can_enrol = (
        actor.kind == UnitKind.SCHOOL
        and actor.can_write
        and programme.status == ProgrammeStatus.OPEN
    )
    context: dict[str, Any] = {
        "programme": programme,
        "moves": PROGRAMME.allowed_actions(programme, actor),
        "fee": selectors.programme_fee(programme),
        "industry": industry,
        "total": total,
        "ratio_entry": policy_entry(services.RATIO_KEY, province=programme.province),
        "enrolments": selectors.enrolment_list(actor=actor, programme=programme),
        "trainer_form": TrainerForm(),
        "fee_form": FeeItemForm(),
        "enrol_form": EnrolForm(teachers=_enrol_teachers(actor, programme)) if can_enrol else None,
        "timeline": timeline(programme, dict(ProgrammeStatus.choices), _ACTIONS),
    }
    return render(request, "training/programme_detail.html", context)


def _post_form(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    call: Callable[[Actor, TrainingProgramme, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("training:programme_detail", pk=pk)
    if attempt(lambda: call(actor, programme, form.cleaned_data), request=request).ok:
        messages.success(request, done)
    return redirect("training:programme_detail", pk=pk)


@login_required
@require_POST
def trainer_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_form(
        request,
        pk,
        TrainerForm,
        lambda actor, programme, data: services.trainer_add(
            actor=actor, programme=programme, **data
        ),
        _("已添加培训师。"),
    )


@login_required
@require_POST
def fee_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_form(
        request,
        pk,
        FeeItemForm,
        lambda actor, programme, data: services.fee_item_add(
            actor=actor, programme=programme, name=data["name"], amount=data["amount"]
        ),
        _("已添加收费项目。"),
    )


@login_required
@require_POST
def trainer_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    attempt(
        lambda: services.trainer_remove(actor=actor, programme=programme, trainer_id=item),
        request=request,
    )
    return redirect("training:programme_detail", pk=pk)


@login_required
@require_POST
def fee_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    attempt(
        lambda: services.fee_item_remove(actor=actor, programme=programme, item_id=item),
        request=request,
    )
    return redirect("training:programme_detail", pk=pk)


_STEPS: dict[str, tuple[Callable[..., TrainingProgramme], object]] = {
    "publish": (services.programme_publish, gettext_lazy("项目与收费标准已公示。")),
    "open": (services.programme_open, gettext_lazy("已开放报名。")),
    "close": (services.programme_close, gettext_lazy("项目已结束。")),
}


def _step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    service, done = _STEPS[action]
    if attempt(lambda: service(actor=actor, programme=programme), request=request).ok:
        messages.success(request, str(done))
    return redirect("training:programme_detail", pk=pk)


@login_required
@require_POST
def programme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "publish")


@login_required
@require_POST
def programme_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "open")


@login_required
@require_POST
def programme_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "close")


@login_required
@require_POST
def programme_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    teacher_id = id_param(request.POST.get("teacher"))
    if teacher_id is None:
        messages.error(request, _("请选择教师。"))
        return redirect("training:programme_detail", pk=pk)
    teacher = fetch(teacher_list(actor=actor), pk=teacher_id)
    if attempt(
        lambda: services.enrol(actor=actor, programme=programme, teacher=teacher), request=request
    ).ok:
        messages.success(request, _("已报名。"))
    return redirect("training:programme_detail", pk=pk)


_ENROLMENT_ACTIONS = {
    "enrol": gettext_lazy("报名"),
    "attend": gettext_lazy("记录出勤"),
    "complete": gettext_lazy("确认结业"),
    "withdraw": gettext_lazy("退出培训"),
}


@login_required
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    enrolment = selectors.enrolment_get(actor=actor, pk=pk)
    context = {
        "enrolment": enrolment,
        "moves": ENROLMENT.allowed_actions(enrolment, actor),
        "attend_form": AttendForm(initial={"hours": enrolment.attended_hours}),
        "timeline": timeline(enrolment, dict(EnrolmentStatus.choices), _ENROLMENT_ACTIONS),
    }
    return render(request, "training/enrolment_detail.html", context)


@login_required
@require_POST
def enrolment_attend(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    enrolment = selectors.enrolment_get(actor=actor, pk=pk)
    form = AttendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的出勤学时。"))
    elif attempt(
        lambda: services.enrolment_attend(
            actor=actor, enrolment=enrolment, hours=form.cleaned_data["hours"]
        ),
        request=request,
    ).ok:
        messages.success(request, _("出勤已记录。"))
    return redirect("training:enrolment_detail", pk=pk)


@login_required
@require_POST
def enrolment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    enrolment = selectors.enrolment_get(actor=actor, pk=pk)
    if attempt(
        lambda: services.enrolment_complete(actor=actor, enrolment=enrolment), request=request
    ).ok:
        messages.success(request, _("已确认结业。"))
    return redirect("training:enrolment_detail", pk=pk)


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    enrolment = selectors.enrolment_get(actor=actor, pk=pk)
    reason = str(request.POST.get("reason", ""))
    if attempt(
        lambda: services.enrolment_withdraw(actor=actor, enrolment=enrolment, reason=reason),
        request=request,
    ).ok:
        messages.success(request, _("已退出培训。"))
    return redirect("training:enrolment_detail", pk=pk)
