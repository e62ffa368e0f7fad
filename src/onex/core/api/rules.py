"""Rule catalogue API (/api/v1/rules): R01–R47 with sources, status and the values in force.

Any authenticated actor reads it; ``province`` (a GB/T 2260 code) picks whose values are shown,
defaulting to the actor's own province, or the national values for actors without one.
"""
# No "from __future__ import annotations": ninja resolves parameter types at import time.

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from onex.core.actors import Actor, actor_from_request
from onex.core.limits import CodeText, SearchText
from onex.core.policy import to_json
from onex.core.rules import ParameterValue, Rule, rule_get, rule_list, rule_parameter_values
from onex.core.schemas import province_by_code
from onex.geo.models import Division

router = Router(tags=["rules"])

StatusLiteral = Literal["enforced", "partial", "not_yet"]


class RuleSourceOut(Schema):
    document: str = Field(..., description="Seed document number, e.g. 001")
    document_number: str = Field(..., description="Official number (发文字号)")
    document_title: str
    clause: str
    quote: str = Field(..., description="The policy text, quoted in Chinese")


class RuleParameterOut(Schema):
    key: str | None = Field(None, description="Policy-profile key; null for a fixed value")
    label: str
    unit: str
    type: str | None = Field(None, description="Policy type of a profile key")
    default: Any = Field(None, description="Shipped default (ratios as decimal strings)")
    value: Any = Field(None, description="Value in force today for the province")
    display: str
    source: str = Field(..., description="default | national | batch | province | fixed")
    source_label: str


class RuleSummaryOut(Schema):
    id: str
    title: str
    title_zh: str
    title_en: str
    status: StatusLiteral
    status_label: str
    sources: str = Field(..., description="Short citation of the source clauses")


class RuleOut(RuleSummaryOut):
    summary: str
    note: str
    province: str | None = Field(None, description="Province code whose values are shown")
    source_documents: list[RuleSourceOut]
    parameters: list[RuleParameterOut]
    enforced_by: list[str] = Field(..., description="Dotted paths of the enforcing functions")


class RuleListOut(Schema):
    province: str | None
    count: int
    rules: list[RuleOut]


def _actor(request: HttpRequest) -> Actor:
    # Token-authenticated requests may not pass through the session middleware's user.
    actor = getattr(request, "actor", None)
    if isinstance(actor, Actor) and actor.is_authenticated:
        return actor
    return actor_from_request(request)


def _province(request: HttpRequest, code: str | None) -> Division | None:
    if code:
        return province_by_code(code)
    unit = _actor(request).unit
    return unit.province if unit is not None and unit.province_id is not None else None


def _parameter_out(value: ParameterValue) -> dict[str, Any]:
    parameter = value.parameter
    item = parameter.setting
    entry = value.entry
    if item is None:
        default = current = parameter.default
    else:
        default = to_json(item, item.default)
        current = to_json(item, entry.value) if entry is not None else default
    return {
        "key": parameter.key,
        "label": parameter.label,
        "unit": parameter.unit_text,
        "type": item.type if item is not None else None,
        "default": default,
        "value": current,
        "display": value.display,
        "source": entry.source if entry is not None else "fixed",
        "source_label": value.source_label,
    }


def _rule_out(
    rule: Rule, values: list[ParameterValue], province: Division | None
) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": str(rule.title),
        "title_zh": rule.title.zh,
        "title_en": rule.title.en,
        "status": rule.status,
        "status_label": rule.status_label,
        "sources": rule.source_label,
        "summary": str(rule.summary),
        "note": str(rule.note),
        "province": province.code if province else None,
        "source_documents": [
            {
                "document": s.document.code,
                "document_number": s.document.number,
                "document_title": str(s.document.title),
                "clause": s.clause,
                "quote": s.quote,
            }
            for s in rule.sources
        ],
        "parameters": [_parameter_out(v) for v in values],
        "enforced_by": list(rule.enforced_by),
    }


@router.get("", response=RuleListOut, summary="政策规则目录")
def rules(
    request: HttpRequest,
    q: SearchText | None = None,
    status: StatusLiteral | None = None,
    province: CodeText | None = None,
) -> dict[str, Any]:
    """Every rule R01–R47 (filtered by ``q`` and ``status``) with the values in force today."""
    where = _province(request, province)
    found = rule_list(q=q, status=status)
    values = rule_parameter_values(found, province=where)
    return {
        "province": where.code if where else None,
        "count": len(found),
        "rules": [_rule_out(rule, values[rule.id], where) for rule in found],
    }


@router.get("/{rule_id}", response=RuleOut, summary="一条政策规则")
def rule(request: HttpRequest, rule_id: str, province: CodeText | None = None) -> dict[str, Any]:
    """One rule by ID (``R25``); an unknown ID answers 404."""
    found = rule_get(rule_id)
    where = _province(request, province)
    return _rule_out(found, rule_parameter_values([found], province=where)[found.id], where)
