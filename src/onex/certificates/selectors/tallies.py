"""Reads of the issued-certificate tallies (``certificates.models.tallies``) for the overview
and the R15 entry figures.

One grouped query over the tallies, whose size follows the catalogue (years × provinces ×
certificates, or provinces × orgs), never the number of certificates; the nation's counts by
certificate read the year × certificate tally, one row per certificate.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet, Sum

from onex.certificates.models import (
    IssuedCertificateTally,
    IssuedCityTally,
    IssuedEntryTally,
    IssuedMonthTally,
    IssuedNationalTally,
)

# Each dimension: the tally that answers it and the (key, name) it groups by.
_KEYS: dict[str, tuple[type[Any], str, str]] = {
    "province": (IssuedMonthTally, "province__code", "province__name"),
    "level": (IssuedMonthTally, "level", "level"),
    "month": (IssuedMonthTally, "month", "month"),
    "certificate": (IssuedCertificateTally, "certificate__code", "certificate__name"),
}
DIMENSIONS = tuple(_KEYS)


def issued_counts(
    *, dimension: str, year: int, province_id: int | None = None
) -> list[tuple[Any, Any, int]]:
    """(key, name, certificates not revoked) per ``dimension`` value for certificates issued in
    ``year``, within one province when ``province_id`` is given. The nation's counts by
    certificate come from the national tally (year × certificate)."""
    model, key, name = _KEYS[dimension]
    if province_id is None and dimension == "certificate":
        # The nation's: one row per certificate a year, not one per province and certificate.
        model = IssuedNationalTally
    rows: QuerySet[Any] = model.objects.filter(year=year).order_by()
    if province_id is not None:
        rows = rows.filter(province_id=province_id)
    grouped = rows.values(key, name).annotate(n=Sum(F("issued") - F("revoked"))).order_by(key)
    return [(row[key], row[name], int(row["n"] or 0)) for row in grouped if row["n"]]


def issued_city_counts(*, year: int, province_id: int) -> dict[int, int]:
    """Certificates not revoked issued in ``year`` to students of ``province_id``'s schools, per
    school city id (the city drill-down), from the city tally."""
    rows = (
        IssuedCityTally.objects.filter(year=year, province_id=province_id)
        .order_by()
        .values_list("city_id")
        .annotate(n=Sum(F("issued") - F("revoked")))
    )
    return {city_id: int(n or 0) for city_id, n in rows}


def entry_counts(
    *,
    province_id: int | None = None,
    org_unit_id: int | None = None,
    org_id: int | None = None,
) -> tuple[int, int, int]:
    """(total, late, unverified) R15 entry figures of every certificate issued, within one
    province (the certificate's), one org's unit and/or one org when given, from the entry
    tally: one aggregate over at most provinces × orgs rows."""
    rows: QuerySet[IssuedEntryTally] = IssuedEntryTally.objects.order_by()
    if province_id is not None:
        rows = rows.filter(province_id=province_id)
    if org_unit_id is not None:
        rows = rows.filter(org__unit_id=org_unit_id)
    if org_id is not None:
        rows = rows.filter(org_id=org_id)
    row = rows.aggregate(total=Sum("total"), late=Sum("late"), unverified=Sum("unverified"))
    return int(row["total"] or 0), int(row["late"] or 0), int(row["unverified"] or 0)
