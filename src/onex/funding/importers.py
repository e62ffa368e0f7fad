"""Bulk input of funding: allocations of pilot money to schools (R17).

All or nothing (the import framework writes only a fully valid file). Each row names a school
by its 10-digit code within the importer's jurisdiction and a source the importer may assign:
the Ministry the central award, a province its special fund to its own schools, a school its
own funds. Every row goes through ``allocation_create``, so it is audited like a form entry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.actors import Actor
from onex.core.errors import DomainError
from onex.core.imports import (
    CellError,
    ChoiceParser,
    Column,
    DecimalParser,
    ImportRejected,
    ImportSpec,
    IntegerParser,
    ParsedRow,
    RowError,
    TextParser,
    register_spec,
)
from onex.core.models import ImportJob, UnitKind
from onex.core.params import MAX_YEAR, MIN_YEAR
from onex.funding.models import FundSource
from onex.funding.services.funds import allocation_create, may_allocate
from onex.pilots.selectors.schools import school_scope

IMPORTERS = (UnitKind.MINISTRY, UnitKind.PROVINCE, UnitKind.SCHOOL)


@register_spec
class AllocationSpec(ImportSpec):
    name = "funding_allocations"
    title = gettext_lazy("资金下达")
    description = gettext_lazy(
        "每行一笔资金：学校标识码须为本单位管辖范围内的学校；教育部下达中央奖补资金，"
        "省级教育行政部门向本省学校下达省级专项资金，学校登记学校自筹资金。金额以元为单位，保留两位小数。"
    )
    order = 80
    columns = (
        Column(
            "school_code",
            gettext_lazy("学校标识码"),
            parse=TextParser(max_length=10, pattern=r"\d{10}"),
            text=True,
            example="4144012345",
        ),
        Column(
            "source",
            gettext_lazy("资金来源"),
            parse=ChoiceParser(FundSource.choices),
            example=gettext_lazy("省级专项资金"),
        ),
        Column(
            "year",
            gettext_lazy("年度"),
            parse=IntegerParser(min_value=MIN_YEAR, max_value=MAX_YEAR),
            example="2026",
        ),
        Column(
            "title",
            gettext_lazy("资金名称"),
            parse=TextParser(max_length=200),
            example="1+X 证书制度试点省级专项",
        ),
        Column(
            "amount",
            gettext_lazy("金额（元）"),
            parse=DecimalParser(places=2, min_value=Decimal("0.01")),
            example="200000.00",
        ),
        Column(
            "document_number",
            gettext_lazy("文号"),
            parse=TextParser(max_length=200),
            required=False,
            default="",
            example="粤教职函〔2026〕1号",
        ),
    )
    unique_key = ("school_code", "source", "year", "title")

    def allowed(self, *, actor: Actor) -> bool:
        return actor.kind in IMPORTERS and actor.can_write

    def prepare(self, *, actor: Actor) -> dict[str, Any]:
        return {"schools": {s.code: s for s in school_scope(actor=actor)}}

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        school = context["schools"].get(values["school_code"])
        if school is None:
            raise CellError(_("学校标识码不存在或不在本单位管辖范围内"), column="school_code")
        if not may_allocate(actor, values["source"], school):
            raise CellError(_("本单位无权下达该来源的资金"), column="source")

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        schools = {s.code: s for s in school_scope(actor=actor)}
        created = 0
        for row in rows:
            v = row.values
            try:
                allocation_create(
                    actor=actor,
                    school=schools[v["school_code"]],
                    source=v["source"],
                    year=v["year"],
                    title=v["title"],
                    amount=v["amount"],
                    document_number=v.get("document_number") or "",
                )
            except (DomainError, KeyError) as exc:
                message = str(exc.message) if isinstance(exc, DomainError) else _("学校不存在")
                raise ImportRejected([RowError(row.number, "", message)]) from None
            created += 1
        return {"created": created}
