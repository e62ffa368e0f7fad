"""The bulk input framework, proven on the holiday notice importer."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.db import IntegrityError, transaction
from django.test import Client
from python_calamine import CalamineWorkbook

from onex.core.errors import Forbidden
from onex.core.import_services import import_submit
from onex.core.imports import ImportFileError
from onex.core.models import AuditEvent, HolidayNotice, ImportJob, ImportStatus
from onex.core.xlsx import content_disposition, export_response
from tests.core.conftest import SPEC, upload
from tests.personas import Personas

HEADERS = ["日期", "类型", "节日", "依据"]
GOOD_ROWS: list[list[Any]] = [
    [dt.date(2030, 9, 29), "调休上班", "国庆节", "国办发明电〔2029〕7号"],
    [dt.date(2030, 10, 1), "放假", "国庆节", ""],
    ["2030/10/2", "放假", "国庆节", ""],
]


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, skip: int = 0) -> bytes:
    """A workbook whose header sits on Excel row ``skip + 1`` (title rows above it)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("节假日安排")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    if skip:
        sheet.write_string(0, 0, "2030年节假日安排")
    sheet.write_row(skip, 0, headers)
    for r, row in enumerate(rows, start=skip + 1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date_format)
            elif value != "":
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def test_good_file_imports_every_row(personas: Personas, submit: Callable[..., ImportJob]) -> None:
    job = submit(personas.ministry, xlsx_bytes(HEADERS, GOOD_ROWS))

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.summary == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert job.progress_percent == 100
    notices = {n.date: n for n in HolidayNotice.objects.all()}
    assert notices[dt.date(2030, 9, 29)].kind == "workday"
    assert notices[dt.date(2030, 10, 2)].kind == "holiday"
    assert notices[dt.date(2030, 9, 29)].note == "国办发明电〔2029〕7号"
    assert notices[dt.date(2030, 10, 1)].created_by == personas.ministry.user
    assert AuditEvent.objects.filter(action="import.succeeded", target_id=str(job.pk)).exists()
    assert AuditEvent.objects.filter(action="calendar.notice_import").count() == 3


def test_bad_file_reports_every_bad_row_and_writes_nothing(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    rows = [
        [dt.date(2030, 10, 1), "放假", "国庆节", ""],  # row 2: fine
        ["2030-13-45", "放假", "国庆节", ""],  # row 3: bad date
        [dt.date(2030, 10, 3), "休息", "国庆节", ""],  # row 4: unknown type
        [dt.date(2030, 10, 4), "放假", "", ""],  # row 5: missing required name
        ["2030-10-01", "放假", "国庆节", ""],  # row 6: duplicates row 2
        ["", "", "", ""],  # row 7: blank, ignored
        [dt.date(2030, 10, 5), "", "国庆节", "x" * 201],  # row 8: two errors
    ]
    job = submit(personas.ministry, xlsx_bytes(HEADERS, rows))

    assert job.status == ImportStatus.FAILED
    found = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert set(found) == {
        (3, "日期"),
        (4, "类型"),
        (5, "节日"),
        (6, "日期"),
        (8, "类型"),
        (8, "依据"),
    }
    assert "日期格式不正确" in found[(3, "日期")]
    assert "放假、调休上班" in found[(4, "类型")]
    assert found[(5, "节日")] == "必填项不能为空"
    assert found[(6, "日期")] == "与第 2 行重复"
    assert "200" in found[(8, "依据")]
    assert job.error_count == 6
    assert HolidayNotice.objects.count() == 0  # the good row 2 was not written either
    assert not AuditEvent.objects.filter(action="import.succeeded").exists()


def test_row_numbers_are_excel_rows_below_a_title_row(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    rows = [[dt.date(2030, 10, 1), "放假", "国庆节", ""], ["bad", "放假", "国庆节", ""]]
    job = submit(personas.ministry, xlsx_bytes(HEADERS, rows, skip=2))

    # Title on row 1, blank row 2, header row 3: the bad row is row 5 as Excel shows it.
    assert [(e["row"], e["column"]) for e in job.errors] == [(5, "日期")]


def test_missing_column_is_a_clear_file_error(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.ministry, xlsx_bytes(["日期", "节日"], [["2030-10-01", "国庆节"]]))

    assert job.status == ImportStatus.FAILED
    assert job.errors == [{"row": None, "column": "", "message": "缺少必需的列：类型。"}]


def test_header_only_file_says_there_are_no_rows(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.ministry, xlsx_bytes(HEADERS, []))

    assert job.status == ImportStatus.FAILED
    assert "没有数据行" in job.errors[0]["message"]


def test_extra_columns_are_reported_and_order_does_not_matter(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    headers = ["序号", "节日", "类型", "日期*"]
    job = submit(personas.ministry, xlsx_bytes(headers, [[1, "国庆节", "放假", "2030-10-01"]]))

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.warnings == ["以下列未识别，已忽略：序号。"]
    assert HolidayNotice.objects.get().name == "国庆节"


def test_wrong_file_type_is_refused_at_upload(personas: Personas) -> None:
    with pytest.raises(ImportFileError, match="文件类型不正确"):
        import_submit(
            actor=personas.ministry.actor,
            spec_name=SPEC,
            uploaded_file=upload("日期,类型\n2030-10-01,放假\n".encode(), "节假日.csv"),
        )
    with pytest.raises(ImportFileError, match="文件为空"):
        import_submit(actor=personas.ministry.actor, spec_name=SPEC, uploaded_file=upload(b""))
    assert not ImportJob.objects.exists()


def test_zip_that_is_not_a_workbook_is_refused_at_upload_with_a_clear_message(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ImportFileError) as exc:
        submit(personas.ministry, buffer.getvalue(), "报告.docx")

    assert "无法读取该文件" in str(exc.value.message) and exc.value.field == "file"
    assert not ImportJob.objects.exists()


def test_reupload_of_the_same_good_file_is_a_noop(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    content = xlsx_bytes(HEADERS, GOOD_ROWS)
    first = submit(personas.ministry, content)
    again = submit(personas.ministry, content, "另一个名字.xlsx")

    assert again.pk == first.pk
    assert again.is_repeat
    assert ImportJob.objects.count() == 1
    assert HolidayNotice.objects.count() == 3
    assert AuditEvent.objects.filter(action="import.succeeded").count() == 1


def test_reupload_after_a_failure_runs_again(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    content = xlsx_bytes(HEADERS, GOOD_ROWS)
    failed = submit(personas.ministry, content)
    ImportJob.objects.filter(pk=failed.pk).update(status=ImportStatus.FAILED)
    HolidayNotice.objects.all().delete()

    again = submit(personas.ministry, content)

    assert again.pk != failed.pk
    assert not again.is_repeat
    assert again.status == ImportStatus.SUCCEEDED
    assert HolidayNotice.objects.count() == 3


def test_existing_dates_are_updated_and_unchanged_ones_left_alone(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    HolidayNotice.objects.create(date=dt.date(2030, 10, 1), kind="workday", name="旧")
    HolidayNotice.objects.create(date=dt.date(2030, 10, 2), kind="holiday", name="国庆节")

    job = submit(personas.ministry, xlsx_bytes(HEADERS, GOOD_ROWS))

    assert job.summary == {"rows": 3, "created": 1, "updated": 1, "unchanged": 1}
    updated = HolidayNotice.objects.get(date=dt.date(2030, 10, 1))
    assert (updated.kind, updated.name) == ("holiday", "国庆节")
    assert HolidayNotice.objects.count() == 3


def test_only_national_admins_may_import_holiday_notices(personas: Personas) -> None:
    content = xlsx_bytes(HEADERS, GOOD_ROWS)
    for persona in (personas.aggregator, personas.gd, personas.gd_school):
        with pytest.raises(Forbidden):
            import_submit(actor=persona.actor, spec_name=SPEC, uploaded_file=upload(content))
    assert not ImportJob.objects.exists()


def test_non_admin_gets_403_on_the_page_and_the_api(personas: Personas, client: Client) -> None:
    client.force_login(personas.gd.user)

    assert client.get(f"/imports/{SPEC}/").status_code == 403
    response = client.post(
        f"/api/v1/imports/{SPEC}", {"file": upload(xlsx_bytes(HEADERS, GOOD_ROWS))}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert SPEC not in [s["name"] for s in client.get("/api/v1/imports/specs").json()]


def test_template_download_has_chinese_headers_and_an_explanation_sheet(
    personas: Personas, client: Client
) -> None:
    client.force_login(personas.ministry.user)

    for url in (f"/imports/{SPEC}/template.xlsx", f"/api/v1/imports/{SPEC}/template"):
        response = client.get(url)
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response["Content-Disposition"]
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        assert workbook.sheet_names == ["节假日安排", "说明"]
        assert workbook.get_sheet_by_index(0).to_python()[0] == HEADERS
        notes = workbook.get_sheet_by_name("说明").to_python()
        assert notes[0] == ["列名", "是否必填", "格式要求", "示例"]
        assert notes[2][:2] == ["类型", "必填"]
        assert "放假、调休上班" in notes[2][2]
        assert notes[4][:2] == ["依据", "选填"]


def test_filled_in_template_imports(personas: Personas, client: Client, submit: Any) -> None:
    """The template round-trips: rows typed into it under its own headers import cleanly."""
    import openpyxl

    client.force_login(personas.ministry.user)
    template = client.get(f"/imports/{SPEC}/template.xlsx").content
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    sheet.append(["2030-10-01", "放假", "国庆节", ""])
    out = io.BytesIO()
    workbook.save(out)

    job = submit(personas.ministry, out.getvalue())

    assert job.status == ImportStatus.SUCCEEDED, job.errors


def test_upload_page_submits_and_job_page_shows_the_errors(
    personas: Personas, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.ministry.user)
    page = client.get(f"/imports/{SPEC}/")
    assert page.status_code == 200
    assert f"/imports/{SPEC}/template.xlsx" in page.content.decode()

    bad = xlsx_bytes(HEADERS, [["2030-10-01", "休息", "国庆节", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{SPEC}/", {"file": upload(bad)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/job/{job.pk}/"

    html = client.get(response["Location"]).content.decode()
    assert "应为以下之一：放假、调休上班" in html
    assert 'hx-trigger="every 1s"' not in html  # finished: no more polling
    errors = client.get(f"/imports/job/{job.pk}/errors.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(errors.content)).get_sheet_by_index(0)
    assert rows.to_python()[:2] == [
        ["行号", "列", "错误信息"],
        [2.0, "类型", job.errors[0]["message"]],
    ]


def test_upload_page_shows_a_wrong_file_type_at_the_field(
    personas: Personas, client: Client
) -> None:
    client.force_login(personas.ministry.user)
    response = client.post(f"/imports/{SPEC}/", {"file": upload(b"not a workbook", "a.txt")})

    assert response.status_code == 200
    assert "文件类型不正确" in response.content.decode()


def test_running_job_page_polls_with_htmx(personas: Personas, client: Client) -> None:
    job = ImportJob.objects.create(
        spec_name=SPEC,
        user=personas.ministry.user,
        unit=personas.ministry.unit,
        file="imports/x.xlsx",
        file_name="x.xlsx",
        sha256="0" * 64,
        status=ImportStatus.VALIDATING,
        total_rows=400,
        processed_rows=100,
    )
    client.force_login(personas.ministry.user)

    page = client.get(f"/imports/job/{job.pk}/").content.decode()
    fragment = client.get(f"/imports/job/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 1s"' in page
    assert "<html" not in fragment
    assert 'value="25"' in fragment


def test_another_units_job_is_404(
    personas: Personas, client: Client, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.ministry, xlsx_bytes(HEADERS, GOOD_ROWS))
    client.force_login(personas.aggregator.user)

    assert client.get(f"/imports/job/{job.pk}/").status_code == 404
    assert client.get(f"/imports/job/{job.pk}/errors.xlsx").status_code == 404
    response = client.get(f"/api/v1/imports/jobs/{job.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_upload_creates_a_job_and_reports_progress(
    personas: Personas, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.ministry.user)
    content = xlsx_bytes(HEADERS, GOOD_ROWS)

    specs = {s["name"]: s for s in client.get("/api/v1/imports/specs").json()}
    assert [c["header"] for c in specs[SPEC]["columns"]] == HEADERS
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports/{SPEC}", {"file": upload(content)})
    assert response.status_code == 202
    job_id = response.json()["id"]

    detail = client.get(f"/api/v1/imports/jobs/{job_id}").json()
    assert detail["status"] == "succeeded"
    assert detail["percent"] == 100
    assert detail["summary"]["created"] == 3

    repeat = client.post(f"/api/v1/imports/{SPEC}", {"file": upload(content)})
    assert repeat.status_code == 200
    assert repeat.json()["id"] == job_id
    assert repeat.json()["repeat"] is True
    assert "未重复导入" in repeat.json()["message"]


def test_api_reports_errors_with_row_column_and_message(
    personas: Personas, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.ministry.user)
    bad = xlsx_bytes(HEADERS, [["2030-02-30", "放假", "春节", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post(f"/api/v1/imports/{SPEC}", {"file": upload(bad)}).json()["id"]

    detail = client.get(f"/api/v1/imports/jobs/{job_id}").json()
    assert detail["status"] == "failed"
    assert detail["error_count"] == 1
    assert detail["errors"][0]["row"] == 2
    assert detail["errors"][0]["column"] == "日期"


def test_export_response_keeps_chinese_filename_and_text_stays_text() -> None:
    response = export_response(
        filename="学校名单.xlsx",
        headers=["名称", "金额", "日期"],
        rows=iter([['=HYPERLINK("x")', Decimal("12.50"), dt.date(2030, 1, 2)]]),
    )

    assert response["Content-Disposition"] == content_disposition("学校名单.xlsx")
    assert "filename*=UTF-8''%E5%AD%A6" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    assert sheet.to_python() == [
        ["名称", "金额", "日期"],
        ['=HYPERLINK("x")', 12.5, dt.date(2030, 1, 2)],
    ]


def test_import_index_lists_only_the_imports_the_actor_may_run(
    personas: Personas, client: Client
) -> None:
    client.force_login(personas.ministry.user)
    assert f"/imports/{SPEC}/" in client.get("/imports/").content.decode()

    client.force_login(personas.gd.user)
    page = client.get("/imports/")
    assert page.status_code == 200
    assert f"/imports/{SPEC}/" not in page.content.decode()


@pytest.mark.parametrize("unit", ["none", "unit"])
def test_the_database_refuses_a_second_live_job_of_one_file_with_or_without_a_unit(
    personas: Personas, unit: str
) -> None:
    # Two simultaneous uploads both pass the service's look-up; the constraint decides. A
    # superuser's job has no unit, and SQL NULLs are distinct: a second constraint covers it.
    values = {
        "spec_name": SPEC,
        "sha256": "a" * 64,
        "file_name": "x.xlsx",
        "unit": personas.ministry.user.unit if unit == "unit" else None,
    }
    ImportJob.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.create(**values)
    ImportJob.objects.filter(sha256="a" * 64).update(status=ImportStatus.FAILED)
    ImportJob.objects.create(**values)  # after a failure the file may run again
