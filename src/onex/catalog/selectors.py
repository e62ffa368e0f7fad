"""Simple catalogue look-ups by natural key (the catalogue is public, so no actor scoping).

Richer catalogue reads (search, filings scoped to the actor) live in ``catalog.queries``.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from onex.catalog.models import Batch, Certificate, Org


def batch_by_number(*, number: int) -> Batch | None:
    return Batch.objects.filter(number=number).first()


def org_by_name(*, name: str) -> Org | None:
    return Org.objects.filter(name=name).select_related("unit").first()


def certificate_by_name(*, name: str, batch: Batch | None = None) -> Certificate | None:
    qs = Certificate.objects.filter(name=name)
    if batch is not None:
        qs = qs.filter(batch=batch)
    return qs.select_related("org", "batch").first()


def batch_summary() -> QuerySet[Batch]:
    """Batches with their certificate counts, for dashboards and the demo summary."""
    return Batch.objects.annotate(certificate_count=Count("certificates")).order_by("number")
