"""bench/generate.py makes data the product reads as its own (S=0.001, both databases)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection
from django.test import override_settings

from onex.catalog.models import Certificate, CertificateLevel, Org
from onex.certificates.models import IssuedCertificate, NumberSeries
from onex.certificates.selectors import certificates as selectors
from onex.core import crypto, crypto_gm
from onex.core.personal import ID_NUMBER_HASH_PURPOSE, mask_id_number
from onex.pilots.models import School
from onex.reporting.models import Report, ReportKind, ReportVersion
from onex.reporting.selectors import Scope, compliance

GENERATE = Path(__file__).resolve().parents[2] / "bench" / "generate.py"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("onex_bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_generated_national_data_has_the_scaled_sizes_and_verifies_publicly() -> None:
    generator = load_generator()
    report = generator.generate(scale=0.001, out=lambda _line: None)
    sizes = report["sizes"]
    assert Org.objects.filter(name__startswith="生成").count() == sizes["orgs"]
    assert Certificate.objects.filter(code__startswith="G").count() == sizes["certificates"]
    assert CertificateLevel.objects.filter(certificate__code__startswith="G").count() == (
        3 * sizes["certificates"]
    )
    assert School.objects.filter(code__startswith="G").count() == sizes["schools"]
    assert IssuedCertificate.objects.count() == sizes["issued"] == 10_000
    # Every series' counter equals its highest serial: the next issue continues gap-free.
    for series in NumberSeries.objects.order_by("?")[:20]:
        serials = IssuedCertificate.objects.filter(series=series).values_list("serial", flat=True)
        assert sorted(serials) == list(range(1, series.last + 1))
    # 52 weeks of weekly reports from the confirmed schools: some missing, some late.
    pilots = School.objects.filter(code__startswith="G", pilot_since__isnull=False)
    assert 0 < pilots.count() < sizes["schools"]
    reports = Report.objects.filter(kind=ReportKind.WEEKLY, unit__school__in=pilots)
    weeks = set(reports.values_list("period_start", flat=True))
    assert len(weeks) == 52
    owed = sum(
        sum(1 for week in weeks if week >= since)
        for since in pilots.values_list("pilot_since", flat=True)
    )
    assert 0.85 * owed < reports.count() < owed
    late = reports.filter(is_late=True)
    assert 0 < late.count() < 0.2 * reports.count()
    assert all(r.submitted_at > r.due_at for r in late[:50])
    assert ReportVersion.objects.filter(report__in=reports).count() == reports.count()
    # The product's compliance figures read them as its own.
    nation = compliance(
        kind=ReportKind.WEEKLY,
        level="nation",
        scope=Scope(),
        start=min(weeks),
        end=max(weeks) + dt.timedelta(days=6),
    )[0]
    assert (nation.expected, nation.actual) == (owed, reports.count())
    assert nation.on_time == reports.count() - late.count()
    # The public page finds a generated certificate by number and name, and by name + ID.
    sample = report["sample"][5]
    found = selectors.public_verify(number=sample["number"], name=sample["name"])
    assert found.number == sample["number"]


@pytest.mark.django_db
def test_a_generated_holder_is_found_by_name_and_id_number() -> None:
    report = load_generator().generate(scale=0.001, out=lambda _line: None)
    holder = report["sample"][0]
    found = selectors.public_query(name=holder["name"], id_number=holder["id_number"])
    assert holder["number"] in {c.number for c in found}
    # A learner holds two of the 10,000 certificates: sealed once, the same blob in both rows,
    # which the product opens in either, with the product's hash and mask.
    mine = IssuedCertificate.objects.get(number=holder["number"])
    held = list(IssuedCertificate.objects.filter(id_number_hash=mine.id_number_hash))
    assert len(held) == 2
    assert held[0].id_number_enc == held[1].id_number_enc
    for certificate in held:
        opened = crypto.decrypt(
            certificate.id_number_enc, context="certificates.issuedcertificate.id_number"
        )
        assert opened.decode() == holder["id_number"]
        assert certificate.id_number_hash == crypto.keyed_hash(
            holder["id_number"], purpose=ID_NUMBER_HASH_PURPOSE
        )
        assert certificate.id_number_masked == mask_id_number(holder["id_number"])
    # Learners differ: no two learners share a blob (every learner had its own nonce).
    blobs = IssuedCertificate.objects.values_list("id_number_enc", flat=True)
    assert len({bytes(b) for b in blobs}) == sizes_learners(report)


def sizes_learners(report: dict[str, object]) -> int:
    sizes = report["sizes"]
    assert isinstance(sizes, dict)
    return min(int(sizes["learners"]), int(sizes["issued"]))


def _schema(table: str) -> tuple[list[str], list[tuple[str, str, bool, bool, bool]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table]
        )
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), condeferrable, condeferred, convalidated "
            "FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY conname",
            [table],
        )
        return indexes, cursor.fetchall()


@pytest.mark.django_db
def test_a_load_with_the_indexes_built_after_it_leaves_the_schema_as_migrated() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("indexes are dropped and rebuilt around the load on PostgreSQL only")
    table = IssuedCertificate._meta.db_table
    before = _schema(table)
    assert len(before[0]) > 10  # the migrations' indexes, checked below one by one
    report = load_generator().generate(scale=0.001, out=lambda _line: None, rebuild=True)
    assert _schema(table) == before
    assert "certificates.IssuedCertificate indexes" in report["table_seconds"]
    holder = report["sample"][3]
    found = selectors.public_query(name=holder["name"], id_number=holder["id_number"])
    assert holder["number"] in {c.number for c in found}


@pytest.mark.parametrize("suite", ["intl", "gm"])
def test_the_bulk_sealer_and_hasher_give_what_encrypt_and_keyed_hash_give(suite: str) -> None:
    if suite == "gm" and not crypto_gm.available():
        pytest.skip("no SM4 in this installation")
    with override_settings(ONEX_CRYPTO_SUITE=suite):
        seal = crypto.encrypter(context="a.b")
        first, second = seal("110101198501010013"), seal("110101198501010013")
        assert first != second  # a fresh nonce per blob
        assert first[:5] == crypto.encrypt("x", context="a.b")[:5]  # suite and key id
        for blob in (first, second):
            assert crypto.decrypt(blob, context="a.b") == b"110101198501010013"
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(first, context="a.c")
        hasher = crypto.keyed_hasher(purpose=ID_NUMBER_HASH_PURPOSE)
        for value in ("110101198501010013", "E12345678", ""):
            assert hasher(value) == crypto.keyed_hash(value, purpose=ID_NUMBER_HASH_PURPOSE)
