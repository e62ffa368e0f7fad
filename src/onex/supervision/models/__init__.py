"""Supervision models: monitoring points, spot checks and rectifications, proceedings."""

from onex.supervision.models.monitoring import MonitoringPoint, MonitoringPointEvent, PointStatus
from onex.supervision.models.proceedings import (
    OPEN_STATUSES,
    OrgReason,
    Proceeding,
    ProceedingEvent,
    ProceedingStatus,
    SchoolReason,
    TargetKind,
)
from onex.supervision.models.spotchecks import (
    FindingResult,
    Rectification,
    RectificationEvent,
    RectificationStatus,
    RoundEvent,
    RoundStatus,
    SpotCheckItem,
    SpotCheckItemEvent,
    SpotCheckRound,
)

__all__ = [
    "OPEN_STATUSES",
    "FindingResult",
    "MonitoringPoint",
    "MonitoringPointEvent",
    "OrgReason",
    "PointStatus",
    "Proceeding",
    "ProceedingEvent",
    "ProceedingStatus",
    "Rectification",
    "RectificationEvent",
    "RectificationStatus",
    "RoundEvent",
    "RoundStatus",
    "SchoolReason",
    "SpotCheckItem",
    "SpotCheckItemEvent",
    "SpotCheckRound",
    "TargetKind",
]
