"""Audit pages: the scoped event list (filters, pagination, xlsx export) and an event's diff.

Views stay thin: they parse the filter form, call the selectors in ``onex.core.audit`` and
render. Refusals: a non-admin gets 403 on every audit page, an event outside the actor's scope
404 (the selector's NotFound).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from onex.core.actors import request_actor
from onex.core.audit import (
    audit_action_choices,
    audit_can_verify,
    audit_diff,
    audit_event_get,
    audit_event_list,
    audit_export_xlsx,
    audit_record,
    audit_verify_chain,
)
from onex.core.audit_display import action_label, diff_rows, object_labels
from onex.core.forms import DateInput
from onex.core.models import AuditEvent
from onex.core.web import is_htmx, page_of


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    # Free text with suggestions (a datalist), not a closed choice: "unit." filters every unit
    # action by prefix, and a just-introduced action is filterable before the cache refreshes.
    action = forms.CharField(
        label=_("操作"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )
    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    since = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    until = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(
        actor=request_actor(request),
        q=data.get("q") or None,
        action=data.get("action") or None,
        actor_username=data.get("actor") or None,
        since=data.get("since"),
        until=data.get("until"),
    )
    return form, events


def _rows(events: Any) -> list[dict[str, Any]]:
    events = list(events)
    objects = object_labels(events)
    return [
        {
            "event": e,
            "action": action_label(e.action, e.target_type),
            "object": objects.get((e.target_type, e.target_id)),
        }
        for e in events
    ]


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = page_of(request, events)
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "rows": _rows(page.object_list),
        "query": query.urlencode(),
        "can_export": audit_can_verify(actor=request_actor(request)),
    }
    # One view for the page and the htmx fragment (filters swap only the table).
    if is_htmx(request):
        return render(request, "core/audit_table.html", context)
    context["actions"] = [
        (name, action_label(name)) for name in audit_action_choices(actor=request_actor(request))
    ]
    return render(request, "core/audit_list.html", context)


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The audit administrator's export (business administrators read, they do not export)."""
    actor = request_actor(request)
    actor.require(audit_can_verify(actor=actor), _("只有审计管理员可以导出审计日志。"))
    form, events = _filtered(request)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="audit.export",
            new={k: str(v) for k, v in (form.cleaned_data if form.is_bound else {}).items() if v},
        )
    return audit_export_xlsx(events=events)


@login_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walk the hash chain (audit administrator); POST so a link cannot start the walk."""
    actor = request_actor(request)
    actor.require(audit_can_verify(actor=actor), _("只有审计管理员可以校验审计链。"))
    result = None
    if request.method == "POST":
        result = audit_verify_chain()
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="audit.verify",
                new={"ok": result.ok, "count": result.count, "broken_seq": result.broken_seq},
            )
    return render(request, "core/audit_verify.html", {"result": result})


@login_required
def audit_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = audit_event_get(actor=request_actor(request), seq=seq)
    context = {
        "event": event,
        "action": action_label(event.action, event.target_type),
        "object": object_labels([event]).get((event.target_type, event.target_id)),
        "diff": diff_rows(event, audit_diff(event)),
    }
    return render(request, "core/audit_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("audit/", audit_list, name="audit"),
    path("audit/export.xlsx", audit_export, name="audit_export"),
    path("audit/verify/", audit_verify, name="audit_verify"),
    path("audit/<int:seq>/", audit_detail, name="audit_detail"),
]
