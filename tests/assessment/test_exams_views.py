"""Exam pages: each role sees its slice, actions work through forms, refusals are 404/403."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from onex.assessment.models import PlanStatus, Registration, RegistrationStatus
from onex.core.models import Role
from tests.factories_assessment import Exams, make_id
from tests.personas import Persona, make_org, make_user

pytestmark = pytest.mark.django_db


def as_(client: Client, persona: Persona) -> Client:
    client.force_login(persona.user)
    return client


def test_org_plan_pages_and_transition(client: Client, ex: Exams) -> None:
    plan = ex.plan(open_=False)
    as_(client, ex.p.org)
    page = client.get(reverse("assessment:exam_plan_list")).content.decode()
    assert plan.title in page and "新建考核计划" in page
    detail = client.get(reverse("assessment:exam_plan_detail", args=[plan.pk]))
    assert detail.status_code == 200 and "开放报名" in detail.content.decode()
    response = client.post(reverse("assessment:exam_plan_action", args=[plan.pk, "open"]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REGISTRATION_OPEN


def test_org_creates_plan_through_the_form(client: Client, ex: Exams) -> None:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    as_(client, ex.p.org)
    assert client.get(reverse("assessment:exam_plan_create")).status_code == 200
    response = client.post(
        reverse("assessment:exam_plan_create"),
        {
            "certificate": ex.certificate.pk,
            "level": "junior",
            "province": "420000",  # no filing in Hubei: R38 at the form
            "exam_date": today + dt.timedelta(days=20),
            "start_time": "09:00",
            "end_time": "11:00",
            "capacity": 10,
            "registration_opens": today,
            "registration_closes": today + dt.timedelta(days=5),
        },
    )
    assert response.status_code == 200 and "[R38]" in response.content.decode()


def test_school_cannot_open_create_form(client: Client, ex: Exams) -> None:
    as_(client, ex.p.gd_school)
    assert client.get(reverse("assessment:exam_plan_create")).status_code == 403


def test_other_org_gets_404_on_plan_page(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    other = make_org("另一家评价组织", "91110000MA00000017")
    as_(client, make_user("other-org", other.unit))
    assert client.get(reverse("assessment:exam_plan_detail", args=[plan.pk])).status_code == 404
    url = reverse("assessment:exam_plan_action", args=[plan.pk, "close-registration"])
    assert client.post(url).status_code == 404


def test_province_gets_403_on_plan_action(client: Client, ex: Exams) -> None:
    plan = ex.plan(open_=False)
    as_(client, ex.p.gd)
    url = reverse("assessment:exam_plan_action", args=[plan.pk, "open"])
    assert client.post(url).status_code == 403


def test_school_registers_through_the_page_and_sees_r44_refusal(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    ok, refused = ex.student("甲"), ex.student("乙", specialty=ex.other_specialty)
    as_(client, ex.p.gd_school)
    page = client.get(reverse("assessment:exam_plan_detail", args=[plan.pk])).content.decode()
    assert "为本校学生报名" in page and "甲" in page
    url = reverse("assessment:exam_plan_register", args=[plan.pk])
    response = client.post(url, {"candidates": [ok.pk, refused.pk]}, follow=True)
    assert "[R44]" in response.content.decode()
    assert not Registration.objects.exists()
    client.post(url, {"candidates": [ok.pk]})
    reg = Registration.objects.get()
    detail = client.get(reverse("assessment:registration_detail", args=[reg.pk])).content.decode()
    assert reg.ticket_number in detail and "撤销报名" in detail
    client.post(reverse("assessment:registration_action", args=[reg.pk, "withdraw"]))
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.WITHDRAWN


def test_school_posting_another_schools_student_gets_404(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    other = ex.student(school=ex.p.hb_school_obj)
    as_(client, ex.p.gd_school)
    url = reverse("assessment:exam_plan_register", args=[plan.pk])
    assert client.post(url, {"candidates": [other.pk]}).status_code == 404


def test_school_viewer_gets_403_when_registering(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    student = ex.student()
    as_(client, make_user("school-viewer", ex.p.gd_school_obj.unit, Role.VIEWER))
    url = reverse("assessment:exam_plan_register", args=[plan.pk])
    assert client.post(url, {"candidates": [student.pk]}).status_code == 403


def test_learner_self_registers_on_the_plan_page(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    as_(client, ex.p.learner)
    url = reverse("assessment:exam_plan_detail", args=[plan.pk])
    assert "社会考生报名" in client.get(url).content.decode()
    response = client.post(
        url,
        {"name": "张三", "id_type": "resident", "id_number": make_id(900), "gender": "male"},
    )
    assert response.status_code == 302
    reg = Registration.objects.get()
    mine = client.get(reverse("assessment:registration_list")).content.decode()
    assert reg.ticket_number in mine


def test_school_sees_published_result_and_lodges_objection(client: Client, ex: Exams) -> None:
    _plan, regs = ex.published(1)
    as_(client, ex.p.gd_school)
    url = reverse("assessment:registration_detail", args=[regs[0].pk])
    page = client.get(url).content.decode()
    assert "合格" in page and "提出异议" in page
    client.post(
        reverse("assessment:registration_action", args=[regs[0].pk, "objection"]),
        {"reason": "请复核"},
    )
    assert regs[0].objections.count() == 1
    as_(client, ex.p.org)
    client.post(
        reverse("assessment:registration_action", args=[regs[0].pk, "answer"]),
        {"answer": "复核无误"},
    )
    assert regs[0].objections.get().status == "done"


def test_student_list_is_scoped_with_export_and_htmx(client: Client, ex: Exams) -> None:
    ex.student("广州学生")
    ex.student("湖北学生", school=ex.p.hb_school_obj)
    as_(client, ex.p.gd_school)
    page = client.get(reverse("assessment:student_list")).content.decode()
    assert "广州学生" in page and "湖北学生" not in page and make_id(1) not in page
    fragment = client.get(reverse("assessment:student_list"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    xlsx = client.get(reverse("assessment:student_list"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["广州学生"]
    as_(client, ex.p.org)
    assert client.get(reverse("assessment:student_list")).status_code == 403


def test_r14_page_and_export(client: Client, ex: Exams) -> None:
    ex.student("未考学生")
    as_(client, ex.p.gd)
    page = client.get(reverse("assessment:r14_report")).content.decode()
    assert "未考学生" in page and "r14-chart-data" in page
    xlsx = client.get(reverse("assessment:r14_report"), {"format": "xlsx"})
    assert xlsx.status_code == 200
    as_(client, ex.p.org)
    assert client.get(reverse("assessment:r14_report")).status_code == 403


def test_ticket_download_is_scoped(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    as_(client, ex.p.hb_school)
    assert client.get(reverse("assessment:registration_ticket", args=[reg.pk])).status_code == 404
    as_(client, ex.p.gd_school)
    response = client.get(reverse("assessment:registration_ticket", args=[reg.pk]))
    assert response.status_code in (200, 302)


def test_plan_registrations_export(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    ex.register(plan, ex.student("甲"))
    as_(client, ex.p.org)
    xlsx = client.get(reverse("assessment:exam_plan_detail", args=[plan.pk]), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["甲"]


def test_dashboard_shows_exam_todos(client: Client, ex: Exams) -> None:
    ex.student("未考学生")
    plan = ex.plan()
    as_(client, ex.p.gd_school)
    page = client.get(reverse("dashboard")).content.decode()
    assert "正在报名的考核计划" in page and "R14" in page
    as_(client, ex.p.org)
    ex.register(plan, ex.student())
    ex.to_scoring(plan)
    page = client.get(reverse("dashboard")).content.decode()
    assert "待登记成绩的考核计划" in page


def test_menu_offers_exam_pages_by_role(ex: Exams) -> None:
    from onex.core.navigation import menu_for

    school = {i.url_name for i in menu_for(ex.p.gd_school.actor)}
    assert {
        "assessment:exam_plan_list",
        "assessment:student_list",
        "assessment:r14_report",
    } <= school
    org = {i.url_name for i in menu_for(ex.p.org.actor)}
    assert "assessment:exam_plan_list" in org and "assessment:student_list" not in org


def test_school_export_hides_scores_before_publicity(client: Client, ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student("甲"))
    ex.to_scoring(plan)
    ex.score(reg, "88", "90")
    as_(client, ex.p.gd_school)
    xlsx = client.get(reverse("assessment:registration_list"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet is not None
    [row] = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[8] is None and not row[10]
    as_(client, ex.p.org)
    xlsx = client.get(reverse("assessment:registration_list"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet is not None
    [row] = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[10] == "合格"


def test_r36_plan_page_marks_the_publicity_days_as_a_platform_default(
    client: Client, ex: Exams
) -> None:
    plan = ex.plan()
    html = as_(client, ex.p.org).get(reverse("assessment:exam_plan_detail", args=[plan.pk]))
    text = html.content.decode()
    assert "成绩公示天数" in text and "平台默认值" in text
