"""Reporting models: periods, reports (weekly, monthly, half-year), versions, reminders, alarms."""

from onex.reporting.models.reports import (
    Alarm,
    AlarmStatus,
    Period,
    Reminder,
    Report,
    ReportEvent,
    ReportKind,
    ReportStatus,
    ReportVersion,
)
from onex.reporting.models.tallies import WeeklyComplianceTally

__all__ = [
    "Alarm",
    "AlarmStatus",
    "Period",
    "Reminder",
    "Report",
    "ReportEvent",
    "ReportKind",
    "ReportStatus",
    "ReportVersion",
    "WeeklyComplianceTally",
]
