"""Who may write the catalogue: shared by the catalogue's services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from onex.catalog.models import Org
from onex.catalog.selectors.orgs import acts_for
from onex.core.actors import Actor
from onex.core.models import UnitKind


def require_ministry(actor: Actor) -> None:
    # The Ministry (or the platform itself) publishes the catalogue; the aggregator only reads.
    actor.require_kind(UnitKind.MINISTRY)


def require_org_member(actor: Actor, org: Org) -> None:
    actor.require(acts_for(actor, org), _("只有该培训评价组织的用户可以执行此操作。"))
    actor.require_write()
