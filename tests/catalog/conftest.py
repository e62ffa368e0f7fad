from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from onex.catalog.models import Batch, Certificate, OrgFiling
from onex.catalog.services.filings import filing_create
from onex.core.actors import Actor
from tests.factories import (
    filing_input,
    letter,
    logistics_certificate,
    sign_agreement,
    use_tmp_media,
)
from tests.personas import Personas, division

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


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[None]:
    use_tmp_media(settings, tmp_path)
    yield


@dataclass
class Catalog:
    p: Personas
    batch: Batch
    certificate: Certificate

    def sign_agreement(self) -> None:
        sign_agreement(self.p)

    def draft(self, province: str = "440000", **overrides: Any) -> OrgFiling:
        return filing_create(
            actor=self.p.org.actor,
            org=self.p.org_obj,
            province=division(province),
            certificate=self.certificate,
            data=filing_input(**overrides),
            letter=letter(),
        )


@pytest.fixture
def catalog(personas: Personas) -> Catalog:
    batch, certificate = logistics_certificate(
        personas, specialties=["物流管理", "现代物流管理"], ceilings=["300", "400.50"]
    )
    return Catalog(p=personas, batch=batch, certificate=certificate)


def system() -> Actor:
    return Actor.system()
