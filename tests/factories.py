"""Builders shared by the apps' test suites, through the services as in production.

The catalogue certificate the demo org examines (batch 2, C2-01 物流管理), the org's agreement
with the Ministry (R18) and an accepted provincial filing (R38), plus uploads and a temporary
media folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from onex.catalog.models import Batch, Certificate, Gender, Level, OrgFiling
from onex.catalog.services.batches import batch_create
from onex.catalog.services.certificates import certificate_create, certificate_level_set
from onex.catalog.services.filings import (
    FilingInput,
    StaffMember,
    filing_accept,
    filing_create,
    filing_submit,
)
from onex.catalog.services.orgs import agreement_sign
from onex.core.actors import Actor
from tests.personas import Personas, division

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# A valid resident ID number (GB 11643 checksum) used only in tests.
ID_NUMBER = "11010519491231002X"


def use_tmp_media(settings: Any, tmp_path: Path) -> None:
    """Uploads go to the test's temporary folder (call from an autouse fixture)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"


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


def logistics_certificate(
    p: Personas,
    *,
    specialties: Sequence[str] = ("物流管理",),
    ceilings: Sequence[str] = ("300", "300"),
) -> tuple[Batch, Certificate]:
    """Batch 2 and its certificate C2-01 of the demo org, with junior and intermediate ceilings."""
    ministry = p.ministry.actor
    batch = batch_create(actor=ministry, number=2, published_on=dt.date(2019, 9, 11))
    certificate = certificate_create(
        actor=ministry,
        code="C2-01",
        name="物流管理",
        org=p.org_obj,
        batch=batch,
        position=1,
        field="物流",
        specialties=list(specialties),
    )
    for level, ceiling in zip((Level.JUNIOR, Level.INTERMEDIATE), ceilings, strict=True):
        certificate_level_set(
            actor=ministry, certificate=certificate, level=level, cost_ceiling=ceiling
        )
    return batch, certificate


def sign_agreement(p: Personas) -> None:
    """The demo org's agreement with the Ministry (R18)."""
    agreement_sign(
        actor=p.ministry.actor,
        org=p.org_obj,
        signed_on=dt.date(2019, 10, 1),
        counterparty="教育部职业技术教育中心研究所",
    )


def draft_filing(
    p: Personas, certificate: Certificate, province: str = "440000", **overrides: Any
) -> OrgFiling:
    """The demo org's draft filing in ``province``, with the letter (form fields overridable)."""
    return filing_create(
        actor=p.org.actor,
        org=p.org_obj,
        province=division(province),
        certificate=certificate,
        data=filing_input(**overrides),
        letter=letter(),
    )


def accept_filing(
    p: Personas, certificate: Certificate, province: str = "440000", reviewer: Actor | None = None
) -> OrgFiling:
    """The demo org's filing in ``province``, submitted and accepted (by default by that
    province's persona: Guangdong or Hubei)."""
    filing = draft_filing(p, certificate, province)
    filing_submit(actor=p.org.actor, filing=filing)
    if reviewer is None:
        reviewer = (p.gd if province == "440000" else p.hb).actor
    return filing_accept(actor=reviewer, filing=filing)
