"""Writes of the provincial summary table (R27): a province's submission and the aggregator's
import of tables sent outside the platform."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.services.uploads import sniff_upload
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.imports import zh
from onex.core.models import UnitKind
from onex.core.xlsx import write_xlsx
from onex.geo.models import Division
from onex.pilots.models.applications import (
    SummaryRow,
    SummarySource,
    SummarySubmission,
)
from onex.pilots.selectors.conditions import RATIO_PLACES
from onex.pilots.selectors.summary import summary_deadline, summary_headers, summary_table_rows


def summary_submit(*, actor: Actor, scan: File[Any], note: str = "") -> SummarySubmission:
    """A province sends its summary table: the generated xlsx as it stands now and the stamped
    scan (PDF or image). After the profile's deadline the submission is accepted but flagged."""
    actor.require(actor.kind == UnitKind.PROVINCE, _("只有省级教育行政部门可以报送汇总表。"))
    actor.require_write()
    assert actor.unit is not None and actor.unit.province is not None
    province = actor.unit.province
    sniff_upload(scan, allowed=("pdf", "png", "jpeg"), field_name="scan")
    note = (note or "").strip()
    if len(note) > 300:
        raise InvalidInput(_("说明不能超过 300 个字符。"), field="note")
    today = timezone.localdate()
    with transaction.atomic():
        rows = summary_table_rows(actor=actor, province=province)
        if not rows:
            raise InvalidInput(_("本省还没有已确认的试点院校，汇总表为空，不能报送。"))
        deadline = summary_deadline(province, on=today)
        submission = SummarySubmission(
            province=province,
            source=SummarySource.GENERATED,
            row_count=len(rows),
            deadline=deadline,
            is_late=deadline is not None and today > deadline,
            note=note,
            submitted_by=actor.user,
            unit=actor.unit,
            submitted_at=timezone.now(),
        )
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            write_xlsx(
                path=tmp.name,
                headers=summary_headers(),
                rows=rows,
                sheet=zh(_("试点院校情况汇总表")),
            )
            with open(tmp.name, "rb") as handle:
                submission.snapshot.save(f"{province.code}.xlsx", File(handle), save=False)
        submission.scan.save(scan.name or "scan", scan, save=False)
        submission.save()
        SummaryRow.objects.bulk_create(
            [_summary_row(submission, i, values) for i, values in enumerate(rows, start=1)]
        )
        audit_record(
            actor=actor,
            action="pilots.summary.submit",
            target=submission,
            new={
                "province": province.code,
                "rows": len(rows),
                "deadline": deadline,
                "is_late": submission.is_late,
            },
        )
    return submission


def _parse_ratio_text(text: str) -> Decimal:
    return (Decimal(text.rstrip("%")) / 100).quantize(RATIO_PLACES)


def _summary_row(submission: SummarySubmission, position: int, values: Sequence[Any]) -> SummaryRow:
    return SummaryRow(
        submission=submission,
        position=position,
        province_name=values[0],
        school_name=values[1],
        school_code=values[2],
        school_type=values[3],
        certificate_name=values[4],
        levels=values[5],
        specialty_name=values[6],
        full_time_teachers=values[7],
        dual_qualified_ratio=(
            values[8] if isinstance(values[8], Decimal) else _parse_ratio_text(values[8])
        ),
        industry_expert_ratio=(
            values[9] if isinstance(values[9], Decimal) else _parse_ratio_text(values[9])
        ),
        planned_students=values[10],
        contact_name=values[11] or "",
        contact_phone=values[12] or "",
    )


def summary_import(
    *, actor: Actor, rows: Sequence[Mapping[str, Any]], snapshot: bytes | None = None
) -> list[SummarySubmission]:
    """Load provinces' tables sent outside the platform (the aggregator's importer calls this).

    One submission per province in the file, in the order its rows appear; caller holds the
    transaction. ``rows`` carry the importer's parsed values keyed by column key.
    """
    actor.require(actor.is_national, _("只有国家级用户可以导入省级汇总表。"))
    actor.require_write()
    by_province: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    provinces: dict[int, Division] = {}
    for values in rows:
        province: Division = values["province"]
        provinces[province.pk] = province
        by_province[province.pk].append(values)
    created: list[SummarySubmission] = []
    now = timezone.now()
    snapshot_name = ""
    for pk, province_rows in by_province.items():
        province = provinces[pk]
        submission = SummarySubmission.objects.create(
            province=province,
            source=SummarySource.IMPORTED,
            row_count=len(province_rows),
            deadline=summary_deadline(province),
            is_late=False,
            note=_("由汇总机构导入"),
            submitted_by=actor.user,
            unit=actor.unit,
            submitted_at=now,
        )
        if snapshot:
            # Its own copy, stored once for all provinces of the file: the import job's file
            # is sealed and deleted after the retention period, the submission's stays.
            if snapshot_name:
                submission.snapshot.name = snapshot_name
            else:
                submission.snapshot.save("imported.xlsx", ContentFile(snapshot), save=False)
                snapshot_name = submission.snapshot.name or ""
            submission.save(update_fields=["snapshot"])
        SummaryRow.objects.bulk_create(
            [
                _summary_row(
                    submission,
                    i,
                    [
                        province.name,
                        v["school_name"],
                        v["school_code"],
                        v["school_type"],
                        v["certificate_name"],
                        v["levels"],
                        v["specialty_name"],
                        v["full_time_teachers"],
                        v["dual_qualified_ratio"],
                        v["industry_expert_ratio"],
                        v["planned_students"],
                        v["contact_name"],
                        v["contact_phone"],
                    ],
                )
                for i, v in enumerate(province_rows, start=1)
            ]
        )
        audit_record(
            actor=actor,
            action="pilots.summary.import",
            target=submission,
            new={"province": province.code, "rows": len(province_rows)},
        )
        created.append(submission)
    return created
