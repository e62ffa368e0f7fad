"""P4: the national and provincial overview and workbenches cost the same number of queries
whatever the data's size, and count certificates from the tallies, never the certificates."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onex.certificates.models import IssuedCertificate
from onex.reporting.models import Report
from tests.personas import Persona, Personas

GENERATE = Path(__file__).resolve().parents[2] / "bench" / "generate.py"
SCALE = 0.00001  # the generator's minimum: 31 schools and their weekly reports, 100 certificates
YEAR = 2025  # the generated certificates span 2020–2025, the weekly reports 2025
URLS = [
    *(
        f"/api/v1/reporting/overview?dimension={dimension}&year={YEAR}"
        for dimension in ("province", "certificate", "level", "month")
    ),
    f"/reporting/overview/?year={YEAR}",
    f"/reporting/overview/?year={YEAR}&dimension=certificate",
    f"/reporting/overview/?year={YEAR}&province=440000",
    f"/api/v1/reporting/overview/cities?province=440000&year={YEAR}",
    "/",
]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("onex_bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _counts(personas: list[Persona]) -> dict[tuple[str, str], int]:
    counts = {}
    for persona in personas:
        client = Client()
        client.force_login(persona.user)
        for url in URLS:
            client.get(url)  # warm the caches (policy profile, calendar) alike for both passes
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            key = (persona.user.username, url)
            counts[key] = len(queries.captured_queries)
            # The overview, and the drill-down into one province's cities (where a province
            # official lands), read the certificate tallies and the compliance summary: never
            # the certificates nor the weekly reports.
            if "overview" in url:
                for model in (IssuedCertificate, Report):
                    table = f'"{model._meta.db_table}"'
                    assert not any(table in q["sql"] for q in queries.captured_queries), (
                        url,
                        model,
                    )
    return counts


@pytest.mark.django_db
def test_overview_and_workbench_queries_do_not_grow_with_the_data(personas: Personas) -> None:
    officials = [personas.ministry, personas.gd]
    generate = _generator().generate
    generate(scale=SCALE, tag="G", out=lambda _line: None)
    small = _counts(officials)
    generate(scale=SCALE * 3, seed=2, tag="H", out=lambda _line: None)
    large = _counts(officials)
    assert small == large


@pytest.mark.django_db
def test_officials_card_totals_equal_the_nation_level_figures(personas: Personas) -> None:
    from django.utils import timezone

    from onex.core.dashboard import dashboard_for
    from onex.reporting.models import ReportKind
    from onex.reporting.selectors import actor_scope, compliance

    _generator().generate(scale=SCALE, tag="G", out=lambda _line: None)
    today = timezone.localdate()
    for persona in (personas.ministry, personas.gd):
        actor = persona.actor
        whole = compliance(
            kind=ReportKind.WEEKLY,
            level="nation",
            scope=actor_scope(actor=actor),
            start=today.replace(month=1, day=1),
            end=today,
        )[0]
        assert whole.expected > 0
        figure = next(f for f in dashboard_for(actor=actor).figures if f.label == "本年周报报送率")
        assert figure.note == f"应报 {whole.expected} 份，实报 {whole.actual} 份"
