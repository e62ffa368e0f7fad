"""The pilots API: ``router`` (schools, specialties, coordination and working bodies under
``/pilots``) and ``applications_router`` (applications, summary table and distribution under
``/pilots/applications``), mounted by ``onex.api``."""

from onex.pilots.api.applications import router as applications_router
from onex.pilots.api.schools import router

__all__ = ["applications_router", "router"]
