"""The catalogue API: parse → selector or service → schema. Errors come from onex.api handlers.

The catalogue, orgs and notices are public (``auth=None``); filings need a login and are scoped
(404 outside the actor's jurisdiction).
"""

from ninja import Router

from onex.catalog.api import catalogue, filings, notices

router = Router(tags=["catalog"])
router.add_router("", catalogue.router)
router.add_router("", notices.router)
router.add_router("", filings.router)
