"""The training API: parse → selector or service → schema. Errors come from onex.api handlers."""

from ninja import Router

from onex.training.api import activities, programmes, resources, staff

router = Router(tags=["training"])
router.add_router("", activities.router)
router.add_router("", programmes.router)
router.add_router("", staff.router)
router.add_router("", resources.router)
