from ninja import Router

from onex.assessment.api.exams import router as exam_router
from onex.assessment.api.sites import router as site_router

router = Router(tags=["assessment"])
router.add_router("", site_router)
router.add_router("/exams", exam_router)
