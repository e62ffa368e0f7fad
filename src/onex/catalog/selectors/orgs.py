"""Reads of orgs (public) and the one answer to "which org does this actor act for"."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from onex.catalog.models import Org, OrgAgreement, OrgStatus
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch

# Lists answer R18's "can act" for every org: its open agreements come in one query for the
# whole page (``org_can_act`` reads them), not one query per org.
_OPEN_AGREEMENTS = "open_agreements"


def _with_open_agreements(qs: QuerySet[Org]) -> QuerySet[Org]:
    return qs.prefetch_related(
        Prefetch(
            "agreements",
            queryset=OrgAgreement.objects.filter(terminated_on__isnull=True),
            to_attr=_OPEN_AGREEMENTS,
        )
    )


def org_list(*, q: str = "") -> QuerySet[Org]:
    qs = _with_open_agreements(Org.objects.all())
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(credit_code__iexact=q.strip()))
    return qs.order_by("name")


def org_get(*, pk: int) -> Org:
    return fetch(_with_open_agreements(Org.objects.all()), pk=pk)


def org_of(actor: Actor) -> Org | None:
    """The org the actor acts for, if it acts for one."""
    if actor.kind != UnitKind.ORG or actor.unit is None:
        return None
    return Org.objects.filter(unit=actor.unit).first()


def acts_for(actor: Actor, org: Org) -> bool:
    """Whether the actor acts for this org (the platform itself acts for every org)."""
    return actor.is_system or (actor.kind == UnitKind.ORG and actor.unit_id == org.unit_id)


def org_can_act(org: Org) -> bool:
    """True when the org is active and has an agreement in force with every clause (R18)."""
    if org.status != OrgStatus.ACTIVE:
        return False
    agreements = getattr(org, _OPEN_AGREEMENTS, None)
    if agreements is None:
        agreements = org.agreements.filter(terminated_on__isnull=True)
    return any(agreement.is_complete for agreement in agreements)


def org_current_agreement(org: Org) -> OrgAgreement | None:
    return org.agreements.filter(terminated_on__isnull=True).order_by("-signed_on", "-pk").first()


def org_by_name(*, name: str) -> Org | None:
    return Org.objects.filter(name=name).select_related("unit").first()
