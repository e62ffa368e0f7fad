"""Reads of org filings (R38), scoped to the actor: national actors, the province of the filing
(never an unsubmitted draft) and the filing org."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onex.catalog.models import FilingStatus, OrgFiling
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch


def filing_scope(actor: Actor) -> Q:
    return actor.region_q(province="province", city=None, unit="org__unit")


def filing_list(*, actor: Actor, status: str = "") -> QuerySet[OrgFiling]:
    qs = OrgFiling.objects.filter(filing_scope(actor)).select_related(
        "org", "province", "certificate"
    )
    if actor.kind == UnitKind.PROVINCE:
        # A province never sees an org's unsubmitted drafts.
        qs = qs.exclude(status=FilingStatus.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def filing_get(*, actor: Actor, pk: int) -> OrgFiling:
    return fetch(filing_list(actor=actor), pk=pk)


def filings_to_review(*, actor: Actor) -> QuerySet[OrgFiling]:
    """The province's to-do list: submitted filings awaiting its decision."""
    return filing_list(actor=actor, status=FilingStatus.SUBMITTED).order_by("submitted_at", "pk")
