"""Pages of supervision: each the twin of an API route (``supervision.api.routes``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onex.catalog.models import Certificate
from onex.core.actors import Actor, request_actor
from onex.core.models import UnitKind
from onex.core.web import actor_label, attempt, page_of, page_or_fragment
from onex.core.workflows import Workflow
from onex.core.xlsx import export_response
from onex.pilots.selectors.schools import school_list
from onex.supervision.forms import (
    FindingForm,
    OrgProposalForm,
    PointForm,
    ReasonForm,
    RectificationForm,
    RoundForm,
    SchoolProposalForm,
)
from onex.supervision.models import (
    FindingResult,
    PointStatus,
    ProceedingStatus,
    RectificationStatus,
    RoundStatus,
    TargetKind,
)
from onex.supervision.selectors import evaluation as ev
from onex.supervision.selectors import lists
from onex.supervision.services import monitoring, proceedings, spotchecks
from onex.supervision.workflows import (
    ITEM,
    POINT,
    PROCEEDING,
    RECTIFICATION,
    ROUND,
    is_item_province,
    is_ministry,
)


def _q(request: HttpRequest) -> str:
    return request.GET.get("q", "")[:100]


def _code(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "")[:64]


def _timeline(obj: Any) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "action": e.action,
            "actor": actor_label(e.unit, e.user),
            "reason": e.reason,
            "status": e.to_status,
        }
        for e in obj.events.select_related("unit", "user").order_by("at", "pk")
    ]


def _moves(workflow: Workflow[Any], obj: Any, actor: Actor) -> list[tuple[str, str, bool]]:
    return [(m.action, str(m.label), m.reason_required) for m in workflow.allowed_moves(obj, actor)]


def _take(
    request: HttpRequest, workflow: Workflow[Any], obj: Any, run: dict[str, Callable[[str], Any]]
) -> bool:
    """Run the posted move (by its action name) with the posted reason; True when done."""
    action = request.POST.get("action", "")[:32]
    if action not in run or action not in workflow.actions():
        raise Http404
    reason = request.POST.get("reason", "")[:2000]
    done = attempt(lambda: run[action](reason), request=request)
    if done.ok:
        messages.success(request, _("已办理：%(label)s") % {"label": workflow.label(action)})
    return done.ok


# --- monitoring points (R20) --------------------------------------------------------------------


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require(actor.kind != UnitKind.LEARNER)
    certificate = _code(request, "certificate")
    status = _code(request, "status")
    qs = lists.point_list(actor=actor, certificate=certificate, status=status, q=_q(request))
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("监测点"),
            headers=[_("证书代码"), _("证书"), _("省份"), _("学校"), _("状态"), _("确定日期")],
            rows=(
                [
                    p.certificate.code,
                    p.certificate.name,
                    p.province.name,
                    p.school.name,
                    p.get_status_display(),
                    p.designated_on,
                ]
                for p in qs
            ),
        )
    form = PointForm(request.POST or None) if is_ministry(actor) and actor.can_write else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            done = attempt(
                lambda: monitoring.point_designate(
                    actor=actor,
                    certificate=form.cleaned_data["certificate"],
                    school=form.cleaned_data["school"],
                    note=form.cleaned_data["note"],
                ),
                form=form,
            )
            if done.ok:
                messages.success(request, _("已确定监测点。"))
                return redirect("supervision:point_list")
    return render(
        request,
        page_or_fragment(request, "supervision/point_list.html", "supervision/point_table.html"),
        {
            "page_obj": page_of(request, qs),
            "form": form,
            "status": status,
            "statuses": PointStatus.choices,
            "certificate": certificate,
            "certificates": Certificate.objects.order_by("code").values_list("code", "name"),
        },
    )


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    point = lists.point_get(actor=actor, pk=pk)
    if request.method == "POST" and _take(
        request,
        POINT,
        point,
        {"withdraw": lambda r: monitoring.point_withdraw(actor=actor, point=point, reason=r)},
    ):
        return redirect("supervision:point_detail", pk=pk)
    return render(
        request,
        "supervision/point_detail.html",
        {"point": point, "moves": _moves(POINT, point, actor), "timeline": _timeline(point)},
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    short = request.GET.get("short") == "1"
    rows = lists.coverage(actor=actor, only_short=short, q=_q(request))
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("监测点覆盖情况"),
            headers=[
                _("证书代码"),
                _("证书"),
                _("培训评价组织"),
                _("监测点"),
                _("目标"),
                _("已确认试点院校"),
                _("不足"),
            ],
            rows=(
                [
                    r.certificate.code,
                    r.certificate.name,
                    r.certificate.org.name,
                    r.points,
                    r.target,
                    r.pilot_schools,
                    "" if r.status == "covered" else _("是"),
                ]
                for r in rows
            ),
        )
    return render(
        request,
        page_or_fragment(request, "supervision/coverage.html", "supervision/coverage_table.html"),
        {"page_obj": page_of(request, rows), "short": short},
    )


# --- spot checks (R41) --------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require(actor.is_national or actor.kind == UnitKind.PROVINCE)
    status = _code(request, "status")
    qs = lists.round_list(actor=actor, status=status, q=_q(request))
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("随机抽查"),
            headers=[
                _("省份"),
                _("名称"),
                _("计划检查日期"),
                _("抽取数量"),
                _("发现问题"),
                _("随机种子"),
                _("状态"),
            ],
            rows=(
                [
                    r.province.name,
                    r.title,
                    r.planned_on,
                    getattr(r, "n_items", 0),
                    getattr(r, "n_issues", 0),
                    r.seed,
                    r.get_status_display(),
                ]
                for r in qs
            ),
        )
    can_create = actor.kind == UnitKind.PROVINCE and actor.can_write
    form = RoundForm(request.POST or None) if can_create else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            done = attempt(
                lambda: spotchecks.round_create(actor=actor, **form.cleaned_data), form=form
            )
            if done.ok:
                messages.success(request, _("已随机抽取学校。"))
                return redirect("supervision:round_detail", pk=done.value.pk)
    return render(
        request,
        page_or_fragment(request, "supervision/round_list.html", "supervision/round_table.html"),
        {
            "page_obj": page_of(request, qs),
            "form": form,
            "status": status,
            "statuses": RoundStatus.choices,
        },
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    round_ = lists.round_get(actor=actor, pk=pk)
    if request.method == "POST" and _take(
        request,
        ROUND,
        round_,
        {"close": lambda r: spotchecks.round_close(actor=actor, round_=round_)},
    ):
        return redirect("supervision:round_detail", pk=pk)
    items = list(round_.items.select_related("school", "round").prefetch_related("rectifications"))
    stored = [i.school_id for i in items]
    return render(
        request,
        "supervision/round_detail.html",
        {
            "round": round_,
            "items": items,
            "redraw_matches": spotchecks.round_redraw(round_) == stored,
            "moves": _moves(ROUND, round_, actor),
            "timeline": _timeline(round_),
        },
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    item = lists.item_get(actor=actor, pk=pk)
    finding = FindingForm(request.POST or None, prefix="f")
    order = RectificationForm(request.POST or None, prefix="r")
    if request.method == "POST":
        action = request.POST.get("action", "")[:32]
        if action in ("pass", "flag") and finding.is_valid():
            done = attempt(
                lambda: spotchecks.item_record(
                    actor=actor,
                    item=item,
                    issues=action == "flag",
                    findings=finding.cleaned_data["findings"],
                    checked_on=finding.cleaned_data["checked_on"],
                ),
                form=finding,
            )
            if done.ok:
                return redirect("supervision:item_detail", pk=pk)
        elif action == "rectify" and order.is_valid():
            done_r = attempt(
                lambda: spotchecks.rectification_issue(
                    actor=actor, item=item, requirement=order.cleaned_data["requirement"]
                ),
                form=order,
            )
            if done_r.ok:
                messages.success(request, _("已下达整改通知。"))
                return redirect("supervision:rectification_detail", pk=done_r.value.pk)
        elif action not in ("pass", "flag", "rectify"):
            raise Http404
    can_rectify = (
        item.result == FindingResult.ISSUES and is_item_province(actor, item) and actor.can_write
    )
    return render(
        request,
        "supervision/item_detail.html",
        {
            "item": item,
            "moves": _moves(ITEM, item, actor),
            "finding": finding,
            "order": order,
            "can_rectify": can_rectify,
            "rectifications": list(item.rectifications.all()),
            "timeline": _timeline(item),
        },
    )


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require(actor.kind not in (UnitKind.LEARNER, UnitKind.ORG))
    status = _code(request, "status")
    overdue = request.GET.get("overdue") == "1"
    qs = lists.rectification_list(actor=actor, status=status, overdue=overdue, q=_q(request))
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("整改通知"),
            headers=[
                _("省份"),
                _("学校"),
                _("整改要求"),
                _("下达日期"),
                _("整改期限"),
                _("状态"),
                _("销号日期"),
            ],
            rows=(
                [
                    r.province.name,
                    r.school.name,
                    r.requirement,
                    r.issued_on,
                    r.due_on,
                    r.get_status_display(),
                    r.closed_on,
                ]
                for r in qs
            ),
        )
    return render(
        request,
        page_or_fragment(
            request, "supervision/rectification_list.html", "supervision/rectification_table.html"
        ),
        {
            "page_obj": page_of(request, qs),
            "status": status,
            "overdue": overdue,
            "statuses": RectificationStatus.choices,
        },
    )


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    rectification = lists.rectification_get(actor=actor, pk=pk)
    if request.method == "POST":
        run: dict[str, Callable[[str], Any]] = {
            "submit": lambda r: spotchecks.rectification_submit(
                actor=actor, rectification=rectification, report=r
            ),
            "accept": lambda r: spotchecks.rectification_accept(
                actor=actor, rectification=rectification
            ),
            "return": lambda r: spotchecks.rectification_return(
                actor=actor, rectification=rectification, reason=r
            ),
        }
        if _take(request, RECTIFICATION, rectification, run):
            return redirect("supervision:rectification_detail", pk=pk)
    moves = [
        (a, label, required or a == "submit")
        for a, label, required in _moves(RECTIFICATION, rectification, actor)
    ]
    return render(
        request,
        "supervision/rectification_detail.html",
        {
            "r": rectification,
            "moves": moves,
            "timeline": _timeline(rectification),
            "form": ReasonForm(),
        },
    )


# --- proceedings (R22, R23, R47) ----------------------------------------------------------------


@login_required
def proceeding_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require(actor.kind != UnitKind.LEARNER)
    status = _code(request, "status")
    target_kind = _code(request, "target_kind")
    funds = request.GET.get("funds_recovery") == "1"
    qs = lists.proceeding_list(
        actor=actor, status=status, target_kind=target_kind, funds_recovery=funds, q=_q(request)
    )
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("取消资格"),
            headers=[
                _("对象类型"),
                _("对象"),
                _("省份"),
                _("理由"),
                _("提出日期"),
                _("申辩截止日期"),
                _("状态"),
                _("决定日期"),
                _("需追回专项资金"),
            ],
            rows=(
                [
                    p.get_target_kind_display(),
                    p.target_name,
                    p.province.name if p.province else "",
                    "、".join(p.reason_labels),
                    p.proposed_on,
                    p.answer_due,
                    p.get_status_display(),
                    p.decided_on,
                    _("是") if p.funds_recovery else "",
                ]
                for p in qs
            ),
        )
    return render(
        request,
        page_or_fragment(
            request, "supervision/proceeding_list.html", "supervision/proceeding_table.html"
        ),
        {
            "page_obj": page_of(request, qs),
            "status": status,
            "statuses": ProceedingStatus.choices,
            "target_kind": target_kind,
            "target_kinds": TargetKind.choices,
            "funds_recovery": funds,
            "can_propose_school": actor.can_write
            and actor.kind in (UnitKind.PROVINCE, UnitKind.MINISTRY),
            "can_propose_org": actor.can_write and actor.kind == UnitKind.MINISTRY,
        },
    )


@login_required
def proceeding_new_school(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require(actor.kind in (UnitKind.PROVINCE, UnitKind.MINISTRY))
    actor.require_write()
    form = SchoolProposalForm(request.POST or None)
    form.fields["school"].queryset = school_list(actor=actor).filter(pilot_status="active")  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: proceedings.proceeding_propose_school(
                actor=actor,
                school=form.cleaned_data["school"],
                reasons=form.cleaned_data["reasons"],
                facts=form.cleaned_data["facts"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("已提出，学校可在申辩期内申辩。"))
            return redirect("supervision:proceeding_detail", pk=done.value.pk)
    return render(
        request,
        "supervision/proceeding_form.html",
        {"form": form, "title": _("提出取消学校试点资格")},
    )


@login_required
def proceeding_new_org(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    actor.require(actor.kind == UnitKind.MINISTRY)
    actor.require_write()
    form = OrgProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            lambda: proceedings.proceeding_propose_org(
                actor=actor,
                org=form.cleaned_data["org"],
                reasons=form.cleaned_data["reasons"],
                facts=form.cleaned_data["facts"],
            ),
            form=form,
        )
        if done.ok:
            messages.success(request, _("已提出，培训评价组织可在申辩期内申辩。"))
            return redirect("supervision:proceeding_detail", pk=done.value.pk)
    return render(
        request,
        "supervision/proceeding_form.html",
        {"form": form, "title": _("提出取消培训评价组织试点资格")},
    )


@login_required
def proceeding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    p = lists.proceeding_get(actor=actor, pk=pk)
    if request.method == "POST":
        run: dict[str, Callable[[str], Any]] = {
            "answer": lambda r: proceedings.proceeding_answer(actor=actor, proceeding=p, answer=r),
            "disqualify": lambda r: proceedings.proceeding_disqualify(
                actor=actor, proceeding=p, note=r
            ),
            "dismiss": lambda r: proceedings.proceeding_dismiss(actor=actor, proceeding=p, note=r),
            "reinstate": lambda r: proceedings.proceeding_reinstate(
                actor=actor, proceeding=p, reason=r
            ),
        }
        if _take(request, PROCEEDING, p, run):
            return redirect("supervision:proceeding_detail", pk=pk)
    frozen = lists.frozen_plans(p.org) if p.org is not None and p.status == "disqualified" else []
    return render(
        request,
        "supervision/proceeding_detail.html",
        {
            "p": p,
            "moves": [(a, label, True) for a, label, _required in _moves(PROCEEDING, p, actor)],
            "timeline": _timeline(p),
            "frozen": frozen,
        },
    )


# --- evaluation (R42) ---------------------------------------------------------------------------


def _percent(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@login_required
def evaluation(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    province = _code(request, "province")
    rows, weights, missing = ev.evaluate(actor=actor, q=_q(request), province=province)
    labels = [str(c.label) for c in ev.COMPONENTS]
    if request.GET.get("format") == "xlsx":
        return export_response(
            filename=_("期末绩效评价"),
            headers=[_("省份"), _("学校"), *labels, _("综合得分")],
            rows=(
                [
                    e.school.province.name,
                    e.school.name,
                    *[_percent(v) if v is not None else _("暂无数据") for _k, v in e.cells()],
                    e.score if e.score is not None else "",
                ]
                for e in rows
            ),
        )
    return render(
        request,
        page_or_fragment(
            request, "supervision/evaluation.html", "supervision/evaluation_table.html"
        ),
        {
            "page_obj": page_of(request, rows),
            "columns": [(str(c.label), weights[c.key]) for c in ev.COMPONENTS],
            "missing": missing,
        },
    )
