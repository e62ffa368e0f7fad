"""R27: the provincial summary table (试点院校情况汇总表): export, submission, national table."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from onex.core.actors import Actor
from onex.core.errors import Forbidden, InvalidInput, NotFound
from onex.core.import_runs import import_files_purge
from onex.core.import_services import import_submit
from onex.core.models import AuditEvent, ImportJob, ImportStatus, PolicyScope, Role
from onex.core.policy import policy_value_set
from onex.core.xlsx import export_response
from onex.pilots import importers  # noqa: F401 (registers the spec)
from onex.pilots.models import SummaryRow, SummarySource, SummarySubmission
from onex.pilots.selectors import summary as summary_selectors
from onex.pilots.services import applications as application_services
from onex.pilots.services import summary as summary_services
from tests.factories_pilots import (
    PNG,
    certificate,
    confirmed,
    draft,
    good,
    specialty,
)
from tests.personas import Personas, division, make_user

pytestmark = pytest.mark.django_db

HEADERS = [
    "省份",
    "学校",
    "学校标识码",
    "学校类型",
    "证书",
    "等级",
    "专业",
    "专任教师数",
    "双师型教师比例",
    "行业专家比例",
    "计划学生数",
    "联系人",
    "电话",
]


def sheet_values(content: bytes) -> list[list[Any]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_index(0).to_python()


def gd_pilots(personas: Personas) -> None:
    """Two confirmed Guangdong pilots and one still waiting (not in the table)."""
    confirmed(
        personas,
        personas.gd_school,
        personas.gd_school_obj,
        personas.gd,
        data=good(team_size=11, dual_qualified_teachers=6, industry_experts=3),
    )
    confirmed(
        personas,
        personas.gd_school,
        personas.gd_school_obj,
        personas.gd,
        cert=certificate(personas, "2-01", "电子商务数据分析", "财经商贸"),
        spec=specialty(personas.gd_school_obj, "530701", "电子商务"),
    )
    waiting = draft(
        personas.gd_school,
        personas.gd_school_obj,
        personas,
        cert=certificate(personas, "2-03", "工业机器人操作与运维", "装备制造"),
    )
    application_services.application_submit(actor=personas.gd_school.actor, application=waiting)


def test_r27_province_exports_the_thirteen_columns(personas: Personas) -> None:
    gd_pilots(personas)

    response = summary_selectors.summary_export(actor=personas.gd.actor)

    rows = sheet_values(response.content)
    assert rows[0] == HEADERS
    assert len(rows) == 3  # the waiting application is not confirmed
    first = next(r for r in rows if r[4] == "智能财税")
    assert first[:3] == ["广东省", "广州番禺职业技术学院", "4144012345"]
    assert first[3] == "高等职业学校"
    assert first[5] == "初级、中级、高级"
    assert first[8:10] == ["54.55%", "27.27%"]
    assert first[11:] == ["王老师", "020-12345678"]


def test_r27_other_province_table_is_404_for_a_province(personas: Personas) -> None:
    with pytest.raises(NotFound):
        summary_selectors.summary_table_rows(actor=personas.hb.actor, province=division("440000"))


def test_r27_school_and_city_cannot_see_summary(personas: Personas) -> None:
    for persona in (personas.gd_school, personas.gz_city, personas.org):
        with pytest.raises(Forbidden):
            summary_selectors.summary_table_rows(actor=persona.actor)


def scan(name: str = "盖章扫描件.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_r27_province_submits_snapshot_and_stamped_scan(personas: Personas) -> None:
    gd_pilots(personas)

    submission = summary_services.summary_submit(
        actor=personas.gd.actor, scan=scan(), note="第二批"
    )

    assert submission.row_count == 2
    assert submission.source == SummarySource.GENERATED
    # No deadline set: the platform default (the year end) applies.
    assert submission.deadline == dt.date(timezone.localdate().year, 12, 31)
    assert not submission.is_late
    with submission.snapshot.open("rb") as handle:
        assert sheet_values(handle.read())[0] == HEADERS
    assert submission.scan.name.endswith(".png")
    assert SummaryRow.objects.filter(submission=submission).count() == 2
    assert AuditEvent.objects.filter(
        action="pilots.summary.submit", target_id=str(submission.pk)
    ).exists()


def test_r27_submission_after_profile_deadline_is_flagged_late(personas: Personas) -> None:
    gd_pilots(personas)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    policy_value_set(
        actor=personas.gd.actor,
        key="r27.summary_table_deadline",
        value=yesterday.isoformat(),
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        effective_from=dt.date(2019, 1, 1),
    )

    submission = summary_services.summary_submit(actor=personas.gd.actor, scan=scan())

    assert submission.deadline == yesterday
    assert submission.is_late


def test_r27_submission_before_deadline_is_on_time(personas: Personas) -> None:
    gd_pilots(personas)
    policy_value_set(
        actor=Actor.system(),
        key="r27.summary_table_deadline",
        value=(timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        scope=PolicyScope.NATIONAL,
        effective_from=dt.date(2019, 1, 1),
    )

    assert not summary_services.summary_submit(actor=personas.gd.actor, scan=scan()).is_late


def test_r27_summary_page_marks_the_default_deadline_as_platform_default(
    personas: Personas, client: Any
) -> None:
    client.force_login(personas.gd.user)
    html = client.get("/pilots/summary/").content.decode()
    assert "报送截止日期" in html and "平台默认值" in html
    policy_value_set(
        actor=Actor.system(),
        key="r27.summary_table_deadline",
        value=(timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        scope=PolicyScope.NATIONAL,
        effective_from=dt.date(2019, 1, 1),
    )
    assert "平台默认值" not in client.get("/pilots/summary/").content.decode()


def test_r27_scan_must_be_pdf_or_image_and_nothing_is_saved(personas: Personas) -> None:
    gd_pilots(personas)

    with pytest.raises(InvalidInput) as exc:
        summary_services.summary_submit(
            actor=personas.gd.actor, scan=scan("扫描件.png", b"not an image")
        )

    assert exc.value.field == "scan"
    assert not SummarySubmission.objects.exists()


def test_r27_empty_table_cannot_be_submitted(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        summary_services.summary_submit(actor=personas.gd.actor, scan=scan())


def test_r27_viewer_and_school_cannot_submit(personas: Personas) -> None:
    gd_pilots(personas)

    with pytest.raises(Forbidden):
        summary_services.summary_submit(actor=personas.gd_viewer.actor, scan=scan())
    with pytest.raises(Forbidden):
        summary_services.summary_submit(actor=personas.gd_school.actor, scan=scan())
    assert not SummarySubmission.objects.exists()


def test_r27_aggregator_sees_every_province_and_provinces_their_own(
    personas: Personas, profiles: None
) -> None:
    gd_pilots(personas)
    confirmed(personas, personas.hb_school, personas.hb_school_obj, personas.hb)
    gd = summary_services.summary_submit(actor=personas.gd.actor, scan=scan())
    hb = summary_services.summary_submit(actor=personas.hb.actor, scan=scan())

    assert set(summary_selectors.summary_submissions(actor=personas.aggregator.actor)) == {gd, hb}
    assert list(summary_selectors.summary_submissions(actor=personas.gd.actor)) == [gd]
    assert not summary_selectors.summary_submissions(actor=personas.gd_school.actor).exists()
    with pytest.raises(NotFound):
        summary_selectors.summary_submission_get(actor=personas.gd.actor, pk=hb.pk)

    national = summary_selectors.national_summary_rows(actor=personas.aggregator.actor)
    assert [row[0] for row in national] == ["湖北省", "广东省", "广东省"]  # by province code
    with pytest.raises(Forbidden):
        summary_selectors.national_summary_rows(actor=personas.gd.actor)


def test_r27_national_table_uses_each_provinces_latest_submission(personas: Personas) -> None:
    gd_pilots(personas)
    summary_services.summary_submit(actor=personas.gd.actor, scan=scan())
    confirmed(
        personas,
        personas.gd_school,
        personas.gd_school_obj,
        personas.gd,
        cert=certificate(personas, "2-09", "失智老年人照护", "医药卫生"),
    )
    summary_services.summary_submit(actor=personas.gd.actor, scan=scan())

    assert len(summary_selectors.national_summary_rows(actor=personas.aggregator.actor)) == 3


@pytest.fixture
def run_import(django_capture_on_commit_callbacks: Any) -> Callable[..., ImportJob]:
    def run(actor: Actor, content: bytes) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=actor,
                spec_name="pilot_summary",
                uploaded_file=SimpleUploadedFile("汇总表.xlsx", content),
            )
        job.refresh_from_db()
        return job

    return run


def test_r27_export_import_export_gives_identical_values(
    personas: Personas, run_import: Callable[..., ImportJob]
) -> None:
    gd_pilots(personas)
    exported: HttpResponse = summary_selectors.summary_export(actor=personas.gd.actor)

    job = run_import(personas.aggregator.actor, exported.content)

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    submission = SummarySubmission.objects.get(source=SummarySource.IMPORTED)
    assert submission.province == division("440000")
    again = summary_selectors.national_summary_export(actor=personas.aggregator.actor)
    assert sheet_values(again.content) == sheet_values(exported.content)
    # The snapshot is the submission's own readable copy, not the job's sealed, purged file.
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    assert import_files_purge(actor=Actor.system()) == 1
    with submission.snapshot.open("rb") as handle:
        assert sheet_values(handle.read()) == sheet_values(exported.content)


def test_r27_import_reports_bad_rows_and_writes_nothing(
    personas: Personas, run_import: Callable[..., ImportJob]
) -> None:
    gd_pilots(personas)
    good_rows = sheet_values(summary_selectors.summary_export(actor=personas.gd.actor).content)
    bad = [list(r) for r in good_rows]
    bad[1][0] = "广东"  # not a province's full name
    bad[2][8] = "120%"
    content = export_bytes(bad)

    job = run_import(personas.aggregator.actor, content)

    assert job.status == ImportStatus.FAILED
    assert {(e["row"], e["column"]) for e in job.errors} == {(2, "省份"), (3, "双师型教师比例")}
    assert not SummarySubmission.objects.filter(source=SummarySource.IMPORTED).exists()


def test_r27_only_national_writers_import_tables(personas: Personas) -> None:
    content = summary_selectors.summary_export(actor=personas.gd.actor).content
    viewer = make_user("aggregator-viewer", personas.aggregator.unit, Role.VIEWER)

    for actor in (personas.gd.actor, viewer.actor):
        with pytest.raises(Forbidden):
            import_submit(
                actor=actor,
                spec_name="pilot_summary",
                uploaded_file=SimpleUploadedFile("汇总表.xlsx", content),
            )


def export_bytes(rows: list[list[Any]]) -> bytes:
    response = export_response(filename="t", headers=rows[0], rows=rows[1:])
    return bytes(response.content)
