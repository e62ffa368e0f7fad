"""The declared states and moves of a report (R41).

The filing unit saves a draft, submits it (late filing is accepted and marked late) and may
amend a submitted report: every submission is kept as a version, so the history stays.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onex.core.actors import Actor
from onex.core.workflows import Move, Workflow, register
from onex.reporting.models import Report, ReportEvent, ReportStatus
from onex.reporting.selectors import report_scope

S = ReportStatus


def _scope(actor: Actor) -> QuerySet[Report]:
    return report_scope(actor=actor)


def is_filer(actor: Actor, report: Report) -> bool:
    return actor.unit_id is not None and actor.unit_id == report.unit_id


_FILER_ONLY = _("只有报送单位可以填写和报送本报告。")


def report_audit_view(report: Report) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "unit": report.unit_id,
        "province": report.province_id,
        "period": report.period_label,
        "students_trained": report.students_trained,
        "students_examined": report.students_examined,
        "progress": report.progress,
        "problems": report.problems,
        "next_plan": report.next_plan,
        "version": report.version,
        "is_late": report.is_late,
    }


REPORT = register(
    Workflow(
        name="reporting.report",
        model=Report,
        scope=_scope,
        event_model=ReportEvent,
        event_fk="report",
        audit_view=report_audit_view,
        related=("unit", "province"),
        moves=(
            Move((S.DRAFT,), "update", None, is_filer, _("保存草稿"), denied=_FILER_ONLY),
            Move(
                (S.DRAFT,),
                "submit",
                S.SUBMITTED,
                is_filer,
                _("报送"),
                rule="R41",
                denied=_FILER_ONLY,
            ),
            Move(
                (S.SUBMITTED,),
                "amend",
                None,
                is_filer,
                _("修改并重新报送"),
                rule="R41",
                denied=_FILER_ONLY,
            ),
        ),
    )
)
