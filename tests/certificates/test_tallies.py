"""The overview's certificate tallies: kept current by every issue and status move, and equal
to a rebuild from the certificates."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from onex.catalog.models import Level
from onex.certificates.models import (
    IssuedCertificateTally,
    IssuedCityTally,
    IssuedEntryTally,
    IssuedMonthTally,
)
from onex.certificates.selectors.tallies import issued_city_counts, issued_counts
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
from tests.factories_certificates import ID_B, World, resident_id


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
    out = StringIO()
    call_command("certificates_tally_rebuild", stdout=out)
    assert "rebuilt" in out.getvalue() and "1 entry row(s)" in out.getvalue()
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
