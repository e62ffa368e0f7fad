"""bench/generate.py makes data the product reads as its own (S=0.001, both databases)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from onex.catalog.models import Certificate, CertificateLevel, Org
from onex.certificates.models import IssuedCertificate, NumberSeries
from onex.certificates.selectors import certificates as selectors
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
