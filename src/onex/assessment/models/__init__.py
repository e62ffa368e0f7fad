"""Assessment models, one module per concern (sites and fees; students, exam plans and results)."""

from onex.assessment.models.exams import *  # noqa: F403
from onex.assessment.models.sites import *  # noqa: F403
