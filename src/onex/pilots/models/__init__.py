"""Pilot models, one module per concern: schools and specialties; applications and reviews."""

from onex.pilots.models.applications import *  # noqa: F403
from onex.pilots.models.schools import (
    ProvinceCoordination,
    ReminderKind,
    School,
    SchoolPilotStatus,
    SchoolReminder,
    SchoolType,
    SchoolWorkingBody,
    Specialty,
    SpecialtyEnrolment,
)

__all__ = [
    "ProvinceCoordination",
    "ReminderKind",
    "School",
    "SchoolPilotStatus",
    "SchoolReminder",
    "SchoolType",
    "SchoolWorkingBody",
    "Specialty",
    "SpecialtyEnrolment",
]
