"""core.bulk.update_rows writes many rows to different values in one statement per chunk."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onex.catalog.models import CertificateLevel
from onex.core.bulk import update_rows
from onex.core.models import Unit, UnitKind
from tests.factories_catalog import logistics_certificate
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_nulls_included(personas: Personas) -> None:
    _batch, certificate = logistics_certificate(personas)
    levels = list(CertificateLevel.objects.filter(certificate=certificate).order_by("level"))
    assert len(levels) >= 2
    values = [Decimal("123.45"), None, Decimal("0.10")]
    for level, value in zip(levels, values, strict=False):
        level.cost_ceiling = value
        level.description = f"说明 {level.level}"
    with CaptureQueriesContext(connection) as queries:
        written = update_rows(CertificateLevel, levels, ["cost_ceiling", "description"])
    assert written == len(levels)
    assert len(queries.captured_queries) == 1
    stored = {lv.pk: (lv.cost_ceiling, lv.description) for lv in CertificateLevel.objects.all()}
    for level, value in zip(levels, values, strict=False):
        assert stored[level.pk] == (value, f"说明 {level.level}")


def test_rows_are_sent_in_chunks_and_untouched_rows_stay(personas: Personas) -> None:
    units = [Unit.objects.create(kind=UnitKind.ORG, name=f"单位{i}") for i in range(7)]
    bystander = Unit.objects.create(kind=UnitKind.ORG, name="旁观者")
    for i, unit in enumerate(units):
        unit.name = f"新名称{i}"
        unit.is_active = i % 2 == 0
    with CaptureQueriesContext(connection) as queries:
        update_rows(Unit, units, ["name", "is_active"], chunk=3)
    assert len(queries.captured_queries) == 3
    for i, unit in enumerate(units):
        unit.refresh_from_db()
        assert (unit.name, unit.is_active) == (f"新名称{i}", i % 2 == 0)
    bystander.refresh_from_db()
    assert bystander.name == "旁观者" and bystander.is_active


def test_a_stage_updates_many_rows_in_one_statement_and_goes_with_its_transaction(
    personas: Personas,
) -> None:
    from django.db import transaction

    from onex.core.bulk import Stage

    units = [Unit.objects.create(kind=UnitKind.ORG, name=f"单位{i}") for i in range(5)]
    bystander = Unit.objects.create(kind=UnitKind.ORG, name="旁观者")
    name_field = Unit._meta.get_field("name")
    assert Unit._meta.pk is not None
    with transaction.atomic():
        stage = Stage(connection, [("pk", Unit._meta.pk), ("name", name_field)])  # type: ignore[list-item]
        assert stage.load((unit.pk, f"新名称{i}") for i, unit in enumerate(units)) == 5
        with CaptureQueriesContext(connection) as queries:
            written = stage.update(
                Unit, key="pk", assign={"name": "name"}, constants={"is_active": False}
            )
        assert written == 5 and len(queries.captured_queries) == 1
        assert set(Unit.objects.filter(pk__in=stage.select("pk")).values_list("pk", flat=True)) == {
            unit.pk for unit in units
        }
        stage.drop()
    for i, unit in enumerate(units):
        unit.refresh_from_db()
        assert (unit.name, unit.is_active) == (f"新名称{i}", False)
    bystander.refresh_from_db()
    assert bystander.name == "旁观者" and bystander.is_active
