"""Students: the xlsx import (validation, upsert, idempotency), encryption and scoping."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from onex.assessment.importers import StudentSpec
from onex.assessment.models import Candidate
from onex.assessment.selectors import exams as exam_selectors
from onex.assessment.services import students as student_services
from onex.core.actors import Actor
from onex.core.errors import Forbidden, NotFound
from onex.core.import_services import import_submit
from onex.core.models import AuditEvent, ImportJob, ImportStatus
from onex.core.personal import IdType, validate_id_number
from tests.factories_assessment import Exams, make_id
from tests.personas import Persona

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "证件类型", "证件号码", "性别", "专业", "年级", "是否建档立卡"]


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
    def run(persona: Persona, content: bytes, spec: str = "students") -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=persona.actor,
                spec_name=spec,
                uploaded_file=SimpleUploadedFile("名单.xlsx", content),
            )
        repeat = job.is_repeat
        job.refresh_from_db()
        job.is_repeat = repeat
        return job

    return run


def good_rows() -> list[list[str]]:
    return [
        ["王一", "居民身份证", make_id(1), "男", "物流管理", "2019级", "否"],
        ["王二", "居民身份证", make_id(2, female=True), "女", "530802", "2019级", "是"],
        ["王三", "居民身份证", make_id(3), "男", "计算机应用", "2020级", ""],
    ]


def test_school_imports_students_encrypted_and_masked(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    job = submit(ex.p.gd_school, xlsx(good_rows()))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.summary == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    students = {c.name: c for c in Candidate.objects.all()}
    assert students["王二"].poor_household is True
    assert students["王二"].specialty == ex.specialty  # matched by code
    assert students["王三"].specialty == ex.other_specialty
    number = make_id(1)
    one = students["王一"]
    assert one.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert number.encode() not in bytes(one.id_number_enc)
    assert one.school == ex.p.gd_school_obj and one.province == ex.p.gd_school_obj.province
    # Nothing clear in the audit log.
    for event in AuditEvent.objects.filter(action="assessment.student_import"):
        assert number not in str(event.new)


def test_reimport_is_idempotent_and_updates_changed_rows(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    submit(ex.p.gd_school, xlsx(good_rows()))
    rows = good_rows()
    rows.append(["王四", "居民身份证", make_id(4), "男", "物流管理", "2019级", "否"])
    rows[0][5] = "2020级"  # changed grade
    # Built once: xlsx files carry their creation time, so a rebuild may differ in its bytes.
    content = xlsx(rows)
    job = submit(ex.p.gd_school, content)
    assert job.summary == {"rows": 4, "created": 1, "updated": 1, "unchanged": 2}
    assert Candidate.objects.count() == 4
    assert Candidate.objects.get(name="王一").grade == "2020级"
    again = submit(ex.p.gd_school, content)
    assert again.is_repeat and Candidate.objects.count() == 4


def test_same_rows_in_a_new_file_change_nothing(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    submit(ex.p.gd_school, xlsx(good_rows()))
    events = AuditEvent.objects.count()
    rows = good_rows()
    rows.reverse()  # different file, same data
    job = submit(ex.p.gd_school, xlsx(rows))
    assert job.summary == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    # only the import.succeeded event was added
    assert AuditEvent.objects.count() == events + 1


def test_bad_rows_are_reported_without_echoing_the_id_and_nothing_is_written(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    bad_checksum = make_id(5)[:-1] + ("1" if make_id(5)[-1] != "1" else "2")
    rows = [
        ["王一", "居民身份证", make_id(1), "男", "物流管理", "2019级", "否"],  # 2 ok
        ["王五", "居民身份证", bad_checksum, "男", "物流管理", "2019级", "否"],  # 3 checksum
        ["王六", "居民身份证", make_id(6), "女", "物流管理", "2019级", "否"],  # 4 gender
        ["王七", "居民身份证", make_id(7), "男", "烹饪", "2019级", "否"],  # 5 specialty
        ["王八", "驾驶证", make_id(8), "男", "物流管理", "2019级", "否"],  # 6 id type
        ["王一", "居民身份证", make_id(1), "男", "物流管理", "2019级", "否"],  # 7 duplicate
        ["", "居民身份证", make_id(9), "男", "物流管理", "2019级", "否"],  # 8 name
    ]
    job = submit(ex.p.gd_school, xlsx(rows))
    assert job.status == ImportStatus.FAILED
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {
        (3, "证件号码"),
        (4, "性别"),
        (5, "专业"),
        (6, "证件类型"),
        (7, "证件号码"),
        (8, "姓名"),
    }
    text = str(job.errors)
    assert bad_checksum not in text and make_id(6) not in text
    assert not Candidate.objects.exists()


def test_only_school_writers_may_import_students(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    for persona in (ex.p.gd, ex.p.org, ex.p.learner):
        with pytest.raises(Forbidden):
            submit(persona, xlsx(good_rows()))


def test_school_sees_only_its_students(ex: Exams) -> None:
    mine = ex.student()
    theirs = ex.student(school=ex.p.hb_school_obj)
    assert list(exam_selectors.candidate_list(actor=ex.p.gd_school.actor)) == [mine]
    with pytest.raises(NotFound):
        exam_selectors.candidate_get(actor=ex.p.gd_school.actor, pk=theirs.pk)


def test_province_and_city_see_their_schools_students(ex: Exams) -> None:
    gz = ex.student()
    sz = student_services.student_upsert(
        actor=Actor.system(),
        school=ex.p.sz_school_obj,
        name="深圳学生",
        id_type="resident",
        id_number=make_id(77),
        gender="male",
        specialty=None,
    )[0]
    hb = ex.student(school=ex.p.hb_school_obj)
    assert set(exam_selectors.candidate_list(actor=ex.p.gd.actor)) == {gz, sz}
    assert set(exam_selectors.candidate_list(actor=ex.p.gz_city.actor)) == {gz}
    assert set(exam_selectors.candidate_list(actor=ex.p.ministry.actor)) == {gz, sz, hb}
    assert not exam_selectors.candidate_list(actor=ex.p.org.actor).exists()


def test_school_updating_another_schools_student_is_refused(ex: Exams) -> None:
    with pytest.raises(Forbidden):
        student_services.student_upsert(
            actor=ex.p.gd_school.actor,
            school=ex.p.hb_school_obj,
            name="x",
            id_type="resident",
            id_number=make_id(50),
            gender="male",
            specialty=None,
        )


def test_reveal_id_is_audited_and_limited_to_the_school(ex: Exams) -> None:
    student = ex.student()
    number = student_services.candidate_reveal_id(actor=ex.p.gd_school.actor, candidate=student)
    assert number == make_id(1)
    assert AuditEvent.objects.filter(action="personal.view", target_id=str(student.pk)).exists()
    with pytest.raises(Forbidden):
        student_services.candidate_reveal_id(actor=ex.p.gd.actor, candidate=student)


def test_import_templates_download(client: Any, ex: Exams) -> None:
    from django.urls import reverse

    client.force_login(ex.p.gd_school.user)
    response = client.get(reverse("import_template", args=["students"]))
    assert response.status_code == 200
    client.force_login(ex.p.org.user)
    assert client.get(reverse("import_template", args=["exam_results"])).status_code == 200


def test_student_template_sample_row_passes_its_own_checks(ex: Exams) -> None:
    """Issue 26: the template's example row (its sample ID number) imports without an error."""
    spec = StudentSpec()
    actor = ex.p.gd_school.actor
    values = {c.key: c.parse(str(c.example)) for c in spec.columns if c.example}
    spec.validate_row(values, actor=actor, context=spec.prepare(actor=actor))
    assert validate_id_number(IdType.RESIDENT, values["id_number"]) == values["id_number"]
