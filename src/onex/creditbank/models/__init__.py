"""The credit bank (R16, R37, R44): personal learning accounts and their outcomes, the orgs'
credit recording plans, the schools' conversion rules and the learners' conversion requests."""

from onex.creditbank.models.accounts import (
    AccountOpenedVia,
    LearningAccount,
    LearningOutcome,
    OutcomeEvent,
    OutcomeKind,
    OutcomeStatus,
)
from onex.creditbank.models.conversion import (
    ConversionEvent,
    ConversionExemption,
    ConversionRequest,
    ConversionRule,
    CourseCategory,
    RequestStatus,
)
from onex.creditbank.models.plans import CreditPlan, CreditPlanEvent, PlanReminder, PlanStatus

__all__ = [
    "AccountOpenedVia",
    "ConversionEvent",
    "ConversionExemption",
    "ConversionRequest",
    "ConversionRule",
    "CourseCategory",
    "CreditPlan",
    "CreditPlanEvent",
    "LearningAccount",
    "LearningOutcome",
    "OutcomeEvent",
    "OutcomeKind",
    "OutcomeStatus",
    "PlanReminder",
    "PlanStatus",
    "RequestStatus",
]
