"""A school's course outcomes by xlsx (core import framework): row errors, all or nothing."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onex.core.errors import Forbidden
from onex.core.import_services import import_submit
from onex.core.models import ImportJob, ImportStatus
from onex.creditbank.models import LearningOutcome, OutcomeKind
from tests.factories_assessment import make_id
from tests.factories_creditbank import Bank, client_for
from tests.personas import Persona

HEADERS = ["姓名", "证件类型", "证件号码", "课程名称", "学分", "成绩", "学期"]


def xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[..., ImportJob]:
    def run(persona: Persona, content: bytes) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=persona.actor,
                spec_name="creditbank_courses",
                uploaded_file=SimpleUploadedFile("课程成果.xlsx", content),
            )
        job.refresh_from_db()
        return job

    return run


def test_r37_school_imports_course_outcomes_into_learning_accounts(
    bank: Bank, submit: Callable[..., ImportJob]
) -> None:
    one, two = bank.ex.student(), bank.ex.student()
    rows = [
        [one.name, "居民身份证", make_id(1), "物流基础", "3", "88", "2024-2025-1"],
        [two.name, "居民身份证", make_id(2), "仓储管理实务", "2.5", "", "2024-2025-1"],
    ]
    job = submit(bank.p.gd_school, xlsx(rows))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    outcomes = LearningOutcome.objects.filter(kind=OutcomeKind.COURSE)
    assert outcomes.count() == 2
    assert outcomes.get(course_name="仓储管理实务").credits == Decimal("2.5")


def test_a_bad_row_writes_nothing_and_is_reported_by_row_and_column(
    bank: Bank, submit: Callable[..., ImportJob]
) -> None:
    one = bank.ex.student()
    rows = [
        [one.name, "居民身份证", make_id(1), "物流基础", "3", "88", "2024-2025-1"],  # 2 ok
        ["路人", "居民身份证", make_id(555), "物流基础", "3", "88", "2024-2025-1"],  # 3 not ours
        ["别名", "居民身份证", make_id(1), "仓储", "3", "88", "2024-2025-1"],  # 4 name
        [
            one.name,
            "居民身份证",
            make_id(1),
            "运输",
            "31",
            "101",
            "2024-2025-1",
        ],  # 5 credits, score
    ]
    job = submit(bank.p.gd_school, xlsx(rows))
    assert job.status == ImportStatus.FAILED
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {(3, "证件号码"), (4, "姓名"), (5, "学分"), (5, "成绩")}
    assert make_id(555) not in str(job.errors)
    assert not LearningOutcome.objects.exists()


def test_only_schools_import_course_outcomes(bank: Bank, submit: Callable[..., ImportJob]) -> None:
    with pytest.raises(Forbidden):
        submit(bank.p.org, xlsx([]))
    client = client_for(bank.p.gd_school)
    assert client.get(reverse("import_template", args=["creditbank_courses"])).status_code == 200
