"""Reads of the provincial and national summary tables (R27) and the distribution by field (R28)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.errors import InvalidInput, NotFound
from onex.core.imports import zh
from onex.core.models import UnitKind
from onex.core.policy import ProfileEntry, policy_entry
from onex.core.scoping import fetch
from onex.core.xlsx import export_response
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import SchoolType
from onex.pilots.models.applications import (
    CONFIRMED_STATUSES,
    SummaryRow,
    SummarySubmission,
)
from onex.pilots.selectors.applications import application_scope, with_related
from onex.pilots.selectors.conditions import (
    dual_qualified_ratio,
    entry_decimal,
    entry_source,
    industry_expert_ratio,
    levels_label,
    ratio,
    ratio_text,
)

# --- summary table (R27) ----------------------------------------------------------------------

SUMMARY_HEADERS: tuple[str, ...] = (
    "省份",
    "学校",
    "学校标识码",
    "学校类型",
    "证书",
    "等级",
    "专业",
    "专任教师数",
    "双师型教师比例",
    "行业专家比例",
    "计划学生数",
    "联系人",
    "电话",
)


def summary_headers() -> list[str]:
    # The official form's Chinese headers whatever the UI language: the importer matches them.
    return [zh(_(h)) for h in SUMMARY_HEADERS]


def _can_see_summaries(actor: Actor) -> bool:
    return actor.is_national or actor.kind == UnitKind.PROVINCE


def _summary_province(actor: Actor, province: Division | None) -> Division:
    """The province whose table is asked for: a province its own; national actors name one."""
    actor.require(_can_see_summaries(actor), _("只有省级和国家级用户可以查看汇总表。"))
    if actor.kind == UnitKind.PROVINCE:
        if province is not None and province.pk != actor.province_id:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        assert actor.unit is not None and actor.unit.province is not None
        return actor.unit.province
    if province is None or province.level != DivisionLevel.PROVINCE:
        raise InvalidInput(_("请选择省份。"), field="province")
    return province


def summary_table_rows(*, actor: Actor, province: Division | None = None) -> list[list[Any]]:
    """The province's confirmed pilots as the thirteen columns of 附件2 (R27)."""
    province = _summary_province(actor, province)
    type_labels = dict(SchoolType.choices)
    qs = with_related(
        application_scope(actor=actor).filter(province=province, status__in=CONFIRMED_STATUSES)
    ).order_by("school__code", "certificate__code", "specialty__code", "pk")
    return [
        [
            province.name,
            a.school.name,
            a.school.code,
            zh(type_labels.get(a.school.school_type, a.school.school_type)),
            a.certificate.name,
            levels_label(a.levels),
            a.specialty.name,
            a.full_time_teachers,
            ratio_text(dual_qualified_ratio(a)),
            ratio_text(industry_expert_ratio(a)),
            a.planned_students,
            a.contact_name,
            a.contact_phone,
        ]
        for a in qs
    ]


def summary_filename(province: Division) -> str:
    return _("%(province)s试点院校情况汇总表") % {"province": province.name}


def summary_export(*, actor: Actor, province: Division | None = None) -> HttpResponse:
    province = _summary_province(actor, province)
    rows = summary_table_rows(actor=actor, province=province)
    return export_response(
        filename=summary_filename(province),
        headers=summary_headers(),
        rows=rows,
        sheet=zh(_("试点院校情况汇总表")),
    )


def summary_deadline_entry(province: Division, *, on: dt.date | None = None) -> ProfileEntry:
    return policy_entry("r27.summary_table_deadline", province=province, on=on)


def summary_deadline(province: Division, *, on: dt.date | None = None) -> dt.date | None:
    value = summary_deadline_entry(province, on=on).value
    return value if isinstance(value, dt.date) else None


def summary_row_values(row: SummaryRow) -> list[Any]:
    return [
        row.province_name,
        row.school_name,
        row.school_code,
        row.school_type,
        row.certificate_name,
        row.levels,
        row.specialty_name,
        row.full_time_teachers,
        ratio_text(row.dual_qualified_ratio),
        ratio_text(row.industry_expert_ratio),
        row.planned_students,
        row.contact_name,
        row.contact_phone,
    ]


def summary_submissions(*, actor: Actor) -> QuerySet[SummarySubmission]:
    """National actors see every province's submissions; a province its own; others none."""
    qs = SummarySubmission.objects.select_related("province", "submitted_by", "unit")
    if actor.is_national:
        return qs
    if actor.kind == UnitKind.PROVINCE:
        return qs.filter(province_id=actor.province_id)
    return qs.none()


def summary_submission_get(*, actor: Actor, pk: int | str) -> SummarySubmission:
    return fetch(summary_submissions(actor=actor), pk=pk)


def latest_submissions(*, actor: Actor) -> list[SummarySubmission]:
    """Each province's most recent submission: what the national table is built from."""
    qs = summary_submissions(actor=actor)
    latest = qs.values("province").annotate(last=Max("pk")).values_list("last", flat=True)
    return list(qs.filter(pk__in=list(latest)).order_by("province__code"))


def national_summary_rows(*, actor: Actor, province: Division | None = None) -> list[list[Any]]:
    """The national table: every province's latest submission, in province code order."""
    actor.require(actor.is_national, _("只有国家级用户可以导出全国汇总表。"))
    submissions = latest_submissions(actor=actor)
    if province is not None:
        submissions = [s for s in submissions if s.province_id == province.pk]
    rows = SummaryRow.objects.filter(submission__in=submissions).order_by(
        "submission__province__code", "position"
    )
    return [summary_row_values(row) for row in rows]


def national_summary_export(*, actor: Actor, province: Division | None = None) -> HttpResponse:
    rows = national_summary_rows(actor=actor, province=province)
    return export_response(
        filename=_("全国试点院校情况汇总表"),
        headers=summary_headers(),
        rows=rows,
        sheet=zh(_("试点院校情况汇总表")),
    )


# --- distribution by field (R28) ------------------------------------------------------------


@dataclass(frozen=True)
class FieldShare:
    field: str
    count: int
    share: Decimal
    flagged: bool

    @property
    def share_text(self) -> str:
        return ratio_text(self.share)


@dataclass(frozen=True)
class Distribution:
    province: Division | None
    total: int
    threshold: Decimal
    threshold_source: str
    rows: list[FieldShare]

    @property
    def threshold_text(self) -> str:
        return ratio_text(self.threshold)

    @property
    def flagged(self) -> list[FieldShare]:
        return [r for r in self.rows if r.flagged]

    def chart(self) -> dict[str, Any]:
        """The data ``static/onex/charts.js`` draws."""
        return {
            "title": _("试点按证书领域分布"),
            "seriesName": _("试点数"),
            "categories": [r.field for r in self.rows],
            "values": [r.count for r in self.rows],
            "kind": "bar",
        }


def pilot_distribution(*, actor: Actor, province: Division | None = None) -> Distribution:
    """Confirmed pilots (school × certificate × specialty) by certificate field; a field whose
    share exceeds the profile's threshold is flagged (R28: pilots should not concentrate)."""
    actor.require(_can_see_summaries(actor), _("只有省级和国家级用户可以查看试点分布。"))
    qs = application_scope(actor=actor).filter(status__in=CONFIRMED_STATUSES)
    if actor.kind == UnitKind.PROVINCE:
        assert actor.unit is not None
        province = actor.unit.province
    elif province is not None:
        qs = qs.filter(province=province)
    counts = list(
        qs.values("certificate__field").annotate(n=Count("pk")).order_by("-n", "certificate__field")
    )
    total = sum(row["n"] for row in counts)
    entry = policy_entry("r28.field_concentration_share_max", province=province)
    threshold = entry_decimal(entry)
    rows = []
    for row in counts:
        share = ratio(row["n"], total)
        rows.append(
            FieldShare(
                field=row["certificate__field"] or _("未分类"),
                count=row["n"],
                share=share,
                # Exact comparison (count / total > threshold) so rounding never hides a flag.
                flagged=Decimal(row["n"]) > threshold * total,
            )
        )
    return Distribution(
        province=province,
        total=total,
        threshold=threshold,
        threshold_source=entry_source(entry),
        rows=rows,
    )
