"""Builders for the catalogue's tests: the logistics certificate of batch 2 with its
specialties and ceilings, the org's filings drafted through the services, and the second batch
in its published order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from onex.catalog.models import Batch, Certificate, OrgFiling
from tests.factories import draft_filing, logistics_certificate, sign_agreement
from tests.personas import Personas

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32

# Second batch (教职成司函〔2019〕89号), in the notice's order.
SECOND_BATCH = [
    "电子商务数据分析",
    "网店运营推广",
    "工业机器人操作与运维",
    "工业机器人应用编程",
    "特殊焊接技术",
    "智能财税",
    "母婴护理",
    "传感网应用开发",
    "失智老年人照护",
    "云计算平台运维与开发",
]


@dataclass
class Catalog:
    """The personas with the demo org's certificate C2-01 (two specialties, two ceilings)."""

    p: Personas
    batch: Batch
    certificate: Certificate

    def sign_agreement(self) -> None:
        sign_agreement(self.p)

    def draft(self, province: str = "440000", **overrides: Any) -> OrgFiling:
        return draft_filing(self.p, self.certificate, province, **overrides)


@pytest.fixture(name="catalog")
def catalog_fixture(personas: Personas) -> Catalog:
    batch, certificate = logistics_certificate(
        personas, specialties=["物流管理", "现代物流管理"], ceilings=["300", "400.50"]
    )
    return Catalog(p=personas, batch=batch, certificate=certificate)
