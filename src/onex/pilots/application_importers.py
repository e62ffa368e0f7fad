"""Importer of the 试点院校情况汇总表 (R27): the aggregator loads a province's table.

The columns are exactly those of the export (``applications.summary_headers``), so a table the
platform exported comes back in unchanged: export → import → export gives the same values.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.catalog.models import LEVEL_ORDER, Level
from onex.core.actors import Actor
from onex.core.imports import (
    CellError,
    ChoiceParser,
    Column,
    ImportSpec,
    IntegerParser,
    ParsedRow,
    Parser,
    TextParser,
    job_file_bytes,
    register_spec,
    zh,
)
from onex.core.models import ImportJob
from onex.geo.models import Division, DivisionLevel
from onex.pilots import applications
from onex.pilots.models import SchoolType
from onex.pilots.services import ELIGIBLE_SCHOOL_TYPES

_LEVEL_SPLIT = re.compile(r"[、,，;；/\s]+")


class LevelsParser(Parser):
    """初级、中级、高级 in any order and separator; returned in 初级→高级 order with 、."""

    help = gettext_lazy("等级名称，多个用顿号分隔，如 初级、中级")

    def __call__(self, value: Any) -> str:
        by_label = {zh(label): level for level, label in Level.choices}
        chosen = set()
        for part in _LEVEL_SPLIT.split(str(value).strip()):
            if not part:
                continue
            if part not in by_label:
                raise CellError(_("未知的等级：%(l)s，应为 初级、中级、高级") % {"l": part})
            chosen.add(by_label[part])
        if not chosen:
            raise CellError(_("请填写等级"))
        return applications.levels_label(lv for lv in LEVEL_ORDER if lv in chosen)


class PercentParser(Parser):
    """45.45% (text) or 0.4545 (a number cell, as Excel stores a percentage)."""

    help = gettext_lazy("百分比，如 52.5%，最多两位小数")

    def __call__(self, value: Any) -> Decimal:
        text = str(value).strip().replace("％", "%")
        try:
            number = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
        except InvalidOperation:
            raise CellError(_("应为百分比，如 52.5%")) from None
        if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
            raise CellError(_("应在 0% 到 100% 之间"))
        exact = number.quantize(applications.RATIO_PLACES)
        if exact != number:
            raise CellError(_("百分比最多两位小数"))
        return exact


def _type_choices() -> list[tuple[str, Any]]:
    return [(value, label) for value, label in SchoolType.choices if value in ELIGIBLE_SCHOOL_TYPES]


@register_spec
class PilotSummarySpec(ImportSpec):
    name = "pilot_summary"
    title = gettext_lazy("试点院校情况汇总表")
    description = gettext_lazy(
        "汇总机构导入省级报送的汇总表：每个省份生成一份新的报送记录，全国汇总表取各省最新一份。"
    )
    columns = (
        Column("province", gettext_lazy("省份"), parse=TextParser(max_length=64), example="广东省"),
        Column("school_name", gettext_lazy("学校"), parse=TextParser(max_length=200)),
        Column(
            "school_code",
            gettext_lazy("学校标识码"),
            parse=TextParser(pattern=r"\d{10}", help="10 位数字"),
            text=True,
            example="4144012345",
        ),
        Column("school_type", gettext_lazy("学校类型"), parse=ChoiceParser(_type_choices())),
        Column("certificate_name", gettext_lazy("证书"), parse=TextParser(max_length=200)),
        Column("levels", gettext_lazy("等级"), parse=LevelsParser(), example="初级、中级"),
        Column("specialty_name", gettext_lazy("专业"), parse=TextParser(max_length=100)),
        Column(
            "full_time_teachers",
            gettext_lazy("专任教师数"),
            parse=IntegerParser(min_value=0, max_value=100000),
        ),
        Column(
            "dual_qualified_ratio",
            gettext_lazy("双师型教师比例"),
            parse=PercentParser(),
            example="52.5%",
            text=True,
        ),
        Column(
            "industry_expert_ratio",
            gettext_lazy("行业专家比例"),
            parse=PercentParser(),
            example="20%",
            text=True,
        ),
        Column(
            "planned_students",
            gettext_lazy("计划学生数"),
            parse=IntegerParser(min_value=0, max_value=100000),
        ),
        Column(
            "contact_name",
            gettext_lazy("联系人"),
            parse=TextParser(max_length=64),
            required=False,
            default="",
        ),
        Column(
            "contact_phone",
            gettext_lazy("电话"),
            parse=TextParser(max_length=32),
            required=False,
            default="",
            text=True,
        ),
    )
    unique_key = ("school_code", "certificate_name", "specialty_name")
    max_rows = 20000

    def allowed(self, *, actor: Actor) -> bool:
        # The national aggregator collects provinces' tables (R27); provinces submit theirs
        # from their confirmed applications instead.
        return actor.is_national and actor.can_write

    def prepare(self, *, actor: Actor) -> dict[str, Division]:
        return {d.name: d for d in Division.objects.filter(level=DivisionLevel.PROVINCE)}

    def validate_row(self, values: dict[str, Any], *, actor: Actor, context: Any) -> None:
        if values["province"] not in context:
            raise CellError(_("未知的省份名称，请填写省级行政区全称"), column="province")

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        provinces = self.prepare(actor=actor)
        labels = dict(SchoolType.choices)
        parsed = [
            {
                **row.values,
                "province": provinces[row.values["province"]],
                "school_type": zh(labels[row.values["school_type"]]),
            }
            for row in rows
        ]
        created = applications.summary_import(
            actor=actor, rows=parsed, snapshot=job_file_bytes(job)
        )
        return {"submissions": len(created), "provinces": [s.province.name for s in created]}
