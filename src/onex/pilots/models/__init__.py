"""Pilot models, one module per concern: schools and specialties; applications and reviews."""

from onex.pilots.models.applications import *  # noqa: F403
from onex.pilots.models.schools import School, SchoolType, Specialty, SpecialtyEnrolment

__all__ = ["School", "SchoolType", "Specialty", "SpecialtyEnrolment"]
