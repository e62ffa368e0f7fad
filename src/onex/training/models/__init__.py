"""Training: activity filings (R02), teacher training (R04, R05), workload and pay (R06, R31),
alliances (R07) and learning resources (R08)."""

from onex.training.models.activities import (
    ActivityFiling,
    ActivityFilingEvent,
    ActivityKind,
    ActivityStatus,
)
from onex.training.models.programmes import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    FeeItem,
    ProgrammeEvent,
    ProgrammeStatus,
    Trainer,
    TrainingProgramme,
)
from onex.training.models.resources import (
    LicensedPublisher,
    Resource,
    ResourceEvent,
    ResourceKind,
    ResourceStatus,
)
from onex.training.models.staff import (
    Alliance,
    AllianceEvent,
    AllianceMember,
    AllianceStatus,
    PerformancePay,
    Teacher,
    TeacherShare,
    TrainingWorkload,
    WorkloadRatio,
)

__all__ = [
    "ActivityFiling",
    "ActivityFilingEvent",
    "ActivityKind",
    "ActivityStatus",
    "Alliance",
    "AllianceEvent",
    "AllianceMember",
    "AllianceStatus",
    "Enrolment",
    "EnrolmentEvent",
    "EnrolmentStatus",
    "FeeItem",
    "LicensedPublisher",
    "PerformancePay",
    "ProgrammeEvent",
    "ProgrammeStatus",
    "Resource",
    "ResourceEvent",
    "ResourceKind",
    "ResourceStatus",
    "Teacher",
    "TeacherShare",
    "Trainer",
    "TrainingProgramme",
    "TrainingWorkload",
    "WorkloadRatio",
]
