"""Keep the issued-certificate tallies (``certificates.models.tallies``) current.

Every write that creates a certificate or changes its status calls ``tally_issue`` or
``tally_move`` inside its own transaction, so the tallies commit or roll back with it. Each is
one upsert per table (``INSERT … ON CONFLICT … DO UPDATE``, the same SQL on PostgreSQL and
SQLite): the cell's row is locked only until the writer commits, like the certificate's own.
``tally_rebuild`` recomputes every table from the certificates (the generator and
``manage.py certificates_tally_rebuild`` use it); the tests check both ways agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear

from onex.certificates.models import (
    ISSUED_TALLIES,
    CertificateStatus,
    IssuedCertificate,
    IssuedCertificateTally,
    IssuedCityTally,
    IssuedEntryTally,
    IssuedMonthTally,
    IssuedNationalTally,
)
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.pilots.models import School
from onex.pilots.services.schools import Obligation

# The status each count column follows; a valid certificate is only counted in ``issued``.
STATUS_COLUMNS: Mapping[str, str] = {
    CertificateStatus.SUSPENDED: "suspended",
    CertificateStatus.REVOKED: "revoked",
}
COUNTS = ("issued", "suspended", "revoked")
# The R15 entry tally's columns (``IssuedEntryTally``): set once at issue, never moved.
ENTRY_COUNTS = ("total", "late", "unverified")


def _upsert(
    model: type[Any],
    key: Mapping[str, Any],
    deltas: Mapping[str, int],
    source: str = "",
    *,
    columns_of: tuple[str, ...] = COUNTS,
) -> None:
    """Add ``deltas`` to the cell ``key``'s count columns ``columns_of``; with ``source``
    (``SELECT`` tail such as ``FROM … WHERE …``), the key's values are SQL expressions over it
    and the cell may not exist (no row)."""
    table = connection.ops.quote_name(model._meta.db_table)
    q = connection.ops.quote_name
    columns = [*key, *columns_of]
    add = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in columns_of)
    counts = [deltas.get(c, 0) for c in columns_of]
    if source:
        rows = f"SELECT {', '.join([*key.values(), *(['%s'] * len(columns_of))])} {source}"
        values: list[Any] = counts
    else:
        rows = f"VALUES ({', '.join(['%s'] * len(columns))})"
        values = [*key.values(), *counts]
    sql = (
        f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) {rows} "
        f"ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET {add}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _upsert_city(year: int, school_id: int | None, deltas: Mapping[str, int]) -> None:
    # The school's province and city, read by the statement itself (no query of its own).
    if school_id is None:
        return
    school = connection.ops.quote_name(School._meta.db_table)
    _upsert(
        IssuedCityTally,
        {"year": str(int(year)), "province_id": "s.province_id", "city_id": "s.city_id"},
        deltas,
        f"FROM {school} s WHERE s.id = {int(school_id)}",
    )


def _apply(certificate: IssuedCertificate, deltas: Mapping[str, int]) -> None:
    if not any(deltas.values()):
        return
    issued_on = certificate.issued_on
    year, province_id = issued_on.year, certificate.province_id
    _upsert(
        IssuedMonthTally,
        {
            "year": year,
            "month": issued_on.month,
            "province_id": province_id,
            "level": certificate.level,
        },
        deltas,
    )
    _upsert(
        IssuedCertificateTally,
        {"year": year, "province_id": province_id, "certificate_id": certificate.certificate_id},
        deltas,
    )
    _upsert(
        IssuedNationalTally, {"year": year, "certificate_id": certificate.certificate_id}, deltas
    )
    _upsert_city(year, certificate.school_id, deltas)


def tally_school_moved(change: tuple[Obligation, Obligation]) -> None:
    """Move a school's certificates to its new city (a listener of pilots'
    ``SCHOOL_OBLIGATION_CHANGED``, inside the school's edit): one grouped count of that
    school's certificates, never the province's."""
    before, after = change
    if before.city_id == after.city_id:
        return
    counted = (
        IssuedCertificate.objects.filter(school__unit_id=after.unit_id)
        .order_by()
        .annotate(year=ExtractYear("issued_on"))
        .values("year")
        .annotate(
            issued=Count("pk"),
            suspended=Count("pk", filter=Q(status=CertificateStatus.SUSPENDED)),
            revoked=Count("pk", filter=Q(status=CertificateStatus.REVOKED)),
        )
    )
    for row in counted:
        for sign, obligation in ((-1, before), (1, after)):
            _upsert(
                IssuedCityTally,
                {
                    "year": row["year"],
                    "province_id": obligation.province_id,
                    "city_id": obligation.city_id,
                },
                {
                    "issued": sign * row["issued"],
                    "suspended": sign * row["suspended"],
                    "revoked": sign * row["revoked"],
                },
            )


def tally_issue(certificate: IssuedCertificate) -> None:
    """Count a certificate just created (inside the creating transaction)."""
    deltas = {"issued": 1}
    column = STATUS_COLUMNS.get(certificate.status)
    if column:
        deltas[column] = 1
    _apply(certificate, deltas)
    # R15: late_entry and calendar_unverified are decided at issue and never change, and the
    # figures count every certificate whatever its status, so only an issue moves this tally.
    _upsert(
        IssuedEntryTally,
        {"province_id": certificate.province_id, "org_id": certificate.org_id},
        {
            "total": 1,
            "late": int(certificate.late_entry),
            "unverified": int(certificate.calendar_unverified),
        },
        columns_of=ENTRY_COUNTS,
    )


def tally_move(certificate: IssuedCertificate, *, old: str, new: str) -> None:
    """Move a certificate between status counts (inside the status move's transaction)."""
    if old == new:
        return
    deltas: dict[str, int] = {}
    if old in STATUS_COLUMNS:
        deltas[STATUS_COLUMNS[old]] = -1
    if new in STATUS_COLUMNS:
        deltas[STATUS_COLUMNS[new]] = deltas.get(STATUS_COLUMNS[new], 0) + 1
    _apply(certificate, deltas)


def _counted(*keys: str) -> Any:
    return (
        IssuedCertificate.objects.order_by()
        .annotate(year=ExtractYear("issued_on"), month=ExtractMonth("issued_on"))
        .values(*keys)
        .annotate(
            issued=Count("pk"),
            suspended=Count("pk", filter=Q(status=CertificateStatus.SUSPENDED)),
            revoked=Count("pk", filter=Q(status=CertificateStatus.REVOKED)),
        )
    )


def _entry_counted() -> Any:
    return (
        IssuedCertificate.objects.order_by()
        .values("province_id", "org_id")
        .annotate(
            total=Count("pk"),
            late=Count("pk", filter=Q(late_entry=True)),
            unverified=Count("pk", filter=Q(calendar_unverified=True)),
        )
    )


def tally_rebuild(*, actor: Actor) -> dict[str, int]:
    """Recompute every tally from the certificates; returns the rows written per table."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers' upserts take ROW EXCLUSIVE, which this waits for and then blocks: a
            # certificate committed before the lock is counted by the query below, one issued
            # after it adds itself to the rebuilt rows. (SQLite has one writer at a time.)
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in ISSUED_TALLIES)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        for model in ISSUED_TALLIES:
            model._default_manager.all().delete()
        months = IssuedMonthTally.objects.bulk_create(
            (
                IssuedMonthTally(**row)
                for row in _counted("year", "month", "province_id", "level").iterator()
            ),
            batch_size=2000,
        )
        certificates = IssuedCertificateTally.objects.bulk_create(
            (
                IssuedCertificateTally(**row)
                for row in _counted("year", "province_id", "certificate_id").iterator()
            ),
            batch_size=2000,
        )
        national = IssuedNationalTally.objects.bulk_create(
            (IssuedNationalTally(**row) for row in _counted("year", "certificate_id").iterator()),
            batch_size=2000,
        )
        cities = IssuedCityTally.objects.bulk_create(
            (
                IssuedCityTally(
                    year=row["year"],
                    province_id=row["school__province_id"],
                    city_id=row["school__city_id"],
                    issued=row["issued"],
                    suspended=row["suspended"],
                    revoked=row["revoked"],
                )
                for row in _counted("year", "school__province_id", "school__city_id")
                .filter(school__isnull=False)
                .iterator()
            ),
            batch_size=2000,
        )
        entries = IssuedEntryTally.objects.bulk_create(
            (IssuedEntryTally(**row) for row in _entry_counted().iterator()),
            batch_size=2000,
        )
        written = {
            "month": len(months),
            "certificate": len(certificates),
            "national": len(national),
            "city": len(cities),
            "entry": len(entries),
        }
        audit_record(
            actor=actor,
            action="certificates.tally_rebuild",
            target_type="certificates.tally",
            new=written,
        )
    return written
