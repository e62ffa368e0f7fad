"""Importers of the shared kernel: holiday notices (the first user of the import framework)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.calendar import can_edit_calendar
from onex.core.imports import (
    ChoiceParser,
    Column,
    DateParser,
    ImportSpec,
    ParsedRow,
    TextParser,
    register_spec,
    upsert_summary,
)
from onex.core.models import DayKind, HolidayNotice, ImportJob


def _notice_dict(notice: HolidayNotice) -> dict[str, str]:
    # Same shape as the calendar service's audit rows, so both read alike in the audit log.
    return {
        "date": notice.date.isoformat(),
        "kind": notice.kind,
        "name": notice.name,
        "note": notice.note,
    }


@register_spec
class HolidayNoticeSpec(ImportSpec):
    """One line per day of the State Council's notice; existing dates are updated (upsert)."""

    name = "holiday_notices"
    title = _("节假日安排")
    description = _("每行一天：放假日期和调休上班日期都要列出；已录入的日期会被更新。")
    columns = (
        Column("date", _("日期"), parse=DateParser(min_year=2000), example="2030-10-01"),
        Column(
            "kind",
            _("类型"),
            parse=ChoiceParser(DayKind.choices),
            example=_("放假"),
        ),
        Column("name", _("节日"), parse=TextParser(max_length=64), example=_("国庆节")),
        Column(
            "note",
            _("依据"),
            parse=TextParser(max_length=200),
            required=False,
            default="",
            example=_("国办发明电〔2029〕7号"),
            width=30,
        ),
    )
    unique_key = ("date",)
    max_rows = 5000

    def allowed(self, *, actor: Actor) -> bool:
        # Same rule as entering one notice by hand: national administrators only.
        return can_edit_calendar(actor)

    def apply(self, rows: list[ParsedRow], *, actor: Actor, job: ImportJob) -> dict[str, Any]:
        dates = [row.values["date"] for row in rows]
        existing = {
            n.date: n for n in HolidayNotice.objects.select_for_update().filter(date__in=dates)
        }
        created = updated = unchanged = 0
        for row in rows:
            values = row.values
            notice = existing.get(values["date"])
            old = _notice_dict(notice) if notice is not None else None
            if notice is None:
                notice = HolidayNotice(date=values["date"], created_by=actor.user)
            notice.kind = values["kind"]
            notice.name = values["name"]
            notice.note = values["note"] or ""
            new = _notice_dict(notice)
            if old == new:
                unchanged += 1  # re-importing the same notice is a no-op, not a new audit row
                continue
            notice.save()
            audit_record(
                actor=actor,
                action="calendar.notice_import",
                target=notice,
                old=old,
                new={**new, "import_job": job.pk},
            )
            if old is None:
                created += 1
            else:
                updated += 1
        return upsert_summary(created, updated, unchanged)
