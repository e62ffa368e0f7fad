"""Core models, one module per concern; import here so Django sees them."""

from onex.core.models.audit import GENESIS_HASH, AuditAnchor, AuditAppendOnlyError, AuditEvent
from onex.core.models.calendar import DayKind, HolidayNotice
from onex.core.models.imports import ImportJob, ImportStatus
from onex.core.models.policy import PolicyScope, PolicyValue
from onex.core.models.security import SecurityPolicy
from onex.core.models.timeline import StatusTimelineEvent, TimelineEvent
from onex.core.models.tokens import ApiToken
from onex.core.models.units import NATIONAL_KINDS, SEPARATED_ROLES, Role, Unit, UnitKind, User

__all__ = [
    "GENESIS_HASH",
    "NATIONAL_KINDS",
    "SEPARATED_ROLES",
    "ApiToken",
    "AuditAnchor",
    "AuditAppendOnlyError",
    "AuditEvent",
    "DayKind",
    "HolidayNotice",
    "ImportJob",
    "ImportStatus",
    "PolicyScope",
    "PolicyValue",
    "Role",
    "SecurityPolicy",
    "StatusTimelineEvent",
    "TimelineEvent",
    "Unit",
    "UnitKind",
    "User",
]
