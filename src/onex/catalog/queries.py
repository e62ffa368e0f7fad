"""Reads of the catalogue and org filings, scoped to the actor.

Kept apart from ``selectors.py`` (simple listings, another engineer) until the lead merges them.
The catalogue, orgs and notices are public (the platform publishes them to everyone); filings
are visible to national actors, the province they are filed with, and the filing org.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from onex.catalog.models import (
    DEFAULT_UNAUTHORIZED_PHRASES,
    Batch,
    Certificate,
    CertificateLevel,
    FilingStatus,
    Org,
    OrgAgreement,
    OrgFiling,
    OrgNotice,
    Standard,
    UnauthorizedPhrase,
    level_sort_key,
)
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.scoping import fetch


@dataclass(frozen=True)
class CatalogSearch:
    """Public catalogue search; every part optional, all combined with AND."""

    q: str = ""  # certificate name or code
    org: str = ""  # org name (substring) or id
    batch: int | None = None  # batch number
    specialty: str = ""  # a corresponding specialty name (substring)


def certificate_list(*, search: CatalogSearch | None = None) -> QuerySet[Certificate]:
    search = search or CatalogSearch()
    qs = Certificate.objects.select_related("org", "batch").prefetch_related(
        Prefetch("levels", queryset=CertificateLevel.objects.order_by("pk"))
    )
    if search.q.strip():
        term = search.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term))
    if search.org.strip():
        term = search.org.strip()
        pk = id_param(term)
        qs = qs.filter(Q(org__pk=pk) if pk else Q(org__name__icontains=term))
    if search.batch is not None:
        qs = qs.filter(batch__number=search.batch)
    if search.specialty.strip():
        qs = qs.filter(specialties__icontains=search.specialty.strip())
    return qs.order_by("batch__number", "position", "code")


def batch_certificates(*, number: int) -> QuerySet[Certificate]:
    """A batch's certificates in their published order (R24)."""
    return certificate_list(search=CatalogSearch(batch=number))


def batch_list() -> QuerySet[Batch]:
    return Batch.objects.order_by("number")


def certificate_get(*, code: str) -> Certificate:
    return fetch(certificate_list(), code=code)


def certificate_levels(certificate: Certificate) -> list[CertificateLevel]:
    return sorted(certificate.levels.all(), key=lambda lv: level_sort_key(lv.level))


def certificate_current_standard(certificate: Certificate) -> Standard | None:
    return certificate.standards.order_by("-published_on", "-pk").first()


def certificate_standard_get(*, code: str, pk: int) -> Standard:
    """A standard of a certificate in the public catalogue (NotFound otherwise)."""
    return fetch(
        Standard.objects.filter(certificate__in=certificate_list()), certificate__code=code, pk=pk
    )


def org_list(*, q: str = "") -> QuerySet[Org]:
    qs = Org.objects.all()
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(credit_code__iexact=q.strip()))
    return qs.order_by("name")


def org_get(*, pk: int) -> Org:
    return fetch(Org.objects.all(), pk=pk)


def org_for_actor(actor: Actor) -> Org | None:
    """The org the actor acts for, if it acts for one."""
    if actor.kind != UnitKind.ORG or actor.unit is None:
        return None
    return Org.objects.filter(unit=actor.unit).first()


def org_current_agreement(org: Org) -> OrgAgreement | None:
    return org.agreements.filter(terminated_on__isnull=True).order_by("-signed_on", "-pk").first()


def org_notices(*, org: Org) -> QuerySet[OrgNotice]:
    return org.notices.order_by("-published_at", "-pk")


def notice_list(*, q: str = "") -> QuerySet[OrgNotice]:
    """Every org's notices, newest first: they are public, like the org pages that show them."""
    qs = OrgNotice.objects.select_related("org").order_by("-published_at", "-pk")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    return qs


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


@dataclass(frozen=True)
class PhraseRow:
    pk: int | None  # None: a shipped default not yet written to the table
    phrase: str
    is_active: bool


def unauthorized_phrase_rows() -> list[PhraseRow]:
    """The R19 list as admins edit it; the shipped defaults until the first edit seeds them."""
    rows = list(UnauthorizedPhrase.objects.order_by("phrase"))
    if not rows:
        return [PhraseRow(None, p, True) for p in DEFAULT_UNAUTHORIZED_PHRASES]
    return [PhraseRow(r.pk, r.phrase, r.is_active) for r in rows]


def unauthorized_phrase_get(*, pk: int) -> UnauthorizedPhrase:
    return fetch(UnauthorizedPhrase.objects.all(), pk=pk)


def active_unauthorized_phrases() -> list[str]:
    """R19 phrase list. An empty table means the shipped defaults (nothing seeded yet)."""
    if not UnauthorizedPhrase.objects.exists():
        return list(DEFAULT_UNAUTHORIZED_PHRASES)
    return list(UnauthorizedPhrase.objects.filter(is_active=True).values_list("phrase", flat=True))
