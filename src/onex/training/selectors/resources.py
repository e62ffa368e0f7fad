"""Reads of learning resources (R08) and the "not updated in time" flag R22 reads.

Listed resources are open to every signed-in user (R08: shared online); an org also sees its
withdrawn ones. ``stale_items(org=…)`` is the flag the supervision work reads for R22's
"failing to update standards, textbooks or question banks in time".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from onex.catalog.models import Certificate, Org
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.scoping import fetch
from onex.pilots.selectors.coordination import add_months
from onex.training.models import LicensedPublisher, Resource, ResourceKind, ResourceStatus

UPDATE_MONTHS_KEY = "r08.resource_update_months"


def resource_scope(actor: Actor) -> Q:
    if actor.is_national:
        return Q()
    if not actor.is_authenticated or actor.is_separated:
        # The separated administrators (系统/安全/审计管理员) see no business data.
        return Q(pk__in=[])
    listed = Q(status=ResourceStatus.LISTED)
    if actor.kind == UnitKind.ORG:
        return listed | Q(org__unit_id=actor.unit_id)
    return listed


def resource_jurisdiction(actor: Actor) -> QuerySet[Resource]:
    return Resource.objects.filter(resource_scope(actor))


def update_months() -> int:
    return int(policy_value(UPDATE_MONTHS_KEY))


def stale_before(today: dt.date | None = None) -> dt.date:
    """Resources last updated before this day are overdue for an update."""
    return add_months(today or timezone.localdate(), -update_months())


def resource_list(
    *,
    actor: Actor,
    kind: str = "",
    status: str = "",
    q: str = "",
    org: Org | None = None,
    stale: bool | None = None,
    priced: bool = False,
) -> QuerySet[Resource]:
    qs = resource_jurisdiction(actor).select_related("org", "certificate", "publisher")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if org is not None:
        qs = qs.filter(org=org)
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(certificate__name__icontains=q) | Q(isbn__icontains=q)
        )
    if priced:  # R08: what is charged for, with its declared cost, for officials to check
        qs = qs.filter(free=False)
    if stale is not None:
        overdue = Q(kind=ResourceKind.QUESTION_BANK, updated_on__lt=stale_before())
        qs = qs.filter(overdue) if stale else qs.exclude(overdue)
    return qs.order_by("certificate__code", "kind", "title", "pk")


def resource_get(*, actor: Actor, pk: int) -> Resource:
    return fetch(resource_list(actor=actor), pk=pk)


def is_stale(resource: Resource, today: dt.date | None = None) -> bool:
    return resource.kind == ResourceKind.QUESTION_BANK and resource.updated_on < stale_before(today)


def publisher_list(*, active_only: bool = False, q: str = "") -> QuerySet[LicensedPublisher]:
    qs = LicensedPublisher.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(licence_number__icontains=q))
    return qs.order_by("name")


def publisher_get(*, pk: int) -> LicensedPublisher:
    return fetch(LicensedPublisher.objects.all(), pk=pk)


@dataclass(frozen=True)
class StaleItem:
    """A question bank or a standard of an org not updated within the profile's months."""

    org_id: int
    certificate_code: str
    certificate_name: str
    what: str  # "question_bank" or "standard"
    title: str
    updated_on: dt.date | None


def stale_items(*, org: Org, today: dt.date | None = None) -> list[StaleItem]:
    """Everything of ``org`` that is overdue for an update (R08), for R22's "not updated in
    time": listed question banks older than the profile's months, and certificates whose newest
    standard is older than that (or that have none). No actor: supervision decides who sees it.
    """
    before = stale_before(today)
    items = [
        StaleItem(
            org.pk,
            r.certificate.code,
            r.certificate.name,
            ResourceKind.QUESTION_BANK.value,
            r.title,
            r.updated_on,
        )
        for r in Resource.objects.filter(
            org=org,
            kind=ResourceKind.QUESTION_BANK,
            status=ResourceStatus.LISTED,
            updated_on__lt=before,
        ).select_related("certificate")
    ]
    certificates = Certificate.objects.filter(org=org).annotate(
        latest=Max("standards__published_on")
    )
    for c in certificates.order_by("code"):
        if c.latest is not None and c.latest < before:
            items.append(StaleItem(org.pk, c.code, c.name, "standard", c.name, c.latest))
    return items


def orgs_not_updated(today: dt.date | None = None) -> list[int]:
    """Ids of orgs with at least one overdue question bank or standard (R22's reason)."""
    before = stale_before(today)
    banks = set(
        Resource.objects.filter(
            kind=ResourceKind.QUESTION_BANK, status=ResourceStatus.LISTED, updated_on__lt=before
        ).values_list("org_id", flat=True)
    )
    standards = set(
        Certificate.objects.annotate(latest=Max("standards__published_on"))
        .filter(latest__lt=before)
        .values_list("org_id", flat=True)
    )
    return sorted(banks | standards)
