"""The Ministry imports a batch's certificate list from xlsx (spec "catalog_batch", issue 3)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onex.catalog.demo import demo_credit_code
from onex.catalog.importers import SPEC_NAME
from onex.catalog.models import Batch, Certificate, CertificateLevel, Level, Org, OrgType
from onex.catalog.services.batches import batch_create
from onex.catalog.services.certificates import certificate_create
from onex.core.errors import Forbidden
from onex.core.import_services import import_submit
from onex.core.models import AuditEvent, ImportJob, ImportStatus, Role, UnitKind
from tests.personas import Persona, Personas, make_user

HEADERS = [
    "批次",
    "公布日期",
    "证书代码",
    "证书名称",
    "培训评价组织",
    "统一社会信用代码",
    "领域",
    "对应专业",
    "初级成本上限（元）",
    "中级成本上限（元）",
    "高级成本上限（元）",
    "排序",
]
PERSONA_ORG = ("北京中物联物流采购培训中心", "91110000MA0000000H")  # tests/personas.py
NEW_ORG = "中教畅享（北京）科技有限公司"
NEW_ORG_CODE = demo_credit_code(NEW_ORG, OrgType.ENTERPRISE, "110000")
ASSOCIATION = "中国焊接协会"
ASSOCIATION_CODE = demo_credit_code(ASSOCIATION, OrgType.ASSOCIATION, "100000")
DAY = dt.date(2019, 9, 11)

GOOD_ROWS: list[list[Any]] = [
    [2, DAY, "C2-01", "物流管理", *PERSONA_ORG, "物流",
     "物流管理、现代物流管理；物流工程技术", 300, 400.5, "", 1],
    [2, DAY, "C2-02", "网店运营推广", NEW_ORG, NEW_ORG_CODE, "电子商务",
     "电子商务；网络营销、电子商务", "280", "", "", 2],
    [2, DAY, "C2-03", "电子商务数据分析", NEW_ORG, NEW_ORG_CODE, "电子商务",
     "", 0, 350, 500, 3],
    [2, DAY, "C2-05", "特殊焊接技术", ASSOCIATION, ASSOCIATION_CODE, "",
     "", "", "", "", ""],
]  # fmt: skip


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, headers: Sequence[str] = HEADERS) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("证书目录")
    day_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, day_format)
            elif isinstance(value, str) and value:
                sheet.write_string(r, c, value)  # codes stay text, as in the template
            elif value != "":
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def upload(content: bytes, name: str = "第二批证书名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[..., ImportJob]:
    """Submit as a persona and run the queued task (Huey is immediate under pytest)."""

    def run(persona: Persona, content: bytes, name: str = "第二批证书名单.xlsx") -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=persona.actor, spec_name=SPEC_NAME, uploaded_file=upload(content, name)
            )
        repeat = job.is_repeat
        job.refresh_from_db()
        job.is_repeat = repeat
        return job

    return run


def catalog_audit_count() -> int:
    return AuditEvent.objects.filter(action__startswith="catalog.").count()


def ceilings(code: str) -> dict[str, Decimal | None]:
    return {
        lv.level: lv.cost_ceiling for lv in CertificateLevel.objects.filter(certificate__code=code)
    }


def test_ministry_imports_a_batch_list_with_new_orgs_certificates_and_ceilings(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.ministry, xlsx_bytes(GOOD_ROWS))

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.summary == {
        "rows": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "batches_created": 1,
        "batches_updated": 0,
        "orgs_created": 2,
        "levels_set": 6,
    }
    batch = Batch.objects.get(number=2)
    assert batch.published_on == DAY
    logistics = Certificate.objects.get(code="C2-01")
    assert (logistics.name, logistics.org, logistics.batch) == ("物流管理", personas.org_obj, batch)
    assert (logistics.field, logistics.position) == ("物流", 1)
    assert logistics.specialty_names == ["物流管理", "现代物流管理", "物流工程技术"]
    assert ceilings("C2-01") == {
        Level.JUNIOR: Decimal("300.00"),
        Level.INTERMEDIATE: Decimal("400.50"),
    }
    assert Certificate.objects.get(code="C2-02").specialty_names == ["电子商务", "网络营销"]
    assert ceilings("C2-03") == {
        Level.JUNIOR: Decimal("0.00"),
        Level.INTERMEDIATE: Decimal("350.00"),
        Level.SENIOR: Decimal("500.00"),
    }
    assert ceilings("C2-05") == {}  # ceilings not published yet: no level rows
    # A new org is registered with its own unit, typed from its credit code.
    new_org = Org.objects.get(credit_code=NEW_ORG_CODE)
    assert (new_org.name, new_org.org_type) == (NEW_ORG, OrgType.ENTERPRISE)
    assert (new_org.unit.kind, new_org.unit.name) == (UnitKind.ORG, NEW_ORG)
    assert Org.objects.get(credit_code=ASSOCIATION_CODE).org_type == OrgType.ASSOCIATION
    assert set(new_org.certificates.values_list("code", flat=True)) == {"C2-02", "C2-03"}
    # Every write is audited by its service, and the import itself once.
    assert AuditEvent.objects.filter(action="catalog.certificate.create").count() == 4
    assert AuditEvent.objects.filter(action="catalog.org.create").count() == 2
    assert AuditEvent.objects.filter(action="catalog.level.set").count() == 6
    assert AuditEvent.objects.filter(action="import.succeeded", target_id=str(job.pk)).exists()


def test_bad_file_reports_every_bad_row_and_writes_nothing(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    bad_code = NEW_ORG_CODE[:-1] + ("0" if NEW_ORG_CODE[-1] != "0" else "1")
    rows = [
        GOOD_ROWS[0],  # row 2: fine
        [2, DAY, "C2-02", "网店运营推广", NEW_ORG, bad_code, "", "", "", "", "", ""],  # row 3
        [2, DAY, "C2-03", "电子商务数据分析", *PERSONA_ORG, "", "", -1, "", "", ""],  # row 4
        [2, DAY, "C2-04", "", *PERSONA_ORG, "", "", "", "", "", ""],  # row 5
        [2, DAY, "C2-01", "物流管理", *PERSONA_ORG, "", "", "", "", "", ""],  # row 6
        [2, dt.date(2019, 9, 12), "C2-06", "智能财税", *PERSONA_ORG, "", "", "", "", "", ""],
    ]
    before = catalog_audit_count()

    job = submit(personas.ministry, xlsx_bytes(rows))

    assert job.status == ImportStatus.FAILED
    found = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert set(found) == {
        (3, "统一社会信用代码"),
        (4, "初级成本上限（元）"),
        (5, "证书名称"),
        (6, "证书代码"),
        (7, "公布日期"),
    }
    assert "校验位" in found[(3, "统一社会信用代码")]
    assert found[(4, "初级成本上限（元）")] == "不能小于 0"
    assert found[(5, "证书名称")] == "必填项不能为空"
    assert found[(6, "证书代码")] == "与第 2 行重复"
    assert "2019-09-11" in found[(7, "公布日期")]
    assert job.error_count == 5
    # Nothing written, not even the good row 2 or the batch.
    assert not Batch.objects.exists()
    assert not Certificate.objects.exists()
    assert list(Org.objects.all()) == [personas.org_obj]
    assert catalog_audit_count() == before


def test_reimport_of_the_same_list_is_a_noop(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    # Built once: xlsx files carry their creation time, so a rebuild may differ in its bytes.
    content = xlsx_bytes(GOOD_ROWS)
    first = submit(personas.ministry, content)
    assert first.status == ImportStatus.SUCCEEDED, first.errors
    audited = catalog_audit_count()

    # The very same file: the framework answers with the first job.
    again = submit(personas.ministry, content, "再次上传.xlsx")
    assert again.pk == first.pk and again.is_repeat

    # The same content in another file (rows reordered): every row is unchanged.
    reordered = submit(personas.ministry, xlsx_bytes(list(reversed(GOOD_ROWS))))
    assert reordered.pk != first.pk
    assert reordered.status == ImportStatus.SUCCEEDED, reordered.errors
    assert reordered.summary["unchanged"] == 4
    assert reordered.summary["created"] == reordered.summary["updated"] == 0
    assert reordered.summary["orgs_created"] == reordered.summary["levels_set"] == 0
    assert catalog_audit_count() == audited
    assert Certificate.objects.count() == 4
    assert Org.objects.count() == 3
    assert CertificateLevel.objects.count() == 6


def test_reimport_updates_names_ceilings_and_the_batch_date(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    submit(personas.ministry, xlsx_bytes(GOOD_ROWS))
    changed = [list(row) for row in GOOD_ROWS]
    for row in changed:
        row[1] = dt.date(2019, 9, 12)
    changed[0][3] = "物流管理（2021 版）"
    changed[0][9] = 420  # 中级 ceiling
    changed[0][7] = ""  # empty specialties leave the list as it is

    job = submit(personas.ministry, xlsx_bytes(changed))

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert (job.summary["updated"], job.summary["unchanged"]) == (1, 3)
    assert (job.summary["batches_updated"], job.summary["levels_set"]) == (1, 1)
    logistics = Certificate.objects.get(code="C2-01")
    assert logistics.name == "物流管理（2021 版）"
    assert logistics.specialty_names == ["物流管理", "现代物流管理", "物流工程技术"]
    assert ceilings("C2-01")[Level.INTERMEDIATE] == Decimal("420.00")
    assert Batch.objects.get(number=2).published_on == dt.date(2019, 9, 12)
    assert AuditEvent.objects.filter(action="catalog.batch.update").count() == 1


def test_r24_a_certificate_code_cannot_move_to_another_batch(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    ministry = personas.ministry.actor
    first = batch_create(actor=ministry, number=1, published_on=dt.date(2019, 4, 16))
    certificate_create(
        actor=ministry, code="C2-01", name="物流管理", org=personas.org_obj, batch=first
    )

    job = submit(personas.ministry, xlsx_bytes(GOOD_ROWS[:1]))

    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "证书代码")]
    assert job.errors[0]["message"].startswith("[R24]")
    assert not Batch.objects.filter(number=2).exists()


def test_org_name_must_match_the_registered_credit_code(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    row = [2, DAY, "C2-09", "智能财税", "另一个名字", PERSONA_ORG[1], "", "", "", "", "", ""]

    job = submit(personas.ministry, xlsx_bytes([row]))

    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "培训评价组织")]
    assert PERSONA_ORG[0] in job.errors[0]["message"]


def test_ministry_staff_imports_certificates_but_not_new_orgs(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    staff = make_user("ministry-staff", personas.ministry.unit, Role.STAFF)

    refused = submit(staff, xlsx_bytes(GOOD_ROWS))
    assert refused.status == ImportStatus.FAILED
    assert {(e["row"], e["column"]) for e in refused.errors} == {
        (3, "培训评价组织"),
        (4, "培训评价组织"),
        (5, "培训评价组织"),
    }

    job = submit(staff, xlsx_bytes(GOOD_ROWS[:1]))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert Certificate.objects.get(code="C2-01").org == personas.org_obj


def test_province_is_refused_with_403(personas: Personas, client: Client) -> None:
    content = xlsx_bytes(GOOD_ROWS)
    for persona in (personas.gd, personas.aggregator, personas.org):
        with pytest.raises(Forbidden):
            import_submit(actor=persona.actor, spec_name=SPEC_NAME, uploaded_file=upload(content))

    client.force_login(personas.gd.user)
    assert client.get(f"/imports/{SPEC_NAME}/").status_code == 403
    response = client.post(f"/api/v1/imports/{SPEC_NAME}", {"file": upload(content)})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert SPEC_NAME not in [s["name"] for s in client.get("/api/v1/imports/specs").json()]
    assert not ImportJob.objects.exists()
    assert not Certificate.objects.exists()


def test_template_lists_the_catalogue_columns(personas: Personas, client: Client) -> None:
    from python_calamine import CalamineWorkbook

    client.force_login(personas.ministry.user)
    response = client.get(f"/imports/{SPEC_NAME}/template.xlsx")

    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert workbook.sheet_names[0] == "证书目录（批次）"
    assert workbook.get_sheet_by_index(0).to_python()[0][: len(HEADERS)] == HEADERS


def test_catalogue_page_offers_the_import_to_the_ministry_only(
    personas: Personas, client: Client
) -> None:
    link = f"/imports/{SPEC_NAME}/"
    assert link not in client.get("/catalog/").content.decode()
    client.force_login(personas.gd.user)
    assert link not in client.get("/catalog/").content.decode()
    client.force_login(personas.ministry.user)
    assert link in client.get("/catalog/").content.decode()
