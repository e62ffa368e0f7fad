"""Reads of the public catalogue: batches, certificates, levels and standards (no actor scoping:
the platform publishes the catalogue to everyone)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from onex.catalog.models import Batch, Certificate, CertificateLevel, Standard, level_sort_key
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


def batch_by_number(*, number: int) -> Batch | None:
    return Batch.objects.filter(number=number).first()


def certificate_by_name(*, name: str, batch: Batch | None = None) -> Certificate | None:
    qs = Certificate.objects.filter(name=name)
    if batch is not None:
        qs = qs.filter(batch=batch)
    return qs.select_related("org", "batch").first()


def batch_summary() -> QuerySet[Batch]:
    """Batches with their certificate counts, for dashboards and the demo summary."""
    return Batch.objects.annotate(certificate_count=Count("certificates")).order_by("number")
