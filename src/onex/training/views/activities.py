"""Activity filing pages (R02): the org files, the province reads its calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onex.catalog.selectors.orgs import org_of
from onex.core.actors import request_actor
from onex.core.params import int_param, year_param
from onex.core.policy import policy_entry
from onex.core.web import attempt, page_of, page_or_fragment
from onex.core.xlsx import export_response
from onex.training.forms import ActivityForm, ReasonForm
from onex.training.models import ActivityFiling, ActivityKind, ActivityStatus
from onex.training.selectors import activities as selectors
from onex.training.services import activities as services
from onex.training.views.common import bool_param, filters, timeline
from onex.training.workflows import ACTIVITY

KEYS = ("q", "status", "kind", "late")


def _activities(request: HttpRequest, f: dict[str, str]) -> QuerySet[ActivityFiling]:
    return selectors.activity_list(
        actor=request_actor(request),
        q=f["q"],
        status=f["status"] if f["status"] in ActivityStatus.values else "",
        kind=f["kind"] if f["kind"] in ActivityKind.values else "",
        late=bool_param(f["late"]),
    )


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    f = filters(request, *KEYS)
    items = _activities(request, f)
    if request.GET.get("format") == "xlsx":
        return _export(items)
    context = {
        "page_obj": page_of(request, items),
        "filters": f,
        "statuses": ActivityStatus.choices,
        "kinds": ActivityKind.choices,
        "can_file": org_of(request_actor(request)) is not None,
    }
    return render(
        request,
        page_or_fragment(request, "training/activity_list.html", "training/activity_table.html"),
        context,
    )


def _export(items: QuerySet[ActivityFiling]) -> HttpResponse:
    headers = [
        _("活动名称"),
        _("活动类型"),
        _("培训评价组织"),
        _("省份"),
        _("开始日期"),
        _("结束日期"),
        _("地点"),
        _("备案日期"),
        _("提前工作日数"),
        _("临近活动备案"),
        _("状态"),
    ]
    rows = (
        (
            a.title,
            a.get_kind_display(),
            a.org.name,
            a.province.name,
            a.starts_on,
            a.ends_on,
            a.venue,
            a.filed_on,
            a.lead_working_days,
            a.late,
            a.get_status_display(),
        )
        for a in items.iterator(chunk_size=2000)
    )
    return export_response(filename=_("活动备案"), headers=headers, rows=rows, sheet=_("活动备案"))


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    org = org_of(actor)
    if org is None:
        raise Http404
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = attempt(
            lambda: services.activity_create(
                actor=actor,
                org=org,
                province=data["province"],
                data=services.ActivityInput(
                    kind=data["kind"],
                    title=data["title"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    venue=data["venue"],
                    schools=list(data["schools"]),
                    description=data["description"],
                ),
            ),
            form=form,
        )
        if created.ok:
            filing = created.value
            if filing.late:
                messages.warning(
                    request,
                    _(
                        "已备案，但距活动开始仅 %(lead)s 个工作日，少于要求的 %(req)s 个工作日，"
                        "已标记为临近活动备案。"
                    )
                    % {"lead": filing.lead_working_days, "req": filing.lead_required},
                )
            else:
                messages.success(request, _("活动已备案。"))
            return redirect("training:activity_detail", pk=filing.pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("活动备案"),
            "back": "training:activity_list",
            "intro": _("标准宣贯、师资培训、考核和大范围会议须在活动开始前向所在省份备案。"),
        },
    )


_ACTIONS = {
    "file": gettext_lazy("活动备案"),
    "acknowledge": gettext_lazy("确认知悉"),
    "cancel": gettext_lazy("取消活动"),
}


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    filing = selectors.activity_get(actor=actor, pk=pk)
    context: dict[str, Any] = {
        "filing": filing,
        "moves": ACTIVITY.allowed_actions(filing, actor),
        "timeline": timeline(filing, dict(ActivityStatus.choices), _ACTIONS),
        "reason_form": ReasonForm(),
        "lead_entry": policy_entry(services.LEAD_KEY, province=filing.province),
    }
    return render(request, "training/activity_detail.html", context)


@login_required
@require_POST
def activity_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    filing = selectors.activity_get(actor=actor, pk=pk)
    if attempt(
        lambda: services.activity_acknowledge(actor=actor, filing=filing), request=request
    ).ok:
        messages.success(request, gettext_lazy("已确认知悉。"))
    return redirect("training:activity_detail", pk=pk)


@login_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    filing = selectors.activity_get(actor=actor, pk=pk)
    reason = str(request.POST.get("reason", ""))
    done = attempt(
        lambda: services.activity_cancel(actor=actor, filing=filing, reason=reason),
        request=request,
    )
    if done.ok:
        messages.success(request, gettext_lazy("活动已取消。"))
    return redirect("training:activity_detail", pk=pk)


def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    text = request.GET.get("month", "")
    parts = text.split("-") if len(text) <= 7 else []
    if len(parts) == 2:
        year, month = year_param(parts[0]), int_param(parts[1], maximum=12)
        if year and month:
            return year, month
    return today.year, today.month


def _shift(year: int, month: int, delta: int) -> str:
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
def activity_calendar(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    year, month = _month(request)
    context = {
        "weeks": selectors.activity_month(actor=actor, year=year, month=month),
        "year": year,
        "month": month,
        "previous": _shift(year, month, -1),
        "next": _shift(year, month, 1),
        "weekdays": [
            gettext_lazy("一"),
            gettext_lazy("二"),
            gettext_lazy("三"),
            gettext_lazy("四"),
            gettext_lazy("五"),
            gettext_lazy("六"),
            gettext_lazy("日"),
        ],
    }
    return render(request, "training/activity_calendar.html", context)


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str, limit: int = 75) -> str:
    """RFC 5545 3.1: a line longer than 75 octets goes on after a line break and a space."""
    parts: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = " "
        current += char
    parts.append(current)
    return "\r\n".join(parts)


@login_required
def activity_ics(request: HttpRequest) -> HttpResponse:
    """The activities in the actor's jurisdiction as an iCalendar feed (RFC 5545)."""
    actor = request_actor(request)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//onex//training activities//ZH",
        "CALSCALE:GREGORIAN",
    ]
    items = selectors.activity_list(actor=actor).exclude(status=ActivityStatus.CANCELLED)
    for a in items.iterator(chunk_size=2000):
        lines += [
            "BEGIN:VEVENT",
            f"UID:onex-activity-{a.pk}@{request.get_host()}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{a.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{a.ends_on + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(f'{a.title}（{a.get_kind_display()}）')}",
            f"LOCATION:{_ics_text(a.venue)}",
            f"DESCRIPTION:{_ics_text(a.org.name)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "".join(_fold(line) + "\r\n" for line in lines)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="activities.ics"'
    return response
