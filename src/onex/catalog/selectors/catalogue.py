"""Reads of the public catalogue: batches, certificates, levels and standards (no actor scoping:
the platform publishes the catalogue to everyone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse

from onex.catalog.models import (
    Batch,
    Certificate,
    CertificateLevel,
    Level,
    Standard,
    level_sort_key,
    specialty_lines,
)
from onex.core.paging import PagedRows
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


class LevelRow(TypedDict):
    level: str
    label: str
    description: str
    cost_ceiling: Decimal | None


class CertificateRow(TypedDict):
    code: str
    name: str
    org_id: int
    org_name: str
    batch: int
    position: int | None
    field: str
    specialties: list[str]
    levels: list[LevelRow]


def certificate_rows(certificates: QuerySet[Certificate]) -> list[CertificateRow]:
    """The certificates as plain rows with their levels in order: two queries whatever their
    number (the public catalogue API reads a page of them at national scale)."""
    found = list(
        certificates.prefetch_related(None)
        .values("pk", "code", "name", "org_id", "position", "field", "specialties")
        .annotate(org_name=F("org__name"), batch_number=F("batch__number"))
    )
    levels: dict[int, list[LevelRow]] = {row["pk"]: [] for row in found}
    labels = {value: str(label) for value, label in Level.choices}
    for certificate_id, level, description, ceiling in (
        CertificateLevel.objects.filter(certificate_id__in=levels)
        .order_by("pk")
        .values_list("certificate_id", "level", "description", "cost_ceiling")
    ):
        levels[certificate_id].append(
            {
                "level": level,
                "label": labels.get(level, level),
                "description": description,
                "cost_ceiling": ceiling,
            }
        )
    return [
        {
            "code": row["code"],
            "name": row["name"],
            "org_id": row["org_id"],
            "org_name": row["org_name"],
            "batch": row["batch_number"],
            "position": row["position"],
            "field": row["field"],
            "specialties": specialty_lines(row["specialties"]),
            "levels": sorted(levels[row["pk"]], key=lambda lv: level_sort_key(lv["level"])),
        }
        for row in found
    ]


class StandardRow(TypedDict):
    version: str
    published_on: dt.date
    pdf_url: str | None
    content: dict[str, Any]


class CertificateDetailRow(CertificateRow):
    description: str
    batch_published_on: dt.date
    textbook_updated_on: dt.date | None
    case_library_updated_on: dt.date | None
    question_bank_updated_on: dt.date | None
    standard: StandardRow | None


def certificate_detail(*, code: str) -> CertificateDetailRow:
    """One certificate of the catalogue as its list row with the details and its current
    standard (NotFound outside the catalogue)."""
    certificate = fetch(certificate_list().prefetch_related(None), code=code)
    (row,) = certificate_rows(Certificate.objects.filter(pk=certificate.pk))
    standard = certificate_current_standard(certificate)
    return {
        **row,
        "description": certificate.description,
        "batch_published_on": certificate.batch.published_on,
        "textbook_updated_on": certificate.textbook_updated_on,
        "case_library_updated_on": certificate.case_library_updated_on,
        "question_bank_updated_on": certificate.question_bank_updated_on,
        "standard": None
        if standard is None
        else {
            "version": standard.version,
            "published_on": standard.published_on,
            "pdf_url": (
                reverse("catalog:standard_pdf", args=[certificate.code, standard.pk])
                if standard.pdf
                else None
            ),
            "content": standard.content,
        },
    }


def certificate_page(*, search: CatalogSearch | None = None) -> PagedRows[CertificateRow]:
    """The catalogue search as a list paged into plain rows (``certificate_rows``)."""
    return PagedRows(certificate_list(search=search), certificate_rows)


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
