"""xlsx import of schools, specialties and yearly enrolment (spec "schools")."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onex.core.errors import Forbidden
from onex.core.import_services import import_submit
from onex.core.imports import get_spec
from onex.core.models import AuditEvent, ImportJob, ImportStatus
from onex.core.xlsx import template_response
from onex.pilots.models import School, Specialty, SpecialtyEnrolment
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db

HEADERS = [
    "学校标识码",
    "学校名称",
    "学校类型",
    "所在城市",
    "专业代码",
    "专业名称",
    "招生年份",
    "招生人数",
]
LIGHT = ["4144012349", "广东轻工职业技术学院", "高等职业学校", "广州市"]
ROWS: list[list[Any]] = [
    [*LIGHT, "530802", "现代物流管理", 2021, 120],
    [*LIGHT, "530802", "现代物流管理", 2022, 135],
    [*LIGHT, "530802", "现代物流管理", 2023, 150],
    [*LIGHT, "530701", "电子商务", 2023, 90],
    ["4144030002", "深圳信息职业技术学院", "高等职业学校", "440300", "", "", "", ""],
]


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("试点院校")
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value != "":
                # Codes are text cells, as the template formats them.
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[..., ImportJob]:
    def run(persona: Persona, content: bytes) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=persona.actor,
                spec_name="schools",
                uploaded_file=SimpleUploadedFile("学校.xlsx", content),
            )
        repeat = job.is_repeat
        job.refresh_from_db()
        job.is_repeat = repeat
        return job

    return run


def errors(job: ImportJob) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def test_province_imports_schools_specialties_and_enrolment(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.gd, xlsx(ROWS))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.summary["schools_created"] == 2
    assert job.summary["specialties_changed"] == 2
    light = School.objects.get(code="4144012349")
    assert light.province.code == "440000" and light.city.code == "440100"
    assert light.unit.name == "广东轻工职业技术学院"
    logistics = Specialty.objects.get(school=light, code="530802")
    assert {e.year: e.students for e in logistics.enrolments.all()} == {
        2021: 120,
        2022: 135,
        2023: 150,
    }
    assert School.objects.get(code="4144030002").specialties.count() == 0
    assert AuditEvent.objects.filter(action="school.register").count() == 2
    assert AuditEvent.objects.filter(action="specialty.set").count() == 2


def test_reimport_is_idempotent_and_updates_changed_values(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    submit(personas.gd, xlsx(ROWS))
    events = AuditEvent.objects.count()
    # The same content in another file (rows reordered): nothing new is written.
    again = submit(personas.gd, xlsx(list(reversed(ROWS))))
    assert not again.is_repeat
    assert again.status == ImportStatus.SUCCEEDED, again.errors
    assert again.summary["schools_created"] == 0 and again.summary["specialties_changed"] == 0
    assert School.objects.filter(code__in=["4144012349", "4144030002"]).count() == 2
    assert SpecialtyEnrolment.objects.count() == 4
    # Only the import's own audit line is added.
    assert AuditEvent.objects.count() == events + 1
    changed = submit(personas.gd, xlsx([[*LIGHT, "530802", "现代物流管理", 2023, 155]]))
    assert changed.summary["specialties_changed"] == 1
    assert SpecialtyEnrolment.objects.get(specialty__code="530802", year=2023).students == 155
    assert SpecialtyEnrolment.objects.filter(specialty__code="530802").count() == 3


def test_r25_technical_school_row_is_a_row_error(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    rows = [*ROWS, ["4144019999", "广州市工贸技师学院", "技工学校", "广州市", "", "", "", ""]]
    job = submit(personas.gd, xlsx(rows))
    assert job.status == ImportStatus.FAILED
    found = errors(job)
    assert list(found) == [(7, "学校类型")]
    assert found[(7, "学校类型")].startswith("[R25]")
    assert not School.objects.filter(code__in=["4144012349", "4144019999"]).exists()


def test_province_admin_cannot_import_another_provinces_school(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    rows = [*ROWS, ["4142019999", "武汉船舶职业技术学院", "高等职业学校", "武汉市", "", "", "", ""]]
    job = submit(personas.gd, xlsx(rows))
    assert job.status == ImportStatus.FAILED
    assert "不属于本省" in errors(job)[(7, "所在城市")]
    assert not School.objects.filter(code="4144012349").exists()
    # An existing code of another province is refused too (codes are national).
    job = submit(
        personas.gd, xlsx([["4142012345", "某校", "高等职业学校", "广州市", "", "", "", ""]])
    )
    assert "其他省份" in errors(job)[(2, "学校标识码")]


def test_bad_rows_are_reported_by_row_and_column(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    rows = [
        ["414401234", "甲校", "高等职业学校", "广州市", "", "", "", ""],  # 2: short code
        ["4144012350", "乙校", "高等职业学校", "火星市", "", "", "", ""],  # 3: unknown city
        ["4144012351", "丙校", "高等职业学校", "广州市", "5308", "", 2023, ""],  # 4: half-filled
        ["4144012352", "丁校", "高等职业学校", "广州市", "530802", "物流", 2999, 10],  # 5: future
        ["4144012352", "丁校", "中等职业学校", "广州市", "530803", "报关", 2023, 10],  # 6: clash
    ]
    job = submit(personas.gd, xlsx(rows))
    found = errors(job)
    assert (2, "学校标识码") in found
    assert (3, "所在城市") in found
    assert (4, "专业名称") in found and (4, "招生人数") in found
    assert (5, "招生年份") in found
    assert (6, "学校标识码") in found
    assert not School.objects.filter(name__in=["甲校", "乙校", "丙校", "丁校"]).exists()


def test_only_national_and_province_admins_import(personas: Personas) -> None:
    spec = get_spec("schools")
    assert spec.allowed(actor=personas.ministry.actor)
    assert spec.allowed(actor=personas.gd.actor)
    for persona in (personas.gd_viewer, personas.hb, personas.gz_city, personas.gd_school):
        assert not spec.allowed(actor=persona.actor)
    with pytest.raises(Forbidden):
        import_submit(
            actor=personas.gd_school.actor,
            spec_name="schools",
            uploaded_file=SimpleUploadedFile("学校.xlsx", xlsx(ROWS)),
        )


def test_template_has_the_headers_and_explains_the_layout(personas: Personas) -> None:
    from python_calamine import CalamineWorkbook

    response = template_response(get_spec("schools"))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert workbook.get_sheet_by_index(0).to_python()[0] == HEADERS
    notes = "\n".join(str(c) for row in workbook.get_sheet_by_name("说明").to_python() for c in row)
    assert "每行填写一所学校的一个专业在一个年份的招生人数" in notes


def test_import_pages_offer_the_spec(client: Client, personas: Personas) -> None:
    client.force_login(personas.gd.user)
    response = client.get("/imports/schools/")
    assert response.status_code == 200
