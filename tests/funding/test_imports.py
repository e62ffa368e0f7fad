"""Bulk input of allocations (R17) and of a school's teachers by xlsx (core import framework):
template, row-level Chinese errors, all or nothing, scoped per actor."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onex.core.errors import Forbidden
from onex.core.import_services import import_submit
from onex.core.models import ImportJob, ImportStatus
from onex.funding.models import Allocation, FundSource
from onex.training.models import Teacher
from tests.factories_assessment import make_id
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db

ALLOCATION_HEADERS = ["学校标识码", "资金来源", "年度", "资金名称", "金额（元）", "文号"]
TEACHER_HEADERS = ["姓名", "所在院系", "身份证号"]


def xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[..., ImportJob]:
    def run(persona: Persona, spec: str, content: bytes) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=persona.actor,
                spec_name=spec,
                uploaded_file=SimpleUploadedFile("导入.xlsx", content),
            )
        job.refresh_from_db()
        return job

    return run


def test_r17_province_imports_special_fund_allocations_to_its_schools(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    p = personas
    rows = [
        ["4144012345", "省级专项资金", "2026", "试点省级专项", "200000", "粤教职函〔2026〕1号"],
        ["4144030001", "省级专项资金", "2026", "试点省级专项", "150000.50", ""],
    ]
    job = submit(p.gd, "funding_allocations", xlsx(ALLOCATION_HEADERS, rows))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    amounts = sorted(Allocation.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("150000.50"), Decimal("200000.00")]
    assert set(Allocation.objects.values_list("source", flat=True)) == {
        FundSource.PROVINCIAL_SPECIAL
    }


def test_a_bad_allocation_row_writes_nothing_and_is_reported_in_chinese(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    rows = [
        ["4144012345", "省级专项资金", "2026", "试点省级专项", "200000", ""],  # 2 ok
        ["4142012345", "省级专项资金", "2026", "试点省级专项", "1000", ""],  # 3 Hubei's school
        ["4144030001", "中央奖补资金", "2026", "中央奖补", "1000", ""],  # 4 not the province's
        ["4144030001", "省级专项资金", "2026", "专项二", "-5", ""],  # 5 amount
        ["4144012345", "省级专项资金", "2026", "试点省级专项", "300", ""],  # 6 duplicate
    ]
    job = submit(personas.gd, "funding_allocations", xlsx(ALLOCATION_HEADERS, rows))
    assert job.status == ImportStatus.FAILED
    found = {(e["row"], e["column"]) for e in job.errors}
    assert {(3, "学校标识码"), (4, "资金来源"), (5, "金额（元）")} <= found
    assert any(e["row"] == 6 for e in job.errors)
    assert "管辖范围" in str(job.errors)
    assert not Allocation.objects.exists()


def test_only_funders_import_allocations_and_the_template_downloads(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    with pytest.raises(Forbidden):
        submit(personas.org, "funding_allocations", xlsx(ALLOCATION_HEADERS, []))
    with pytest.raises(Forbidden):
        submit(personas.gd_viewer, "funding_allocations", xlsx(ALLOCATION_HEADERS, []))
    client = Client()
    client.force_login(personas.gd.user)
    template = client.get(reverse("import_template", args=["funding_allocations"]))
    assert template.status_code == 200
    assert client.get("/api/v1/imports/funding_allocations/template").status_code == 200
    assert "funding_allocations" in client.get(reverse("funding:allocation_list")).content.decode()


def test_school_imports_its_teachers_all_or_nothing(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    bad = [
        ["周敏", "物流管理学院", make_id(1)],
        ["吴磊", "", make_id(2)[:-1] + ("0" if make_id(2)[-1] != "0" else "1")],  # 3 check digit
        ["郑洁", "", make_id(1)],  # 4 duplicate in file
    ]
    job = submit(personas.gd_school, "training_teachers", xlsx(TEACHER_HEADERS, bad))
    assert job.status == ImportStatus.FAILED
    assert {e["row"] for e in job.errors} == {3, 4}
    assert not Teacher.objects.exists()
    good = [["周敏", "物流管理学院", make_id(1)], ["吴磊", "", ""]]
    job = submit(personas.gd_school, "training_teachers", xlsx(TEACHER_HEADERS, good))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert set(Teacher.objects.values_list("name", flat=True)) == {"周敏", "吴磊"}
    assert Teacher.objects.get(name="周敏").school == personas.gd_school_obj
    again = [["周敏二", "", make_id(1)]]
    job = submit(personas.gd_school, "training_teachers", xlsx(TEACHER_HEADERS, again))
    assert job.status == ImportStatus.FAILED and "已在本校名单中" in str(job.errors)
    with pytest.raises(Forbidden):
        submit(personas.org, "training_teachers", xlsx(TEACHER_HEADERS, good))
    client = Client()
    client.force_login(personas.gd_school.user)
    assert client.get(reverse("import_template", args=["training_teachers"])).status_code == 200
