"""The R15 entry tally (province × org): kept by every issue, equal to a rebuild and to the
direct count, and read by ``entry_compliance`` for the Ministry, provinces and orgs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from onex.catalog.models import Certificate, Level, Org
from onex.catalog.services.certificates import certificate_create, certificate_level_set
from onex.catalog.services.filings import filing_accept, filing_create, filing_submit
from onex.catalog.services.orgs import agreement_sign
from onex.certificates.models import IssuedCertificate, IssuedEntryTally
from onex.certificates.selectors.certificates import (
    Compliance,
    certificate_scope,
    entry_compliance,
)
from onex.certificates.services.issue import certificate_enter
from onex.certificates.services.status import certificate_revoke, certificate_suspend
from onex.certificates.services.tallies import tally_rebuild
from onex.core.actors import Actor
from tests.factories import accept_filing, filing_input, letter
from tests.factories_certificates import World, resident_id
from tests.personas import Persona, division

CERTIFICATES_TABLE = connection.ops.quote_name(IssuedCertificate._meta.db_table)

ON_TIME = {"issued_on": dt.date(2019, 9, 30), "entered_on": dt.date(2019, 10, 15)}  # 7 days
LATE = {"issued_on": dt.date(2019, 9, 30), "entered_on": dt.date(2019, 10, 16)}  # 8 days
# 2040 has no holiday data: estimated Mon–Fri and flagged calendar_unverified.
UNVERIFIED = {"issued_on": dt.date(2040, 3, 1), "entered_on": dt.date(2040, 3, 2)}
UNVERIFIED_LATE = {"issued_on": dt.date(2040, 3, 1), "entered_on": dt.date(2040, 3, 20)}


@dataclass
class Issued:
    world: World
    other: Org
    other_certificate: Certificate
    certificates: list[IssuedCertificate]


def _other_org_certificate(world: World) -> Certificate:
    """The second org's own certificate, agreement and filings in Guangdong and Hubei."""
    p, ministry = world.p, world.p.ministry.actor
    other = world.other_org
    certificate = certificate_create(
        actor=ministry, code="C2-02", name="网店运营推广", org=other, batch=world.batch, position=2
    )
    certificate_level_set(
        actor=ministry, certificate=certificate, level=Level.INTERMEDIATE, cost_ceiling="300"
    )
    agreement_sign(actor=ministry, org=other, signed_on=dt.date(2019, 10, 1))
    for code, reviewer in (("440000", p.gd), ("420000", p.hb)):
        filing = filing_create(
            actor=world.other_org_user.actor,
            org=other,
            province=division(code),
            certificate=certificate,
            data=filing_input(),
            letter=letter(),
        )
        filing_submit(actor=world.other_org_user.actor, filing=filing)
        filing_accept(actor=reviewer.actor, filing=filing)
    return certificate


def _enter(
    world: World,
    n: int,
    dates: dict[str, dt.date],
    *,
    province: str = "440000",
    certificate: Certificate | None = None,
    actor: Persona | None = None,
    school: Any = None,
) -> IssuedCertificate:
    return certificate_enter(
        actor=(actor or world.p.org).actor,
        certificate=certificate or world.certificate,
        level=Level.INTERMEDIATE,
        province=division(province),
        holder_name=f"持证人{n}",
        id_type="resident",
        id_number=resident_id(f"440106199001{n:02d}{n:03d}"),
        school=school,
        **dates,
    )


def _issue(world: World) -> Issued:
    """Two orgs in Guangdong and Hubei, on time, late, unverified and both; Guangzhou's and
    Shenzhen's schools' students among them."""
    accept_filing(world.p, world.certificate, "420000")
    other = _other_org_certificate(world)
    gz, sz = world.p.gd_school_obj, world.p.sz_school_obj
    plan: list[tuple[dict[str, dt.date], str, bool, Any]] = [
        (ON_TIME, "440000", False, gz),
        (LATE, "440000", False, gz),
        (LATE, "440000", False, sz),
        (UNVERIFIED, "440000", False, None),
        (UNVERIFIED_LATE, "420000", False, world.p.hb_school_obj),
        (ON_TIME, "420000", False, None),
        (LATE, "440000", True, gz),
        (UNVERIFIED_LATE, "440000", True, None),
        (ON_TIME, "420000", True, None),
        (LATE, "420000", True, None),
    ]
    issued = [
        _enter(
            world,
            n,
            dates,
            province=province,
            certificate=other if by_other else None,
            actor=world.other_org_user if by_other else None,
            school=school,
        )
        for n, (dates, province, by_other, school) in enumerate(plan, start=1)
    ]
    return Issued(world, world.other_org, other, issued)


def _direct(actor: Actor, org: Org | None = None) -> Compliance:
    """The count the page used to make: an aggregate over the actor's certificates."""
    qs = certificate_scope(actor=actor)
    if org is not None:
        qs = qs.filter(org=org)
    row = qs.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Q(late_entry=True)),
        unverified=Count("pk", filter=Q(calendar_unverified=True)),
    )
    return Compliance(total=row["total"], late=row["late"], unverified=row["unverified"])


def _rows() -> list[tuple[int, int, int, int, int]]:
    return sorted(
        IssuedEntryTally.objects.filter(total__gt=0).values_list(
            "province_id", "org_id", "total", "late", "unverified"
        )
    )


def _grouped() -> list[tuple[int, int, int, int, int]]:
    rows = (
        IssuedCertificate.objects.order_by()
        .values_list("province_id", "org_id")
        .annotate(
            total=Count("pk"),
            late=Count("pk", filter=Q(late_entry=True)),
            unverified=Count("pk", filter=Q(calendar_unverified=True)),
        )
    )
    return sorted(rows)


def _reads_certificates(queries: CaptureQueriesContext) -> bool:
    return any(CERTIFICATES_TABLE in q["sql"] for q in queries.captured_queries)


def test_each_issue_counts_its_province_and_org_cell_equal_to_the_direct_count(
    world: World,
) -> None:
    issued = _issue(world)
    gd, hb = division("440000").pk, division("420000").pk
    org, other = world.p.org_obj.pk, issued.other.pk
    assert _rows() == sorted(
        [
            (gd, org, 4, 2, 1),
            (hb, org, 2, 1, 1),
            (gd, other, 2, 2, 1),
            (hb, other, 2, 1, 0),
        ]
    )
    assert _rows() == _grouped()
    # Suspending or revoking changes no R15 figure (the direct count never left them out).
    certificate_suspend(actor=world.p.org.actor, certificate=issued.certificates[1], reason="核查")
    certificate_revoke(
        actor=world.other_org_user.actor, certificate=issued.certificates[6], reason="证书造假"
    )
    assert _rows() == _grouped()
    assert entry_compliance(actor=world.p.ministry.actor) == _direct(world.p.ministry.actor)


def test_rebuild_writes_what_the_issues_kept(world: World) -> None:
    _issue(world)
    incremental = _rows()
    IssuedEntryTally.objects.update(total=0, late=0, unverified=0)
    written = tally_rebuild(actor=Actor.system())
    assert written["entry"] == 4
    assert _rows() == incremental


def test_the_ministry_reads_the_tally_in_one_query(world: World) -> None:
    _issue(world)
    for persona in (world.p.ministry, world.p.aggregator):
        with CaptureQueriesContext(connection) as queries:
            figures = entry_compliance(actor=persona.actor)
        assert len(queries.captured_queries) == 1
        assert not _reads_certificates(queries)
        assert figures == Compliance(total=10, late=6, unverified=3) == _direct(persona.actor)
    with CaptureQueriesContext(connection) as queries:
        one_org = entry_compliance(actor=world.p.ministry.actor, org=world.other_org)
    assert (len(queries.captured_queries), _reads_certificates(queries)) == (1, False)
    assert one_org == Compliance(total=4, late=3, unverified=1)
    assert one_org == _direct(world.p.ministry.actor, org=world.other_org)


def test_r15_late_entries_of_a_province_and_an_org_are_counted_through_the_tally(
    world: World,
) -> None:
    issued = _issue(world)
    expected = {
        "gd": Compliance(total=6, late=4, unverified=2),
        "hb": Compliance(total=4, late=2, unverified=1),
        "org": Compliance(total=6, late=3, unverified=2),
        "other": Compliance(total=4, late=3, unverified=1),
    }
    actors = {
        "gd": world.p.gd.actor,
        "hb": world.p.hb.actor,
        "org": world.p.org.actor,
        "other": world.other_org_user.actor,
    }
    for who, actor in actors.items():
        with CaptureQueriesContext(connection) as queries:
            figures = entry_compliance(actor=actor)
        assert not _reads_certificates(queries), who
        assert len(queries.captured_queries) == 1, who
        assert figures == expected[who] == _direct(actor), who
    # The org filter narrows a province's figures to one org's.
    gd_other = entry_compliance(actor=world.p.gd.actor, org=issued.other)
    assert gd_other == Compliance(total=2, late=2, unverified=1)
    assert gd_other == _direct(world.p.gd.actor, org=issued.other)
    # An org asking about another org sees nothing of it, as its scope would say.
    assert entry_compliance(actor=world.p.org.actor, org=issued.other).total == 0
    # A late entry just made shows at once, through the tally.
    _enter(world, 11, LATE, province="420000")
    assert entry_compliance(actor=world.p.hb.actor) == Compliance(total=5, late=3, unverified=1)
    assert entry_compliance(actor=world.p.org.actor).late == 4


def test_cities_schools_and_learners_still_count_their_own_certificates(world: World) -> None:
    _issue(world)
    gz_city, gd_school, hb_school = world.p.gz_city, world.p.gd_school, world.p.hb_school
    expected = [
        # Guangzhou's school's students: on time, late, and the other org's late one.
        (gz_city, Compliance(total=3, late=2, unverified=0)),
        (gd_school, Compliance(total=3, late=2, unverified=0)),
        (hb_school, Compliance(total=1, late=1, unverified=1)),
        (world.p.learner, Compliance(total=0, late=0, unverified=0)),
    ]
    # An emptied tally shows who reads it: the Ministry and the province see nothing, the
    # city, the schools and the learner count their certificates themselves.
    IssuedEntryTally.objects.all().delete()
    assert entry_compliance(actor=world.p.ministry.actor).total == 0
    assert entry_compliance(actor=world.p.gd.actor).total == 0
    for persona, figures in expected:
        assert entry_compliance(actor=persona.actor) == figures == _direct(persona.actor)
    # Separated administrators see no business data at all.
    assert entry_compliance(actor=world.p.auditadmin.actor).total == 0
