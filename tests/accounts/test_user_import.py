"""Bulk creation of a unit's users from xlsx: Chinese template, row errors, all or nothing,
an invitation for everyone."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import xlsxwriter
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from onex.accounts.models import AccessLink
from onex.core.errors import Forbidden
from onex.core.import_services import import_submit
from onex.core.models import ImportJob, ImportStatus, User
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db

HEADERS = ["用户名", "姓名", "电子邮箱", "角色", "联系电话"]


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
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
    def run(persona: Persona, content: bytes) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=persona.actor,
                spec_name="accounts_users",
                uploaded_file=SimpleUploadedFile("用户.xlsx", content),
            )
        job.refresh_from_db()
        return job

    return run


def rows() -> list[list[str]]:
    return [
        ["t-zhang", "张老师", "zhang@example.cn", "经办人", ""],
        ["t-li", "李老师", "li@example.cn", "查看者", "020-12345678"],
    ]


def test_school_admin_imports_staff_each_invited(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.gd_school, xlsx(rows()))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.summary == {"rows": 2, "created": 2}
    li = User.objects.get(username="t-li")
    assert li.unit == personas.gd_school.unit and li.role == "viewer"
    assert not li.has_usable_password()
    assert AccessLink.objects.filter(user__username__in=["t-zhang", "t-li"]).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["li@example.cn", "zhang@example.cn"]


def test_row_errors_name_row_column_and_nothing_is_written(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    bad = [
        *rows(),
        ["gd-admin", "重名", "x@example.cn", "经办人", ""],  # username taken
        ["t-wang", "王老师", "not-an-email", "经办人", ""],
        ["t-zhao", "赵老师", "zhao@example.cn", "校长", ""],  # unknown role
        ["t-zhang", "又一个", "z2@example.cn", "经办人", ""],  # duplicate in file
    ]
    job = submit(personas.gd_school, xlsx(bad))
    assert job.status == ImportStatus.FAILED
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert (4, "用户名") in errors
    assert (5, "电子邮箱") in errors
    assert (6, "角色") in errors
    assert any(row == 7 for row, _col in errors)
    assert not User.objects.filter(username__startswith="t-").exists()
    assert not AccessLink.objects.exists()


def test_email_is_required_in_the_file(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.gd_school, xlsx([["t-a", "甲", "", "经办人", ""]]))
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["column"] == "电子邮箱"


def test_only_admins_import_users(personas: Personas) -> None:
    for persona in (personas.gd_viewer, personas.hb, personas.gz_city):
        with pytest.raises(Forbidden):
            import_submit(
                actor=persona.actor,
                spec_name="accounts_users",
                uploaded_file=SimpleUploadedFile("用户.xlsx", xlsx(rows())),
            )


def test_template_has_chinese_headers(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.gd_school.user)
    response = client.get("/imports/accounts_users/template.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    header = sheet.to_python()[0]
    assert header[:5] == HEADERS
