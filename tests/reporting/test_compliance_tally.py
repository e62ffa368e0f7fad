"""The weekly-compliance summary (P4): kept by every filing and pilot-period change in the
writer's transaction, equal to a rebuild from the raw data, and giving exactly the compliance
selector's figures at nation, province and city level; the city certificate tally likewise."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import random
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from onex.certificates.models import CertificateStatus, IssuedCertificate, IssuedCityTally
from onex.certificates.services.tallies import tally_rebuild as certificate_tally_rebuild
from onex.core.actors import Actor
from onex.core.errors import RuleViolation
from onex.core.models import Unit, UnitKind
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School, SchoolPilotStatus
from onex.pilots.services.schools import school_set_pilot_status, school_update
from onex.reporting.models import Report, ReportKind, WeeklyComplianceTally
from onex.reporting.selectors import (
    ComplianceRow,
    Scope,
    actor_scope,
    compliance,
    compliance_summary,
)
from onex.reporting.selectors.overview import city_overview
from onex.reporting.services.tallies import tally_rebuild, tally_report_filed
from tests.factories_pilots import confirmed
from tests.factories_reporting import (
    NOW,
    SHANGHAI,
    Clock,
    file_on_time,
    file_weekly,
    make_pilot,
    monday,
)
from tests.personas import Persona, Personas, make_user
from tests.reporting.test_overview_query_counts import _generator
from tests.reporting.test_reporting_views import client_for

pytestmark = pytest.mark.django_db

Cells = dict[tuple[dt.date, dt.date, int, int], tuple[int, int, int]]


def _cells() -> Cells:
    return {
        (t.period_start, t.period_end, t.province_id, t.city_id): (t.expected, t.filed, t.on_time)
        for t in WeeklyComplianceTally.objects.all()
        if (t.expected, t.filed, t.on_time) != (0, 0, 0)
    }


def _rebuilt() -> Cells:
    incremental = _cells()
    tally_rebuild(actor=Actor.system())
    rebuilt = _cells()
    assert incremental == rebuilt
    return rebuilt


def _figures(rows: list[ComplianceRow]) -> list[tuple[Any, ...]]:
    return [(r.key, r.name, r.code, r.expected, r.actual, r.on_time) for r in rows]


def _assert_same_figures(actors: list[Actor]) -> None:
    """The summary gives the selector's rows for every level, jurisdiction, range and day."""
    ranges = [
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        (monday(10), NOW.date()),
        (monday(3), monday(1)),
    ]
    for actor in actors:
        scopes = [actor_scope(actor=actor)]
        if actor.is_national:
            scopes += [actor_scope(actor=actor, province="440000"), Scope(nothing=True)]
        for scope in scopes:
            for start, end in ranges:
                for as_of in (None, monday(2), dt.date(2027, 1, 1)):
                    for level in ("nation", "province", "city"):
                        raw = compliance(
                            kind=ReportKind.WEEKLY,
                            level=level,
                            scope=scope,
                            start=start,
                            end=end,
                            as_of=as_of,
                        )
                        summary = compliance_summary(
                            level=level, scope=scope, start=start, end=end, as_of=as_of
                        )
                        assert _figures(summary) == _figures(raw), (level, scope, start, as_of)


def _sz_school(personas: Personas) -> Persona:
    return make_user("sz-school", personas.sz_school_obj.unit)


def _other_city(school: School) -> Division:
    return (
        Division.objects.filter(parent_id=school.province_id, level=DivisionLevel.CITY)
        .exclude(pk=school.city_id)
        .order_by("code")
        .first()
    )  # type: ignore[return-value]


def _random_moves(personas: Personas, clock: Clock, seed: int, moves: int = 30) -> None:
    rng = random.Random(seed)
    filers = [
        (personas.gd_school_obj, personas.gd_school),
        (personas.sz_school_obj, _sz_school(personas)),
        (personas.hb_school_obj, personas.hb_school),
    ]
    cities = {school.pk: [school.city, _other_city(school)] for school, _p in filers}
    system = Actor.system()
    for _ in range(moves):
        school, persona = rng.choice(filers)
        school.refresh_from_db()
        move = rng.choice(["pilot", "disqualify", "reinstate", "city", "file", "file", "file"])
        if move == "pilot":
            since = monday(rng.randint(2, 14)) + dt.timedelta(days=rng.randint(0, 6))
            until = since + dt.timedelta(weeks=rng.randint(1, 8)) if rng.random() < 0.3 else None
            make_pilot(school, since, until)
        elif move == "disqualify":
            on = monday(rng.randint(0, 12)) + dt.timedelta(days=rng.randint(0, 6))
            status = rng.choice([SchoolPilotStatus.DISQUALIFIED, SchoolPilotStatus.ACTIVE])
            if status != SchoolPilotStatus.ACTIVE:
                school_set_pilot_status(
                    actor=system, school=school, status=status, on=on, reason="测试"
                )
        elif move == "reinstate":
            school_set_pilot_status(
                actor=system,
                school=school,
                status=SchoolPilotStatus.ACTIVE,
                on=NOW.date(),
                reason="测试",
            )
        elif move == "city":
            city = rng.choice(cities[school.pk])
            school_update(actor=system, school=school, city=city)
        else:
            week = monday(rng.randint(0, 14))
            try:
                if rng.random() < 0.5:
                    file_on_time(persona, week, clock)
                else:
                    file_weekly(persona, week)  # late (or, for this week, on time)
            except RuleViolation:
                pass  # the school did not owe that week: nothing filed, nothing counted


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_incremental_equals_rebuilt_and_the_selector(
    personas: Personas, clock: Clock, seed: int
) -> None:
    _random_moves(personas, clock, seed)
    assert Report.objects.filter(kind=ReportKind.WEEKLY).exists() or seed
    _rebuilt()
    _assert_same_figures(
        [Actor.system(), personas.ministry.actor, personas.gd.actor, personas.gz_city.actor]
    )


def test_known_figures_and_weeks_not_due(personas: Personas, clock: Clock) -> None:
    # Guangzhou: pilot 8 weeks back; files 3 on time, 1 late; the current week is not due.
    make_pilot(personas.gd_school_obj, monday(8))
    for back in (6, 5, 4):
        file_on_time(personas.gd_school, monday(back), clock)
    file_weekly(personas.gd_school, monday(3))
    file_weekly(personas.gd_school, monday(0))  # this week: filed, but the week has not ended
    gd = compliance_summary(
        level="province", scope=Scope(), start=monday(8), end=NOW.date(), as_of=NOW.date()
    )
    (row,) = gd
    assert (row.expected, row.actual, row.on_time, row.missing) == (8, 4, 3, 4)
    # A disqualification two weeks back stops the obligation (and the later reports' count).
    school_set_pilot_status(
        actor=Actor.system(),
        school=personas.gd_school_obj,
        status=SchoolPilotStatus.DISQUALIFIED,
        on=monday(5),
        reason="测试",
    )
    (row,) = compliance_summary(
        level="province", scope=Scope(), start=monday(8), end=NOW.date(), as_of=NOW.date()
    )
    assert (row.expected, row.actual, row.on_time) == (3, 1, 1)
    _rebuilt()


def test_the_first_confirmation_starts_the_obligation(personas: Personas, clock: Clock) -> None:
    confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    personas.gd_school_obj.refresh_from_db()
    assert personas.gd_school_obj.pilot_since == NOW.date()
    assert sum(c[0] for c in _cells().values()) > 0  # the weeks from next Monday on
    _rebuilt()
    _assert_same_figures([Actor.system()])


def test_a_rolled_back_filing_leaves_the_summary(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8))
    before = _cells()
    with pytest.raises(RuntimeError), transaction.atomic():
        file_on_time(personas.gd_school, monday(4), clock)
        raise RuntimeError
    assert _cells() == before


def test_rebuild_command_and_amendments_count_once(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8))
    file_on_time(personas.gd_school, monday(4), clock)
    file_weekly(personas.gd_school, monday(4), progress="修改：补充内容。")  # an amendment
    key = (monday(4), monday(4) + dt.timedelta(days=6))
    (cell,) = [v for k, v in _cells().items() if k[:2] == key]
    assert cell == (1, 1, 1)
    WeeklyComplianceTally.objects.all().delete()
    out = io.StringIO()
    call_command("reporting_tally_rebuild", stdout=out)
    assert out.getvalue().startswith("rebuilt")
    (cell,) = [v for k, v in _cells().items() if k[:2] == key]
    assert cell == (1, 1, 1)


def test_a_school_moving_city_moves_its_figures_and_certificates(
    personas: Personas, clock: Clock
) -> None:
    school = personas.gd_school_obj
    make_pilot(school, monday(8))
    file_on_time(personas.gd_school, monday(4), clock)
    certificate_tally_rebuild(actor=Actor.system())
    new_city = _other_city(school)
    school_update(actor=Actor.system(), school=school, city=new_city)
    assert {k[3] for k in _cells()} == {new_city.pk}
    _rebuilt()
    city_rows = {
        (t.year, t.province_id, t.city_id): (t.issued, t.suspended, t.revoked)
        for t in IssuedCityTally.objects.all()
        if (t.issued, t.suspended, t.revoked) != (0, 0, 0)
    }
    certificate_tally_rebuild(actor=Actor.system())
    assert city_rows == {
        (t.year, t.province_id, t.city_id): (t.issued, t.suspended, t.revoked)
        for t in IssuedCityTally.objects.all()
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_two_filings_at_once_lose_no_count(personas: Personas) -> None:
    """Two schools of one city file the same week at the same moment: both are counted (one
    upsert adding to the cell, never a read-modify-write)."""
    gz = personas.gd_school_obj
    other = School.objects.create(
        unit=Unit.objects.create(
            kind=UnitKind.SCHOOL, name="广州第二职业学院", province_id=gz.province_id, city=gz.city
        ),
        name="广州第二职业学院",
        code="4144019999",
        school_type=gz.school_type,
        province_id=gz.province_id,
        city_id=gz.city_id,
    )
    for school in (gz, other):
        make_pilot(school, monday(8))
    week = monday(4)
    due = dt.datetime.combine(week + dt.timedelta(days=4), dt.time(17), tzinfo=SHANGHAI)
    reports = [
        Report.objects.create(
            kind=ReportKind.WEEKLY,
            unit_id=school.unit_id,
            province_id=school.province_id,
            city_id=school.city_id,
            period_start=week,
            period_end=week + dt.timedelta(days=6),
            period_label="W",
            due_at=due,
            status="submitted",
            submitted_at=due - dt.timedelta(hours=1),
        )
        for school in (gz, other)
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def file(report: Report) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                tally_report_filed(report)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file, args=(r,)) for r in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    cell = WeeklyComplianceTally.objects.get(
        period_start=week, province_id=gz.province_id, city_id=gz.city_id
    )
    assert (cell.expected, cell.filed, cell.on_time) == (2, 2, 2)


def test_the_migration_fills_what_the_rebuild_writes(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(8), monday(2))
    make_pilot(personas.hb_school_obj, monday(5))
    file_on_time(personas.gd_school, monday(4), clock)
    file_weekly(personas.hb_school, monday(3))
    rebuilt = _rebuilt()
    WeeklyComplianceTally.objects.all().delete()
    migration = importlib.import_module("onex.reporting.migrations.0004_weekly_compliance_tally")
    migration.fill(django_apps, SimpleNamespace(connection=connection))
    assert _cells() == rebuilt


def test_the_city_drill_down_equals_the_raw_counts(personas: Personas) -> None:
    generate = _generator().generate
    generate(scale=0.00001, tag="G", out=lambda _line: None)
    province = Division.objects.get(code="440000")
    seen = [0, 0]
    for year in range(2020, 2026):
        view = city_overview(actor=personas.ministry.actor, province="440000", year=year)
        raw_certificates = dict(
            IssuedCertificate.objects.filter(school__province=province, issued_on__year=year)
            .exclude(status=CertificateStatus.REVOKED)
            .order_by()
            .values("school__city__code")
            .annotate(n=Count("pk"))
            .values_list("school__city__code", "n")
        )
        raw_compliance = {
            r.code: (r.expected, r.actual, r.on_time)
            for r in compliance(
                kind=ReportKind.WEEKLY,
                level="city",
                scope=Scope(province_id=province.pk),
                start=dt.date(year, 1, 1),
                end=dt.date(year, 12, 31),
            )
        }
        seen[0] += sum(raw_certificates.values())
        seen[1] += sum(e for e, _a, _o in raw_compliance.values())
        for row in view.rows:
            assert row.certificates == raw_certificates.get(row.code, 0), (year, row.code)
            figures = (row.expected, row.actual, row.on_time)
            assert figures == raw_compliance.get(row.code, (0, 0, 0)), (year, row.code)
    assert all(seen), seen


def test_whole_jurisdictions_on_the_page_and_api_read_the_summary(
    personas: Personas, clock: Clock
) -> None:
    """The compliance page and API give provinces and cities from the weekly summary (their
    cost must not grow with schools × weeks × reports); units still read the reports."""
    make_pilot(personas.gd_school_obj, monday(4))
    file_weekly(personas.gd_school, monday(1))
    reports = Report._meta.db_table
    ministry = client_for(personas.ministry)
    for url in (
        "/reporting/compliance/",
        "/reporting/compliance/?level=city&province=440000",
        "/reporting/compliance/?format=xlsx",
        "/api/v1/reporting/compliance?level=province",
        "/api/v1/reporting/compliance?level=city&province=440000",
    ):
        with CaptureQueriesContext(connection) as queries:
            response = ministry.get(url)
        assert response.status_code == 200, url
        assert not [q for q in queries if reports in q["sql"]], url
    api = ministry.get("/api/v1/reporting/compliance?level=province").json()
    assert (api[0]["expected"], api[0]["actual"]) == (4, 1)
    with CaptureQueriesContext(connection) as queries:
        units = ministry.get("/api/v1/reporting/compliance?level=unit&city=440100")
    assert units.json()[0]["actual"] == 1
    assert [q for q in queries if reports in q["sql"]]


@pytest.mark.django_db
def test_the_nations_year_by_province_reads_the_counts_index_alone() -> None:
    """The Ministry's compliance by province sums a year of week × city cells (~17,000 at
    10,000 schools): from the covering index ``weekly_tally_year_counts``, never the table's
    pages (13 ms → 2.5 ms at that size on PostgreSQL)."""
    with CaptureQueriesContext(connection) as captured:
        compliance_summary(
            level="province", scope=Scope(), start=monday(8), end=NOW.date(), as_of=NOW.date()
        )
    (query,) = captured.captured_queries
    sql, params = query["sql"], []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # An empty table: make every plan but an index scan look dear.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using weekly_tally_year_counts" in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "COVERING INDEX weekly_tally_year_counts" in plan, plan
