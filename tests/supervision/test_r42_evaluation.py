"""R42: end-of-pilot performance evaluation of schools, each component shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from onex.core import registry
from onex.core.registry import SchoolMetric
from onex.supervision.selectors.evaluation import evaluate
from tests.factories_supervision import World
from tests.personas import Persona


@pytest.fixture
def without_metrics() -> Iterator[None]:
    """The evaluation as if no other app had registered its figure yet ("not available")."""
    saved = [m for m in (registry.school_metrics.get(n) for n in METRICS) if m is not None]
    for metric in saved:
        registry.school_metrics.unregister(metric.name)
    try:
        yield
    finally:
        for metric in saved:
            registry.school_metrics.register(metric)


METRICS = ("reporting_rate", "funds_compliance")


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


@pytest.mark.usefixtures("without_metrics")
def test_r42_score_is_the_weighted_mean_of_the_available_components(world: World) -> None:
    p = world.p
    world.ex.published(2)  # one of two passed
    rows, weights, missing = evaluate(actor=p.gd.actor)
    assert missing == ["周报报送率", "经费使用合规率"]
    row = next(e for e in rows if e.school == p.gd_school_obj)
    assert row.values["pass_rate"] == Decimal("0.5")
    assert row.values["exam_coverage"] == Decimal(1)  # both pilot students took the exam
    assert row.values["rectification"] == Decimal(1)  # no order: nothing to rectify
    assert row.values["reporting_rate"] is None and row.values["funds_compliance"] is None
    known = weights["pass_rate"] + weights["exam_coverage"] + weights["rectification"]
    expected = (
        weights["pass_rate"] * Decimal("0.5") + weights["exam_coverage"] + weights["rectification"]
    ) / known
    assert row.score == (expected * 100).quantize(Decimal("0.01"))


@pytest.mark.usefixtures("without_metrics")
def test_r42_components_other_apps_provide_come_through_the_registry(world: World) -> None:
    p = world.p

    def rate(ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
        return {pk: Decimal("0.8") for pk in ids}

    with registry.school_metrics.added(SchoolMetric("reporting_rate", "周报报送率", rate)):
        rows, _weights, missing = evaluate(actor=p.gd.actor)
    assert missing == ["经费使用合规率"]
    assert rows[0].values["reporting_rate"] == Decimal("0.8")


def test_r42_funds_compliance_comes_from_funding(world: World) -> None:
    rows, _weights, missing = evaluate(actor=world.p.gd.actor)
    assert "经费使用合规率" not in missing
    row = next(e for e in rows if e.school == world.p.gd_school_obj)
    assert row.values["funds_compliance"] == Decimal(1)  # nothing fell due: fully compliant


@pytest.mark.usefixtures("without_metrics")
def test_r42_page_api_and_export_show_not_available(world: World) -> None:
    p = world.p
    page = _client(p.gd).get(reverse("supervision:evaluation"))
    assert page.status_code == 200
    assert 'data-na="reporting_rate"' in page.content.decode()
    api = _client(p.gd).get("/api/v1/supervision/evaluations").json()
    assert api["not_available"] == ["周报报送率", "经费使用合规率"]
    assert api["schools"][0]["components"]["reporting_rate"] is None
    assert (
        _client(p.gd).get(reverse("supervision:evaluation"), {"format": "xlsx"}).status_code == 200
    )
    assert _client(p.gd_school).get(reverse("supervision:evaluation")).status_code == 403


def test_r42_reporting_rate_comes_from_the_weekly_reports(world: World) -> None:
    rows, _weights, missing = evaluate(actor=world.p.gd.actor)
    assert "周报报送率" not in missing
    assert all("reporting_rate" in row.values for row in rows)
