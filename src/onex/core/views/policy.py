"""Policy profile pages: the effective profile with each value's source, history, edit form.

Province-bound actors (province, city, school) see their own province's profile; national
actors, orgs and learners may pick any province or batch. Writes go to ``policy_value_set``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core import registry
from onex.core.actors import request_actor
from onex.core.errors import DomainError, Forbidden
from onex.core.forms import DateInput
from onex.core.models import PolicyScope, UnitKind
from onex.core.policy import (
    REGISTRY,
    can_set_policy,
    display_value,
    from_json,
    policy_entry,
    policy_history,
    policy_profile,
    policy_value_set,
)
from onex.core.registry import BatchChoice, PolicySetting, PolicyType
from onex.geo.models import Division
from onex.geo.selectors import province_list

PROVINCE_BOUND = frozenset({UnitKind.PROVINCE, UnitKind.CITY, UnitKind.SCHOOL})


def _context_target(
    request: HttpRequest,
) -> tuple[Division | None, BatchChoice | None, bool]:
    """(province, batch, locked): which profile the page shows for this actor."""
    actor = request_actor(request)
    if actor.kind in PROVINCE_BOUND and actor.unit is not None:
        return actor.unit.province, None, True
    code = request.GET.get("province", "")
    province = province_list().filter(code=code).first() if code else None
    number = request.GET.get("batch", "")
    # The batches come from the app that owns them (the catalogue registers them).
    batch = next((b for b in registry.batch_choices() if str(b.number) == number), None)
    return province, batch, False


def _number(batch: BatchChoice | None) -> int | None:
    return batch.number if batch is not None else None


def _on(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _edit_scope(province: Division | None, batch: BatchChoice | None) -> str:
    if province is not None:
        return PolicyScope.PROVINCE
    if batch is not None:
        return PolicyScope.BATCH
    return PolicyScope.NATIONAL


def _target_query(province: Division | None, batch: BatchChoice | None) -> str:
    params = {}
    if province is not None:
        params["province"] = province.code
    elif batch is not None:
        params["batch"] = str(batch.number)
    return urlencode(params)


@login_required
def policy_page(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    province, batch, locked = _context_target(request)
    on = _on(request)
    scope = _edit_scope(province, batch)
    context: dict[str, Any] = {
        "entries": list(
            policy_profile(province=province, batch_number=_number(batch), on=on).values()
        ),
        "province": province,
        "batch": batch,
        "on": on,
        "locked": locked,
        "provinces": [] if locked else list(province_list()),
        "batches": [] if locked else registry.batch_choices(),
        "can_edit": can_set_policy(actor, scope=scope, province=province),
        "scope_label": PolicyScope(scope).label,
        "target_query": _target_query(province, batch),
    }
    return render(request, "core/policy.html", context)


class PolicyValueForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("取值"), required=False, max_length=40)
    effective_from = forms.DateField(label=gettext_lazy("生效日期"), widget=DateInput())
    note = forms.CharField(
        label=gettext_lazy("依据/说明"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("如：文件文号和条款"),
    )

    def __init__(self, *args: Any, item: PolicySetting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["value"]
        if item.unit:
            field.label = f"{field.label}（{item.unit}）"
        # Type-specific widget; the service still validates every value (forms are convenience).
        if item.type == PolicyType.BOOL:
            self.fields["value"] = forms.ChoiceField(
                label=field.label, choices=[("true", _("是")), ("false", _("否"))]
            )
        elif item.type == PolicyType.DATE:
            field.widget = DateInput()
        elif item.type == PolicyType.RATIO:
            field.help_text = _("0 到 1 之间的小数（如 0.5），或百分比（如 50%）")
        else:
            field.widget = forms.NumberInput(attrs={"min": 0, "step": 1})
            field.help_text = str(item.unit)


def _initial_value(item: PolicySetting, value: Any) -> str:
    if value is None:
        return ""
    if item.type == PolicyType.BOOL:
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@login_required
def policy_edit(request: HttpRequest, key: str) -> HttpResponse:
    """One setting: its value in force, its history, and (for admins) the edit form."""
    item = REGISTRY.get(key)
    if item is None:
        raise Http404
    actor = request_actor(request)
    province, batch, _locked = _context_target(request)
    scope = _edit_scope(province, batch)
    can_edit = can_set_policy(actor, scope=scope, province=province)
    entry = policy_entry(key, province=province, batch_number=_number(batch))
    form = PolicyValueForm(
        initial={
            "value": _initial_value(item, entry.value),
            "effective_from": timezone.localdate(),
        },
        item=item,
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = PolicyValueForm(request.POST, item=item)
        if form.is_valid():
            try:
                policy_value_set(
                    actor=actor,
                    key=key,
                    value=form.cleaned_data["value"],
                    scope=scope,
                    province=province,
                    batch_number=_number(batch),
                    effective_from=form.cleaned_data["effective_from"],
                    note=form.cleaned_data["note"],
                )
            except Forbidden as exc:
                raise PermissionDenied(str(exc.message)) from None
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("已保存“%(label)s”。") % {"label": item.label})
                query = _target_query(province, batch)
                return redirect(reverse("policy") + (f"?{query}" if query else ""))
        status = 422
    history = [
        {"row": row, "display": display_value(item, from_json(item, row.value))}
        for row in policy_history(key=key, province=province, batch_number=_number(batch))
    ]
    context = {
        "item": item,
        "entry": entry,
        "default_display": display_value(item, item.default_for()),
        "form": form,
        "can_edit": can_edit,
        "history": history,
        "province": province,
        "batch": batch,
        "scope_label": PolicyScope(scope).label,
        "target_query": _target_query(province, batch),
    }
    return render(request, "core/policy_edit.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("policy/", policy_page, name="policy"),
    path("policy/<str:key>/", policy_edit, name="policy_edit"),
]
