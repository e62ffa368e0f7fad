"""National-scale data for the benchmarks: `python bench/generate.py --scale S`.

At ``S=1``: 31 provinces with their cities (GB/T 2260), 300 orgs, 500 certificates × 3 levels,
10,000 schools, 5 million learners holding 10 million certificates, and 52 weeks of weekly
reports from the confirmed pilot schools (nine in ten; some weeks missing, some late).
``S=0.001`` runs in CI in seconds. Rows go in with PostgreSQL ``COPY`` or, on SQLite,
``executemany`` in one transaction; personal data is sealed exactly as the product seals it
(``PersonalIdMixin.set_id_number``), so the public query finds a generated holder by name and ID
number. The overview's certificate tallies are rebuilt from the loaded certificates.

The data is deterministic for a given ``--seed`` and scale, and it is added beside whatever the
database already holds (codes carry a ``G`` prefix so they never collide with demo data).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
os.environ.setdefault("ONEX_DEV_SECRETS", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

from onex.catalog.models import Batch, Certificate, CertificateLevel, Level, Org  # noqa: E402
from onex.certificates.models import IssuedCertificate, NumberSeries  # noqa: E402
from onex.certificates.services.numbering import compose  # noqa: E402
from onex.certificates.services.tallies import tally_rebuild  # noqa: E402
from onex.core import crypto  # noqa: E402
from onex.core.actors import Actor  # noqa: E402
from onex.core.errors import InvalidInput  # noqa: E402
from onex.core.models import Unit, UnitKind  # noqa: E402
from onex.core.personal import (  # noqa: E402
    ID_NUMBER_HASH_PURPOSE,
    IdType,
    mask_id_number,
    validate_id_number,
)
from onex.geo.loader import ensure_divisions  # noqa: E402
from onex.geo.models import Division, DivisionLevel  # noqa: E402
from onex.pilots.models import School, SchoolType  # noqa: E402
from onex.reporting.models import (  # noqa: E402
    Period,
    Report,
    ReportKind,
    ReportStatus,
    ReportVersion,
)
from onex.reporting.selectors import due_at_for  # noqa: E402
from onex.reporting.services import periods_ensure  # noqa: E402
from onex.reporting.services.tallies import (  # noqa: E402
    tally_rebuild as compliance_tally_rebuild,
)

FULL = {
    "orgs": 300,
    "certificates": 500,
    "schools": 10_000,
    "learners": 5_000_000,
    "issued": 10_000_000,
}
MINIMUM = {"orgs": 3, "certificates": 5, "schools": 31, "learners": 50, "issued": 100}
YEARS = range(2020, 2026)
WEEKS = 52  # of weekly reports, the weeks ending before the generator's "today"
MISSING = 0.08  # share of owed weekly reports never filed
LATE = 0.1  # share of filed weekly reports filed after the deadline
LEVELS = (Level.JUNIOR, Level.INTERMEDIATE, Level.SENIOR)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉力鹏宇浩然子涵欣怡梓轩雨晨思远佳琪"  # noqa: E501


def sizes(scale: float) -> dict[str, int]:
    return {key: max(MINIMUM[key], round(full * scale)) for key, full in FULL.items()}


@dataclass
class BulkWriter:
    """Inserts rows given as {attname: value}; missing fields take the model's default.

    PostgreSQL: ``COPY … FROM STDIN`` (psycopg adapts dates, decimals and bytes itself).
    SQLite: ``executemany`` in chunks; values pass through the field's own preparation.
    """

    chunk: int = 20_000
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def postgres(self) -> bool:
        return connection.vendor == "postgresql"

    def _preparers(self, fields: list[models.Field[Any, Any]]) -> list[Callable[[Any], Any]]:
        def identity(value: Any) -> Any:
            return value

        def jsonb(value: Any) -> Any:
            return json.dumps(value, ensure_ascii=False)

        prepared: list[Callable[[Any], Any]] = []
        for f in fields:
            if isinstance(f, models.JSONField):
                prepared.append(jsonb)
            elif not self.postgres and isinstance(
                f, (models.DateField, models.DecimalField, models.TimeField)
            ):
                prepared.append(lambda value, f=f: f.get_db_prep_save(value, connection))
            else:
                prepared.append(identity)
        return prepared

    def write(self, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
        started = time.perf_counter()
        fields = list(model._meta.concrete_fields)
        now = timezone.now()
        defaults: list[Any] = []
        for f in fields:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                defaults.append(now)
            else:
                defaults.append(f.get_default())
        prepare = self._preparers(fields)
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)

        def values() -> Iterator[list[Any]]:
            for row in rows:
                yield [
                    prep(row.get(f.attname, default))
                    for f, default, prep in zip(fields, defaults, prepare, strict=True)
                ]

        written = 0
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for value in values():
                        copy.write_row(value)
                        written += 1
            else:
                marks = ", ".join("?" for _ in fields)
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                batch: list[list[Any]] = []
                for value in values():
                    batch.append(value)
                    if len(batch) >= self.chunk:
                        cursor.executemany(sql, batch)
                        written += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    written += len(batch)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + written
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
        return written

    def reset_sequences(self, *model_list: type[models.Model]) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
                cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def resident_regions(city_codes: list[str]) -> list[str]:
    """One county code per city that python-stdnum's region table accepts in an ID number."""
    found = []
    for city in city_codes:
        for suffix in range(1, 100):
            code = f"{city[:4]}{suffix:02d}"
            try:
                for born in ("19850101", "20041231"):
                    body = f"{code}{born}001"
                    validate_id_number(IdType.RESIDENT, body + ric.calc_check_digit(body + "0"))
            except InvalidInput:
                continue
            found.append(code)
            break
    return found


def person(index: int, regions: list[str]) -> tuple[str, str]:
    """The ``index``-th learner: a name and a valid resident ID number, deterministic."""
    # Arithmetic, not a seeded Random per person: this runs 10 million times at S=1.
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index // 7) % len(GIVEN)]
    if index % 3:
        name += GIVEN[(index // 131) % len(GIVEN)]
    # Unique for the first 7.3 million people: (birth day, sequence) never repeats before.
    birth = dt.date(1985, 1, 1) + dt.timedelta(days=index % 7300)
    body = f"{regions[index % len(regions)]}{birth:%Y%m%d}{(index // 7300) % 1000:03d}"
    return name, body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder


def write_weekly_reports(
    writer: BulkWriter,
    pilots: list[dict[str, Any]],
    weeks: list[Period],
    provinces: dict[int, Division],
    seed: int,
) -> None:
    """Each confirmed school's weekly report for every week from its ``pilot_since`` on: some
    missing, some late (submitted after ``due_at``, as ``report_file`` marks them), each with
    its first version."""
    # Deadlines first: a policy lookup cannot run on the connection while a COPY is open. The
    # product's own due_at_for at each province's first and last week; when the two agree on
    # the weekday and hour (no profile change within the year), every week follows them
    # (1,612 policy lookups cost minutes on a busy machine).
    due: dict[tuple[int, int], dt.datetime] = {}
    for province in sorted({school["province_id"] for school in pilots}):
        ends = [
            due_at_for(kind=ReportKind.WEEKLY, period=week, province=provinces[province])
            for week in (weeks[0], weeks[-1])
        ]
        offsets = {end - dt.datetime.combine(w.first_day, dt.time(), end.tzinfo)
                   for end, w in zip(ends, (weeks[0], weeks[-1]), strict=True)}  # fmt: skip
        for week in weeks:
            if len(offsets) == 1:
                start = dt.datetime.combine(week.first_day, dt.time(), ends[0].tzinfo)
                due[province, week.pk] = start + next(iter(offsets))
            else:
                due[province, week.pk] = due_at_for(
                    kind=ReportKind.WEEKLY, period=week, province=provinces[province]
                )
    first_report, first_version = next_id(Report), next_id(ReportVersion)

    def filed() -> Iterator[tuple[int, dict[str, Any], Period, dt.datetime, bool, int, int]]:
        # Replayed once per table from the same seed: no list of 520,000 rows in memory.
        rng = random.Random(seed * 7_919 + 1)  # noqa: S311 (synthetic data)
        nth = 0
        for school in pilots:
            for week in weeks:
                if week.first_day < school["pilot_since"] or rng.random() < MISSING:
                    continue
                late = rng.random() < LATE
                submitted = due[school["province_id"], week.pk] + dt.timedelta(
                    hours=rng.randrange(2, 72) if late else -3
                )
                yield nth, school, week, submitted, late, rng.randrange(20, 400), rng.randrange(120)
                nth += 1

    progress = "生成数据：按计划开展培训"
    writer.write(
        Report,
        (
            {
                "id": first_report + nth,
                "kind": ReportKind.WEEKLY,
                "unit_id": school["unit_id"],
                "province_id": school["province_id"],
                "city_id": school["city_id"],
                "period_start": week.first_day,
                "period_end": week.last_day,
                "period_label": week.label,
                "due_at": due[(school["province_id"], week.pk)],
                "status": ReportStatus.SUBMITTED,
                "students_trained": trained,
                "students_examined": examined,
                "progress": progress,
                "version": 1,
                "submitted_at": submitted,
                "is_late": late,
            }
            for nth, school, week, submitted, late, trained, examined in filed()
        ),
    )
    writer.write(
        ReportVersion,
        (
            {
                "id": first_version + nth,
                "report_id": first_report + nth,
                "version": 1,
                "students_trained": trained,
                "students_examined": examined,
                "progress": progress,
                "submitted_at": submitted,
            }
            for nth, _school, _week, submitted, _late, trained, examined in filed()
        ),
    )


def generate(
    *, scale: float, seed: int = 1, tag: str = "G", out: Callable[[str], None] = print
) -> dict[str, Any]:
    """Add the data; ``tag`` (one capital letter in every code) lets a database take two sets."""
    started = time.perf_counter()
    n = sizes(scale)
    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    ensure_divisions()
    provinces = list(Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code"))
    cities: dict[int, list[Division]] = {}
    for city in Division.objects.filter(level=DivisionLevel.CITY).order_by("code"):
        if city.parent_id is not None:
            cities.setdefault(city.parent_id, []).append(city)
    provinces = [p for p in provinces if cities.get(p.pk)]
    regions = resident_regions([c.code for p in provinces for c in cities[p.pk]])
    writer = BulkWriter()
    today = dt.date(2026, 1, 1)
    periods_ensure(first_year=today.year - 2, last_year=today.year)  # the migration's, if flushed
    weeks = list(
        Period.objects.filter(kind=ReportKind.WEEKLY, last_day__lt=today).order_by("-first_day")[
            :WEEKS
        ]
    )[::-1]

    with transaction.atomic():
        # Orgs, each with its unit.
        unit_id, org_id = next_id(Unit), next_id(Org)
        org_ids: list[int] = []
        org_units, orgs = [], []
        for i in range(n["orgs"]):
            body = f"91{regions[i % len(regions)]}{tag}{i:08d}"[:17]
            name = f"生成评价组织{tag}{i:05d}"
            org_units.append({"id": unit_id, "kind": UnitKind.ORG, "name": name})
            orgs.append(
                {
                    "id": org_id,
                    "unit_id": unit_id,
                    "name": name,
                    "credit_code": body + uscc.calc_check_digit(body),
                    "org_type": "enterprise",
                }
            )
            org_ids.append(org_id)
            unit_id, org_id = unit_id + 1, org_id + 1
        writer.write(Unit, org_units)
        writer.write(Org, orgs)

        # Certificates × levels in five batches; a second data set joins the first one's.
        batch_id = next_id(Batch)
        first_batch = (
            Batch.objects.order_by("-number").values_list("number", flat=True).first()
        ) or 0
        batches = list(
            Batch.objects.filter(document="生成数据").order_by("number").values("id", "number")
        )
        if len(batches) < 5:
            batches = [
                {
                    "id": batch_id + b,
                    "number": first_batch + 1 + b,
                    "published_on": dt.date(2019 + b, 4, 1),
                    "document": "生成数据",
                }
                for b in range(5)
            ]
            writer.write(Batch, batches)
        cert_id, level_id = next_id(Certificate), next_id(CertificateLevel)
        cert_rows, level_rows, cert_org = [], [], {}
        certificate_ids: list[int] = []
        for i in range(n["certificates"]):
            org = org_ids[i % len(org_ids)]
            cert_rows.append(
                {
                    "id": cert_id,
                    "code": f"{tag}{i:05d}",
                    "name": f"生成职业技能等级证书{tag}{i:05d}",
                    "org_id": org,
                    "batch_id": batches[i % 5]["id"],
                    "position": i // 5 + 1,
                }
            )
            for level in LEVELS:
                level_rows.append(
                    {
                        "id": level_id,
                        "certificate_id": cert_id,
                        "level": level,
                        "cost_ceiling": Decimal("300.00") + 100 * LEVELS.index(level),
                    }
                )
                level_id += 1
            cert_org[cert_id] = org
            certificate_ids.append(cert_id)
            cert_id += 1
        writer.write(Certificate, cert_rows)
        writer.write(CertificateLevel, level_rows)

        # Schools in every province, each with its unit.
        school_id = next_id(School)
        school_units, schools = [], []
        schools_by_province: dict[int, list[int]] = {}
        pilots: list[dict[str, Any]] = []  # the confirmed ones, which owe weekly reports
        for i in range(n["schools"]):
            province = provinces[i % len(provinces)]
            city = cities[province.pk][(i // len(provinces)) % len(cities[province.pk])]
            name = f"生成职业学院{tag}{i:05d}"
            school_units.append(
                {
                    "id": unit_id,
                    "kind": UnitKind.SCHOOL,
                    "name": name,
                    "province_id": province.pk,
                    "city_id": city.pk,
                }
            )
            schools.append(
                {
                    "id": school_id,
                    "unit_id": unit_id,
                    "name": name,
                    "code": f"{tag}{i:09d}",
                    "school_type": SchoolType.HIGHER_VOCATIONAL
                    if i % 2
                    else SchoolType.SECONDARY_VOCATIONAL,
                    "province_id": province.pk,
                    "city_id": city.pk,
                    # Nine in ten were confirmed: three in four of those before the first week,
                    # the others during the year (they owe reports from that week on).
                    "pilot_since": None
                    if i % 10 == 9 or not weeks
                    else weeks[0].first_day
                    if i % 4
                    else weeks[(i * 7) % len(weeks)].first_day,
                }
            )
            if schools[-1]["pilot_since"] is not None:
                pilots.append(schools[-1])
            schools_by_province.setdefault(province.pk, []).append(school_id)
            unit_id, school_id = unit_id + 1, school_id + 1
        writer.write(Unit, school_units)
        writer.write(School, schools)
        write_weekly_reports(writer, pilots, weeks, {p.pk: p for p in provinces}, seed)

        # Issued certificates: each learner holds about issued/learners of them.
        series: dict[tuple[int, int, str, int], list[int]] = {}
        series_id = next_id(NumberSeries)
        context = IssuedCertificate()._id_number_context()
        issued_id = next_id(IssuedCertificate)
        sample: list[dict[str, str]] = []

        def issued_rows() -> Iterator[dict[str, Any]]:
            nonlocal series_id, issued_id
            for j in range(n["issued"]):
                learner = (j * 7_919) % n["learners"]
                name, id_number = person(learner, regions)
                province = provinces[rng.randrange(len(provinces))]
                certificate = certificate_ids[rng.randrange(len(certificate_ids))]
                level = LEVELS[rng.randrange(3)]
                year = YEARS[rng.randrange(len(YEARS))]
                key = (year, certificate, level, province.pk)
                entry = series.get(key)
                if entry is None:
                    entry = series[key] = [series_id, 0]
                    series_id += 1
                entry[1] += 1
                issued_on = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(360))
                in_province = schools_by_province.get(province.pk, [])
                revoked = rng.random() < 0.005
                number = compose(
                    year=year,
                    certificate_id=certificate,
                    level=level,
                    province_code=province.code,
                    serial=entry[1],
                )
                if len(sample) < 1000 and j % max(1, n["issued"] // 1000) == 0:
                    # Synthetic people: the ID number lets a benchmark drive the public query.
                    sample.append({"number": number, "name": name, "id_number": id_number})
                yield {
                    "id": issued_id,
                    "number": number,
                    "series_id": entry[0],
                    "serial": entry[1],
                    "certificate_id": certificate,
                    "level": level,
                    "org_id": cert_org[certificate],
                    "province_id": province.pk,
                    "school_id": in_province[j % len(in_province)]
                    if in_province and j % 5
                    else None,
                    "holder_name": name,
                    "issued_on": issued_on,
                    "entered_on": min(today, issued_on + dt.timedelta(days=rng.randrange(1, 20))),
                    "entry_working_days": 5,
                    "status": "revoked" if revoked else "valid",
                    "status_reason": "生成数据：撤销样例" if revoked else "",
                    "id_type": IdType.RESIDENT,
                    # What set_id_number stores, without re-validating a number made valid.
                    "id_number_enc": crypto.encrypt(id_number, context=context),
                    "id_number_hash": crypto.keyed_hash(id_number, purpose=ID_NUMBER_HASH_PURPOSE),
                    "id_number_masked": mask_id_number(id_number),
                }
                issued_id += 1

        writer.write(IssuedCertificate, issued_rows())
        writer.write(
            NumberSeries,
            (
                {
                    "id": sid,
                    "year": y,
                    "certificate_id": c,
                    "level": lv,
                    "province_id": p,
                    "last": last,
                }
                for (y, c, lv, p), (sid, last) in series.items()
            ),
        )
        if writer.postgres:
            writer.reset_sequences(
                Unit, Org, Batch, Certificate, CertificateLevel, School, NumberSeries,
                IssuedCertificate, Report, ReportVersion,
            )  # fmt: skip
        # The certificates went in around the services, which keep the overview's tallies.
        tally_started = time.perf_counter()
        tallies = tally_rebuild(actor=Actor.system())
        writer.counts["certificates.tallies"] = sum(tallies.values())
        writer.seconds["certificates.tallies"] = time.perf_counter() - tally_started
        # So did the schools' pilot dates and the weekly reports: the compliance summary.
        tally_started = time.perf_counter()
        writer.counts["reporting.tallies"] = compliance_tally_rebuild(actor=Actor.system())
        writer.seconds["reporting.tallies"] = time.perf_counter() - tally_started
    if writer.postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    report = {
        "scale": scale,
        "sizes": n,
        "seconds": round(time.perf_counter() - started, 2),
        "rows": writer.counts,
        "table_seconds": {k: round(v, 2) for k, v in writer.seconds.items()},
        "sample": sample,
    }
    out(json.dumps({k: v for k, v in report.items() if k != "sample"}, ensure_ascii=False))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tag", default="G", help="a capital letter in every generated code")
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    parser.add_argument("--sample", type=Path, help="write 1,000 sample holders here (JSON)")
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", verbosity=0)
    report = generate(scale=args.scale, seed=args.seed, tag=args.tag)
    if args.sample:
        args.sample.write_text(json.dumps(report["sample"], ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
