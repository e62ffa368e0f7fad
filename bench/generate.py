"""National-scale data for the benchmarks: `python bench/generate.py --scale S`.

At ``S=1``: 31 provinces with their cities (GB/T 2260), 300 orgs, 500 certificates × 3 levels,
10,000 schools, 5 million learners holding 10 million certificates, and 52 weeks of weekly
reports from the confirmed pilot schools (nine in ten; some weeks missing, some late).
``S=0.001`` runs in CI in seconds. Rows go in with PostgreSQL ``COPY`` or, on SQLite,
``executemany`` in one transaction; personal data is sealed exactly as the product seals it
(``PersonalIdMixin.set_id_number``), so the public query finds a generated holder by name and ID
number. The overview's certificate tallies are rebuilt from the loaded certificates.

At scale the certificates dominate: a forked process makes them as ready COPY text (each
learner's ID number sealed and hashed once, the same blob in each of that learner's
certificates; the check characters from precomputed Mod 37,36 steps) while this process feeds
the ``COPY``; from 200,000 certificates on, their indexes and unique and foreign-key constraints
are dropped for the load and built again after it, exactly as the catalog had them.

The data is deterministic for a given ``--seed`` and scale, and it is added beside whatever the
database already holds (codes carry a ``G`` prefix so they never collide with demo data).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import queue
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
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
from onex.certificates.models import (  # noqa: E402
    ISSUED_TALLIES,
    IssuedCertificate,
    NumberSeries,
)
from onex.certificates.services.numbering import (  # noqa: E402
    LEVEL_CODES,
    SERIAL_DIGITS,
    compose,
)
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
    WeeklyComplianceTally,
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
# From this many certificates on, their indexes and constraints are built after the load.
REBUILD_ROWS = 200_000
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
    loaded: list[type[models.Model]] = field(default_factory=list)

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
                written = self._executemany(cursor, sql, values())
        self._count(model, written, started)
        return written

    def _count(self, model: type[models.Model], written: int, started: float) -> None:
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + written
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
        self.loaded.append(model)

    def copy_text(
        self, model: type[models.Model], columns: list[str], chunks: Iterable[bytes]
    ) -> int:
        """PostgreSQL: ``COPY`` of ready-made text-format chunks (whole lines, ``columns``)."""
        started = time.perf_counter()
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        written = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for chunk in chunks:
                copy.write(chunk)
                written += chunk.count(b"\n")
        self._count(model, written, started)
        return written

    def insert_many(
        self, model: type[models.Model], columns: list[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        """SQLite: ``executemany`` of tuples already in the database's own representation."""
        started = time.perf_counter()
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
        with connection.cursor() as cursor:
            written = self._executemany(cursor, sql, rows)
        self._count(model, written, started)
        return written

    def _executemany(self, cursor: Any, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """``executemany`` in chunks of ``self.chunk`` rows (a generator of millions of rows is
        never held whole); returns the number of rows written."""
        written = 0
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.chunk:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
        return written

    def tune_session(self) -> None:
        """Settings of this load's transaction only (``SET LOCAL``): a commit need not wait for
        its WAL flush (the load is one transaction, redone whole if the machine crashes
        before it is on disk); index builds sort in memory."""
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")

    @contextlib.contextmanager
    def deferred_indexes(
        self, model: type[models.Model], *, rows: int, rebuild: bool | None = None
    ) -> Iterator[None]:
        """Drop ``model``'s indexes (but its primary key) and its unique and foreign-key
        constraints, load, then create them again exactly as the catalog had them.

        Maintaining 20 b-trees row by row and queueing a deferred foreign-key check per row
        and key costs far more than sorting each index once and checking each key with one
        join; the rebuilt constraints check every loaded row, and all of it is one
        transaction. Only on PostgreSQL, and only when the load is large (`REBUILD_ROWS`).
        """
        if rebuild is None:
            rebuild = rows >= REBUILD_ROWS
        if not (self.postgres and rebuild):
            yield
            return
        table = model._meta.db_table
        with connection.cursor() as cursor:
            # The deferred checks of the rows written so far run now (and later ones at once):
            # PostgreSQL alters no table with trigger events pending, and dropping or adding a
            # foreign key alters the table it references.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid) ORDER BY 1",
                [table],
            )
            indexes = cursor.fetchall()
            quoted = connection.ops.quote_name(table)
            for name, _definition, _index in constraints:
                cursor.execute(
                    f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}"
                )
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, definition in indexes:
                cursor.execute(definition)
            # Unique constraints first: their indexes serve nothing below, but a duplicate
            # should fail before minutes of foreign-key checks.
            for name, definition, _index in sorted(constraints, key=lambda c: "FOREIGN" in c[1]):
                cursor.execute(
                    f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                    f"{definition}"
                )
        label = f"{model._meta.label} indexes"
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started

    def analyze(self) -> None:
        """Statistics for the loaded tables only (a database-wide ``ANALYZE`` waits on every
        other session's locks)."""
        tables = {m._meta.db_table for m in self.loaded}
        tables |= {m._meta.db_table for m in (*ISSUED_TALLIES, WeeklyComplianceTally)}
        with connection.cursor() as cursor:
            if not self.postgres:
                cursor.execute("PRAGMA optimize")
                return
            names = ", ".join(connection.ops.quote_name(t) for t in sorted(tables))
            # Outside a transaction VACUUM also marks the fresh pages all-visible (index-only
            # scans, no hint-bit writes on the benchmarks' first reads); a test's transaction
            # allows only ANALYZE.
            if connection.in_atomic_block:
                cursor.execute(f"ANALYZE {names}")
            else:
                cursor.execute(f"VACUUM (ANALYZE) {names}")

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
    body = f"{regions[index % len(regions)]}{_BIRTHS[index % 7300]}{(index // 7300) % 1000:03d}"
    return name, body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder


# The 7,300 birth days of the learners as ID numbers write them (strftime costs more than
# the rest of a learner).
_BIRTHS = [f"{dt.date(1985, 1, 1) + dt.timedelta(days=d):%Y%m%d}" for d in range(7300)]


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _mod_37_36_step(check: int, char: str) -> int:
    # One step of ISO 7064 Mod 37,36 as python-stdnum computes it (numbering.check_character).
    return (((check or 36) * 2) % 37 + ALPHABET.index(char)) % 36


# _PAIR_STEPS[state][nn]: the checksum state after two more digits ``nn`` (00-99), so a
# certificate number's check character costs three lookups after its series' prefix.
_PAIR_STEPS = [
    [_mod_37_36_step(_mod_37_36_step(state, f"{nn:02d}"[0]), f"{nn:02d}"[1]) for nn in range(100)]
    for state in range(36)
]


def _text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# The columns each issued certificate row gives, in this order; the other columns take the
# field's default, rendered once (``IssuedPlan.constants``).
ISSUED_COLUMNS = [
    "id",
    "number",
    "series_id",
    "serial",
    "certificate_id",
    "level",
    "org_id",
    "province_id",
    "school_id",
    "issued_on",
    "entered_on",
    "status",
    "status_reason",
    # The holder's, the same in every certificate of a learner: sealed once per learner.
    "holder_name",
    "id_type",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
]
ISSUED_FIXED = {"entry_working_days": 5}
NULL = "\\N"
REVOKED = "revoked\t生成数据：撤销样例"  # status, status_reason
VALID = "valid\t"


@dataclass
class IssuedPlan:
    """Everything the issued certificates are made of, as plain data (a forked producer
    process builds the rows from it while this one copies them into the database)."""

    issued: int
    learners: int
    first_id: int
    first_series: int
    provinces: list[tuple[int, str]]  # (pk, code)
    certificate_ids: list[int]
    cert_org: dict[int, int]
    schools_by_province: dict[int, list[int]]
    regions: list[str]
    seed: int
    today: dt.date
    text: bool = True  # PostgreSQL's COPY text lines; else tuples for SQLite
    chunk_rows: int = 20_000
    constant_columns: list[str] = field(default_factory=list)
    constant_values: list[Any] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return ISSUED_COLUMNS + self.constant_columns


class IssuedProducer:
    """Makes the issued certificates, deterministic for the seed.

    Certificate ``j`` belongs to learner ``(j × 7919) mod learners``: a learner's certificates
    lie far apart, as if issued years apart. The learner's ID number is sealed as
    ``PersonalIdMixin.set_id_number`` seals it (AES-GCM under the product's key with a fresh
    random nonce, the keyed hash, the mask) once, and that learner's later certificates carry
    the same blob: one plaintext under one nonce, which the product decrypts in any row of the
    table (the context is the model's, not the row's); no nonce ever seals two plaintexts.
    """

    def __init__(self, plan: IssuedPlan) -> None:
        if SERIAL_DIGITS != 6:
            raise NotImplementedError("the check character below composes six serial digits")
        self.plan = plan
        self.series: dict[tuple[int, int, int, int], list[Any]] = {}
        self.sample: list[dict[str, str]] = []
        context = IssuedCertificate()._id_number_context()
        self.seal = crypto.encrypter(context=context)
        self.hash = crypto.keyed_hasher(purpose=ID_NUMBER_HASH_PURPOSE)

    def _personal(self, learner: int) -> Any:
        name, id_number = person(learner, self.plan.regions)
        sealed = self.seal(id_number)
        hashed = self.hash(id_number)
        masked = f"{id_number[:4]}**********{id_number[14:]}"  # mask_id_number's, 18 characters
        if self.plan.text:
            return f"{name}\t{IdType.RESIDENT}\t\\\\x{sealed.hex()}\t{hashed}\t{masked}"
        return (name, str(IdType.RESIDENT), sealed, hashed, masked)

    def rows(self) -> Iterator[Any]:
        plan = self.plan
        rng = random.Random(plan.seed)  # noqa: S311 (synthetic data)
        draw = rng.getrandbits
        pairs = _PAIR_STEPS
        provinces, certificates = plan.provinces, plan.certificate_ids
        n_provinces, n_certificates, n_years = len(provinces), len(certificates), len(YEARS)
        learners, regions = plan.learners, plan.regions
        # A learner's sealed fields are kept for the next certificate only when there is one.
        cache: list[Any] | None = [None] * learners if plan.issued > learners else None
        # Issue dates: 360 days of each year; entry 1-19 days later, not after "today".
        issued_days = [
            [(dt.date(year, 1, 1) + dt.timedelta(days=d)) for d in range(360)] for year in YEARS
        ]
        issued_text = [[day.isoformat() for day in year] for year in issued_days]
        entered_text = [
            [
                min(plan.today, day + dt.timedelta(days=k)).isoformat()
                for day in year
                for k in range(1, 20)
            ]
            for year in issued_days
        ]
        every = max(1, plan.issued // 1000)
        series, next_series = self.series, plan.first_series
        schools = plan.schools_by_province
        cert_org = plan.cert_org
        constants = plan.constant_values
        tail = "\t".join(_text(v) for v in constants)
        tail = ("\t" + tail if tail else "") + "\n"
        first_id, text = plan.first_id, plan.text
        for j in range(plan.issued):
            learner = (j * 7_919) % learners
            if cache is None:
                personal = self._personal(learner)
            else:
                personal = cache[learner]
                if personal is None:
                    personal = cache[learner] = self._personal(learner)
            # One 64-bit draw per certificate, cut into its province, certificate, level, year,
            # day, revocation (1 in 200) and entry delay: 3.8e11 combinations at S=1, so the
            # remainder's bias is below 1e-7.
            bits = draw(64)
            bits, province_index = divmod(bits, n_provinces)
            bits, certificate_index = divmod(bits, n_certificates)
            bits, level_index = divmod(bits, 3)
            bits, year_index = divmod(bits, n_years)
            bits, day = divmod(bits, 360)
            bits, revocation = divmod(bits, 200)
            delay = bits % 19
            province_pk, province_code = provinces[province_index]
            certificate = certificates[certificate_index]
            level = LEVELS[level_index]
            key = (year_index, certificate, level_index, province_pk)
            entry = series.get(key)
            if entry is None:
                prefix = (
                    f"{YEARS[year_index]:04d}{certificate:05d}{LEVEL_CODES[level]}"
                    f"{province_code[:2]}"
                )
                check = 18  # stdnum's starting state: modulus // 2
                for char in prefix:
                    check = _mod_37_36_step(check, char)
                entry = series[key] = [next_series, 0, prefix, check]
                next_series += 1
            entry[1] += 1
            serial = entry[1]
            # The serial's SERIAL_DIGITS (6) digits, two at a time.
            check = pairs[pairs[pairs[entry[3]][serial // 10_000]][serial // 100 % 100]][
                serial % 100
            ]
            number = f"{entry[2]}{serial:06d}{ALPHABET[(1 - ((check or 36) * 2) % 37) % 36]}"
            issued_on = issued_text[year_index][day]
            entered_on = entered_text[year_index][day * 19 + delay]
            revoked = revocation == 0
            in_province = schools.get(province_pk)
            school = in_province[j % len(in_province)] if in_province and j % 5 else None
            if len(self.sample) < 1000 and j % every == 0:
                name, id_number = person(learner, regions)
                # The number composed by the product's own code, as a check of the shortcut.
                composed = compose(
                    year=YEARS[year_index],
                    certificate_id=certificate,
                    level=level,
                    province_code=province_code,
                    serial=serial,
                )
                if composed != number:
                    raise AssertionError(f"certificate number {number} != {composed}")
                if f"{id_number[:4]}**********{id_number[14:]}" != mask_id_number(id_number):
                    raise AssertionError("the mask differs from the product's")
                self.sample.append({"number": number, "name": name, "id_number": id_number})
            if text:
                yield (
                    f"{first_id + j}\t{number}\t{entry[0]}\t{serial}\t{certificate}\t"
                    f"{level}\t{cert_org[certificate]}\t{province_pk}\t"
                    f"{NULL if school is None else school}\t{issued_on}\t"
                    f"{entered_on}\t{REVOKED if revoked else VALID}\t"
                    f"{personal}{tail}"
                )
            else:
                yield (
                    first_id + j,
                    number,
                    entry[0],
                    serial,
                    certificate,
                    level,
                    cert_org[certificate],
                    province_pk,
                    school,
                    issued_on,
                    entered_on,
                    "revoked" if revoked else "valid",
                    "生成数据：撤销样例" if revoked else "",
                    *personal,
                    *constants,
                )

    def chunks(self) -> Iterator[bytes]:
        lines: list[str] = []
        for line in self.rows():
            lines.append(line)
            if len(lines) >= self.plan.chunk_rows:
                yield "".join(lines).encode("utf-8")
                lines = []
        if lines:
            yield "".join(lines).encode("utf-8")

    def result(self) -> tuple[dict[tuple[int, int, str, int], list[int]], list[dict[str, str]]]:
        """The series (year, certificate, level, province) with their id and last serial."""
        years, levels = list(YEARS), LEVELS
        series = {
            (years[y], certificate, levels[lv], province): [entry[0], entry[1]]
            for (y, certificate, lv, province), entry in self.series.items()
        }
        return series, self.sample


def _produce(plan: IssuedPlan, out: Any) -> None:
    """The forked producer: COPY chunks, then the series counters and the sample."""
    try:
        producer = IssuedProducer(plan)
        for chunk in producer.chunks():
            out.put(("chunk", chunk))
        out.put(("done", producer.result()))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def write_issued(
    writer: BulkWriter, plan: IssuedPlan
) -> tuple[dict[tuple[int, int, str, int], list[int]], list[dict[str, str]]]:
    """The issued certificates: on PostgreSQL made by a forked process (ciphers, check
    characters, text) while this one feeds the ``COPY`` and the server parses and stores:
    three processes on two cores; on SQLite in this process."""
    fields = {f.attname: f for f in IssuedCertificate._meta.concrete_fields}
    now = timezone.now()
    plan.constant_columns, plan.constant_values = [], []
    for name, f in fields.items():
        if name in ISSUED_COLUMNS:
            continue
        if name in ISSUED_FIXED:
            value: Any = ISSUED_FIXED[name]
        elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            value = now
        else:
            value = f.get_default()
        if not writer.postgres:
            value = f.get_db_prep_save(value, connection)
        plan.constant_columns.append(f.column)
        plan.constant_values.append(value)
    columns = [fields[c].column if c in fields else c for c in ISSUED_COLUMNS]
    columns += plan.constant_columns
    if not writer.postgres:
        plan.text = False
        producer = IssuedProducer(plan)
        writer.insert_many(IssuedCertificate, columns, producer.rows())
        return producer.result()
    plan.text = True
    if plan.issued < REBUILD_ROWS:
        # Small sets (CI): forking costs more than it saves.
        producer = IssuedProducer(plan)
        writer.copy_text(IssuedCertificate, columns, producer.chunks())
        return producer.result()
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=8)
    process = context.Process(target=_produce, args=(plan, channel), daemon=True)
    process.start()
    result: list[Any] = []

    def received() -> Iterator[bytes]:
        while True:
            try:
                kind, payload = channel.get(timeout=30)
            except queue.Empty:
                if not process.is_alive():
                    raise RuntimeError("the certificates' producer died") from None
                continue
            if kind == "chunk":
                yield payload
            elif kind == "done":
                result.append(payload)
                return
            else:
                raise RuntimeError(f"the certificates' producer failed:\n{payload}")

    try:
        writer.copy_text(IssuedCertificate, columns, received())
    finally:
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
    series, sample = result[0]
    return series, sample


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
    *,
    scale: float,
    seed: int = 1,
    tag: str = "G",
    out: Callable[[str], None] = print,
    rebuild: bool | None = None,
) -> dict[str, Any]:
    """Add the data; ``tag`` (one capital letter in every code) lets a database take two sets.

    ``rebuild``: drop the certificates' secondary indexes and constraints for the load and
    build them again after it (PostgreSQL); ``None`` decides by size (`REBUILD_ROWS`).
    """
    started = time.perf_counter()
    n = sizes(scale)
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
        writer.tune_session()
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
        plan = IssuedPlan(
            issued=n["issued"],
            learners=n["learners"],
            first_id=next_id(IssuedCertificate),
            first_series=next_id(NumberSeries),
            provinces=[(p.pk, p.code) for p in provinces],
            certificate_ids=certificate_ids,
            cert_org=cert_org,
            schools_by_province=schools_by_province,
            regions=regions,
            seed=seed,
            today=today,
        )
        with writer.deferred_indexes(IssuedCertificate, rows=plan.issued, rebuild=rebuild):
            series, sample = write_issued(writer, plan)
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
    analyze_started = time.perf_counter()
    writer.analyze()
    writer.seconds["analyze"] = time.perf_counter() - analyze_started
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


def bare_copy(spool: Path, out: Callable[[str], None] = print) -> dict[str, float]:
    """The baseline: the loaded certificates, dumped to ``spool`` as COPY text, copied back
    into a plain table of the same columns (no index, no constraint, no generator): what
    PostgreSQL alone takes to store the same rows on this machine at this moment."""
    table = connection.ops.quote_name(IssuedCertificate._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with spool.open("wb") as dump, raw.copy(f"COPY {table} TO STDOUT") as copy:
            for data in copy:
                dump.write(data)
        cursor.execute(f"CREATE TABLE bench_bare_copy (LIKE {table})")
        started = time.perf_counter()
        with spool.open("rb") as dump, raw.copy("COPY bench_bare_copy FROM STDIN") as copy:
            while block := dump.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_bare_copy")
        (rows,) = cursor.fetchone()
        cursor.execute("DROP TABLE bench_bare_copy")
    spool.unlink()
    result = {"rows": rows, "seconds": round(seconds, 2)}
    out(json.dumps({"bare_copy": result}))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tag", default="G", help="a capital letter in every generated code")
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    parser.add_argument("--sample", type=Path, help="write 1,000 sample holders here (JSON)")
    parser.add_argument(
        "--rebuild",
        action=argparse.BooleanOptionalAction,
        help="build the certificates' indexes and constraints after the load (default: by size)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SPOOL",
        help="then time a bare COPY of the same certificates into a plain table (dump to SPOOL)",
    )
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", verbosity=0)
    report = generate(scale=args.scale, seed=args.seed, tag=args.tag, rebuild=args.rebuild)
    if args.sample:
        args.sample.write_text(json.dumps(report["sample"], ensure_ascii=False), encoding="utf-8")
    if args.baseline:
        bare_copy(args.baseline)


if __name__ == "__main__":
    main()
