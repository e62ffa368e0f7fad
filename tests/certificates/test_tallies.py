"""The overview's certificate tallies: kept current by every issue and status move, and equal
to a rebuild from the certificates; the national year × certificate tally adds up the
provinces' and is what the Ministry's overview by certificate reads."""

from __future__ import annotations

import datetime as dt
import importlib
from io import StringIO
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onex.catalog.models import Certificate, Level
from onex.catalog.services.certificates import certificate_create, certificate_level_set
from onex.certificates.models import (
    CertificateStatus,
    IssuedCertificate,
    IssuedCertificateTally,
    IssuedCityTally,
    IssuedEntryTally,
    IssuedMonthTally,
    IssuedNationalTally,
)
from onex.certificates.selectors.tallies import issued_city_counts, issued_counts
from onex.certificates.services.issue import certificate_enter
from onex.certificates.services.status import (
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)
from onex.certificates.services.tallies import tally_rebuild
from onex.core.actors import Actor
from onex.core.models import AuditEvent
from onex.geo.models import Division, DivisionLevel
from onex.pilots.services.schools import school_update
from onex.reporting.selectors.overview import overview
from tests.factories import accept_filing
from tests.factories_certificates import ID_B, World, resident_id
from tests.personas import division

NATIONAL_TABLE = connection.ops.quote_name(IssuedNationalTally._meta.db_table)
PROVINCIAL_TABLE = connection.ops.quote_name(IssuedCertificateTally._meta.db_table)


def _tallies() -> dict[str, list[tuple[Any, ...]]]:
    counts = ("issued", "suspended", "revoked")
    return {
        "month": sorted(
            IssuedMonthTally.objects.filter(issued__gt=0).values_list(
                "year", "month", "province_id", "level", *counts
            )
        ),
        "certificate": sorted(
            IssuedCertificateTally.objects.filter(issued__gt=0).values_list(
                "year", "province_id", "certificate_id", *counts
            )
        ),
        "national": sorted(
            IssuedNationalTally.objects.filter(issued__gt=0).values_list(
                "year", "certificate_id", *counts
            )
        ),
        "city": sorted(
            IssuedCityTally.objects.filter(issued__gt=0).values_list(
                "year", "province_id", "city_id", *counts
            )
        ),
        "entry": sorted(
            IssuedEntryTally.objects.filter(total__gt=0).values_list(
                "province_id", "org_id", "total", "late", "unverified"
            )
        ),
    }


def _issue_some(world: World) -> list[Any]:
    return [
        world.enter(school=world.p.gd_school_obj),
        world.enter(name="李四", id_number=ID_B, issued_on=dt.date(2020, 6, 2)),
        world.enter(
            name="赵五",
            id_number=resident_id("44010619970101003"),
            issued_on=dt.date(2020, 7, 1),
            entered_on=dt.date(2020, 7, 2),
            level=Level.JUNIOR,
            school=world.p.gd_school_obj,
        ),
        world.enter(
            name="钱六",
            id_number=resident_id("42010219960101004"),
            issued_on=dt.date(2021, 3, 1),
            entered_on=dt.date(2021, 3, 2),
        ),
    ]


def _national_direct() -> list[tuple[Any, ...]]:
    """The national cells counted straight from the certificates."""
    rows = (
        IssuedCertificate.objects.order_by()
        .annotate(year=ExtractYear("issued_on"))
        .values_list("year", "certificate_id")
        .annotate(
            issued=Count("pk"),
            suspended=Count("pk", filter=Q(status=CertificateStatus.SUSPENDED)),
            revoked=Count("pk", filter=Q(status=CertificateStatus.REVOKED)),
        )
    )
    return sorted(rows)


def _provinces_added_up() -> list[tuple[Any, ...]]:
    """The national cells as the sum of the provinces' rows of the certificate tally."""
    rows = (
        IssuedCertificateTally.objects.filter(issued__gt=0)
        .order_by()
        .values_list("year", "certificate_id")
        .annotate(Sum("issued"), Sum("suspended"), Sum("revoked"))
    )
    return sorted(rows)


def _second_certificate(world: World) -> Certificate:
    """C2-02 of the same org, filed in Guangdong and Hubei (C2-01 is filed in Hubei too)."""
    ministry = world.p.ministry.actor
    second = certificate_create(
        actor=ministry,
        code="C2-02",
        name="网店运营推广",
        org=world.p.org_obj,
        batch=world.batch,
        position=2,
    )
    certificate_level_set(
        actor=ministry, certificate=second, level=Level.INTERMEDIATE, cost_ceiling="300"
    )
    for province in ("440000", "420000"):
        accept_filing(world.p, second, province)
    accept_filing(world.p, world.certificate, "420000")
    return second


def _enter(world: World, n: int, certificate: Certificate, province: str) -> IssuedCertificate:
    return certificate_enter(
        actor=world.p.org.actor,
        certificate=certificate,
        level=Level.INTERMEDIATE,
        province=division(province),
        holder_name=f"持证人{n}",
        id_type="resident",
        id_number=resident_id(f"440106199001{n:02d}{n:03d}"),
        issued_on=dt.date(2020, 5, n),
        entered_on=dt.date(2020, 5, n + 1),
    )


def _issue_across(world: World) -> list[IssuedCertificate]:
    """``_issue_some`` (C2-01 in Guangdong) and more of C2-01 and C2-02 in Hubei and
    Guangdong: certificates of one year × certificate in two provinces."""
    second = _second_certificate(world)
    return [
        *_issue_some(world),
        _enter(world, 1, world.certificate, "420000"),
        _enter(world, 2, world.certificate, "420000"),
        _enter(world, 3, second, "440000"),
        _enter(world, 4, second, "420000"),
        _enter(world, 5, second, "420000"),
    ]


def test_issue_and_every_status_move_keep_the_tallies_equal_to_a_rebuild(world: World) -> None:
    a, b, c, d = _issue_some(world)
    org = world.p.org.actor
    certificate_suspend(actor=org, certificate=a, reason="核查")
    certificate_suspend(actor=org, certificate=b, reason="核查")
    certificate_reinstate(actor=org, certificate=b, reason="核查无误")
    certificate_revoke(actor=org, certificate=c, reason="证书造假")
    certificate_suspend(actor=org, certificate=d, reason="核查")
    certificate_revoke(actor=org, certificate=d, reason="证书造假")
    incremental = _tallies()
    june = [row for row in incremental["month"] if row[:2] == (2020, 6)]
    assert june == [(2020, 6, a.province_id, Level.INTERMEDIATE, 2, 1, 0)]
    assert sum(row[-1] for row in incremental["certificate"]) == 2  # c and d revoked
    # One certificate in one province: the national cells are the province's.
    assert incremental["national"] == [
        (2020, a.certificate_id, 3, 1, 1),
        (2021, d.certificate_id, 1, 0, 1),
    ]
    assert incremental["national"] == _national_direct() == _provinces_added_up()

    written = tally_rebuild(actor=Actor.system())
    assert _tallies() == incremental
    # a and c were entered for students of the Guangzhou school: its city counts them
    assert incremental["city"] == [(2020, a.province_id, world.p.gd_school_obj.city_id, 2, 1, 1)]
    assert written == {
        "month": len(incremental["month"]),
        "certificate": 2,
        "national": 2,
        "city": 1,
        "entry": 1,  # one org in one province
    }
    assert AuditEvent.objects.filter(action="certificates.tally_rebuild").exists()


def test_a_rolled_back_issue_leaves_the_tallies_as_they_were(world: World) -> None:
    world.enter()
    before = _tallies()
    with pytest.raises(RuntimeError), transaction.atomic():
        world.enter(name="李四", id_number=ID_B)
        raise RuntimeError
    assert _tallies() == before


def test_the_rebuild_command_restores_lost_tallies(world: World) -> None:
    _issue_some(world)
    expected = _tallies()
    IssuedMonthTally.objects.all().delete()
    IssuedCertificateTally.objects.update(issued=0)
    IssuedEntryTally.objects.all().delete()
    IssuedNationalTally.objects.all().delete()
    out = StringIO()
    call_command("certificates_tally_rebuild", stdout=out)
    assert "rebuilt" in out.getvalue() and "1 entry row(s)" in out.getvalue()
    assert "2 national row(s)" in out.getvalue()
    assert _tallies() == expected


def test_a_school_moving_city_takes_its_certificates_along(world: World) -> None:
    _issue_some(world)
    school = world.p.gd_school_obj
    other = (
        Division.objects.filter(parent_id=school.province_id, level=DivisionLevel.CITY)
        .exclude(pk=school.city_id)
        .order_by("code")
        .first()
    )
    assert other is not None
    school_update(actor=Actor.system(), school=school, city=other)
    moved = _tallies()
    assert [row[2] for row in moved["city"]] == [other.pk]
    tally_rebuild(actor=Actor.system())
    assert _tallies() == moved
    counts = issued_city_counts(year=2020, province_id=school.province_id)
    assert counts == {other.pk: 2}


def test_overview_counts_leave_revoked_certificates_out(world: World) -> None:
    a, _b, c, d = _issue_some(world)
    certificate_revoke(actor=world.p.org.actor, certificate=c, reason="证书造假")
    by_level = dict((key, n) for key, _name, n in issued_counts(dimension="level", year=2020))
    assert by_level == {Level.INTERMEDIATE: 2}
    guangdong = issued_counts(dimension="certificate", year=2020, province_id=a.province_id)
    assert [n for _key, _name, n in guangdong] == [2]
    assert issued_counts(dimension="month", year=2021, province_id=d.province_id) == [(3, 3, 1)]
    assert issued_counts(dimension="month", year=2021, province_id=d.province_id + 1) == []
    assert issued_counts(dimension="province", year=2022) == []


def test_the_national_tally_adds_up_the_provinces_through_issues_and_status_moves(
    world: World,
) -> None:
    issued = _issue_across(world)
    a, _b, _c, _d, e, f, g, h, i = issued
    org = world.p.org.actor
    assert _national_direct() == _tallies()["national"] == _provinces_added_up()
    assert len(_tallies()["certificate"]) == 5  # 2020 C2-01 × 2 provinces, C2-02 × 2, 2021 C2-01
    certificate_suspend(actor=org, certificate=a, reason="核查")
    certificate_suspend(actor=org, certificate=e, reason="核查")
    certificate_suspend(actor=org, certificate=h, reason="核查")
    certificate_reinstate(actor=org, certificate=h, reason="核查无误")
    certificate_revoke(actor=org, certificate=f, reason="证书造假")
    certificate_suspend(actor=org, certificate=i, reason="核查")
    certificate_revoke(actor=org, certificate=i, reason="证书造假")
    certificate_revoke(actor=org, certificate=g, reason="证书造假")
    incremental = _tallies()
    c201, c202 = world.certificate.pk, g.certificate_id
    assert [row for row in incremental["national"] if row[0] == 2020] == sorted(
        [
            # a, b, c in Guangdong, e, f in Hubei: a and e suspended, f revoked
            (2020, c201, 5, 2, 1),
            # g in Guangdong, h, i in Hubei: g and i revoked, h reinstated
            (2020, c202, 3, 0, 2),
        ]
    )
    assert incremental["national"] == _national_direct() == _provinces_added_up()
    written = tally_rebuild(actor=Actor.system())
    assert written["national"] == 3
    assert _tallies() == incremental


def test_a_status_move_moves_the_national_counts(world: World) -> None:
    a, *_rest = _issue_some(world)
    org = world.p.org.actor

    def cell() -> tuple[int, int, int]:
        row = IssuedNationalTally.objects.get(year=2020, certificate_id=a.certificate_id)
        return row.issued, row.suspended, row.revoked

    def ministry_count() -> int:
        rows = overview(actor=world.p.ministry.actor, dimension="certificate", year=2020)
        return sum(r.certificates for r in rows)

    assert (cell(), ministry_count()) == ((3, 0, 0), 3)
    certificate_suspend(actor=org, certificate=a, reason="核查")
    assert (cell(), ministry_count()) == ((3, 1, 0), 3)  # a suspended certificate still counts
    certificate_reinstate(actor=org, certificate=a, reason="核查无误")
    assert (cell(), ministry_count()) == ((3, 0, 0), 3)
    certificate_suspend(actor=org, certificate=a, reason="核查")
    certificate_revoke(actor=org, certificate=a, reason="证书造假")
    assert (cell(), ministry_count()) == ((3, 0, 1), 2)


def test_the_ministrys_overview_by_certificate_reads_the_national_tally(world: World) -> None:
    issued = _issue_across(world)
    certificate_revoke(actor=world.p.org.actor, certificate=issued[5], reason="证书造假")
    # What the Ministry's rows were before: the provinces' rows of the certificate tally summed.
    summed = (
        IssuedCertificateTally.objects.filter(year=2020)
        .order_by("certificate__code")
        .values_list("certificate__code", "certificate__name")
        .annotate(n=Sum(F("issued") - F("revoked")))
    )
    expected = [(code, name, n) for code, name, n in summed if n]
    assert expected == [("C2-01", "物流管理", 4), ("C2-02", "网店运营推广", 3)]
    for persona in (world.p.ministry, world.p.aggregator):
        with CaptureQueriesContext(connection) as queries:
            rows = overview(actor=persona.actor, dimension="certificate", year=2020)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert NATIONAL_TABLE in sql and PROVINCIAL_TABLE not in sql
        assert [(r.key, r.name, r.certificates) for r in rows] == expected
    client = Client()
    client.force_login(world.p.ministry.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/reporting/overview?dimension=certificate&year=2020")
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert NATIONAL_TABLE in sql and PROVINCIAL_TABLE not in sql
    assert [(r["key"], r["name"], r["certificates"]) for r in response.json()] == expected
    # A province still reads its own rows of the certificate tally, not the national one.
    with CaptureQueriesContext(connection) as queries:
        hubei = overview(actor=world.p.hb.actor, dimension="certificate", year=2020)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert PROVINCIAL_TABLE in sql and NATIONAL_TABLE not in sql
    assert [(r.key, r.certificates) for r in hubei] == [("C2-01", 1), ("C2-02", 2)]
    # The other dimensions of the Ministry's overview are unchanged (month × province × level).
    with CaptureQueriesContext(connection) as queries:
        by_level = overview(actor=world.p.ministry.actor, dimension="level", year=2020)
    assert NATIONAL_TABLE not in " ".join(q["sql"] for q in queries.captured_queries)
    assert sum(r.certificates for r in by_level) == 7


def test_the_migration_fills_what_the_rebuild_writes(world: World) -> None:
    issued = _issue_across(world)
    certificate_revoke(actor=world.p.org.actor, certificate=issued[4], reason="证书造假")
    certificate_suspend(actor=world.p.org.actor, certificate=issued[7], reason="核查")
    tally_rebuild(actor=Actor.system())
    rebuilt = _tallies()["national"]
    IssuedNationalTally.objects.all().delete()
    migration = importlib.import_module("onex.certificates.migrations.0010_issued_national_tally")
    migration.backfill(django_apps, None)
    assert _tallies()["national"] == rebuilt == _national_direct()
