from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onex.catalog.models import Batch, Certificate, Gender, Level, OrgFiling
from onex.catalog.services import (
    FilingInput,
    StaffMember,
    agreement_sign,
    batch_create,
    certificate_create,
    certificate_level_set,
    filing_create,
)
from onex.core.actors import Actor
from tests.personas import Personas, division

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
# A valid resident ID number (GB 11643 checksum) used only in tests.
ID_NUMBER = "11010519491231002X"

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
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


def letter(name: str = "授权函.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def filing_input(**overrides: Any) -> FilingInput:
    values: dict[str, Any] = {
        "person_name": "李四",
        "person_gender": Gender.MALE,
        "person_phone": "13800000000",
        "person_birth_date": dt.date(1949, 12, 1),
        "person_email": "lisi@example.com",
        "id_number": ID_NUMBER,
        "person_address": "北京市朝阳区",
        "org_profile": "物流行业培训评价组织。",
        "staff": [StaffMember(name="王五", phone="13900000000", duty="考务")],
        "training_plan": "2020 年师资培训两期。",
        "exam_plan": "2020 年 12 月考核。",
    }
    values.update(overrides)
    return FilingInput(**values)


@dataclass
class Catalog:
    p: Personas
    batch: Batch
    certificate: Certificate

    def sign_agreement(self) -> None:
        agreement_sign(
            actor=self.p.ministry.actor,
            org=self.p.org_obj,
            signed_on=dt.date(2019, 10, 1),
            counterparty="教育部职业技术教育中心研究所",
        )

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
    ministry = personas.ministry.actor
    batch = batch_create(actor=ministry, number=2, published_on=dt.date(2019, 9, 11))
    certificate = certificate_create(
        actor=ministry,
        code="C2-01",
        name="物流管理",
        org=personas.org_obj,
        batch=batch,
        position=1,
        field="物流",
        specialties=["物流管理", "现代物流管理"],
    )
    for level, ceiling in ((Level.JUNIOR, "300"), (Level.INTERMEDIATE, "400.50")):
        certificate_level_set(
            actor=ministry, certificate=certificate, level=level, cost_ceiling=ceiling
        )
    return Catalog(p=personas, batch=batch, certificate=certificate)


def system() -> Actor:
    return Actor.system()
