"""The rule catalogue pages: every rule with its status and the values in force, one page per rule.

Any logged-in actor reads them (policy is public regulation). Province-bound actors see their
province's values; national actors and orgs may pick a province. National admins get a link
to the policy page to edit a value; everyone else reads only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from onex.core.actors import Actor, request_actor
from onex.core.models import PolicyScope
from onex.core.policy import can_set_policy
from onex.core.rules import (
    STATUS_LABELS,
    enforcer_summary,
    rule_get,
    rule_list,
    rule_parameter_values,
    status_counts,
)
from onex.core.web import is_htmx
from onex.core.xlsx import export_response
from onex.geo.models import Division
from onex.geo.selectors import province_list


def _province(request: HttpRequest, actor: Actor) -> tuple[Division | None, bool]:
    """(province whose values are shown, locked): an actor's own province, or the one asked."""
    unit = actor.unit
    if unit is not None and unit.province_id is not None:
        return unit.province, True
    code = request.GET.get("province", "").strip()
    return (province_list().filter(code=code).first() if code else None), False


def _can_edit(actor: Actor) -> bool:
    return can_set_policy(actor, scope=PolicyScope.NATIONAL)


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    province, locked = _province(request, actor)
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    status = status if status in STATUS_LABELS else ""
    rules = rule_list(q=q or None, status=status or None)
    values = rule_parameter_values(rules, province=province)
    if request.GET.get("format") == "xlsx":
        return _export(rules, values, province)
    context: dict[str, Any] = {
        "rows": [(rule, values[rule.id]) for rule in rules],
        "q": q,
        "status": status,
        "statuses": [(key, str(label)) for key, label in STATUS_LABELS.items()],
        "counts": status_counts(),
        "province": province,
        "locked": locked,
        "provinces": [] if locked else list(province_list()),
        "can_edit": _can_edit(actor),
    }
    template = "core/rules_table.html" if is_htmx(request) else "core/rules.html"
    return render(request, template, context)


def _export(rules: list[Any], values: dict[str, Any], province: Division | None) -> HttpResponse:
    headers = [
        _("规则编号"),
        _("规则"),
        _("状态"),
        _("依据"),
        _("政策原文"),
        _("参数与现行取值"),
        _("落实位置"),
        _("说明"),
    ]
    rows = (
        (
            rule.id,
            str(rule.title),
            rule.status_label,
            rule.source_label,
            "\n".join(f"{s.document.number} {s.clause}：{s.quote}" for s in rule.sources),
            "\n".join(
                f"{v.parameter.label}：{v.display}（{v.source_label}）" for v in values[rule.id]
            ),
            "\n".join(rule.enforced_by),
            str(rule.note),
        )
        for rule in rules
    )
    name = _("政策规则") + (f"-{province.name}" if province else "")
    return export_response(filename=name, headers=headers, rows=rows, sheet=_("规则"))


@login_required
def rule_detail(request: HttpRequest, rule_id: str) -> HttpResponse:
    actor = request_actor(request)
    rule = rule_get(rule_id)
    province, locked = _province(request, actor)
    context = {
        "rule": rule,
        "parameters": rule_parameter_values([rule], province=province)[rule.id],
        "enforcers": [(p, enforcer_summary(p)) for p in rule.enforced_by],
        "province": province,
        "locked": locked,
        "provinces": [] if locked else list(province_list()),
        "can_edit": _can_edit(actor),
    }
    return render(request, "core/rule_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("rules/", rules_page, name="rules"),
    path("rules/<str:rule_id>/", rule_detail, name="rule_detail"),
]
